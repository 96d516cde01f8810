// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: what a long-term pin of a page would meet, decided as GUP
 * decides it (check_vma_flags() and folio_is_longterm_pinnable() in
 * mm/gup.c and mm.h), for PIN_CHECK and for the report of a failed PIN.
 *
 * The answer is a snapshot: the page tables are read as walk.h says, and
 * nothing is faulted in, migrated or changed. A page must migrate when it is
 * in ZONE_MOVABLE or in a CMA area's pageblock.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/backing-dev.h>
#include <linux/fs.h>
#include <linux/irqflags.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/page-flags.h>

#include "walk.h"

/* As vma_needs_dirty_tracking() (mm/vma.c), which modules cannot call. */
static bool pagectl_needs_dirty_tracking(struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops = vma->vm_ops;
	struct file *file = vma->vm_file;

	if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE))
		return false;
	/* The file system is told of the first write to a page. */
	if (ops && (ops->page_mkwrite || ops->pfn_mkwrite))
		return true;
	if (vma->vm_flags & VM_PFNMAP)
		return false;
	return file && file->f_mapping && mapping_can_writeback(file->f_mapping);
}

/**
 * pagectl_pin_refusal() - why GUP refuses a long-term pin of a whole VMA
 * @vma: the VMA, with the mmap lock held
 * @write: a writable pin (FOLL_WRITE)
 *
 * Return: a %PAGECTL_PINCHECK_* reason of %PAGECTL_PINCHECK_REFUSED, or
 * %PAGECTL_PINCHECK_NONE when the VMA itself does not stop the pin.
 */
u32 pagectl_pin_refusal(struct vm_area_struct *vma, bool write)
{
	unsigned long vm_flags = vma->vm_flags;
	struct file *file = vma->vm_file;

	if (vm_flags & (VM_IO | VM_PFNMAP))
		return PAGECTL_PINCHECK_IO_PFNMAP;
	if (vma_is_fsdax(vma))
		return PAGECTL_PINCHECK_FSDAX;
	/* vma_is_secretmem() is not exported: its file system is the test. */
	if (file && file_inode(file)->i_sb->s_magic == SECRETMEM_MAGIC)
		return PAGECTL_PINCHECK_SECRETMEM;
	if (!(vm_flags & (VM_READ | VM_WRITE)))
		return PAGECTL_PINCHECK_NO_ACCESS;
	if (write) {
		if (PAGECTL_GUP_REFUSES_FILE_WRITE && !vma_is_anonymous(vma) &&
		    pagectl_needs_dirty_tracking(vma))
			return PAGECTL_PINCHECK_FILE_WRITE;
		if (!(vm_flags & VM_WRITE))
			return PAGECTL_PINCHECK_NOT_WRITABLE;
	} else if (!(vm_flags & VM_READ)) {
		return PAGECTL_PINCHECK_NO_ACCESS;
	}
	return PAGECTL_PINCHECK_NONE;
}

#if defined(CONFIG_CMA) && defined(CONFIG_SPARSEMEM)
/*
 * Whether @pfn's pageblock belongs to a CMA area. get_pfnblock_migratetype()
 * is not exported, so this reads the flags as it does (mm/page_alloc.c):
 * one word of the section's pageblock bitmap, racily, as the kernel does
 * too, through a pointer as the kernel does (indexing the bitmap's
 * zero-length array itself trips UBSAN's bounds check). Interrupts are
 * disabled, which holds off the section's removal.
 */
static bool pagectl_pfn_in_cma(unsigned long pfn)
{
	unsigned long *bitmap = section_to_usemap(__pfn_to_section(pfn));
	unsigned long bitidx = ((pfn & (PAGES_PER_SECTION - 1)) >> pageblock_order) *
			       NR_PAGEBLOCK_BITS;
	unsigned long word = READ_ONCE(bitmap[bitidx / BITS_PER_LONG]);

	return ((word >> (bitidx % BITS_PER_LONG)) & PAGEBLOCK_MIGRATETYPE_MASK) ==
	       MIGRATE_CMA;
}
#else
static bool pagectl_pfn_in_cma(unsigned long pfn)
{
	return false;
}
#endif

/* References a folio has for its mappings and caches, as migration counts. */
static int pagectl_expected_refs(struct folio *folio)
{
	int refs = pagectl_folio_mapcount(folio);

	if (folio_test_swapcache(folio) ||
	    (!folio_test_anon(folio) && folio->mapping))
		refs += folio_nr_pages(folio);
	if (folio_test_private(folio))
		refs++;
	return refs;
}

/*
 * A referenced folio mapped where the pin would take it. Whether something
 * else holds a folio other processes map too (a pipe, O_DIRECT, io_uring,
 * another pin) is not for a caller without CAP_SYS_ADMIN to learn: such a
 * caller is told what the folio's zone or pageblock asks of a pin, as if
 * nothing held it.
 */
static u32 pagectl_pin_folio(struct folio *folio, struct page *page,
			     bool write, bool leaf_is_folio, bool privileged,
			     u32 *reason)
{
	struct page *excl = leaf_is_folio || folio_test_hugetlb(folio) ?
			    &folio->page : page;
	bool movable;
	int refs;

	/* A read pin of a shared anon page unshares it first (gup_must_unshare()). */
	if (!write && folio_test_anon(folio) && !PageAnonExclusive(excl)) {
		*reason = PAGECTL_PINCHECK_COW;
		return PAGECTL_PINCHECK_FAULT_IN;
	}
	movable = page_zonenum(page) == ZONE_MOVABLE;
	if (!movable && !pagectl_pfn_in_cma(page_to_pfn(page)))
		return PAGECTL_PINCHECK_OK;
	if (!privileged && pagectl_folio_mapcount(folio) > 1)
		goto migrate;
	/*
	 * Our own reference is one beyond the expected ones. A folio not yet
	 * on the LRU may be held by a CPU's batch of folios to add to it,
	 * which GUP drains before it migrates (lru_add_drain_all()).
	 */
	refs = pagectl_expected_refs(folio) + 1;
	if (!folio_test_lru(folio) && !folio_test_hugetlb(folio))
		refs++;
	if (folio_maybe_dma_pinned(folio) || folio_ref_count(folio) > refs) {
		*reason = PAGECTL_PINCHECK_EXTRA_REFS;
		return PAGECTL_PINCHECK_MIGRATE_BLOCKED;
	}
migrate:
	*reason = movable ? PAGECTL_PINCHECK_MOVABLE : PAGECTL_PINCHECK_CMA;
	return PAGECTL_PINCHECK_MIGRATE;
}

/**
 * pagectl_pin_classify() - what a pin of one page would meet
 * @mm: the address space, its mmap lock held for reading
 * @vma: the VMA of @addr, which pagectl_pin_refusal() does not refuse
 * @addr: the page, page aligned
 * @write: a writable pin
 * @privileged: the caller may learn whether others hold a page it shares
 *	(CAP_SYS_ADMIN at open, as for frames)
 * @reason: out: the %PAGECTL_PINCHECK_* reason of the verdict
 * @next: out: the end of the page-table entry that answered: beyond @addr's
 *	page for a huge leaf or an empty upper-level entry
 *
 * Interrupts are disabled (walk.h).
 *
 * Return: the %PAGECTL_PINCHECK_* verdict.
 */
u32 pagectl_pin_classify(struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long addr, bool write, bool privileged,
			 u32 *reason, unsigned long *next)
{
	pte_t *ptep = NULL, pte = __pte(0);
	struct pagectl_path p;
	struct folio *folio;
	struct page *page;
	unsigned long pfn;
	u32 verdict;
	u64 bits;

	*reason = PAGECTL_PINCHECK_NONE;
	pagectl_descend(mm, vma, addr, &p);
	*next = (addr | ((1UL << pagectl_level_shift(p.level)) - 1)) + 1;
	if (p.level == PAGECTL_LEVEL_PTE) {
		ptep = pte_offset_kernel(&p.pmd, addr);
		pte = ptep_get_lockless(ptep);
		if (pte_none(pte)) {
			unsigned long table_end = (addr | (PMD_SIZE - 1)) + 1;

			/* The empty PTEs that follow in this table answer alike. */
			while (*next < table_end && pte_none(ptep_get_lockless(++ptep)))
				*next += PAGE_SIZE;
			goto not_present;
		}
		if (!pte_present(pte))
			goto swapped;
		pfn = pte_pfn(pte);
		bits = pagectl_decode_bits(pte_val(pte), PAGECTL_LEVEL_PTE, true);
	} else if (p.kind == PAGECTL_ENTRY_LEAF) {
		pfn = pagectl_path_pfn(&p, p.level) +
		      ((addr & ((1UL << pagectl_level_shift(p.level)) - 1)) >> PAGE_SHIFT);
		bits = pagectl_decode_bits(p.raw[p.level], p.level, true);
	} else if (p.kind == PAGECTL_ENTRY_NONE) {
		goto not_present;
	} else {
		goto swapped;
	}

	/* A NUMA-hinting entry: GUP faults it in. */
	if (bits & PAGECTL_PTE_PROTNONE)
		goto not_present;
	/* A write pin needs a writable entry: a write fault breaks COW. */
	if (write && !(bits & PAGECTL_PTE_WRITE)) {
		*reason = PAGECTL_PINCHECK_COW;
		return PAGECTL_PINCHECK_FAULT_IN;
	}
	folio = pagectl_leaf_folio(vma, pfn, bits, &page);
	/* The zero page, for reading: pinned as it is. */
	if (!folio)
		return PAGECTL_PINCHECK_OK;
	if (!pagectl_path_same(&p, p.level, ptep, pte)) {
		folio_put(folio);
		goto swapped;
	}
	verdict = pagectl_pin_folio(folio, page, write,
				    p.level != PAGECTL_LEVEL_PTE, privileged,
				    reason);
	folio_put(folio);
	return verdict;

not_present:
	*reason = PAGECTL_PINCHECK_NOT_PRESENT;
	return PAGECTL_PINCHECK_FAULT_IN;
swapped:
	*reason = PAGECTL_PINCHECK_SWAPPED;
	return PAGECTL_PINCHECK_FAULT_IN;
}

/**
 * pagectl_pin_fail_reason() - why a pin of one page of @mm failed
 * @mm: the caller's address space, its mmap lock not held
 * @addr: the page
 * @write: a writable pin
 * @privileged: as for pagectl_pin_classify()
 *
 * Return: the %PAGECTL_PINCHECK_* reason PIN_CHECK gives the page now.
 */
u32 pagectl_pin_fail_reason(struct mm_struct *mm, unsigned long addr,
			    bool write, bool privileged)
{
	struct vm_area_struct *vma;
	unsigned long flags, next;
	u32 reason;

	if (mmap_read_lock_killable(mm))
		return PAGECTL_PINCHECK_NONE;
	vma = vma_lookup(mm, addr);
	if (!vma) {
		reason = PAGECTL_PINCHECK_NO_VMA;
		goto out;
	}
	reason = pagectl_pin_refusal(vma, write);
	if (reason || !pagectl_tables_stable(mm, vma))
		goto out;
	local_irq_save(flags);
	pagectl_pin_classify(mm, vma, addr & PAGE_MASK, write, privileged,
			     &reason, &next);
	local_irq_restore(flags);
out:
	mmap_read_unlock(mm);
	return reason;
}
