// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: what a struct page says, in the ABI's terms.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pgtable.h>

#include "walk.h"

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

/*
 * The page a present leaf maps, referenced, or NULL when it has none that
 * may be looked at: a special mapping (remap_pfn_range(), the zero page),
 * device memory, or a page being freed or split right now. Interrupts are
 * disabled; the caller re-reads the entry once the reference is held.
 */
struct folio *pagectl_leaf_folio(struct vm_area_struct *vma,
				 unsigned long pfn, u64 bits,
				 struct page **pagep)
{
	struct folio *folio;
	struct page *page;

	if (bits & PAGECTL_PTE_SPECIAL)
		return NULL;
	if (vma->vm_flags & (VM_PFNMAP | VM_IO))
		return NULL;
	page = pfn_to_online_page(pfn);
	if (!page)
		return NULL;
	folio = page_folio(page);
	if (!folio_try_get(folio))
		return NULL;
	if (unlikely(page_folio(page) != folio)) {
		folio_put(folio);
		return NULL;
	}
	*pagep = page;
	return folio;
}

/*
 * Fill the page state of a referenced page; @folio is put by the caller.
 * @pmd_leaf says a PMD maps the whole folio (pagectl_page_flags() then
 * reads anon-exclusive from its head page). An unprivileged caller gets the
 * counts and the sharing state only of a page mapped once, as
 * /proc/kpagecount is root's: how many processes map a library page, or
 * hold it, is not the caller's to know.
 */
void pagectl_fill_page(struct pagectl_walk_page *wp,
		       struct vm_area_struct *vma, struct page *page,
		       struct folio *folio, bool pmd_leaf,
		       bool privileged)
{
	wp->flags = pagectl_page_flags(page, pmd_leaf);
	/* In an anonymous VMA a mapped page that is not anon is the huge zero page. */
	if (vma_is_anonymous(vma) && !folio_test_anon(folio))
		wp->flags |= PAGECTL_PAGE_ZERO;
	/* Only a buffer's own pages are inserted into its mappings. */
	if (vma->vm_file && pagectl_file_is_buf(vma->vm_file))
		wp->flags |= PAGECTL_PAGE_BUF;
	wp->refcount = folio_ref_count(folio) - 1;
	wp->mapcount = pagectl_folio_mapcount(folio);
	wp->pincount = folio_test_large(folio) ?
		       atomic_read(&folio->_pincount) : 0;
	wp->order = folio_order(folio);
	wp->nid = page_to_nid(page);
	wp->zone = pagectl_zone(page);
	if (!privileged && wp->mapcount != 1) {
		wp->flags &= ~PAGECTL_PAGE_SHARING_FLAGS;
		wp->refcount = 0;
		wp->mapcount = 0;
		wp->pincount = 0;
	}
}

/**
 * pagectl_folio_pmd_mapped() - does a PMD map the whole of a THP?
 * @folio: a folio the caller holds a reference or a pin on
 *
 * A THP mapped by a PMD keeps its anon-exclusive bit on its head page, as
 * a hugetlb folio always does (pagectl_page_flags()); for a caller that
 * holds the page without knowing the entry that maps it, as a pin does.
 *
 * Return: true if some PMD maps the folio.
 */
bool pagectl_folio_pmd_mapped(struct folio *folio)
{
	return folio_test_large(folio) && !folio_test_hugetlb(folio) &&
	       folio_entire_mapcount(folio) > 0;
}

void pagectl_fill_zero_page(struct pagectl_walk_page *wp,
			    unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);

	/* A permanent page: its struct page can be read without a reference. */
	wp->flags = PAGECTL_PAGE_VALID | PAGECTL_PAGE_ZERO;
	wp->nid = page_to_nid(page);
	wp->zone = pagectl_zone(page);
}
