// SPDX-License-Identifier: GPL-2.0-only
/*
 * WALK: what the page tables say about one address, in the situations people
 * ask about (demand paging, the zero page, copy-on-write, swap, protection
 * changes, huge pages, files, pins, soft-dirty), each checked against what
 * the walk reports and, where the kernel has one, against a second source
 * (/proc/self/pagemap, /proc/kpageflags, stat()).
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/pagectl.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "walk_util.h"

FIXTURE(walk) {
	int fd;
	long pool;
	int swap;
};

FIXTURE_SETUP(walk)
{
	char why[128];

	self->pool = -1;
	self->swap = -1;
	self->fd = device_open(PAGECTL_FEATURE_WALK, NULL, why, sizeof(why));
	if (self->fd < 0)
		SETUP_SKIP("%s", why);
}

FIXTURE_TEARDOWN(walk)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->pool >= 0)
		set_hugepages(self->pool);
	if (self->swap >= 0)
		swap_off(self->swap);
}

/* The levels above a small anonymous page: tables, with the P4D folded. */
static void check_upper_levels(struct __test_metadata *_metadata,
			       const struct pagectl_walk *w)
{
	const __u64 table = PAGECTL_PTE_PRESENT | PAGECTL_PTE_WRITE | PAGECTL_PTE_USER;
	int i;

	for (i = PAGECTL_LEVEL_PGD; i < (int)w->leaf_level; i++) {
		if (i == PAGECTL_LEVEL_P4D && w->level[i].kind == PAGECTL_ENTRY_FOLDED)
			continue;
		ASSERT_EQ(PAGECTL_ENTRY_TABLE, w->level[i].kind);
		ASSERT_EQ(table, w->level[i].bits & table);
		ASSERT_NE(0, w->level[i].raw);
		ASSERT_NE(0, w->level[i].pfn);
	}
	/* 4-level paging folds the P4D into the PGD; 5-level (LA57) has both. */
	if (w->level[PAGECTL_LEVEL_P4D].kind == PAGECTL_ENTRY_FOLDED) {
		ASSERT_EQ(39, w->level[PAGECTL_LEVEL_PGD].shift);
	} else {
		ASSERT_EQ(48, w->level[PAGECTL_LEVEL_PGD].shift);
		ASSERT_EQ(PAGECTL_ENTRY_TABLE, w->level[PAGECTL_LEVEL_P4D].kind);
	}
	ASSERT_EQ(39, w->level[PAGECTL_LEVEL_P4D].shift);
	ASSERT_EQ(30, w->level[PAGECTL_LEVEL_PUD].shift);
	ASSERT_EQ(21, w->level[PAGECTL_LEVEL_PMD].shift);
	ASSERT_EQ(12, w->level[PAGECTL_LEVEL_PTE].shift);
}

TEST_F(walk, untouched_anon_has_no_entry)
{
	struct pagectl_walk w;
	__u8 *buf;

	buf = map_small(16 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	/* Touch a neighbour so that the PTE table exists: the entry itself is empty. */
	buf[0] = 1;

	ASSERT_EQ(0, walk_addr(self->fd, buf + 8 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PTE, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_NONE, w.leaf_kind);
	ASSERT_EQ(PAGE_SZ, w.leaf_size);
	ASSERT_EQ(uaddr(buf + 8 * PAGE_SZ), w.leaf_addr);
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].raw);
	ASSERT_EQ(0, w.page.flags);
	ASSERT_EQ(0, w.pfn);
	check_upper_levels(_metadata, &w);

	/* The VMA is the mapping, private anonymous, readable and writable. */
	ASSERT_EQ(uaddr(buf), w.vma.start);
	ASSERT_EQ(uaddr(buf) + 16 * PAGE_SZ, w.vma.end);
	ASSERT_EQ(PAGECTL_BACKING_ANON, w.vma.backing);
	ASSERT_EQ(PAGECTL_PROT_READ | PAGECTL_PROT_WRITE, w.vma.prot);
	ASSERT_EQ(0, w.vma.flags & PAGECTL_VMA_SHARED);
	ASSERT_EQ(0, w.vma.ino);
	ASSERT_EQ(0, pagemap_pfn(buf + 8 * PAGE_SZ));
	munmap(buf, 16 * PAGE_SZ);
}

TEST_F(walk, untouched_region_ends_high)
{
	struct pagectl_walk w;
	__u8 *buf;

	/* Nothing in this gigabyte was ever touched: the walk ends above the PTEs. */
	buf = map_aligned(1UL << 30, 1UL << 30, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, walk_addr(self->fd, buf + 12345, &w));
	ASSERT_EQ(PAGECTL_ENTRY_NONE, w.leaf_kind);
	ASSERT_GT(PAGECTL_LEVEL_PTE, w.leaf_level);
	ASSERT_EQ(1ULL << w.level[w.leaf_level].shift, w.leaf_size);
	ASSERT_EQ(uaddr(buf + 12345) & ~(w.leaf_size - 1), w.leaf_addr);
	for (int i = w.leaf_level + 1; i < PAGECTL_NR_LEVELS; i++)
		ASSERT_EQ(PAGECTL_ENTRY_NOT_WALKED, w.level[i].kind);
	munmap(buf, 1UL << 30);
}

TEST_F(walk, read_maps_zero_page)
{
	struct pagectl_walk w;
	__u8 *buf;
	__u8 c;

	buf = map_small(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	c = read_byte(buf + PAGE_SZ);
	ASSERT_EQ(0, c);

	/* A read fault maps the shared zero page, read-only and special. */
	ASSERT_EQ(0, walk_addr(self->fd, buf + PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PTE, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGECTL_PTE_PRESENT, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_PRESENT);
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_WRITE);
	ASSERT_EQ(PAGECTL_PTE_SPECIAL, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_SPECIAL);
	ASSERT_EQ(PAGECTL_PAGE_VALID | PAGECTL_PAGE_ZERO,
		  w.page.flags & (PAGECTL_PAGE_VALID | PAGECTL_PAGE_ZERO | PAGECTL_PAGE_ANON));
	ASSERT_EQ(PAGECTL_OUT_PFNS, w.out_flags);
	ASSERT_EQ(pagemap_pfn(buf + PAGE_SZ), w.pfn);

	/* Every zero-page read maps the same frame. */
	c = read_byte(buf + 3 * PAGE_SZ);
	{
		struct pagectl_walk w2;

		ASSERT_EQ(0, walk_addr(self->fd, buf + 3 * PAGE_SZ, &w2));
		ASSERT_EQ(w.pfn, w2.pfn);
	}
	munmap(buf, 4 * PAGE_SZ);
}

TEST_F(walk, write_is_present_dirty_writable_exclusive)
{
	const __u64 want = PAGECTL_PTE_PRESENT | PAGECTL_PTE_WRITE | PAGECTL_PTE_USER |
			   PAGECTL_PTE_ACCESSED | PAGECTL_PTE_DIRTY;
	struct pagectl_walk w;
	__u8 *buf;

	buf = map_small(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[PAGE_SZ + 17] = 0x5a;

	ASSERT_EQ(0, walk_addr(self->fd, buf + PAGE_SZ + 17, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PTE, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGE_SZ, w.leaf_size);
	ASSERT_EQ(uaddr(buf + PAGE_SZ), w.leaf_addr);
	ASSERT_EQ(want, w.level[PAGECTL_LEVEL_PTE].bits & want);
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].bits &
		  (PAGECTL_PTE_HUGE | PAGECTL_PTE_SPECIAL | PAGECTL_PTE_PROTNONE));
	check_upper_levels(_metadata, &w);

	/* The page: anonymous, exclusive, mapped once, a base page on a real node. */
	ASSERT_EQ(PAGECTL_PAGE_VALID | PAGECTL_PAGE_ANON | PAGECTL_PAGE_ANON_EXCLUSIVE,
		  w.page.flags & (PAGECTL_PAGE_VALID | PAGECTL_PAGE_ANON |
				  PAGECTL_PAGE_ANON_EXCLUSIVE | PAGECTL_PAGE_ZERO |
				  PAGECTL_PAGE_FILE | PAGECTL_PAGE_SHMEM));
	ASSERT_EQ(0, w.page.flags & PAGECTL_PAGE_MAYBE_DMA_PINNED);
	ASSERT_EQ(1, w.page.mapcount);
	ASSERT_LE(1, w.page.refcount);
	ASSERT_GT(PIN_BIAS, w.page.refcount);
	ASSERT_EQ(0, w.page.order);
	ASSERT_EQ(page_node(buf + PAGE_SZ), (int)w.page.nid);
	ASSERT_NE(PAGECTL_ZONE_UNKNOWN, w.page.zone);

	/* The frame is the one pagemap reports, and the raw PTE carries it. */
	ASSERT_EQ(pagemap_pfn(buf + PAGE_SZ), w.pfn);
	ASSERT_EQ(w.pfn, w.level[PAGECTL_LEVEL_PTE].pfn);
	ASSERT_EQ(w.pfn, (w.level[PAGECTL_LEVEL_PTE].raw & 0x000ffffffffff000ULL) >> 12);
	munmap(buf, 4 * PAGE_SZ);
}

TEST_F(walk, fork_write_protects_both_until_one_writes)
{
	struct pagectl_walk before, parent, child;
	int go[2], ready[2];
	__u8 *buf;
	pid_t pid;
	char c;

	buf = map_small(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 1;
	ASSERT_EQ(0, walk_addr(self->fd, buf, &before));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The child only waits, then writes when told, then waits again. */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		buf[0] = 2;
		if (write(ready[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}

	/* Both sides map the same frame, read-only, and it is no longer exclusive. */
	ASSERT_EQ(0, walk_addr(self->fd, buf, &parent));
	ASSERT_EQ(0, walk_pid(self->fd, pid, buf, &child));
	ASSERT_EQ(before.pfn, parent.pfn);
	ASSERT_EQ(before.pfn, child.pfn);
	ASSERT_EQ(0, parent.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_WRITE);
	ASSERT_EQ(0, child.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_WRITE);
	ASSERT_EQ(0, parent.page.flags & PAGECTL_PAGE_ANON_EXCLUSIVE);
	ASSERT_EQ(2, parent.page.mapcount);
	/* The VMA still allows writing: the fault will copy. */
	ASSERT_EQ(PAGECTL_PROT_READ | PAGECTL_PROT_WRITE, parent.vma.prot);

	/* The child writes: it gets its own frame, the parent keeps the old one. */
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(0, walk_pid(self->fd, pid, buf, &child));
	ASSERT_EQ(0, walk_addr(self->fd, buf, &parent));
	ASSERT_NE(before.pfn, child.pfn);
	ASSERT_EQ(PAGECTL_PTE_WRITE | PAGECTL_PTE_DIRTY,
		  child.level[PAGECTL_LEVEL_PTE].bits & (PAGECTL_PTE_WRITE | PAGECTL_PTE_DIRTY));
	ASSERT_EQ(PAGECTL_PAGE_ANON_EXCLUSIVE, child.page.flags & PAGECTL_PAGE_ANON_EXCLUSIVE);
	ASSERT_EQ(1, child.page.mapcount);
	ASSERT_EQ(before.pfn, parent.pfn);
	ASSERT_EQ(1, parent.page.mapcount);
	/*
	 * Still write-protected: the parent's next write makes it writable and
	 * exclusive again. The kernel reuses the page when it can prove it is
	 * the parent's alone; a passing reference (another CPU's LRU batch)
	 * makes it copy instead, as seen now and then on 7.3.
	 */
	ASSERT_EQ(0, parent.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_WRITE);
	buf[0] = 3;
	ASSERT_EQ(0, walk_addr(self->fd, buf, &parent));
	if (parent.pfn != before.pfn)
		TH_LOG("the parent's write copied the page rather than reusing it");
	ASSERT_EQ(PAGECTL_PTE_WRITE, parent.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_WRITE);
	ASSERT_EQ(PAGECTL_PAGE_ANON_EXCLUSIVE, parent.page.flags & PAGECTL_PAGE_ANON_EXCLUSIVE);

	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(0, wait_exit(pid));
	munmap(buf, PAGE_SZ);
}

TEST_F(walk, pageout_gives_swap_entry_and_touch_brings_it_back)
{
	const size_t len = 8 * PAGE_SZ;
	struct pagectl_walk w;
	char why[128];
	__u64 pm;
	__u8 *buf;
	size_t i;

	self->swap = swap_on_zram(why, sizeof(why));
	if (self->swap < 0)
		SKIP(return, "%s", why);
	buf = map_small(len);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < len; i++)
		buf[i] = (__u8)(i * 7 + 1);

	ASSERT_TRUE(page_out(buf, len));
	ASSERT_EQ(0, walk_addr(self->fd, buf + 3 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PTE, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_SWAP, w.leaf_kind);
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_PRESENT);
	ASSERT_EQ(0, w.page.flags);
	/* Type and offset are those pagemap reports (bits 0-4 and 5-54). */
	pm = proc_u64("/proc/self/pagemap", uaddr(buf + 3 * PAGE_SZ) / PAGE_SZ);
	ASSERT_EQ(1, pm >> 62 & 1);
	ASSERT_EQ(pm & 0x1f, w.swap_type);
	ASSERT_EQ((pm >> 5) & ((1ULL << 50) - 1), w.swap_offset);
	ASSERT_NE(0, w.swap_offset);
	/* The page was private and exclusive when it left. */
	ASSERT_EQ(PAGECTL_PTE_SWP_EXCLUSIVE,
		  w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_SWP_EXCLUSIVE);

	/* Touching it swaps it back in with its contents. */
	ASSERT_EQ((__u8)(3 * PAGE_SZ * 7 + 1), buf[3 * PAGE_SZ]);
	ASSERT_EQ(0, walk_addr(self->fd, buf + 3 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGECTL_PAGE_ANON, w.page.flags & PAGECTL_PAGE_ANON);
	for (i = 0; i < len; i++)
		ASSERT_EQ((__u8)(i * 7 + 1), buf[i]);
	munmap(buf, len);
}

TEST_F(walk, mprotect_read_clears_writable)
{
	struct pagectl_walk w;
	__u8 *buf;

	buf = map_small(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 1;
	ASSERT_EQ(0, mprotect(buf, PAGE_SZ, PROT_READ));
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGECTL_PTE_PRESENT | PAGECTL_PTE_DIRTY,
		  w.level[PAGECTL_LEVEL_PTE].bits &
		  (PAGECTL_PTE_PRESENT | PAGECTL_PTE_DIRTY | PAGECTL_PTE_WRITE));
	ASSERT_EQ(PAGECTL_PROT_READ, w.vma.prot);
	ASSERT_EQ(pagemap_pfn(buf), w.pfn);
	munmap(buf, PAGE_SZ);
}

TEST_F(walk, prot_none_keeps_the_frame_without_access)
{
	struct pagectl_walk w;
	__u64 pfn;
	__u8 *buf;

	buf = map_small(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 1;
	pfn = pagemap_pfn(buf);
	ASSERT_EQ(0, mprotect(buf, PAGE_SZ, PROT_NONE));

	/* Still a translation to the same frame, but the hardware may not use it. */
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGECTL_PTE_PROTNONE,
		  w.level[PAGECTL_LEVEL_PTE].bits &
		  (PAGECTL_PTE_PROTNONE | PAGECTL_PTE_PRESENT | PAGECTL_PTE_GLOBAL));
	ASSERT_EQ(0, w.vma.prot);
	ASSERT_EQ(pfn, w.pfn);
	ASSERT_EQ(PAGECTL_PAGE_ANON, w.page.flags & PAGECTL_PAGE_ANON);
	munmap(buf, PAGE_SZ);
}

TEST_F(walk, thp_is_a_pmd_leaf_of_2mib)
{
	struct pagectl_walk w;
	__u8 *buf;

	buf = map_thp(HPAGE_SZ);
	ASSERT_NE(NULL, buf);
	if (!is_thp(buf))
		SKIP(return, "no transparent huge page here");

	ASSERT_EQ(0, walk_addr(self->fd, buf + HPAGE_SZ / 2 + 5, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PMD, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(HPAGE_SZ, w.leaf_size);
	ASSERT_EQ(uaddr(buf), w.leaf_addr);
	ASSERT_EQ(PAGECTL_PTE_HUGE | PAGECTL_PTE_PRESENT | PAGECTL_PTE_WRITE,
		  w.level[PAGECTL_LEVEL_PMD].bits &
		  (PAGECTL_PTE_HUGE | PAGECTL_PTE_PRESENT | PAGECTL_PTE_WRITE));
	ASSERT_EQ(PAGECTL_ENTRY_NOT_WALKED, w.level[PAGECTL_LEVEL_PTE].kind);
	ASSERT_EQ(PAGECTL_PAGE_THP | PAGECTL_PAGE_ANON,
		  w.page.flags & (PAGECTL_PAGE_THP | PAGECTL_PAGE_ANON | PAGECTL_PAGE_HUGETLB));
	ASSERT_EQ(9, w.page.order);
	ASSERT_EQ(1, w.page.mapcount);
	/* The head page says the whole PMD-mapped folio is this process's alone. */
	ASSERT_EQ(PAGECTL_PAGE_ANON_EXCLUSIVE, w.page.flags & PAGECTL_PAGE_ANON_EXCLUSIVE);
	ASSERT_EQ(PAGECTL_VMA_HUGEPAGE, w.vma.flags & PAGECTL_VMA_HUGEPAGE);
	/* pfn is the frame of the address itself, inside the huge page. */
	ASSERT_EQ(pagemap_pfn(buf + HPAGE_SZ / 2), w.pfn);
	ASSERT_EQ(w.pfn - HPAGE_SZ / 2 / PAGE_SZ, w.level[PAGECTL_LEVEL_PMD].pfn);
	munmap(buf, HPAGE_SZ);
}

TEST_F(walk, read_of_huge_region_maps_huge_zero_page)
{
	char setting[128] = "", zero[8] = "";
	struct pagectl_walk w;
	bool was_never;
	__u8 *p, *buf;

	read_file("/sys/kernel/mm/transparent_hugepage/use_zero_page", zero, sizeof(zero));
	if (zero[0] != '1')
		SKIP(return, "the huge zero page is off");
	p = mmap(NULL, 2 * HPAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	buf = (__u8 *)((uaddr(p) + HPAGE_SZ - 1) & ~(HPAGE_SZ - 1));
	ASSERT_EQ(0, madvise(buf, HPAGE_SZ, MADV_HUGEPAGE));
	read_file(THP_ENABLED, setting, sizeof(setting));
	was_never = strstr(setting, "[never]") && !write_file(THP_ENABLED, "madvise");
	ASSERT_EQ(0, read_byte(buf + 3 * PAGE_SZ));
	if (was_never)
		write_file(THP_ENABLED, "never");

	ASSERT_EQ(0, walk_addr(self->fd, buf + 3 * PAGE_SZ, &w));
	if (w.leaf_level != PAGECTL_LEVEL_PMD)
		SKIP(munmap(p, 2 * HPAGE_SZ); return, "the read did not map a huge zero page");
	/* Read-only, and the zero page whatever the kernel maps it with. */
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PMD].bits & PAGECTL_PTE_WRITE);
	ASSERT_EQ(PAGECTL_PAGE_VALID | PAGECTL_PAGE_ZERO,
		  w.page.flags & (PAGECTL_PAGE_VALID | PAGECTL_PAGE_ZERO | PAGECTL_PAGE_ANON));
	ASSERT_EQ(pagemap_pfn(buf + 3 * PAGE_SZ), w.pfn);
	munmap(p, 2 * HPAGE_SZ);
}

TEST_F(walk, hugetlb_is_a_pmd_leaf)
{
	struct pagectl_walk w;
	char why[128];
	__u8 *buf;

	buf = map_hugetlb(HPAGE_SZ, &self->pool, why, sizeof(why));
	if (!buf)
		SKIP(return, "%s", why);
	buf[0] = 1;
	ASSERT_EQ(0, walk_addr(self->fd, buf + 4 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PMD, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(HPAGE_SZ, w.leaf_size);
	ASSERT_EQ(PAGECTL_PTE_HUGE, w.level[PAGECTL_LEVEL_PMD].bits & PAGECTL_PTE_HUGE);
	ASSERT_EQ(PAGECTL_PAGE_HUGETLB, w.page.flags & (PAGECTL_PAGE_HUGETLB | PAGECTL_PAGE_THP));
	ASSERT_EQ(9, w.page.order);
	ASSERT_EQ(PAGECTL_BACKING_HUGETLB, w.vma.backing);
	ASSERT_EQ(pagemap_pfn(buf + 4 * PAGE_SZ), w.pfn);
	munmap(buf, HPAGE_SZ);
}

#define GIGANTIC	(1024UL << 20)
#define GIGANTIC_FREE	"/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages"
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << MAP_HUGE_SHIFT)
#endif

/*
 * A 1 GiB hugetlb page is a PUD leaf, and stays one under PROT_NONE, which
 * clears PRESENT and sets PROTNONE: the frame is the page's, not a swap
 * entry's offset. Needs a page of the boot-time pool (hugepagesz=1G
 * hugepages=1): an aligned, free 1 GiB is rarely found later.
 */
TEST_F(walk, prot_none_gigantic_page_is_a_pud_leaf)
{
	const __u64 leaf_bits = PAGECTL_PTE_HUGE | PAGECTL_PTE_PRESENT | PAGECTL_PTE_PROTNONE;
	struct pagectl_walk w;
	char nr[32] = "";
	__u8 *buf, *at;
	__u64 pfn, off;

	if (read_file(GIGANTIC_FREE, nr, sizeof(nr)) || atol(nr) < 1)
		SKIP(return, "no free 1 GiB hugetlb page (boot with hugepagesz=1G hugepages=1)");
	buf = mmap(NULL, GIGANTIC, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	buf[0] = 1;
	pfn = pagemap_pfn(buf);
	ASSERT_NE(0, pfn);
	/* An address well inside the page, not at a page boundary. */
	at = buf + 300 * (1UL << 20) + 5 * PAGE_SZ + 17;
	off = (at - buf) / PAGE_SZ;
	ASSERT_EQ(pfn + off, pagemap_pfn(at));

	/* Accessible: a present PUD leaf of 1 GiB. */
	ASSERT_EQ(0, walk_addr(self->fd, at, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PUD, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(GIGANTIC, w.leaf_size);
	ASSERT_EQ(uaddr(buf), w.leaf_addr);
	ASSERT_EQ(PAGECTL_PTE_HUGE | PAGECTL_PTE_PRESENT,
		  w.level[PAGECTL_LEVEL_PUD].bits & leaf_bits);
	ASSERT_EQ(pfn, w.level[PAGECTL_LEVEL_PUD].pfn);
	ASSERT_EQ(pfn + off, w.pfn);
	ASSERT_EQ(PAGECTL_PAGE_HUGETLB, w.page.flags & PAGECTL_PAGE_HUGETLB);
	ASSERT_EQ(18, w.page.order);

	/* PROT_NONE: still the leaf and its frame, neither swap type nor offset. */
	ASSERT_EQ(0, mprotect(buf, GIGANTIC, PROT_NONE));
	ASSERT_EQ(0, walk_addr(self->fd, at, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PUD, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(GIGANTIC, w.leaf_size);
	ASSERT_EQ(PAGECTL_PTE_HUGE | PAGECTL_PTE_PROTNONE,
		  w.level[PAGECTL_LEVEL_PUD].bits & leaf_bits);
	ASSERT_EQ(0, w.swap_type);
	ASSERT_EQ(0, w.swap_offset);
	ASSERT_EQ(pfn, w.level[PAGECTL_LEVEL_PUD].pfn);
	ASSERT_EQ(pfn + off, w.pfn);
	ASSERT_EQ(PAGECTL_PAGE_HUGETLB, w.page.flags & PAGECTL_PAGE_HUGETLB);
	ASSERT_EQ(0, w.vma.prot);
	ASSERT_EQ(PAGECTL_BACKING_HUGETLB, w.vma.backing);
	munmap(buf, GIGANTIC);
}

TEST_F(walk, file_mapping_before_and_after_first_access)
{
	struct pagectl_walk w;
	char why[128];
	struct stat st;
	__u8 *buf;
	int file;

	buf = map_file(4 * PAGE_SZ, &file, why, sizeof(why));
	if (!buf)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, fstat(file, &st));

	/* Mapped but never touched: no entry, and the VMA names the file. */
	ASSERT_EQ(0, walk_addr(self->fd, buf + 2 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_ENTRY_NONE, w.leaf_kind);
	ASSERT_EQ(PAGECTL_BACKING_FILE, w.vma.backing);
	ASSERT_EQ(st.st_ino, w.vma.ino);
	ASSERT_EQ(major(st.st_dev), w.vma.dev_major);
	ASSERT_EQ(minor(st.st_dev), w.vma.dev_minor);
	ASSERT_EQ(PAGE_SZ, w.vma.file_offset);
	ASSERT_EQ(PAGECTL_VMA_SHARED, w.vma.flags & PAGECTL_VMA_SHARED);

	/* A read maps the page cache page: a file page, not anonymous. */
	ASSERT_EQ('f', buf[2 * PAGE_SZ]);
	ASSERT_EQ(0, walk_addr(self->fd, buf + 2 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGECTL_PAGE_VALID | PAGECTL_PAGE_FILE,
		  w.page.flags & (PAGECTL_PAGE_VALID | PAGECTL_PAGE_FILE |
				  PAGECTL_PAGE_ANON | PAGECTL_PAGE_SHMEM));
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_DIRTY);
	ASSERT_EQ(pagemap_pfn(buf + 2 * PAGE_SZ), w.pfn);

	/* A write makes the entry dirty and writable (a shared mapping). */
	buf[2 * PAGE_SZ] = 'g';
	ASSERT_EQ(0, walk_addr(self->fd, buf + 2 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_PTE_DIRTY | PAGECTL_PTE_WRITE,
		  w.level[PAGECTL_LEVEL_PTE].bits & (PAGECTL_PTE_DIRTY | PAGECTL_PTE_WRITE));
	munmap(buf, 4 * PAGE_SZ);
	close(file);
}

TEST_F(walk, pinned_page_reports_maybe_dma_pinned)
{
	struct pagectl_walk w;
	__u8 *buf;
	__u64 h;

	buf = map_small(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 1;
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(0, w.page.flags & PAGECTL_PAGE_MAYBE_DMA_PINNED);

	h = pin_handle(self->fd, buf, PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(PAGECTL_PAGE_MAYBE_DMA_PINNED, w.page.flags & PAGECTL_PAGE_MAYBE_DMA_PINNED);
	ASSERT_LE(PIN_BIAS + 1, w.page.refcount);

	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(0, w.page.flags & PAGECTL_PAGE_MAYBE_DMA_PINNED);
	ASSERT_GT(PIN_BIAS, w.page.refcount);
	munmap(buf, PAGE_SZ);
}

TEST_F(walk, soft_dirty_set_by_write_cleared_by_clear_refs)
{
	struct pagectl_walk w;
	__u8 *buf;

	buf = map_small(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 1;
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	if (!(w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_SOFT_DIRTY))
		SKIP(return, "kernel without soft-dirty tracking");
	/* pagemap agrees (bit 55). */
	ASSERT_EQ(1, proc_u64("/proc/self/pagemap", uaddr(buf) / PAGE_SZ) >> 55 & 1);

	ASSERT_EQ(0, write_file("/proc/self/clear_refs", "4"));
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_SOFT_DIRTY);
	/* Clearing soft-dirty also write-protects, so that the next write is seen. */
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_WRITE);
	ASSERT_EQ(0, proc_u64("/proc/self/pagemap", uaddr(buf) / PAGE_SZ) >> 55 & 1);

	buf[0] = 2;
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(PAGECTL_PTE_SOFT_DIRTY | PAGECTL_PTE_WRITE,
		  w.level[PAGECTL_LEVEL_PTE].bits & (PAGECTL_PTE_SOFT_DIRTY | PAGECTL_PTE_WRITE));
	munmap(buf, PAGE_SZ);
}

/* A userfaultfd that may write-protect shmem; -1 with the reason in @why. */
static int uffd_wp_open(char *why, size_t len)
{
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
	};
	int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (uffd < 0) {
		snprintf(why, len, "userfaultfd: %s", strerror(errno));
		return -1;
	}
	if (ioctl(uffd, UFFDIO_API, &api)) {
		snprintf(why, len, "no userfaultfd write-protect for shmem: %s", strerror(errno));
		close(uffd);
		return -1;
	}
	return uffd;
}

TEST_F(walk, uffd_wp_bit_then_marker)
{
	struct uffdio_writeprotect wp = { 0 };
	struct uffdio_register reg = { 0 };
	struct pagectl_walk w;
	char why[128];
	int uffd, memfd;
	__u8 *buf;

	uffd = uffd_wp_open(why, sizeof(why));
	if (uffd < 0)
		SKIP(return, "%s", why);
	memfd = memfd_create("walk_test", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, PAGE_SZ));
	buf = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	buf[0] = 1;
	reg.range.start = uaddr(buf);
	reg.range.len = PAGE_SZ;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));

	/* Write-protected by userfaultfd: the entry says so, and is read-only. */
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGECTL_PTE_UFFD_WP,
		  w.level[PAGECTL_LEVEL_PTE].bits & (PAGECTL_PTE_UFFD_WP | PAGECTL_PTE_WRITE));
	ASSERT_EQ(PAGECTL_VMA_UFFD_WP, w.vma.flags & PAGECTL_VMA_UFFD_WP);

	/* Zapped, the protection stays behind as a PTE marker. */
	ASSERT_EQ(0, madvise(buf, PAGE_SZ, MADV_DONTNEED));
	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PTE, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_MARKER, w.leaf_kind);
	ASSERT_EQ(PAGECTL_PTE_MARKER_UFFD_WP,
		  w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_MARKER_UFFD_WP);
	ASSERT_EQ(0, w.page.flags);
	munmap(buf, PAGE_SZ);
	close(memfd);
	close(uffd);
}

TEST_F(walk, guard_region_marker)
{
	const int guard_install = 102, guard_remove = 103;	/* MADV_GUARD_*, 6.15 */
	struct pagectl_walk w;
	__u8 *buf;

	buf = map_small(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	if (madvise(buf + PAGE_SZ, PAGE_SZ, guard_install))
		SKIP(return, "no guard regions (MADV_GUARD_INSTALL, 6.15): %s", strerror(errno));

	ASSERT_EQ(0, walk_addr(self->fd, buf + PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_ENTRY_MARKER, w.leaf_kind);
	ASSERT_EQ(PAGECTL_PTE_MARKER_GUARD,
		  w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_MARKER_GUARD);
	ASSERT_EQ(0, madvise(buf + PAGE_SZ, PAGE_SZ, guard_remove));
	ASSERT_EQ(0, walk_addr(self->fd, buf + PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_ENTRY_NONE, w.leaf_kind);
	munmap(buf, 4 * PAGE_SZ);
}

/* Takes the SIGBUS that MADV_HWPOISON sends; the page is never touched. */
static void on_sigbus(int sig)
{
}

TEST_F(walk, hwpoison_entry_keeps_the_frame)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	struct pagectl_walk w;
	__u64 pfn;
	__u8 *buf;
	int ret;

	buf = map_small(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 1;
	pfn = pagemap_pfn(buf);
	/*
	 * Poison the page as a memory error would: it is unmapped, never reused.
	 * From 6.x the kernel also sends the caller SIGBUS, as for an error it
	 * hit itself; the handler takes it, and nothing touches the page.
	 */
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, &old));
	ret = madvise(buf, PAGE_SZ, MADV_HWPOISON);
	ASSERT_EQ(0, sigaction(SIGBUS, &old, NULL));
	if (ret)
		SKIP(return, "no MADV_HWPOISON (CONFIG_MEMORY_FAILURE): %s", strerror(errno));

	ASSERT_EQ(0, walk_addr(self->fd, buf, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PTE, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_HWPOISON, w.leaf_kind);
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_PRESENT);
	/* The entry still names the lost frame, for a privileged caller. */
	ASSERT_EQ(pfn, w.pfn);
	ASSERT_EQ(pfn, w.level[PAGECTL_LEVEL_PTE].pfn);
	ASSERT_EQ(0, w.page.flags);
	munmap(buf, PAGE_SZ);
}

TEST_F(walk, vma_kinds)
{
	struct pagectl_walk w;
	char *heap;
	int local = 0, memfd;
	__u8 *shared, *m;

	/* The brk heap. */
	heap = sbrk(0);
	ASSERT_NE((void *)-1, sbrk(PAGE_SZ));
	heap[0] = 1;
	ASSERT_EQ(0, walk_addr(self->fd, heap, &w));
	ASSERT_EQ(PAGECTL_BACKING_HEAP, w.vma.backing);

	/* The main thread's stack. */
	ASSERT_EQ(0, walk_addr(self->fd, &local, &w));
	ASSERT_EQ(PAGECTL_BACKING_STACK, w.vma.backing);
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGECTL_PTE_NX, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_NX);

	/* The vDSO: code, executable, a special mapping. */
	ASSERT_EQ(0, walk_addr(self->fd, (void *)getauxval(AT_SYSINFO_EHDR), &w));
	ASSERT_EQ(PAGECTL_BACKING_SPECIAL, w.vma.backing);
	ASSERT_EQ(PAGECTL_PROT_EXEC, w.vma.prot & PAGECTL_PROT_EXEC);

	/* Shared anonymous memory is shmem. */
	shared = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);
	shared[0] = 1;
	ASSERT_EQ(0, walk_addr(self->fd, shared, &w));
	ASSERT_EQ(PAGECTL_BACKING_SHMEM, w.vma.backing);
	ASSERT_EQ(PAGECTL_VMA_SHARED, w.vma.flags & PAGECTL_VMA_SHARED);
	ASSERT_EQ(PAGECTL_PAGE_SHMEM, w.page.flags & (PAGECTL_PAGE_SHMEM | PAGECTL_PAGE_ANON));
	munmap(shared, PAGE_SZ);

	/* So is a memfd. */
	memfd = memfd_create("walk_test", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, PAGE_SZ));
	m = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, m);
	m[0] = 1;
	ASSERT_EQ(0, walk_addr(self->fd, m, &w));
	ASSERT_EQ(PAGECTL_BACKING_SHMEM, w.vma.backing);
	ASSERT_NE(0, w.vma.ino);
	munmap(m, PAGE_SZ);
	close(memfd);

	/* mlock() and MADV_DONTFORK show up as VMA flags. */
	m = map_small(PAGE_SZ);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, mlock(m, PAGE_SZ));
	ASSERT_EQ(0, madvise(m, PAGE_SZ, MADV_DONTFORK));
	ASSERT_EQ(0, walk_addr(self->fd, m, &w));
	ASSERT_EQ(PAGECTL_VMA_LOCKED | PAGECTL_VMA_DONTCOPY,
		  w.vma.flags & (PAGECTL_VMA_LOCKED | PAGECTL_VMA_DONTCOPY));
	ASSERT_EQ(PAGECTL_PAGE_MLOCKED, w.page.flags & PAGECTL_PAGE_MLOCKED);
	munmap(m, PAGE_SZ);
}

TEST_F(walk, address_without_vma_reports_the_hole)
{
	struct pagectl_walk w;
	__u8 *buf;

	/* Three pages, the middle one unmapped. */
	buf = map_small(3 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, munmap(buf + PAGE_SZ, PAGE_SZ));

	ASSERT_EQ(0, walk_addr(self->fd, buf + PAGE_SZ + 8, &w));
	ASSERT_EQ(PAGECTL_BACKING_NONE, w.vma.backing);
	ASSERT_EQ(uaddr(buf + PAGE_SZ), w.vma.start);
	ASSERT_EQ(uaddr(buf + 2 * PAGE_SZ), w.vma.end);
	ASSERT_EQ(PAGECTL_ENTRY_NOT_WALKED, w.leaf_kind);
	for (int i = 0; i < PAGECTL_NR_LEVELS; i++)
		ASSERT_EQ(PAGECTL_ENTRY_NOT_WALKED, w.level[i].kind);

	/* Address 0 and the last user page are not errors either. */
	ASSERT_EQ(0, walk_addr(self->fd, NULL, &w));
	ASSERT_EQ(PAGECTL_BACKING_NONE, w.vma.backing);
	ASSERT_EQ(0, w.vma.start);
	munmap(buf, PAGE_SZ);
	munmap(buf + 2 * PAGE_SZ, PAGE_SZ);
}

TEST_F(walk, kernel_and_noncanonical_addresses_efault)
{
	__u64 top = user_top(self->fd);
	const __u64 bad[] = {
		top,			/* first non-canonical address */
		top - PAGE_SZ,		/* the guard page above the user space */
		0x8000000000000000ULL,
		0xff11000000000000ULL,	/* the direct map with 5-level paging */
		0xffff888000000000ULL,	/* the direct map with 4-level paging */
		0xffffffff81000000ULL,	/* kernel text */
		0xffffffffff600000ULL,	/* vsyscall */
		~0ULL,
	};
	struct pagectl_walk w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&w, 0, sizeof(w));
		w.size = sizeof(w);
		w.addr = bad[i];
		ASSERT_EQ(EFAULT, call(self->fd, PAGECTL_WALK, &w)) {
			TH_LOG("addr %#llx", (unsigned long long)bad[i]);
		}
	}
	/* The last page below the guard page is a user address. */
	ASSERT_EQ(0, walk_addr(self->fd, (void *)(uintptr_t)(top - 2 * PAGE_SZ), &w));
}

TEST_F(walk, pid_rules)
{
	struct pagectl_walk w;
	int local = 0;
	pid_t pid;

	/* A pid without the flag, the flag without a pid. */
	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.addr = uaddr(&local);
	w.pid = getpid();
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_WALK, &w));
	w.pid = 0;
	w.flags = PAGECTL_WALK_PID;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_WALK, &w));

	/* A pid nobody has, and one that does not fit a pid_t. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	ASSERT_EQ(0, wait_exit(pid));
	w.pid = pid;
	ASSERT_EQ(ESRCH, call(self->fd, PAGECTL_WALK, &w));
	w.pid = 0x80000000U;
	ASSERT_EQ(ESRCH, call(self->fd, PAGECTL_WALK, &w));

	/* A kernel thread has no address space: kthreadd is pid 2. */
	w.pid = 2;
	ASSERT_EQ(ESRCH, call(self->fd, PAGECTL_WALK, &w));

	/* Page state is for WALK_RANGE only. */
	w.pid = 0;
	w.flags = PAGECTL_WALK_PAGE_STATE;
	ASSERT_EQ(EOPNOTSUPP, call(self->fd, PAGECTL_WALK, &w));
}

/* 0, or the errno of the caller's own open of /proc/@pid/pagemap. */
static int pagemap_errno(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

TEST_F(walk, by_pid_as_pagemap_without_cap_sys_ptrace)
{
	struct user_proc other;
	int local = 1;
	pid_t pid;

	ASSERT_EQ(0, user_proc_start(&other, OTHER_UID, OTHER_UID, 1, (__u8 *)&local));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct user_proc peer;
		struct pagectl_walk w;

		/*
		 * Still root, who reads any file, but without the capabilities
		 * that read another process's memory. Another uid's process
		 * needs them, as for its pagemap.
		 */
		ASSERT_EQ(0, drop_mm_read_caps());
		ASSERT_EQ(EPERM, walk_pid(self->fd, other.pid, &local, &w));
		ASSERT_EQ(EACCES, pagemap_errno(other.pid));
		/*
		 * So does root's, whose capabilities are not a subset of the
		 * caller's any more (cap_ptrace_access_check()) ...
		 */
		ASSERT_EQ(EPERM, walk_pid(self->fd, getppid(), &local, &w));
		ASSERT_EQ(EACCES, pagemap_errno(getppid()));
		/* ... but not one of root's with no more than the caller's. */
		ASSERT_EQ(0, user_proc_start(&peer, 0, 0, 1, (__u8 *)&local));
		ASSERT_EQ(0, walk_pid(self->fd, peer.pid, &local, &w));
		ASSERT_EQ(PAGECTL_BACKING_STACK, w.vma.backing);
		ASSERT_EQ(0, pagemap_errno(peer.pid));
		ASSERT_EQ(0, user_proc_stop(&peer));
		/* Walking through the file (the parent's mm) needs no capability. */
		ASSERT_EQ(0, walk_addr(self->fd, &local, &w));
		ASSERT_EQ(PAGECTL_BACKING_STACK, w.vma.backing);
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_EQ(0, user_proc_stop(&other));
}

TEST_F(walk, allocation_failures_leave_nothing)
{
	struct leftovers before;
	struct pagectl_walk w;
	struct fail_sweep s;
	struct target t;
	__u8 *page;

	/* Skip before the target exists. */
	if (fail_sweep_begin(&s))
		SKIP(return, "%s", s.why);
	page = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, page);
	ASSERT_EQ(0, target_start(&t));
	ASSERT_EQ(0, walk_addr(self->fd, page, &w));
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(0, leftovers(self->fd, &before));

	/*
	 * A WALK of the caller's own address space reads its tables in place
	 * and allocates nothing: the sweep's first call gets through without
	 * reaching the failure it was given.
	 */
	FAIL_SWEEP(&s, walk_addr(self->fd, page, &w)) {
		ASSERT_EQ(0, s.ret);
		ASSERT_EQ(pagemap_pfn(page), w.pfn);
	}
	ASSERT_EQ(1, s.nth);
	ASSERT_EQ(0, s.injected);
	ASSERT_NO_LEFTOVERS(self->fd, &before);

	/*
	 * By pid: every allocation failure is ENOMEM and leaves nothing, or
	 * the walk is complete. How many there are is the module's business
	 * (finding the process allocates nothing; opening its pagemap would),
	 * so the count is only reported.
	 */
	FAIL_SWEEP(&s, walk_pid(self->fd, t.pid, (void *)t.addr, &w)) {
		if (!s.ret) {
			ASSERT_EQ(t.pfn, w.pfn);
			continue;
		}
		ASSERT_EQ(ENOMEM, s.ret) {
			TH_LOG("allocation %d", s.nth);
		}
		ASSERT_NO_LEFTOVERS(self->fd, &before);
	}
	ASSERT_TRUE(s.done);
	TH_LOG("%d allocation failures injected into WALK by pid", s.injected);
	ASSERT_NO_LEFTOVERS(self->fd, &before);
	close(t.fd);
	target_stop(&t);
	munmap(page, PAGE_SZ);
}

TEST_F(walk, handed_over_fd_walks_the_sender)
{
	struct target t;
	struct pagectl_walk w;
	int theirs;

	/* The target opens the device itself and hands the fd over. */
	ASSERT_EQ(0, target_start(&t));
	theirs = t.fd;
	ASSERT_LE(0, theirs);

	/* Through its fd: the target's page; through ours: nothing is there. */
	ASSERT_EQ(0, walk_addr(theirs, (void *)t.addr, &w));
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGECTL_BACKING_ANON, w.vma.backing);
	ASSERT_EQ(t.pfn, w.pfn);
	ASSERT_EQ(0, walk_addr(self->fd, (void *)t.addr, &w));
	ASSERT_EQ(PAGECTL_BACKING_NONE, w.vma.backing);

	/* By pid, as root may walk its own processes, the same answer. */
	ASSERT_EQ(0, walk_pid(self->fd, t.pid, (void *)t.addr, &w));
	ASSERT_EQ(t.pfn, w.pfn);

	/* Once the target is gone, its fd walks nothing and says so. */
	target_stop(&t);
	ASSERT_EQ(ESRCH, walk_addr(theirs, (void *)t.addr, &w));
	close(theirs);
}

TEST(exec_leaves_the_old_mm)
{
	char fdarg[16];
	pid_t pid;
	int fd;

	if (geteuid())
		SKIP(return, "needs root");
	/* A process opens the device, then execs: its file refers to the old, dead mm. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fd = open(DEVICE, O_RDWR);
		if (fd < 0)
			_exit(3);
		snprintf(fdarg, sizeof(fdarg), "%d", fd);
		execl("/proc/self/exe", "walk_test", "--walk-after-exec", fdarg, NULL);
		_exit(2);
	}
	ASSERT_EQ(0, wait_exit(pid));
}

TEST(unprivileged_never_sees_frames)
{
	struct user_proc other;
	struct pagectl_walk w;
	struct stat st;
	mode_t mode;
	__u8 *buf;
	pid_t pid;
	int fd;

	if (geteuid())
		SKIP(return, "needs root");
	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "no %s", DEVICE);
	close(fd);
	ASSERT_EQ(0, stat(DEVICE, &st));
	mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod(DEVICE, 0666));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ASSERT_EQ(0, drop_to_nobody());
		fd = open(DEVICE, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		buf = map_small(PAGE_SZ);
		ASSERT_NE(NULL, buf);
		buf[0] = 1;
		/* The walk works and decodes everything, but frames and raw entries are 0. */
		ASSERT_EQ(0, walk_addr(fd, buf, &w));
		ASSERT_EQ(0, w.out_flags);
		ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
		ASSERT_EQ(PAGECTL_PTE_WRITE, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_WRITE);
		ASSERT_EQ(PAGECTL_PAGE_ANON, w.page.flags & PAGECTL_PAGE_ANON);
		ASSERT_EQ(0, w.pfn);
		for (int i = 0; i < PAGECTL_NR_LEVELS; i++) {
			ASSERT_EQ(0, w.level[i].raw);
			ASSERT_EQ(0, w.level[i].pfn);
		}
		/* Root's processes are not its to walk, as their pagemap is not. */
		ASSERT_EQ(EPERM, walk_pid(fd, getppid(), buf, &w));
		/* Its own other processes are, still without frames. */
		ASSERT_EQ(0, prctl(PR_SET_DUMPABLE, 1));
		ASSERT_EQ(0, user_proc_start(&other, 0, 0, 1, buf));
		ASSERT_EQ(0, walk_pid(fd, other.pid, buf, &w));
		ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
		ASSERT_EQ(0, w.out_flags);
		ASSERT_EQ(0, w.pfn);
		for (int i = 0; i < PAGECTL_NR_LEVELS; i++)
			ASSERT_EQ(0, w.level[i].raw);
		ASSERT_EQ(0, user_proc_stop(&other));
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_EQ(0, chmod(DEVICE, mode));
}

/* The child side of exec_leaves_the_old_mm, run by main() below. */
static int walk_after_exec(const char *fdarg)
{
	struct pagectl_walk w;
	int local = 0;

	return walk_addr(atoi(fdarg), &local, &w) == ESRCH ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--walk-after-exec"))
		return walk_after_exec(argv[2]);
	return test_harness_run(argc, argv);
}
