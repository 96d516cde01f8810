// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: PIN_CHECK, what a long-term pin of a range would meet, page by
 * page, without pinning anything; and the headroom the limits leave.
 *
 * The range is read under the mmap lock, the page tables with interrupts
 * disabled (walk.h), into a kernel batch of records that is copied out once
 * the lock is dropped, as HUGE_MAP does. pinnable.c gives each page its
 * answer; consecutive pages with the same answer make one record.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "walk.h"

/* Records made under one hold of the mmap lock; 6 KiB of them. */
#define PAGECTL_PIN_CHECK_BATCH	256
/* Pages read under one hold of the mmap lock, between cond_resched()s. */
#define PAGECTL_PIN_CHECK_PAGES	4096

/**
 * struct pagectl_pc_batch - records of one hold of the mmap lock
 * @recs: the records
 * @nr: records made; the last one may still grow
 * @cap: room in @recs
 */
struct pagectl_pc_batch {
	struct pagectl_pin_range *recs;
	unsigned int nr;
	unsigned int cap;
};

/* Add [@start, @end) with one answer; false when it needs a record and none is left. */
static bool pagectl_pc_add(struct pagectl_pc_batch *b, unsigned long start,
			   unsigned long end, u32 verdict, u32 reason)
{
	struct pagectl_pin_range *r = b->nr ? &b->recs[b->nr - 1] : NULL;

	if (r && r->end == start && r->verdict == verdict && r->reason == reason) {
		r->end = end;
		return true;
	}
	if (b->nr == b->cap)
		return false;
	b->recs[b->nr++] = (struct pagectl_pin_range) {
		.start = start,
		.end = end,
		.verdict = verdict,
		.reason = reason,
	};
	return true;
}

/*
 * Answer the pages from *@addr up to @end under one hold of the mmap lock,
 * until the records are full or PAGECTL_PIN_CHECK_PAGES pages were read.
 */
static int pagectl_pc_batch(struct mm_struct *mm, unsigned long *addr,
			    unsigned long end, bool write, bool privileged,
			    struct pagectl_pc_batch *b)
{
	unsigned int pages = 0;
	int ret = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	while (*addr < end && pages < PAGECTL_PIN_CHECK_PAGES) {
		struct vm_area_struct *vma = find_vma(mm, *addr);
		unsigned long stop, next, flags;
		u32 reason, verdict;

		/* A hole: nothing a pin could take. */
		if (!vma || vma->vm_start > *addr) {
			stop = vma ? min(vma->vm_start, end) : end;
			if (!pagectl_pc_add(b, *addr, stop, PAGECTL_PINCHECK_REFUSED,
					    PAGECTL_PINCHECK_NO_VMA))
				break;
			*addr = stop;
			continue;
		}
		stop = min(vma->vm_end, end);
		reason = pagectl_pin_refusal(vma, write);
		if (reason) {
			if (!pagectl_pc_add(b, *addr, stop, PAGECTL_PINCHECK_REFUSED,
					    reason))
				break;
			*addr = stop;
			continue;
		}
		if (!pagectl_tables_stable(mm, vma)) {
			ret = -EOPNOTSUPP;
			break;
		}
		local_irq_save(flags);
		verdict = pagectl_pin_classify(mm, vma, *addr, write, privileged,
					       &reason, &next);
		local_irq_restore(flags);
		next = min(next, stop);
		if (!pagectl_pc_add(b, *addr, next, verdict, reason))
			break;
		pages += (next - *addr) >> PAGE_SHIFT;
		*addr = next;
	}
	mmap_read_unlock(mm);
	return ret;
}

/*
 * The headroom the limits leave, reported with every answer: the caller's
 * and this file's, or with @task a process's own, whose PIN would come
 * through a file of its own.
 */
static void pagectl_pc_limits(struct pagectl_file *pf, struct task_struct *task,
			      struct pagectl_pin_check *pc)
{
	if (task) {
		pc->memlock_pages = pagectl_memlock_limit(task);
		pc->locked_pages = pagectl_locked_pages(task);
		pc->pinned_pages = 0;
	} else {
		pc->memlock_pages = pagectl_memlock_limit(current);
		pc->locked_pages = atomic_long_read(&pf->user->locked_vm);
		pc->pinned_pages = atomic_long_read(&pf->pinned_pages);
	}
	pc->max_pin_pages = pagectl_max_pin_pages;
}

/* The address space to check, with a reference; @task is set with a pid. */
static struct mm_struct *pagectl_pc_mm(struct pagectl_file *pf,
				       struct pagectl_pin_check *pc,
				       struct task_struct **task)
{
	*task = NULL;
	if (!(pc->flags & PAGECTL_PIN_CHECK_PID)) {
		if (pc->pid)
			return ERR_PTR(-EINVAL);
		/* Only the opener asks about the opener's memory. */
		if (current->mm != pf->mm)
			return ERR_PTR(-EPERM);
		return pagectl_walk_mm(pf, 0, 0);
	}
	return pagectl_target_mm(pc->pid, task);
}

/**
 * pagectl_pin_check_ioctl() - PAGECTL_PIN_CHECK: what a PIN of a range
 *	would meet
 * @ucmd: &struct pagectl_pin_check
 *
 * The last record of a batch may grow in the next one, so it is copied out
 * only when the next batch cannot extend it.
 *
 * Return: 0 or a negative errno.
 */
int pagectl_pin_check_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_pin_check *pc = ucmd->cmd;
	void __user *out = u64_to_user_ptr(pc->records);
	struct pagectl_pc_batch b = { };
	unsigned long addr, end;
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned int i, keep;
	u64 uaddr, uend;
	int ret = 0;

	pc->nr_records = 0;
	pc->out_flags = 0;
	pc->next = 0;
	if (!pc->length || !pc->max_records)
		return -EINVAL;
	if (pc->record_size < sizeof(*b.recs) || pc->record_size > PAGECTL_RECORD_MAX)
		return -EINVAL;
	/* The same range PIN would pin. */
	uaddr = untagged_addr(pc->addr);
	if (check_add_overflow(uaddr, pc->length, &uend) ||
	    uend > U64_MAX - PAGE_SIZE + 1)
		return -EOVERFLOW;
	if (uend > TASK_SIZE)
		return -EFAULT;
	addr = uaddr & PAGE_MASK;
	end = PAGE_ALIGN(uend);
	pc->npages = (end - addr) >> PAGE_SHIFT;

	mm = pagectl_pc_mm(pf, pc, &task);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	b.recs = kmalloc_array(min_t(u32, pc->max_records, PAGECTL_PIN_CHECK_BATCH),
			       sizeof(*b.recs), GFP_KERNEL_ACCOUNT);
	if (!b.recs) {
		ret = -ENOMEM;
		goto out_mmput;
	}

	while (addr < end) {
		b.cap = min_t(u32, pc->max_records - pc->nr_records,
			      PAGECTL_PIN_CHECK_BATCH);
		ret = pagectl_pc_batch(mm, &addr, end, pc->flags & PAGECTL_PIN_WRITE,
				       pf->privileged, &b);
		if (ret)
			break;
		/* Full, or more to read: all but a last record that may grow. */
		keep = addr < end && b.nr < b.cap ? 1 : 0;
		keep = min(keep, b.nr);
		for (i = 0; i + keep < b.nr; i++) {
			ret = pagectl_put_record(out, &b.recs[i], sizeof(b.recs[i]),
						 pc->record_size);
			if (ret)
				goto out_free;
			out += pc->record_size;
		}
		pc->nr_records += b.nr - keep;
		if (keep)
			b.recs[0] = b.recs[b.nr - 1];
		b.nr = keep;
		if (pc->nr_records == pc->max_records)
			break;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	/* A record still held is the range's last: the check is complete. */
	if (!ret && b.nr) {
		ret = pagectl_put_record(out, &b.recs[0], sizeof(b.recs[0]),
					 pc->record_size);
		if (ret)
			goto out_free;
		pc->nr_records++;
	}
	/* Interrupted after some progress: report it. */
	if (ret == -EINTR && pc->nr_records) {
		ret = 0;
		/* The held record is not reported: resume at its start. */
		if (b.nr)
			addr = b.recs[0].start;
	}
	pc->next = addr;
	pagectl_pc_limits(pf, task, pc);

out_free:
	kfree(b.recs);
out_mmput:
	mmput(mm);
	if (task)
		put_task_struct(task);
	return ret ?: pagectl_ucmd_respond(ucmd, sizeof(*pc));
}
