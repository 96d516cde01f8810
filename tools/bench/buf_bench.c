// SPDX-License-Identifier: GPL-2.0-only
/*
 * buf_bench: what kernel buffers cost next to anonymous memory, in one run:
 *
 *   memcpy   user memcpy() bandwidth into a mapped page buffer, a mapped
 *            contiguous buffer, a mapped huge buffer and anonymous memory
 *            of the same size (populated first), and the ratio to
 *            anonymous memory;
 *   map      the time to map and first-touch 256 MiB: one page buffer
 *            (vm_insert_pages() at mmap), 64 contiguous buffers of 4 MiB
 *            (remap_pfn_range(); the buddy allocator gives no larger
 *            piece), one huge buffer (a PMD fault per 2 MiB) and
 *            anonymous memory (a page fault per page); the buffers'
 *            allocation (zeroing included) is reported apart;
 *   transfer write() and read() on the buffer fd (the copy-based
 *            transfer) against memcpy() to and from its mapping.
 *
 * Huge buffers are measured only where the module has them
 * (PAGECTL_FEATURE_BUF_HUGE). Figures are the median of several repetitions.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <pagectl/pagectl.h>

#include "bench.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096UL
#define MIB		(1024UL * 1024)
#define CONTIG		(4 * MIB)	/* the largest contiguous buffer */
#define COPY_LEN	(64 * MIB)
#define MAP_LEN		(256 * MIB)
#define REPS		5

static struct pagectl *pc;
static int have_huge;

/* One store per page: the stores reach memory, munmap() follows. */
static void touch(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += PAGE)
		p[i] = 1;
}

/* A buffer's fd, or -1 with a message. */
static int new_buf(size_t len, __u32 flags)
{
	PAGECTL_ARG(pagectl_buf_create, c, .flags = flags, .length = len,
		    .node = PAGECTL_NODE_LOCAL);
	int fd = pagectl_buf_create(pc, &c);

	if (fd < 0)
		fprintf(stderr, "buf_bench: create %zu bytes: %s\n", len, pagectl_strerror(fd));
	return fd;
}

static void *map_fd(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* GB/s of memcpy() into @dst, median of REPS. */
static double memcpy_gbs(void *dst, const void *src, size_t len)
{
	double t[REPS];
	int r;

	memcpy(dst, src, len);
	for (r = 0; r < REPS; r++) {
		double t0 = now_ns();

		memcpy(dst, src, len);
		t[r] = now_ns() - t0;
	}
	return len / median(t, REPS);
}

static int bench_memcpy(void)
{
	static const struct {
		const char *name;
		__u32 flags;
		size_t len;
	} kinds[] = {
		{ "pages", 0, COPY_LEN },
		{ "contig", PAGECTL_BUF_CONTIG, CONTIG },
		{ "huge", PAGECTL_BUF_HUGE, COPY_LEN },
	};
	char *src = map_anon(COPY_LEN);
	unsigned int k;

	if (!src)
		return -1;
	memset(src, 0x5a, COPY_LEN);
	printf("# memcpy into a mapping, GB/s, median of %d\n", REPS);
	printf("# %-7s %6s %9s %9s %7s\n", "kind", "MiB", "buffer", "anon", "ratio");
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		size_t len = kinds[k].len;
		char *buf, *anon;
		double b, a;
		int fd;

		if ((kinds[k].flags & PAGECTL_BUF_HUGE) && !have_huge) {
			printf("  %-7s %6zu %9s %9s %7s\n", kinds[k].name, len / MIB,
			       "-", "-", "-");
			continue;
		}
		fd = new_buf(len, kinds[k].flags);
		if (fd < 0)
			return -1;
		buf = map_fd(fd, len);
		anon = map_anon(len);
		if (!buf || !anon)
			return -1;
		memset(anon, 0, len);
		b = memcpy_gbs(buf, src, len);
		a = memcpy_gbs(anon, src, len);
		printf("  %-7s %6zu %9.2f %9.2f %7.2f\n", kinds[k].name, len / MIB, b, a, b / a);
		munmap(buf, len);
		munmap(anon, len);
		close(fd);
	}
	munmap(src, COPY_LEN);
	return 0;
}

/* Allocate, then map and first-touch MAP_LEN as @n buffers; ms each, medians. */
static int map_bufs(__u32 flags, unsigned int n, double *alloc_ms, double *map_ms)
{
	size_t len = MAP_LEN / n;
	double ta[REPS], tm[REPS];
	int *fds = calloc(n, sizeof(*fds));
	char **maps = calloc(n, sizeof(*maps));
	unsigned int i;
	int r;

	if (!fds || !maps)
		return -1;
	for (r = 0; r < REPS; r++) {
		double t0 = now_ns();

		for (i = 0; i < n; i++) {
			fds[i] = new_buf(len, flags);
			if (fds[i] < 0)
				return -1;
		}
		ta[r] = now_ns() - t0;
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			maps[i] = map_fd(fds[i], len);
			if (!maps[i])
				return -1;
			touch(maps[i], len);
		}
		tm[r] = now_ns() - t0;
		for (i = 0; i < n; i++) {
			munmap(maps[i], len);
			close(fds[i]);
		}
	}
	*alloc_ms = median(ta, REPS) / 1e6;
	*map_ms = median(tm, REPS) / 1e6;
	free(fds);
	free(maps);
	return 0;
}

static int bench_map(void)
{
	double t[REPS], alloc_ms, map_ms, anon_ms;
	int r;

	for (r = 0; r < REPS; r++) {
		double t0 = now_ns();
		char *p = map_anon(MAP_LEN);

		if (!p)
			return -1;
		touch(p, MAP_LEN);
		t[r] = now_ns() - t0;
		munmap(p, MAP_LEN);
	}
	anon_ms = median(t, REPS) / 1e6;

	printf("# map and first-touch %lu MiB, median of %d\n", MAP_LEN / MIB, REPS);
	printf("# %-30s %10s %12s %12s\n", "mapping", "buffers", "alloc ms", "map+touch ms");
	printf("  %-30s %10d %12s %12.1f\n", "anonymous (page faults)", 0, "-", anon_ms);
	if (map_bufs(0, 1, &alloc_ms, &map_ms))
		return -1;
	printf("  %-30s %10d %12.1f %12.1f\n", "pages (vm_insert_pages)", 1, alloc_ms, map_ms);
	if (map_bufs(PAGECTL_BUF_CONTIG, MAP_LEN / CONTIG, &alloc_ms, &map_ms))
		return -1;
	printf("  %-30s %10lu %12.1f %12.1f\n", "contig (remap_pfn_range)",
	       MAP_LEN / CONTIG, alloc_ms, map_ms);
	if (have_huge) {
		if (map_bufs(PAGECTL_BUF_HUGE, 1, &alloc_ms, &map_ms))
			return -1;
		printf("  %-30s %10d %12.1f %12.1f\n", "huge (PMD entries)", 1, alloc_ms, map_ms);
	} else {
		printf("  %-30s %10s %12s %12s\n", "huge (PMD entries)", "-", "-", "-");
	}
	return 0;
}

static int bench_transfer(void)
{
	double tw[REPS], tr[REPS], tmw[REPS], tmr[REPS];
	char *user = map_anon(COPY_LEN), *map;
	int fd = new_buf(COPY_LEN, 0), r;

	if (fd < 0 || !user)
		return -1;
	map = map_fd(fd, COPY_LEN);
	if (!map)
		return -1;
	memset(user, 0x33, COPY_LEN);
	for (r = 0; r < REPS; r++) {
		double t0 = now_ns();

		if (pwrite(fd, user, COPY_LEN, 0) != (ssize_t)COPY_LEN)
			return -1;
		tw[r] = now_ns() - t0;
		t0 = now_ns();
		if (pread(fd, user, COPY_LEN, 0) != (ssize_t)COPY_LEN)
			return -1;
		tr[r] = now_ns() - t0;
		t0 = now_ns();
		memcpy(map, user, COPY_LEN);
		tmw[r] = now_ns() - t0;
		t0 = now_ns();
		memcpy(user, map, COPY_LEN);
		tmr[r] = now_ns() - t0;
	}
	printf("# moving %lu MiB into and out of a page buffer, GB/s, median of %d\n",
	       COPY_LEN / MIB, REPS);
	printf("# %-30s %9s %9s\n", "transfer", "in", "out");
	printf("  %-30s %9.2f %9.2f\n", "write()/read() on the fd",
	       COPY_LEN / median(tw, REPS), COPY_LEN / median(tr, REPS));
	printf("  %-30s %9.2f %9.2f\n", "memcpy() through the mapping",
	       COPY_LEN / median(tmw, REPS), COPY_LEN / median(tmr, REPS));
	munmap(map, COPY_LEN);
	munmap(user, COPY_LEN);
	close(fd);
	return 0;
}

int main(void)
{
	PAGECTL_ARG(pagectl_info, info);
	int ret;

	ret = pagectl_open(NULL, &pc);
	if (!ret)
		ret = pagectl_get_info(pc, &info);
	if (ret < 0) {
		fprintf(stderr, "buf_bench: %s\n", pagectl_strerror(ret));
		return 1;
	}
	if (!(info.features & PAGECTL_FEATURE_BUF)) {
		fprintf(stderr, "buf_bench: the module has no buffers\n");
		return 1;
	}
	have_huge = !!(info.features & PAGECTL_FEATURE_BUF_HUGE);
	/* Mapping last: under TCG, huge mappings slow what runs after them. */
	if (bench_memcpy() || bench_transfer() || bench_map()) {
		fprintf(stderr, "buf_bench: %s\n", strerror(errno));
		return 1;
	}
	pagectl_close(pc);
	return 0;
}
