// SPDX-License-Identifier: GPL-2.0-only
/*
 * WALK_RANGE: one record per non-empty entry, in address order, resumable,
 * huge leaves once, empty levels and holes skipped, and every bad argument.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "walk_util.h"

#define NPAGES	64
#define MAXREC	1024

FIXTURE(range) {
	int fd;
	int swap;
	struct pagectl_walk_rec *recs;
};

FIXTURE_SETUP(range)
{
	char why[128];

	self->swap = -1;
	self->fd = device_open(PAGECTL_FEATURE_WALK, NULL, why, sizeof(why));
	if (self->fd < 0)
		SETUP_SKIP("%s", why);
	self->recs = calloc(MAXREC, REC_SZ);
	ASSERT_NE(NULL, self->recs);
}

FIXTURE_TEARDOWN(range)
{
	free(self->recs);
	if (self->fd >= 0)
		close(self->fd);
	if (self->swap >= 0)
		swap_off(self->swap);
}

/* NPAGES pages with every even page written. */
static __u8 *map_sparse(void)
{
	__u8 *buf = map_small(NPAGES * PAGE_SZ);
	int i;

	if (buf)
		for (i = 0; i < NPAGES; i += 2)
			buf[i * PAGE_SZ] = (__u8)i;
	return buf;
}

TEST_F(range, one_record_per_present_page)
{
	struct pagectl_walk_range wr;
	__u8 *buf = map_sparse();
	int i;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, walk_range(self->fd, uaddr(buf), uaddr(buf) + NPAGES * PAGE_SZ, 0,
				self->recs, MAXREC, &wr));
	ASSERT_EQ(NPAGES / 2, wr.nr_records);
	ASSERT_EQ(uaddr(buf) + NPAGES * PAGE_SZ, wr.next);
	ASSERT_EQ(PAGECTL_OUT_PFNS, wr.out_flags);
	for (i = 0; i < NPAGES / 2; i++) {
		struct pagectl_walk_rec *r = &self->recs[i];

		ASSERT_EQ(uaddr(buf) + 2 * i * PAGE_SZ, r->addr);
		ASSERT_EQ(PAGECTL_ENTRY_LEAF, r->kind);
		ASSERT_EQ(PAGECTL_LEVEL_PTE, r->level);
		ASSERT_EQ(12, r->shift);
		ASSERT_EQ(pagemap_pfn(buf + 2 * i * PAGE_SZ), r->pfn);
		ASSERT_EQ(PAGECTL_PTE_PRESENT | PAGECTL_PTE_WRITE | PAGECTL_PTE_DIRTY,
			  r->bits & (PAGECTL_PTE_PRESENT | PAGECTL_PTE_WRITE | PAGECTL_PTE_DIRTY));
		/* No page state unless asked for: the walk touched no struct page. */
		ASSERT_EQ(0, r->page_flags);
		ASSERT_EQ(0, r->nid);
	}

	/* With PAGE_STATE: what the page is, and where. */
	ASSERT_EQ(0, walk_range(self->fd, uaddr(buf), uaddr(buf) + NPAGES * PAGE_SZ,
				PAGECTL_WALK_PAGE_STATE, self->recs, MAXREC, &wr));
	ASSERT_EQ(NPAGES / 2, wr.nr_records);
	for (i = 0; i < NPAGES / 2; i++) {
		ASSERT_EQ(PAGECTL_PAGE_VALID | PAGECTL_PAGE_ANON | PAGECTL_PAGE_ANON_EXCLUSIVE,
			  self->recs[i].page_flags & (PAGECTL_PAGE_VALID | PAGECTL_PAGE_ANON |
						     PAGECTL_PAGE_ANON_EXCLUSIVE));
		ASSERT_EQ(page_node(buf + 2 * i * PAGE_SZ), (int)self->recs[i].nid);
	}
	munmap(buf, NPAGES * PAGE_SZ);
}

TEST_F(range, resumes_where_it_stopped)
{
	struct pagectl_walk_rec *all = calloc(MAXREC, REC_SZ);
	__u64 start, end;
	__u8 *buf = map_sparse();
	long n;
	int i;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, all);
	start = uaddr(buf);
	end = start + NPAGES * PAGE_SZ;
	ASSERT_EQ(NPAGES / 2, walk_all(self->fd, start, end, 0, all, MAXREC, MAXREC));

	/* Five records at a time: the same records, none twice, none lost. */
	n = walk_all(self->fd, start, end, 0, self->recs, MAXREC, 5);
	ASSERT_EQ(NPAGES / 2, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(all[i].addr, self->recs[i].addr);
		ASSERT_EQ(all[i].pfn, self->recs[i].pfn);
	}

	/* One record: next is just past it. */
	{
		struct pagectl_walk_range wr;

		ASSERT_EQ(0, walk_range(self->fd, start + PAGE_SZ, end, 0, self->recs, 1, &wr));
		ASSERT_EQ(1, wr.nr_records);
		ASSERT_EQ(start + 2 * PAGE_SZ, self->recs[0].addr);
		ASSERT_EQ(start + 3 * PAGE_SZ, wr.next);
	}
	free(all);
	munmap(buf, NPAGES * PAGE_SZ);
}

TEST_F(range, huge_leaf_is_one_record_from_its_start)
{
	struct pagectl_walk_range wr;
	__u8 *buf;

	buf = map_thp(2 * HPAGE_SZ);
	ASSERT_NE(NULL, buf);
	if (!is_thp(buf) || !is_thp(buf + HPAGE_SZ))
		SKIP(return, "no transparent huge pages here");

	/* Starting in the middle of the first: it is reported from its first byte. */
	ASSERT_EQ(0, walk_range(self->fd, uaddr(buf) + HPAGE_SZ / 2, uaddr(buf) + 2 * HPAGE_SZ,
				PAGECTL_WALK_PAGE_STATE, self->recs, MAXREC, &wr));
	ASSERT_EQ(2, wr.nr_records);
	ASSERT_EQ(uaddr(buf) + 2 * HPAGE_SZ, wr.next);
	ASSERT_EQ(uaddr(buf), self->recs[0].addr);
	ASSERT_EQ(uaddr(buf) + HPAGE_SZ, self->recs[1].addr);
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(PAGECTL_LEVEL_PMD, self->recs[i].level);
		ASSERT_EQ(21, self->recs[i].shift);
		ASSERT_EQ(PAGECTL_PTE_HUGE, self->recs[i].bits & PAGECTL_PTE_HUGE);
		ASSERT_EQ(PAGECTL_PAGE_THP, self->recs[i].page_flags & PAGECTL_PAGE_THP);
		ASSERT_EQ(pagemap_pfn(buf + i * HPAGE_SZ), self->recs[i].pfn);
	}

	/* A range that ends inside a huge page: next stops at the end asked for. */
	ASSERT_EQ(0, walk_range(self->fd, uaddr(buf), uaddr(buf) + PAGE_SZ, 0,
				self->recs, MAXREC, &wr));
	ASSERT_EQ(1, wr.nr_records);
	ASSERT_EQ(uaddr(buf) + PAGE_SZ, wr.next);
	munmap(buf, 2 * HPAGE_SZ);
}

TEST_F(range, zero_page_and_swap_entries_have_their_kinds)
{
	struct pagectl_walk_range wr;
	__u8 *buf;
	char why[128];
	__u64 pm;
	__u8 c;

	buf = map_small(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	c = read_byte(buf);	/* zero page */
	buf[PAGE_SZ] = c + 1;	/* own page */
	self->swap = swap_on_zram(why, sizeof(why));
	if (self->swap >= 0)
		ASSERT_TRUE(page_out(buf + PAGE_SZ, PAGE_SZ));

	ASSERT_EQ(0, walk_range(self->fd, uaddr(buf), uaddr(buf) + 4 * PAGE_SZ,
				PAGECTL_WALK_PAGE_STATE, self->recs, MAXREC, &wr));
	ASSERT_EQ(2, wr.nr_records);
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, self->recs[0].kind);
	ASSERT_EQ(PAGECTL_PTE_SPECIAL, self->recs[0].bits & PAGECTL_PTE_SPECIAL);
	ASSERT_EQ(PAGECTL_PAGE_ZERO, self->recs[0].page_flags & PAGECTL_PAGE_ZERO);
	if (self->swap < 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(PAGECTL_ENTRY_SWAP, self->recs[1].kind);
	ASSERT_EQ(0, self->recs[1].page_flags);
	pm = proc_u64("/proc/self/pagemap", uaddr(buf + PAGE_SZ) / PAGE_SZ);
	/* A swap record carries the swap offset where others carry the frame. */
	ASSERT_EQ(pm & 0x1f, self->recs[1].swap_type);
	ASSERT_EQ((pm >> 5) & ((1ULL << 50) - 1), self->recs[1].pfn);
	munmap(buf, 4 * PAGE_SZ);
}

TEST_F(range, empty_gigabyte_in_one_call)
{
	struct pagectl_walk_range wr;
	__u8 *buf;

	buf = map_aligned(1UL << 30, 1UL << 30, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, madvise(buf, 1UL << 30, MADV_NOHUGEPAGE));
	buf[(1UL << 30) - 1] = 1;	/* one base page at the very end */
	ASSERT_EQ(0, walk_range(self->fd, uaddr(buf), uaddr(buf) + (1UL << 30), 0,
				self->recs, MAXREC, &wr));
	ASSERT_EQ(1, wr.nr_records);
	ASSERT_EQ(uaddr(buf) + (1UL << 30) - PAGE_SZ, self->recs[0].addr);
	ASSERT_EQ(uaddr(buf) + (1UL << 30), wr.next);
	munmap(buf, 1UL << 30);
}

TEST_F(range, holes_and_vma_boundaries)
{
	struct pagectl_walk_range wr;
	__u8 *buf;
	int i;

	/* Five pages, all written; the second unmapped, the fourth read-only. */
	buf = map_small(5 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < 5; i++)
		buf[i * PAGE_SZ] = 1;
	ASSERT_EQ(0, munmap(buf + PAGE_SZ, PAGE_SZ));
	ASSERT_EQ(0, mprotect(buf + 3 * PAGE_SZ, PAGE_SZ, PROT_READ));

	ASSERT_EQ(0, walk_range(self->fd, uaddr(buf), uaddr(buf) + 5 * PAGE_SZ, 0,
				self->recs, MAXREC, &wr));
	ASSERT_EQ(4, wr.nr_records);
	ASSERT_EQ(uaddr(buf), self->recs[0].addr);
	ASSERT_EQ(uaddr(buf) + 2 * PAGE_SZ, self->recs[1].addr);
	ASSERT_EQ(uaddr(buf) + 3 * PAGE_SZ, self->recs[2].addr);
	ASSERT_EQ(uaddr(buf) + 4 * PAGE_SZ, self->recs[3].addr);
	ASSERT_EQ(PAGECTL_PTE_WRITE, self->recs[1].bits & PAGECTL_PTE_WRITE);
	ASSERT_EQ(0, self->recs[2].bits & PAGECTL_PTE_WRITE);
	ASSERT_EQ(PAGECTL_PTE_WRITE, self->recs[3].bits & PAGECTL_PTE_WRITE);

	/* A range entirely in the hole: nothing, done in one call. */
	ASSERT_EQ(0, walk_range(self->fd, uaddr(buf) + PAGE_SZ, uaddr(buf) + 2 * PAGE_SZ, 0,
				self->recs, MAXREC, &wr));
	ASSERT_EQ(0, wr.nr_records);
	ASSERT_EQ(uaddr(buf) + 2 * PAGE_SZ, wr.next);
	munmap(buf, 5 * PAGE_SZ);
}

TEST_F(range, unaligned_bounds_are_rounded)
{
	struct pagectl_walk_range wr;
	__u8 *buf = map_sparse();

	ASSERT_NE(NULL, buf);
	/* [page 2 + 1, page 4 + 1) covers pages 2, 3 and 4. */
	ASSERT_EQ(0, walk_range(self->fd, uaddr(buf) + 2 * PAGE_SZ + 1,
				uaddr(buf) + 4 * PAGE_SZ + 1, 0, self->recs, MAXREC, &wr));
	ASSERT_EQ(2, wr.nr_records);
	ASSERT_EQ(uaddr(buf) + 2 * PAGE_SZ, self->recs[0].addr);
	ASSERT_EQ(uaddr(buf) + 4 * PAGE_SZ, self->recs[1].addr);
	ASSERT_EQ(uaddr(buf) + 5 * PAGE_SZ, wr.next);
	munmap(buf, NPAGES * PAGE_SZ);
}

TEST_F(range, larger_record_size_gets_zeroed_tail)
{
	struct pagectl_walk_range wr;
	__u8 *out, *buf = map_sparse();
	const __u32 rsz = REC_SZ + 24;
	unsigned int i;

	ASSERT_NE(NULL, buf);
	out = malloc(4 * rsz);
	ASSERT_NE(NULL, out);
	memset(out, 0xff, 4 * rsz);
	memset(&wr, 0, sizeof(wr));
	wr.size = sizeof(wr);
	wr.start = uaddr(buf);
	wr.end = uaddr(buf) + 4 * PAGE_SZ;
	wr.records = uaddr(out);
	wr.record_size = rsz;
	wr.max_records = 4;
	ASSERT_EQ(0, call(self->fd, PAGECTL_WALK_RANGE, &wr));
	ASSERT_EQ(2, wr.nr_records);
	for (i = 0; i < 2; i++) {
		struct pagectl_walk_rec r;

		memcpy(&r, out + i * rsz, sizeof(r));
		ASSERT_EQ(uaddr(buf) + 2 * i * PAGE_SZ, r.addr);
		ASSERT_TRUE(all_zero((__u64 *)(out + i * rsz + REC_SZ), rsz - REC_SZ));
	}
	/* Beyond the records written, nothing was touched. */
	ASSERT_EQ(0xff, out[2 * rsz]);
	free(out);
	munmap(buf, NPAGES * PAGE_SZ);
}

TEST_F(range, bad_arguments)
{
	__u64 top = user_top(self->fd);
	struct pagectl_walk_range wr;
	__u8 *buf = map_sparse(), *ro;
	__u64 s, e;

	ASSERT_NE(NULL, buf);
	s = uaddr(buf);
	e = s + NPAGES * PAGE_SZ;

	/* No room, a record size the kernel cannot fill or will not accept. */
	ASSERT_EQ(EINVAL, walk_range(self->fd, s, e, 0, self->recs, 0, &wr));
	wr.record_size = REC_SZ - 1;
	wr.max_records = 4;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_WALK_RANGE, &wr));
	wr.record_size = 4097;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_WALK_RANGE, &wr));

	/* An empty or backwards range. */
	ASSERT_EQ(EINVAL, walk_range(self->fd, s, s, 0, self->recs, 4, &wr));
	ASSERT_EQ(EINVAL, walk_range(self->fd, e, s, 0, self->recs, 4, &wr));

	/* Beyond the user address space, or reaching into it. */
	ASSERT_EQ(EFAULT, walk_range(self->fd, top, top + PAGE_SZ, 0, self->recs, 4, &wr));
	ASSERT_EQ(EFAULT, walk_range(self->fd, s, top + PAGE_SZ, 0, self->recs, 4, &wr));
	ASSERT_EQ(EFAULT, walk_range(self->fd, 0xffff888000000000ULL, 0xffff888000100000ULL, 0,
				     self->recs, 4, &wr));
	ASSERT_EQ(EFAULT, walk_range(self->fd, s, ~0ULL, 0, self->recs, 4, &wr));

	/* Records that cannot be written. */
	ASSERT_EQ(EFAULT, walk_range(self->fd, s, e, 0, NULL, 4, &wr));
	ro = mmap(NULL, PAGE_SZ, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(EFAULT, walk_range(self->fd, s, e, 0, (void *)ro, 4, &wr));

	/* The pid rules of WALK. */
	ASSERT_EQ(EINVAL, walk_range(self->fd, s, e, PAGECTL_WALK_PID, self->recs, 4, &wr));
	memset(&wr, 0, sizeof(wr));
	wr.size = sizeof(wr);
	wr.start = s;
	wr.end = e;
	wr.records = uaddr(self->recs);
	wr.record_size = REC_SZ;
	wr.max_records = 4;
	wr.pid = getpid();
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_WALK_RANGE, &wr));
	munmap(ro, PAGE_SZ);
	munmap(buf, NPAGES * PAGE_SZ);
}

TEST_F(range, another_process_by_fd_and_by_pid)
{
	struct pagectl_walk_range wr;
	struct target t;

	ASSERT_EQ(0, target_start(&t));

	/* Through the target's own descriptor. */
	ASSERT_EQ(0, walk_range(t.fd, t.addr, t.addr + PAGE_SZ, PAGECTL_WALK_PAGE_STATE,
				self->recs, MAXREC, &wr));
	ASSERT_EQ(1, wr.nr_records);
	ASSERT_EQ(t.pfn, self->recs[0].pfn);
	ASSERT_EQ(PAGECTL_PAGE_ANON, self->recs[0].page_flags & PAGECTL_PAGE_ANON);

	/* By pid. */
	memset(&wr, 0, sizeof(wr));
	wr.size = sizeof(wr);
	wr.flags = PAGECTL_WALK_PID;
	wr.pid = t.pid;
	wr.start = t.addr;
	wr.end = t.addr + PAGE_SZ;
	wr.records = uaddr(self->recs);
	wr.record_size = REC_SZ;
	wr.max_records = MAXREC;
	ASSERT_EQ(0, call(self->fd, PAGECTL_WALK_RANGE, &wr));
	ASSERT_EQ(1, wr.nr_records);
	ASSERT_EQ(t.pfn, self->recs[0].pfn);

	target_stop(&t);
	ASSERT_EQ(ESRCH, call(self->fd, PAGECTL_WALK_RANGE, &wr));
	ASSERT_EQ(ESRCH, walk_range(t.fd, t.addr, t.addr + PAGE_SZ, 0, self->recs, 1, &wr));
	close(t.fd);
}

TEST_F(range, allocation_failures_are_enomem)
{
	struct fail_sweep s;
	struct pagectl_walk_range wr;
	__u8 *buf = map_sparse();

	ASSERT_NE(NULL, buf);

	/* Fail each allocation of WALK_RANGE in turn: ENOMEM, or a complete walk. */
	FAIL_SWEEP(&s, walk_range(self->fd, uaddr(buf), uaddr(buf) + NPAGES * PAGE_SZ, 0,
				  self->recs, MAXREC, &wr)) {
		if (!s.ret) {
			ASSERT_EQ(NPAGES / 2, wr.nr_records);
			continue;
		}
		ASSERT_EQ(ENOMEM, s.ret) {
			TH_LOG("allocation %d", s.nth);
		}
	}
	TH_LOG("%d allocation failures injected into WALK_RANGE", s.injected);
	ASSERT_LT(0, s.injected);
	munmap(buf, NPAGES * PAGE_SZ);
}

TEST_HARNESS_MAIN
