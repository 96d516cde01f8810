// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: what a struct page says, in the ABI's terms.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pgtable.h>

#include "internal.h"

/**
 * pagectl_zone() - the zone of a page, as %PAGECTL_ZONE_*
 * @page: the page
 *
 * Return: the zone.
 */
u32 pagectl_zone(struct page *page)
{
	switch (page_zonenum(page)) {
#ifdef CONFIG_ZONE_DMA
	case ZONE_DMA:
		return PAGECTL_ZONE_DMA;
#endif
#ifdef CONFIG_ZONE_DMA32
	case ZONE_DMA32:
		return PAGECTL_ZONE_DMA32;
#endif
	case ZONE_NORMAL:
		return PAGECTL_ZONE_NORMAL;
#ifdef CONFIG_HIGHMEM
	case ZONE_HIGHMEM:
		return PAGECTL_ZONE_HIGHMEM;
#endif
	case ZONE_MOVABLE:
		return PAGECTL_ZONE_MOVABLE;
#ifdef CONFIG_ZONE_DEVICE
	case ZONE_DEVICE:
		return PAGECTL_ZONE_DEVICE;
#endif
	default:
		return PAGECTL_ZONE_UNKNOWN;
	}
}

/**
 * pagectl_page_flags() - the state of a page, as %PAGECTL_PAGE_* bits
 * @page: a page the caller holds a reference or a pin on, so that its
 *	folio cannot be freed or split under us
 * @pmd_mapped: a PMD maps the whole folio where the caller found @page
 *
 * Return: the bits, always with %PAGECTL_PAGE_VALID.
 */
u32 pagectl_page_flags(struct page *page, bool pmd_mapped)
{
	struct folio *folio = page_folio(page);
	u32 flags = PAGECTL_PAGE_VALID;

	if (is_zero_pfn(page_to_pfn(page)))
		flags |= PAGECTL_PAGE_ZERO;
	if (folio_test_ksm(folio))
		flags |= PAGECTL_PAGE_KSM;
	else if (folio_test_anon(folio))
		flags |= PAGECTL_PAGE_ANON;
	else if (folio_test_swapbacked(folio))
		flags |= PAGECTL_PAGE_SHMEM;
	else if (folio->mapping)
		flags |= PAGECTL_PAGE_FILE;
	if (folio_test_hugetlb(folio))
		flags |= PAGECTL_PAGE_HUGETLB;
	else if (folio_test_large(folio))
		flags |= PAGECTL_PAGE_THP;
	/*
	 * A hugetlb folio, and a THP mapped by a PMD, keep the bit on their
	 * head page only.
	 */
	if (folio_test_anon(folio) &&
	    PageAnonExclusive(folio_test_hugetlb(folio) || pmd_mapped ? &folio->page : page))
		flags |= PAGECTL_PAGE_ANON_EXCLUSIVE;
	if (folio_maybe_dma_pinned(folio))
		flags |= PAGECTL_PAGE_MAYBE_DMA_PINNED;
	if (folio_test_lru(folio))
		flags |= PAGECTL_PAGE_LRU;
	if (folio_test_unevictable(folio))
		flags |= PAGECTL_PAGE_UNEVICTABLE;
	if (folio_test_mlocked(folio))
		flags |= PAGECTL_PAGE_MLOCKED;
	if (folio_test_dirty(folio))
		flags |= PAGECTL_PAGE_DIRTY;
	if (folio_test_writeback(folio))
		flags |= PAGECTL_PAGE_WRITEBACK;
	if (folio_test_swapcache(folio))
		flags |= PAGECTL_PAGE_SWAPCACHE;
	if (PageReserved(page))
		flags |= PAGECTL_PAGE_RESERVED;
	return flags;
}
