// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: the VMA behind an address, classified and described in the ABI's
 * terms, and the address space a walk reads.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

#include "walk.h"

/*
 * May the caller read @mm, the address space of process @pid, as
 * /proc/@pid/pagemap would let it? ptrace_may_access() and mm_access() are
 * not exported, so the kernel is asked as the caller would ask it: the
 * caller's /proc/@pid/pagemap is opened with the caller's credentials, root
 * and mount namespace. The open checks the file's mode (its owner is the
 * process's euid, root's if it is not dumpable), and pagemap_open() runs
 * mm_access(task, PTRACE_MODE_READ_FSCREDS): uids and gids, dumpability,
 * CAP_SYS_PTRACE, Yama and the other LSMs, and whatever else this kernel's
 * mm_access() accepts (7.2: perfmon_capable()). It leaves in private_data
 * the mm it allowed, which it holds (mmgrab()), as this function holds @mm:
 * equal pointers are the same mm. Another mm (an execve() in between, a
 * /proc of another pid namespace) is a refusal. The pointer is compared,
 * never followed.
 */
static int pagectl_may_read_mm(u32 pid, struct mm_struct *mm)
{
	char path[sizeof("/proc/4294967295/pagemap")];
	struct file *file;
	int ret = 0;

	/* Not a question: pagemap and mm_access() let a process read itself. */
	if (mm == current->mm)
		return 0;
	snprintf(path, sizeof(path), "/proc/%u/pagemap", pid);
	/* Whatever is mounted there, opening it must not wait or take a tty. */
	file = filp_open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW, 0);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		/* Exited meanwhile, killed, or no memory to ask: as it is. */
		if (ret == -ESRCH || ret == -EINTR || ret == -ENOMEM)
			return ret;
		/*
		 * Refused (EACCES), not in the caller's /proc (ENOENT: no /proc,
		 * another pid namespace's, hidepid=), or no procfs file there.
		 */
		return -EPERM;
	}
	/* procfs's pagemap, not a file mounted over it. */
	if (file_inode(file)->i_sb->s_magic != PROC_SUPER_MAGIC ||
	    strcmp(file->f_path.dentry->d_name.name, "pagemap") ||
	    file->private_data != mm)
		ret = -EPERM;
	fput(file);
	return ret;
}

/**
 * pagectl_target_mm() - the address space of a process a command names by pid
 * @pid: its pid, in the caller's pid namespace
 * @taskp: if not NULL, set to the process, with a reference
 *	(put_task_struct()), when an address space is returned
 *
 * The caller may read another process's address space where it may open
 * /proc/@pid/pagemap, which shows the same information: a dumpable process
 * of its own uids and gids, any with CAP_SYS_PTRACE, as the LSMs allow. Its
 * own address space always. Frames stay hidden unless the pagectl file's
 * opener was privileged.
 *
 * Return: the address space with a reference (mmput()), or -EINVAL for pid
 * 0, -ESRCH for no such process or one without an address space (exited,
 * a kernel thread), -EPERM where the caller may not read it, -EINTR or
 * -ENOMEM from opening /proc/@pid/pagemap.
 */
struct mm_struct *pagectl_target_mm(u32 pid, struct task_struct **taskp)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *p;
	int ret;

	if (!pid)
		return ERR_PTR(-EINVAL);
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
	if (!mm) {
		ret = -ESRCH;
		goto err_put_task;
	}
	ret = pagectl_may_read_mm(pid, mm);
	if (ret)
		goto err_mmput;
	if (taskp)
		*taskp = task;
	else
		put_task_struct(task);
	return mm;

err_mmput:
	mmput(mm);
err_put_task:
	put_task_struct(task);
	return ERR_PTR(ret);
}

/* The target address space, with a reference the caller drops with mmput(). */
struct mm_struct *pagectl_walk_mm(struct pagectl_file *pf, u32 flags,
				  u32 pid)
{
	if (!(flags & PAGECTL_WALK_PID)) {
		if (pid)
			return ERR_PTR(-EINVAL);
		/* The opener exited, or execve() gave it a new mm. */
		if (!mmget_not_zero(pf->mm))
			return ERR_PTR(-ESRCH);
		return pf->mm;
	}
	return pagectl_target_mm(pid, NULL);
}

u32 pagectl_vma_backing(struct mm_struct *mm, struct vm_area_struct *vma)
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

void pagectl_fill_vma(struct pagectl_walk_vma *wv, struct mm_struct *mm,
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
bool pagectl_tables_stable(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (IS_ENABLED(CONFIG_MMU_GATHER_RCU_TABLE_FREE))
		return true;
	if (mm != current->mm)
		return false;
	return !(vma && is_vm_hugetlb_page(vma) && (vma->vm_flags & VM_MAYSHARE));
}

/* Lock @mm for reading and check @addr (untagged in place) against it. */
int pagectl_walk_lock(struct mm_struct *mm, unsigned long *addr,
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
