// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: a buffer's contents through its descriptor: read(), write(),
 * lseek(), and BUF_FILL, which writes a pattern through the kernel's own
 * mapping.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "buf.h"

/* read() and write(): the copy-based transfer, a page at a time. */
static ssize_t pagectl_buf_copy(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos, bool write)
{
	struct pagectl_buf *b = file->private_data;
	u64 len = pagectl_buf_len(b), pos = *ppos;
	size_t done = 0;

	if (*ppos < 0)
		return -EINVAL;
	if (pos >= len)
		return write ? -ENOSPC : 0;
	count = min_t(u64, count, len - pos);

	while (done < count) {
		size_t n = min_t(size_t, count - done, PAGE_SIZE - offset_in_page(pos));
		void *kaddr = pagectl_buf_addr(b, pos);
		unsigned long left;

		if (write)
			left = copy_from_user(kaddr, ubuf + done, n);
		else
			left = copy_to_user(ubuf + done, kaddr, n);
		done += n - left;
		pos += n - left;
		if (left || fatal_signal_pending(current))
			break;
		cond_resched();
	}
	if (!done)
		return -EFAULT;
	*ppos = pos;
	return done;
}

ssize_t pagectl_buf_read(struct file *file, char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	if (!count)
		return 0;
	return pagectl_buf_copy(file, ubuf, count, ppos, false);
}

ssize_t pagectl_buf_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	if (!count)
		return 0;
	return pagectl_buf_copy(file, (char __user *)ubuf, count, ppos, true);
}

loff_t pagectl_buf_llseek(struct file *file, loff_t offset, int whence)
{
	struct pagectl_buf *b = file->private_data;

	/* SEEK_END is relative to the allocated length. */
	return generic_file_llseek_size(file, offset, whence, MAX_LFS_FILESIZE,
					pagectl_buf_len(b));
}

/* PAGECTL_BUF_FILL: the kernel writes a pattern through its own mapping. */
int pagectl_buf_fill_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_buf *b = ucmd->file->private_data;
	struct pagectl_buf_fill *arg = ucmd->cmd;
	u64 pos = arg->offset, end;

	if (b->flags & PAGECTL_BUF_RDONLY)
		return -EBADF;
	if (!arg->length || arg->offset % sizeof(u64) || arg->length % sizeof(u64))
		return -EINVAL;
	if (check_add_overflow(arg->offset, arg->length, &end))
		return -EOVERFLOW;
	if (end > pagectl_buf_len(b))
		return -EINVAL;

	while (pos < end) {
		size_t words = min_t(u64, end - pos, PAGE_SIZE - offset_in_page(pos)) /
			       sizeof(u64);
		u64 *p = pagectl_buf_addr(b, pos);
		size_t w;

		if (arg->flags & PAGECTL_FILL_INDEX) {
			for (w = 0; w < words; w++)
				p[w] = arg->pattern + pos / sizeof(u64) + w;
		} else {
			memset64(p, arg->pattern, words);
		}
		pos += words * sizeof(u64);
		cond_resched();
	}
	return pagectl_ucmd_respond(ucmd, sizeof(*arg));
}
