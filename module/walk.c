// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: WALK, every level of the page table behind one user address.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include "walk.h"

/* Retries of a single-address walk whose entry changed under it. */
#define PAGECTL_WALK_RETRIES	3

/*
 * One address, with interrupts disabled: the levels, the leaf, and, for a
 * present leaf with a struct page, the page's folio referenced. Returns
 * false if the leaf changed before the reference was taken.
 */
static bool pagectl_walk_addr(struct mm_struct *mm, struct vm_area_struct *vma,
			      unsigned long addr, struct pagectl_walk *w,
			      struct pagectl_entry *e, struct folio **foliop,
			      struct page **pagep)
{
	struct pagectl_path p;
	pte_t *ptep;
	pte_t pte;
	int level;

	pte = pagectl_descend_pte(mm, vma, addr, &p, &ptep);
	level = p.level;

	for (int i = 0; i < PAGECTL_NR_LEVELS; i++) {
		struct pagectl_walk_level *wl = &w->level[i];

		wl->shift = pagectl_level_shift(i);
		wl->kind = p.kinds[i];
		if (i > level || wl->kind == PAGECTL_ENTRY_FOLDED)
			continue;
		wl->raw = p.raw[i];
		if (i < level) {
			wl->bits = pagectl_decode_bits(p.raw[i], i, false);
			wl->pfn = pagectl_path_pfn(&p, i);
		}
	}

	pagectl_decode(level, p.kind, p.raw[level],
		       p.kind == PAGECTL_ENTRY_LEAF ? pagectl_path_pfn(&p, level) : 0,
		       e);
	w->level[level].kind = e->kind;
	w->level[level].bits = e->bits;
	w->level[level].pfn = e->pfn;
	w->leaf_level = level;
	w->leaf_kind = e->kind;
	w->leaf_size = 1ULL << pagectl_level_shift(level);
	w->leaf_addr = addr & ~(w->leaf_size - 1);

	*foliop = NULL;
	if (e->kind != PAGECTL_ENTRY_LEAF)
		return true;
	*foliop = pagectl_leaf_folio(vma, e->pfn +
				     ((addr - w->leaf_addr) >> PAGE_SHIFT),
				     e->bits, pagep);
	if (*foliop && !pagectl_path_same(&p, level, ptep, pte)) {
		folio_put(*foliop);
		*foliop = NULL;
		return false;
	}
	return true;
}

/**
 * pagectl_walk_ioctl() - PAGECTL_WALK: explain one user address
 * @ucmd: &struct pagectl_walk
 *
 * Return: 0 or a negative errno.
 */
int pagectl_walk_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_walk *w = ucmd->cmd;
	unsigned long addr = w->addr;
	struct vm_area_struct *vma;
	struct pagectl_entry e;
	struct folio *folio;
	struct page *page;
	struct mm_struct *mm;
	unsigned long flags;
	bool stable = false;
	int ret, tries;

	/* Everything after the input fields is output. */
	*w = (struct pagectl_walk) {
		.size = w->size, .flags = w->flags, .addr = w->addr, .pid = w->pid,
	};
	mm = pagectl_walk_mm(pf, w->flags, w->pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	ret = pagectl_walk_lock(mm, &addr, 1);
	if (ret)
		goto out_mmput;

	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr) {
		/* No VMA, so no page table may be read: report the hole. */
		struct vm_area_struct *next = vma, *prev;
		struct vma_iterator vmi;

		vma_iter_init(&vmi, mm, addr);
		prev = vma_prev(&vmi);
		w->vma.start = prev ? prev->vm_end : 0;
		w->vma.end = next ? next->vm_start : mm->task_size;
		w->vma.backing = PAGECTL_BACKING_NONE;
		w->leaf_kind = PAGECTL_ENTRY_NOT_WALKED;
		w->leaf_level = PAGECTL_LEVEL_PGD;
		goto out_unlock;
	}
	pagectl_fill_vma(&w->vma, mm, vma, pf->privileged);
	if (!pagectl_tables_stable(mm, vma)) {
		ret = -EOPNOTSUPP;
		goto out_unlock;
	}

	for (tries = 0; tries < PAGECTL_WALK_RETRIES && !stable; tries++) {
		memset(w->level, 0, sizeof(w->level));
		local_irq_save(flags);
		stable = pagectl_walk_addr(mm, vma, addr, w, &e, &folio, &page);
		if (folio)
			pagectl_fill_page(&w->page, vma, page, folio,
					  w->leaf_level == PAGECTL_LEVEL_PMD,
					  pf->privileged);
		local_irq_restore(flags);
		if (folio)
			folio_put(folio);
	}
	if (pagectl_special_zero(vma, w->leaf_level, &e))
		pagectl_fill_zero_page(&w->page, e.pfn);

	/* Swap places, like frames, are pagemap's to show to CAP_SYS_ADMIN only. */
	if (e.kind == PAGECTL_ENTRY_SWAP && pf->privileged) {
		w->swap_type = e.swap_type;
		w->swap_offset = e.swap_offset;
	}
	if (pf->privileged) {
		w->out_flags = PAGECTL_OUT_PFNS;
		if (e.kind == PAGECTL_ENTRY_LEAF)
			w->pfn = e.pfn + ((addr - w->leaf_addr) >> PAGE_SHIFT);
		else
			w->pfn = e.pfn;
	} else {
		for (int i = 0; i < PAGECTL_NR_LEVELS; i++) {
			w->level[i].raw = 0;
			w->level[i].pfn = 0;
		}
	}

out_unlock:
	mmap_read_unlock(mm);
out_mmput:
	mmput(mm);
	return ret ?: pagectl_ucmd_respond(ucmd, sizeof(*w));
}
