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
#include <linux/xarray.h>

#include <linux/pagectl.h>

#include "compat.h"

struct mm_struct;
struct page;

/**
 * struct pagectl_file - state of one open file of /dev/pagectl
 * @ref: held by the file and by everything that may outlive it
 * @mm: the address space of the process that opened the file (mmgrab()ed):
 *	pins are made in it and charged to its pinned_vm
 * @pid: thread group id of the opener, for debugfs
 * @privileged: the opener had CAP_SYS_ADMIN: frame numbers are shown
 * @pins: &struct pagectl_pin_entry by handle
 * @next_handle: cursor of the cyclic handle allocator
 * @pinned_pages: pages held by all pins of this file, for max_pin_pages
 * @npins: pins in @pins
 * @timers: armed timers
 * @node: entry in the list of open files (inspect.c)
 */
struct pagectl_file {
	struct kref ref;
	struct mm_struct *mm;
	pid_t pid;
	bool privileged;
	struct xarray pins;
	u32 next_handle;
	atomic_long_t pinned_pages;
	atomic_long_t npins;
	atomic_t timers;
	struct list_head node;
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
extern atomic64_t pagectl_stat_pin_ns, pagectl_stat_pin_pages;
extern atomic64_t pagectl_stat_unpin_ns, pagectl_stat_unpin_pages;

void pagectl_file_put(struct pagectl_file *pf);
int pagectl_put_record(void __user *out, const void *rec, size_t len,
		       size_t record_size);

/* page.c */
u32 pagectl_zone(struct page *page);
u32 pagectl_page_flags(struct page *page);

/* pin.c */
void pagectl_pins_init(struct pagectl_file *pf);
void pagectl_pins_release(struct pagectl_file *pf);
int pagectl_pin(struct pagectl_file *pf, void *cmd);
void pagectl_pin_undo(struct pagectl_file *pf, void *cmd);
int pagectl_unpin(struct pagectl_file *pf, void *cmd);
int pagectl_pin_describe(struct pagectl_file *pf, void *cmd);
int pagectl_timer(struct pagectl_file *pf, void *cmd);

/* walk.c */
int pagectl_walk(struct pagectl_file *pf, void *cmd);
int pagectl_walk_range(struct pagectl_file *pf, void *cmd);

/* inspect.c */
int pagectl_inspect_init(void);
void pagectl_inspect_exit(void);
void pagectl_inspect_add(struct pagectl_file *pf);
void pagectl_inspect_del(struct pagectl_file *pf);

#endif /* _PAGECTL_INTERNAL_H */
