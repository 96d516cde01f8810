// SPDX-License-Identifier: GPL-2.0-only
/*
 * Walks while other threads change the range being walked: munmap and mmap,
 * mprotect, mremap, fork, MADV_DONTNEED, MADV_PAGEOUT to zram swap, and THP
 * collapse and split. Every walk must succeed and return sane records; the
 * runner fails the test on any kernel warning, lockdep or KASAN report.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "walk_util.h"

#define NR_MUTATORS	4
#define PART		(2 * HPAGE_SZ)		/* each mutator's own part */
#define REGION		(NR_MUTATORS * PART)
/* Run at least MIN_SECONDS and MIN_CHANGES, at most MAX_SECONDS. */
#define MIN_SECONDS	4
#define MIN_CHANGES	400
#define MAX_SECONDS	60

static __u8 *region;
static atomic_int stop;
static int dev_fd;

struct counts {
	long walks, ranges, records, ops;
	int errors;
};

/* A mutator changes only its own part, so it never faults on another's change. */
struct mutator {
	pthread_t thread;
	unsigned int seed;
	__u8 *part;
	__u8 *scratch;		/* where mremap moves the part to and back from */
	struct counts c;
};

static void touch(__u8 *p, size_t len, unsigned int *seed)
{
	size_t i;

	mprotect(p, len, PROT_READ | PROT_WRITE);
	for (i = 0; i < len; i += PAGE_SZ)
		if (rand_r(seed) & 1)
			p[i] = 1;
}

static void *mutate(void *arg)
{
	struct mutator *m = arg;
	unsigned int *seed = &m->seed;

	while (!atomic_load(&stop)) {
		size_t off = (rand_r(seed) % (PART / PAGE_SZ)) * PAGE_SZ;
		size_t len = PAGE_SZ * (1 + rand_r(seed) % 64);
		pid_t pid;

		if (off + len > PART)
			len = PART - off;
		switch (rand_r(seed) % 9) {
		case 0:
			touch(m->part, PART, seed);
			break;
		case 1:
			mprotect(m->part + off, len, rand_r(seed) & 1 ? PROT_READ : PROT_NONE);
			break;
		case 2:
			madvise(m->part + off, len, MADV_DONTNEED);
			break;
		case 3:
			madvise(m->part + off, len, MADV_PAGEOUT);
			break;
		case 4:
			/* Unmap and map again: page tables may go. */
			munmap(m->part + off, len);
			mmap(m->part + off, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			madvise(m->part + off, len, MADV_HUGEPAGE);
			break;
		case 5:
			/* Move the whole part away and back: its page tables move. */
			touch(m->part, PART, seed);
			if (mremap(m->part, PART, PART, MREMAP_MAYMOVE | MREMAP_FIXED,
				   m->scratch) != MAP_FAILED)
				mremap(m->scratch, PART, PART, MREMAP_MAYMOVE | MREMAP_FIXED,
				       m->part);
			break;
		case 6:
			/* Fault a whole huge page in, then split it with an mprotect. */
			mprotect(m->part, HPAGE_SZ, PROT_READ | PROT_WRITE);
			madvise(m->part, HPAGE_SZ, MADV_HUGEPAGE);
			memset(m->part, 2, HPAGE_SZ);
			mprotect(m->part + off % HPAGE_SZ, PAGE_SZ, PROT_READ);
			break;
		case 7:
			/* Copy-on-write: the child writes and leaves. */
			pid = fork();
			if (!pid) {
				mprotect(m->part, PAGE_SZ, PROT_READ | PROT_WRITE);
				m->part[0] = 3;
				_exit(0);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
			break;
		case 8:
			madvise(m->part + off, len, MADV_NOHUGEPAGE);
			break;
		}
		__atomic_add_fetch(&m->c.ops, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Walk the whole region in small calls, with page state. */
static void *walk_ranges(void *arg)
{
	struct counts *c = arg;
	struct pagectl_walk_rec recs[64];
	__u64 end = uaddr(region) + REGION;

	while (!atomic_load(&stop)) {
		__u64 start = uaddr(region);

		while (start < end && !atomic_load(&stop)) {
			struct pagectl_walk_range wr;
			__u64 prev = 0;
			__u32 i;

			if (walk_range(dev_fd, start, end, PAGECTL_WALK_PAGE_STATE, recs,
				       64, &wr)) {
				c->errors++;
				return NULL;
			}
			/* In order, inside the range (a huge leaf may begin before start). */
			for (i = 0; i < wr.nr_records; i++) {
				__u64 a = recs[i].addr;

				if (a < prev || a >= end || a + (1ULL << recs[i].shift) <= start ||
				    recs[i].kind == PAGECTL_ENTRY_NONE ||
				    recs[i].kind > PAGECTL_ENTRY_UNKNOWN)
					c->errors++;
				prev = a + (1ULL << recs[i].shift);
			}
			if (wr.next <= start || wr.next > end)
				c->errors++;
			c->records += wr.nr_records;
			start = wr.next;
			c->ranges++;
		}
	}
	return NULL;
}

/* Explain random addresses of the region, through the file and by pid. */
static void *walk_addrs(void *arg)
{
	struct counts *c = arg;
	unsigned int seed = 7;

	while (!atomic_load(&stop)) {
		__u8 *a = region + (rand_r(&seed) % (REGION / 64)) * 64;
		struct pagectl_walk w;
		int ret;

		ret = rand_r(&seed) & 1 ? walk_addr(dev_fd, a, &w) :
					  walk_pid(dev_fd, getpid(), a, &w);
		if (ret || w.leaf_kind > PAGECTL_ENTRY_UNKNOWN ||
		    w.leaf_level > PAGECTL_LEVEL_PTE)
			c->errors++;
		c->walks++;
	}
	return NULL;
}

FIXTURE(race) {
	int unused;
};

FIXTURE_SETUP(race)
{
}

FIXTURE_TEARDOWN(race)
{
}

static long total_changes(const struct mutator *m)
{
	long ops = 0;
	int i;

	for (i = 0; i < NR_MUTATORS; i++)
		ops += __atomic_load_n(&m[i].c.ops, __ATOMIC_RELAXED);
	return ops;
}

TEST_F_TIMEOUT(race, walks_survive_concurrent_changes, MAX_SECONDS + 60)
{
	struct mutator m[NR_MUTATORS];
	struct counts rc = { 0 }, ac = { 0 };
	pthread_t rt, at;
	char why[128];
	int swap, i;
	long ops = 0;

	dev_fd = device_open(PAGECTL_FEATURE_WALK, NULL, why, sizeof(why));
	if (dev_fd < 0)
		SKIP(return, "%s", why);
	swap = swap_on_zram(why, sizeof(why));
	if (swap < 0)
		TH_LOG("without swap: %s", why);

	region = map_aligned(REGION, HPAGE_SZ, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, region);
	madvise(region, REGION, MADV_HUGEPAGE);
	for (i = 0; i < NR_MUTATORS; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].seed = i + 1;
		m[i].part = region + i * PART;
		m[i].scratch = map_aligned(PART, HPAGE_SZ, PROT_NONE);
		ASSERT_NE(NULL, m[i].scratch);
		ASSERT_EQ(0, pthread_create(&m[i].thread, NULL, mutate, &m[i]));
	}
	ASSERT_EQ(0, pthread_create(&rt, NULL, walk_ranges, &rc));
	ASSERT_EQ(0, pthread_create(&at, NULL, walk_addrs, &ac));

	/* Long enough for every kind of change to happen many times, on slow kernels too. */
	for (i = 0; i < MAX_SECONDS; i++) {
		sleep(1);
		if (i + 1 >= MIN_SECONDS && total_changes(m) >= MIN_CHANGES)
			break;
	}
	atomic_store(&stop, 1);
	pthread_join(rt, NULL);
	pthread_join(at, NULL);
	for (i = 0; i < NR_MUTATORS; i++) {
		pthread_join(m[i].thread, NULL);
		ops += m[i].c.ops;
	}
	TH_LOG("%ld changes, %ld range calls (%ld records), %ld address walks",
	       ops, rc.ranges, rc.records, ac.walks);
	ASSERT_EQ(0, rc.errors);
	ASSERT_EQ(0, ac.errors);
	/* Both sides really ran. */
	ASSERT_LT(0, ops);
	ASSERT_LT(0, rc.ranges);
	ASSERT_LT(0, ac.walks);

	munmap(region, REGION);
	swap_off(swap);
	close(dev_fd);
}

TEST_HARNESS_MAIN
