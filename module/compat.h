/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagectl: every difference between the kernels pagectl builds for.
 *
 * Nothing outside this file tests a kernel version. Each difference is
 * detected from the target's headers by a probe in Kbuild, which defines
 * PAGECTL_HAVE_<thing>; this file then gives the rest of the module the
 * newest kernel's name for it.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_COMPAT_H
#define _PAGECTL_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/mm.h>

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

/* vm_flags became read-only behind vm_flags_set() and vm_flags_clear() (6.3). */
#ifndef PAGECTL_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}

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
#ifdef PAGECTL_HAVE_INSERT_PFN_PMD_PFN
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

#endif /* _PAGECTL_COMPAT_H */
