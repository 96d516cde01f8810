// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: WALK and WALK_RANGE, a reader of user page tables.
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
 * Only values leave this file: a walk is a snapshot, and describes the page
 * tables as they were at one instant per page-table page.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>

#include "internal.h"

/*
 * WALK_RANGE collects up to PAGECTL_WALK_BUF records (32 KiB) under one hold
 * of the mmap lock (two PTE tables' worth), taking at most PAGECTL_WALK_STEPS
 * steps of one table or one higher entry each, then copies them out unlocked.
 */
#define PAGECTL_WALK_BUF	1024
#define PAGECTL_WALK_STEPS	512

/* Retries of a single-address walk whose entry changed under it. */
#define PAGECTL_WALK_RETRIES	3

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

static unsigned int pagectl_level_shift(int level)
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
static u32 pagectl_decode_bits(u64 v, int level, bool leaf)
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
static void pagectl_decode(int level, u32 kind, u64 raw, unsigned long pfn,
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
static void pagectl_descend(struct mm_struct *mm, struct vm_area_struct *vma,
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

/* The frame a table entry or a huge leaf at @level points to. */
static unsigned long pagectl_path_pfn(const struct pagectl_path *p, int level)
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
static bool pagectl_path_same(const struct pagectl_path *p, int level,
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
 * The page a present leaf maps, referenced, or NULL when it has none that
 * may be looked at: a special mapping (remap_pfn_range(), the zero page),
 * device memory, or a page being freed or split right now. Interrupts are
 * disabled; the caller re-reads the entry once the reference is held.
 */
static struct folio *pagectl_leaf_folio(struct vm_area_struct *vma,
					unsigned long pfn, u64 bits,
					struct page **pagep)
{
	struct folio *folio;
	struct page *page;

	if (bits & PAGECTL_PTE_SPECIAL)
		return NULL;
	if (vma->vm_flags & (VM_PFNMAP | VM_IO))
		return NULL;
	page = pfn_to_online_page(pfn);
	if (!page)
		return NULL;
	folio = page_folio(page);
	if (!folio_try_get(folio))
		return NULL;
	if (unlikely(page_folio(page) != folio)) {
		folio_put(folio);
		return NULL;
	}
	*pagep = page;
	return folio;
}

/* What a page's state says about other processes' use of it. */
#define PAGECTL_PAGE_SHARING_FLAGS \
	(PAGECTL_PAGE_KSM | PAGECTL_PAGE_ANON_EXCLUSIVE | \
	 PAGECTL_PAGE_MAYBE_DMA_PINNED | PAGECTL_PAGE_MLOCKED)

/*
 * Fill the page state of a referenced page; @folio is put by the caller.
 * @pmd_leaf says a PMD maps the whole folio (pagectl_page_flags() then
 * reads anon-exclusive from its head page). An unprivileged caller gets the
 * counts and the sharing state only of a page mapped once, as
 * /proc/kpagecount is root's: how many processes map a library page, or
 * hold it, is not the caller's to know.
 */
static void pagectl_fill_page(struct pagectl_walk_page *wp,
			      struct vm_area_struct *vma, struct page *page,
			      struct folio *folio, bool pmd_leaf,
			      bool privileged)
{
	wp->flags = pagectl_page_flags(page, pmd_leaf);
	/* In an anonymous VMA a mapped page that is not anon is the huge zero page. */
	if (vma_is_anonymous(vma) && !folio_test_anon(folio))
		wp->flags |= PAGECTL_PAGE_ZERO;
	/* Only a buffer's own pages are inserted into its mappings. */
	if (vma->vm_file && pagectl_file_is_buf(vma->vm_file))
		wp->flags |= PAGECTL_PAGE_BUF;
	wp->refcount = folio_ref_count(folio) - 1;
	wp->mapcount = pagectl_folio_mapcount(folio);
	wp->pincount = folio_test_large(folio) ?
		       atomic_read(&folio->_pincount) : 0;
	wp->order = folio_order(folio);
	wp->nid = page_to_nid(page);
	wp->zone = pagectl_zone(page);
	if (!privileged && wp->mapcount != 1) {
		wp->flags &= ~PAGECTL_PAGE_SHARING_FLAGS;
		wp->refcount = 0;
		wp->mapcount = 0;
		wp->pincount = 0;
	}
}

/*
 * A special leaf that is a zero page: the shared one, or, in an anonymous
 * VMA, a special PMD, which only the huge zero page is there (7.x maps it
 * so; its pfn is not exported to modules).
 */
static bool pagectl_special_zero(struct vm_area_struct *vma, int level,
				 const struct pagectl_entry *e)
{
	if (e->kind != PAGECTL_ENTRY_LEAF || !(e->bits & PAGECTL_PTE_SPECIAL))
		return false;
	return is_zero_pfn(e->pfn) ||
	       (level == PAGECTL_LEVEL_PMD && vma_is_anonymous(vma));
}

static void pagectl_fill_zero_page(struct pagectl_walk_page *wp,
				   unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);

	/* A permanent page: its struct page can be read without a reference. */
	wp->flags = PAGECTL_PAGE_VALID | PAGECTL_PAGE_ZERO;
	wp->nid = page_to_nid(page);
	wp->zone = pagectl_zone(page);
}

/* The target address space, with a reference the caller drops with mmput(). */
static struct mm_struct *pagectl_walk_mm(struct pagectl_file *pf, u32 flags,
					 u32 pid)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *p;

	if (!(flags & PAGECTL_WALK_PID)) {
		if (pid)
			return ERR_PTR(-EINVAL);
		/* The opener exited, or execve() gave it a new mm. */
		if (!mmget_not_zero(pf->mm))
			return ERR_PTR(-ESRCH);
		return pf->mm;
	}
	if (!pid)
		return ERR_PTR(-EINVAL);
	/* ptrace_may_access() is not exported: the capability is the check. */
	if (!capable(CAP_SYS_PTRACE))
		return ERR_PTR(-EPERM);
	if (pid > INT_MAX)
		return ERR_PTR(-ESRCH);
	p = find_get_pid(pid);
	if (!p)
		return ERR_PTR(-ESRCH);
	task = get_pid_task(p, PIDTYPE_PID);
	put_pid(p);
	if (!task)
		return ERR_PTR(-ESRCH);
	mm = get_task_mm(task);
	put_task_struct(task);
	return mm ?: ERR_PTR(-ESRCH);
}

static u32 pagectl_vma_backing(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;

	if (is_vm_hugetlb_page(vma))
		return PAGECTL_BACKING_HUGETLB;
	if (file && pagectl_file_is_buf(file))
		return PAGECTL_BACKING_BUF;
	if (file) {
		struct inode *inode = file_inode(file);

		if (vma->vm_flags & (VM_PFNMAP | VM_IO | VM_MIXEDMAP))
			return PAGECTL_BACKING_DEVICE;
		if (inode->i_sb->s_magic == TMPFS_MAGIC)
			return PAGECTL_BACKING_SHMEM;
		if (S_ISREG(inode->i_mode))
			return PAGECTL_BACKING_FILE;
		return PAGECTL_BACKING_DEVICE;
	}
	if (vma->vm_ops && vma->vm_ops->name)
		return PAGECTL_BACKING_SPECIAL;
	if (vma->vm_flags & (VM_PFNMAP | VM_IO | VM_MIXEDMAP))
		return PAGECTL_BACKING_DEVICE;
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return PAGECTL_BACKING_HEAP;
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return PAGECTL_BACKING_STACK;
	return PAGECTL_BACKING_ANON;
}

static const struct {
	unsigned long vm;
	u64 out;
} pagectl_vma_flag_map[] = {
	{ VM_SHARED,		PAGECTL_VMA_SHARED },
	{ VM_IO,		PAGECTL_VMA_IO },
	{ VM_PFNMAP,		PAGECTL_VMA_PFNMAP },
	{ VM_MIXEDMAP,		PAGECTL_VMA_MIXEDMAP },
	{ VM_LOCKED,		PAGECTL_VMA_LOCKED },
	{ VM_LOCKONFAULT,	PAGECTL_VMA_LOCKONFAULT },
	{ VM_DONTCOPY,		PAGECTL_VMA_DONTCOPY },
	{ VM_WIPEONFORK,	PAGECTL_VMA_WIPEONFORK },
	{ VM_DONTEXPAND,	PAGECTL_VMA_DONTEXPAND },
	{ VM_DONTDUMP,		PAGECTL_VMA_DONTDUMP },
	{ VM_HUGEPAGE,		PAGECTL_VMA_HUGEPAGE },
	{ VM_NOHUGEPAGE,	PAGECTL_VMA_NOHUGEPAGE },
	{ VM_MERGEABLE,		PAGECTL_VMA_MERGEABLE },
	{ VM_SOFTDIRTY,		PAGECTL_VMA_SOFTDIRTY },
	{ VM_UFFD_MISSING,	PAGECTL_VMA_UFFD_MISSING },
	{ VM_UFFD_WP,		PAGECTL_VMA_UFFD_WP },
	{ VM_UFFD_MINOR,	PAGECTL_VMA_UFFD_MINOR },
	{ VM_GROWSDOWN,		PAGECTL_VMA_GROWSDOWN },
	{ VM_SEALED,		PAGECTL_VMA_SEALED },
};

static void pagectl_fill_vma(struct pagectl_walk_vma *wv, struct mm_struct *mm,
			     struct vm_area_struct *vma, bool privileged)
{
	unsigned long vm_flags = vma->vm_flags;
	int i;

	wv->start = vma->vm_start;
	wv->end = vma->vm_end;
	for (i = 0; i < ARRAY_SIZE(pagectl_vma_flag_map); i++)
		if (pagectl_vma_flag_map[i].vm &&
		    (vm_flags & pagectl_vma_flag_map[i].vm))
			wv->flags |= pagectl_vma_flag_map[i].out;
	if (vm_flags & VM_READ)
		wv->prot |= PAGECTL_PROT_READ;
	if (vm_flags & VM_WRITE)
		wv->prot |= PAGECTL_PROT_WRITE;
	if (vm_flags & VM_EXEC)
		wv->prot |= PAGECTL_PROT_EXEC;
	wv->backing = pagectl_vma_backing(mm, vma);
	if (vma->vm_file) {
		struct inode *inode = file_inode(vma->vm_file);

		wv->ino = inode->i_ino;
		wv->dev_major = MAJOR(inode->i_sb->s_dev);
		wv->dev_minor = MINOR(inode->i_sb->s_dev);
		/* A driver's vm_pgoff can be a frame number. */
		if (wv->backing != PAGECTL_BACKING_DEVICE || privileged)
			wv->file_offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	}
}

/*
 * With interrupts off, a page table read here stays allocated only if it
 * is freed through RCU (MMU_GATHER_RCU_TABLE_FREE: x86 from 7.x, and with
 * PARAVIRT before) or after a TLB-flush IPI that reaches this CPU. Without
 * RCU freeing the IPI goes only to the CPUs that ran the mm, so a walk is
 * safe only of the caller's own mm, and not of hugetlb tables shared with
 * other processes (an unshare frees them through the other mm).
 */
static bool pagectl_tables_stable(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (IS_ENABLED(CONFIG_MMU_GATHER_RCU_TABLE_FREE))
		return true;
	if (mm != current->mm)
		return false;
	return !(vma && is_vm_hugetlb_page(vma) && (vma->vm_flags & VM_MAYSHARE));
}

/* Lock @mm for reading and check @addr (untagged in place) against it. */
static int pagectl_walk_lock(struct mm_struct *mm, unsigned long *addr,
			     unsigned long len)
{
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	*addr = untagged_addr_remote(mm, *addr);
	if (*addr >= mm->task_size || len > mm->task_size - *addr) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	return 0;
}

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
	pte_t *ptep = NULL;
	pte_t pte = __pte(0);
	int level;

	pagectl_descend(mm, vma, addr, &p);
	if (p.level == PAGECTL_LEVEL_PTE) {
		ptep = pte_offset_kernel(&p.pmd, addr);
		pte = ptep_get_lockless(ptep);
		p.raw[PAGECTL_LEVEL_PTE] = pte_val(pte);
		if (pte_none(pte))
			p.kind = PAGECTL_ENTRY_NONE;
		else if (pte_present(pte))
			p.kind = PAGECTL_ENTRY_LEAF;
		else
			p.kind = PAGECTL_ENTRY_SWAP;
		p.kinds[PAGECTL_LEVEL_PTE] = p.kind;
	}
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
			       sizeof(*s.recs), GFP_KERNEL);
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
