// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffers seen by the page-table walk: a mapping of a buffer maps exactly
 * the frames the buffer reports; remap_pfn_range() mappings are VM_IO and
 * VM_PFNMAP with special entries and no struct page; page buffers have
 * struct pages; huge buffers are PMD leaves; DONTCOPY is VM_DONTCOPY, which
 * MADV_DOFORK can clear on a page buffer only, and only before 7.x.
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
#include <sys/stat.h>
#include <unistd.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "buf_util.h"
#include "pin_util.h"
#include "walk_util.h"

#define NPAGES	16
#define LEN	(NPAGES * PAGE_SZ)

FIXTURE(bufwalk) {
	int dev;
	int bfd;
	__u8 *map;
	size_t len;
	struct pagectl_info info;
	struct pagectl_frame f[1024];
	struct pagectl_walk_rec recs[1024];
};

FIXTURE_SETUP(bufwalk)
{
	char why[128];

	self->bfd = -1;
	self->map = NULL;
	self->dev = device_open(PAGECTL_FEATURE_WALK, &self->info, why, sizeof(why));
	if (self->dev < 0)
		SETUP_SKIP("%s", why);
	if (!(self->info.features & PAGECTL_FEATURE_BUF))
		SETUP_SKIP("the module has no buffers");
}

FIXTURE_TEARDOWN(bufwalk)
{
	if (self->map)
		munmap(self->map, self->len);
	if (self->bfd >= 0)
		close(self->bfd);
	if (self->dev >= 0)
		close(self->dev);
}

/*
 * A buffer of @len bytes with @flags in *@bfd, mapped whole at *@map and
 * written; its frames in @f. The number of frames, or -1.
 */
static int make(int dev, size_t len, __u32 flags, int *bfd, __u8 **map,
		size_t *map_len, struct pagectl_frame *f)
{
	*map_len = len;
	*bfd = buf_new(dev, len, flags);
	if (*bfd < 0)
		return -1;
	*map = buf_map(*bfd, len, PROT_READ | PROT_WRITE, 0);
	if (!*map)
		return -1;
	memset(*map, 0x5a, len);
	return buf_frames(*bfd, f, 1024);
}

#define MAKE(bytes, flags) \
	make(self->dev, bytes, flags, &self->bfd, &self->map, &self->len, self->f)

TEST_F(bufwalk, contig_is_pfnmap_with_the_buffer_frames)
{
	struct pagectl_walk_range wr;
	struct pagectl_walk w;
	int i;

	ASSERT_EQ(NPAGES, MAKE(LEN, PAGECTL_BUF_CONTIG));

	/* The VMA: a pagectl buffer, mapped by remap_pfn_range(): VM_IO | VM_PFNMAP. */
	ASSERT_EQ(0, walk_addr(self->dev, self->map + 3 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_BACKING_BUF, w.vma.backing);
	ASSERT_EQ(PAGECTL_VMA_IO | PAGECTL_VMA_PFNMAP | PAGECTL_VMA_SHARED,
		  w.vma.flags & (PAGECTL_VMA_IO | PAGECTL_VMA_PFNMAP | PAGECTL_VMA_SHARED |
				 PAGECTL_VMA_MIXEDMAP));
	ASSERT_EQ(0, w.vma.file_offset);
	ASSERT_NE(0, w.vma.ino);

	/* Special PTEs, no struct page to look at, and the buffer's own frame. */
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(PAGECTL_LEVEL_PTE, w.leaf_level);
	ASSERT_EQ(PAGECTL_PTE_SPECIAL | PAGECTL_PTE_WRITE,
		  w.level[PAGECTL_LEVEL_PTE].bits & (PAGECTL_PTE_SPECIAL | PAGECTL_PTE_WRITE));
	ASSERT_EQ(0, w.page.flags & PAGECTL_PAGE_VALID);
	ASSERT_EQ(self->f[3].pfn, w.pfn);

	/* Every page of the mapping, one record each, the same frames as BUF_INFO. */
	ASSERT_EQ(0, walk_range(self->dev, uaddr(self->map), uaddr(self->map) + LEN,
				PAGECTL_WALK_PAGE_STATE, self->recs, 1024, &wr));
	ASSERT_EQ(NPAGES, wr.nr_records);
	for (i = 0; i < NPAGES; i++) {
		ASSERT_EQ(uaddr(self->map) + i * PAGE_SZ, self->recs[i].addr);
		ASSERT_EQ(self->f[i].pfn, self->recs[i].pfn);
		ASSERT_EQ(self->f[0].pfn + i, self->recs[i].pfn);
		ASSERT_EQ(0, self->recs[i].page_flags);
	}
}

TEST_F(bufwalk, page_buffer_has_struct_pages)
{
	struct pagectl_walk_range wr;
	struct pagectl_walk w;
	int i;

	ASSERT_EQ(NPAGES, MAKE(LEN, 0));

	/* vm_insert_pages(): VM_MIXEDMAP, ordinary entries, real struct pages. */
	ASSERT_EQ(0, walk_addr(self->dev, self->map + 5 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_BACKING_BUF, w.vma.backing);
	ASSERT_EQ(PAGECTL_VMA_MIXEDMAP,
		  w.vma.flags & (PAGECTL_VMA_IO | PAGECTL_VMA_PFNMAP | PAGECTL_VMA_MIXEDMAP));
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_SPECIAL);
	ASSERT_EQ(PAGECTL_PAGE_VALID | PAGECTL_PAGE_BUF,
		  w.page.flags & (PAGECTL_PAGE_VALID | PAGECTL_PAGE_BUF | PAGECTL_PAGE_ANON));
	ASSERT_EQ(1, w.page.mapcount);
	ASSERT_EQ(self->f[5].pfn, w.pfn);
	ASSERT_EQ(self->f[5].nid, w.page.nid);

	ASSERT_EQ(0, walk_range(self->dev, uaddr(self->map), uaddr(self->map) + LEN,
				PAGECTL_WALK_PAGE_STATE, self->recs, 1024, &wr));
	ASSERT_EQ(NPAGES, wr.nr_records);
	for (i = 0; i < NPAGES; i++) {
		ASSERT_EQ(self->f[i].pfn, self->recs[i].pfn);
		ASSERT_EQ(PAGECTL_PAGE_BUF, self->recs[i].page_flags & PAGECTL_PAGE_BUF);
	}
}

TEST_F(bufwalk, mapping_at_an_offset)
{
	struct pagectl_walk w;
	__u8 *second;

	ASSERT_EQ(NPAGES, MAKE(LEN, PAGECTL_BUF_CONTIG));

	/* A second mapping of pages 4..7 maps the buffer's frames 4..7. */
	second = buf_map(self->bfd, 4 * PAGE_SZ, PROT_READ, 4 * PAGE_SZ);
	ASSERT_NE(NULL, second);
	ASSERT_EQ(0, walk_addr(self->dev, second + PAGE_SZ, &w));
	ASSERT_EQ(4 * PAGE_SZ, w.vma.file_offset);
	ASSERT_EQ(self->f[5].pfn, w.pfn);
	ASSERT_EQ(PAGECTL_PROT_READ, w.vma.prot);
	ASSERT_EQ(0, w.level[PAGECTL_LEVEL_PTE].bits & PAGECTL_PTE_WRITE);
	munmap(second, 4 * PAGE_SZ);
}

TEST_F(bufwalk, huge_buffer_is_pmd_leaves)
{
	const size_t len = 2 * HPAGE_SZ;
	struct pagectl_walk_range wr;
	struct pagectl_walk w;
	int i;

	if (!(self->info.features & PAGECTL_FEATURE_BUF_HUGE))
		SKIP(return, "no huge buffers on this kernel");
	ASSERT_EQ(len / PAGE_SZ, MAKE(len, PAGECTL_BUF_HUGE));
	ASSERT_EQ(0, uaddr(self->map) % HPAGE_SZ);

	/* Translation ends at the PMD: one 2 MiB special leaf per block. */
	ASSERT_EQ(0, walk_addr(self->dev, self->map + HPAGE_SZ + 5 * PAGE_SZ, &w));
	ASSERT_EQ(PAGECTL_LEVEL_PMD, w.leaf_level);
	ASSERT_EQ(PAGECTL_ENTRY_LEAF, w.leaf_kind);
	ASSERT_EQ(HPAGE_SZ, w.leaf_size);
	ASSERT_EQ(PAGECTL_PTE_HUGE | PAGECTL_PTE_SPECIAL,
		  w.level[PAGECTL_LEVEL_PMD].bits & (PAGECTL_PTE_HUGE | PAGECTL_PTE_SPECIAL));
	ASSERT_EQ(PAGECTL_VMA_IO | PAGECTL_VMA_PFNMAP,
		  w.vma.flags & (PAGECTL_VMA_IO | PAGECTL_VMA_PFNMAP));
	ASSERT_EQ(self->f[HPAGE_SZ / PAGE_SZ + 5].pfn, w.pfn);

	ASSERT_EQ(0, walk_range(self->dev, uaddr(self->map), uaddr(self->map) + len, 0,
				self->recs, 1024, &wr));
	ASSERT_EQ(2, wr.nr_records);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(21, self->recs[i].shift);
		ASSERT_EQ(PAGECTL_LEVEL_PMD, self->recs[i].level);
		ASSERT_EQ(self->f[i * HPAGE_SZ / PAGE_SZ].pfn, self->recs[i].pfn);
	}
}

TEST_F(bufwalk, page_buffer_dontcopy_and_madv_dofork)
{
	struct pagectl_walk w;
	int ret;

	ASSERT_EQ(NPAGES, MAKE(LEN, PAGECTL_BUF_DONTCOPY));
	ASSERT_EQ(0, walk_addr(self->dev, self->map, &w));
	ASSERT_EQ(PAGECTL_VMA_DONTCOPY, w.vma.flags & PAGECTL_VMA_DONTCOPY);

	/*
	 * Up to 6.12 a page buffer's mapping (VM_MIXEDMAP) takes MADV_DOFORK
	 * and loses VM_DONTCOPY; 7.x refuses it, as it does for VM_IO, and the
	 * flag stays. Either way the VMA says what fork() will do.
	 */
	ret = madvise(self->map, LEN, MADV_DOFORK);
	ASSERT_EQ(0, walk_addr(self->dev, self->map, &w));
	if (kernel_at_least(7, 0)) {
		ASSERT_EQ(-1, ret);
		ASSERT_EQ(EINVAL, errno);
		ASSERT_EQ(PAGECTL_VMA_DONTCOPY, w.vma.flags & PAGECTL_VMA_DONTCOPY);
	} else {
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, w.vma.flags & PAGECTL_VMA_DONTCOPY);
	}
}

TEST_F(bufwalk, contig_dontcopy_stays)
{
	struct pagectl_walk w;

	ASSERT_EQ(NPAGES, MAKE(LEN, PAGECTL_BUF_DONTCOPY | PAGECTL_BUF_CONTIG));

	/* madvise() refuses VM_IO mappings: the flag stays. */
	ASSERT_EQ(-1, madvise(self->map, LEN, MADV_DOFORK));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, walk_addr(self->dev, self->map, &w));
	ASSERT_EQ(PAGECTL_VMA_DONTCOPY, w.vma.flags & PAGECTL_VMA_DONTCOPY);
}

TEST_HARNESS_MAIN
