// SPDX-License-Identifier: GPL-2.0-only
/*
 * pin_bench: what a pagectl pin and unpin cost per page, for 4 KiB pages and
 * THP from 4 KiB to 1 GiB, next to baselines measured in the same run:
 *
 *   gup      the module's own pin_user_pages_fast() and unpin calls, from
 *            /sys/kernel/debug/pagectl/stats (the ioctl's overhead is the
 *            difference);
 *   gup_test the kernel's PIN_LONGTERM_BENCHMARK (/sys/kernel/debug/gup_test,
 *            only on kernels with CONFIG_GUP_TEST);
 *   mlock    mlock() and munlock() of the same, already populated, range.
 *
 * Then, with 1,000, 10,000 and 100,000 single-page pins held by one file, the
 * cost of finding a pin by handle (PIN_DESCRIBE of no records) and of
 * unpinning one: it should not grow with the number of pins.
 *
 * The memory is populated before every measurement, so all of them time
 * pinning, not page faults. Figures are nanoseconds per 4 KiB page, the
 * median of several repetitions.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <pagectl/pagectl.h>

#include "bench.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096UL
#define HPAGE		(2UL << 20)
#define REPS		5

/* mm/gup_test.h of the kernel: the debugfs ABI of CONFIG_GUP_TEST. */
struct gup_test {
	__u64 get_delta_usec;
	__u64 put_delta_usec;
	__u64 addr;
	__u64 size;
	__u32 nr_pages_per_call;
	__u32 gup_flags;
	__u32 test_flags;
	__u32 which_pages[8];
};

#define PIN_LONGTERM_BENCHMARK	_IOWR('g', 3, struct gup_test)

struct result {
	double pin, unpin, gup_pin, gup_unpin, test_pin, test_unpin, lock, unlock;
};

static struct pagectl *pc;
static int gup_test_fd = -1;

/* Cumulative nanoseconds the module spent in the kernel's pin and unpin. */
static int module_stats(double *pin_ns, double *unpin_ns)
{
	FILE *f = fopen("/sys/kernel/debug/pagectl/stats", "r");
	char key[32];
	long long v;

	if (!f)
		return -1;
	while (fscanf(f, "%31s %lld", key, &v) == 2) {
		if (!strcmp(key, "pin_ns"))
			*pin_ns = v;
		else if (!strcmp(key, "unpin_ns"))
			*unpin_ns = v;
	}
	fclose(f);
	return 0;
}

/* @size bytes of populated memory in a mapping of *@map_size bytes at *@map. */
static char *populated(size_t size, int thp, void **map, size_t *map_size)
{
	char *p;

	*map_size = size + (thp ? HPAGE : 0);
	*map = mmap(NULL, *map_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*map == MAP_FAILED)
		return NULL;
	p = *map;
	if (thp) {
		p = (char *)(((unsigned long)p + HPAGE - 1) & ~(HPAGE - 1));
		madvise(p, size, MADV_HUGEPAGE);
	} else {
		madvise(p, size, MADV_NOHUGEPAGE);
	}
	memset(p, 1, size);
	return p;
}

static int measure(size_t size, int thp, struct result *r)
{
	double pin[REPS], unpin[REPS], gpin[REPS], gunpin[REPS];
	double tpin[REPS], tunpin[REPS], lk[REPS], ulk[REPS];
	void *map;
	size_t pages = size / PAGE, map_size;
	char *p = populated(size, thp, &map, &map_size);
	int i, ret = 0;

	if (!p)
		return -ENOMEM;
	for (i = 0; i < REPS; i++) {
		PAGECTL_ARG(pagectl_pin, arg, .addr = (unsigned long)p, .length = size,
			    .flags = PAGECTL_PIN_WRITE);
		double s0 = 0, u0 = 0, s1 = 0, u1 = 0, t;

		module_stats(&s0, &u0);
		t = now_ns();
		ret = pagectl_pin(pc, &arg);
		pin[i] = (now_ns() - t) / pages;
		if (ret < 0)
			goto out;
		t = now_ns();
		ret = pagectl_unpin(pc, arg.handle, 0);
		unpin[i] = (now_ns() - t) / pages;
		if (ret < 0)
			goto out;
		module_stats(&s1, &u1);
		gpin[i] = (s1 - s0) / pages;
		gunpin[i] = (u1 - u0) / pages;

		t = now_ns();
		if (mlock(p, size)) {
			ret = -errno;
			goto out;
		}
		lk[i] = (now_ns() - t) / pages;
		t = now_ns();
		munlock(p, size);
		ulk[i] = (now_ns() - t) / pages;

		tpin[i] = 0;
		tunpin[i] = 0;
		if (gup_test_fd >= 0) {
			struct gup_test g = {
				.addr = (unsigned long)p,
				.size = size,
				.nr_pages_per_call = pages < 16384 ? pages : 16384,
				.gup_flags = 1,		/* FOLL_WRITE */
			};

			if (ioctl(gup_test_fd, PIN_LONGTERM_BENCHMARK, &g)) {
				ret = -errno;
				goto out;
			}
			tpin[i] = g.get_delta_usec * 1e3 / pages;
			tunpin[i] = g.put_delta_usec * 1e3 / pages;
		}
	}
	r->pin = median(pin, REPS);
	r->unpin = median(unpin, REPS);
	r->gup_pin = median(gpin, REPS);
	r->gup_unpin = median(gunpin, REPS);
	r->test_pin = median(tpin, REPS);
	r->test_unpin = median(tunpin, REPS);
	r->lock = median(lk, REPS);
	r->unlock = median(ulk, REPS);
out:
	munmap(map, map_size);
	return ret;
}

/* Lookup and unpin cost with @n pins held, spread over 2048 pages. */
static int scaling(unsigned long n)
{
	const size_t span = 2048 * PAGE;
	double t, lookup, release;
	__u64 *handles;
	unsigned long i;
	void *map;
	size_t map_size;
	char *p = populated(span, 0, &map, &map_size);
	int ret = 0;

	handles = calloc(n, sizeof(*handles));
	if (!p || !handles) {
		free(handles);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		PAGECTL_ARG(pagectl_pin, arg, .addr = (unsigned long)p + (i % 2048) * PAGE,
			    .length = PAGE);

		ret = pagectl_pin(pc, &arg);
		if (ret < 0)
			goto out;
		handles[i] = arg.handle;
	}
	/* 1000 lookups spread over the whole handle space. */
	t = now_ns();
	for (i = 0; i < 1000; i++) {
		PAGECTL_ARG(pagectl_pin_describe, d, .handle = handles[(i * 7919) % n]);

		ret = pagectl_pin_describe(pc, &d);
		if (ret < 0)
			goto out;
	}
	lookup = (now_ns() - t) / 1000;
	t = now_ns();
	for (i = n - 1000; i < n; i++)
		pagectl_unpin(pc, handles[i], 0);
	release = (now_ns() - t) / 1000;
	memset(handles + n - 1000, 0, 1000 * sizeof(*handles));
	printf("  %7lu %10.0f %10.0f\n", n, lookup, release);
out:
	for (i = 0; i < n; i++)
		if (handles[i])
			pagectl_unpin(pc, handles[i], 0);
	free(handles);
	munmap(map, map_size);
	return ret;
}

static void print_size(size_t size)
{
	if (size >= 1UL << 30)
		printf("%5zuG", size >> 30);
	else if (size >= 1UL << 20)
		printf("%5zuM", size >> 20);
	else
		printf("%5zuK", size >> 10);
}

int main(void)
{
	static const size_t sizes[] = {
		4UL << 10, 64UL << 10, 2UL << 20, 16UL << 20, 128UL << 20, 1UL << 30,
	};
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	unsigned int i;
	int thp, ret;

	ret = pagectl_open(NULL, &pc);
	if (ret < 0) {
		fprintf(stderr, "pin_bench: %s\n", pagectl_strerror(ret));
		return 1;
	}
	/* mlock() of 1 GiB needs the limit raised (root may). */
	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	gup_test_fd = open("/sys/kernel/debug/gup_test", O_RDWR);

	printf("# ns per 4 KiB page, median of %d; ratio = pagectl pin / baseline\n", REPS);
	printf("# %-4s %6s %8s %8s %8s %8s %8s %8s %8s %8s %7s %7s %7s\n", "kind", "size",
	       "pin", "unpin", "gup", "gup-un", "gt-pin", "gt-un", "mlock", "munlock",
	       "/gup", "/gt", "/mlock");
	for (thp = 0; thp <= 1; thp++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			struct result r = { 0 };

			if (thp && sizes[i] < HPAGE)
				continue;
			ret = measure(sizes[i], thp, &r);
			printf("  %-4s ", thp ? "thp" : "4k");
			print_size(sizes[i]);
			if (ret < 0) {
				printf("  failed: %s\n", strerror(-ret));
				continue;
			}
			printf(" %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %7.2f ",
			       r.pin, r.unpin, r.gup_pin, r.gup_unpin, r.test_pin,
			       r.test_unpin, r.lock, r.unlock, r.pin / r.gup_pin);
			if (r.test_pin > 0)
				printf("%7.2f", r.pin / r.test_pin);
			else
				printf("%7s", "-");
			printf(" %7.2f\n", r.pin / r.lock);
		}
	}
	if (gup_test_fd < 0)
		printf("# gup_test: not in this kernel (CONFIG_GUP_TEST)\n");

	printf("# ns per operation with many pins held by one file\n");
	printf("# %7s %10s %10s\n", "pins", "lookup", "unpin");
	for (i = 1000; i <= 100000; i *= 10) {
		ret = scaling(i);
		if (ret < 0)
			printf("  %7u failed: %s\n", i, strerror(-ret));
	}
	pagectl_close(pc);
	return 0;
}
