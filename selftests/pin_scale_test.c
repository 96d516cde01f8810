// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pins at scale: 100,000 pins on one file, many threads pinning and unpinning
 * at once, and one pin of 1 GiB.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/mempolicy.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "pin_fixture.h"

#define NR_PINS		100000
#define SCALE_PAGES	2048	/* ~49 pins a page: ~50,000 references, far from overflow */

/* Mean time of a PIN_DESCRIBE with max_records 0 for each of @n pins, in us; -1 on error. */
static double describe_us(int fd, const __u64 *handles, unsigned int n)
{
	struct pagectl_pin_describe d;
	unsigned int i;
	double t0;

	t0 = now_us();
	for (i = 0; i < n; i++) {
		d = describe_arg(handles[i], 0, 0, NULL, 0);
		if (describe(fd, &d))
			return -1;
	}
	return (now_us() - t0) / n;
}

TEST_F_TIMEOUT(pin, many_pins, 240)
{
	double first, last, t0;
	__u64 *h, *sorted;
	unsigned int i;
	__u8 *buf;

	buf = map_anon(SCALE_PAGES * PAGE_SZ);
	h = calloc(NR_PINS, sizeof(*h));
	sorted = calloc(NR_PINS, sizeof(*sorted));
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, h);
	ASSERT_NE(NULL, sorted);

	/* 100,000 single-page pins on one file, spread over 2048 pages. */
	t0 = now_us();
	for (i = 0; i < NR_PINS; i++) {
		h[i] = pin_handle(self->fd, buf + (i % SCALE_PAGES) * PAGE_SZ, PAGE_SZ, 0);
		ASSERT_NE(0, h[i]);
	}
	TH_LOG("pin: %.2f us each", (now_us() - t0) / NR_PINS);
	ASSERT_EQ(self->vmpin + NR_PINS * 4L, vmpin_kb(0));

	/* Every handle is distinct. */
	memcpy(sorted, h, NR_PINS * sizeof(*h));
	qsort(sorted, NR_PINS, sizeof(*sorted), cmp_u64);
	for (i = 1; i < NR_PINS; i++)
		ASSERT_NE(sorted[i - 1], sorted[i]);

	/* Lookup of the oldest and the newest 1000 pins, for the record only. */
	first = describe_us(self->fd, h, 1000);
	last = describe_us(self->fd, h + NR_PINS - 1000, 1000);
	ASSERT_LE(0, first);
	ASSERT_LE(0, last);
	TH_LOG("describe: first 1000 pins %.2f us each, last 1000 %.2f us each", first, last);

	/* Unpin them all, newest first. */
	t0 = now_us();
	for (i = NR_PINS; i-- > 0;)
		ASSERT_EQ(0, unpin(self->fd, h[i], 0));
	TH_LOG("unpin: %.2f us each", (now_us() - t0) / NR_PINS);
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
	free(sorted);
	free(h);
}

#define NR_THREADS	8
#define CHURN_ROUNDS	2000

struct churn {
	int fd;
	__u8 *page;
	unsigned int errors;
	int first_errno;
};

static void churn_error(struct churn *c, int err)
{
	if (!c->errors++)
		c->first_errno = err;
}

/* A thread: pin, describe and unpin one page, over and over. */
static void *churn(void *arg)
{
	struct churn *c = arg;
	struct pagectl_frame f;
	unsigned int i;
	int ret;
	__u64 h;

	for (i = 0; i < CHURN_ROUNDS; i++) {
		h = pin_handle(c->fd, c->page, PAGE_SZ, PAGECTL_PIN_WRITE);
		if (!h) {
			churn_error(c, errno);
			continue;
		}
		ret = frame_at(c->fd, h, 0, &f);
		if (!ret && !(f.flags & PAGECTL_PAGE_MAYBE_DMA_PINNED))
			ret = EPROTO;
		if (ret)
			churn_error(c, ret);
		ret = unpin(c->fd, h, 0);
		if (ret)
			churn_error(c, ret);
	}
	return NULL;
}

TEST_F_TIMEOUT(pin, threads_pin_unpin, 120)
{
	struct churn c[NR_THREADS];
	pthread_t tid[NR_THREADS];
	__u8 *buf;
	int i;

	buf = map_anon(NR_THREADS * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* Eight threads on one file at once: half share one page, half have their own. */
	for (i = 0; i < NR_THREADS; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].fd = self->fd;
		c[i].page = buf + (i < NR_THREADS / 2 ? 0 : i) * PAGE_SZ;
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, churn, &c[i]));
	}
	for (i = 0; i < NR_THREADS; i++)
		ASSERT_EQ(0, pthread_join(tid[i], NULL));

	/* Every call of every thread succeeded. */
	for (i = 0; i < NR_THREADS; i++) {
		if (c[i].errors)
			TH_LOG("thread %d: %u errors, the first %s", i, c[i].errors,
			       strerror(c[i].first_errno));
		ASSERT_EQ(0, c[i].errors);
	}

	/* Nothing stays pinned or charged. */
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F_TIMEOUT(pin, one_gib_pin, 240)
{
	const size_t len = 1UL << 30;
	struct pagectl_extent *ext;
	long avail, n, k;
	struct pagectl_pin p;
	__u64 sum = 0;
	double t0;
	void *map;
	int ret;

	/* The OOM killer, not ENOMEM, would answer a guest that is short of memory. */
	avail = proc_field("/proc/meminfo", "MemAvailable");
	if (avail >= 0 && avail < (long)(len >> 10) + (128L << 10))
		SKIP(return, "1 GiB pin: only %ld kB available", avail);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, map);

	/* One writable pin faults in and pins 1 GiB; root's CAP_IPC_LOCK lifts the rlimit. */
	t0 = now_us();
	ret = pin(self->fd, uaddr(map), len, PAGECTL_PIN_WRITE, &p);
	if (ret == ENOMEM) {
		TH_LOG("1 GiB pin: ENOMEM with %ld kB available",
		       proc_field("/proc/meminfo", "MemAvailable"));
		munmap(map, len);
		SKIP(return, "1 GiB pin: ENOMEM, the guest could not back it");
	}
	ASSERT_EQ(0, ret);
	TH_LOG("1 GiB pin: %.0f ms", (now_us() - t0) / 1000);
	ASSERT_EQ(len / PAGE_SZ, p.npages);
	ASSERT_EQ(self->vmpin + (long)(len >> 10), vmpin_kb(0));

	/* Its extents cover it exactly. */
	ext = calloc(p.npages, sizeof(*ext));
	ASSERT_NE(NULL, ext);
	n = get_extents(self->fd, p.handle, ext, 4096);
	ASSERT_LT(0, n);
	for (k = 0; k < n; k++)
		sum += ext[k].length;
	ASSERT_EQ(len, sum);
	TH_LOG("1 GiB pin: %ld extents", n);

	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	free(ext);
	munmap(map, len);
}

TEST_HARNESS_MAIN
