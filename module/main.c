// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: the /dev/pagectl misc device and its ioctl dispatcher.
 *
 * Every command is one row of pagectl_ioctl_ops[]. The rules every command
 * shares (argument size, unknown flags, reserved fields, copying in and out)
 * are applied once, in pagectl_ioctl(), so a command's handler only ever sees
 * a complete, validated struct in kernel memory.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "internal.h"

static ushort mode = 0600;
module_param(mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Permission bits of /dev/pagectl (default 0600)");

static int group = -1;
module_param(group, int, 0444);
MODULE_PARM_DESC(group,
		 "If set, only members of this group id (or CAP_SYS_ADMIN) may open /dev/pagectl");

/* Every command's argument struct, so the dispatcher can hold any of them. */
union pagectl_cmd_buffer {
	struct pagectl_info info;
};

/**
 * struct pagectl_ioctl_op - one command of the dispatcher table
 * @size: the kernel's size of the command's struct
 * @min_size: the size of the struct's first version; smaller is -EINVAL
 * @ioctl_num: the full ioctl number, to reject a matching number of
 *	another type or direction
 * @valid_flags: flags this kernel knows; any other bit is -EOPNOTSUPP
 * @reserved_off: offset of the struct's __reserved field
 * @reserved_len: its length; any non-zero byte there is -EINVAL
 * @execute: the handler; on success the struct is copied back to the caller
 */
struct pagectl_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	u32 valid_flags;
	unsigned int reserved_off;
	unsigned int reserved_len;
	int (*execute)(struct pagectl_file *pf, void *cmd);
};

/* Every command struct names its reserved field __reserved. */
#define PAGECTL_OP(_ioctl, _fn, _struct, _last, _flags)			\
	{									\
		.size = sizeof(_struct),					\
		.min_size = offsetofend(_struct, _last),			\
		.ioctl_num = _ioctl,						\
		.valid_flags = _flags,						\
		.reserved_off = offsetof(_struct, __reserved),			\
		.reserved_len = sizeof_field(_struct, __reserved),		\
		.execute = _fn,							\
	}

static int pagectl_get_info(struct pagectl_file *pf, void *cmd)
{
	struct pagectl_info *info = cmd;

	info->abi_version = PAGECTL_ABI_VERSION;
	info->page_size = PAGE_SIZE;
	info->features = PAGECTL_FEATURE_INFO;
	info->max_pin_pages = 0;
	info->max_buf_bytes = 0;
	info->max_walk_records = 0;
	strscpy_pad(info->version, PAGECTL_VERSION, sizeof(info->version));
	return 0;
}

static const struct pagectl_ioctl_op pagectl_ioctl_ops[] = {
	[PAGECTL_CMD_GET_INFO - PAGECTL_CMD_BASE] =
		PAGECTL_OP(PAGECTL_GET_INFO, pagectl_get_info,
			   struct pagectl_info, version, 0),
};

static long pagectl_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct pagectl_file *pf = filp->private_data;
	void __user *uarg = (void __user *)arg;
	const struct pagectl_ioctl_op *op;
	union pagectl_cmd_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	u32 user_size, flags;
	int ret;

	if (_IOC_TYPE(cmd) != PAGECTL_TYPE || nr < PAGECTL_CMD_BASE ||
	    nr - PAGECTL_CMD_BASE >= ARRAY_SIZE(pagectl_ioctl_ops))
		return -ENOTTY;
	op = &pagectl_ioctl_ops[nr - PAGECTL_CMD_BASE];
	/* A hole in the table, or the right number with the wrong type bits. */
	if (!op->execute || op->ioctl_num != cmd)
		return -ENOTTY;

	if (get_user(user_size, (u32 __user *)uarg))
		return -EFAULT;
	if (user_size < op->min_size)
		return -EINVAL;
	/* Zero-fills a short struct; -E2BIG for a non-zero tail we don't know. */
	ret = copy_struct_from_user(&buf, op->size, uarg, user_size);
	if (ret)
		return ret;

	/* Every struct starts with __u32 size, __u32 flags. */
	memcpy(&flags, (u8 *)&buf + sizeof(u32), sizeof(flags));
	if (flags & ~op->valid_flags)
		return -EOPNOTSUPP;
	if (memchr_inv((u8 *)&buf + op->reserved_off, 0, op->reserved_len))
		return -EINVAL;

	ret = op->execute(pf, &buf);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &buf, min_t(u32, user_size, op->size)))
		return -EFAULT;
	return 0;
}

static void pagectl_file_free(struct kref *ref)
{
	kfree(container_of(ref, struct pagectl_file, ref));
}

/**
 * pagectl_file_put() - drop a reference to an open file's state
 * @pf: the state; freed when this was the last reference
 */
void pagectl_file_put(struct pagectl_file *pf)
{
	kref_put(&pf->ref, pagectl_file_free);
}

/* The group check adds to the node's mode bits; it never widens them. */
static bool pagectl_may_open(void)
{
	kgid_t gid;

	if (group < 0 || capable(CAP_SYS_ADMIN))
		return true;
	/* A gid of the initial namespace: a user namespace cannot remap it. */
	gid = make_kgid(&init_user_ns, group);
	return gid_valid(gid) && in_group_p(gid);
}

static int pagectl_open(struct inode *inode, struct file *filp)
{
	struct pagectl_file *pf;

	if (!pagectl_may_open())
		return -EACCES;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	kref_init(&pf->ref);
	/* misc_open() left the miscdevice here; the file owns pf from now on. */
	filp->private_data = pf;
	return 0;
}

static int pagectl_release(struct inode *inode, struct file *filp)
{
	pagectl_file_put(filp->private_data);
	return 0;
}

static const struct file_operations pagectl_fops = {
	.owner		= THIS_MODULE,
	.open		= pagectl_open,
	.release	= pagectl_release,
	.unlocked_ioctl	= pagectl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice pagectl_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "pagectl",
	.fops	= &pagectl_fops,
};

static int __init pagectl_init(void)
{
	int ret;

	if (mode & ~0777) {
		pr_err("mode=%#o has bits other than permission bits\n", mode);
		return -EINVAL;
	}
	pagectl_misc.mode = mode;

	ret = misc_register(&pagectl_misc);
	if (ret) {
		pr_err("cannot register /dev/pagectl: %d\n", ret);
		return ret;
	}
	return 0;
}

static void __exit pagectl_exit(void)
{
	misc_deregister(&pagectl_misc);
}

module_init(pagectl_init);
module_exit(pagectl_exit);

MODULE_DESCRIPTION("See and control how user memory is backed: pin, walk, map");
MODULE_AUTHOR("The pagectl authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(PAGECTL_VERSION);
