/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagectl: every difference between the kernels pagectl builds for.
 *
 * Nothing outside this file tests what a kernel has. Each difference is
 * decided by compiling a probe against the target's headers
 * (module/probes/NAME.c, run by Kbuild), which defines PAGECTL_HAVE_<NAME>
 * in probes.h when the kernel has the name; this file then gives the rest of
 * the module the newest kernel's spelling, one name at a time, so a kernel
 * with only some of them (a stable backport) gets the others from here.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_COMPAT_H
#define _PAGECTL_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>

#include "probes.h"

#ifdef PAGECTL_HAVE_LEAFOPS_H
#include <linux/leafops.h>
#endif

/* The migrate type's bits of a pageblock's flags: their own mask from 6.16. */
#ifndef PAGECTL_HAVE_PAGEBLOCK_MIGRATETYPE_MASK
#define PAGEBLOCK_MIGRATETYPE_MASK	MIGRATETYPE_MASK
#endif

/* hrtimer_setup() replaced hrtimer_init() plus setting ->function (6.13). */
#ifndef PAGECTL_HAVE_HRTIMER_SETUP
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/* pmdp_get_lockless() arrived after 6.1; a 64-bit PMD is read in one go. */
#ifndef PAGECTL_HAVE_PMDP_GET_LOCKLESS
static inline pmd_t pmdp_get_lockless(pmd_t *pmdp)
{
	return READ_ONCE(*pmdp);
}
#endif

/* untagged_addr_remote() arrived with x86 LAM (6.4); before, nothing to strip. */
#ifndef PAGECTL_HAVE_UNTAGGED_ADDR_REMOTE
#define untagged_addr_remote(mm, addr)	untagged_addr(addr)
#endif

/*
 * folio_mapcount() became an inline in 6.2; 6.1 has it out of line and not
 * exported. This is 6.1's own computation.
 */
#ifdef PAGECTL_HAVE_FOLIO_MAPCOUNT
#define pagectl_folio_mapcount(folio)	folio_mapcount(folio)
#else
static inline int pagectl_folio_mapcount(struct folio *folio)
{
	int i, compound, nr, ret;

	if (likely(!folio_test_large(folio)))
		return atomic_read(&folio->_mapcount) + 1;

	compound = folio_entire_mapcount(folio);
	if (folio_test_hugetlb(folio))
		return compound;
	ret = compound;
	nr = folio_nr_pages(folio);
	for (i = 0; i < nr; i++)
		ret += atomic_read(&folio_page(folio, i)->_mapcount) + 1;
	/* File pages have the compound mapcount included in _mapcount. */
	if (!folio_test_anon(folio))
		return ret - compound * nr;
	if (folio_test_double_map(folio))
		ret -= nr;
	return ret;
}
#endif

/*
 * 7.x describes non-present entries as "software leaf entries"
 * (<linux/leafops.h>); before, they were swap entries with is_*_entry()
 * tests. The walker uses the new names; each one missing is given here.
 */
#ifndef PAGECTL_HAVE_SOFTLEAF_T
#define softleaf_t swp_entry_t
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_FROM_PTE
static inline softleaf_t softleaf_from_pte(pte_t pte)
{
	return pte_to_swp_entry(pte);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_IS_SWAP
static inline bool softleaf_is_swap(softleaf_t entry)
{
	return !non_swap_entry(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_IS_MIGRATION
static inline bool softleaf_is_migration(softleaf_t entry)
{
	return is_migration_entry(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_IS_MIGRATION_WRITE
static inline bool softleaf_is_migration_write(softleaf_t entry)
{
	return is_writable_migration_entry(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_IS_DEVICE_PRIVATE
static inline bool softleaf_is_device_private(softleaf_t entry)
{
	return is_device_private_entry(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_IS_DEVICE_PRIVATE_WRITE
static inline bool softleaf_is_device_private_write(softleaf_t entry)
{
	return is_writable_device_private_entry(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_IS_DEVICE_EXCLUSIVE
static inline bool softleaf_is_device_exclusive(softleaf_t entry)
{
	return is_device_exclusive_entry(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_IS_HWPOISON
static inline bool softleaf_is_hwpoison(softleaf_t entry)
{
	return is_hwpoison_entry(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_IS_MARKER
static inline bool softleaf_is_marker(softleaf_t entry)
{
	return is_pte_marker_entry(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_TO_MARKER
static inline pte_marker softleaf_to_marker(softleaf_t entry)
{
	return pte_marker_get(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_HAS_PFN
static inline bool softleaf_has_pfn(softleaf_t entry)
{
	return is_pfn_swap_entry(entry);
}
#endif

#ifndef PAGECTL_HAVE_SOFTLEAF_TO_PFN
static inline unsigned long softleaf_to_pfn(softleaf_t entry)
{
	return swp_offset_pfn(entry);
}
#endif

/* Marker kinds newer than 6.1: a kernel without one never sets its bit. */
#ifndef PAGECTL_HAVE_PTE_MARKER_GUARD
#define PTE_MARKER_GUARD	0
#endif

#ifndef PAGECTL_HAVE_PTE_MARKER_POISONED
#define PTE_MARKER_POISONED	0
#endif

/*
 * 7.3 calls the userfaultfd bits _PAGE_UFFD and pte_swp_uffd(): they mark
 * more than write protection. Before, _PAGE_UFFD_WP and pte_swp_uffd_wp().
 */
#ifndef PAGECTL_HAVE_PAGE_UFFD
#define _PAGE_UFFD		_PAGE_UFFD_WP
#endif

#ifndef PAGECTL_HAVE_PTE_SWP_UFFD
static inline int pte_swp_uffd(pte_t pte)
{
	return pte_swp_uffd_wp(pte);
}
#endif

/* From 6.6 a read-only dirty entry keeps its dirtiness in a software bit. */
#ifndef PAGECTL_HAVE_PAGE_SAVED_DIRTY
#define _PAGE_SAVED_DIRTY	0
#endif

/* mseal() (6.10); before, no VMA is sealed. */
#ifndef PAGECTL_HAVE_VM_SEALED
#define VM_SEALED		VM_NONE
#endif

/* vm_flags became read-only behind vm_flags_set() and vm_flags_clear() (6.3). */
#ifndef PAGECTL_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}
#endif

#ifndef PAGECTL_HAVE_VM_FLAGS_CLEAR
static inline void vm_flags_clear(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/*
 * Huge buffers need PMD leaves in a VM_PFNMAP VMA that are marked special,
 * so that GUP-fast, fork and zap leave their frames alone, and a fault path
 * that calls ->huge_fault() for such a VMA: both came with
 * CONFIG_ARCH_SUPPORTS_PMD_PFNMAP (6.12 on x86-64). Without it, a huge buffer
 * is EOPNOTSUPP.
 */
#if defined(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP) && defined(CONFIG_TRANSPARENT_HUGEPAGE)
#define PAGECTL_BUF_HUGE_SUPPORTED	1

#include <linux/huge_mm.h>

/* vmf_insert_pfn_pmd() took a pfn_t until pfn_t went away (7.x). */
#ifdef PAGECTL_HAVE_VMF_INSERT_PFN_PMD_PFN
#define pagectl_insert_pfn_pmd vmf_insert_pfn_pmd
#else
#include <linux/pfn_t.h>

static inline vm_fault_t pagectl_insert_pfn_pmd(struct vm_fault *vmf,
						unsigned long pfn, bool write)
{
	return vmf_insert_pfn_pmd(vmf, pfn_to_pfn_t(pfn), write);
}
#endif
#else
#define PAGECTL_BUF_HUGE_SUPPORTED	0
#endif

/*
 * WATCH is an MMU notifier: kernels build them only for a user (KVM, HMM,
 * RDMA on-demand paging, ...). Without them WATCH is absent (ENOTTY) and
 * PAGECTL_FEATURE_WATCH is clear.
 */
#define PAGECTL_WATCH_SUPPORTED	IS_ENABLED(CONFIG_MMU_NOTIFIER)

/*
 * GUP refuses FOLL_LONGTERM | FOLL_WRITE on a shared writable file mapping
 * that needs dirty tracking from 6.5 on (probes/gup_longterm_file_write.c).
 */
#ifdef PAGECTL_HAVE_GUP_LONGTERM_FILE_WRITE
#define PAGECTL_GUP_REFUSES_FILE_WRITE	1
#else
#define PAGECTL_GUP_REFUSES_FILE_WRITE	0
#endif

#endif /* _PAGECTL_COMPAT_H */
