// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: WATCH, a descriptor that reports changes to a range of an
 * address space as they happen.
 *
 * A watch is an interval MMU notifier over the range. The kernel calls it
 * whenever it invalidates page-table entries there (unmap, protection
 * change, copy-on-write, reclaim, migration, soft-dirty clearing, exit),
 * from contexts that may not sleep or allocate (reclaim, the OOM reaper):
 * the callback only copies the event into a ring allocated at creation,
 * under a spinlock, or counts it lost when the ring is full. The watched
 * process sees nothing but the notifier.
 *
 * With PAGECTL_WATCH_ENTRIES, the watch also keeps the entry of every page
 * of its range, read when it is created (against the notifier's sequence,
 * so that no change racing with the creation leaves a stale entry) and again
 * over each event's range as the event is read: in process context, under
 * the mmap lock, the way walk.h reads tables. An event then carries the
 * entry at its start as it was last read, and as it is now.
 *
 * Lifetime: the watch belongs to its file. The notifier holds the target
 * mm_struct with mmgrab() (mmu_interval_notifier_insert() takes it), never
 * the address space, so a watch never keeps a process's memory alive. The
 * file's release removes the notifier, which waits for a running callback,
 * before the ring is freed; the file holds the module (fops.owner), so the
 * callback's code stays while a watch exists.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "walk.h"

/* The first version of struct pagectl_watch_event, without the entries. */
#define PAGECTL_WATCH_EVENT_SIZE_V1	offsetofend(struct pagectl_watch_event, lost)

/**
 * struct pagectl_watch_entry - a watched page's entry, as last read
 * @bits: %PAGECTL_PTE_* bits
 * @kind: %PAGECTL_ENTRY_*
 * @level: %PAGECTL_LEVEL_*
 */
struct pagectl_watch_entry {
	u32 bits;
	u8 kind;
	u8 level;
};

/**
 * struct pagectl_watcher - one watch
 * @notifier: the interval notifier over [@start, @end)
 * @pf: the device file that created it (a reference), charged for it
 * @start: first address watched
 * @end: address after the last
 * @lock: the ring and the counters, between the callback and readers
 * @read_lock: one reader at a time, so an event leaves the ring only once
 *	it is copied out
 * @wait: readers and pollers waiting for an event
 * @queue_len: events the ring holds; one more slot is kept for RELEASE
 * @head: index of the oldest queued event
 * @count: events queued
 * @seq: number of the last event seen, queued or lost
 * @lost: events lost since the last one queued
 * @released: the address space is exiting; nothing is queued after it
 * @event_size: the size of each event read() returns, the caller's
 * @locked: pages of @ring and @entries charged to the creator's user
 * @entries: with %PAGECTL_WATCH_ENTRIES, one per page of the range; read
 *	and written under @read_lock only
 * @ring: @queue_len + 1 events
 */
struct pagectl_watcher {
	struct mmu_interval_notifier notifier;
	struct pagectl_file *pf;
	unsigned long start;
	unsigned long end;
	spinlock_t lock;		/* the ring and its counters */
	struct mutex read_lock;		/* one reader at a time */
	wait_queue_head_t wait;
	u32 queue_len;
	u32 head;
	u32 count;
	u64 seq;
	u64 lost;
	bool released;
	u32 event_size;
	unsigned long locked;
	struct pagectl_watch_entry *entries;
	struct pagectl_watch_event ring[];
};

static u32 pagectl_watch_reason(enum mmu_notifier_event event)
{
	switch (event) {
	case MMU_NOTIFY_UNMAP:
		return PAGECTL_WATCH_UNMAP;
	case MMU_NOTIFY_CLEAR:
		return PAGECTL_WATCH_CLEAR;
	case MMU_NOTIFY_PROTECTION_VMA:
	case MMU_NOTIFY_PROTECTION_PAGE:
		return PAGECTL_WATCH_PROTECTION;
	case MMU_NOTIFY_SOFT_DIRTY:
		return PAGECTL_WATCH_SOFT_DIRTY;
	case MMU_NOTIFY_RELEASE:
		return PAGECTL_WATCH_RELEASE;
	case MMU_NOTIFY_MIGRATE:
		return PAGECTL_WATCH_MIGRATE;
	case MMU_NOTIFY_EXCLUSIVE:
		return PAGECTL_WATCH_EXCLUSIVE;
	}
	return PAGECTL_WATCH_OTHER;
}

/* The notifier's callback: queue or count, never sleep nor allocate. */
static bool pagectl_watch_invalidate(struct mmu_interval_notifier *mni,
				     const struct mmu_notifier_range *range,
				     unsigned long cur_seq)
{
	struct pagectl_watcher *w = container_of(mni, struct pagectl_watcher,
						 notifier);
	bool release = range->event == MMU_NOTIFY_RELEASE;
	struct pagectl_watch_event *ev;

	spin_lock(&w->lock);
	/* The interval notifier API asks for it, under the readers' lock. */
	mmu_interval_set_seq(mni, cur_seq);
	/* exit_mmap() unmaps everything after RELEASE: that is not news. */
	if (w->released) {
		spin_unlock(&w->lock);
		return true;
	}
	w->seq++;
	if (w->count >= w->queue_len + release) {
		w->lost++;
	} else {
		ev = &w->ring[(w->head + w->count) % (w->queue_len + 1)];
		ev->start = max(range->start, w->start);
		ev->end = min(range->end, w->end);
		ev->event = pagectl_watch_reason(range->event);
		ev->flags = 0;
		ev->seq = w->seq;
		ev->lost = w->lost;
		w->lost = 0;
		w->count++;
	}
	if (release)
		w->released = true;
	spin_unlock(&w->lock);
	wake_up_interruptible(&w->wait);
	return true;
}

static const struct mmu_interval_notifier_ops pagectl_watch_ops = {
	.invalidate = pagectl_watch_invalidate,
};

static bool pagectl_watch_ready(struct pagectl_watcher *w)
{
	bool ready;

	spin_lock(&w->lock);
	ready = w->count || w->released;
	spin_unlock(&w->lock);
	return ready;
}

static void pagectl_watch_fill(struct pagectl_watcher *w, unsigned long from,
			       unsigned long to, const struct pagectl_watch_entry *we)
{
	unsigned long i;

	for (i = (from - w->start) >> PAGE_SHIFT; from < to; from += PAGE_SIZE)
		w->entries[i++] = *we;
}

/*
 * Read the entries of [@from, @to) anew, in process context under the mmap
 * lock, as walk.h reads tables. Pages outside every VMA, or of an address
 * space that has exited, have none (NOT_WALKED).
 */
static int pagectl_watch_read_entries(struct pagectl_watcher *w,
				      unsigned long from, unsigned long to)
{
	const struct pagectl_watch_entry none = { .kind = PAGECTL_ENTRY_NOT_WALKED };
	const struct pagectl_watch_entry unknown = { .kind = PAGECTL_ENTRY_UNKNOWN };
	struct mm_struct *mm = w->notifier.mm;
	unsigned long addr = from;

	if (!mmget_not_zero(mm)) {
		pagectl_watch_fill(w, from, to, &none);
		return 0;
	}
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	while (addr < to) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned long stop;

		if (!vma || vma->vm_start > addr) {
			stop = vma ? min(vma->vm_start, to) : to;
			pagectl_watch_fill(w, addr, stop, &none);
			addr = stop;
			continue;
		}
		stop = min(vma->vm_end, to);
		if (!pagectl_tables_stable(mm, vma)) {
			pagectl_watch_fill(w, addr, stop, &unknown);
			addr = stop;
			continue;
		}
		while (addr < stop) {
			struct pagectl_watch_entry we;
			struct pagectl_path p;
			struct pagectl_entry e;
			unsigned long flags, next;
			pte_t *ptep;

			local_irq_save(flags);
			pagectl_descend_pte(mm, vma, addr, &p, &ptep);
			local_irq_restore(flags);
			pagectl_decode(p.level, p.kind, p.raw[p.level], 0, &e);
			we = (struct pagectl_watch_entry) {
				.bits = e.bits, .kind = e.kind, .level = p.level,
			};
			/* One entry above the PTEs answers for all it spans. */
			next = (addr | ((1UL << pagectl_level_shift(p.level)) - 1)) + 1;
			next = min(next, stop);
			pagectl_watch_fill(w, addr, next, &we);
			addr = next;
		}
		cond_resched();
	}
	mmap_read_unlock(mm);
	mmput(mm);
	return 0;
}

/*
 * The first reading of the entries, once the notifier is in: a change that
 * starts after the insertion is an event, and one already running then
 * (begun before the notifier existed, so never an event of this watch) is
 * waited for by mmu_interval_read_begin(). A reading that an invalidation
 * overlapped is made again, as the notifier's users do
 * (Documentation/mm/hmm.rst); the event is queued as well.
 */
static int pagectl_watch_first_entries(struct pagectl_watcher *w)
{
	unsigned long seq;
	bool retry;
	int ret;

	do {
		seq = mmu_interval_read_begin(&w->notifier);
		ret = pagectl_watch_read_entries(w, w->start, w->end);
		if (ret)
			return ret;
		/* The callback sets the sequence under this lock. */
		spin_lock(&w->lock);
		retry = mmu_interval_read_retry(&w->notifier, seq);
		spin_unlock(&w->lock);
		if (retry && fatal_signal_pending(current))
			return -EINTR;
	} while (retry);
	return 0;
}

/* @ev's entries: its first page's as last read, then read anew over its range. */
static int pagectl_watch_entries(struct pagectl_watcher *w,
				 struct pagectl_watch_event *ev)
{
	unsigned long first = ev->start & PAGE_MASK;
	struct pagectl_watch_entry *we = &w->entries[(first - w->start) >> PAGE_SHIFT];
	int ret;

	ev->before_kind = we->kind;
	ev->before_level = we->level;
	ev->before_bits = we->bits;
	ret = pagectl_watch_read_entries(w, first, PAGE_ALIGN(ev->end));
	if (ret)
		return ret;
	ev->after_kind = we->kind;
	ev->after_level = we->level;
	ev->after_bits = we->bits;
	return 0;
}

/* Whole events; a blocking read waits for the first, EOF after RELEASE. */
static ssize_t pagectl_watch_read(struct file *file, char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct pagectl_watcher *w = file->private_data;
	struct pagectl_watch_event ev;
	ssize_t done = 0;
	int ret;

	if (count < w->event_size)
		return -EINVAL;
	if (mutex_lock_interruptible(&w->read_lock))
		return -ERESTARTSYS;
	while (done + w->event_size <= count) {
		spin_lock(&w->lock);
		if (!w->count) {
			bool released = w->released;

			spin_unlock(&w->lock);
			if (done || released)
				break;
			if (file->f_flags & O_NONBLOCK) {
				done = -EAGAIN;
				break;
			}
			ret = wait_event_interruptible(w->wait,
						       pagectl_watch_ready(w));
			if (ret) {
				done = ret;
				break;
			}
			continue;
		}
		ev = w->ring[w->head];
		spin_unlock(&w->lock);

		/* Killed: the event stays queued. */
		if (w->entries && pagectl_watch_entries(w, &ev)) {
			done = done ?: -EINTR;
			break;
		}
		if (pagectl_put_record(buf + done, &ev,
				       min_t(size_t, sizeof(ev), w->event_size),
				       w->event_size)) {
			done = done ?: -EFAULT;
			break;
		}
		/* Only this reader takes events out: the head is still ev. */
		spin_lock(&w->lock);
		w->head = (w->head + 1) % (w->queue_len + 1);
		w->count--;
		spin_unlock(&w->lock);
		done += w->event_size;
	}
	mutex_unlock(&w->read_lock);
	return done;
}

static __poll_t pagectl_watch_poll(struct file *file, poll_table *pt)
{
	struct pagectl_watcher *w = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &w->wait, pt);
	spin_lock(&w->lock);
	if (w->count)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (w->released)
		mask |= EPOLLHUP;
	spin_unlock(&w->lock);
	return mask;
}

static void pagectl_watch_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct pagectl_watcher *w = file->private_data;
	u32 queued;
	u64 seq;

	spin_lock(&w->lock);
	queued = w->count;
	seq = w->seq;
	spin_unlock(&w->lock);
	seq_printf(m, "pagectl-watch-range:\t%#lx-%#lx\n", w->start, w->end);
	seq_printf(m, "pagectl-watch-queue:\t%u/%u\n", queued, w->queue_len);
	seq_printf(m, "pagectl-watch-seq:\t%llu\n", seq);
}

/* Undo a watch's charge to its device file and free it. */
static void pagectl_watch_free(struct pagectl_watcher *w)
{
	struct pagectl_file *pf = w->pf;

	pagectl_unaccount_locked(pf->user, w->locked);
	kvfree(w->entries);
	kvfree(w);
	pagectl_watch_unaccount(pf);
	pagectl_file_put(pf);
}

static int pagectl_watch_release(struct inode *inode, struct file *file)
{
	struct pagectl_watcher *w = file->private_data;

	/* Waits for a running callback; none runs after it, and it mmdrop()s. */
	mmu_interval_notifier_remove(&w->notifier);
	pagectl_watch_free(w);
	return 0;
}

static const struct file_operations pagectl_watch_fops = {
	.owner		= THIS_MODULE,
	.release	= pagectl_watch_release,
	.read		= pagectl_watch_read,
	.poll		= pagectl_watch_poll,
	.llseek		= noop_llseek,
	.show_fdinfo	= pagectl_watch_show_fdinfo,
};

/* The page-rounded range the caller names in @mm, or a negative errno. */
static int pagectl_watch_range(struct mm_struct *mm,
			       const struct pagectl_watch *arg,
			       unsigned long *start, unsigned long *end)
{
	unsigned long len;
	int ret;

	if (arg->start != (unsigned long)arg->start ||
	    arg->end != (unsigned long)arg->end)
		return -EFAULT;
	if (arg->end < arg->start)
		return -EINVAL;
	*start = arg->start;
	len = arg->end - arg->start;
	ret = pagectl_walk_lock(mm, start, len);
	if (ret)
		return ret;
	mmap_read_unlock(mm);
	/* Below TASK_SIZE now: neither rounding wraps. */
	*end = PAGE_ALIGN(*start + len);
	*start &= PAGE_MASK;
	return *end > *start ? 0 : -EINVAL;
}

/**
 * pagectl_watch_ioctl() - PAGECTL_WATCH: a descriptor of a range's changes
 * @ucmd: &struct pagectl_watch
 *
 * The descriptor is reserved, and installed only once the caller has the
 * result; until then nothing can read the watch.
 *
 * Return: 0 or a negative errno; on error nothing is left behind.
 */
int pagectl_watch_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_watch *arg = ucmd->cmd;
	u32 queue_len = arg->queue_len ?: PAGECTL_WATCH_QUEUE_DEFAULT;
	unsigned long start, end, npages, locked;
	struct pagectl_watcher *w;
	u32 event_size;
	struct mm_struct *mm;
	struct file *file;
	int fd, ret;

	arg->fd = -1;
	if (queue_len > pagectl_max_watch_queue || arg->__reserved2)
		return -EINVAL;
	event_size = arg->event_size ?: PAGECTL_WATCH_EVENT_SIZE_V1;
	if (event_size < PAGECTL_WATCH_EVENT_SIZE_V1 || event_size > PAGECTL_RECORD_MAX)
		return -EINVAL;
	if ((arg->flags & PAGECTL_WATCH_ENTRIES) &&
	    event_size < offsetofend(struct pagectl_watch_event, after_bits))
		return -EINVAL;
	mm = pagectl_walk_mm(pf, arg->flags, arg->pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	ret = pagectl_watch_range(mm, arg, &start, &end);
	if (ret)
		goto out_mmput;
	npages = arg->flags & PAGECTL_WATCH_ENTRIES ? (end - start) >> PAGE_SHIFT : 0;
	if (npages > PAGECTL_WATCH_ENTRIES_MAX_PAGES) {
		ret = -EINVAL;
		goto out_mmput;
	}

	/*
	 * The caps are checked before anything is allocated. The ring and the
	 * entries are kernel memory that cannot be swapped: charged to the
	 * user's locked_vm, as pins and buffers are, and as perf charges its
	 * ring buffers.
	 */
	ret = pagectl_watch_account(pf);
	if (ret)
		goto out_mmput;
	locked = PAGE_ALIGN(struct_size(w, ring, queue_len + 1) +
			    npages * sizeof(*w->entries)) >> PAGE_SHIFT;
	ret = pagectl_account_locked(pf->user, locked);
	if (ret)
		goto err_count;
	w = kvzalloc(struct_size(w, ring, queue_len + 1), GFP_KERNEL_ACCOUNT);
	if (!w) {
		ret = -ENOMEM;
		goto err_uncharge;
	}
	w->locked = locked;
	w->start = start;
	w->end = end;
	w->queue_len = queue_len;
	w->event_size = event_size;
	if (npages) {
		w->entries = kvcalloc(npages, sizeof(*w->entries), GFP_KERNEL_ACCOUNT);
		if (!w->entries) {
			kvfree(w);
			ret = -ENOMEM;
			goto err_uncharge;
		}
	}
	spin_lock_init(&w->lock);
	mutex_init(&w->read_lock);
	init_waitqueue_head(&w->wait);
	/* Released by pagectl_watch_free(), with the count. */
	kref_get(&pf->ref);
	w->pf = pf;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_put_file;
	}
	/* mm_users is held (pagectl_walk_mm()), as registering needs. */
	ret = mmu_interval_notifier_insert(&w->notifier, mm, start, end - start,
					   &pagectl_watch_ops);
	if (ret)
		goto err_put_fd;
	if (w->entries) {
		ret = pagectl_watch_first_entries(w);
		if (ret)
			goto err_remove;
	}
	file = anon_inode_getfile("[pagectl_watch]", &pagectl_watch_fops, w,
				  O_RDONLY | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_remove;
	}
	mmput(mm);

	arg->fd = fd;
	/* From here the file owns the watch: its release undoes all of it. */
	return pagectl_ucmd_respond_fd(ucmd, sizeof(*arg), fd, file);

err_remove:
	mmu_interval_notifier_remove(&w->notifier);
err_put_fd:
	put_unused_fd(fd);
err_put_file:
	pagectl_file_put(pf);
	kvfree(w->entries);
	kvfree(w);
err_uncharge:
	pagectl_unaccount_locked(pf->user, locked);
err_count:
	pagectl_watch_unaccount(pf);
out_mmput:
	mmput(mm);
	return ret;
}
