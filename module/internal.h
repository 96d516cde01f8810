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
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

#include <linux/pagectl.h>

#include "compat.h"

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
 * @puser: what pagectl counts for the opener's user (armed timers)
 * @pins: &struct pagectl_pin_entry by handle
 * @next_handle: cursor of the cyclic handle allocator
 * @pinned_pages: pages held by all pins of this file, for max_pin_pages
 * @npins: pins in @pins
 * @timers: armed timers, of pins and of buffers
 * @buf_timers: &struct pagectl_buf_timer by buffer id
 * @buf_timers_lock: serialises arming and disarming buffer timers
 * @buf_bytes: bytes of live buffers created through this file, for
 *	max_buf_bytes; buffers keep counting after the file is closed
 * @node: entry in the list of open files (inspect.c)
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
 * @node: entry in the list of live buffers (buf.c)
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
 * struct pagectl_buf_create_cmd - BUF_CREATE as the dispatcher holds it
 * @arg: the caller's struct, validated
 * @file: the new buffer's file, from pagectl_buf_create() until it is
 *	installed at @arg.fd or dropped
 */
struct pagectl_buf_create_cmd {
	struct pagectl_buf_create arg;
	struct file *file;
};

/**
 * struct pagectl_pin_cmd - PIN as the dispatcher holds it
 * @arg: the caller's struct, validated
 * @entry: the new pin, from pagectl_pin() until it is published or aborted
 */
struct pagectl_pin_cmd {
	struct pagectl_pin arg;
	struct pagectl_pin_entry *entry;
};

/**
 * struct pagectl_cmd_rule - the argument rules of one ioctl command
 * @size: the kernel's size of the command's struct
 * @min_size: the size of the struct's first version; smaller is -EINVAL
 * @ioctl_num: the full ioctl number, to reject a matching number of
 *	another type or direction
 * @valid_flags: flags this kernel knows; any other bit is -EOPNOTSUPP
 * @reserved_off: offset of the struct's __reserved field
 * @reserved_len: its length; any non-zero byte there is -EINVAL
 */
struct pagectl_cmd_rule {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	u32 valid_flags;
	unsigned int reserved_off;
	unsigned int reserved_len;
};

/* Every command struct names its reserved field __reserved. */
#define PAGECTL_CMD_RULE(_ioctl, _struct, _last, _flags)			\
	{									\
		.size = sizeof(_struct),					\
		.min_size = offsetofend(_struct, _last),			\
		.ioctl_num = _ioctl,						\
		.valid_flags = _flags,						\
		.reserved_off = offsetof(_struct, __reserved),			\
		.reserved_len = sizeof_field(_struct, __reserved),		\
	}

/* The flags BUF_CREATE accepts: HUGE only where the kernel can map it. */
#define PAGECTL_BUF_CREATE_FLAGS \
	(PAGECTL_BUF_CONTIG | PAGECTL_BUF_RDONLY | PAGECTL_BUF_DONTCOPY | \
	 (PAGECTL_BUF_HUGE_SUPPORTED ? PAGECTL_BUF_HUGE : 0))

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
 * @lock: serialises arming, disarming and mapping for the timer
 * @vaddr: kernel mapping of @pages (vmap), made when a timer is first armed
 * @timer: the counter timer
 * @counter: the word @timer increments, inside @vaddr
 * @period: the timer's period
 * @ticks: increments since the timer was armed
 * @armed: @timer is running
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
	struct mutex lock;	/* the timer: armed, counter, period, vaddr */
	void *vaddr;
	struct hrtimer timer;
	atomic64_t *counter;
	ktime_t period;
	atomic64_t ticks;
	bool armed;
	struct rcu_head rcu;
};

extern unsigned long pagectl_max_pin_pages;
extern unsigned int pagectl_max_walk_records;
extern unsigned long pagectl_max_buf_bytes;
extern atomic64_t pagectl_stat_pin_ns, pagectl_stat_pin_pages;
extern atomic64_t pagectl_stat_unpin_ns, pagectl_stat_unpin_pages;

void pagectl_file_put(struct pagectl_file *pf);
int pagectl_put_record(void __user *out, const void *rec, size_t len,
		       size_t record_size);

/* account.c */
extern unsigned int pagectl_max_timers_per_user;
extern unsigned int pagectl_max_timers;
extern unsigned long pagectl_min_timer_period_ns;
struct pagectl_user *pagectl_user_get(void);
void pagectl_user_put(struct pagectl_user *u);
int pagectl_account_locked(struct user_struct *user, unsigned long npages);
void pagectl_unaccount_locked(struct user_struct *user, unsigned long npages);
int pagectl_timer_check_period(u64 period_ns);
int pagectl_timer_account(struct pagectl_file *pf);
void pagectl_timer_unaccount(struct pagectl_file *pf);

/* page.c */
u32 pagectl_zone(struct page *page);
u32 pagectl_page_flags(struct page *page, bool pmd_mapped);
int pagectl_cmd_copy_in(const struct pagectl_cmd_rule *rule, void *kbuf,
			void __user *uarg, u32 *user_size);

/* pin.c */
void pagectl_pins_init(struct pagectl_file *pf);
void pagectl_pins_release(struct pagectl_file *pf);
int pagectl_pin(struct pagectl_file *pf, void *cmd);
void pagectl_pin_publish(struct pagectl_file *pf, void *cmd);
void pagectl_pin_abort(struct pagectl_file *pf, void *cmd);
int pagectl_unpin(struct pagectl_file *pf, void *cmd);
int pagectl_pin_describe(struct pagectl_file *pf, void *cmd);
int pagectl_timer(struct pagectl_file *pf, void *cmd);

/* walk.c */
int pagectl_walk(struct pagectl_file *pf, void *cmd);
int pagectl_walk_range(struct pagectl_file *pf, void *cmd);
/* buf.c */
int pagectl_buf_create(struct pagectl_file *pf, void *cmd);
void pagectl_buf_create_undo(struct pagectl_file *pf, void *cmd);
void pagectl_buf_create_commit(struct pagectl_file *pf, void *cmd);
int pagectl_buf_timer(struct pagectl_file *pf, struct pagectl_timer *arg);
void pagectl_buf_timers_init(struct pagectl_file *pf);
void pagectl_buf_timers_release(struct pagectl_file *pf);
void pagectl_bufs_summary(const kuid_t *uid, unsigned long *nbufs,
			  unsigned long *bytes, unsigned long *mappings);
void pagectl_bufs_show(struct seq_file *m);
bool pagectl_file_is_buf(const struct file *file);

/* The largest record size a caller may ask for (pins, buffers, walks). */
#define PAGECTL_RECORD_MAX	4096

/* inspect.c */
int pagectl_inspect_init(void);
void pagectl_inspect_exit(void);
void pagectl_inspect_add(struct pagectl_file *pf);
void pagectl_inspect_del(struct pagectl_file *pf);

#endif /* _PAGECTL_INTERNAL_H */
