/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the walk tests.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_WALK_UTIL_H
#define _PAGECTL_WALK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <linux/pagectl.h>

#define CAP_SYS_PTRACE_NR	19
#define CAP_SYS_ADMIN_NR	21
#define CAP_PERFMON_NR		38
#define REC_SZ			sizeof(struct pagectl_walk_rec)

/* Read a byte the compiler may not leave out: a read fault, on purpose. */
__u8 read_byte(const __u8 *p);

/* Private anonymous memory that stays in base pages (MADV_NOHUGEPAGE). */
void *map_small(size_t len);

/* Untouched, unreserved memory at an @align boundary. */
void *map_aligned(size_t len, size_t align, int prot);

/* A shared mapping of @len bytes at offset 4096 of a file of 'f' bytes. */
void *map_file(size_t len, int *file, char *why, size_t why_len);

/* WALK of @addr through @fd: 0 or an errno. */
int walk_addr(int fd, const void *addr, struct pagectl_walk *w);

/* WALK of @addr in process @pid: 0 or an errno. */
int walk_pid(int fd, pid_t pid, const void *addr, struct pagectl_walk *w);

/* The end of the user address space: 1 << 47, or 1 << 56 with 5-level paging. */
__u64 user_top(int fd);

/* WALK_RANGE: 0 or an errno; @wr is filled in. */
int walk_range(int fd, __u64 start, __u64 end, __u32 flags,
	       struct pagectl_walk_rec *recs, __u32 max, struct pagectl_walk_range *wr);

/* Walk all of [start, end) in calls of @chunk records; the record count or -errno. */
long walk_all(int fd, __u64 start, __u64 end, __u32 flags,
	      struct pagectl_walk_rec *recs, __u32 max, __u32 chunk);

/*
 * Swap on a zram device: 1 if this call turned it on, 0 if swap was
 * already on, -1 with the reason in @why.
 */
int swap_on_zram(char *why, size_t why_len);
void swap_off(int token);

/* MADV_PAGEOUT until every page of the range is swapped out. */
bool page_out(void *addr, size_t len);

/* Clear one capability from the effective set. */
int drop_effective_cap(int cap);

/* Clear one capability from the effective and permitted sets, for good. */
int drop_cap(int cap);

/*
 * Clear for good the capabilities that let a process read any other's
 * address space: CAP_SYS_PTRACE, and CAP_PERFMON and CAP_SYS_ADMIN, which
 * mm_access() accepts for reading on 7.2 (perfmon_capable()).
 */
int drop_mm_read_caps(void);

/* A child process with one written page, which opened the device itself. */
struct target {
	pid_t pid;
	int fd;		/* its /dev/pagectl descriptor, received over a socket */
	__u64 addr;	/* its page */
	__u64 pfn;	/* the page's frame, from its own pagemap */
	int ctl;	/* closing this ends the child */
};

int target_start(struct target *t);
void target_stop(struct target *t);

#endif /* _PAGECTL_WALK_UTIL_H */
