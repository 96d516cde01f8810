// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: HUGE_MAP, what each 2 MiB slot of a range is backed by, and why
 * it is not one huge page.
 *
 * For every slot a VMA meets: a PMD leaf (THP or hugetlb), PTEs of which
 * some map a large folio (with the largest order), PTEs of small pages
 * (with how many are present), or nothing; and what the VMA and its file
 * say against a huge page there. The page tables are read as WALK_RANGE
 * reads them (walk.h), and nothing is faulted in or changed.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/hugetlb.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "walk.h"

/* Slots examined under one hold of the mmap lock; 6 KiB of records. */
#define PAGECTL_HUGE_BATCH	256

#define PAGECTL_SLOT_PAGES	(PMD_SIZE >> PAGE_SHIFT)

/* What the VMA, and its file, say against a huge page at @slot. */
static u32 pagectl_huge_reasons(struct vm_area_struct *vma, unsigned long slot,
				u32 backing)
{
	unsigned long vm_flags = vma->vm_flags;
	u32 reasons = 0;

	if (vm_flags & VM_NOHUGEPAGE)
		reasons |= PAGECTL_HUGE_NOHUGEPAGE;
	if (vm_flags & VM_HUGEPAGE)
		reasons |= PAGECTL_HUGE_ADVISED;
	if (vm_flags & (VM_UFFD_MISSING | VM_UFFD_MINOR))
		reasons |= PAGECTL_HUGE_UFFD;
	if ((vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP)) ||
	    backing == PAGECTL_BACKING_SPECIAL || backing == PAGECTL_BACKING_DEVICE)
		reasons |= PAGECTL_HUGE_SPECIAL;
	if (slot < vma->vm_start || slot + PMD_SIZE > vma->vm_end)
		reasons |= PAGECTL_HUGE_UNALIGNED;
	else if (vma->vm_file &&
		 (((slot - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff) % PAGECTL_SLOT_PAGES)
		reasons |= PAGECTL_HUGE_UNALIGNED;
	if (backing == PAGECTL_BACKING_FILE &&
	    !mapping_large_folio_support(vma->vm_file->f_mapping))
		reasons |= PAGECTL_HUGE_NO_LARGE_FOLIOS;
	return reasons;
}

/*
 * The PTEs of @slot inside [@from, @to), which one VMA covers: how many are
 * present, and the largest folio order among them. Interrupts are disabled.
 */
static void pagectl_huge_scan_ptes(struct vm_area_struct *vma, pmd_t pmd,
				   unsigned long from, unsigned long to,
				   struct pagectl_huge_slot *r)
{
	pte_t *ptep = pte_offset_kernel(&pmd, from);
	unsigned long addr;

	for (addr = from; addr < to; addr += PAGE_SIZE, ptep++) {
		pte_t pte = ptep_get_lockless(ptep);
		struct folio *folio;
		struct page *page;

		if (!pte_present(pte))
			continue;
		r->present++;
		folio = pagectl_leaf_folio(vma, pte_pfn(pte),
					   pte_special(pte) ? PAGECTL_PTE_SPECIAL : 0,
					   &page);
		if (!folio)
			continue;
		r->order = max_t(u32, r->order, folio_order(folio));
		folio_put(folio);
	}
}

/*
 * One slot, with interrupts disabled: @vma is the first VMA that meets it,
 * at @first; the others follow it up to the slot's end.
 */
static void pagectl_huge_slot(struct mm_struct *mm, struct vm_area_struct *vma,
			      unsigned long slot, unsigned long first,
			      struct pagectl_huge_slot *r)
{
	unsigned long slot_end = slot + PMD_SIZE;
	struct pagectl_path p;

	pagectl_descend(mm, vma, first, &p);
	if (p.kind == PAGECTL_ENTRY_LEAF &&
	    (p.level == PAGECTL_LEVEL_PMD || p.level == PAGECTL_LEVEL_PUD)) {
		r->state = is_vm_hugetlb_page(vma) ? PAGECTL_HUGE_HUGETLB :
						     PAGECTL_HUGE_PMD;
		r->present = PAGECTL_SLOT_PAGES;
		r->order = pagectl_level_shift(p.level) - PAGE_SHIFT;
		return;
	}
	if (p.level != PAGECTL_LEVEL_PTE)
		return;

	/* One PTE table for the slot: read it only where a VMA covers it. */
	for (; vma && vma->vm_start < slot_end;
	     vma = find_vma(mm, vma->vm_end)) {
		pagectl_huge_scan_ptes(vma, p.pmd, max(slot, vma->vm_start),
				       min(slot_end, vma->vm_end), r);
		if (vma->vm_end >= slot_end)
			break;
	}
	if (r->present)
		r->state = r->order ? PAGECTL_HUGE_LARGE : PAGECTL_HUGE_SMALL;
}

/*
 * Fill records for the slots from *@addr up to @end under one hold of the
 * mmap lock, at most @cap of them. Returns the records made, or a negative
 * errno before the first.
 */
static int pagectl_huge_batch(struct mm_struct *mm, unsigned long *addr,
			      unsigned long end, struct pagectl_huge_slot *recs,
			      unsigned int cap)
{
	unsigned int nr = 0;
	int ret = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	while (*addr < end && nr < cap) {
		unsigned long slot = *addr, slot_end = slot + PMD_SIZE;
		struct vm_area_struct *vma = find_vma(mm, slot), *v;
		struct pagectl_huge_slot *r = &recs[nr];
		unsigned long first, flags;
		u32 backing;

		if (!vma || vma->vm_start >= end) {
			*addr = end;
			break;
		}
		/* No VMA in this slot: go to the slot of the next one. */
		if (vma->vm_start >= slot_end) {
			*addr = vma->vm_start & PMD_MASK;
			continue;
		}
		if (!pagectl_tables_stable(mm, vma)) {
			ret = -EOPNOTSUPP;
			break;
		}

		first = max(slot, vma->vm_start);
		backing = pagectl_vma_backing(mm, vma);
		*r = (struct pagectl_huge_slot) {
			.addr = slot,
			.state = PAGECTL_HUGE_EMPTY,
			.reasons = pagectl_huge_reasons(vma, slot, backing),
			.backing = backing,
		};
		for (v = vma; v && v->vm_start < slot_end; v = find_vma(mm, v->vm_end)) {
			r->nr_vmas++;
			if (v->vm_end >= slot_end)
				break;
		}

		local_irq_save(flags);
		pagectl_huge_slot(mm, vma, slot, first, r);
		local_irq_restore(flags);
		nr++;
		*addr = slot_end;
	}
	mmap_read_unlock(mm);
	return nr ?: ret;
}

/**
 * pagectl_huge_map_ioctl() - PAGECTL_HUGE_MAP: what backs each 2 MiB slot
 * @ucmd: &struct pagectl_huge_map
 *
 * Records are collected under the mmap lock into a kernel buffer and copied
 * out after it is dropped, as WALK_RANGE does.
 *
 * Return: 0 or a negative errno.
 */
int pagectl_huge_map_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_huge_map *hm = ucmd->cmd;
	void __user *out = u64_to_user_ptr(hm->records);
	struct pagectl_huge_slot *recs;
	unsigned long start = hm->start, addr, end, len;
	struct mm_struct *mm;
	int ret, nr, i;

	hm->nr_records = 0;
	hm->out_flags = 0;
	hm->next = 0;
	if (!hm->max_records)
		return -EINVAL;
	if (hm->record_size < sizeof(*recs) || hm->record_size > PAGECTL_RECORD_MAX)
		return -EINVAL;
	if (hm->start != (unsigned long)hm->start || hm->end != (unsigned long)hm->end)
		return -EFAULT;

	mm = pagectl_walk_mm(pf, hm->flags, hm->pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	if (hm->end < hm->start) {
		ret = -EINVAL;
		goto out_mmput;
	}
	len = hm->end - hm->start;
	ret = pagectl_walk_lock(mm, &start, len);
	if (ret)
		goto out_mmput;
	mmap_read_unlock(mm);
	addr = start & PMD_MASK;
	end = ALIGN(start + len, PMD_SIZE);
	if (end <= addr) {
		ret = -EINVAL;
		goto out_mmput;
	}

	recs = kmalloc_array(min_t(u32, hm->max_records, PAGECTL_HUGE_BATCH),
			     sizeof(*recs), GFP_KERNEL_ACCOUNT);
	if (!recs) {
		ret = -ENOMEM;
		goto out_mmput;
	}

	while (addr < end && hm->nr_records < hm->max_records) {
		nr = pagectl_huge_batch(mm, &addr, end, recs,
					min_t(u32, hm->max_records - hm->nr_records,
					      PAGECTL_HUGE_BATCH));
		if (nr < 0) {
			ret = nr;
			break;
		}
		for (i = 0; i < nr; i++) {
			ret = pagectl_put_record(out, &recs[i], sizeof(recs[i]),
						 hm->record_size);
			if (ret)
				goto out_free;
			out += hm->record_size;
		}
		hm->nr_records += nr;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto out_free;
		}
		cond_resched();
	}
	/* Interrupted by the lock wait after some progress: report it. */
	if (ret == -EINTR && hm->nr_records)
		ret = 0;
	hm->next = addr;

out_free:
	kfree(recs);
out_mmput:
	mmput(mm);
	return ret ?: pagectl_ucmd_respond(ucmd, sizeof(*hm));
}
