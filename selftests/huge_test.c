// SPDX-License-Identifier: GPL-2.0-only
/*
 * HUGE_MAP: each answer a 2 MiB slot can get, made by the action that
 * causes it, and every bad argument.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"

#define SLOT_PAGES	(HPAGE_SZ / PAGE_SZ)
#define MTHP_64K	"/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled"
#define MTHP_2M		"/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled"

/* The slots of [@start, @end) of process @pid (0: the caller); the count or -errno. */
static int huge_map(int fd, __u64 start, __u64 end, pid_t pid,
		    struct pagectl_huge_slot *slots, __u32 max)
{
	struct pagectl_huge_map hm = {
		.size = sizeof(hm),
		.flags = pid ? PAGECTL_WALK_PID : 0,
		.start = start,
		.end = end,
		.records = (uintptr_t)slots,
		.record_size = sizeof(*slots),
		.max_records = max,
		.pid = pid,
	};

	if (ioctl(fd, PAGECTL_HUGE_MAP, &hm))
		return -errno;
	return hm.nr_records;
}

/* The one slot at @addr, which must be 2 MiB aligned. */
static int slot_at(int fd, void *addr, struct pagectl_huge_slot *s)
{
	int n = huge_map(fd, uaddr(addr), uaddr(addr) + HPAGE_SZ, 0, s, 1);

	return n == 1 && s->addr == uaddr(addr) ? 0 : (n < 0 ? n : -ENODATA);
}

/* @len bytes of untouched private anonymous memory at a 2 MiB boundary. */
static void *map_aligned(size_t len)
{
	__u8 *p, *buf;

	p = mmap(NULL, len + HPAGE_SZ, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	buf = (__u8 *)((uaddr(p) + HPAGE_SZ - 1) & ~(HPAGE_SZ - 1));
	if (buf != p)
		munmap(p, buf - p);
	munmap(buf + len, p + HPAGE_SZ - buf);
	return buf;
}

/* Touch @n pages of @p, one write each. */
static void touch(void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		memset((__u8 *)p + i * PAGE_SZ, 1, 1);
}

FIXTURE(huge) {
	int fd;
};

FIXTURE_SETUP(huge)
{
	struct pagectl_info info;
	char why[128];

	self->fd = device_open(PAGECTL_FEATURE_HUGE_MAP, &info, why, sizeof(why));
	if (self->fd < 0)
		SETUP_SKIP("%s", why);
}

FIXTURE_TEARDOWN(huge)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(huge, untouched_slot_is_empty)
{
	struct pagectl_huge_slot s;
	void *p = map_aligned(HPAGE_SZ);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_EQ(PAGECTL_HUGE_EMPTY, s.state);
	EXPECT_EQ(0, s.present);
	EXPECT_EQ(PAGECTL_BACKING_ANON, s.backing);
	EXPECT_EQ(0, s.reasons & ~PAGECTL_HUGE_ADVISED);
	EXPECT_EQ(1, s.nr_vmas);
	munmap(p, HPAGE_SZ);
}

TEST_F(huge, thp_is_one_pmd_leaf)
{
	struct pagectl_huge_slot s;
	void *p;

	if (access(THP_ENABLED, F_OK))
		SKIP(return, "no THP in this kernel");
	p = map_thp(HPAGE_SZ);
	ASSERT_NE(NULL, p);
	if (!is_thp(p))
		SKIP(munmap(p, HPAGE_SZ); return, "no THP could be allocated");
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_EQ(PAGECTL_HUGE_PMD, s.state);
	EXPECT_EQ(SLOT_PAGES, s.present);
	EXPECT_EQ(9, s.order);
	EXPECT_TRUE(s.reasons & PAGECTL_HUGE_ADVISED);
	EXPECT_EQ(0, s.reasons & PAGECTL_HUGE_NOHUGEPAGE);
	munmap(p, HPAGE_SZ);
}

TEST_F(huge, nohugepage_gives_small_pages_counted)
{
	struct pagectl_huge_slot s;
	void *p = map_aligned(HPAGE_SZ);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, HPAGE_SZ, MADV_NOHUGEPAGE));
	touch(p, 100);
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_EQ(PAGECTL_HUGE_SMALL, s.state);
	EXPECT_EQ(100, s.present);
	EXPECT_EQ(0, s.order);
	EXPECT_TRUE(s.reasons & PAGECTL_HUGE_NOHUGEPAGE);

	touch(p, SLOT_PAGES);
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_EQ(PAGECTL_HUGE_SMALL, s.state);
	EXPECT_EQ(SLOT_PAGES, s.present);
	munmap(p, HPAGE_SZ);
}

TEST_F(huge, short_vma_is_unaligned)
{
	struct pagectl_huge_slot s;
	__u8 *p = map_aligned(HPAGE_SZ);

	ASSERT_NE(NULL, p);
	/* Keep the first 1 MiB: the VMA no longer covers the slot. */
	ASSERT_EQ(0, munmap(p + HPAGE_SZ / 2, HPAGE_SZ / 2));
	touch(p, 4);
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_TRUE(s.reasons & PAGECTL_HUGE_UNALIGNED);
	EXPECT_EQ(PAGECTL_HUGE_SMALL, s.state);
	EXPECT_EQ(4, s.present);
	munmap(p, HPAGE_SZ / 2);
}

TEST_F(huge, split_vmas_are_counted)
{
	struct pagectl_huge_slot s;
	__u8 *p = map_aligned(HPAGE_SZ);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mprotect(p + HPAGE_SZ / 2, PAGE_SZ, PROT_READ));
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_EQ(3, s.nr_vmas);
	EXPECT_TRUE(s.reasons & PAGECTL_HUGE_UNALIGNED);
	munmap(p, HPAGE_SZ);
}

TEST_F(huge, userfaultfd_missing_mode)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct pagectl_huge_slot s;
	void *p = map_aligned(HPAGE_SZ);
	int uffd;

	ASSERT_NE(NULL, p);
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		SKIP(munmap(p, HPAGE_SZ); return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	reg.range.start = uaddr(p);
	reg.range.len = HPAGE_SZ;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_TRUE(s.reasons & PAGECTL_HUGE_UFFD);
	close(uffd);
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_EQ(0, s.reasons & PAGECTL_HUGE_UFFD);
	munmap(p, HPAGE_SZ);
}

TEST_F(huge, ramfs_file_has_no_large_folios)
{
	char dir[] = "/tmp/pagectl-ramfs-XXXXXX", path[64];
	struct pagectl_huge_slot s;
	__u8 *p, *q;
	int file;

	ASSERT_NE(NULL, mkdtemp(dir));
	if (mount("ramfs", dir, "ramfs", 0, NULL))
		SKIP(rmdir(dir); return, "mount ramfs: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	file = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ftruncate(file, 2 * HPAGE_SZ));
	/* A 2 MiB-aligned address for file offset 0. */
	q = map_aligned(2 * HPAGE_SZ);
	ASSERT_NE(NULL, q);
	p = mmap(q, 2 * HPAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, file, 0);
	ASSERT_EQ(q, p);
	touch(p, 8);
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_EQ(PAGECTL_BACKING_FILE, s.backing);
	EXPECT_TRUE(s.reasons & PAGECTL_HUGE_NO_LARGE_FOLIOS);
	EXPECT_EQ(0, s.reasons & PAGECTL_HUGE_UNALIGNED);
	EXPECT_EQ(8, s.present);
	EXPECT_EQ(PAGECTL_HUGE_SMALL, s.state);

	/* File offset 4 KiB at a 2 MiB-aligned address: never one huge page. */
	p = mmap(q, HPAGE_SZ, PROT_READ, MAP_SHARED | MAP_FIXED, file, PAGE_SZ);
	ASSERT_EQ(q, p);
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_TRUE(s.reasons & PAGECTL_HUGE_UNALIGNED);

	munmap(q, 2 * HPAGE_SZ);
	close(file);
	umount(dir);
	rmdir(dir);
}

TEST_F(huge, shmem_is_not_a_file_without_large_folios)
{
	struct pagectl_huge_slot s;
	char why[128];
	int file;
	void *p = map_memfd(HPAGE_SZ, &file, why, sizeof(why));

	if (!p)
		SKIP(return, "%s", why);
	ASSERT_EQ(1, huge_map(self->fd, uaddr(p), uaddr(p) + PAGE_SZ, 0, &s, 1));
	EXPECT_EQ(PAGECTL_BACKING_SHMEM, s.backing);
	EXPECT_EQ(0, s.reasons & PAGECTL_HUGE_NO_LARGE_FOLIOS);
	munmap(p, HPAGE_SZ);
	close(file);
}

TEST_F(huge, mthp_is_a_large_folio_mapped_by_ptes)
{
	char old64[128] = "", old2m[128] = "";
	struct pagectl_huge_slot s;
	void *p;

	if (access(MTHP_64K, F_OK))
		SKIP(return, "no 64 KiB mTHP in this kernel");
	ASSERT_EQ(0, read_file(MTHP_64K, old64, sizeof(old64)));
	ASSERT_EQ(0, read_file(MTHP_2M, old2m, sizeof(old2m)));
	ASSERT_EQ(0, write_file(MTHP_64K, "always"));
	ASSERT_EQ(0, write_file(MTHP_2M, "never"));
	p = map_aligned(HPAGE_SZ);
	ASSERT_NE(NULL, p);
	touch(p, SLOT_PAGES);
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	/* Put the settings back before asserting: "[always] madvise never". */
	write_file(MTHP_64K, strchr(old64, '[') ? strtok(strchr(old64, '[') + 1, "]") : "never");
	write_file(MTHP_2M, strchr(old2m, '[') ? strtok(strchr(old2m, '[') + 1, "]") : "never");
	EXPECT_EQ(PAGECTL_HUGE_LARGE, s.state);
	EXPECT_EQ(4, s.order);
	EXPECT_EQ(SLOT_PAGES, s.present);
	munmap(p, HPAGE_SZ);
}

TEST_F(huge, hugetlb_slot)
{
	struct pagectl_huge_slot s;
	long old_pool;
	char why[128];
	void *p = map_hugetlb(HPAGE_SZ, &old_pool, why, sizeof(why));

	if (!p)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_EQ(PAGECTL_HUGE_HUGETLB, s.state);
	EXPECT_EQ(PAGECTL_BACKING_HUGETLB, s.backing);
	EXPECT_EQ(9, s.order);
	EXPECT_EQ(SLOT_PAGES, s.present);
	munmap(p, HPAGE_SZ);
	if (old_pool >= 0)
		set_hugepages(old_pool);
}

TEST_F(huge, buffer_mapping_is_special)
{
	struct pagectl_buf_create c = {
		.size = sizeof(c), .flags = PAGECTL_BUF_CONTIG,
		.length = 16 * PAGE_SZ, .node = PAGECTL_NODE_LOCAL,
	};
	struct pagectl_huge_slot s;
	void *slot = map_aligned(HPAGE_SZ);
	void *p;

	/* Alone in its slot: the rest of it is untouched anonymous memory. */
	ASSERT_NE(NULL, slot);
	ASSERT_EQ(0, ioctl(self->fd, PAGECTL_BUF_CREATE, &c));
	p = mmap(slot, c.length, PROT_READ, MAP_SHARED | MAP_FIXED, c.fd, 0);
	ASSERT_EQ(slot, p);
	ASSERT_EQ(1, huge_map(self->fd, uaddr(p), uaddr(p) + c.length, 0, &s, 1));
	EXPECT_EQ(PAGECTL_BACKING_BUF, s.backing);
	EXPECT_TRUE(s.reasons & PAGECTL_HUGE_SPECIAL);
	/* Special PTEs: present, but no folio behind them. */
	EXPECT_EQ(16, s.present);
	EXPECT_EQ(PAGECTL_HUGE_SMALL, s.state);
	EXPECT_EQ(2, s.nr_vmas);
	munmap(slot, HPAGE_SZ);
	close(c.fd);
}

TEST_F(huge, holes_are_skipped_and_calls_resume)
{
	struct pagectl_huge_slot s[8];
	__u8 *p = map_aligned(5 * HPAGE_SZ);
	struct pagectl_huge_map hm = {
		.size = sizeof(hm), .records = (uintptr_t)s,
		.record_size = sizeof(s[0]), .max_records = 1,
	};
	int n;

	ASSERT_NE(NULL, p);
	/* Slots 0 and 4 mapped, 1 to 3 a hole. */
	ASSERT_EQ(0, munmap(p + HPAGE_SZ, 3 * HPAGE_SZ));
	n = huge_map(self->fd, uaddr(p), uaddr(p) + 5 * HPAGE_SZ, 0, s, 8);
	ASSERT_EQ(2, n);
	EXPECT_EQ(uaddr(p), s[0].addr);
	EXPECT_EQ(uaddr(p) + 4 * HPAGE_SZ, s[1].addr);

	/* One record a call: the next call starts where the last one ended. */
	hm.start = uaddr(p) + 1;
	hm.end = uaddr(p) + 5 * HPAGE_SZ - 1;
	ASSERT_EQ(0, ioctl(self->fd, PAGECTL_HUGE_MAP, &hm));
	ASSERT_EQ(1, hm.nr_records);
	EXPECT_EQ(uaddr(p), s[0].addr);
	EXPECT_EQ(uaddr(p) + HPAGE_SZ, hm.next);
	hm.start = hm.next;
	ASSERT_EQ(0, ioctl(self->fd, PAGECTL_HUGE_MAP, &hm));
	ASSERT_EQ(1, hm.nr_records);
	EXPECT_EQ(uaddr(p) + 4 * HPAGE_SZ, s[0].addr);
	EXPECT_EQ(uaddr(p) + 5 * HPAGE_SZ, hm.next);
	munmap(p, HPAGE_SZ);
	munmap(p + 4 * HPAGE_SZ, HPAGE_SZ);
}

TEST_F(huge, another_process_by_pid)
{
	struct pagectl_huge_slot s;
	int ready[2];
	pid_t child;
	void *p = map_aligned(HPAGE_SZ);
	char c;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, HPAGE_SZ, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, pipe(ready));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		touch(p, 7);
		write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(1, huge_map(self->fd, uaddr(p), uaddr(p) + HPAGE_SZ, child, &s, 1));
	EXPECT_EQ(7, s.present);
	EXPECT_TRUE(s.reasons & PAGECTL_HUGE_NOHUGEPAGE);
	/* The caller's own slot is still untouched. */
	ASSERT_EQ(0, slot_at(self->fd, p, &s));
	EXPECT_EQ(0, s.present);
	kill(child, SIGKILL);
	wait_signal(child);
	EXPECT_EQ(-ESRCH, huge_map(self->fd, uaddr(p), uaddr(p) + HPAGE_SZ, child, &s, 1));
	close(ready[0]);
	close(ready[1]);
	munmap(p, HPAGE_SZ);
}

#define SWEEP_SLOTS	4

/* HUGE_MAP of SWEEP_SLOTS slots at @p of @pid (0: the caller): 0 or an errno. */
static int huge_sweep(int fd, void *p, pid_t pid, struct pagectl_huge_slot *slots)
{
	int n = huge_map(fd, uaddr(p), uaddr(p) + SWEEP_SLOTS * HPAGE_SZ, pid, slots,
			 SWEEP_SLOTS);

	return n < 0 ? -n : (n == SWEEP_SLOTS ? 0 : ENODATA);
}

TEST_F(huge, allocation_failures_leave_nothing)
{
	struct pagectl_huge_slot got[SWEEP_SLOTS], want[2][SWEEP_SLOTS];
	void *p = map_aligned(SWEEP_SLOTS * HPAGE_SZ);
	struct leftovers before;
	struct fail_sweep s;
	int injected[2], ready[2], i;
	pid_t pid[2] = { 0 };
	char c;

	/* Skip before the child exists. */
	if (fail_sweep_begin(&s))
		SKIP(return, "%s", s.why);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, SWEEP_SLOTS * HPAGE_SZ, MADV_NOHUGEPAGE));
	touch(p, 3);
	ASSERT_EQ(0, pipe(ready));
	pid[1] = fork();
	ASSERT_LE(0, pid[1]);
	if (!pid[1]) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		touch(p, 7);
		write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	/* The answers; and no page of the records faults in during the sweep. */
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, huge_sweep(self->fd, p, pid[i], want[i]));
	ASSERT_EQ(0, huge_sweep(self->fd, p, 0, got));
	ASSERT_EQ(0, leftovers(self->fd, &before));

	/*
	 * Every allocation failure of HUGE_MAP, of the caller's range and of
	 * the child's: ENOMEM and nothing left, or the whole answer.
	 */
	for (i = 0; i < 2; i++) {
		FAIL_SWEEP(&s, huge_sweep(self->fd, p, pid[i], got)) {
			if (!s.ret) {
				ASSERT_EQ(0, memcmp(want[i], got, sizeof(got)));
				continue;
			}
			ASSERT_EQ(ENOMEM, s.ret) {
				TH_LOG("map %d, allocation %d", i, s.nth);
			}
			ASSERT_NO_LEFTOVERS(self->fd, &before);
		}
		ASSERT_TRUE(s.done);
		injected[i] = s.injected;
	}
	TH_LOG("%d and %d allocation failures injected into HUGE_MAP, and by pid",
	       injected[0], injected[1]);
	ASSERT_LT(0, injected[0]);
	ASSERT_LT(0, injected[1]);
	ASSERT_EQ(3, want[0][0].present);
	ASSERT_EQ(7, want[1][0].present);
	kill(pid[1], SIGKILL);
	wait_signal(pid[1]);
	close(ready[0]);
	close(ready[1]);
	munmap(p, SWEEP_SLOTS * HPAGE_SZ);
}

/* HUGE_MAP with @hm; 0 or the errno. */
static int hm_errno(int fd, struct pagectl_huge_map hm)
{
	return ioctl(fd, PAGECTL_HUGE_MAP, &hm) ? errno : 0;
}

TEST_F(huge, bad_arguments)
{
	struct pagectl_huge_slot s[2];
	void *p = map_aligned(HPAGE_SZ);
	struct pagectl_huge_map ok, hm;

	ASSERT_NE(NULL, p);
	ok = (struct pagectl_huge_map){
		.size = sizeof(ok), .start = uaddr(p), .end = uaddr(p) + HPAGE_SZ,
		.records = (uintptr_t)s, .record_size = sizeof(s[0]), .max_records = 2,
	};
	EXPECT_EQ(0, hm_errno(self->fd, ok));
	hm = ok;
	hm.max_records = 0;
	EXPECT_EQ(EINVAL, hm_errno(self->fd, hm));
	hm = ok;
	hm.record_size = sizeof(s[0]) - 1;
	EXPECT_EQ(EINVAL, hm_errno(self->fd, hm));
	hm = ok;
	hm.record_size = 4097;
	EXPECT_EQ(EINVAL, hm_errno(self->fd, hm));
	hm = ok;
	hm.end = uaddr(p) - 1;
	EXPECT_EQ(EINVAL, hm_errno(self->fd, hm));
	hm = ok;
	hm.end = uaddr(p);
	EXPECT_EQ(EINVAL, hm_errno(self->fd, hm));
	hm = ok;
	hm.pid = getpid();
	EXPECT_EQ(EINVAL, hm_errno(self->fd, hm));
	hm = ok;
	hm.flags = PAGECTL_WALK_PID;
	EXPECT_EQ(EINVAL, hm_errno(self->fd, hm));
	hm = ok;
	hm.start = 0xffff800000000000ULL;
	hm.end = hm.start + HPAGE_SZ;
	EXPECT_EQ(EFAULT, hm_errno(self->fd, hm));
	hm = ok;
	hm.records = 0;
	EXPECT_EQ(EFAULT, hm_errno(self->fd, hm));
	hm = ok;
	hm.flags = PAGECTL_WALK_PAGE_STATE;
	EXPECT_EQ(EOPNOTSUPP, hm_errno(self->fd, hm));
	munmap(p, HPAGE_SZ);
}

TEST_F(huge, unprivileged_pid_as_pagemap)
{
	struct pagectl_huge_slot s;
	pid_t child;
	int status;
	void *p = map_aligned(HPAGE_SZ);

	ASSERT_NE(NULL, p);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct user_proc own;
		int ret;

		/* The descriptor was opened by root; the caller is now nobody. */
		if (drop_to_nobody() || prctl(PR_SET_DUMPABLE, 1))
			_exit(2);
		/* Root's process is not nobody's to read, nor its pagemap. */
		if (huge_map(self->fd, uaddr(p), uaddr(p) + HPAGE_SZ, getppid(), &s, 1) !=
		    -EPERM)
			_exit(3);
		/* Another of nobody's own processes is. */
		if (user_proc_start(&own, 0, 0, 1, p))
			_exit(4);
		ret = huge_map(self->fd, uaddr(p), uaddr(p) + HPAGE_SZ, own.pid, &s, 1);
		if (user_proc_stop(&own))
			_exit(5);
		_exit(ret == 1 && s.present >= 1 ? 0 : 6);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	munmap(p, HPAGE_SZ);
}

TEST_HARNESS_MAIN
