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

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
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

unsigned long pagectl_max_pin_pages = 1UL << 20;
module_param_named(max_pin_pages, pagectl_max_pin_pages, ulong, 0444);
MODULE_PARM_DESC(max_pin_pages, "Pages one open file may hold pinned (default 1048576)");

unsigned int pagectl_max_walk_records = 65536;
module_param_named(max_walk_records, pagectl_max_walk_records, uint, 0444);
MODULE_PARM_DESC(max_walk_records, "Records one WALK_RANGE call returns at most (default 65536)");
unsigned long pagectl_max_buf_bytes = 1UL << 30;
module_param_named(max_buf_bytes, pagectl_max_buf_bytes, ulong, 0444);
MODULE_PARM_DESC(max_buf_bytes,
		 "Bytes of live buffers one open file may create (default 1073741824)");

/* Every command's argument struct, so the dispatcher can hold any of them. */
union pagectl_cmd_buffer {
	struct pagectl_info info;
	struct pagectl_pin_cmd pin;
	struct pagectl_unpin unpin;
	struct pagectl_pin_describe describe;
	struct pagectl_timer timer;
	struct pagectl_walk walk;
	struct pagectl_walk_range walk_range;
	struct pagectl_buf_create_cmd buf_create;
};

/**
 * struct pagectl_ioctl_op - one command of the dispatcher table
 * @rule: the argument rules of the command
 * @execute: the handler; on success the struct is copied back to the caller
 * @undo: for a command that creates an object: called when that copy
 *	fails, to abort what @execute made, which the caller never learnt of
 * @commit: for such a command: called once the copy has succeeded, to
 *	publish the object (a new pin's handle is filled in, a new
 *	descriptor installed, only then); until then nothing else can reach it
 */
struct pagectl_ioctl_op {
	struct pagectl_cmd_rule rule;
	int (*execute)(struct pagectl_file *pf, void *cmd);
	void (*undo)(struct pagectl_file *pf, void *cmd);
	void (*commit)(struct pagectl_file *pf, void *cmd);
};

#define PAGECTL_OP(_ioctl, _fn, _undo, _struct, _last, _flags)		\
	{									\
		.rule = PAGECTL_CMD_RULE(_ioctl, _struct, _last, _flags),	\
		.execute = _fn,							\
		.undo = _undo,							\
	}

/**
 * pagectl_cmd_copy_in() - apply the argument rules of a command
 * @rule: the command's rules
 * @kbuf: room for the command's struct, at least @rule->size bytes
 * @uarg: the caller's argument pointer
 * @user_size: out: the size the caller gave
 *
 * Steps 2 to 6 of the dispatcher (docs/abi.md, section 1.3).
 *
 * Return: 0 with a validated struct in @kbuf, or the step's negative errno.
 */
int pagectl_cmd_copy_in(const struct pagectl_cmd_rule *rule, void *kbuf,
			void __user *uarg, u32 *user_size)
{
	u32 flags;
	int ret;

	if (get_user(*user_size, (u32 __user *)uarg))
		return -EFAULT;
	if (*user_size < rule->min_size)
		return -EINVAL;
	/* Zero-fills a short struct; -E2BIG for a non-zero tail we don't know. */
	ret = copy_struct_from_user(kbuf, rule->size, uarg, *user_size);
	if (ret)
		return ret;

	/* Every struct starts with __u32 size, __u32 flags. */
	memcpy(&flags, (u8 *)kbuf + sizeof(u32), sizeof(flags));
	if (flags & ~rule->valid_flags)
		return -EOPNOTSUPP;
	if (memchr_inv((u8 *)kbuf + rule->reserved_off, 0, rule->reserved_len))
		return -EINVAL;
	return 0;
}

static int pagectl_get_info(struct pagectl_file *pf, void *cmd)
{
	struct pagectl_info *info = cmd;

	info->abi_version = PAGECTL_ABI_VERSION;
	info->page_size = PAGE_SIZE;
	info->features = PAGECTL_FEATURE_INFO | PAGECTL_FEATURE_PIN |
			 PAGECTL_FEATURE_WALK | PAGECTL_FEATURE_BUF |
			 PAGECTL_FEATURE_TIMER;
	if (PAGECTL_BUF_HUGE_SUPPORTED)
		info->features |= PAGECTL_FEATURE_BUF_HUGE;
	info->max_pin_pages = pagectl_max_pin_pages;
	info->max_buf_bytes = pagectl_max_buf_bytes;
	info->max_walk_records = pagectl_max_walk_records;
	strscpy_pad(info->version, PAGECTL_VERSION, sizeof(info->version));
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

static const struct pagectl_ioctl_op pagectl_ioctl_ops[] = {
	[PAGECTL_CMD_GET_INFO - PAGECTL_CMD_BASE] =
		PAGECTL_OP(PAGECTL_GET_INFO, pagectl_get_info, NULL,
			   struct pagectl_info, version, 0),
	[PAGECTL_CMD_PIN - PAGECTL_CMD_BASE] = {
		.rule = PAGECTL_CMD_RULE(PAGECTL_PIN, struct pagectl_pin, __reserved,
					 PAGECTL_PIN_WRITE),
		.execute = pagectl_pin,
		.undo = pagectl_pin_abort,
		.commit = pagectl_pin_publish,
	},
	[PAGECTL_CMD_UNPIN - PAGECTL_CMD_BASE] =
		PAGECTL_OP(PAGECTL_UNPIN, pagectl_unpin, NULL,
			   struct pagectl_unpin, __reserved, PAGECTL_UNPIN_DIRTY),
	[PAGECTL_CMD_PIN_DESCRIBE - PAGECTL_CMD_BASE] =
		PAGECTL_OP(PAGECTL_PIN_DESCRIBE, pagectl_pin_describe, NULL,
			   struct pagectl_pin_describe, __reserved,
			   PAGECTL_DESCRIBE_EXTENTS),
	[PAGECTL_CMD_WALK - PAGECTL_CMD_BASE] =
		PAGECTL_OP(PAGECTL_WALK, pagectl_walk, NULL,
			   struct pagectl_walk, vma, PAGECTL_WALK_PID),
	[PAGECTL_CMD_WALK_RANGE - PAGECTL_CMD_BASE] =
		PAGECTL_OP(PAGECTL_WALK_RANGE, pagectl_walk_range, NULL,
			   struct pagectl_walk_range, next,
			   PAGECTL_WALK_PID | PAGECTL_WALK_PAGE_STATE),
	[PAGECTL_CMD_BUF_CREATE - PAGECTL_CMD_BASE] = {
		.rule = PAGECTL_CMD_RULE(PAGECTL_BUF_CREATE, struct pagectl_buf_create,
					 __reserved, PAGECTL_BUF_CREATE_FLAGS),
		.execute = pagectl_buf_create,
		.undo = pagectl_buf_create_undo,
		.commit = pagectl_buf_create_commit,
	},
	[PAGECTL_CMD_TIMER - PAGECTL_CMD_BASE] =
		PAGECTL_OP(PAGECTL_TIMER, pagectl_timer, NULL,
			   struct pagectl_timer, __reserved,
			   PAGECTL_TIMER_BUF | PAGECTL_TIMER_DISARM),
};

static long pagectl_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct pagectl_file *pf = filp->private_data;
	void __user *uarg = (void __user *)arg;
	const struct pagectl_ioctl_op *op;
	union pagectl_cmd_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	u32 user_size;
	int ret;

	if (_IOC_TYPE(cmd) != PAGECTL_TYPE || nr < PAGECTL_CMD_BASE ||
	    nr - PAGECTL_CMD_BASE >= ARRAY_SIZE(pagectl_ioctl_ops))
		return -ENOTTY;
	op = &pagectl_ioctl_ops[nr - PAGECTL_CMD_BASE];
	/* A hole in the table, or the right number with the wrong type bits. */
	if (!op->execute || op->rule.ioctl_num != cmd)
		return -ENOTTY;

	ret = pagectl_cmd_copy_in(&op->rule, &buf, uarg, &user_size);
	if (ret)
		return ret;
	ret = op->execute(pf, &buf);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &buf, min_t(u32, user_size, op->rule.size))) {
		if (op->undo)
			op->undo(pf, &buf);
		return -EFAULT;
	}
	if (op->commit)
		op->commit(pf, &buf);
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

/*
 * The group check adds to the node's mode bits; it never widens them. The
 * group is tested first: capable() leaves an audit record of a denial for
 * every ordinary member otherwise.
 */
static bool pagectl_may_open(void)
{
	kgid_t gid;

	if (group < 0)
		return true;
	/* A gid of the initial namespace: a user namespace cannot remap it. */
	gid = make_kgid(&init_user_ns, group);
	if (gid_valid(gid) && in_group_p(gid))
		return true;
	return capable(CAP_SYS_ADMIN);
}

static int pagectl_open(struct inode *inode, struct file *filp)
{
	struct pagectl_file *pf;

	if (!pagectl_may_open())
		return -EACCES;
	/* Pins are made in, and charged to, the opener's address space. */
	if (!current->mm)
		return -EINVAL;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL_ACCOUNT);
	if (!pf)
		return -ENOMEM;
	pf->puser = pagectl_user_get();
	if (!pf->puser) {
		kfree(pf);
		return -ENOMEM;
	}
	pf->user = get_uid(current_user());
	kref_init(&pf->ref);
	mmgrab(current->mm);
	pf->mm = current->mm;
	pf->pid = task_tgid_nr(current);
	/* Decided once, from the opener's credentials, as pagemap does. */
	pf->privileged = file_ns_capable(filp, &init_user_ns, CAP_SYS_ADMIN);
	pagectl_pins_init(pf);
	pagectl_buf_timers_init(pf);
	pagectl_inspect_add(pf);
	/* misc_open() left the miscdevice here; the file owns pf from now on. */
	filp->private_data = pf;
	return 0;
}

static int pagectl_release(struct inode *inode, struct file *filp)
{
	struct pagectl_file *pf = filp->private_data;

	pagectl_inspect_del(pf);
	pagectl_pins_release(pf);
	pagectl_buf_timers_release(pf);
	pagectl_file_put(pf);
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
	if (!pagectl_max_walk_records) {
		pr_err("max_walk_records must not be 0\n");
		return -EINVAL;
	}

	ret = pagectl_inspect_init();
	if (ret) {
		pr_err("cannot create /proc/pagectl: %d\n", ret);
		return ret;
	}
	ret = misc_register(&pagectl_misc);
	if (ret) {
		pr_err("cannot register /dev/pagectl: %d\n", ret);
		goto err_inspect;
	}
	return 0;

err_inspect:
	pagectl_inspect_exit();
	return ret;
}

static void __exit pagectl_exit(void)
{
	misc_deregister(&pagectl_misc);
	pagectl_inspect_exit();
}

module_init(pagectl_init);
module_exit(pagectl_exit);

MODULE_DESCRIPTION("See and control how user memory is backed: pin, walk, map");
MODULE_AUTHOR("The pagectl authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(PAGECTL_VERSION);
