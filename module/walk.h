/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagectl: the page-table reader shared by WALK and WALK_RANGE.
 *
 * The kernel's own walkers (walk_page_range(), folio_walk_start()) and, from
 * 6.5, pte_offset_map() are not available to modules, so pagectl reads the
 * tables itself, the way GUP-fast does:
 *
 * - The mmap lock is held for reading, so the VMAs cannot change, and only
 *   addresses inside a VMA are walked: page tables of a range that has a VMA
 *   are not freed under a read lock, except through RCU (khugepaged's
 *   retract_page_tables(), empty-table reclaim), and ...
 * - ... every table is read with interrupts disabled, which holds off both
 *   an RCU grace period and the TLB-shootdown IPI that precede freeing a
 *   table.
 * - Each level is read once into a local snapshot, and the next level is
 *   found from that snapshot, never from a second read of the entry.
 * - A struct page is only looked at after a reference was taken on its
 *   folio and the entry that led to it was read again unchanged.
 *
 * Only values leave the walker: a walk is a snapshot, and describes the page
 * tables as they were at one instant per page-table page.
 *
 * decode.c reads and decodes the entries, vma.c describes the VMA and finds
 * the target address space, page.c the page behind a leaf.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_WALK_H
#define _PAGECTL_WALK_H

#include <linux/mm_types.h>
#include <linux/pgtable.h>

#include "internal.h"

/**
 * struct pagectl_path - what one descent from the PGD found
 * @level: the level of the entry the descent ended at
 * @kind: %PAGECTL_ENTRY_* of that entry
 * @raw: the value read at each level, valid down to @level
 * @kinds: %PAGECTL_ENTRY_* of each level
 * @pmdp: the PMD entry, when the descent reached the PMD level
 * @pmd: the snapshot of *@pmdp that the PTE table was found from
 * @pudp: the PUD entry, when the descent reached the PUD level
 */
struct pagectl_path {
	int level;
	u32 kind;
	u64 raw[PAGECTL_NR_LEVELS];
	u32 kinds[PAGECTL_NR_LEVELS];
	pmd_t *pmdp;
	pmd_t pmd;
	pud_t *pudp;
};

/**
 * struct pagectl_entry - one decoded entry
 * @kind: %PAGECTL_ENTRY_*
 * @bits: %PAGECTL_PTE_*
 * @pfn: the frame of the entry's first byte (leaf) or the frame encoded in
 *	a migration, device or hwpoison entry; 0 if none
 * @swap_type: for %PAGECTL_ENTRY_SWAP
 * @swap_offset: for %PAGECTL_ENTRY_SWAP
 */
struct pagectl_entry {
	u32 kind;
	u32 bits;
	unsigned long pfn;
	u32 swap_type;
	u64 swap_offset;
};

/* decode.c */
unsigned int pagectl_level_shift(int level);
u32 pagectl_decode_bits(u64 v, int level, bool leaf);
void pagectl_decode(int level, u32 kind, u64 raw, unsigned long pfn,
		    struct pagectl_entry *e);
void pagectl_descend(struct mm_struct *mm, struct vm_area_struct *vma,
		     unsigned long addr, struct pagectl_path *p);
pte_t pagectl_descend_pte(struct mm_struct *mm, struct vm_area_struct *vma,
			  unsigned long addr, struct pagectl_path *p,
			  pte_t **ptep);
unsigned long pagectl_path_pfn(const struct pagectl_path *p, int level);
bool pagectl_path_same(const struct pagectl_path *p, int level,
		       pte_t *ptep, pte_t pte);
bool pagectl_special_zero(struct vm_area_struct *vma, int level,
			  const struct pagectl_entry *e);

/* vma.c */
u32 pagectl_vma_backing(struct mm_struct *mm, struct vm_area_struct *vma);
struct mm_struct *pagectl_target_mm(u32 pid, struct task_struct **taskp);
struct mm_struct *pagectl_walk_mm(struct pagectl_file *pf, u32 flags, u32 pid);
void pagectl_fill_vma(struct pagectl_walk_vma *wv, struct mm_struct *mm,
		      struct vm_area_struct *vma, bool privileged);
bool pagectl_tables_stable(struct mm_struct *mm, struct vm_area_struct *vma);
int pagectl_walk_lock(struct mm_struct *mm, unsigned long *addr,
		      unsigned long len);

/* page.c */
struct folio *pagectl_leaf_folio(struct vm_area_struct *vma,
				 unsigned long pfn, u64 bits,
				 struct page **pagep);
void pagectl_fill_page(struct pagectl_walk_page *wp,
		       struct vm_area_struct *vma, struct page *page,
		       struct folio *folio, bool pmd_leaf, bool privileged);
void pagectl_fill_zero_page(struct pagectl_walk_page *wp, unsigned long pfn);

/* pinnable.c */
u32 pagectl_pin_refusal(struct vm_area_struct *vma, bool write);
u32 pagectl_pin_classify(struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long addr, bool write, bool privileged,
			 u32 *reason, unsigned long *next);

#endif /* _PAGECTL_WALK_H */
