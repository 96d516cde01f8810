// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: long-term pins of user memory, and a timer that writes into them.
 *
 * A pin is what an RDMA or GPU driver holds while a device may access user
 * memory: pin_user_pages_fast(FOLL_LONGTERM) pages, charged to the opener's
 * user against RLIMIT_MEMLOCK (account.c) and shown in the process's VmPin,
 * held until UNPIN or the file's last close. Pins are kept in an xarray by
 * handle, so lookup and release cost does not grow with the number of pins.
 * A new pin's handle is reserved while the pin is made and published only
 * once the caller has been told of it, as iommufd publishes its objects.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* Pages pinned per pin_user_pages_fast() call, between cond_resched()s. */
#define PAGECTL_PIN_BATCH	16384UL

void pagectl_pins_init(struct pagectl_file *pf)
{
	xa_init_flags(&pf->pins, XA_FLAGS_ALLOC1);
}

/* Charge @npages to the opener's user, and show them in the process's VmPin. */
static int pagectl_charge(struct pagectl_file *pf, unsigned long npages)
{
	int ret = pagectl_account_locked(pf->user, npages);

	if (!ret)
		atomic64_add(npages, &pf->mm->pinned_vm);
	return ret;
}

static void pagectl_uncharge(struct pagectl_file *pf, unsigned long npages)
{
	atomic64_sub(npages, &pf->mm->pinned_vm);
	pagectl_unaccount_locked(pf->user, npages);
	atomic_long_sub(npages, &pf->pinned_pages);
}

static void pagectl_pin_free(struct kref *ref)
{
	struct pagectl_pin_entry *e = container_of(ref, struct pagectl_pin_entry, ref);
	u64 t;

	pagectl_counter_stop(&e->counter);
	if (e->vaddr)
		vunmap(e->vaddr);
	t = ktime_get_ns();
	unpin_user_pages_dirty_lock(e->pages, e->npages, READ_ONCE(e->dirty));
	atomic64_add(ktime_get_ns() - t, &pagectl_stat_unpin_ns);
	atomic64_add(e->npages, &pagectl_stat_unpin_pages);
	pagectl_uncharge(e->pf, e->npages);
	atomic_long_dec(&e->pf->npins);
	kvfree(e->pages);
	/* debugfs may still be reading the entry under RCU. */
	kfree_rcu(e, rcu);
}

static void pagectl_pin_put(struct pagectl_pin_entry *e)
{
	kref_put(&e->ref, pagectl_pin_free);
}

/* The pin with @handle, with a reference the caller must put, or NULL. */
static struct pagectl_pin_entry *pagectl_pin_get(struct pagectl_file *pf, u64 handle)
{
	struct pagectl_pin_entry *e;

	if (!handle || handle > U32_MAX)
		return NULL;
	xa_lock(&pf->pins);
	e = xa_load(&pf->pins, handle);
	/* The xarray's reference cannot go while we hold its lock. */
	if (e)
		kref_get(&e->ref);
	xa_unlock(&pf->pins);
	return e;
}

/*
 * A PIN that failed tells the caller where and why, when the caller's
 * struct has room for it; the errno is returned either way.
 */
static int pagectl_pin_fail(struct pagectl_ucmd *ucmd, int err, u64 addr,
			    u32 reason)
{
	struct pagectl_pin *arg = ucmd->cmd;

	if (ucmd->user_size < offsetofend(struct pagectl_pin, fail_reason))
		return err;
	arg->handle = 0;
	arg->start = 0;
	arg->npages = 0;
	arg->fail_addr = addr;
	arg->fail_reason = reason;
	pagectl_ucmd_respond(ucmd, sizeof(*arg));
	return err;
}

/**
 * pagectl_pin_ioctl() - PAGECTL_PIN: pin the pages of a user range
 * @ucmd: &struct pagectl_pin
 *
 * The new pin's handle is reserved while the pages are pinned, and
 * published only once the caller has it: no other command of the file can
 * reach the pin before.
 *
 * Return: 0 or a negative errno; on error nothing stays pinned or charged,
 * and a failure to charge or pin the pages is reported in @fail_addr and
 * @fail_reason.
 */
int pagectl_pin_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_pin *arg = ucmd->cmd;
	unsigned int gup_flags = FOLL_LONGTERM;
	unsigned long start, npages, pinned = 0;
	struct pagectl_pin_entry *e;
	u32 id, reason = PAGECTL_PINCHECK_NONE;
	u64 addr, end, t;
	int ret;

	if (arg->__reserved2)
		return -EINVAL;
	if (!arg->length)
		return -EINVAL;
	/* Tag bits (x86 LAM, arm64 TBI) are not part of the address. */
	addr = untagged_addr(arg->addr);
	if (check_add_overflow(addr, arg->length, &end) ||
	    end > U64_MAX - PAGE_SIZE + 1)
		return -EOVERFLOW;
	/* Not user memory at all: a kernel or non-canonical address. */
	if (end > TASK_SIZE)
		return -EFAULT;
	/* Pins are charged to, and released against, the opener's mm. */
	if (current->mm != pf->mm)
		return -EPERM;

	start = addr & PAGE_MASK;
	npages = (PAGE_ALIGN(end) - start) >> PAGE_SHIFT;

	/* The cap is checked before anything is faulted in or charged. */
	if (atomic_long_add_return(npages, &pf->pinned_pages) > pagectl_max_pin_pages) {
		ret = -ENOSPC;
		reason = PAGECTL_PINCHECK_MAX_PIN;
		goto err_cap;
	}
	ret = pagectl_charge(pf, npages);
	if (ret) {
		reason = PAGECTL_PINCHECK_MEMLOCK;
		goto err_cap;
	}

	ret = -ENOMEM;
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		goto err_uncharge;
	e->pages = kvmalloc_array(npages, sizeof(*e->pages), GFP_KERNEL_ACCOUNT);
	if (!e->pages)
		goto err_free;

	if (arg->flags & PAGECTL_PIN_WRITE)
		gup_flags |= FOLL_WRITE;
	t = ktime_get_ns();
	while (pinned < npages) {
		unsigned long n = min(npages - pinned, PAGECTL_PIN_BATCH);

		ret = pin_user_pages_fast(start + (pinned << PAGE_SHIFT), n,
					  gup_flags, e->pages + pinned);
		if (ret <= 0) {
			/* 0 pages and no error means nothing here can be pinned. */
			ret = ret ?: -EFAULT;
			goto err_report;
		}
		pinned += ret;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto err_unpin;
		}
		cond_resched();
	}
	atomic64_add(ktime_get_ns() - t, &pagectl_stat_pin_ns);
	atomic64_add(npages, &pagectl_stat_pin_pages);

	kref_init(&e->ref);
	e->pf = pf;
	e->start = start;
	e->npages = npages;
	e->flags = arg->flags;
	mutex_init(&e->lock);
	pagectl_counter_init(&e->counter);

	ret = pagectl_id_reserve(&pf->pins, &pf->next_handle, &id);
	if (ret)
		goto err_unpin;
	e->handle = id;
	atomic_long_inc(&pf->npins);

	arg->handle = id;
	arg->start = start;
	arg->npages = npages;
	/* Written on failure only: a success leaves no stale input there. */
	arg->fail_addr = 0;
	arg->fail_reason = PAGECTL_PINCHECK_NONE;
	ret = pagectl_ucmd_respond_id(ucmd, sizeof(*arg), &pf->pins, id, e);
	if (ret)
		pagectl_pin_put(e);
	return ret;

err_report:
	/* Classified once nothing of ours holds the pages any more. */
	unpin_user_pages(e->pages, pinned);
	kvfree(e->pages);
	kfree(e);
	pagectl_uncharge(pf, npages);
	start += pinned << PAGE_SHIFT;
	reason = pagectl_pin_fail_reason(pf->mm, start, gup_flags & FOLL_WRITE,
					 pf->privileged);
	return pagectl_pin_fail(ucmd, ret, start, reason);
err_unpin:
	unpin_user_pages(e->pages, pinned);
	kvfree(e->pages);
err_free:
	kfree(e);
err_uncharge:
	pagectl_uncharge(pf, npages);
	return ret;
err_cap:
	atomic_long_sub(npages, &pf->pinned_pages);
	return pagectl_pin_fail(ucmd, ret, start, reason);
}

/**
 * pagectl_unpin_ioctl() - PAGECTL_UNPIN: release a pin by handle
 * @ucmd: &struct pagectl_unpin
 *
 * Return: 0, or -ENOENT for a handle this file does not have.
 */
int pagectl_unpin_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_unpin *arg = ucmd->cmd;
	bool dirty = arg->flags & PAGECTL_UNPIN_DIRTY;
	struct pagectl_pin_entry *e;
	int ret = 0;

	if (!arg->handle || arg->handle > U32_MAX)
		return -ENOENT;
	/* A reserved handle belongs to a PIN still in progress: not erased. */
	xa_lock(&pf->pins);
	e = xa_load(&pf->pins, arg->handle);
	/*
	 * Only a pin made for writing may be released dirty: a read-only pin
	 * of a file the caller may not write must not make the kernel write
	 * it back, nor dirty page cache that never went through page_mkwrite.
	 */
	if (e && dirty && !(e->flags & PAGECTL_PIN_WRITE))
		ret = -EINVAL;
	else if (e)
		__xa_erase(&pf->pins, arg->handle);
	xa_unlock(&pf->pins);
	if (!e)
		return -ENOENT;
	if (ret)
		return ret;

	if (dirty)
		WRITE_ONCE(e->dirty, true);
	/*
	 * The timer stops now, even if a describe still holds the pin, and a
	 * TIMER that found the pin before it was erased cannot arm it again.
	 */
	mutex_lock(&e->lock);
	e->dead = true;
	pagectl_counter_stop(&e->counter);
	mutex_unlock(&e->lock);
	/* The xarray's reference: the pages go with the last user. */
	pagectl_pin_put(e);
	return pagectl_ucmd_respond(ucmd, sizeof(*arg));
}

/**
 * pagectl_pins_release() - release every pin of a file at its last close
 * @pf: the file
 */
void pagectl_pins_release(struct pagectl_file *pf)
{
	struct pagectl_pin_entry *e;
	unsigned long idx;

	xa_for_each(&pf->pins, idx, e) {
		xa_erase(&pf->pins, idx);
		pagectl_pin_put(e);
		cond_resched();
	}
	xa_destroy(&pf->pins);
}

/*
 * A pinned page's state, as WALK reports the same page. Its counts and
 * sharing state are the caller's to see only while no other process can
 * hold the page: an anonymous page mapped at most once. GUP unshares an
 * anonymous page it pins and fork() copies a pinned one, so such a page is
 * the pinning process's alone; page cache is not, whoever maps it now.
 */
static void pagectl_pin_fill_frame(const struct pagectl_frames *fr,
				   unsigned long i, bool privileged,
				   struct pagectl_frame *f)
{
	struct page *page = fr->pages[i];
	struct folio *folio = page_folio(page);

	f->pfn = page_to_pfn(page);
	f->nid = page_to_nid(page);
	f->size_shift = PAGE_SHIFT + folio_order(folio);
	f->zone = pagectl_zone(page);
	f->flags = pagectl_page_flags(page, pagectl_folio_pmd_mapped(folio));
	if (!privileged && (!folio_test_anon(folio) || folio_test_ksm(folio) ||
			    pagectl_folio_mapcount(folio) > 1)) {
		f->flags &= ~PAGECTL_PAGE_SHARING_FLAGS;
		return;
	}
	f->refcount = folio_ref_count(folio);
	f->pincount = folio_test_large(folio) ? atomic_read(&folio->_pincount) : 0;
}

/* Without frame numbers, an extent is at most what the folio size tells. */
static unsigned long pagectl_pin_run_end(const struct pagectl_frames *fr,
					 unsigned long i)
{
	struct folio *folio = page_folio(fr->pages[i]);
	unsigned long end = i + 1;

	while (end < fr->npages && page_folio(fr->pages[end]) == folio)
		end++;
	return end;
}

/**
 * pagectl_pin_describe_ioctl() - PAGECTL_PIN_DESCRIBE: frames or extents
 *	of a pin
 * @ucmd: &struct pagectl_pin_describe
 *
 * Return: 0 or a negative errno.
 */
int pagectl_pin_describe_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_pin_describe *arg = ucmd->cmd;
	struct pagectl_describe d = PAGECTL_DESCRIBE(arg, pf->privileged);
	struct pagectl_pin_entry *e;
	int ret;

	ret = pagectl_describe_check(&d);
	if (ret)
		return ret;
	e = pagectl_pin_get(pf, arg->handle);
	if (!e)
		return -ENOENT;
	ret = pagectl_frames_describe(&(struct pagectl_frames) {
					.pages = e->pages,
					.npages = e->npages,
					.fill = pagectl_pin_fill_frame,
					.run_end = pagectl_pin_run_end,
				      }, &d);
	if (ret)
		goto out;

	arg->nr_records = d.nr_records;
	arg->out_flags = pf->privileged ? PAGECTL_OUT_PFNS : 0;
	arg->next_cursor = d.next_cursor;
	arg->npages = e->npages;
	arg->start = e->start;
	ret = pagectl_ucmd_respond(ucmd, sizeof(*arg));
out:
	pagectl_pin_put(e);
	return ret;
}

/**
 * pagectl_pin_timer_ioctl() - PAGECTL_TIMER: arm or disarm a pin's counter
 *	timer
 * @ucmd: &struct pagectl_timer
 *
 * Return: 0 or a negative errno.
 */
int pagectl_pin_timer_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_file *pf = ucmd->file->private_data;
	struct pagectl_timer *arg = ucmd->cmd;
	bool disarm = arg->flags & PAGECTL_TIMER_DISARM;
	struct pagectl_pin_entry *e;
	int ret = 0;

	e = pagectl_pin_get(pf, arg->target);
	if (!e)
		return -ENOENT;

	if (!disarm) {
		/* The kernel must not write pages pinned for reading only. */
		if (!(e->flags & PAGECTL_PIN_WRITE)) {
			ret = -EACCES;
			goto out;
		}
		ret = pagectl_counter_check(arg, (u64)e->npages << PAGE_SHIFT);
		if (ret)
			goto out;
	}

	mutex_lock(&e->lock);
	/* UNPIN released the handle after we found it: it is gone. */
	if (e->dead) {
		ret = -ENOENT;
		goto unlock;
	}
	if (disarm) {
		arg->ticks = pagectl_counter_stop(&e->counter);
		goto unlock;
	}
	if (!e->vaddr) {
		e->vaddr = vmap(e->pages, e->npages, VM_MAP, PAGE_KERNEL);
		if (!e->vaddr) {
			ret = -ENOMEM;
			goto unlock;
		}
	}
	ret = pagectl_counter_arm(&e->counter, pf, e->vaddr + arg->offset,
				  arg->period_ns, &arg->ticks);
	/* What the kernel writes must reach the file or swap. */
	if (!ret)
		WRITE_ONCE(e->dirty, true);
unlock:
	mutex_unlock(&e->lock);
	if (!ret)
		ret = pagectl_ucmd_respond(ucmd, sizeof(*arg));
out:
	pagectl_pin_put(e);
	return ret;
}
