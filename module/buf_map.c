// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: mapping a buffer into user space, three ways.
 *
 * Pages (vm_insert_pages()): every entry at mmap() time, as normal pages,
 * so GUP and O_DIRECT work on the mapping. Contiguous (remap_pfn_range()):
 * the whole VMA at once, as a driver maps its DMA memory. Huge (special PMD
 * leaves at fault time, where the kernel has them): 2 MiB blocks behind PMD
 * entries, PTEs where no PMD fits.
 *
 * Every VMA holds a reference to the buffer (vm_ops open and close) and to
 * its file (vm_file), so the memory outlives close() and fork().
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/mm.h>

#include "buf.h"

static void pagectl_buf_vma_open(struct vm_area_struct *vma)
{
	struct pagectl_buf *b = vma->vm_private_data;

	/* A split, fork or mremap made another VMA of the buffer. */
	kref_get(&b->ref);
	atomic_inc(&b->nr_mappings);
}

static void pagectl_buf_vma_close(struct vm_area_struct *vma)
{
	struct pagectl_buf *b = vma->vm_private_data;

	/* The VMA's page table entries are gone already. */
	atomic_dec(&b->nr_mappings);
	pagectl_buf_put(b);
}

/* A page of a page buffer whose entry MADV_DONTNEED removed comes back. */
static vm_fault_t pagectl_buf_fault(struct vm_fault *vmf)
{
	struct pagectl_buf *b = vmf->vma->vm_private_data;

	if (vmf->pgoff >= b->npages)
		return VM_FAULT_SIGBUS;
	vmf->page = b->pages[vmf->pgoff];
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct pagectl_buf_pages_vm_ops = {
	.open	= pagectl_buf_vma_open,
	.close	= pagectl_buf_vma_close,
	.fault	= pagectl_buf_fault,
};

/* remap_pfn_range() filled the whole VMA: nothing is ever faulted in. */
static const struct vm_operations_struct pagectl_buf_contig_vm_ops = {
	.open	= pagectl_buf_vma_open,
	.close	= pagectl_buf_vma_close,
};

/* Every entry now, as normal pages: GUP and O_DIRECT work on them. */
static int pagectl_buf_mmap_pages(struct pagectl_buf *b, struct vm_area_struct *vma)
{
	unsigned long left = vma_pages(vma);
	int ret;

	ret = vm_insert_pages(vma, vma->vm_start, b->pages + vma->vm_pgoff, &left);
	if (!ret)
		vma->vm_ops = &pagectl_buf_pages_vm_ops;
	return ret;
}

/* Once over the whole VMA: 6.16+ tracks the PFN range per VMA. */
static int pagectl_buf_mmap_contig(struct pagectl_buf *b, struct vm_area_struct *vma)
{
	int ret;

	ret = remap_pfn_range(vma, vma->vm_start, page_to_pfn(b->pages[vma->vm_pgoff]),
			      vma->vm_end - vma->vm_start, vma->vm_page_prot);
	if (!ret)
		vma->vm_ops = &pagectl_buf_contig_vm_ops;
	return ret;
}

#if PAGECTL_BUF_HUGE_SUPPORTED
/* A huge buffer's page where no PMD fits: a special PTE. */
static vm_fault_t pagectl_buf_pfn_fault(struct vm_fault *vmf)
{
	struct pagectl_buf *b = vmf->vma->vm_private_data;

	if (vmf->pgoff >= b->npages)
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn(vmf->vma, vmf->address,
			      page_to_pfn(b->pages[vmf->pgoff]));
}

/*
 * A special PMD leaf where the 2 MiB around the address lie inside the VMA
 * and map one whole block: user address and buffer offset both aligned.
 */
static vm_fault_t pagectl_buf_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct pagectl_buf *b = vma->vm_private_data;
	unsigned long addr = vmf->address & PMD_MASK;
	pgoff_t pgoff;

	if (order != PMD_ORDER || addr < vma->vm_start ||
	    addr + PMD_SIZE > vma->vm_end)
		return VM_FAULT_FALLBACK;
	pgoff = vmf->pgoff - ((vmf->address - addr) >> PAGE_SHIFT);
	if (pgoff % PAGECTL_BUF_BLOCK_PAGES ||
	    pgoff + PAGECTL_BUF_BLOCK_PAGES > b->npages)
		return VM_FAULT_FALLBACK;
	return pagectl_insert_pfn_pmd(vmf, page_to_pfn(b->pages[pgoff]),
				      vmf->flags & FAULT_FLAG_WRITE);
}

static const struct vm_operations_struct pagectl_buf_huge_vm_ops = {
	.open		= pagectl_buf_vma_open,
	.close		= pagectl_buf_vma_close,
	.fault		= pagectl_buf_pfn_fault,
	.huge_fault	= pagectl_buf_huge_fault,
};

/*
 * Nothing is mapped until it is touched. VM_HUGEPAGE lets the fault path
 * try ->huge_fault() when THP is in "madvise" mode.
 */
static int pagectl_buf_mmap_huge(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_HUGEPAGE);
	vma->vm_ops = &pagectl_buf_huge_vm_ops;
	return 0;
}
#else
static int pagectl_buf_mmap_huge(struct vm_area_struct *vma)
{
	/* BUF_CREATE refuses HUGE here. */
	return -EOPNOTSUPP;
}
#endif

int pagectl_buf_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pagectl_buf *b = file->private_data;
	unsigned long npages = vma_pages(vma);
	int ret;

	/*
	 * A private mapping would be copy-on-write, not the buffer. VM_MAYSHARE,
	 * because the kernel clears VM_SHARED for a read-only descriptor.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	/* Data, never code. */
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (vma->vm_pgoff >= b->npages || npages > b->npages - vma->vm_pgoff)
		return -EINVAL;

	/* mprotect(PROT_EXEC) fails later; mremap() cannot grow the VMA. */
	vm_flags_clear(vma, VM_MAYEXEC);
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP |
		     (b->flags & PAGECTL_BUF_DONTCOPY ? VM_DONTCOPY : 0));

	if (b->flags & PAGECTL_BUF_HUGE)
		ret = pagectl_buf_mmap_huge(vma);
	else if (b->flags & PAGECTL_BUF_CONTIG)
		ret = pagectl_buf_mmap_contig(b, vma);
	else
		ret = pagectl_buf_mmap_pages(b, vma);
	/* The kernel unmaps what was mapped; the VMA never had our hooks. */
	if (ret)
		return ret;

	vma->vm_private_data = b;
	pagectl_buf_vma_open(vma);
	return 0;
}
