// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel buffers: creating them, what the kernel and user space see through
 * them, how long they live, the mmap rules, NUMA placement, struct-page
 * semantics of page buffers, and every bad input.
 *
 * Most tests run for both kinds of buffer, as the variants "pages"
 * (vm_insert_pages()) and "contig" (remap_pfn_range()).
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <numa.h>
#include <numaif.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "buf_util.h"

#define NPAGES		16
#define LEN		(NPAGES * PAGE_SZ)
#define PATTERN		0x5a5a0123456789a5ULL
#define RW		(PROT_READ | PROT_WRITE)

FIXTURE(buf) {
	int dev;
	int fd;
	__u64 *map;
	struct pagectl_info info;
};

FIXTURE_VARIANT(buf) {
	__u32 kind;
};

FIXTURE_VARIANT_ADD(buf, pages) {
	.kind = 0,
};

FIXTURE_VARIANT_ADD(buf, contig) {
	.kind = PAGECTL_BUF_CONTIG,
};

/* The device, a LEN buffer of the variant's kind, mapped read-write. */
FIXTURE_SETUP(buf)
{
	char why[128];

	self->fd = -1;
	self->map = NULL;
	self->dev = device_open(PAGECTL_FEATURE_INFO, &self->info, why, sizeof(why));
	if (self->dev < 0)
		SETUP_SKIP("%s", why);
	if (!(self->info.features & PAGECTL_FEATURE_BUF))
		SETUP_SKIP("the module has no buffers");
	ASSERT_EQ(0, live_buffers());
	self->fd = buf_new(self->dev, LEN, variant->kind);
	ASSERT_LE(0, self->fd);
	self->map = buf_map(self->fd, LEN, RW, 0);
	ASSERT_NE(NULL, self->map);
}

FIXTURE_TEARDOWN(buf)
{
	if (self->map)
		munmap(self->map, LEN);
	if (self->fd >= 0)
		close(self->fd);
	if (self->dev >= 0)
		close(self->dev);
	/* Whatever a test made is gone with its descriptors and mappings. */
	EXPECT_EQ(0, live_buffers());
}

TEST_F(buf, created_zeroed_and_described)
{
	struct pagectl_buf_info info;

	/* The descriptor is close-on-exec and read-write. */
	ASSERT_EQ(FD_CLOEXEC, fcntl(self->fd, F_GETFD));
	ASSERT_EQ(O_RDWR, fcntl(self->fd, F_GETFL) & O_ACCMODE);

	/* The memory is zeroed. */
	ASSERT_TRUE(all_zero(self->map, LEN));

	/* BUF_INFO reports length, kind, node and the one mapping. */
	ASSERT_EQ(0, buf_info(self->fd, &info));
	ASSERT_EQ(LEN, info.length);
	ASSERT_EQ(variant->kind, info.buf_flags);
	ASSERT_EQ(1, info.nr_mappings);
	ASSERT_NE(0, info.id);
	ASSERT_EQ(0, info.nr_records);
	ASSERT_EQ(0, info.next_cursor);
	ASSERT_EQ(1, live_buffers());
	ASSERT_EQ(1, buffer_maps());

	/* lseek(SEEK_END) gives the length too. */
	ASSERT_EQ(LEN, lseek(self->fd, 0, SEEK_END));
}

TEST_F(buf, length_rounded_up_to_a_page)
{
	struct pagectl_buf_create c;

	/* One byte gets a page. */
	ASSERT_EQ(0, buf_create(self->dev, 1, variant->kind, PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(PAGE_SZ, c.alloc_length);
	ASSERT_NE(0, c.id);
	ASSERT_EQ(0, close(c.fd));

	/* A page and a byte get two. */
	ASSERT_EQ(0, buf_create(self->dev, PAGE_SZ + 1, variant->kind,
				PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(2 * PAGE_SZ, c.alloc_length);
	ASSERT_EQ(0, close(c.fd));
}

TEST_F(buf, kernel_fill_seen_at_once)
{
	__u64 i;

	/* BUF_FILL writes through the kernel's mapping; ours sees it. */
	ASSERT_EQ(0, buf_fill(self->fd, 0, LEN, PATTERN, 0));
	for (i = 0; i < LEN / 8; i++)
		ASSERT_EQ(PATTERN, self->map[i]);

	/* With FILL_INDEX word i holds pattern + i, i counted from the start. */
	ASSERT_EQ(0, buf_fill(self->fd, PAGE_SZ, 2 * PAGE_SZ, 100, PAGECTL_FILL_INDEX));
	for (i = 0; i < LEN / 8; i++) {
		__u64 want = i >= PAGE_SZ / 8 && i < 3 * PAGE_SZ / 8 ? 100 + i : PATTERN;

		ASSERT_EQ(want, self->map[i]);
	}

	/* One word at the very end. */
	ASSERT_EQ(0, buf_fill(self->fd, LEN - 8, 8, 7, 0));
	ASSERT_EQ(7, self->map[LEN / 8 - 1]);
}

TEST_F(buf, user_writes_read_by_kernel)
{
	__u64 *copy = malloc(LEN);
	__u8 small[16];
	void *ro;

	ASSERT_NE(NULL, copy);
	/* What we write through the mapping, read() returns. */
	for (__u64 i = 0; i < LEN / 8; i++)
		self->map[i] = i * 3 + 1;
	ASSERT_EQ(LEN, pread(self->fd, copy, LEN, 0));
	ASSERT_EQ(0, memcmp(copy, self->map, LEN));

	/* What write() stores, the mapping shows. */
	memset(copy, 0xab, PAGE_SZ);
	ASSERT_EQ(PAGE_SZ, pwrite(self->fd, copy, PAGE_SZ, PAGE_SZ / 2));
	ASSERT_EQ(0, memcmp((__u8 *)self->map + PAGE_SZ / 2, copy, PAGE_SZ));

	/* read() and write() advance the offset. */
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ(8, read(self->fd, small, 8));
	ASSERT_EQ(8, lseek(self->fd, 0, SEEK_CUR));

	/* At the end: reads return 0, writes ENOSPC; crossing it is shortened. */
	ASSERT_EQ(0, pread(self->fd, small, sizeof(small), LEN));
	ASSERT_EQ(-1, pwrite(self->fd, small, sizeof(small), LEN));
	ASSERT_EQ(ENOSPC, errno);
	ASSERT_EQ(8, pread(self->fd, small, sizeof(small), LEN - 8));
	ASSERT_EQ(8, pwrite(self->fd, small, sizeof(small), LEN - 8));

	/* Memory the caller may not write is EFAULT. */
	ro = mmap(NULL, PAGE_SZ, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(-1, pread(self->fd, ro, 8, 0));
	ASSERT_EQ(EFAULT, errno);
	munmap(ro, PAGE_SZ);
	free(copy);
}

TEST_F(buf, timer_counts_in_buffer)
{
	struct pagectl_timer t = {
		.size = sizeof(t),
		.flags = PAGECTL_TIMER_BUF,
		.target = self->fd,
		.offset = PAGE_SZ + 8,
		.period_ns = PERIOD_NS,
	};
	__u64 seen;
	int keep;

	/* The kernel's timer moves a counter we see without a system call. */
	ASSERT_EQ(0, call(self->dev, PAGECTL_TIMER, &t));
	msleep(50);
	seen = counter(&self->map[PAGE_SZ / 8 + 1]);
	ASSERT_LT(0, seen);
	ASSERT_EQ(0, self->map[PAGE_SZ / 8]);

	/* The armed timer keeps the buffer after its fd and mapping are gone. */
	ASSERT_EQ(0, munmap(self->map, LEN));
	self->map = NULL;
	t.flags = PAGECTL_TIMER_BUF | PAGECTL_TIMER_DISARM;
	t.offset = 0;
	t.period_ns = 0;
	keep = dup(self->fd);
	ASSERT_LE(0, keep);
	ASSERT_EQ(0, close(self->fd));
	self->fd = keep;
	t.target = keep;
	ASSERT_EQ(1, live_buffers());

	/* Disarming reports the ticks; a second disarm finds none. */
	ASSERT_EQ(0, call(self->dev, PAGECTL_TIMER, &t));
	ASSERT_LE(seen, t.ticks);
	ASSERT_EQ(0, call(self->dev, PAGECTL_TIMER, &t));
	ASSERT_EQ(0, t.ticks);
}

TEST_F(buf, timer_outlives_descriptor_until_file_close)
{
	struct pagectl_timer t = {
		.size = sizeof(t),
		.flags = PAGECTL_TIMER_BUF,
		.target = self->fd,
		.period_ns = PERIOD_NS,
	};

	/* Only the timer refers to the buffer now; it still exists. */
	ASSERT_EQ(0, call(self->dev, PAGECTL_TIMER, &t));
	ASSERT_EQ(0, munmap(self->map, LEN));
	self->map = NULL;
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(1, live_buffers());

	/* The last close of the arming file stops it and frees the buffer. */
	ASSERT_EQ(0, close(self->dev));
	self->dev = -1;
	ASSERT_EQ(0, live_buffers());
}

TEST_F(buf, timer_bad_target)
{
	struct pagectl_timer t = {
		.size = sizeof(t),
		.flags = PAGECTL_TIMER_BUF,
		.period_ns = PERIOD_NS,
	};
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, null);
	/* Not an open descriptor, or beyond INT_MAX: EBADF. */
	t.target = lowest_free_fd();
	ASSERT_EQ(EBADF, call(self->dev, PAGECTL_TIMER, &t));
	t.target = (__u64)INT_MAX + 1;
	ASSERT_EQ(EBADF, call(self->dev, PAGECTL_TIMER, &t));

	/* A descriptor that is not a buffer, /dev/pagectl included: EINVAL. */
	t.target = null;
	ASSERT_EQ(EINVAL, call(self->dev, PAGECTL_TIMER, &t));
	t.target = self->dev;
	ASSERT_EQ(EINVAL, call(self->dev, PAGECTL_TIMER, &t));

	/* The counter must be an aligned word inside the buffer. */
	t.target = self->fd;
	t.offset = 4;
	ASSERT_EQ(EINVAL, call(self->dev, PAGECTL_TIMER, &t));
	t.offset = LEN - 4;
	ASSERT_EQ(EINVAL, call(self->dev, PAGECTL_TIMER, &t));
	t.offset = LEN;
	ASSERT_EQ(EINVAL, call(self->dev, PAGECTL_TIMER, &t));
	t.offset = LEN - 8;
	t.period_ns = PAGECTL_TIMER_MIN_PERIOD_NS - 1;
	ASSERT_EQ(EINVAL, call(self->dev, PAGECTL_TIMER, &t));

	/* Nothing was armed. */
	ASSERT_EQ(0, proc_field("/proc/pagectl", "timers"));
	close(null);
}

TEST_F(buf, close_fd_while_mapped)
{
	/* The mapping keeps the buffer: its memory stays ours. */
	self->map[3] = 42;
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(1, live_buffers());
	ASSERT_EQ(42, self->map[3]);
	self->map[LEN / 8 - 1] = 43;
	ASSERT_EQ(43, self->map[LEN / 8 - 1]);

	/* munmap of the last mapping frees it. */
	ASSERT_EQ(0, munmap(self->map, LEN));
	self->map = NULL;
	ASSERT_EQ(0, live_buffers());
}

TEST_F(buf, second_mapping_shares_memory)
{
	__u64 *other = buf_map(self->fd, 2 * PAGE_SZ, RW, PAGE_SZ);

	/* A mapping at an offset shows the same bytes at that offset. */
	ASSERT_NE(NULL, other);
	self->map[PAGE_SZ / 8] = 11;
	ASSERT_EQ(11, other[0]);
	other[PAGE_SZ / 8 + 1] = 12;
	ASSERT_EQ(12, self->map[2 * PAGE_SZ / 8 + 1]);
	ASSERT_EQ(2, buffer_maps());
	ASSERT_EQ(0, munmap(other, 2 * PAGE_SZ));
	ASSERT_EQ(1, buffer_maps());
}

TEST_F(buf, fork_child_shares_and_keeps)
{
	int go[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char c;

		/* The child writes; then waits until the parent has let go. */
		self->map[5] = 55;
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		/* Still the buffer: the parent's last write is here. */
		_exit(self->map[6] == 66 && self->map[5] == 55 ? 0 : 2);
	}
	msleep(20);
	while (self->map[5] != 55)
		msleep(20);
	self->map[6] = 66;

	/* The parent closes and unmaps; the child's VMA holds the buffer. */
	ASSERT_EQ(0, munmap(self->map, LEN));
	self->map = NULL;
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(1, live_buffers());
	ASSERT_EQ(1, buffer_maps());
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(0, wait_exit(pid));

	/* The child's exit dropped the last reference. */
	ASSERT_EQ(0, live_buffers());
	close(go[0]);
	close(go[1]);
}

TEST_F(buf, dontcopy_keeps_children_out)
{
	int fd = buf_new(self->dev, LEN, variant->kind | PAGECTL_BUF_DONTCOPY);
	__u64 *map;
	pid_t pid;

	ASSERT_LE(0, fd);
	map = buf_map(fd, LEN, RW, 0);
	ASSERT_NE(NULL, map);
	map[0] = 1;

	/* The child has no mapping there: touching it is SIGSEGV. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		map[0] = 2;
		_exit(0);
	}
	ASSERT_EQ(SIGSEGV, wait_signal(pid));
	ASSERT_EQ(1, map[0]);
	ASSERT_EQ(2, buffer_maps());
	ASSERT_EQ(0, munmap(map, LEN));
	ASSERT_EQ(0, close(fd));
}

TEST_F(buf, partial_munmap_splits)
{
	/* Unmapping the middle leaves two VMAs, each holding the buffer. */
	ASSERT_EQ(0, munmap(self->map + PAGE_SZ / 8 * 4, 4 * PAGE_SZ));
	ASSERT_EQ(2, buffer_maps());
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	self->map[0] = 1;
	self->map[PAGE_SZ / 8 * 8] = 2;

	/* The pieces are still the buffer; the last one to go frees it. */
	ASSERT_EQ(0, munmap(self->map, 4 * PAGE_SZ));
	ASSERT_EQ(1, live_buffers());
	ASSERT_EQ(2, self->map[PAGE_SZ / 8 * 8]);
	ASSERT_EQ(0, munmap(self->map + PAGE_SZ / 8 * 8, LEN - 8 * PAGE_SZ));
	self->map = NULL;
	ASSERT_EQ(0, live_buffers());
}

TEST_F(buf, mprotect_split_counts)
{
	/* mprotect of part of the mapping splits it; both parts count. */
	ASSERT_EQ(0, mprotect(self->map, PAGE_SZ, PROT_READ));
	ASSERT_EQ(2, buffer_maps());
	self->map[PAGE_SZ / 8] = 9;
	ASSERT_EQ(9, self->map[PAGE_SZ / 8]);
}

TEST_F(buf, map_private_refused)
{
	/* A private mapping would be a copy, not the buffer. */
	ASSERT_EQ(MAP_FAILED, mmap(NULL, LEN, PROT_READ, MAP_PRIVATE, self->fd, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(MAP_FAILED, mmap(NULL, LEN, RW, MAP_PRIVATE, self->fd, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(1, buffer_maps());
}

TEST_F(buf, map_beyond_refused)
{
	void *last;

	/* Longer than the buffer, starting at its end, or crossing it. */
	ASSERT_EQ(NULL, buf_map(self->fd, LEN + PAGE_SZ, RW, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, buf_map(self->fd, PAGE_SZ, RW, LEN));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, buf_map(self->fd, 2 * PAGE_SZ, RW, LEN - PAGE_SZ));
	ASSERT_EQ(EINVAL, errno);
	/* An offset so large that offset + length wraps in pages. */
	ASSERT_EQ(NULL, buf_map(self->fd, 2 * PAGE_SZ, RW, (__u64)-PAGE_SZ & ~(1ULL << 63)));
	ASSERT_EQ(1, buffer_maps());

	/* The last page alone is fine. */
	last = buf_map(self->fd, PAGE_SZ, RW, LEN - PAGE_SZ);
	ASSERT_NE(NULL, last);
	ASSERT_EQ(0, munmap(last, PAGE_SZ));
}

TEST_F(buf, mremap_cannot_grow)
{
	void *p, *dst;

	/* Growing in place or by moving: EFAULT (VM_DONTEXPAND). */
	ASSERT_EQ(0, munmap(self->map, LEN));
	self->map = buf_map(self->fd, LEN / 2, RW, 0);
	ASSERT_NE(NULL, self->map);
	ASSERT_EQ(MAP_FAILED, mremap(self->map, LEN / 2, LEN, 0));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(MAP_FAILED, mremap(self->map, LEN / 2, LEN, MREMAP_MAYMOVE));
	ASSERT_EQ(EFAULT, errno);

	/* Shrinking and moving are fine, and keep the contents. */
	self->map[1] = 77;
	p = mremap(self->map, LEN / 2, LEN / 4, 0);
	ASSERT_EQ(self->map, p);
	ASSERT_EQ(1, buffer_maps());
	dst = mmap(NULL, LEN / 4, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, dst);
	p = mremap(self->map, LEN / 4, LEN / 4, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(dst, p);
	ASSERT_EQ(77, ((__u64 *)p)[1]);
	ASSERT_EQ(1, buffer_maps());
	ASSERT_EQ(0, munmap(p, LEN / 4));
	self->map = NULL;
	ASSERT_EQ(0, buffer_maps());
}

TEST_F(buf, rdonly_stays_read_only)
{
	int fd = buf_new(self->dev, LEN, variant->kind | PAGECTL_BUF_RDONLY);
	struct pagectl_timer t = {
		.size = sizeof(t),
		.flags = PAGECTL_TIMER_BUF,
		.period_ns = PERIOD_NS,
	};
	__u64 *map, word = 1;

	ASSERT_LE(0, fd);
	/* The descriptor is O_RDONLY: no writable mapping, no write(), no fill. */
	ASSERT_EQ(O_RDONLY, fcntl(fd, F_GETFL) & O_ACCMODE);
	ASSERT_EQ(NULL, buf_map(fd, LEN, RW, 0));
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(-1, pwrite(fd, &word, sizeof(word), 0));
	ASSERT_EQ(EBADF, errno);
	ASSERT_EQ(EBADF, buf_fill(fd, 0, 8, 1, 0));

	/* A read-only mapping cannot be made writable. */
	map = buf_map(fd, LEN, PROT_READ, 0);
	ASSERT_NE(NULL, map);
	ASSERT_EQ(-1, mprotect(map, LEN, RW));
	ASSERT_EQ(EACCES, errno);

	/* The kernel's timer may still count there: the user only reads. */
	t.target = fd;
	ASSERT_EQ(0, call(self->dev, PAGECTL_TIMER, &t));
	msleep(20);
	ASSERT_LT(0, counter(map));
	t.flags |= PAGECTL_TIMER_DISARM;
	t.period_ns = 0;
	ASSERT_EQ(0, call(self->dev, PAGECTL_TIMER, &t));
	ASSERT_EQ(0, munmap(map, LEN));
	ASSERT_EQ(0, close(fd));
}

TEST_F(buf, never_executable)
{
	/* PROT_EXEC is EPERM; mprotect(PROT_EXEC) later is EACCES. */
	ASSERT_EQ(NULL, buf_map(self->fd, LEN, PROT_READ | PROT_EXEC, 0));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, mprotect(self->map, LEN, PROT_READ | PROT_EXEC));
	ASSERT_EQ(EACCES, errno);
}

TEST_F(buf, madvise_dontneed)
{
	int ret;

	self->map[PAGE_SZ / 8] = 99;
	ret = madvise(self->map, LEN, MADV_DONTNEED);
	if (variant->kind & PAGECTL_BUF_CONTIG) {
		/* A PFN mapping cannot be zapped by the user. */
		ASSERT_EQ(-1, ret);
		ASSERT_EQ(EINVAL, errno);
	} else {
		/* The entries go; the next access maps the same page again. */
		ASSERT_EQ(0, ret);
	}
	ASSERT_EQ(99, self->map[PAGE_SZ / 8]);
	ASSERT_EQ(0, buf_fill(self->fd, PAGE_SZ, 8, 98, 0));
	ASSERT_EQ(98, self->map[PAGE_SZ / 8]);
}

TEST_F(buf, frames_match_pagemap)
{
	struct pagectl_frame f[NPAGES];
	struct pagectl_extent x[NPAGES] = { 0 };
	struct pagectl_buf_info info = {
		.size = sizeof(info),
		.flags = PAGECTL_DESCRIBE_EXTENTS,
		.records = uaddr(x),
		.record_size = sizeof(x[0]),
		.max_records = NPAGES,
	};
	__u64 total = 0;
	int i;

	/*
	 * Root's buffers report frames: the ones our mapping uses. pagemap
	 * skips PFN mappings, so it shows none for a contiguous buffer.
	 */
	ASSERT_EQ(NPAGES, buf_frames(self->fd, f, NPAGES));
	for (i = 0; i < NPAGES; i++) {
		ASSERT_NE(0, f[i].pfn);
		ASSERT_EQ(variant->kind & PAGECTL_BUF_CONTIG ? 0 : f[i].pfn,
			  pagemap_pfn(self->map + i * PAGE_SZ / 8));
		ASSERT_EQ(PAGECTL_PAGE_VALID | PAGECTL_PAGE_BUF, f[i].flags);
		ASSERT_EQ(12, f[i].size_shift);
		/* vm_insert_pages() takes a page reference per entry. */
		ASSERT_EQ(variant->kind & PAGECTL_BUF_CONTIG ? 1 : 2, f[i].refcount);
		if (variant->kind & PAGECTL_BUF_CONTIG && i)
			ASSERT_EQ(f[0].pfn + i, f[i].pfn);
	}

	/* Extents cover the buffer; a contiguous one is a single extent. */
	ASSERT_EQ(0, call(self->fd, PAGECTL_BUF_INFO, &info));
	ASSERT_EQ(PAGECTL_OUT_PFNS, info.out_flags);
	ASSERT_EQ(NPAGES, info.next_cursor);
	for (i = 0; i < (int)info.nr_records; i++) {
		ASSERT_EQ(total, x[i].offset);
		ASSERT_EQ(f[total / PAGE_SZ].pfn, x[i].pfn);
		total += x[i].length;
	}
	ASSERT_EQ(LEN, total);
	if (variant->kind & PAGECTL_BUF_CONTIG)
		ASSERT_EQ(1, info.nr_records);
}

TEST_F(buf, info_cursor_and_record_size)
{
	struct pagectl_frame f[4];
	struct pagectl_buf_info info = {
		.size = sizeof(info),
		.cursor = NPAGES - 2,
		.records = uaddr(f),
		.record_size = sizeof(f[0]),
		.max_records = 4,
	};

	/* From a cursor near the end: what is left, and the end cursor. */
	ASSERT_EQ(0, call(self->fd, PAGECTL_BUF_INFO, &info));
	ASSERT_EQ(2, info.nr_records);
	ASSERT_EQ(NPAGES, info.next_cursor);

	/* The end itself is an empty answer; beyond it is EINVAL. */
	info.cursor = NPAGES;
	ASSERT_EQ(0, call(self->fd, PAGECTL_BUF_INFO, &info));
	ASSERT_EQ(0, info.nr_records);
	info.cursor = NPAGES + 1;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_BUF_INFO, &info));

	/* A record size too small or too large is EINVAL. */
	info.cursor = 0;
	info.record_size = sizeof(f[0]) - 1;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_BUF_INFO, &info));
	info.record_size = 4097;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_BUF_INFO, &info));

	/* Records that cannot be written are EFAULT. */
	info.record_size = sizeof(f[0]);
	info.records = 8;
	ASSERT_EQ(EFAULT, call(self->fd, PAGECTL_BUF_INFO, &info));
}

/* BUF_INFO of @bfd's first NPAGES records, extents with @flags: 0 or an errno. */
static int info_sweep(int bfd, __u32 flags, void *records, struct pagectl_buf_info *info)
{
	*info = (struct pagectl_buf_info) {
		.size = sizeof(*info),
		.flags = flags,
		.records = uaddr(records),
		.record_size = flags ? sizeof(struct pagectl_extent) :
				       sizeof(struct pagectl_frame),
		.max_records = NPAGES,
	};
	return call(bfd, PAGECTL_BUF_INFO, info);
}

TEST_F(buf, info_allocates_nothing)
{
	struct pagectl_frame f[NPAGES], want_f[NPAGES];
	struct pagectl_extent x[NPAGES], want_x[NPAGES];
	struct pagectl_buf_info info;
	struct leftovers before;
	struct fail_sweep s;
	unsigned int i;

	/* The answers; and no page of the records faults in during the sweeps. */
	memset(want_f, 0, sizeof(want_f));
	memset(want_x, 0, sizeof(want_x));
	ASSERT_EQ(0, info_sweep(self->fd, 0, want_f, &info));
	ASSERT_EQ(0, info_sweep(self->fd, PAGECTL_DESCRIBE_EXTENTS, want_x, &info));
	memcpy(f, want_f, sizeof(f));
	memcpy(x, want_x, sizeof(x));
	ASSERT_EQ(0, leftovers(self->dev, &before));

	/*
	 * BUF_INFO reads the buffer's pages in place and writes each record
	 * straight out: it allocates nothing, so the first call of each sweep
	 * gets through without reaching the failure it was given.
	 */
	FAIL_SWEEP(&s, info_sweep(self->fd, 0, f, &info)) {
		ASSERT_EQ(0, s.ret);
		ASSERT_EQ(NPAGES, info.nr_records);
		for (i = 0; i < NPAGES; i++)
			ASSERT_EQ(want_f[i].pfn, f[i].pfn);
	}
	ASSERT_EQ(1, s.nth);
	ASSERT_EQ(0, s.injected);
	ASSERT_NO_LEFTOVERS(self->dev, &before);

	/* And for extents. */
	FAIL_SWEEP(&s, info_sweep(self->fd, PAGECTL_DESCRIBE_EXTENTS, x, &info)) {
		ASSERT_EQ(0, s.ret);
		ASSERT_EQ(0, memcmp(want_x, x, info.nr_records * sizeof(x[0])));
	}
	ASSERT_EQ(1, s.nth);
	ASSERT_EQ(0, s.injected);
	ASSERT_NO_LEFTOVERS(self->dev, &before);
}

TEST_F(buf, fill_bad_ranges)
{
	/* Length 0, misaligned offset or length, past the end: EINVAL. */
	ASSERT_EQ(EINVAL, buf_fill(self->fd, 0, 0, 1, 0));
	ASSERT_EQ(EINVAL, buf_fill(self->fd, 4, 8, 1, 0));
	ASSERT_EQ(EINVAL, buf_fill(self->fd, 0, 12, 1, 0));
	ASSERT_EQ(EINVAL, buf_fill(self->fd, LEN - 8, 16, 1, 0));
	ASSERT_EQ(EINVAL, buf_fill(self->fd, LEN, 8, 1, 0));
	/* A range that wraps: EOVERFLOW. */
	ASSERT_EQ(EOVERFLOW, buf_fill(self->fd, 8, (__u64)-8, 1, 0));
	/* Nothing was written. */
	ASSERT_TRUE(all_zero(self->map, LEN));
}

TEST_F(buf, odirect_through_mapping)
{
	const char *dir = getenv("PAGECTL_EXT4_DIR");
	char path[PATH_MAX];
	struct statfs sf;
	__u64 word;
	ssize_t n;
	int file;

	if (!dir || statfs(dir, &sf) || sf.f_type != EXT4_SUPER_MAGIC)
		SKIP(return, "PAGECTL_EXT4_DIR (a mounted ext4 directory) not set");
	snprintf(path, sizeof(path), "%s/buf_test.XXXXXX", dir);
	file = mkostemp(path, O_CLOEXEC | O_DIRECT);
	ASSERT_LE(0, file);
	unlink(path);

	/* O_DIRECT write from the mapping: the device reads buffer pages. */
	ASSERT_EQ(0, buf_fill(self->fd, 0, LEN, 1000, PAGECTL_FILL_INDEX));
	n = pwrite(file, self->map, LEN / 2, 0);
	if (variant->kind & PAGECTL_BUF_CONTIG) {
		/* GUP refuses VM_IO | VM_PFNMAP: no struct pages to lend. */
		ASSERT_EQ(-1, n);
		ASSERT_EQ(EFAULT, errno);
		close(file);
		return;
	}
	ASSERT_EQ(LEN / 2, n);

	/* O_DIRECT read into the other half: the device writes buffer pages. */
	n = pread(file, self->map + LEN / 16, LEN / 2, 0);
	ASSERT_EQ(LEN / 2, n);
	for (__u64 i = 0; i < LEN / 16; i++)
		ASSERT_EQ(1000 + i, self->map[LEN / 16 + i]);

	/* And the kernel's view of the buffer agrees. */
	ASSERT_EQ(8, pread(self->fd, &word, 8, LEN / 2 + 8 * 5));
	ASSERT_EQ(1005, word);
	close(file);
}

TEST_F(buf, numa_node_one)
{
	struct pagectl_frame f[NPAGES];
	struct pagectl_buf_create c;
	struct pagectl_buf_info info;
	void *pages[NPAGES];
	int status[NPAGES];
	__u64 *map;
	int i;

	if (numa_available() < 0 || numa_max_node() < 1)
		SKIP(return, "needs two NUMA nodes");

	/* A buffer asked for on node 1 is on node 1, with the caller anywhere. */
	ASSERT_EQ(0, buf_create(self->dev, LEN, variant->kind, 1, &c));
	ASSERT_EQ(0, buf_info(c.fd, &info));
	ASSERT_EQ(1, info.node);
	ASSERT_EQ(NPAGES, buf_frames(c.fd, f, NPAGES));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ(1, f[i].nid);

	/* libnuma agrees for the pages it can see (not PFN mappings). */
	map = buf_map(c.fd, LEN, RW, 0);
	ASSERT_NE(NULL, map);
	if (!(variant->kind & PAGECTL_BUF_CONTIG)) {
		for (i = 0; i < NPAGES; i++)
			pages[i] = (__u8 *)map + i * PAGE_SZ;
		ASSERT_EQ(0, numa_move_pages(0, NPAGES, pages, NULL, status, 0));
		for (i = 0; i < NPAGES; i++)
			ASSERT_EQ(1, status[i]);
	}
	ASSERT_EQ(0, munmap(map, LEN));

	/* And node 0 is node 0. */
	ASSERT_EQ(0, close(c.fd));
	ASSERT_EQ(0, buf_create(self->dev, LEN, variant->kind, 0, &c));
	ASSERT_EQ(NPAGES, buf_frames(c.fd, f, NPAGES));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ(0, f[i].nid);
	ASSERT_EQ(0, close(c.fd));
}

TEST_F(buf, passed_over_unix_socket)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'b';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int sv[2];
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct pagectl_buf_info info;
		int fd;
		__u64 *map;
		char b;

		/* The receiver maps the buffer it was sent and sees its contents. */
		if (recvmsg(sv[1], &msg, 0) != 1)
			_exit(1);
		cm = CMSG_FIRSTHDR(&msg);
		if (!cm || cm->cmsg_type != SCM_RIGHTS)
			_exit(2);
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		if (buf_info(fd, &info) || info.length != LEN)
			_exit(3);
		map = buf_map(fd, LEN, RW, 0);
		if (!map || map[7] != PATTERN)
			_exit(4);
		map[8] = PATTERN + 1;
		b = 'd';
		_exit(write(sv[1], &b, 1) == 1 ? 0 : 5);
	}

	/* The sender fills the buffer, sends the fd, and sees the reply. */
	ASSERT_EQ(0, buf_fill(self->fd, 0, LEN, PATTERN, 0));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &self->fd, sizeof(int));
	ASSERT_EQ(1, sendmsg(sv[0], &msg, 0));
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_EQ(PATTERN + 1, self->map[8]);
	close(sv[0]);
	close(sv[1]);
}

TEST_F(buf, pin_of_mapping)
{
	struct pagectl_pin p;
	int ret;

	/* PIN needs struct pages: page buffers have them, PFN maps do not. */
	ret = pin(self->dev, uaddr(self->map), LEN, 0, &p);
	if (variant->kind & PAGECTL_BUF_CONTIG) {
		ASSERT_EQ(EFAULT, ret);
	} else {
		ASSERT_EQ(0, ret);
		ASSERT_EQ(NPAGES, p.npages);
		ASSERT_EQ(0, unpin(self->dev, p.handle, 0));
	}
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(buf, listed_in_debugfs_and_fdinfo)
{
	struct pagectl_buf_info info;
	char path[64], text[4096], line[128];

	ASSERT_EQ(0, buf_info(self->fd, &info));

	/* fdinfo names the buffer. */
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", self->fd);
	ASSERT_EQ(0, read_file(path, text, sizeof(text)));
	snprintf(line, sizeof(line), "pagectl-buf-id:\t%llu\n",
		 (unsigned long long)info.id);
	ASSERT_NE(NULL, strstr(text, line));
	ASSERT_NE(NULL, strstr(text, "pagectl-buf-mappings:\t1\n"));

	/* debugfs lists owner, size, node, kind and mappings. */
	if (read_file("/sys/kernel/debug/pagectl/bufs", text, sizeof(text)))
		SKIP(return, "no debugfs");
	snprintf(line, sizeof(line), "%llu\t%d\t%lu\t%u\t%s\trw\t1\n",
		 (unsigned long long)info.id, getpid(), LEN, info.node,
		 variant->kind & PAGECTL_BUF_CONTIG ? "contig" : "pages");
	ASSERT_NE(NULL, strstr(text, line)) {
		TH_LOG("want %s in\n%s", line, text);
	}
}

TEST_HARNESS_MAIN
