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
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "walk.h"

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

/* Whole events; a blocking read waits for the first, EOF after RELEASE. */
static ssize_t pagectl_watch_read(struct file *file, char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct pagectl_watcher *w = file->private_data;
	struct pagectl_watch_event ev;
	ssize_t done = 0;
	int ret;

	if (count < sizeof(ev))
		return -EINVAL;
	if (mutex_lock_interruptible(&w->read_lock))
		return -ERESTARTSYS;
	while (done + sizeof(ev) <= count) {
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

		if (copy_to_user(buf + done, &ev, sizeof(ev))) {
			done = done ?: -EFAULT;
			break;
		}
		/* Only this reader takes events out: the head is still ev. */
		spin_lock(&w->lock);
		w->head = (w->head + 1) % (w->queue_len + 1);
		w->count--;
		spin_unlock(&w->lock);
		done += sizeof(ev);
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

	kvfree(w);
	atomic_dec(&pf->watches);
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
	unsigned long start, end;
	struct pagectl_watcher *w;
	struct mm_struct *mm;
	struct file *file;
	int fd, ret;

	arg->fd = -1;
	if (queue_len > pagectl_max_watch_queue)
		return -EINVAL;
	mm = pagectl_walk_mm(pf, arg->flags, arg->pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	ret = pagectl_watch_range(mm, arg, &start, &end);
	if (ret)
		goto out_mmput;

	/* The cap is checked before anything is allocated. */
	if (atomic_inc_return(&pf->watches) > pagectl_max_watches_per_file) {
		ret = -ENOSPC;
		goto err_count;
	}
	w = kvzalloc(struct_size(w, ring, queue_len + 1), GFP_KERNEL_ACCOUNT);
	if (!w) {
		ret = -ENOMEM;
		goto err_count;
	}
	w->start = start;
	w->end = end;
	w->queue_len = queue_len;
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
	kvfree(w);
err_count:
	atomic_dec(&pf->watches);
out_mmput:
	mmput(mm);
	return ret;
}
