// SPDX-License-Identifier: GPL-2.0-only
/*
 * Huge buffers: 2 MiB blocks mapped with PMD entries where the kernel has
 * special PMD PFN mappings (PAGECTL_FEATURE_BUF_HUGE), EOPNOTSUPP elsewhere.
 *
 * A PMD entry maps 2 MiB with one page fault, where PTEs take 512: the tests
 * count minor faults (getrusage) to tell which one the kernel made.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "buf_util.h"

#define BLOCK		HPAGE_SZ
#define LEN		(2 * BLOCK)
#define BLOCK_PAGES	(BLOCK / PAGE_SZ)
#define RW		(PROT_READ | PROT_WRITE)

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* Faults taken to read the first word of every page of [p, p + len). */
static long faults_to_touch(const __u64 *p, size_t len, __u64 *sum)
{
	long before = minor_faults();
	size_t i;

	*sum = 0;
	for (i = 0; i < len / 8; i += PAGE_SZ / 8)
		*sum += counter(&p[i]);
	return minor_faults() - before;
}

FIXTURE(huge) {
	int dev;
	int fd;
	__u64 *map;
	struct pagectl_info info;
};

/* The device and a LEN huge buffer, its word i filled with i. */
FIXTURE_SETUP(huge)
{
	struct pagectl_buf_create c;
	char why[128];

	self->fd = -1;
	self->map = NULL;
	self->dev = device_open(PAGECTL_FEATURE_INFO, &self->info, why, sizeof(why));
	if (self->dev < 0)
		SETUP_SKIP("%s", why);
	if (!(self->info.features & PAGECTL_FEATURE_BUF))
		SETUP_SKIP("the module has no buffers");
	if (!(self->info.features & PAGECTL_FEATURE_BUF_HUGE)) {
		/* Without the feature the flag is refused, and nothing is made. */
		ASSERT_EQ(EOPNOTSUPP, buf_create(self->dev, LEN, PAGECTL_BUF_HUGE,
						 PAGECTL_NODE_LOCAL, &c));
		ASSERT_EQ(0, live_buffers());
		SETUP_SKIP("this kernel has no special PMD PFN mappings (EOPNOTSUPP checked)");
	}
	ASSERT_EQ(0, buf_create(self->dev, LEN, PAGECTL_BUF_HUGE, PAGECTL_NODE_LOCAL, &c));
	self->fd = c.fd;
	ASSERT_EQ(0, buf_fill(self->fd, 0, LEN, 0, PAGECTL_FILL_INDEX));
}

FIXTURE_TEARDOWN(huge)
{
	if (self->map)
		munmap(self->map, LEN);
	if (self->fd >= 0)
		close(self->fd);
	if (self->dev >= 0)
		close(self->dev);
	EXPECT_EQ(0, live_buffers());
}

/* The sum of 0, 512, 1024, ...: the first word of each page, word i = i. */
static __u64 page_sum(__u64 first_word, size_t pages)
{
	return pages * first_word + (PAGE_SZ / 8) * (pages * (pages - 1) / 2);
}

TEST_F(huge, pmd_entries_where_aligned)
{
	__u64 sum;
	long faults;

	/* mmap(NULL) gives a 2 MiB-aligned address for the PMDs to fit. */
	self->map = buf_map(self->fd, LEN, RW, 0);
	ASSERT_NE(NULL, self->map);
	ASSERT_EQ(0, uaddr(self->map) % BLOCK);

	/* Reading every page of two blocks takes one fault per block. */
	faults = faults_to_touch(self->map, LEN, &sum);
	ASSERT_EQ(page_sum(0, 2 * BLOCK_PAGES), sum);
	ASSERT_LE(faults, 4) {
		TH_LOG("%ld faults for %lu pages", faults, 2 * BLOCK_PAGES);
	}

	/* Writes go through the same entries, and the kernel sees them. */
	self->map[BLOCK / 8 + 3] = 77;
	ASSERT_EQ(8, pread(self->fd, &sum, 8, BLOCK + 24));
	ASSERT_EQ(77, sum);
	ASSERT_EQ(0, buf_fill(self->fd, 8, 8, 55, 0));
	ASSERT_EQ(55, self->map[1]);
}

TEST_F(huge, ptes_where_not_aligned)
{
	__u8 *area, *at;
	__u64 sum;
	long faults;

	/*
	 * A 2 MiB-aligned address, but one page into the buffer: no block
	 * lines up with a PMD, so every page is a PTE and a fault of its own.
	 */
	area = mmap(NULL, LEN + BLOCK, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	at = area + (BLOCK - uaddr(area) % BLOCK);
	self->map = mmap(at, LEN - PAGE_SZ, RW, MAP_SHARED | MAP_FIXED, self->fd, PAGE_SZ);
	ASSERT_EQ(at, (__u8 *)self->map);
	faults = faults_to_touch(self->map, LEN - PAGE_SZ, &sum);
	ASSERT_EQ(page_sum(PAGE_SZ / 8, 2 * BLOCK_PAGES - 1), sum);
	ASSERT_LE(2 * BLOCK_PAGES - 1, faults);
	ASSERT_EQ(0, munmap(area, LEN + BLOCK));
	self->map = NULL;
}

TEST_F(huge, split_by_partial_munmap)
{
	__u64 sum;

	self->map = buf_map(self->fd, LEN, RW, 0);
	ASSERT_NE(NULL, self->map);
	faults_to_touch(self->map, LEN, &sum);

	/* Unmapping one page splits its PMD; the rest refaults as PTEs. */
	ASSERT_EQ(0, munmap(self->map + PAGE_SZ / 8, PAGE_SZ));
	ASSERT_EQ(2, buffer_maps());
	ASSERT_EQ(0, self->map[0]);
	ASSERT_EQ(2 * PAGE_SZ / 8, self->map[2 * PAGE_SZ / 8]);
	ASSERT_EQ(BLOCK / 8 + 5, self->map[BLOCK / 8 + 5]);
	ASSERT_EQ(0, munmap(self->map, PAGE_SZ));
	ASSERT_EQ(0, munmap(self->map + 2 * PAGE_SZ / 8, LEN - 2 * PAGE_SZ));
	self->map = NULL;
	ASSERT_EQ(0, buffer_maps());
}

TEST_F(huge, fork_child_refaults)
{
	pid_t pid;
	__u64 sum;

	self->map = buf_map(self->fd, LEN, RW, 0);
	ASSERT_NE(NULL, self->map);
	faults_to_touch(self->map, LEN, &sum);

	/* The child faults its own PMDs in, onto the same blocks. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		__u64 s;

		self->map[BLOCK / 8] = 99;
		_exit(faults_to_touch(self->map, LEN, &s) <= 4 ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_EQ(99, self->map[BLOCK / 8]);
}

TEST_F(huge, read_only_then_writable)
{
	self->map = buf_map(self->fd, LEN, PROT_READ, 0);
	ASSERT_NE(NULL, self->map);
	ASSERT_EQ(7, counter(&self->map[7]));

	/* A read fault makes a read-only PMD; mprotect and a write upgrade it. */
	ASSERT_EQ(0, mprotect(self->map, LEN, RW));
	self->map[7] = 8;
	ASSERT_EQ(0, buf_fill(self->fd, 16, 8, 9, 0));
	ASSERT_EQ(8, self->map[7]);
	ASSERT_EQ(9, self->map[2]);
}

TEST_F(huge, no_struct_pages_for_gup)
{
	struct pagectl_pin p;

	/* Like a contiguous buffer: PFN entries, so GUP (PIN, O_DIRECT) fails. */
	self->map = buf_map(self->fd, LEN, RW, 0);
	ASSERT_NE(NULL, self->map);
	ASSERT_EQ(0, self->map[0]);
	ASSERT_EQ(EFAULT, pin(self->dev, uaddr(self->map), LEN, 0, &p));
	ASSERT_EQ(-1, madvise(self->map, LEN, MADV_DONTNEED));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(huge, blocks_reported)
{
	struct pagectl_extent x[2 * BLOCK_PAGES] = { 0 };
	struct pagectl_frame f[4];
	struct pagectl_buf_info info = {
		.size = sizeof(info),
		.flags = PAGECTL_DESCRIBE_EXTENTS,
		.records = uaddr(x),
		.record_size = sizeof(x[0]),
		.max_records = 2 * BLOCK_PAGES,
	};
	__u64 total = 0;
	__u32 i;

	/* Frames say 2 MiB; each block is contiguous and 2 MiB aligned. */
	ASSERT_EQ(4, buf_frames(self->fd, f, 4));
	ASSERT_EQ(21, f[0].size_shift);
	ASSERT_EQ(0, f[0].pfn % BLOCK_PAGES);
	ASSERT_EQ(f[0].pfn + 3, f[3].pfn);
	ASSERT_EQ(0, call(self->fd, PAGECTL_BUF_INFO, &info));
	ASSERT_EQ(PAGECTL_BUF_HUGE, info.buf_flags);
	for (i = 0; i < info.nr_records; i++) {
		ASSERT_EQ(total, x[i].offset);
		ASSERT_EQ(0, x[i].length % BLOCK);
		ASSERT_EQ(0, x[i].pfn % BLOCK_PAGES);
		total += x[i].length;
	}
	ASSERT_EQ(LEN, total);
}

TEST_F(huge, bad_input)
{
	struct pagectl_buf_create c;

	/* Not a multiple of 2 MiB, or together with CONTIG: EINVAL. */
	ASSERT_EQ(EINVAL, buf_create(self->dev, BLOCK + PAGE_SZ, PAGECTL_BUF_HUGE,
				     PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(EINVAL, buf_create(self->dev, PAGE_SZ, PAGECTL_BUF_HUGE,
				     PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(EINVAL, buf_create(self->dev, BLOCK, PAGECTL_BUF_HUGE | PAGECTL_BUF_CONTIG,
				     PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(1, live_buffers());
}

TEST_F(huge, timer_counts)
{
	struct pagectl_timer t = {
		.size = sizeof(t),
		.flags = PAGECTL_TIMER_BUF,
		.target = self->fd,
		.offset = BLOCK + 8,
		.period_ns = PERIOD_NS,
	};
	__u64 start;

	self->map = buf_map(self->fd, LEN, RW, 0);
	ASSERT_NE(NULL, self->map);
	start = counter(&self->map[BLOCK / 8 + 1]);
	ASSERT_EQ(0, call(self->dev, PAGECTL_TIMER, &t));
	msleep(50);
	ASSERT_LT(start, counter(&self->map[BLOCK / 8 + 1]));
	t.flags |= PAGECTL_TIMER_DISARM;
	t.offset = 0;
	t.period_ns = 0;
	ASSERT_EQ(0, call(self->dev, PAGECTL_TIMER, &t));
}

TEST_HARNESS_MAIN
