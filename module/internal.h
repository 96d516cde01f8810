/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagectl: definitions shared by the module's source files.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_INTERNAL_H
#define _PAGECTL_INTERNAL_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

#include <linux/pagectl.h>

#include "compat.h"

struct folio;
struct mm_struct;
struct page;
struct pagectl_user;
struct seq_file;
struct user_struct;

/**
 * struct pagectl_file - state of one open file of /dev/pagectl
 * @ref: held by the file and by everything that may outlive it
 * @mm: the address space of the process that opened the file (mmgrab()ed):
 *	pins are made in it and charged to its pinned_vm
 * @pid: thread group id of the opener, for debugfs
 * @privileged: the opener had CAP_SYS_ADMIN: frame numbers are shown
 * @user: the opener's user: pins and buffers are charged to its locked_vm
 * @puser: what pagectl counts for the opener's user (armed timers, watches)
 * @pins: &struct pagectl_pin_entry by handle
 * @next_handle: cursor of the cyclic handle allocator
 * @pinned_pages: pages held by all pins of this file, for max_pin_pages
 * @npins: pins in @pins
 * @timers: armed timers, of pins and of buffers
 * @buf_timers: &struct pagectl_buf_timer by buffer id
 * @buf_timers_lock: serialises arming and disarming buffer timers
 * @buf_bytes: bytes of live buffers created through this file, for
 *	max_buf_bytes; buffers keep counting after the file is closed
 * @watches: open watches created through this file, for
 *	max_watches_per_file; they keep counting after the file is closed
 * @node: entry in the list of open files (core.c)
 */
struct pagectl_file {
	struct kref ref;
	struct mm_struct *mm;
	pid_t pid;
	bool privileged;
	struct user_struct *user;
	struct pagectl_user *puser;
	struct xarray pins;
	u32 next_handle;
	atomic_long_t pinned_pages;
	atomic_long_t npins;
	atomic_t timers;
	struct xarray buf_timers;
	struct mutex buf_timers_lock;	/* arming and disarming buf_timers */
	atomic_long_t buf_bytes;
	atomic_t watches;
	struct list_head node;
};

/**
 * struct pagectl_buf - a kernel buffer user space maps
 * @ref: held by the buffer's file, by every VMA that maps it and by every
 *	armed timer; the last put frees the memory
 * @pf: the file that created it (a reference): its bytes count against
 *	that file's max_buf_bytes until the buffer is freed
 * @id: unique id, for debugfs and fdinfo
 * @flags: %PAGECTL_BUF_* it was created with
 * @nid: the node asked for, %PAGECTL_NODE_LOCAL resolved
 * @pid: thread group id of the creator, for debugfs
 * @privileged: the creating file's opener had CAP_SYS_ADMIN: frames shown
 * @npages: pages in @pages
 * @pages: the memory, one page each; for %PAGECTL_BUF_CONTIG consecutive
 *	frames of one allocation
 * @nr_mappings: VMAs that map the buffer now
 * @node: entry in the list of live buffers (core.c)
 */
struct pagectl_buf {
	struct kref ref;
	struct pagectl_file *pf;
	u64 id;
	u32 flags;
	int nid;
	pid_t pid;
	bool privileged;
	unsigned long npages;
	struct page **pages;
	atomic_t nr_mappings;
	struct list_head node;
};

/**
 * struct pagectl_ucmd - one ioctl call, as its handler sees it
 * @file: the file the call was made on: /dev/pagectl or a buffer
 * @ubuffer: the caller's argument pointer
 * @user_size: the size the caller gave
 * @cmd: the validated struct, in kernel memory, at the kernel's size
 */
struct pagectl_ucmd {
	struct file *file;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

/* Room for any command's struct, so the dispatcher can hold any of them. */
union pagectl_ucmd_buffer {
	struct pagectl_info info;
	struct pagectl_pin pin;
	struct pagectl_unpin unpin;
	struct pagectl_pin_describe pin_describe;
	struct pagectl_timer timer;
	struct pagectl_walk walk;
	struct pagectl_walk_range walk_range;
	struct pagectl_buf_create buf_create;
	struct pagectl_buf_info buf_info;
	struct pagectl_buf_fill buf_fill;
	struct pagectl_huge_map huge_map;
	struct pagectl_watch watch;
	struct pagectl_pin_check pin_check;
};

/**
 * struct pagectl_ioctl_op - one command: its argument rules and handler
 * @size: the kernel's size of the command's struct
 * @min_size: the size of the struct's first version; smaller is -EINVAL
 * @ioctl_num: the full ioctl number, to reject a matching number of
 *	another type or direction
 * @valid_flags: flags this kernel knows; any other bit is -EOPNOTSUPP
 * @reserved_off: offset of the struct's __reserved field
 * @reserved_len: its length; any non-zero byte there is -EINVAL
 * @execute: the handler; it calls pagectl_ucmd_respond() (or one of the
 *	transactions) to give the caller its results
 */
struct pagectl_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	u32 valid_flags;
	unsigned int reserved_off;
	unsigned int reserved_len;
	int (*execute)(struct pagectl_ucmd *ucmd);
};

/*
 * A table row. Every command struct starts with __u32 size, __u32 flags,
 * names its reserved field __reserved, and fits the dispatcher's union:
 * the build fails otherwise.
 */
#define PAGECTL_IOCTL_OP(_ioctl, _fn, _struct, _last, _flags)			\
	{									\
		.size = sizeof(_struct) +					\
			BUILD_BUG_ON_ZERO(sizeof(union pagectl_ucmd_buffer) <	\
					  sizeof(_struct)) +			\
			BUILD_BUG_ON_ZERO(offsetof(_struct, size) != 0) +	\
			BUILD_BUG_ON_ZERO(offsetof(_struct, flags) != 4),	\
		.min_size = offsetofend(_struct, _last),			\
		.ioctl_num = _ioctl,						\
		.valid_flags = _flags,						\
		.reserved_off = offsetof(_struct, __reserved),			\
		.reserved_len = sizeof_field(_struct, __reserved),		\
		.execute = _fn,							\
	}

/**
 * struct pagectl_ioctl_table - the commands of one kind of file
 * @ops: the rows, indexed by ioctl number minus @base
 * @nr_ops: rows in @ops
 * @base: the ioctl number of @ops[0]
 */
struct pagectl_ioctl_table {
	const struct pagectl_ioctl_op *ops;
	unsigned int nr_ops;
	unsigned int base;
};

static inline u64 pagectl_buf_len(const struct pagectl_buf *b)
{
	return (u64)b->npages << PAGE_SHIFT;
}

static inline const char *pagectl_buf_kind(const struct pagectl_buf *b)
{
	if (b->flags & PAGECTL_BUF_CONTIG)
		return "contig";
	return b->flags & PAGECTL_BUF_HUGE ? "huge" : "pages";
}

/* The flags BUF_CREATE accepts: HUGE only where the kernel can map it. */
#define PAGECTL_BUF_CREATE_FLAGS \
	(PAGECTL_BUF_CONTIG | PAGECTL_BUF_RDONLY | PAGECTL_BUF_DONTCOPY | \
	 (PAGECTL_BUF_HUGE_SUPPORTED ? PAGECTL_BUF_HUGE : 0))

/**
 * struct pagectl_counter - a timer that increments a word of mapped memory
 * @timer: the hrtimer
 * @word: the word it increments, in kernel memory
 * @period: its period
 * @ticks: increments since it was armed
 * @pf: the file that armed it, charged for it while it runs
 * @armed: @timer is running
 */
struct pagectl_counter {
	struct hrtimer timer;
	atomic64_t *word;
	ktime_t period;
	atomic64_t ticks;
	struct pagectl_file *pf;
	bool armed;
};

/**
 * struct pagectl_pin_entry - one pin of a file
 * @ref: held by @pf->pins while the handle exists and by each command using
 *	the pin; the last put unpins the pages
 * @pf: the file; outlives the entry, whose references are all dropped by
 *	the file's release
 * @handle: the key in @pf->pins
 * @start: user address of the first page
 * @npages: pages in @pages
 * @flags: %PAGECTL_PIN_* the pin was made with
 * @dirty: mark the pages dirty on release
 * @pages: the pinned pages
 * @lock: serialises arming, disarming and mapping for the counter, and
 *	UNPIN's marking of the pin dead
 * @dead: UNPIN released the handle: the counter may not be armed again
 * @vaddr: kernel mapping of @pages (vmap), made when a counter is first armed
 * @counter: the counter timer, its word inside @vaddr
 * @rcu: frees the entry after debugfs readers are done with it
 */
struct pagectl_pin_entry {
	struct kref ref;
	struct pagectl_file *pf;
	u32 handle;
	unsigned long start;
	unsigned long npages;
	u32 flags;
	bool dirty;
	struct page **pages;
	struct mutex lock;	/* @counter, @vaddr and @dead */
	bool dead;
	void *vaddr;
	struct pagectl_counter counter;
	struct rcu_head rcu;
};

extern unsigned long pagectl_max_pin_pages;
extern unsigned int pagectl_max_walk_records;
extern unsigned long pagectl_max_buf_bytes;
extern atomic64_t pagectl_stat_pin_ns, pagectl_stat_pin_pages;
extern atomic64_t pagectl_stat_unpin_ns, pagectl_stat_unpin_pages;

/* core.c */
long pagectl_ucmd_dispatch(const struct pagectl_ioctl_table *table,
			   struct file *file, unsigned int cmd,
			   unsigned long arg);
int pagectl_ucmd_respond(struct pagectl_ucmd *ucmd, size_t size);
int pagectl_put_record(void __user *out, const void *rec, size_t len,
		       size_t record_size);
int pagectl_id_reserve(struct xarray *xa, u32 *next, u32 *id);
int pagectl_ucmd_respond_id(struct pagectl_ucmd *ucmd, size_t size,
			    struct xarray *xa, u32 id, void *obj);
int pagectl_ucmd_respond_fd(struct pagectl_ucmd *ucmd, size_t size, int fd,
			    struct file *file);
void pagectl_file_put(struct pagectl_file *pf);
extern struct list_head pagectl_files;
extern struct mutex pagectl_files_lock;
void pagectl_file_register(struct pagectl_file *pf);
void pagectl_file_unregister(struct pagectl_file *pf);
extern struct list_head pagectl_bufs;
extern struct mutex pagectl_bufs_lock;
void pagectl_buf_register(struct pagectl_buf *b);
void pagectl_buf_unregister(struct pagectl_buf *b);
extern const struct file_operations *pagectl_buf_file_ops;
bool pagectl_file_is_buf(const struct file *file);

/**
 * struct pagectl_param - a numeric module parameter and its bounds
 * @var: the variable
 * @size: its size: sizeof(u16), sizeof(u32) or sizeof(unsigned long)
 * @min: the smallest value allowed
 * @max: the largest value allowed
 *
 * Set through pagectl_param_ops, which refuses a value out of bounds at
 * load and when written through /sys/module/pagectl/parameters (account.c).
 */
struct pagectl_param {
	void *var;
	size_t size;
	unsigned long min;
	unsigned long max;
};

/* account.c */
extern const struct kernel_param_ops pagectl_param_ops;
extern unsigned int pagectl_max_watches;
extern unsigned int pagectl_max_timers_per_user;
extern unsigned int pagectl_max_timers;
extern unsigned long pagectl_min_timer_period_ns;
extern unsigned int pagectl_max_watches_per_file;
extern unsigned int pagectl_max_watches_per_user;
extern unsigned int pagectl_max_watch_queue;
struct pagectl_user *pagectl_user_get(void);
void pagectl_user_put(struct pagectl_user *u);
int pagectl_account_locked(struct user_struct *user, unsigned long npages);
u64 pagectl_memlock_limit(struct task_struct *task);
u64 pagectl_locked_pages(struct task_struct *task);
void pagectl_unaccount_locked(struct user_struct *user, unsigned long npages);
int pagectl_timer_check_period(u64 period_ns);
int pagectl_timer_account(struct pagectl_file *pf);
void pagectl_timer_unaccount(struct pagectl_file *pf);
int pagectl_watch_account(struct pagectl_file *pf);
void pagectl_watch_unaccount(struct pagectl_file *pf);

/**
 * struct pagectl_frames - an array of pages to describe, and its target's
 *	rules
 * @pages: the pages
 * @npages: pages in @pages
 * @owner: the target (a pin, a buffer), for @fill and @run_end
 * @fill: fill the frame record of page @i, for a caller with frame
 *	numbers (@privileged) or without: then with no counts or sharing state
 *	of a page other processes may hold; its pfn is cleared for the latter
 *	anyway
 * @run_end: the end of the run from page @i that a caller without frame
 *	numbers may see as one extent: what the target's kind already tells
 */
struct pagectl_frames {
	struct page **pages;
	unsigned long npages;
	const void *owner;
	void (*fill)(const struct pagectl_frames *fr, unsigned long i,
		     bool privileged, struct pagectl_frame *f);
	unsigned long (*run_end)(const struct pagectl_frames *fr, unsigned long i);
};

/**
 * struct pagectl_describe - one call's request for frame or extent records
 * @cursor: the first page to describe
 * @records: user address of the records
 * @record_size: the caller's size of one record
 * @max_records: records there is room for
 * @extents: extent records, not frame records
 * @privileged: frame numbers are reported
 * @nr_records: out: records written
 * @next_cursor: out: the page after the last one described
 */
struct pagectl_describe {
	u64 cursor;
	u64 records;
	u32 record_size;
	u32 max_records;
	bool extents;
	bool privileged;
	u32 nr_records;
	u64 next_cursor;
};

/* A describe request from a command struct with the usual field names. */
#define PAGECTL_DESCRIBE(_arg, _privileged)				\
({									\
	typeof(_arg) __arg = (_arg);					\
									\
	(struct pagectl_describe) {					\
		.cursor = __arg->cursor,				\
		.records = __arg->records,				\
		.record_size = __arg->record_size,			\
		.max_records = __arg->max_records,			\
		.extents = __arg->flags & PAGECTL_DESCRIBE_EXTENTS,	\
		.privileged = (_privileged),				\
	};								\
})

/* frames.c */
int pagectl_describe_check(const struct pagectl_describe *d);
int pagectl_frames_describe(const struct pagectl_frames *fr,
			    struct pagectl_describe *d);

/* timer.c */
void pagectl_counter_init(struct pagectl_counter *c);
int pagectl_counter_check(const struct pagectl_timer *arg, u64 length);
int pagectl_counter_arm(struct pagectl_counter *c, struct pagectl_file *pf,
			atomic64_t *word, u64 period_ns, u64 *ticks);
u64 pagectl_counter_stop(struct pagectl_counter *c);

/*
 * What a page's state says about other processes' use of it: shown to a
 * caller without CAP_SYS_ADMIN only for a page no other process can hold
 * (mapped once, as /proc/kpagecount and /proc/kpageflags are root's). An
 * mlocked folio sits on the unevictable list, so UNEVICTABLE tells what
 * MLOCKED would.
 */
#define PAGECTL_PAGE_SHARING_FLAGS \
	(PAGECTL_PAGE_KSM | PAGECTL_PAGE_ANON_EXCLUSIVE | \
	 PAGECTL_PAGE_MAYBE_DMA_PINNED | PAGECTL_PAGE_UNEVICTABLE | \
	 PAGECTL_PAGE_MLOCKED)

/* page.c */
u32 pagectl_zone(struct page *page);
u32 pagectl_page_flags(struct page *page, bool pmd_mapped);
bool pagectl_folio_pmd_mapped(struct folio *folio);

/* pin.c */
void pagectl_pins_init(struct pagectl_file *pf);
void pagectl_pins_release(struct pagectl_file *pf);
int pagectl_pin_ioctl(struct pagectl_ucmd *ucmd);
int pagectl_unpin_ioctl(struct pagectl_ucmd *ucmd);
int pagectl_pin_describe_ioctl(struct pagectl_ucmd *ucmd);
int pagectl_pin_timer_ioctl(struct pagectl_ucmd *ucmd);

/* walk.c */
int pagectl_walk_ioctl(struct pagectl_ucmd *ucmd);
int pagectl_walk_range_ioctl(struct pagectl_ucmd *ucmd);

/* huge.c */
int pagectl_huge_map_ioctl(struct pagectl_ucmd *ucmd);

/* pin_check.c */
int pagectl_pin_check_ioctl(struct pagectl_ucmd *ucmd);

/* pinnable.c */
u32 pagectl_pin_fail_reason(struct mm_struct *mm, unsigned long addr,
			    bool write, bool privileged);

/* watch.c */
int pagectl_watch_ioctl(struct pagectl_ucmd *ucmd);

/* buf.c */
int pagectl_buf_create_ioctl(struct pagectl_ucmd *ucmd);
int pagectl_buf_timer_ioctl(struct pagectl_ucmd *ucmd);
void pagectl_buf_timers_init(struct pagectl_file *pf);
void pagectl_buf_timers_release(struct pagectl_file *pf);
extern const struct file_operations pagectl_buf_fops;

/* The largest record size a caller may ask for (pins, buffers, walks). */
#define PAGECTL_RECORD_MAX	4096

/* inspect.c */
int pagectl_inspect_init(void);
void pagectl_inspect_exit(void);

#endif /* _PAGECTL_INTERNAL_H */
