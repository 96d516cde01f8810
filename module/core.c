// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: the core every command uses, which knows no command.
 *
 * A command is a row of a table (struct pagectl_ioctl_op) and a handler
 * that sees one struct pagectl_ucmd. This file owns the rest:
 *
 * - pagectl_ucmd_dispatch(): the one dispatcher, for /dev/pagectl and for
 *   buffer descriptors alike. It applies the rules every command shares
 *   (number, size, unknown flags, reserved fields; docs/abi.md, section
 *   1.3), so a handler only ever sees a validated struct in kernel memory.
 * - pagectl_ucmd_respond(): the copy back, at the caller's size.
 * - pagectl_put_record(): output records at the caller's record size.
 * - The publish/abort transaction of a command that creates an object: the
 *   object is reserved, the caller is told of it, and only then is it
 *   published (a handle stored, a descriptor installed); if the caller
 *   cannot be told, it is aborted and nothing else ever saw it.
 * - The open files' state (get and put), the lists of live files and
 *   buffers that /proc/pagectl and debugfs show, and what a buffer's file is.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

/*
 * Steps 2 to 6 of the dispatcher: the argument's size, then its contents
 * against the command's rules. Returns 0 with a validated struct in
 * @ucmd->cmd, or the step's negative errno.
 */
static int pagectl_ucmd_copy_in(const struct pagectl_ioctl_op *op,
				struct pagectl_ucmd *ucmd)
{
	u32 flags;
	int ret;

	if (get_user(ucmd->user_size, (u32 __user *)ucmd->ubuffer))
		return -EFAULT;
	if (ucmd->user_size < op->min_size)
		return -EINVAL;
	/*
	 * No struct will ever reach a page: a larger size would only make
	 * copy_struct_from_user() scan that much user memory for a non-zero
	 * byte, as openat2, clone3 and bpf refuse to.
	 */
	if (ucmd->user_size > PAGE_SIZE)
		return -E2BIG;
	/* Zero-fills a short struct; -E2BIG for a non-zero tail we don't know. */
	ret = copy_struct_from_user(ucmd->cmd, op->size, ucmd->ubuffer,
				    ucmd->user_size);
	if (ret)
		return ret;

	/* Every struct starts with __u32 size, __u32 flags. */
	memcpy(&flags, (u8 *)ucmd->cmd + sizeof(u32), sizeof(flags));
	if (flags & ~op->valid_flags)
		return -EOPNOTSUPP;
	if (memchr_inv((u8 *)ucmd->cmd + op->reserved_off, 0, op->reserved_len))
		return -EINVAL;
	return 0;
}

/**
 * pagectl_ucmd_dispatch() - run one ioctl command of a table
 * @table: the commands of the file's kind
 * @file: the file the ioctl was made on
 * @cmd: the ioctl number
 * @arg: the caller's argument pointer
 *
 * Return: what the command's handler returns, or the errno of the first
 * rule the call breaks: -ENOTTY for a number the table does not have.
 */
long pagectl_ucmd_dispatch(const struct pagectl_ioctl_table *table,
			   struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	union pagectl_ucmd_buffer buf;
	struct pagectl_ucmd ucmd = {
		.file = file,
		.ubuffer = (void __user *)arg,
		.cmd = &buf,
	};
	const struct pagectl_ioctl_op *op;
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	if (_IOC_TYPE(cmd) != PAGECTL_TYPE || nr < table->base ||
	    nr - table->base >= table->nr_ops)
		return -ENOTTY;
	op = &table->ops[nr - table->base];
	/* A hole in the table, or the right number with the wrong type bits. */
	if (!op->execute || op->ioctl_num != cmd)
		return -ENOTTY;

	ret = pagectl_ucmd_copy_in(op, &ucmd);
	if (ret)
		return ret;
	return op->execute(&ucmd);
}

/**
 * pagectl_ucmd_respond() - copy a command's struct back to its caller
 * @ucmd: the command
 * @size: the kernel's size of the struct
 *
 * Only as much as the caller gave is written: an older caller gets the
 * fields it knows.
 *
 * Return: 0 or -EFAULT.
 */
int pagectl_ucmd_respond(struct pagectl_ucmd *ucmd, size_t size)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd, min_t(size_t, ucmd->user_size, size)))
		return -EFAULT;
	return 0;
}

/**
 * pagectl_put_record() - write one output record at the caller's record size
 * @out: where the record goes in user memory
 * @rec: the record
 * @len: the kernel's size of the record
 * @record_size: the caller's size, at least @len; the bytes beyond @len
 *	are zeroed
 *
 * Return: 0 or -EFAULT.
 */
int pagectl_put_record(void __user *out, const void *rec, size_t len,
		       size_t record_size)
{
	if (copy_to_user(out, rec, len))
		return -EFAULT;
	if (record_size > len && clear_user(out + len, record_size - len))
		return -EFAULT;
	return 0;
}

/**
 * pagectl_id_reserve() - reserve the id of an object a command creates
 * @xa: the table of the file's objects (XA_FLAGS_ALLOC1)
 * @next: the table's cyclic cursor
 * @id: out: the id
 *
 * The slot holds no object: lookups find nothing there until
 * pagectl_ucmd_respond_id() publishes it.
 *
 * Return: 0 or a negative errno.
 */
int pagectl_id_reserve(struct xarray *xa, u32 *next, u32 *id)
{
	int ret = xa_alloc_cyclic(xa, id, NULL, xa_limit_32b, next, GFP_KERNEL_ACCOUNT);

	return ret < 0 ? ret : 0;
}

/**
 * pagectl_ucmd_respond_id() - tell the caller of a new object, then publish it
 * @ucmd: the command, its struct holding @id
 * @size: the kernel's size of the struct
 * @xa: the table @id was reserved in
 * @id: the reserved id
 * @obj: the object
 *
 * Return: 0 with @obj published at @id; or a negative errno (-EFAULT when
 * the caller cannot be told) with the id released, and the caller destroys
 * @obj, which nothing else has seen.
 */
int pagectl_ucmd_respond_id(struct pagectl_ucmd *ucmd, size_t size,
			    struct xarray *xa, u32 id, void *obj)
{
	void *old;
	int ret;

	ret = pagectl_ucmd_respond(ucmd, size);
	if (ret) {
		xa_erase(xa, id);
		return ret;
	}
	/*
	 * The slot exists already, so storing into it should allocate
	 * nothing; if it fails all the same, the caller has been told of an
	 * object it will never find: abort, as for a failed copy-back.
	 */
	old = xa_store(xa, id, obj, GFP_KERNEL_ACCOUNT);
	if (WARN_ON_ONCE(xa_is_err(old) || old)) {
		xa_erase(xa, id);
		return xa_is_err(old) ? xa_err(old) : -EBUSY;
	}
	return 0;
}

/**
 * pagectl_ucmd_respond_fd() - tell the caller of a new descriptor, then
 *	install it
 * @ucmd: the command, its struct holding @fd
 * @size: the kernel's size of the struct
 * @fd: a descriptor from get_unused_fd_flags()
 * @file: the file it is to refer to, whose only reference the caller holds
 *
 * Return: 0 with @file installed at @fd; or -EFAULT with @fd released and
 * @file put (its release frees what it holds).
 */
int pagectl_ucmd_respond_fd(struct pagectl_ucmd *ucmd, size_t size, int fd,
			    struct file *file)
{
	int ret;

	ret = pagectl_ucmd_respond(ucmd, size);
	if (ret) {
		put_unused_fd(fd);
		fput(file);
		return ret;
	}
	/* The descriptor table owns the file's reference from here on. */
	fd_install(fd, file);
	return 0;
}

static void pagectl_file_free(struct kref *ref)
{
	struct pagectl_file *pf = container_of(ref, struct pagectl_file, ref);

	pagectl_user_put(pf->puser);
	free_uid(pf->user);
	mmdrop(pf->mm);
	kfree(pf);
}

/**
 * pagectl_file_put() - drop a reference to an open file's state
 * @pf: the state; freed when this was the last reference
 */
void pagectl_file_put(struct pagectl_file *pf)
{
	kref_put(&pf->ref, pagectl_file_free);
}

/* Time spent in the kernel's own pin and unpin calls, for benchmarks. */
atomic64_t pagectl_stat_pin_ns, pagectl_stat_pin_pages;
atomic64_t pagectl_stat_unpin_ns, pagectl_stat_unpin_pages;

/* Every open file of /dev/pagectl and every live buffer, for inspect.c. */
LIST_HEAD(pagectl_files);
DEFINE_MUTEX(pagectl_files_lock);	/* pagectl_files */
LIST_HEAD(pagectl_bufs);
DEFINE_MUTEX(pagectl_bufs_lock);	/* pagectl_bufs */

void pagectl_file_register(struct pagectl_file *pf)
{
	mutex_lock(&pagectl_files_lock);
	list_add_tail(&pf->node, &pagectl_files);
	mutex_unlock(&pagectl_files_lock);
}

void pagectl_file_unregister(struct pagectl_file *pf)
{
	mutex_lock(&pagectl_files_lock);
	list_del(&pf->node);
	mutex_unlock(&pagectl_files_lock);
}

void pagectl_buf_register(struct pagectl_buf *b)
{
	mutex_lock(&pagectl_bufs_lock);
	list_add_tail(&b->node, &pagectl_bufs);
	mutex_unlock(&pagectl_bufs_lock);
}

void pagectl_buf_unregister(struct pagectl_buf *b)
{
	mutex_lock(&pagectl_bufs_lock);
	list_del(&b->node);
	mutex_unlock(&pagectl_bufs_lock);
}

/*
 * The file operations of every buffer descriptor, set by module init before
 * the device exists: the core knows a buffer by them without knowing the
 * buffer command.
 */
const struct file_operations *pagectl_buf_file_ops __read_mostly;

/**
 * pagectl_file_is_buf() - is @file a buffer descriptor?
 * @file: any file
 *
 * Return: true for the files BUF_CREATE makes, and only for them.
 */
bool pagectl_file_is_buf(const struct file *file)
{
	return file->f_op == pagectl_buf_file_ops;
}
