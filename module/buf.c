// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: kernel buffers that user space maps: allocation, lifetime, the
 * buffer file and its commands, and buffer timers (buf_map.c maps them,
 * buf_io.c reads and writes them).
 *
 * A buffer is zeroed memory the module allocates on a NUMA node: one
 * physically contiguous range (mapped with remap_pfn_range(), as a device
 * driver maps its DMA memory) or separate pages (mapped with
 * vm_insert_pages(), so the mapping keeps struct-page semantics and GUP and
 * O_DIRECT work on it), or, where the kernel has special PMD PFN mappings,
 * 2 MiB blocks mapped with PMD entries at fault time. Each buffer is its own
 * file: user space maps it, reads and writes it, and can pass it to another
 * process.
 *
 * Lifetime: the buffer's kref is held by its file, by every VMA mapping it
 * (vm_ops open/close) and by every armed timer. A VMA also holds the file
 * (vm_file), and the file holds the module (fops.owner), so the memory is
 * freed once, after the last mapping is gone, and the module cannot be
 * unloaded before that.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "buf.h"

static atomic64_t pagectl_buf_last_id;

/**
 * struct pagectl_buf_timer - a counter timer a file armed on a buffer
 * @counter: the counter, its word in the kernel's mapping of the buffer
 * @buf: the buffer (a reference): the word outlives every unmapping
 */
struct pagectl_buf_timer {
	struct pagectl_counter counter;
	struct pagectl_buf *buf;
};

static void pagectl_buf_free_pages(struct pagectl_buf *b, unsigned long n)
{
	while (n--)
		__free_page(b->pages[n]);
}

static void pagectl_buf_free(struct kref *ref)
{
	struct pagectl_buf *b = container_of(ref, struct pagectl_buf, ref);

	pagectl_buf_unregister(b);

	/* No mapping is left: every VMA held a reference. */
	pagectl_buf_free_pages(b, b->npages);
	pagectl_unaccount_locked(b->pf->user, b->npages);
	atomic_long_sub(pagectl_buf_len(b), &b->pf->buf_bytes);
	pagectl_file_put(b->pf);
	kvfree(b->pages);
	kfree(b);
}

void pagectl_buf_put(struct pagectl_buf *b)
{
	kref_put(&b->ref, pagectl_buf_free);
}

/* One zeroed page at a time; the pages need not be adjacent. */
static int pagectl_buf_alloc_pages(struct pagectl_buf *b, gfp_t gfp)
{
	unsigned long i;

	for (i = 0; i < b->npages; i++) {
		b->pages[i] = alloc_pages_node(b->nid, gfp, 0);
		if (!b->pages[i]) {
			pagectl_buf_free_pages(b, i);
			return -ENOMEM;
		}
		cond_resched();
	}
	return 0;
}

/*
 * One zeroed block of the smallest order that holds the buffer, split into
 * pages so that the tail beyond the buffer goes back at once and every page
 * is freed on its own.
 */
static int pagectl_buf_alloc_contig(struct pagectl_buf *b, gfp_t gfp)
{
	unsigned int order = get_order(pagectl_buf_len(b));
	struct page *page;
	unsigned long i;

	/* __GFP_NOWARN also keeps an order beyond the allocator's quiet. */
	page = alloc_pages_node(b->nid, gfp, order);
	if (!page)
		return -ENOMEM;
	split_page(page, order);
	for (i = 0; i < b->npages; i++)
		b->pages[i] = page + i;
	for (; i < 1UL << order; i++)
		__free_page(page + i);
	return 0;
}

/* Each block split into pages, as a contiguous buffer is. */
static int pagectl_buf_alloc_huge(struct pagectl_buf *b, gfp_t gfp)
{
	unsigned long i, j;
	struct page *page;

	for (i = 0; i < b->npages; i += PAGECTL_BUF_BLOCK_PAGES) {
		page = alloc_pages_node(b->nid, gfp, PAGECTL_BUF_BLOCK_ORDER);
		if (!page) {
			pagectl_buf_free_pages(b, i);
			return -ENOMEM;
		}
		split_page(page, PAGECTL_BUF_BLOCK_ORDER);
		for (j = 0; j < PAGECTL_BUF_BLOCK_PAGES; j++)
			b->pages[i + j] = page + j;
		cond_resched();
	}
	return 0;
}

/**
 * pagectl_buf_create_ioctl() - PAGECTL_BUF_CREATE: allocate a buffer and
 *	its file
 * @ucmd: &struct pagectl_buf_create
 *
 * The descriptor is reserved, and installed only once the caller has the
 * result.
 *
 * Return: 0 or a negative errno; on error nothing is left allocated.
 */
int pagectl_buf_create_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_buf_create *arg = ucmd->cmd;
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN;
	struct pagectl_buf *b;
	struct file *file;
	u64 len;
	int nid, fd, ret;

	if (!arg->length)
		return -EINVAL;
	if (arg->length > U64_MAX - PAGE_SIZE + 1)
		return -EOVERFLOW;
	len = PAGE_ALIGN(arg->length);
	if ((arg->flags & PAGECTL_BUF_HUGE) &&
	    (arg->flags & PAGECTL_BUF_CONTIG || arg->length % PAGECTL_BUF_BLOCK_SIZE))
		return -EINVAL;

	if (arg->node == PAGECTL_NODE_LOCAL) {
		/* Preferred, with fallback to the other nodes. */
		nid = numa_mem_id();
	} else {
		/* As move_pages(2): only an online node with memory. */
		if (arg->node >= MAX_NUMNODES || !node_state(arg->node, N_MEMORY))
			return -ENODEV;
		nid = arg->node;
		gfp |= __GFP_THISNODE;
	}

	/* The cap is checked before anything is allocated. */
	if (len > pagectl_max_buf_bytes ||
	    atomic_long_add_return(len, &pf->buf_bytes) > pagectl_max_buf_bytes) {
		if (len <= pagectl_max_buf_bytes)
			atomic_long_sub(len, &pf->buf_bytes);
		return -ENOSPC;
	}
	/* Unswappable, unmovable memory: charged as pins are (account.c). */
	ret = pagectl_account_locked(pf->user, len >> PAGE_SHIFT);
	if (ret)
		goto err_cap;

	ret = -ENOMEM;
	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		goto err_uncharge;
	b->npages = len >> PAGE_SHIFT;
	b->nid = nid;
	b->flags = arg->flags;
	b->pages = kvmalloc_array(b->npages, sizeof(*b->pages), GFP_KERNEL_ACCOUNT);
	if (!b->pages)
		goto err_free;
	if (b->flags & PAGECTL_BUF_CONTIG)
		ret = pagectl_buf_alloc_contig(b, gfp);
	else if (b->flags & PAGECTL_BUF_HUGE)
		ret = pagectl_buf_alloc_huge(b, gfp);
	else
		ret = pagectl_buf_alloc_pages(b, gfp);
	if (ret)
		goto err_free_array;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_free_pages;
	}
	/* The file's reference is the one kref_init() gives. */
	kref_init(&b->ref);
	file = anon_inode_getfile("[pagectl_buf]", &pagectl_buf_fops, b,
				  (b->flags & PAGECTL_BUF_RDONLY ? O_RDONLY : O_RDWR) |
				  O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;

	/* Released by pagectl_buf_free(), which also returns the bytes. */
	kref_get(&pf->ref);
	b->pf = pf;
	b->id = atomic64_inc_return(&pagectl_buf_last_id);
	b->pid = task_tgid_nr(current);
	b->privileged = pf->privileged;
	pagectl_buf_register(b);

	arg->fd = fd;
	arg->alloc_length = len;
	arg->id = b->id;
	return pagectl_ucmd_respond_fd(ucmd, sizeof(*arg), fd, file);

err_put_fd:
	put_unused_fd(fd);
err_free_pages:
	pagectl_buf_free_pages(b, b->npages);
err_free_array:
	kvfree(b->pages);
err_free:
	kfree(b);
err_uncharge:
	pagectl_unaccount_locked(pf->user, len >> PAGE_SHIFT);
err_cap:
	atomic_long_sub(len, &pf->buf_bytes);
	return ret;
}

/* Without frame numbers, an extent is what the kind guarantees. */
static unsigned long pagectl_buf_run_end(const struct pagectl_frames *fr,
					 unsigned long i)
{
	const struct pagectl_buf *b = fr->owner;

	if (b->flags & PAGECTL_BUF_CONTIG)
		return b->npages;
	if (b->flags & PAGECTL_BUF_HUGE)
		return round_down(i, PAGECTL_BUF_BLOCK_PAGES) + PAGECTL_BUF_BLOCK_PAGES;
	return i + 1;
}

/*
 * A buffer page's reference count grows with every mapping of the buffer,
 * in whichever process holds a descriptor of it: shown to a caller without
 * CAP_SYS_ADMIN only for a page mapped once, as WALK shows counts.
 */
static void pagectl_buf_fill_frame(const struct pagectl_frames *fr,
				   unsigned long i, bool privileged,
				   struct pagectl_frame *f)
{
	const struct pagectl_buf *b = fr->owner;
	struct page *page = b->pages[i];

	f->pfn = page_to_pfn(page);
	f->nid = page_to_nid(page);
	f->size_shift = b->flags & PAGECTL_BUF_HUGE ? PMD_SHIFT : PAGE_SHIFT;
	f->zone = pagectl_zone(page);
	f->flags = PAGECTL_PAGE_VALID | PAGECTL_PAGE_BUF;
	if (privileged || pagectl_folio_mapcount(page_folio(page)) == 1)
		f->refcount = page_ref_count(page);
}

/* PAGECTL_BUF_INFO: the buffer's size, node and frames or extents. */
static int pagectl_buf_info_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_buf *b = ucmd->file->private_data;
	struct pagectl_buf_info *arg = ucmd->cmd;
	struct pagectl_describe d = PAGECTL_DESCRIBE(arg, b->privileged);
	int ret;

	ret = pagectl_frames_describe(&(struct pagectl_frames) {
					.pages = b->pages,
					.npages = b->npages,
					.owner = b,
					.fill = pagectl_buf_fill_frame,
					.run_end = pagectl_buf_run_end,
				      }, &d);
	if (ret)
		return ret;

	arg->nr_records = d.nr_records;
	arg->out_flags = b->privileged ? PAGECTL_OUT_PFNS : 0;
	arg->next_cursor = d.next_cursor;
	arg->length = pagectl_buf_len(b);
	arg->id = b->id;
	arg->buf_flags = b->flags;
	arg->node = b->nid;
	arg->nr_mappings = atomic_read(&b->nr_mappings);
	return pagectl_ucmd_respond(ucmd, sizeof(*arg));
}

static const struct pagectl_ioctl_op pagectl_buf_ops[] = {
	[PAGECTL_BUF_CMD_INFO - PAGECTL_BUF_CMD_INFO] =
		PAGECTL_IOCTL_OP(PAGECTL_BUF_INFO, pagectl_buf_info_ioctl,
				 struct pagectl_buf_info, __reserved,
				 PAGECTL_DESCRIBE_EXTENTS),
	[PAGECTL_BUF_CMD_FILL - PAGECTL_BUF_CMD_INFO] =
		PAGECTL_IOCTL_OP(PAGECTL_BUF_FILL, pagectl_buf_fill_ioctl,
				 struct pagectl_buf_fill, __reserved,
				 PAGECTL_FILL_INDEX),
};

static const struct pagectl_ioctl_table pagectl_buf_table = {
	.ops = pagectl_buf_ops,
	.nr_ops = ARRAY_SIZE(pagectl_buf_ops),
	.base = PAGECTL_BUF_CMD_INFO,
};

/* A buffer descriptor's commands, through the device's dispatcher. */
static long pagectl_buf_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	return pagectl_ucmd_dispatch(&pagectl_buf_table, file, cmd, arg);
}

static void pagectl_buf_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct pagectl_buf *b = file->private_data;

	seq_printf(m, "pagectl-buf-id:\t%llu\n", b->id);
	seq_printf(m, "pagectl-buf-kind:\t%s\n", pagectl_buf_kind(b));
	seq_printf(m, "pagectl-buf-length:\t%llu\n", pagectl_buf_len(b));
	seq_printf(m, "pagectl-buf-node:\t%d\n", b->nid);
	seq_printf(m, "pagectl-buf-mappings:\t%d\n", atomic_read(&b->nr_mappings));
}

static int pagectl_buf_release(struct inode *inode, struct file *file)
{
	/* Mappings keep their own references. */
	pagectl_buf_put(file->private_data);
	return 0;
}

const struct file_operations pagectl_buf_fops = {
	.owner		= THIS_MODULE,
	.release	= pagectl_buf_release,
	.mmap		= pagectl_buf_mmap,
	.read		= pagectl_buf_read,
	.write		= pagectl_buf_write,
	.llseek		= pagectl_buf_llseek,
	.unlocked_ioctl	= pagectl_buf_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.show_fdinfo	= pagectl_buf_show_fdinfo,
#if PAGECTL_BUF_HUGE_SUPPORTED
	/* 2 MiB-aligned addresses, so that huge buffers get PMD leaves. */
	.get_unmapped_area = thp_get_unmapped_area,
#endif
};

/* Stop and free @t; the caller has taken it out of @pf->buf_timers. */
static u64 pagectl_buf_timer_free(struct pagectl_buf_timer *t)
{
	u64 ticks = pagectl_counter_stop(&t->counter);

	pagectl_buf_put(t->buf);
	kfree(t);
	return ticks;
}

/**
 * pagectl_buf_timer_ioctl() - PAGECTL_TIMER with PAGECTL_TIMER_BUF: a
 *	buffer's counter timer
 * @ucmd: &struct pagectl_timer
 *
 * Return: 0 or a negative errno.
 */
int pagectl_buf_timer_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_timer *arg = ucmd->cmd;
	bool disarm = arg->flags & PAGECTL_TIMER_DISARM;
	struct pagectl_buf_timer *t;
	struct pagectl_buf *b;
	struct file *file;
	int ret = 0;

	if (arg->target > INT_MAX)
		return -EBADF;
	file = fget(arg->target);
	if (!file)
		return -EBADF;
	if (!pagectl_file_is_buf(file)) {
		ret = -EINVAL;
		goto out;
	}
	b = file->private_data;
	if (!disarm) {
		/*
		 * The timer writes the buffer: only through a descriptor open
		 * for writing, as a shared writable mapping, or by the device
		 * file that created the buffer.
		 */
		if (!(file->f_mode & FMODE_WRITE) && b->pf != pf) {
			ret = -EACCES;
			goto out;
		}
		ret = pagectl_counter_check(arg, pagectl_buf_len(b));
		if (ret)
			goto out;
	}

	mutex_lock(&pf->buf_timers_lock);
	t = xa_load(&pf->buf_timers, b->id);
	arg->ticks = 0;
	if (disarm) {
		if (t) {
			xa_erase(&pf->buf_timers, b->id);
			arg->ticks = pagectl_buf_timer_free(t);
		}
		goto unlock;
	}

	if (!t) {
		t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
		if (!t) {
			ret = -ENOMEM;
			goto unlock;
		}
		ret = xa_insert(&pf->buf_timers, b->id, t, GFP_KERNEL_ACCOUNT);
		if (ret) {
			kfree(t);
			goto unlock;
		}
		/* Dropped when the timer is freed: the word stays valid. */
		kref_get(&b->ref);
		t->buf = b;
		pagectl_counter_init(&t->counter);
	}
	ret = pagectl_counter_arm(&t->counter, pf, pagectl_buf_addr(b, arg->offset),
				  arg->period_ns, &arg->ticks);
	if (ret && !t->counter.armed) {
		/* A new timer over a limit: nothing is left of it. */
		xa_erase(&pf->buf_timers, b->id);
		pagectl_buf_timer_free(t);
	}
unlock:
	mutex_unlock(&pf->buf_timers_lock);
	if (!ret)
		ret = pagectl_ucmd_respond(ucmd, sizeof(*arg));
out:
	fput(file);
	return ret;
}

/**
 * pagectl_buf_timers_init() - set up a file's buffer timers
 * @pf: the file
 */
void pagectl_buf_timers_init(struct pagectl_file *pf)
{
	xa_init(&pf->buf_timers);
	mutex_init(&pf->buf_timers_lock);
}

/**
 * pagectl_buf_timers_release() - stop every buffer timer of a file at its
 *	last close
 * @pf: the file
 */
void pagectl_buf_timers_release(struct pagectl_file *pf)
{
	struct pagectl_buf_timer *t;
	unsigned long idx;

	xa_for_each(&pf->buf_timers, idx, t) {
		xa_erase(&pf->buf_timers, idx);
		pagectl_buf_timer_free(t);
	}
	xa_destroy(&pf->buf_timers);
}
