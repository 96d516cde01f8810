// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: WALK_RANGE, a record per non-empty entry of a range, faster than
 * /proc/PID/pagemap.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "walk.h"

/*
 * WALK_RANGE collects up to PAGECTL_WALK_BUF records (32 KiB) under one hold
 * of the mmap lock (two PTE tables' worth), taking at most PAGECTL_WALK_STEPS
 * steps of one table or one higher entry each, then copies them out unlocked.
 */
#define PAGECTL_WALK_BUF	1024
#define PAGECTL_WALK_STEPS	512

/**
 * struct pagectl_range_state - a WALK_RANGE call in progress
 * @mm: the target
 * @vma: the VMA containing @addr, valid while the lock is held
 * @addr: the next address to examine
 * @end: the end of the walk
 * @recs: records collected under the current hold of the lock
 * @nr: records in @recs
 * @cap: records that may still be collected in this call
 * @page_state: %PAGECTL_WALK_PAGE_STATE
 * @privileged: frames are reported
 */
struct pagectl_range_state {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	unsigned long addr;
	unsigned long end;
	struct pagectl_walk_rec *recs;
	unsigned int nr;
	unsigned int cap;
	bool page_state;
	bool privileged;
};

static void pagectl_range_emit(struct pagectl_range_state *s, int level,
			       unsigned long addr, const struct pagectl_entry *e,
			       struct pagectl_path *p, pte_t *ptep, pte_t pte)
{
	struct pagectl_walk_rec *r = &s->recs[s->nr++];

	*r = (struct pagectl_walk_rec) {
		.addr = addr,
		.bits = e->bits,
		.kind = e->kind,
		.level = level,
		.shift = pagectl_level_shift(level),
	};
	if (!s->privileged) {
		/* Neither a frame nor a swap place: pagemap's rule. */
	} else if (e->kind == PAGECTL_ENTRY_SWAP) {
		r->swap_type = e->swap_type;
		r->pfn = e->swap_offset;
	} else {
		r->pfn = e->pfn;
	}
	if (s->page_state && e->kind == PAGECTL_ENTRY_LEAF) {
		struct pagectl_walk_page wp = { 0 };
		struct folio *folio;
		struct page *page;

		if (pagectl_special_zero(s->vma, level, e)) {
			pagectl_fill_zero_page(&wp, e->pfn);
		} else {
			folio = pagectl_leaf_folio(s->vma, e->pfn, e->bits,
						   &page);
			if (folio) {
				if (pagectl_path_same(p, level, ptep, pte))
					pagectl_fill_page(&wp, s->vma, page,
							  folio,
							  level == PAGECTL_LEVEL_PMD,
							  s->privileged);
				folio_put(folio);
			}
		}
		r->page_flags = wp.flags;
		r->nid = wp.nid;
	}
}

/*
 * Examine the page tables from s->addr up to @limit (inside one VMA), with
 * interrupts disabled: at most one PTE table, or one entry above the PTEs.
 */
static void pagectl_range_step(struct pagectl_range_state *s,
			       unsigned long limit)
{
	struct pagectl_walk_rec *recs = s->recs;
	unsigned int nr = s->nr, cap = s->cap;
	bool privileged = s->privileged;
	unsigned long addr = s->addr, next;
	struct pagectl_path p;
	struct pagectl_entry e;
	pte_t *ptep;

	pagectl_descend(s->mm, s->vma, addr, &p);
	if (p.level != PAGECTL_LEVEL_PTE) {
		unsigned long size = 1UL << pagectl_level_shift(p.level);
		unsigned long first = addr & ~(size - 1);

		next = first + size;
		if (p.kind != PAGECTL_ENTRY_NONE) {
			pagectl_decode(p.level, p.kind, p.raw[p.level],
				       p.kind == PAGECTL_ENTRY_LEAF ?
				       pagectl_path_pfn(&p, p.level) : 0, &e);
			pagectl_range_emit(s, p.level, first, &e, &p, NULL,
					   __pte(0));
		}
		s->addr = (next - 1 < limit - 1) ? next : limit;
		return;
	}

	next = pmd_addr_end(addr, limit);
	ptep = pte_offset_kernel(&p.pmd, addr);
	for (; addr < next && nr < cap; addr += PAGE_SIZE, ptep++) {
		pte_t pte = ptep_get_lockless(ptep);
		struct pagectl_walk_rec *r;

		if (pte_none(pte))
			continue;
		if (!pte_present(pte) || s->page_state) {
			pagectl_decode(PAGECTL_LEVEL_PTE, pte_present(pte) ?
				       PAGECTL_ENTRY_LEAF : PAGECTL_ENTRY_SWAP,
				       pte_val(pte), pte_pfn(pte), &e);
			s->nr = nr;
			pagectl_range_emit(s, PAGECTL_LEVEL_PTE, addr, &e, &p,
					   ptep, pte);
			nr = s->nr;
			continue;
		}
		/* The common case, a present PTE without page state, inline. */
		r = &recs[nr++];
		*r = (struct pagectl_walk_rec) {
			.addr = addr,
			.pfn = privileged ? pte_pfn(pte) : 0,
			.bits = pagectl_decode_bits(pte_val(pte),
						    PAGECTL_LEVEL_PTE, true),
			.kind = PAGECTL_ENTRY_LEAF,
			.level = PAGECTL_LEVEL_PTE,
			.shift = PAGE_SHIFT,
		};
	}
	s->nr = nr;
	s->addr = addr;
}

/*
 * Walk under one hold of the mmap lock until the batch is full, the walk is
 * done, or enough steps were taken. Returns -EINTR if the lock could not be
 * taken.
 */
static int pagectl_range_batch(struct pagectl_range_state *s)
{
	unsigned int steps = 0;
	unsigned long flags;
	int ret = 0;

	if (mmap_read_lock_killable(s->mm))
		return -EINTR;
	while (s->addr < s->end && s->nr < s->cap &&
	       steps++ < PAGECTL_WALK_STEPS) {
		unsigned long limit;

		s->vma = find_vma(s->mm, s->addr);
		if (!s->vma || s->vma->vm_start >= s->end) {
			s->addr = s->end;
			break;
		}
		/* A hole between VMAs: no page table is read there. */
		if (s->addr < s->vma->vm_start)
			s->addr = s->vma->vm_start;
		limit = min(s->end, s->vma->vm_end);
		if (!pagectl_tables_stable(s->mm, s->vma)) {
			ret = -EOPNOTSUPP;
			break;
		}
		local_irq_save(flags);
		pagectl_range_step(s, limit);
		local_irq_restore(flags);
	}
	mmap_read_unlock(s->mm);
	return ret;
}

/**
 * pagectl_walk_range_ioctl() - PAGECTL_WALK_RANGE: walk many pages in one call
 * @ucmd: &struct pagectl_walk_range
 *
 * Records are collected under the mmap lock into a kernel buffer, and copied
 * out after the lock is dropped, as pagemap_read() does.
 *
 * Return: 0 or a negative errno.
 */
int pagectl_walk_range_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_walk_range *wr = ucmd->cmd;
	struct pagectl_walk_rec __user *out = u64_to_user_ptr(wr->records);
	struct pagectl_range_state s = { 0 };
	unsigned long start = wr->start, len;
	unsigned int max;
	int ret;

	wr->nr_records = 0;
	wr->out_flags = 0;
	wr->next = 0;
	if (!wr->max_records)
		return -EINVAL;
	if (wr->record_size < sizeof(struct pagectl_walk_rec) ||
	    wr->record_size > PAGE_SIZE)
		return -EINVAL;
	if (wr->start != (unsigned long)wr->start ||
	    wr->end != (unsigned long)wr->end)
		return -EFAULT;
	max = min(wr->max_records, pagectl_max_walk_records);

	s.mm = pagectl_walk_mm(pf, wr->flags, wr->pid);
	if (IS_ERR(s.mm))
		return PTR_ERR(s.mm);
	/* Check the bounds once, against the target's address space. */
	if (wr->end < wr->start) {
		ret = -EINVAL;
		goto out_mmput;
	}
	len = wr->end - wr->start;
	ret = pagectl_walk_lock(s.mm, &start, len);
	if (ret)
		goto out_mmput;
	mmap_read_unlock(s.mm);
	s.addr = start & PAGE_MASK;
	s.end = PAGE_ALIGN(start + len);
	if (s.end <= s.addr) {
		ret = -EINVAL;
		goto out_mmput;
	}

	s.page_state = wr->flags & PAGECTL_WALK_PAGE_STATE;
	s.privileged = pf->privileged;
	s.recs = kmalloc_array(min_t(unsigned int, max, PAGECTL_WALK_BUF),
			       sizeof(*s.recs), GFP_KERNEL_ACCOUNT);
	if (!s.recs) {
		ret = -ENOMEM;
		goto out_mmput;
	}

	while (s.addr < s.end && wr->nr_records < max) {
		unsigned int i;

		s.nr = 0;
		s.cap = min_t(unsigned int, max - wr->nr_records,
			      PAGECTL_WALK_BUF);
		ret = pagectl_range_batch(&s);
		if (ret)
			break;
		if (wr->record_size == sizeof(*s.recs)) {
			/* The caller's records are ours: one copy. */
			if (copy_to_user(out, s.recs, s.nr * sizeof(*s.recs))) {
				ret = -EFAULT;
				goto out_free;
			}
			out += s.nr;
		} else {
			for (i = 0; i < s.nr; i++) {
				ret = pagectl_put_record(out, &s.recs[i],
							 sizeof(s.recs[i]),
							 wr->record_size);
				if (ret)
					goto out_free;
				out = (void __user *)out + wr->record_size;
			}
		}
		wr->nr_records += s.nr;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto out_free;
		}
		cond_resched();
	}
	/* Interrupted by the lock wait after some progress: report it. */
	if (ret == -EINTR && wr->nr_records)
		ret = 0;
	wr->next = s.addr;
	if (pf->privileged)
		wr->out_flags = PAGECTL_OUT_PFNS;

out_free:
	kfree(s.recs);
out_mmput:
	mmput(s.mm);
	return ret ?: pagectl_ucmd_respond(ucmd, sizeof(*wr));
}
