// SPDX-License-Identifier: GPL-2.0-only
/*
 * watch_bench: what a WATCH costs the process it watches. The same work is
 * timed with no watch, then with a watch over the range that nobody reads
 * (its queue fills and it counts what it drops), then with such a watch
 * that keeps the entries (PAGECTL_WATCH_ENTRIES), and the ratios are
 * printed:
 *
 *   munmap       unmapping 64 MiB of written 4 KiB pages;
 *   mprotect     making 64 MiB read-only and writable again, 512 calls of
 *                128 KiB each;
 *   page-out     MADV_PAGEOUT of 16 MiB to zram, if the guest has it.
 *
 * Figures are the median of several runs, in milliseconds. Then what the
 * entries cost their reader: making a watch of 64 MiB, which reads every
 * entry, and reading events of 128 KiB each, beside the same without them.
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
#include <sys/mman.h>
#include <unistd.h>

#include <pagectl/pagectl.h>

#include "bench.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define REPS		5
#define BIG		(64UL << 20)
#define PAGEOUT_LEN	(16UL << 20)
#define CHUNK		(128UL << 10)

static struct pagectl *pc;

static __u8 *written(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0x5a, len);
	return p;
}

/* A watch over [@p, @p + @len) with @flags; its descriptor, or -1. */
static int watch(void *p, size_t len, __u32 flags)
{
	PAGECTL_ARG(pagectl_watch, w, .start = (uintptr_t)p, .end = (uintptr_t)p + len,
		    .flags = flags);

	return pagectl_watch(pc, &w);
}

/* How a run is watched: not, by a watch nobody reads, by one with entries. */
static const __u32 watch_flags[] = { 0, 0, PAGECTL_WATCH_ENTRIES };
#define UNWATCHED	0
#define MODES		3

/*
 * The nanoseconds @work takes on @len bytes of written memory, watched as
 * @mode says by a watch nobody reads; -1 if it could not be done.
 */
static double timed(size_t len, int mode, int (*work)(__u8 *p, size_t len))
{
	__u8 *p = written(len);
	int fd = mode != UNWATCHED && p ? watch(p, len, watch_flags[mode]) : -1;
	double t0;
	int ret;

	if (!p || (mode != UNWATCHED && fd < 0))
		return -1;
	t0 = now_ns();
	ret = work(p, len);
	t0 = now_ns() - t0;
	if (fd >= 0)
		close(fd);
	/* Nothing to undo after the munmap work: unmapping again is harmless. */
	munmap(p, len);
	return ret ? -1 : t0;
}

static int work_munmap(__u8 *p, size_t len)
{
	return munmap(p, len);
}

static int work_mprotect(__u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += CHUNK) {
		mprotect(p + i, CHUNK, PROT_READ);
		mprotect(p + i, CHUNK, PROT_READ | PROT_WRITE);
	}
	return 0;
}

static int work_pageout(__u8 *p, size_t len)
{
	return madvise(p, len, MADV_PAGEOUT);
}

static void bench(const char *what, size_t len, int (*work)(__u8 *p, size_t len))
{
	double t[MODES][REPS], m[MODES];
	int w, i;

	for (i = 0; i < REPS; i++)
		for (w = 0; w < MODES; w++) {
			t[w][i] = timed(len, w, work);
			if (t[w][i] < 0) {
				printf("%-10s %12s\n", what, "n/a");
				return;
			}
		}
	for (w = 0; w < MODES; w++)
		m[w] = median(t[w], REPS) / 1e6;
	printf("%-10s %9.2f ms %9.2f ms %8.2fx %9.2f ms %8.2fx\n", what, m[0], m[1],
	       m[1] / m[0], m[2], m[2] / m[0]);
}

/*
 * The reader's side of the entries: making a watch of 64 MiB, and reading
 * the events of @n mprotect() calls of 128 KiB each, per event, with @flags.
 * Returns 0 or -1.
 */
static int reader(__u32 flags, unsigned int n, double *make_ms, double *event_us)
{
	struct pagectl_watch_event ev[64];
	__u8 *p = written(BIG);
	unsigned int i, got = 0;
	double t0;
	int fd, r;

	if (!p)
		return -1;
	t0 = now_ns();
	fd = watch(p, BIG, flags);
	*make_ms = (now_ns() - t0) / 1e6;
	if (fd < 0) {
		munmap(p, BIG);
		return -1;
	}
	for (i = 0; i < n; i++)
		mprotect(p + i * CHUNK, CHUNK, PROT_READ);
	/* Each mprotect() is at least one event; the queue holds them all. */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	t0 = now_ns();
	while ((r = pagectl_watch_read(fd, ev, 64)) > 0)
		got += r;
	*event_us = got ? (now_ns() - t0) / 1e3 / got : 0;
	close(fd);
	munmap(p, BIG);
	return got >= n && r == -EAGAIN ? 0 : -1;
}

static void bench_reader(void)
{
	double make[2][REPS], ev[2][REPS];
	int w, i;

	for (i = 0; i < REPS; i++)
		for (w = 0; w < 2; w++)
			if (reader(w ? PAGECTL_WATCH_ENTRIES : 0, 200, &make[w][i], &ev[w][i])) {
				printf("reader: n/a\n");
				return;
			}
	printf("\n%-30s %12s %12s\n", "the reader's side", "no entries", "entries");
	printf("%-30s %9.2f ms %9.2f ms\n", "making a watch of 64 MiB",
	       median(make[0], REPS), median(make[1], REPS));
	printf("%-30s %9.1f us %9.1f us\n", "reading an event of 128 KiB",
	       median(ev[0], REPS), median(ev[1], REPS));
}

/* The number of swap areas (lines of /proc/swaps after its heading). */
static int swap_areas(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n - 1;
}

/* Swap on zram, for MADV_PAGEOUT to have somewhere to write. */
static int has_swap(void)
{
	FILE *f;

	if (swap_areas() > 0)
		return 1;
	f = fopen("/sys/block/zram0/disksize", "we");
	if (!f)
		return 0;
	fputs("64M", f);
	if (fclose(f) || system("mkswap /dev/zram0 >/dev/null && swapon /dev/zram0"))
		return 0;
	return swap_areas() > 0;
}

int main(void)
{
	PAGECTL_ARG(pagectl_info, info);

	if (pagectl_open(NULL, &pc) < 0 || pagectl_get_info(pc, &info) < 0 ||
	    !(info.features & PAGECTL_FEATURE_WATCH)) {
		fprintf(stderr, "watch_bench: /dev/pagectl without WATCH\n");
		return 1;
	}
	printf("watch_bench: the watched process's own work, unwatched and watched, kernel ");
	fflush(stdout);
	system("uname -r");
	printf("%-10s %12s %12s %9s %12s %9s\n", "work", "unwatched", "watched", "ratio",
	       "entries", "ratio");
	bench("munmap", BIG, work_munmap);
	bench("mprotect", BIG, work_mprotect);
	if (has_swap())
		bench("page-out", PAGEOUT_LEN, work_pageout);
	else
		printf("%-10s %12s (no swap)\n", "page-out", "n/a");
	bench_reader();
	pagectl_close(pc);
	return 0;
}
