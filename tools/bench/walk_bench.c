// SPDX-License-Identifier: GPL-2.0-only
/*
 * walk_bench: how fast WALK_RANGE and WALK are, next to what the kernel
 * offers for the same question, measured in the same run:
 *
 *   pagemap      pread() of /proc/self/pagemap, 8 bytes per page, 64 Ki
 *                entries per call (how tools read it);
 *   PAGEMAP_SCAN the pagemap ioctl of 6.7+, asked for present, swapped,
 *                zero-page, file and huge categories (it merges neighbouring
 *                pages of the same categories into one region, so it returns
 *                far less than one record per page);
 *   walk         WALK_RANGE, one 56-byte record per non-empty entry (frame,
 *                decoded bits, level), in calls of 64 Ki records;
 *   walk+state   the same with PAGECTL_WALK_PAGE_STATE: page flags and node,
 *                which cost a folio reference per entry;
 *   huge map     HUGE_MAP (pagectl_huge_map()), one 24-byte record per 2 MiB
 *                slot: what backs it and why it is not huge, which costs a
 *                folio reference per present PTE;
 *   pin check    PIN_CHECK (pagectl_pin_check()), one 24-byte record per run
 *                of pages a long-term pin would treat alike, which looks at
 *                every page's zone and references.
 *
 * Ranges: populated 4 KiB pages, populated THP, one page per 2 MiB, and an
 * untouched 64 GiB reservation. Figures are millions of 4 KiB pages of
 * address space per second (the median of several runs), and the ratio of
 * each to pagemap, and the time a huge map and a range walk take per GiB of
 * each range. Then the latency of explaining one address: WALK against one
 * 8-byte pread() of pagemap.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pagectl/pagectl.h>

#include "bench.h"

#define PAGE		4096UL
#define HPAGE		(2UL << 20)
#define REPS		5
#define PM_CHUNK	65536		/* pagemap entries per pread() */
#define RECS		65536		/* WALK_RANGE records per call */
#define LAT_CALLS	20000

/* <linux/fs.h> of 6.7+: the PAGEMAP_SCAN ioctl, for older user headers. */
#ifndef PAGEMAP_SCAN
struct page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};

struct pm_scan_arg {
	__u64 size;
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end;
	__u64 vec;
	__u64 vec_len;
	__u64 max_pages;
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};

#define PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_FILE		0x04
#define PAGE_IS_PRESENT		0x08
#define PAGE_IS_SWAPPED		0x10
#define PAGE_IS_PFNZERO		0x20
#define PAGE_IS_HUGE		0x40
#endif

static struct pagectl *pc;
static int pm_fd;
static __u64 *pm_buf;
static struct pagectl_walk_rec *recs;
static struct page_region *regions;
static struct pagectl_huge_slot *slots;
static struct pagectl_pin_range *runs;

/* Each reader returns what it produced (entries, records or regions), or -1. */
static long read_pagemap(__u8 *p, size_t len)
{
	__u64 first = (uintptr_t)p / PAGE, n = len / PAGE, done = 0;

	while (done < n) {
		size_t want = (n - done < PM_CHUNK ? n - done : PM_CHUNK) * 8;

		if (pread(pm_fd, pm_buf, want, (first + done) * 8) != (ssize_t)want)
			return -1;
		done += want / 8;
	}
	return done;
}

static long scan_pagemap(__u8 *p, size_t len)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = (uintptr_t)p,
		.end = (uintptr_t)p + len,
		.vec = (uintptr_t)regions,
		.vec_len = RECS,
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO |
			       PAGE_IS_FILE | PAGE_IS_HUGE,
	};
	long total = 0;

	while (arg.start < arg.end) {
		long n = ioctl(pm_fd, PAGEMAP_SCAN, &arg);

		if (n < 0)
			return -1;
		total += n;
		arg.start = arg.walk_end;
	}
	return total;
}

static long walk(__u8 *p, size_t len, __u32 flags)
{
	__u64 start = (uintptr_t)p, end = start + len;
	long total = 0;

	while (start < end) {
		PAGECTL_ARG(pagectl_walk_range, wr, .flags = flags, .start = start,
			    .end = end, .records = (uintptr_t)recs,
			    .record_size = sizeof(*recs), .max_records = RECS);
		int n = pagectl_walk_range(pc, &wr);

		if (n < 0)
			return -1;
		total += n;
		start = wr.next;
	}
	return total;
}

static long walk_plain(__u8 *p, size_t len)
{
	return walk(p, len, 0);
}

static long walk_state(__u8 *p, size_t len)
{
	return walk(p, len, PAGECTL_WALK_PAGE_STATE);
}

static long huge_map(__u8 *p, size_t len)
{
	__u64 start = (uintptr_t)p, end = start + len;
	long total = 0;

	while (start < end) {
		PAGECTL_ARG(pagectl_huge_map, hm, .start = start, .end = end,
			    .records = (uintptr_t)slots, .record_size = sizeof(*slots),
			    .max_records = RECS);
		int n = pagectl_huge_map(pc, &hm);

		if (n < 0)
			return -1;
		total += n;
		start = hm.next;
	}
	return total;
}

static long pin_check(__u8 *p, size_t len)
{
	__u64 start = (uintptr_t)p, end = start + len;
	long total = 0;

	while (start < end) {
		PAGECTL_ARG(pagectl_pin_check, pc_arg, .addr = start, .length = end - start,
			    .records = (uintptr_t)runs, .record_size = sizeof(*runs),
			    .max_records = RECS);
		int n = pagectl_pin_check(pc, &pc_arg);

		if (n < 0)
			return -1;
		total += n;
		if (pc_arg.next <= start)
			break;
		start = pc_arg.next;
	}
	return total;
}

struct method {
	const char *name;
	long (*run)(__u8 *p, size_t len);
};

static const struct method methods[] = {
	{ "pagemap", read_pagemap },
	{ "PAGEMAP_SCAN", scan_pagemap },
	{ "walk", walk_plain },
	{ "walk+state", walk_state },
	{ "huge map", huge_map },
	{ "pin check", pin_check },
};

#define WALK_METHOD	2
#define HUGE_METHOD	4
#define CHECK_METHOD	5

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_METHODS	ARRAY_SIZE(methods)

/* Millions of pages of address space per second; 0 if the method failed. */
static double rate(const struct method *m, __u8 *p, size_t len, long *out)
{
	double t[REPS];
	int i;

	for (i = 0; i < REPS; i++) {
		double t0 = now_ns();

		*out = m->run(p, len);
		t[i] = now_ns() - t0;
		if (*out < 0)
			return 0;
	}
	return (len / PAGE) / median(t, REPS) * 1e3;
}

/* Milliseconds to cover 1 GiB at @mpages_per_s million 4 KiB pages a second. */
static double ms_per_gib(double mpages_per_s)
{
	return (double)(1UL << 30) / PAGE / (mpages_per_s * 1e6) * 1e3;
}

static void bench_range(const char *what, __u8 *p, size_t len)
{
	double r[NR_METHODS];
	long out[NR_METHODS];
	size_t i;

	printf("%-24s %8zu MiB", what, len >> 20);
	for (i = 0; i < NR_METHODS; i++) {
		r[i] = rate(&methods[i], p, len, &out[i]);
		if (r[i] == 0)
			printf(" %14s", "n/a");
		else
			printf(" %8.1f (%3.2fx)", r[i], r[i] / r[0]);
	}
	printf("   [out: ");
	for (i = 0; i < NR_METHODS; i++)
		printf(i ? " / %ld" : "%ld", out[i] < 0 ? 0 : out[i]);
	printf("]\n");
	if (r[WALK_METHOD] && r[HUGE_METHOD] && r[CHECK_METHOD])
		printf("%37s per GiB: walk %.2f ms, huge map %.2f ms (%.2fx), %s %.2f ms (%.2fx)\n",
		       "", ms_per_gib(r[WALK_METHOD]), ms_per_gib(r[HUGE_METHOD]),
		       ms_per_gib(r[HUGE_METHOD]) / ms_per_gib(r[WALK_METHOD]),
		       "pin check", ms_per_gib(r[CHECK_METHOD]),
		       ms_per_gib(r[CHECK_METHOD]) / ms_per_gib(r[WALK_METHOD]));
}

static __u8 *map(size_t len, size_t align, int huge, int touch_every)
{
	__u8 *raw, *p;
	size_t i;

	raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = (__u8 *)(((uintptr_t)raw + align - 1) & ~(align - 1));
	madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	if (touch_every)
		for (i = 0; i < len; i += touch_every)
			p[i] = 1;
	return p;
}

static void latency(__u8 *p)
{
	double t_walk[REPS], t_pm[REPS];
	struct pagectl_walk w;
	__u64 e;
	int r, i;

	for (r = 0; r < REPS; r++) {
		double t0 = now_ns();

		for (i = 0; i < LAT_CALLS; i++) {
			memset(&w, 0, sizeof(w));
			w.size = sizeof(w);
			w.addr = (uintptr_t)p;
			if (pagectl_walk(pc, &w))
				return;
		}
		t_walk[r] = (now_ns() - t0) / LAT_CALLS;
		t0 = now_ns();
		for (i = 0; i < LAT_CALLS; i++)
			if (pread(pm_fd, &e, 8, (uintptr_t)p / PAGE * 8) != 8)
				return;
		t_pm[r] = (now_ns() - t0) / LAT_CALLS;
	}
	printf("\none address: WALK %.0f ns, pagemap pread %.0f ns (%.2fx the time)\n",
	       median(t_walk, REPS), median(t_pm, REPS), median(t_walk, REPS) / median(t_pm, REPS));
}

int main(void)
{
	PAGECTL_ARG(pagectl_info, info);
	size_t i;
	__u8 *p;

	if (pagectl_open(NULL, &pc) < 0 || pagectl_get_info(pc, &info) < 0 ||
	    !(info.features & PAGECTL_FEATURE_WALK)) {
		fprintf(stderr, "walk_bench: /dev/pagectl without WALK\n");
		return 1;
	}
	pm_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	pm_buf = malloc(PM_CHUNK * 8);
	recs = calloc(RECS, sizeof(*recs));
	regions = calloc(RECS, sizeof(*regions));
	slots = calloc(RECS, sizeof(*slots));
	runs = calloc(RECS, sizeof(*runs));
	if (pm_fd < 0 || !pm_buf || !recs || !regions || !slots || !runs)
		return 1;

	printf("walk_bench: Mpages/s of address space (x pagemap), kernel ");
	fflush(stdout);
	system("uname -r");
	printf("%-24s %12s", "range", "size");
	for (i = 0; i < NR_METHODS; i++)
		printf(" %14s", methods[i].name);
	printf("\n");

	for (i = 0; i < 3; i++) {
		static const size_t sizes[] = { 4UL << 20, 64UL << 20, 256UL << 20 };

		p = map(sizes[i], PAGE, 0, PAGE);
		if (p)
			bench_range("4 KiB pages, all present", p, sizes[i]);
	}
	p = map(256UL << 20, HPAGE, 1, PAGE);
	if (p)
		bench_range("THP, all present", p, 256UL << 20);
	p = map(256UL << 20, HPAGE, 0, HPAGE);
	if (p)
		bench_range("one page per 2 MiB", p, 256UL << 20);
	p = map(64UL << 30, 1UL << 30, 0, 0);
	if (p)
		bench_range("untouched reservation", p, 64UL << 30);

	p = map(PAGE, PAGE, 0, PAGE);
	if (p)
		latency(p);
	pagectl_close(pc);
	return 0;
}
