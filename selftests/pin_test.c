// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pins: PIN, UNPIN, PIN_DESCRIBE and TIMER of /dev/pagectl.
 *
 * What a pin holds on each memory type a long-term pin may take (anonymous
 * 4 KiB pages and THP, memfd, hugetlbfs, ext4 page cache), what it changes on
 * the page, how it is described, charged, limited and released, what each bad
 * argument gets, and what becomes of a pin when the address space changes
 * under it. Scale is in pin_scale_test.c, the
 * timer in timer_test.c.
 *
 * The tests run as root, as in the test guest; a few fork a child that drops
 * to nobody to see what an unprivileged caller gets. Frame numbers are checked
 * against /proc/self/pagemap, nodes against get_mempolicy(). After every test
 * the pins taken and released balance in /proc/vmstat. The ext4 cases need a
 * mounted ext4 directory in $PAGECTL_EXT4_DIR.
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
#include "walk_util.h"
#include "pin_fixture.h"

/*
 * Memory types: each variant pins its memory and checks the frames, the
 * extents and the counts a pin changes.
 */
enum mem_type { MEM_ANON, MEM_THP, MEM_MEMFD, MEM_HUGETLB, MEM_EXT4 };

FIXTURE(mem) {
	int fd;
	int file;	/* memfd or ext4 file, -1 for none */
	__u8 *buf;	/* the memory to pin, variant->len bytes, written */
	long vmpin;	/* VmPin before the test, kB */
	int expect;	/* what PIN returns for this memory on this kernel */
	long old_pool;	/* hugetlb pool to set back, -1 if unchanged */
};

/*
 * type, pin_flags, len: the memory and how it is pinned; page_flag: the
 * PAGECTL_PAGE_* bit its frames carry; shift: their size_shift.
 */
FIXTURE_VARIANT(mem) {
	enum mem_type type;
	__u32 pin_flags;
	__u32 page_flag;
	unsigned int shift;
	size_t len;
};

FIXTURE_VARIANT_ADD(mem, anon_read) {
	.type = MEM_ANON,
	.page_flag = PAGECTL_PAGE_ANON,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, anon_write) {
	.type = MEM_ANON,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_ANON,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, thp_read) {
	.type = MEM_THP,
	.page_flag = PAGECTL_PAGE_ANON | PAGECTL_PAGE_THP,
	.shift = 21,
	.len = HUGE_LEN,
};

FIXTURE_VARIANT_ADD(mem, thp_write) {
	.type = MEM_THP,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_ANON | PAGECTL_PAGE_THP,
	.shift = 21,
	.len = HUGE_LEN,
};

FIXTURE_VARIANT_ADD(mem, memfd_read) {
	.type = MEM_MEMFD,
	.page_flag = PAGECTL_PAGE_SHMEM,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, memfd_write) {
	.type = MEM_MEMFD,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_SHMEM,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, hugetlb_read) {
	.type = MEM_HUGETLB,
	.page_flag = PAGECTL_PAGE_HUGETLB,
	.shift = 21,
	.len = HUGE_LEN,
};

FIXTURE_VARIANT_ADD(mem, hugetlb_write) {
	.type = MEM_HUGETLB,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_HUGETLB,
	.shift = 21,
	.len = HUGE_LEN,
};

FIXTURE_VARIANT_ADD(mem, ext4_read) {
	.type = MEM_EXT4,
	.page_flag = PAGECTL_PAGE_FILE,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, ext4_write) {
	.type = MEM_EXT4,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_FILE,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_SETUP(mem)
{
	char why[192] = "";

	self->file = -1;
	self->old_pool = -1;
	self->fd = device_open(PAGECTL_FEATURE_PIN, NULL, why, sizeof(why));
	if (self->fd < 0)
		SETUP_SKIP("%s", why);

	switch (variant->type) {
	case MEM_ANON:
		self->buf = map_anon(variant->len);
		break;
	case MEM_THP:
		self->buf = map_thp(variant->len);
		if (self->buf && !(is_thp(self->buf) && is_thp(self->buf + HPAGE_SZ)))
			snprintf(why, sizeof(why), "no THP after touching the range (%s)",
				 THP_ENABLED);
		break;
	case MEM_MEMFD:
		self->buf = map_memfd(variant->len, &self->file, why, sizeof(why));
		break;
	case MEM_HUGETLB:
		self->buf = map_hugetlb(variant->len, &self->old_pool, why, sizeof(why));
		break;
	case MEM_EXT4:
		self->buf = map_ext4(variant->len, &self->file, why, sizeof(why));
		break;
	}
	if (!self->buf && !why[0])
		snprintf(why, sizeof(why), "mmap: %s", strerror(errno));
	if (why[0])
		SETUP_SKIP("%s", why);

	/*
	 * Since 6.5 the kernel refuses a writable long-term pin of page cache
	 * that needs dirty tracking (writable_file_mapping_allowed(), commit
	 * a6e79df92e4a and its GUP-slow counterpart): the file system cannot
	 * write back a page that DMA may change at any time. 6.1 allows it.
	 */
	if (variant->type == MEM_EXT4 && (variant->pin_flags & PAGECTL_PIN_WRITE) &&
	    kernel_at_least(6, 5))
		self->expect = EFAULT;
	self->vmpin = vmpin_kb(0);
}

FIXTURE_TEARDOWN(mem)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->buf)
		munmap(self->buf, variant->len);
	if (self->file >= 0)
		close(self->file);
	if (self->old_pool >= 0)
		set_hugepages(self->old_pool);
	/* Every pin the test made is released by now. */
	EXPECT_EQ(0, pins_outstanding());
}

TEST_F(mem, pin_describe_frames)
{
	size_t npages = variant->len / PAGE_SZ, i;
	__u32 want = PINNED_FLAGS | variant->page_flag;
	struct pagectl_pin_describe d;
	struct pagectl_frame *f;
	struct pagectl_pin p;

	/* The pin succeeds, or fails as this kernel refuses this memory, charging nothing. */
	ASSERT_EQ(self->expect, pin(self->fd, uaddr(self->buf), variant->len,
				    variant->pin_flags, &p));
	if (self->expect) {
		ASSERT_EQ(self->vmpin, vmpin_kb(0));
		return;
	}

	/* A handle, the first page and every page of the range. */
	ASSERT_NE(0, p.handle);
	ASSERT_EQ(uaddr(self->buf), p.start);
	ASSERT_EQ(npages, p.npages);

	/* VmPin is charged 4 kB a page. */
	ASSERT_EQ(self->vmpin + (long)npages * 4, vmpin_kb(0));

	/* One frame per page in one call, with frame numbers for root. */
	f = calloc(npages, sizeof(*f));
	ASSERT_NE(NULL, f);
	d = describe_arg(p.handle, 0, 0, f, npages);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(npages, d.nr_records);
	ASSERT_EQ(npages, d.next_cursor);
	ASSERT_EQ(npages, d.npages);
	ASSERT_EQ(p.start, d.start);
	ASSERT_EQ(PAGECTL_OUT_PFNS, d.out_flags & PAGECTL_OUT_PFNS);

	/* Each page is the one mapped there, on its node, pinned, of this type and size. */
	for (i = 0; i < npages; i++) {
		const __u8 *addr = self->buf + i * PAGE_SZ;

		ASSERT_NE(0, f[i].pfn);
		ASSERT_EQ(pagemap_pfn(addr), f[i].pfn);
		ASSERT_EQ(page_node(addr), (int)f[i].nid);
		ASSERT_EQ(variant->shift, f[i].size_shift);
		ASSERT_EQ(want, f[i].flags & want);
		ASSERT_EQ(0, f[i].flags & PAGECTL_PAGE_ZERO);
	}

	/* UNPIN gives the charge back. */
	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	free(f);
}

/* PIN_DESCRIBE tells of each pinned page what WALK tells of it. */
TEST_F(mem, describe_flags_match_walk)
{
	const __u32 same = PAGECTL_PAGE_ANON | PAGECTL_PAGE_FILE | PAGECTL_PAGE_SHMEM |
			   PAGECTL_PAGE_THP | PAGECTL_PAGE_HUGETLB |
			   PAGECTL_PAGE_ANON_EXCLUSIVE | PAGECTL_PAGE_MAYBE_DMA_PINNED;
	size_t npages = variant->len / PAGE_SZ, i;
	struct pagectl_pin_describe d;
	struct pagectl_frame *f;
	struct pagectl_walk w;
	struct pagectl_pin p;

	ASSERT_EQ(self->expect, pin(self->fd, uaddr(self->buf), variant->len,
				    variant->pin_flags, &p));
	if (self->expect)
		return;
	f = calloc(npages, sizeof(*f));
	ASSERT_NE(NULL, f);
	d = describe_arg(p.handle, 0, 0, f, npages);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(npages, d.nr_records);

	/*
	 * A PMD-mapped THP and a hugetlb page keep their anon-exclusive bit on
	 * the head page: every page of them is as exclusive as the head.
	 */
	for (i = 0; i < npages; i++) {
		ASSERT_EQ(0, walk_addr(self->fd, self->buf + i * PAGE_SZ, &w));
		ASSERT_EQ(w.page.flags & same, f[i].flags & same) {
			TH_LOG("page %zu: walk %#llx, describe %#x", i,
			       (unsigned long long)w.page.flags, f[i].flags);
		}
	}
	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
	free(f);
}

TEST_F(mem, extents_match_frames)
{
	size_t npages = variant->len / PAGE_SZ, j;
	struct pagectl_pin_describe d;
	struct pagectl_extent *ext;
	__u64 h, off = 0, longest = 0;
	struct pagectl_frame *f;
	long n, k;

	if (self->expect)
		SKIP(return, "this kernel refuses the pin (see pin_describe_frames)");
	h = pin_handle(self->fd, self->buf, variant->len, variant->pin_flags);
	ASSERT_NE(0, h);
	f = calloc(npages, sizeof(*f));
	ext = calloc(npages, sizeof(*ext));
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, ext);
	d = describe_arg(h, 0, 0, f, npages);
	ASSERT_EQ(0, describe(self->fd, &d));
	memset(ext, 0xff, npages * sizeof(*ext));
	n = get_extents(self->fd, h, ext, 3);
	ASSERT_LT(0, n);

	/* The extents cover the pin in order, without gaps, in whole pages. */
	for (k = 0; k < n; k++) {
		ASSERT_EQ(off, ext[k].offset);
		ASSERT_NE(0, ext[k].length);
		ASSERT_EQ(0, ext[k].length % PAGE_SZ);
		ASSERT_EQ(0, ext[k].__reserved);
		off += ext[k].length;
		if (ext[k].length > longest)
			longest = ext[k].length;
	}
	ASSERT_EQ(variant->len, off);

	/* Each extent is the frames it covers: consecutive, on one node. */
	for (k = 0; k < n; k++) {
		for (j = 0; j < ext[k].length / PAGE_SZ; j++) {
			const struct pagectl_frame *fr = &f[ext[k].offset / PAGE_SZ + j];

			ASSERT_EQ(ext[k].pfn + j, fr->pfn);
			ASSERT_EQ(ext[k].nid, fr->nid);
		}
	}

	/* Extents are as long as they can be: no two neighbours could merge. */
	for (k = 1; k < n; k++)
		ASSERT_FALSE(ext[k].pfn == ext[k - 1].pfn + ext[k - 1].length / PAGE_SZ &&
			     ext[k].nid == ext[k - 1].nid);

	/* A huge page is physically contiguous: one extent of at least its size. */
	if (variant->shift > 12)
		ASSERT_LE(1ULL << variant->shift, longest);
	free(ext);
	free(f);
}

TEST_F(mem, second_pin_counts)
{
	struct pagectl_frame one, two, after;
	__u64 h1, h2;
	int tries;

	if (self->expect)
		SKIP(return, "this kernel refuses the pin (see pin_describe_frames)");
	h1 = pin_handle(self->fd, self->buf, variant->len, variant->pin_flags);
	ASSERT_NE(0, h1);

	/*
	 * A second pin of the first page, measured before, during and after. A
	 * fresh page may hold a passing reference from a per-CPU LRU batch, so
	 * measure again until the counts before and after agree.
	 */
	for (tries = 0; tries < 10; tries++) {
		ASSERT_EQ(0, frame_at(self->fd, h1, 0, &one));
		h2 = pin_handle(self->fd, self->buf, PAGE_SZ, variant->pin_flags);
		ASSERT_NE(0, h2);
		ASSERT_EQ(0, frame_at(self->fd, h2, 0, &two));
		ASSERT_EQ(0, unpin(self->fd, h2, 0));
		ASSERT_EQ(0, frame_at(self->fd, h1, 0, &after));
		if (one.refcount == after.refcount)
			break;
	}

	/* Both pins hold the same page, which says it is pinned. */
	ASSERT_EQ(one.pfn, two.pfn);
	ASSERT_EQ(PINNED_FLAGS, two.flags & PINNED_FLAGS);
	ASSERT_EQ(one.refcount, after.refcount);

	if (variant->shift > 12) {
		/* A large folio counts pins exactly: one more pin, one more reference. */
		ASSERT_LE(1, one.pincount);
		ASSERT_EQ(one.pincount + 1, two.pincount);
		ASSERT_EQ(one.pincount, after.pincount);
		ASSERT_EQ(one.refcount + 1, two.refcount);
	} else {
		/* A small page has no pin count: a pin adds GUP_PIN_COUNTING_BIAS references. */
		ASSERT_EQ(0, two.pincount);
		ASSERT_EQ(one.refcount + PIN_BIAS, two.refcount);
	}
}

TEST_F(pin, pin_outputs)
{
	struct pagectl_pin_describe d;
	struct pagectl_pin p, q;
	__u8 *buf;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* An aligned range: a handle, start at addr, one page per 4 KiB. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf), 3 * PAGE_SZ, 0, &p));
	ASSERT_NE(0, p.handle);
	ASSERT_EQ(uaddr(buf), p.start);
	ASSERT_EQ(3, p.npages);

	/* A second pin of the same page gets a handle of its own. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf), PAGE_SZ, PAGECTL_PIN_WRITE, &q));
	ASSERT_NE(0, q.handle);
	ASSERT_NE(p.handle, q.handle);
	ASSERT_EQ(1, q.npages);

	/* PIN_DESCRIBE reports the same start and size. */
	d = describe_arg(p.handle, 0, 0, NULL, 0);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(p.start, d.start);
	ASSERT_EQ(p.npages, d.npages);
}

/* The first line of @path that contains @needle, copied to @line; 0 if none. */
static int find_line(const char *path, const char *needle, char *line, size_t len)
{
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, len, f))
		found = !!strstr(line, needle);
	fclose(f);
	return found;
}

TEST_F(pin, visible_in_proc_and_debugfs)
{
	char line[256], want[128];
	struct pagectl_pin p;
	unsigned long n = 0;
	__u8 *buf;
	int got;

	buf = map_anon(3 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pin(self->fd, uaddr(buf), 3 * PAGE_SZ, PAGECTL_PIN_WRITE, &p));

	/* debugfs lists the pin: owner pid, handle, range, pages, write. */
	snprintf(want, sizeof(want), "%d\t%llu\t%#llx\t%#llx\t3\twrite", getpid(),
		 (unsigned long long)p.handle, (unsigned long long)p.start,
		 (unsigned long long)p.start + 3 * PAGE_SZ);
	if (access("/sys/kernel/debug/pagectl/pins", R_OK))
		SKIP(return, "debugfs not mounted");
	ASSERT_TRUE(find_line("/sys/kernel/debug/pagectl/pins", want, line, sizeof(line)));

	/* /proc/pagectl counts at least this pin and its pages. */
	ASSERT_TRUE(find_line("/proc/pagectl", "pins:", line, sizeof(line)));
	got = sscanf(line, "pins: %lu", &n);
	ASSERT_EQ(1, got);
	ASSERT_LE(1, n);
	ASSERT_TRUE(find_line("/proc/pagectl", "pinned pages:", line, sizeof(line)));
	got = sscanf(line, "pinned pages: %lu", &n);
	ASSERT_EQ(1, got);
	ASSERT_LE(3, n);

	/* After UNPIN the line is gone. */
	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
	ASSERT_FALSE(find_line("/sys/kernel/debug/pagectl/pins", want, line, sizeof(line)));
}

TEST_F(pin, unaligned_addr_rounded)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(2 * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* 100 bytes in and one page long: both pages it touches, from the first. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf + 100), PAGE_SZ, 0, &p));
	ASSERT_EQ(uaddr(buf), p.start);
	ASSERT_EQ(2, p.npages);

	/* The last byte of a page alone: that page. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf + PAGE_SZ - 1), 1, 0, &p));
	ASSERT_EQ(uaddr(buf), p.start);
	ASSERT_EQ(1, p.npages);

	/* Two bytes across a page boundary: both pages. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf + PAGE_SZ - 1), 2, 0, &p));
	ASSERT_EQ(uaddr(buf), p.start);
	ASSERT_EQ(2, p.npages);

	/* VmPin is charged in pages, not bytes. */
	ASSERT_EQ(self->vmpin + 5 * 4, vmpin_kb(0));
}

TEST_F(pin, describe_paginates)
{
	struct pagectl_frame all[10], part[3];
	struct pagectl_pin_describe d;
	unsigned int calls = 0, i;
	__u64 h, cursor = 0;
	__u8 *buf;

	buf = map_anon(10 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 10 * PAGE_SZ, 0);
	ASSERT_NE(0, h);
	d = describe_arg(h, 0, 0, all, 10);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(10, d.nr_records);

	/* Three records a call: 3, 3, 3, 1, each call going on where the last stopped. */
	while (cursor < 10) {
		memset(part, 0, sizeof(part));
		d = describe_arg(h, 0, cursor, part, 3);
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_EQ(cursor + 3 <= 10 ? 3 : 10 - cursor, d.nr_records);
		ASSERT_EQ(cursor + d.nr_records, d.next_cursor);
		ASSERT_EQ(10, d.npages);
		for (i = 0; i < d.nr_records; i++)
			ASSERT_EQ(all[cursor + i].pfn, part[i].pfn);
		cursor = d.next_cursor;
		calls++;
	}
	ASSERT_EQ(4, calls);

	/* A cursor at the end is valid and returns nothing. */
	d = describe_arg(h, 0, 10, part, 3);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(0, d.nr_records);
	ASSERT_EQ(10, d.next_cursor);
}

TEST_F(pin, describe_max_records_zero)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	struct pagectl_pin_describe d;
	__u8 sentinel[64], *buf;
	unsigned int k;
	__u64 h;

	buf = map_anon(5 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf + 10, 4 * PAGE_SZ, 0);
	ASSERT_NE(0, h);
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		/* No array at all: only where the pin starts and how many pages it has. */
		d = describe_arg(h, kinds[k], 0, NULL, 0);
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_EQ(0, d.nr_records);
		ASSERT_EQ(5, d.npages);
		ASSERT_EQ(uaddr(buf), d.start);

		/* An array with no capacity is not written. */
		memset(sentinel, 0xa5, sizeof(sentinel));
		d = describe_arg(h, kinds[k], 0, sentinel, 0);
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_EQ(0, d.nr_records);
		ASSERT_EQ(0xa5, sentinel[0]);
		ASSERT_EQ(0xa5, sentinel[sizeof(sentinel) - 1]);
	}
}

TEST_F(pin, describe_record_size_larger_zero_fills)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	static const __u8 zero[16];
	struct pagectl_pin_describe d;
	struct pagectl_frame ref[4];
	unsigned int i, k;
	__u8 rec[5 * 48];
	__u64 h, pfn;
	__u8 *buf;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, 0);
	ASSERT_NE(0, h);
	d = describe_arg(h, 0, 0, ref, 4);
	ASSERT_EQ(0, describe(self->fd, &d));

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		/* A 48-byte record: the 32-byte record, then zeros, at a 48-byte stride. */
		memset(rec, 0xff, sizeof(rec));
		d = describe_arg(h, kinds[k], 0, rec, 4);
		d.record_size = 48;
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_LT(0, d.nr_records);
		ASSERT_GE(4, d.nr_records);
		for (i = 0; i < d.nr_records; i++)
			ASSERT_EQ(0, memcmp(rec + i * 48 + 32, zero, sizeof(zero)));

		/* The record at each stride is this page's (frames) or run's (extents). */
		memcpy(&pfn, rec, sizeof(pfn));
		ASSERT_EQ(ref[0].pfn, pfn);
		if (!kinds[k]) {
			for (i = 1; i < 4; i++) {
				memcpy(&pfn, rec + i * 48, sizeof(pfn));
				ASSERT_EQ(ref[i].pfn, pfn);
			}
		}

		/* Nothing is written past the last record. */
		ASSERT_EQ(0xff, rec[d.nr_records * 48]);
	}
}

TEST_F(pin, describe_record_size_small_einval)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	const __u32 sizes[] = { 0, 24, 31 };
	struct pagectl_pin_describe d;
	__u8 rec[4 * 32], *buf;
	unsigned int i, k;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Both records are 32 bytes; a caller's smaller record is refused (24: the draft frame). */
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			d = describe_arg(h, kinds[k], 0, rec, 1);
			d.record_size = sizes[i];
			ASSERT_EQ(EINVAL, describe(self->fd, &d));
		}
	}
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
}

TEST_F(pin, describe_record_size_large_einval)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	struct pagectl_pin_describe d;
	unsigned int k;
	__u8 *buf, *rec;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	rec = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, rec);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		/* 4096 bytes a record is the most accepted. */
		d = describe_arg(h, kinds[k], 0, rec, 1);
		d.record_size = 4096;
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_EQ(1, d.nr_records);

		/* One byte more, or far more, is refused. */
		d.record_size = 4097;
		ASSERT_EQ(EINVAL, describe(self->fd, &d));
		d.record_size = 1 << 20;
		ASSERT_EQ(EINVAL, describe(self->fd, &d));
	}
}

TEST_F(pin, describe_cursor_beyond_einval)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	struct pagectl_pin_describe d;
	__u8 rec[4 * 32], *buf;
	unsigned int k;
	__u64 h;

	buf = map_anon(3 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 3 * PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* A cursor past the last page, by one or by far, is refused. */
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		d = describe_arg(h, kinds[k], 4, rec, 1);
		ASSERT_EQ(EINVAL, describe(self->fd, &d));
		d = describe_arg(h, kinds[k], ~0ULL, rec, 1);
		ASSERT_EQ(EINVAL, describe(self->fd, &d));
	}
}

TEST_F(pin, describe_records_unwritable_efault)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	struct pagectl_pin_describe d;
	__u8 *buf, *ro;
	unsigned int k;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ro = mmap(NULL, PAGE_SZ, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(NULL, buf);
	ASSERT_NE(MAP_FAILED, ro);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Records in read-only memory, at NULL or in the kernel are refused. */
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		d = describe_arg(h, kinds[k], 0, ro, 1);
		ASSERT_EQ(EFAULT, describe(self->fd, &d));
		d = describe_arg(h, kinds[k], 0, NULL, 1);
		ASSERT_EQ(EFAULT, describe(self->fd, &d));
		d = describe_arg(h, kinds[k], 0, NULL, 1);
		d.records = 0xffff888000000000ULL;
		ASSERT_EQ(EFAULT, describe(self->fd, &d));
	}

	/* The pin is untouched. */
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
	ASSERT_EQ(0, unpin(self->fd, h, 0));
}

TEST_F(pin, describe_unknown_handle_enoent)
{
	struct pagectl_pin_describe d;
	struct pagectl_frame f;
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Handles this file never gave out. */
	d = describe_arg(0, 0, 0, &f, 1);
	ASSERT_EQ(ENOENT, describe(self->fd, &d));
	d = describe_arg(h + 1, 0, 0, &f, 1);
	ASSERT_EQ(ENOENT, describe(self->fd, &d));

	/* A handle that was unpinned. */
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	d = describe_arg(h, 0, 0, &f, 1);
	ASSERT_EQ(ENOENT, describe(self->fd, &d));
}

TEST_F(pin, describe_unknown_flags_eopnotsupp)
{
	struct pagectl_pin_describe d;
	struct pagectl_frame f;
	unsigned int bit;
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Every flag but PAGECTL_DESCRIBE_EXTENTS is refused. */
	for (bit = 1; bit < 32; bit++) {
		d = describe_arg(h, 0, 0, &f, 1);
		d.flags = 1U << bit;
		ASSERT_EQ(EOPNOTSUPP, describe(self->fd, &d));
	}
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
}

/* In a child as nobody: pin THP and small pages, describe them without frames. */
static void describe_as_nobody(struct __test_metadata *_metadata)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	size_t len = HPAGE_SZ + 4 * PAGE_SZ, npages = len / PAGE_SZ, i;
	struct pagectl_pin_describe d;
	struct pagectl_extent *ext;
	struct pagectl_frame *f;
	__u64 h, off = 0;
	__u8 *buf;
	long n, k;
	int fd;

	/* RLIMIT_MEMLOCK is not what this test is about. */
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &unlimited));
	ASSERT_EQ(0, drop_to_nobody());
	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	buf = map_thp(2 * HPAGE_SZ);
	f = calloc(npages, sizeof(*f));
	ext = calloc(npages, sizeof(*ext));
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, ext);
	h = pin_handle(fd, buf, len, 0);
	ASSERT_NE(0, h);

	/* Every page is described and pinned, without a frame number, and the call says so. */
	d = describe_arg(h, 0, 0, f, npages);
	ASSERT_EQ(0, describe(fd, &d));
	ASSERT_EQ(npages, d.nr_records);
	ASSERT_EQ(0, d.out_flags & PAGECTL_OUT_PFNS);
	for (i = 0; i < npages; i++) {
		ASSERT_EQ(0, f[i].pfn);
		ASSERT_EQ(PINNED_FLAGS, f[i].flags & PINNED_FLAGS);
	}

	/* Extents have no frame either, and never say more than the folio under them does. */
	n = get_extents(fd, h, ext, 2);
	ASSERT_LT(0, n);
	for (k = 0; k < n; k++) {
		__u64 addr = uaddr(buf) + ext[k].offset, folio;

		ASSERT_EQ(0, ext[k].pfn);
		ASSERT_EQ(off, ext[k].offset);
		ASSERT_GT(len, off);
		folio = 1ULL << f[off / PAGE_SZ].size_shift;
		ASSERT_GE(folio, (addr & (folio - 1)) + ext[k].length);
		off += ext[k].length;
	}
	ASSERT_EQ(len, off);
	close(fd);
}

TEST_F(pin, unprivileged_describe_hides_pfns)
{
	struct stat st;
	pid_t pid;

	/* Let nobody open the node for this test; teardown gives the mode back. */
	ASSERT_EQ(0, stat(DEVICE, &st));
	self->dev_mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod(DEVICE, 0666));

	/* An unprivileged opener's describe succeeds, with zeros for frames. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		describe_as_nobody(_metadata);
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(pin, unpin_unknown_handle_enoent)
{
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Handles this file never gave out are refused, and the real pin stays. */
	ASSERT_EQ(ENOENT, unpin(self->fd, 0, 0));
	ASSERT_EQ(ENOENT, unpin(self->fd, h + 1, 0));
	ASSERT_EQ(ENOENT, unpin(self->fd, ~0ULL, 0));
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
	ASSERT_EQ(0, unpin(self->fd, h, 0));
}

TEST_F(pin, unpin_twice_enoent)
{
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* The second UNPIN of a handle finds nothing, and uncharges nothing. */
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(ENOENT, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, unpin_other_file_enoent)
{
	__u64 mine, theirs;
	__u8 *buf;
	int other;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	other = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	mine = pin_handle(self->fd, buf, PAGE_SZ, 0);
	theirs = pin_handle(other, buf, PAGE_SZ, 0);
	ASSERT_NE(0, mine);
	ASSERT_NE(0, theirs);
	if (theirs == mine)
		theirs = other_handle(other, buf, theirs);
	ASSERT_NE(mine, theirs);

	/* Handles are per file: another file's handle is unknown here, both ways. */
	ASSERT_EQ(ENOENT, unpin(other, mine, 0));
	ASSERT_EQ(ENOENT, unpin(self->fd, theirs, 0));
	ASSERT_EQ(self->vmpin + 8, vmpin_kb(0));

	/* Each file unpins its own. */
	ASSERT_EQ(0, unpin(self->fd, mine, 0));
	ASSERT_EQ(0, unpin(other, theirs, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	close(other);
}

TEST_F(pin, success_clears_fail_fields)
{
	__u8 *buf = map_anon(PAGE_SZ);
	struct pagectl_pin p;

	ASSERT_NE(NULL, buf);
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.addr = uaddr(buf);
	p.length = PAGE_SZ;
	/* Stale values the caller left from an earlier failure. */
	p.fail_addr = uaddr(buf);
	p.fail_reason = PAGECTL_PINCHECK_NOT_WRITABLE;
	ASSERT_EQ(0, call(self->fd, PAGECTL_PIN, &p));
	ASSERT_NE(0, p.handle);
	ASSERT_EQ(0, p.fail_addr);
	ASSERT_EQ(PAGECTL_PINCHECK_NONE, p.fail_reason);
	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
}

TEST_F(pin, unpin_dirty_of_read_pin_einval)
{
	__u8 *buf = map_anon(4 * PAGE_SZ);
	__u64 h;

	ASSERT_NE(NULL, buf);
	memset(buf, 1, 4 * PAGE_SZ);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* A pin made for reading is not released dirty, nor released at all. */
	ASSERT_EQ(EINVAL, unpin(self->fd, h, PAGECTL_UNPIN_DIRTY));
	ASSERT_EQ(self->vmpin + 16, vmpin_kb(0));
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, unpin_dirty_accepted)
{
	__u8 *buf;
	__u64 h;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);

	/* PAGECTL_UNPIN_DIRTY releases the pin like a plain UNPIN. */
	ASSERT_EQ(0, unpin(self->fd, h, PAGECTL_UNPIN_DIRTY));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, unpin_unknown_flags_eopnotsupp)
{
	unsigned int bit;
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Every flag but PAGECTL_UNPIN_DIRTY is refused, and the pin stays. */
	for (bit = 1; bit < 32; bit++)
		ASSERT_EQ(EOPNOTSUPP, unpin(self->fd, h, 1U << bit));
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
	ASSERT_EQ(0, unpin(self->fd, h, 0));
}

TEST_F(pin, pin_from_other_mm_eperm)
{
	struct pagectl_pin p;
	__u8 *buf;
	pid_t pid;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* A child sharing the file has another address space: it may not pin. */
		EXPECT_EQ(EPERM, pin(self->fd, uaddr(buf), PAGE_SZ, 0, &p));
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));

	/* Nothing was pinned or charged. */
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, unpin_from_other_mm_allowed)
{
	struct pagectl_frame f;
	__u8 *buf;
	pid_t pid;
	__u64 h;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, 0);
	ASSERT_NE(0, h);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Any holder of the file may describe and unpin. */
		EXPECT_EQ(0, frame_at(self->fd, h, 0, &f));
		EXPECT_EQ(0, unpin(self->fd, h, 0));
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));

	/* The pin is gone, and its charge is taken off the file's address space. */
	ASSERT_EQ(ENOENT, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, close_releases_pins)
{
	int dup_fd;
	__u8 *buf;

	buf = map_anon(8 * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* Read and write pins, one page pinned twice: 9 pages held. */
	ASSERT_NE(0, pin_handle(self->fd, buf, 4 * PAGE_SZ, 0));
	ASSERT_NE(0, pin_handle(self->fd, buf + 4 * PAGE_SZ, 4 * PAGE_SZ, PAGECTL_PIN_WRITE));
	ASSERT_NE(0, pin_handle(self->fd, buf, PAGE_SZ, 0));
	ASSERT_EQ(self->vmpin + 36, vmpin_kb(0));
	ASSERT_EQ(9, pins_outstanding());

	/* A dup() shares the file: closing one descriptor releases nothing. */
	dup_fd = dup(self->fd);
	ASSERT_LE(0, dup_fd);
	ASSERT_EQ(0, close(self->fd));
	self->fd = dup_fd;
	ASSERT_EQ(self->vmpin + 36, vmpin_kb(0));
	ASSERT_EQ(9, pins_outstanding());

	/* The last close releases every pin and its charge. */
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, killed_child_releases_pins)
{
	int pipefd[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		__u8 *buf = map_anon(16 * PAGE_SZ);
		int fd = open(DEVICE, O_RDWR | O_CLOEXEC);

		/* The child holds 16 pinned pages on its own file, then waits. */
		ASSERT_EQ(0, prctl(PR_SET_PDEATHSIG, SIGKILL));
		ASSERT_LE(0, fd);
		ASSERT_NE(NULL, buf);
		ASSERT_NE(0, pin_handle(fd, buf, 16 * PAGE_SZ, PAGECTL_PIN_WRITE));
		ASSERT_EQ(1, write(pipefd[1], "p", 1));
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);

	/* The pins are the child's, charged to the child. */
	ASSERT_EQ(64, vmpin_kb(pid));
	ASSERT_EQ(16, pins_outstanding());

	/* SIGKILL closes its file, which releases them. */
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(SIGKILL, wait_signal(pid));
	ASSERT_EQ(0, pins_outstanding());
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

/* In a child: pin and unpin 256 MiB over and over until killed. */
static void pin_forever(int ready)
{
	const size_t len = 256UL << 20;
	void *map;
	__u64 h;
	int fd;

	/* Never outlive a test that failed before killing us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (fd < 0 || map == MAP_FAILED || write(ready, "p", 1) != 1)
		_exit(1);
	for (;;) {
		h = pin_handle(fd, map, len, PAGECTL_PIN_WRITE);
		if (h)
			unpin(fd, h, 0);
	}
}

TEST_F_TIMEOUT(pin, killed_mid_pin_releases_pins, 120)
{
	static const unsigned int delay_ms[] = { 0, 1, 5, 20, 100 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(delay_ms); i++) {
		int pipefd[2];
		pid_t pid;
		char c;

		ASSERT_EQ(0, pipe(pipefd));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			pin_forever(pipefd[1]);
			_exit(1);
		}
		close(pipefd[1]);

		/* Killed while faulting in and pinning 256 MiB, or between two pins. */
		ASSERT_EQ(1, read(pipefd[0], &c, 1));
		close(pipefd[0]);
		msleep(delay_ms[i]);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(SIGKILL, wait_signal(pid));

		/* Whatever it held or was taking is released. */
		ASSERT_EQ(0, pins_outstanding());
	}

	/* None of it was charged here. */
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, vmpin_tracks_pins)
{
	__u64 h1, h2, h3, h4;
	__u8 *buf;

	buf = map_anon(16 * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* Each pin charges its pages to VmPin. */
	h1 = pin_handle(self->fd, buf, 8 * PAGE_SZ, 0);
	ASSERT_NE(0, h1);
	ASSERT_EQ(self->vmpin + 32, vmpin_kb(0));
	h2 = pin_handle(self->fd, buf + 8 * PAGE_SZ, 3 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h2);
	ASSERT_EQ(self->vmpin + 44, vmpin_kb(0));

	/* Pins of the same page are charged each, as RDMA's ib_umem does. */
	h3 = pin_handle(self->fd, buf, PAGE_SZ, 0);
	h4 = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h3);
	ASSERT_NE(0, h4);
	ASSERT_EQ(self->vmpin + 52, vmpin_kb(0));

	/* UNPIN gives each charge back. */
	ASSERT_EQ(0, unpin(self->fd, h1, 0));
	ASSERT_EQ(self->vmpin + 20, vmpin_kb(0));
	ASSERT_EQ(0, unpin(self->fd, h3, 0));
	ASSERT_EQ(0, unpin(self->fd, h4, 0));
	ASSERT_EQ(0, unpin(self->fd, h2, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

/*
 * In a child: open the device as root, lower RLIMIT_MEMLOCK to 64 KiB,
 * optionally become nobody (which drops CAP_IPC_LOCK), and pin past the limit.
 */
static void pin_past_memlock(struct __test_metadata *_metadata, bool as_nobody)
{
	struct rlimit rl = { 64 << 10, 64 << 10 };
	struct pagectl_pin p;
	__u8 *buf;
	long base;
	int fd;

	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	buf = map_anon(24 * PAGE_SZ);
	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	if (as_nobody)
		ASSERT_EQ(0, drop_to_nobody());
	base = vmpin_kb(0);
	ASSERT_LE(0, base);

	/* 32 KiB is within the limit. */
	ASSERT_EQ(0, pin(fd, uaddr(buf), 32 << 10, 0, &p));
	ASSERT_EQ(base + 32, vmpin_kb(0));

	if (as_nobody) {
		/* Without CAP_IPC_LOCK, 64 KiB more is over the limit: ENOMEM, no charge. */
		ASSERT_EQ(ENOMEM, pin(fd, uaddr(buf + 8 * PAGE_SZ), 64 << 10, 0, &p));
		ASSERT_EQ(base + 32, vmpin_kb(0));

		/* Up to the limit exactly is allowed; one page past it is not. */
		ASSERT_EQ(0, pin(fd, uaddr(buf + 8 * PAGE_SZ), 32 << 10, 0, &p));
		ASSERT_EQ(base + 64, vmpin_kb(0));
		ASSERT_EQ(ENOMEM, pin(fd, uaddr(buf + 16 * PAGE_SZ), PAGE_SZ, 0, &p));
		ASSERT_EQ(base + 64, vmpin_kb(0));
	} else {
		/* CAP_IPC_LOCK skips the limit check, but the pages are still charged. */
		ASSERT_EQ(0, pin(fd, uaddr(buf + 8 * PAGE_SZ), 64 << 10, 0, &p));
		ASSERT_EQ(base + 96, vmpin_kb(0));
	}

	/* Closing the file gives it all back. */
	close(fd);
	ASSERT_EQ(base, vmpin_kb(0));
}

TEST_F(pin, rlimit_memlock_enomem)
{
	pid_t pid;

	/* A caller without CAP_IPC_LOCK is held to RLIMIT_MEMLOCK. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		pin_past_memlock(_metadata, true);
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(pin, rlimit_memlock_cap_ipc_lock)
{
	pid_t pid;

	/* Root, with CAP_IPC_LOCK, pins past RLIMIT_MEMLOCK. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		pin_past_memlock(_metadata, false);
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(pin, per_file_cap_enospc)
{
	__u64 max = self->info.max_pin_pages;
	size_t len = (max + 1) * PAGE_SZ;
	struct pagectl_pin p;
	__u8 *map;
	double t0;

	ASSERT_LT(0, max);
	/* Address space only: the cap must refuse before a single page is faulted in. */
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		SKIP(return, "cannot map %zu bytes: %s", len, strerror(errno));

	/* One page over max_pin_pages is ENOSPC, at once, with nothing charged. */
	t0 = now_us();
	ASSERT_EQ(ENOSPC, pin(self->fd, uaddr(map), len, 0, &p));
	TH_LOG("%llu pages refused in %.0f us", (unsigned long long)max + 1, now_us() - t0);
	ASSERT_EQ(self->vmpin, vmpin_kb(0));

	/* The cap counts the file's pins together: with one page held, max more is too many. */
	map[0] = 1;
	ASSERT_NE(0, pin_handle(self->fd, map, PAGE_SZ, 0));
	ASSERT_EQ(ENOSPC, pin(self->fd, uaddr(map + PAGE_SZ), max * PAGE_SZ, 0, &p));
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
	munmap(map, len);
}

TEST_F(pin, length_zero_einval)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* An empty range is refused, with nothing pinned. */
	ASSERT_EQ(EINVAL, pin(self->fd, uaddr(buf), 0, 0, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, length_wraps_eoverflow)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* addr + length wraps past 2^64. */
	ASSERT_EQ(EOVERFLOW, pin(self->fd, uaddr(buf), ~0ULL - uaddr(buf) + 2, 0, &p));
	ASSERT_EQ(EOVERFLOW, pin(self->fd, uaddr(buf), ~0ULL, 0, &p));

	/* addr + length is exactly 2^64. */
	ASSERT_EQ(EOVERFLOW, pin(self->fd, -PAGE_SZ, PAGE_SZ, 0, &p));

	/* addr + length fits, but rounding it up to a page wraps. */
	ASSERT_EQ(EOVERFLOW, pin(self->fd, -PAGE_SZ + 1, PAGE_SZ - 2, 0, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, kernel_addr_efault)
{
	struct pagectl_pin p;

	/* The direct map is not user memory. */
	ASSERT_EQ(EFAULT, pin(self->fd, 0xffff888000000000ULL, PAGE_SZ, 0, &p));
	ASSERT_EQ(EFAULT, pin(self->fd, 0xffff888000000000ULL, PAGE_SZ, PAGECTL_PIN_WRITE, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, noncanonical_addr_efault)
{
	struct pagectl_pin p;

	/* The first address above 47-bit user space (4-level paging). */
	ASSERT_EQ(EFAULT, pin(self->fd, 0x0000800000000000ULL, PAGE_SZ, 0, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, unmapped_efault)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(2 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, munmap(buf, 2 * PAGE_SZ));

	/* A range that is no longer mapped. */
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(buf), 2 * PAGE_SZ, 0, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, prot_none_efault)
{
	struct pagectl_pin p;
	void *map;

	map = mmap(NULL, 2 * PAGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);

	/* PROT_NONE memory cannot be pinned, for reading or writing. */
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(map), 2 * PAGE_SZ, 0, &p));
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(map), 2 * PAGE_SZ, PAGECTL_PIN_WRITE, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, write_pin_of_readonly_efault)
{
	struct pagectl_pin p;
	void *map;

	map = mmap(NULL, PAGE_SZ, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);

	/* PAGECTL_PIN_WRITE needs memory the caller may write. */
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(map), PAGE_SZ, PAGECTL_PIN_WRITE, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));

	/* Reading is allowed. */
	ASSERT_EQ(0, pin(self->fd, uaddr(map), PAGE_SZ, 0, &p));
	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
}

/* open() of the device into *@fd; 0 or the errno. */
static int open_device(int *fd)
{
	*fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	return *fd < 0 ? errno : 0;
}

TEST_F(pin, allocation_failures_leave_nothing)
{
	struct fail_sweep s;
	struct pagectl_pin p;
	__u8 *buf;
	int fd;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* Every allocation failure of PIN: ENOMEM, nothing pinned or charged. */
	FAIL_SWEEP(&s, pin(self->fd, uaddr(buf), 4 * PAGE_SZ, PAGECTL_PIN_WRITE, &p)) {
		if (!s.ret) {
			ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
			continue;
		}
		ASSERT_EQ(ENOMEM, s.ret) {
			TH_LOG("allocation %d", s.nth);
		}
		ASSERT_EQ(self->vmpin, vmpin_kb(0));
		ASSERT_EQ(0, pins_outstanding());
	}
	TH_LOG("%d allocation failures injected into PIN", s.injected);
	ASSERT_LT(0, s.injected);

	/* And of open(): ENOMEM, and no file counted. */
	FAIL_SWEEP(&s, open_device(&fd)) {
		if (!s.ret) {
			close(fd);
			continue;
		}
		ASSERT_EQ(ENOMEM, s.ret);
		ASSERT_EQ(1, proc_field("/proc/pagectl", "open files"));
	}
	TH_LOG("%d allocation failures injected into open()", s.injected);
	ASSERT_LT(0, s.injected);
	munmap(buf, 4 * PAGE_SZ);
}

TEST_F(pin, describe_allocates_nothing)
{
	struct pagectl_frame f[4], want_f[4];
	struct pagectl_extent x[4], want_x[4];
	struct pagectl_pin_describe d;
	struct leftovers before;
	struct fail_sweep s;
	unsigned int i;
	__u64 h;
	__u8 *buf;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	/* The answers; and no page of the records faults in during the sweeps. */
	d = describe_arg(h, 0, 0, want_f, 4);
	ASSERT_EQ(0, describe(self->fd, &d));
	d = describe_arg(h, PAGECTL_DESCRIBE_EXTENTS, 0, want_x, 4);
	ASSERT_EQ(0, describe(self->fd, &d));
	memcpy(f, want_f, sizeof(f));
	memcpy(x, want_x, sizeof(x));
	ASSERT_EQ(0, leftovers(self->fd, &before));

	/*
	 * PIN_DESCRIBE reads the pin's pages in place and writes each record
	 * straight out: it allocates nothing, so the first call of each sweep
	 * gets through without reaching the failure it was given.
	 */
	FAIL_SWEEP(&s, (d = describe_arg(h, 0, 0, f, 4), describe(self->fd, &d))) {
		ASSERT_EQ(0, s.ret);
		ASSERT_EQ(4, d.nr_records);
		for (i = 0; i < 4; i++)
			ASSERT_EQ(want_f[i].pfn, f[i].pfn);
	}
	ASSERT_EQ(1, s.nth);
	ASSERT_EQ(0, s.injected);
	ASSERT_NO_LEFTOVERS(self->fd, &before);

	/* And for extents. */
	FAIL_SWEEP(&s, (d = describe_arg(h, PAGECTL_DESCRIBE_EXTENTS, 0, x, 4),
			describe(self->fd, &d))) {
		ASSERT_EQ(0, s.ret);
		ASSERT_EQ(0, memcmp(want_x, x, d.nr_records * sizeof(x[0])));
	}
	ASSERT_EQ(1, s.nth);
	ASSERT_EQ(0, s.injected);
	ASSERT_NO_LEFTOVERS(self->fd, &before);
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	munmap(buf, 4 * PAGE_SZ);
}

TEST_F(pin, partly_unmapped_efault)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(3 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, munmap(buf + PAGE_SZ, PAGE_SZ));

	/* The first page is fine, the second is not mapped: the whole pin fails. */
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(buf), 3 * PAGE_SZ, PAGECTL_PIN_WRITE, &p));

	/* The first page was released again: nothing pinned, nothing charged. */
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, pin_unknown_flags_eopnotsupp)
{
	struct pagectl_pin p;
	unsigned int bit;
	__u8 *buf;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* Every flag but PAGECTL_PIN_WRITE is refused, with nothing pinned. */
	for (bit = 1; bit < 32; bit++)
		ASSERT_EQ(EOPNOTSUPP, pin(self->fd, uaddr(buf), PAGE_SZ, 1U << bit, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, fork_after_pin)
{
	__u64 h, pfn, child_pfn = 0;
	struct pagectl_frame f;
	int pipefd[2];
	__u8 *buf;
	pid_t pid;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 'P';
	h = pin_handle(self->fd, buf, PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	ASSERT_EQ(0, frame_at(self->fd, h, 0, &f));
	pfn = f.pfn;
	ASSERT_EQ(pfn, pagemap_pfn(buf));
	ASSERT_EQ(0, pipe(pipefd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The child writes its copy and reports the frame it maps. */
		buf[0] = 'C';
		child_pfn = pagemap_pfn(buf);
		_exit(write(pipefd[1], &child_pfn, sizeof(child_pfn)) == sizeof(child_pfn) ? 0 : 1);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(child_pfn), read(pipefd[0], &child_pfn, sizeof(child_pfn)));
	close(pipefd[0]);
	ASSERT_EQ(0, wait_exit(pid));

	/* The child wrote a page of its own, never the parent's pinned one. */
	ASSERT_EQ('P', buf[0]);
	ASSERT_NE(0, child_pfn);
	ASSERT_NE(pfn, child_pfn);

	/* The parent still maps the pinned page, so its writes reach the pin. */
	buf[0] = 'Q';
	ASSERT_EQ(pfn, pagemap_pfn(buf));
	ASSERT_EQ(0, frame_at(self->fd, h, 0, &f));
	ASSERT_EQ(pfn, f.pfn);
	ASSERT_EQ(0, unpin(self->fd, h, 0));
}

TEST_F(pin, munmap_keeps_pin)
{
	struct pagectl_frame before[4], after[4];
	struct pagectl_pin_describe d;
	unsigned int i;
	__u8 *buf;
	__u64 h;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	d = describe_arg(h, 0, 0, before, 4);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(0, munmap(buf, 4 * PAGE_SZ));

	/* The pin holds the pages, not the mapping: same frames, still pinned. */
	d = describe_arg(h, 0, 0, after, 4);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(4, d.nr_records);
	ASSERT_EQ(uaddr(buf), d.start);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(before[i].pfn, after[i].pfn);
		ASSERT_EQ(PINNED_FLAGS, after[i].flags & PINNED_FLAGS);
	}

	/* They stay charged and held until UNPIN. */
	ASSERT_EQ(self->vmpin + 16, vmpin_kb(0));
	ASSERT_EQ(4, pins_outstanding());
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, madv_dontneed_keeps_pin)
{
	struct pagectl_frame f;
	__u64 h, pfn;
	__u8 *buf;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 'A';
	h = pin_handle(self->fd, buf, PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	ASSERT_EQ(0, frame_at(self->fd, h, 0, &f));
	pfn = f.pfn;

	/*
	 * MADV_DONTNEED zaps the page table entry. The pin keeps the old page
	 * allocated but unmapped; the next touch faults in a fresh zeroed page,
	 * so the user and the pin now see different memory.
	 */
	ASSERT_EQ(0, madvise(buf, PAGE_SZ, MADV_DONTNEED));
	ASSERT_EQ(0, buf[0]);
	buf[0] = 'B';
	ASSERT_NE(0, pagemap_pfn(buf));
	ASSERT_NE(pfn, pagemap_pfn(buf));

	/* The pin still describes the original page, pinned and charged. */
	ASSERT_EQ(0, frame_at(self->fd, h, 0, &f));
	ASSERT_EQ(pfn, f.pfn);
	ASSERT_EQ(PINNED_FLAGS, f.flags & PINNED_FLAGS);
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));

	/* UNPIN lets the old page go. */
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, mremap_keeps_pin)
{
	struct pagectl_frame before[4], after[4];
	struct pagectl_pin_describe d;
	__u8 *buf, *dst, *moved;
	unsigned int i;
	__u64 h;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	dst = mmap(NULL, 4 * PAGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, dst);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	d = describe_arg(h, 0, 0, before, 4);
	ASSERT_EQ(0, describe(self->fd, &d));

	moved = mremap(buf, 4 * PAGE_SZ, 4 * PAGE_SZ, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(dst, moved);

	/* The pin keeps the start PIN reported and the same pinned frames. */
	d = describe_arg(h, 0, 0, after, 4);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(uaddr(buf), d.start);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(before[i].pfn, after[i].pfn);
		ASSERT_EQ(PINNED_FLAGS, after[i].flags & PINNED_FLAGS);
	}

	/* mremap moved page table entries, not pages: the new mapping maps the pinned frames. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(before[i].pfn, pagemap_pfn(moved + i * PAGE_SZ));

	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	munmap(moved, 4 * PAGE_SZ);
}

TEST_HARNESS_MAIN
