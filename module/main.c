// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: the /dev/pagectl misc device, its module parameters and its
 * commands.
 *
 * Every command of the device is one row of pagectl_dev_ops[]; the core's
 * dispatcher (core.c) applies the rules all commands share and calls the
 * row's handler. A buffer descriptor's commands are buf.c's table, run by
 * the same dispatcher.
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
#include <linux/uidgid.h>

#include "internal.h"

/* Read when the device is registered: set at load only. */
static ushort mode = 0600;
static struct pagectl_param pagectl_param_mode = {
	.var = &mode,
	.size = sizeof(mode),
	.min = 0,
	.max = 0777,
};
module_param_cb(mode, &pagectl_param_ops, &pagectl_param_mode, 0444);
__MODULE_PARM_TYPE(mode, "ushort");
MODULE_PARM_DESC(mode, "Permission bits of /dev/pagectl, 0 to 0777 (default 0600)");

static int group = -1;

/* -1 (no group), or a group id of the initial user namespace. */
static int pagectl_set_group(const char *val, const struct kernel_param *kp)
{
	int v;

	if (kstrtoint(val, 0, &v) || v < -1) {
		pr_err("group=%.*s refused: not -1 nor a group id\n",
		       (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	*(int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops pagectl_group_ops = {
	.set = pagectl_set_group,
	.get = param_get_int,
};
module_param_cb(group, &pagectl_group_ops, &group, 0444);
__MODULE_PARM_TYPE(group, "int");
MODULE_PARM_DESC(group,
		 "If set, only members of this group id (or CAP_SYS_ADMIN) may open /dev/pagectl");

static int pagectl_get_info_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_info *info = ucmd->cmd;

	info->abi_version = PAGECTL_ABI_VERSION;
	info->page_size = PAGE_SIZE;
	info->features = PAGECTL_FEATURE_INFO | PAGECTL_FEATURE_PIN |
			 PAGECTL_FEATURE_WALK | PAGECTL_FEATURE_BUF |
			 PAGECTL_FEATURE_TIMER | PAGECTL_FEATURE_HUGE_MAP |
			 PAGECTL_FEATURE_PIN_CHECK;
	if (PAGECTL_BUF_HUGE_SUPPORTED)
		info->features |= PAGECTL_FEATURE_BUF_HUGE;
	if (PAGECTL_WATCH_SUPPORTED)
		info->features |= PAGECTL_FEATURE_WATCH;
	info->max_pin_pages = pagectl_max_pin_pages;
	info->max_buf_bytes = pagectl_max_buf_bytes;
	info->max_walk_records = pagectl_max_walk_records;
	strscpy_pad(info->version, PAGECTL_VERSION, sizeof(info->version));
	return pagectl_ucmd_respond(ucmd, sizeof(*info));
}

/* TIMER: a pin's timer or, with PAGECTL_TIMER_BUF, a buffer's. */
static int pagectl_timer_ioctl(struct pagectl_ucmd *ucmd)
{
	struct pagectl_timer *arg = ucmd->cmd;

	if ((arg->flags & PAGECTL_TIMER_DISARM) && (arg->offset || arg->period_ns))
		return -EINVAL;
	if (arg->flags & PAGECTL_TIMER_BUF)
		return pagectl_buf_timer_ioctl(ucmd);
	return pagectl_pin_timer_ioctl(ucmd);
}

static const struct pagectl_ioctl_op pagectl_dev_ops[] = {
	[PAGECTL_CMD_GET_INFO - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_GET_INFO, pagectl_get_info_ioctl,
				 struct pagectl_info, version, 0),
	[PAGECTL_CMD_PIN - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_PIN, pagectl_pin_ioctl,
				 struct pagectl_pin, __reserved, PAGECTL_PIN_WRITE),
	[PAGECTL_CMD_UNPIN - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_UNPIN, pagectl_unpin_ioctl,
				 struct pagectl_unpin, __reserved, PAGECTL_UNPIN_DIRTY),
	[PAGECTL_CMD_PIN_DESCRIBE - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_PIN_DESCRIBE, pagectl_pin_describe_ioctl,
				 struct pagectl_pin_describe, __reserved,
				 PAGECTL_DESCRIBE_EXTENTS),
	[PAGECTL_CMD_WALK - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_WALK, pagectl_walk_ioctl,
				 struct pagectl_walk, vma, PAGECTL_WALK_PID),
	[PAGECTL_CMD_WALK_RANGE - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_WALK_RANGE, pagectl_walk_range_ioctl,
				 struct pagectl_walk_range, next,
				 PAGECTL_WALK_PID | PAGECTL_WALK_PAGE_STATE),
	[PAGECTL_CMD_BUF_CREATE - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_BUF_CREATE, pagectl_buf_create_ioctl,
				 struct pagectl_buf_create, __reserved,
				 PAGECTL_BUF_CREATE_FLAGS),
	[PAGECTL_CMD_TIMER - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_TIMER, pagectl_timer_ioctl,
				 struct pagectl_timer, __reserved,
				 PAGECTL_TIMER_BUF | PAGECTL_TIMER_DISARM),
	[PAGECTL_CMD_HUGE_MAP - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_HUGE_MAP, pagectl_huge_map_ioctl,
				 struct pagectl_huge_map, next, PAGECTL_WALK_PID),
	[PAGECTL_CMD_PIN_CHECK - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_PIN_CHECK, pagectl_pin_check_ioctl,
				 struct pagectl_pin_check, __reserved,
				 PAGECTL_PIN_WRITE | PAGECTL_PIN_CHECK_PID),
#if PAGECTL_WATCH_SUPPORTED
	[PAGECTL_CMD_WATCH - PAGECTL_CMD_BASE] =
		PAGECTL_IOCTL_OP(PAGECTL_WATCH, pagectl_watch_ioctl,
				 struct pagectl_watch, __reserved,
				 PAGECTL_WALK_PID | PAGECTL_WATCH_ENTRIES),
#endif
};

static const struct pagectl_ioctl_table pagectl_dev_table = {
	.ops = pagectl_dev_ops,
	.nr_ops = ARRAY_SIZE(pagectl_dev_ops),
	.base = PAGECTL_CMD_BASE,
};

static long pagectl_dev_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	return pagectl_ucmd_dispatch(&pagectl_dev_table, filp, cmd, arg);
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

static int pagectl_dev_open(struct inode *inode, struct file *filp)
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
	pagectl_file_register(pf);
	/* misc_open() left the miscdevice here; the file owns pf from now on. */
	filp->private_data = pf;
	return 0;
}

static int pagectl_dev_release(struct inode *inode, struct file *filp)
{
	struct pagectl_file *pf = filp->private_data;

	pagectl_file_unregister(pf);
	pagectl_pins_release(pf);
	pagectl_buf_timers_release(pf);
	pagectl_file_put(pf);
	return 0;
}

static const struct file_operations pagectl_fops = {
	.owner		= THIS_MODULE,
	.open		= pagectl_dev_open,
	.release	= pagectl_dev_release,
	.unlocked_ioctl	= pagectl_dev_ioctl,
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

	/* The parameters' bounds were checked as they were set. */
	pagectl_misc.mode = mode;
	pagectl_buf_file_ops = &pagectl_buf_fops;

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
