/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagectl: what the buffer files (buf.c, buf_map.c, buf_io.c) share.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_BUF_H
#define _PAGECTL_BUF_H

#include <linux/fs.h>
#include <linux/mm.h>

#include "internal.h"

/* A huge buffer's blocks: 2 MiB, physically contiguous and aligned. */
#define PAGECTL_BUF_BLOCK_ORDER	(PMD_SHIFT - PAGE_SHIFT)
#define PAGECTL_BUF_BLOCK_SIZE	PMD_SIZE
#define PAGECTL_BUF_BLOCK_PAGES	(PMD_SIZE >> PAGE_SHIFT)

/*
 * The kernel's address of byte @pos. Buffers are GFP_KERNEL memory, never
 * highmem, so every page is in the direct map.
 */
static inline void *pagectl_buf_addr(const struct pagectl_buf *b, u64 pos)
{
	return page_address(b->pages[pos >> PAGE_SHIFT]) + offset_in_page(pos);
}

void pagectl_buf_put(struct pagectl_buf *b);

/* buf_map.c */
int pagectl_buf_mmap(struct file *file, struct vm_area_struct *vma);

/* buf_io.c */
ssize_t pagectl_buf_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos);
ssize_t pagectl_buf_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos);
loff_t pagectl_buf_llseek(struct file *file, loff_t offset, int whence);
int pagectl_buf_fill_ioctl(struct pagectl_ucmd *ucmd);

#endif /* _PAGECTL_BUF_H */
