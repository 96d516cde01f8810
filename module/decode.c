// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: reading and decoding page-table entries, level by level, as x86-64
 * defines them (see walk.h for the rules every read follows).
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swapops.h>

#include "walk.h"

unsigned int pagectl_level_shift(int level)
{
	switch (level) {
	case PAGECTL_LEVEL_PGD:
		return PGDIR_SHIFT;
	case PAGECTL_LEVEL_P4D:
		return P4D_SHIFT;
	case PAGECTL_LEVEL_PUD:
		return PUD_SHIFT;
	case PAGECTL_LEVEL_PMD:
		return PMD_SHIFT;
	default:
		return PAGE_SHIFT;
	}
}

/* With 4-level paging the P4D is the PGD: the hardware has no such level. */
static bool pagectl_p4d_folded(void)
{
	return PTRS_PER_P4D == 1;
}

/* A read-only dirty entry may keep its dirtiness in a software bit. */
#define PAGECTL_X86_DIRTY	(_PAGE_DIRTY | _PAGE_SAVED_DIRTY)

/*
 * The hardware bits of an entry at any level. @leaf says the entry maps a
 * page: then bit 7 is PAT in a PTE and PSE (huge) above it.
 */
u32 pagectl_decode_bits(u64 v, int level, bool leaf)
{
	u32 bits = 0;
	bool protnone = (v & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;

	if (v & _PAGE_PRESENT)
		bits |= PAGECTL_PTE_PRESENT;
	if (v & _PAGE_RW)
		bits |= PAGECTL_PTE_WRITE;
	if (v & _PAGE_USER)
		bits |= PAGECTL_PTE_USER;
	if (v & _PAGE_PWT)
		bits |= PAGECTL_PTE_PWT;
	if (v & _PAGE_PCD)
		bits |= PAGECTL_PTE_PCD;
	if (v & _PAGE_ACCESSED)
		bits |= PAGECTL_PTE_ACCESSED;
	if (v & PAGECTL_X86_DIRTY)
		bits |= PAGECTL_PTE_DIRTY;
	if (v & _PAGE_NX)
		bits |= PAGECTL_PTE_NX;
	if (protnone)
		bits |= PAGECTL_PTE_PROTNONE;
	else if (v & _PAGE_GLOBAL)
		bits |= PAGECTL_PTE_GLOBAL;
	if (leaf && level == PAGECTL_LEVEL_PTE) {
		if (v & _PAGE_PAT)
			bits |= PAGECTL_PTE_PAT;
	} else if (leaf) {
		if (v & _PAGE_PSE)
			bits |= PAGECTL_PTE_HUGE;
		if (v & _PAGE_PAT_LARGE)
			bits |= PAGECTL_PTE_PAT;
	}
	/* Special PMD and PUD leaves (PFN maps) exist from 6.12; 6.1 never sets the bit there. */
	if (leaf && (v & _PAGE_SPECIAL))
		bits |= PAGECTL_PTE_SPECIAL;
	if (leaf && (v & _PAGE_SOFT_DIRTY))
		bits |= PAGECTL_PTE_SOFT_DIRTY;
	if (leaf && (v & _PAGE_UFFD))
		bits |= PAGECTL_PTE_UFFD_WP;
	return bits;
}

/*
 * A non-present, non-empty entry. At the PMD and PUD levels (THP migration,
 * hugetlb swap and migration) the kernel uses the PTE encoding too.
 */
static void pagectl_decode_softleaf(pte_t pte, struct pagectl_entry *e)
{
	softleaf_t entry = softleaf_from_pte(pte);

	if (pte_swp_soft_dirty(pte))
		e->bits |= PAGECTL_PTE_SOFT_DIRTY;
	if (pte_swp_uffd(pte))
		e->bits |= PAGECTL_PTE_UFFD_WP;
	if (pte_swp_exclusive(pte))
		e->bits |= PAGECTL_PTE_SWP_EXCLUSIVE;

	if (softleaf_is_swap(entry)) {
		e->kind = PAGECTL_ENTRY_SWAP;
		e->swap_type = swp_type(entry);
		e->swap_offset = swp_offset(entry);
		return;
	}
	if (softleaf_has_pfn(entry))
		e->pfn = softleaf_to_pfn(entry);
	if (softleaf_is_migration(entry)) {
		e->kind = PAGECTL_ENTRY_MIGRATION;
		if (softleaf_is_migration_write(entry))
			e->bits |= PAGECTL_PTE_SWP_WRITE;
	} else if (softleaf_is_device_private(entry)) {
		e->kind = PAGECTL_ENTRY_DEVICE_PRIVATE;
		if (softleaf_is_device_private_write(entry))
			e->bits |= PAGECTL_PTE_SWP_WRITE;
	} else if (softleaf_is_device_exclusive(entry)) {
		e->kind = PAGECTL_ENTRY_DEVICE_EXCLUSIVE;
	} else if (softleaf_is_hwpoison(entry)) {
		e->kind = PAGECTL_ENTRY_HWPOISON;
		e->pfn = swp_offset(entry);
	} else if (softleaf_is_marker(entry)) {
		pte_marker marker = softleaf_to_marker(entry);

		e->kind = PAGECTL_ENTRY_MARKER;
		if (marker & PTE_MARKER_UFFD_WP)
			e->bits |= PAGECTL_PTE_MARKER_UFFD_WP;
		if (marker & PTE_MARKER_GUARD)
			e->bits |= PAGECTL_PTE_MARKER_GUARD;
		if (marker & PTE_MARKER_POISONED)
			e->bits |= PAGECTL_PTE_MARKER_POISON;
	} else {
		e->kind = PAGECTL_ENTRY_UNKNOWN;
	}
}

/* Decode the entry a descent ended at, or one PTE. */
void pagectl_decode(int level, u32 kind, u64 raw, unsigned long pfn,
		    struct pagectl_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	if (kind == PAGECTL_ENTRY_LEAF) {
		e->bits = pagectl_decode_bits(raw, level, true);
		e->pfn = pfn;
	} else if (kind == PAGECTL_ENTRY_SWAP) {
		/* "Not present, not empty": find out what it really is. */
		pagectl_decode_softleaf(__pte(raw), e);
	} else if (kind == PAGECTL_ENTRY_BAD) {
		e->bits = pagectl_decode_bits(raw, level, false);
	}
}

/*
 * Read the levels above the PTEs for @addr, with interrupts disabled.
 * Ends at the first entry that is not a table; when that is the PMD's
 * PTE table, @p->level is %PAGECTL_LEVEL_PTE and @p->pmd the PMD snapshot.
 * A non-present, non-empty entry is reported as %PAGECTL_ENTRY_SWAP here
 * and told apart by pagectl_decode().
 */
void pagectl_descend(struct mm_struct *mm, struct vm_area_struct *vma,
		     unsigned long addr, struct pagectl_path *p)
{
	bool folded = pagectl_p4d_folded();
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	int lvl;

	memset(p, 0, sizeof(*p));
	pgdp = pgd_offset(mm, addr);
	pgd = READ_ONCE(*pgdp);
	p->raw[PAGECTL_LEVEL_PGD] = pgd_val(pgd);
	if (!folded) {
		p->level = PAGECTL_LEVEL_PGD;
		if (pgd_none(pgd))
			goto none;
		if (pgd_bad(pgd))
			goto bad;
		p->kinds[PAGECTL_LEVEL_PGD] = PAGECTL_ENTRY_TABLE;
	}

	/* Folded: the PGD entry is judged as the P4D it really is. */
	p4dp = p4d_offset_lockless(pgdp, pgd, addr);
	p4d = READ_ONCE(*p4dp);
	lvl = folded ? PAGECTL_LEVEL_PGD : PAGECTL_LEVEL_P4D;
	if (folded)
		p->kinds[PAGECTL_LEVEL_P4D] = PAGECTL_ENTRY_FOLDED;
	p->raw[lvl] = p4d_val(p4d);
	p->level = lvl;
	if (p4d_none(p4d))
		goto none;
	if (p4d_bad(p4d))
		goto bad;
	p->kinds[lvl] = PAGECTL_ENTRY_TABLE;

	pudp = pud_offset_lockless(p4dp, p4d, addr);
	pud = READ_ONCE(*pudp);
	p->pudp = pudp;
	p->raw[PAGECTL_LEVEL_PUD] = pud_val(pud);
	p->level = PAGECTL_LEVEL_PUD;
	if (pud_none(pud))
		goto none;
	/*
	 * As pmd_present(): a PROT_NONE huge leaf has PSE and PROTNONE but not
	 * PRESENT, and its frame is no swap entry. Only hugetlb puts swap or
	 * migration entries in a PUD.
	 */
	if (!(pud_flags(pud) & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE))) {
		if (!is_vm_hugetlb_page(vma))
			goto bad;
		goto nonpresent;
	}
	if (pud_flags(pud) & _PAGE_PSE)
		goto leaf;
	if (pud_bad(pud))
		goto bad;
	p->kinds[PAGECTL_LEVEL_PUD] = PAGECTL_ENTRY_TABLE;

	pmdp = pmd_offset_lockless(pudp, pud, addr);
	pmd = pmdp_get_lockless(pmdp);
	p->pmdp = pmdp;
	p->raw[PAGECTL_LEVEL_PMD] = pmd_val(pmd);
	p->level = PAGECTL_LEVEL_PMD;
	if (pmd_none(pmd))
		goto none;
	if (!pmd_present(pmd))
		goto nonpresent;
	if (pmd_leaf(pmd))
		goto leaf;
	if (pmd_bad(pmd))
		goto bad;
	p->kinds[PAGECTL_LEVEL_PMD] = PAGECTL_ENTRY_TABLE;
	p->pmd = pmd;
	p->level = PAGECTL_LEVEL_PTE;
	p->kind = PAGECTL_ENTRY_TABLE;
	return;

none:
	p->kind = PAGECTL_ENTRY_NONE;
	goto out;
bad:
	p->kind = PAGECTL_ENTRY_BAD;
	goto out;
nonpresent:
	p->kind = PAGECTL_ENTRY_SWAP;
	goto out;
leaf:
	p->kind = PAGECTL_ENTRY_LEAF;
out:
	p->kinds[p->level] = p->kind;
}

/**
 * pagectl_descend_pte() - pagectl_descend(), then the PTE if it reached one
 * @mm: the address space
 * @vma: the VMA of @addr
 * @addr: the address
 * @p: out: the path, down to the entry that ends the translation
 * @ptep: out: the PTE's slot, or NULL when the descent ended above it
 *
 * With interrupts disabled, as pagectl_descend().
 *
 * Return: the PTE read, or an empty one above the PTE level.
 */
pte_t pagectl_descend_pte(struct mm_struct *mm, struct vm_area_struct *vma,
			  unsigned long addr, struct pagectl_path *p,
			  pte_t **ptep)
{
	pte_t pte;

	*ptep = NULL;
	pagectl_descend(mm, vma, addr, p);
	if (p->level != PAGECTL_LEVEL_PTE)
		return __pte(0);
	*ptep = pte_offset_kernel(&p->pmd, addr);
	pte = ptep_get_lockless(*ptep);
	p->raw[PAGECTL_LEVEL_PTE] = pte_val(pte);
	if (pte_none(pte))
		p->kind = PAGECTL_ENTRY_NONE;
	else if (pte_present(pte))
		p->kind = PAGECTL_ENTRY_LEAF;
	else
		p->kind = PAGECTL_ENTRY_SWAP;
	p->kinds[PAGECTL_LEVEL_PTE] = p->kind;
	return pte;
}

/* The frame a table entry or a huge leaf at @level points to. */
unsigned long pagectl_path_pfn(const struct pagectl_path *p, int level)
{
	u64 raw = p->raw[level];

	switch (level) {
	case PAGECTL_LEVEL_PGD:
		return pagectl_p4d_folded() ? p4d_pfn(__p4d(raw)) :
					      pgd_pfn(__pgd(raw));
	case PAGECTL_LEVEL_P4D:
		return p4d_pfn(__p4d(raw));
	case PAGECTL_LEVEL_PUD:
		return pud_pfn(__pud(raw));
	case PAGECTL_LEVEL_PMD:
		return pmd_pfn(__pmd(raw));
	default:
		return pte_pfn(__pte(raw));
	}
}

/* Is the entry at @level still the one the descent read? */
bool pagectl_path_same(const struct pagectl_path *p, int level,
		       pte_t *ptep, pte_t pte)
{
	switch (level) {
	case PAGECTL_LEVEL_PTE:
		return pte_same(ptep_get_lockless(ptep), pte) &&
		       pmd_same(pmdp_get_lockless(p->pmdp), p->pmd);
	case PAGECTL_LEVEL_PMD:
		return pmd_val(pmdp_get_lockless(p->pmdp)) ==
		       p->raw[PAGECTL_LEVEL_PMD];
	default:
		return pud_val(READ_ONCE(*p->pudp)) == p->raw[PAGECTL_LEVEL_PUD];
	}
}

/*
 * A special leaf that is a zero page: the shared one, or, in an anonymous
 * VMA, a special PMD, which only the huge zero page is there (7.x maps it
 * so; its pfn is not exported to modules).
 */
bool pagectl_special_zero(struct vm_area_struct *vma, int level,
			  const struct pagectl_entry *e)
{
	if (e->kind != PAGECTL_ENTRY_LEAF || !(e->bits & PAGECTL_PTE_SPECIAL))
		return false;
	return is_zero_pfn(e->pfn) ||
	       (level == PAGECTL_LEVEL_PMD && vma_is_anonymous(vma));
}
