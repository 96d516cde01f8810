// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: what users may hold, and what it is charged to.
 *
 * Pinned pages and buffer pages are memory the kernel cannot swap or move.
 * Both are charged to the user who opened the device, in the user's
 * locked_vm against RLIMIT_MEMLOCK, as iommufd, io_uring and perf charge
 * such memory: a user's limit then holds whatever that user does with
 * processes and descriptors (reopening the device, forking, execve, passing
 * descriptors). Pins are also added to the pinning process's pinned_vm, so
 * VmPin in /proc/PID/status keeps showing them.
 *
 * Armed timers fire in hard interrupt context. They are capped per file,
 * per user and for the whole module.
 *
 * A watch's queue, and its entries, are kernel memory allocated at creation,
 * charged to the creator's memory cgroup and, as memory that cannot be
 * swapped, to the user's locked_vm; watches are capped per file, per user
 * and in the whole module, as timers are, their queues in length and their
 * entries in pages.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "internal.h"

/*
 * A numeric parameter within its bounds, at load and when root writes it
 * through /sys/module/pagectl/parameters: a value out of bounds is refused
 * with a message, so that no limit can be set to what would wrap or divide
 * by zero where it is used.
 */
static int pagectl_param_set(const char *val, const struct kernel_param *kp)
{
	const struct pagectl_param *p = kp->arg;
	unsigned long v;

	if (kstrtoul(val, 0, &v) || v < p->min || v > p->max) {
		pr_err("pagectl: %s=%.*s refused: not a number from %lu to %lu\n",
		       kp->name, (int)strcspn(val, "\n"), val, p->min, p->max);
		return -EINVAL;
	}
	switch (p->size) {
	case sizeof(u16):
		WRITE_ONCE(*(u16 *)p->var, v);
		break;
	case sizeof(u32):
		WRITE_ONCE(*(u32 *)p->var, v);
		break;
	default:
		WRITE_ONCE(*(unsigned long *)p->var, v);
		break;
	}
	return 0;
}

static int pagectl_param_get(char *buf, const struct kernel_param *kp)
{
	const struct pagectl_param *p = kp->arg;
	unsigned long v;

	switch (p->size) {
	case sizeof(u16):
		v = READ_ONCE(*(u16 *)p->var);
		break;
	case sizeof(u32):
		v = READ_ONCE(*(u32 *)p->var);
		break;
	default:
		v = READ_ONCE(*(unsigned long *)p->var);
		break;
	}
	return sysfs_emit(buf, "%lu\n", v);
}

const struct kernel_param_ops pagectl_param_ops = {
	.set = pagectl_param_set,
	.get = pagectl_param_get,
};

unsigned long pagectl_max_pin_pages = 1UL << 20;
static struct pagectl_param pagectl_param_max_pin_pages = {
	.var = &pagectl_max_pin_pages,
	.size = sizeof(pagectl_max_pin_pages),
	.min = 0,
	.max = 1UL << 36,
};
module_param_cb(max_pin_pages, &pagectl_param_ops, &pagectl_param_max_pin_pages, 0644);
__MODULE_PARM_TYPE(max_pin_pages, "ulong");
MODULE_PARM_DESC(max_pin_pages,
		 "Pages one open file may hold pinned, 0 to 2^36 (default 1048576)");

unsigned int pagectl_max_walk_records = 65536;
static struct pagectl_param pagectl_param_max_walk_records = {
	.var = &pagectl_max_walk_records,
	.size = sizeof(pagectl_max_walk_records),
	.min = 1,
	.max = 1U << 24,
};
module_param_cb(max_walk_records, &pagectl_param_ops, &pagectl_param_max_walk_records, 0644);
__MODULE_PARM_TYPE(max_walk_records, "uint");
MODULE_PARM_DESC(max_walk_records,
		 "Records one WALK_RANGE call returns at most, 1 to 2^24 (default 65536)");

unsigned long pagectl_max_buf_bytes = 1UL << 30;
static struct pagectl_param pagectl_param_max_buf_bytes = {
	.var = &pagectl_max_buf_bytes,
	.size = sizeof(pagectl_max_buf_bytes),
	.min = 0,
	.max = 1UL << 46,
};
module_param_cb(max_buf_bytes, &pagectl_param_ops, &pagectl_param_max_buf_bytes, 0644);
__MODULE_PARM_TYPE(max_buf_bytes, "ulong");
MODULE_PARM_DESC(max_buf_bytes,
		 "Bytes of live buffers one open file may create, 0 to 2^46 (default 2^30)");

unsigned int pagectl_max_timers_per_user = 64;
static struct pagectl_param pagectl_param_max_timers_per_user = {
	.var = &pagectl_max_timers_per_user,
	.size = sizeof(pagectl_max_timers_per_user),
	.min = 0,
	.max = 65536,
};
module_param_cb(max_timers_per_user, &pagectl_param_ops, &pagectl_param_max_timers_per_user, 0644);
__MODULE_PARM_TYPE(max_timers_per_user, "uint");
MODULE_PARM_DESC(max_timers_per_user,
		 "Timers one user's files may have armed at once, 0 to 65536 (default 64)");

unsigned int pagectl_max_timers = 256;
static struct pagectl_param pagectl_param_max_timers = {
	.var = &pagectl_max_timers,
	.size = sizeof(pagectl_max_timers),
	.min = 0,
	.max = 65536,
};
module_param_cb(max_timers, &pagectl_param_ops, &pagectl_param_max_timers, 0644);
__MODULE_PARM_TYPE(max_timers, "uint");
MODULE_PARM_DESC(max_timers,
		 "Timers armed at once in the whole module, 0 to 65536 (default 256)");

unsigned long pagectl_min_timer_period_ns = 100000;
static struct pagectl_param pagectl_param_min_timer_period_ns = {
	.var = &pagectl_min_timer_period_ns,
	.size = sizeof(pagectl_min_timer_period_ns),
	.min = PAGECTL_TIMER_MIN_PERIOD_NS,
	.max = NSEC_PER_SEC,
};
module_param_cb(min_timer_period_ns, &pagectl_param_ops, &pagectl_param_min_timer_period_ns, 0644);
__MODULE_PARM_TYPE(min_timer_period_ns, "ulong");
MODULE_PARM_DESC(min_timer_period_ns,
		 "Shortest timer period without CAP_SYS_ADMIN in ns, 10^4 to 10^9 (default 100000)");

unsigned int pagectl_max_watches_per_file = 16;
static struct pagectl_param pagectl_param_max_watches_per_file = {
	.var = &pagectl_max_watches_per_file,
	.size = sizeof(pagectl_max_watches_per_file),
	.min = 0,
	.max = 65536,
};
module_param_cb(max_watches_per_file, &pagectl_param_ops,
		&pagectl_param_max_watches_per_file, 0644);
__MODULE_PARM_TYPE(max_watches_per_file, "uint");
MODULE_PARM_DESC(max_watches_per_file,
		 "Watches of one open file open at once, 0 to 65536 (default 16)");

unsigned int pagectl_max_watches_per_user = 64;
static struct pagectl_param pagectl_param_max_watches_per_user = {
	.var = &pagectl_max_watches_per_user,
	.size = sizeof(pagectl_max_watches_per_user),
	.min = 0,
	.max = 65536,
};
module_param_cb(max_watches_per_user, &pagectl_param_ops,
		&pagectl_param_max_watches_per_user, 0644);
__MODULE_PARM_TYPE(max_watches_per_user, "uint");
MODULE_PARM_DESC(max_watches_per_user,
		 "Watches one user's files may have open at once, 0 to 65536 (default 64)");

unsigned int pagectl_max_watches = 1024;
static struct pagectl_param pagectl_param_max_watches = {
	.var = &pagectl_max_watches,
	.size = sizeof(pagectl_max_watches),
	.min = 0,
	.max = 65536,
};
module_param_cb(max_watches, &pagectl_param_ops, &pagectl_param_max_watches, 0644);
__MODULE_PARM_TYPE(max_watches, "uint");
MODULE_PARM_DESC(max_watches,
		 "Watches open at once in the whole module, 0 to 65536 (default 1024)");

unsigned int pagectl_max_watch_queue = 4096;
static struct pagectl_param pagectl_param_max_watch_queue = {
	.var = &pagectl_max_watch_queue,
	.size = sizeof(pagectl_max_watch_queue),
	.min = 1,
	.max = 65536,
};
module_param_cb(max_watch_queue, &pagectl_param_ops, &pagectl_param_max_watch_queue, 0644);
__MODULE_PARM_TYPE(max_watch_queue, "uint");
MODULE_PARM_DESC(max_watch_queue,
		 "Events one watch may queue at most, 1 to 65536 (default 4096)");

static atomic_t pagectl_timers_armed = ATOMIC_INIT(0);
static atomic_t pagectl_watches_open = ATOMIC_INIT(0);

/**
 * struct pagectl_user - what pagectl counts per user
 * @node: entry in pagectl_users
 * @uid: the user
 * @ref: held by every open file of the user
 * @timers: timers armed through the user's files
 * @watches: watches open that the user's files made
 */
struct pagectl_user {
	struct hlist_node node;
	kuid_t uid;
	refcount_t ref;
	atomic_t timers;
	atomic_t watches;
};

static DEFINE_HASHTABLE(pagectl_users, 6);
static DEFINE_SPINLOCK(pagectl_users_lock);

/**
 * pagectl_user_get() - the state of the current user, with a reference
 *
 * Return: the state, or NULL when it cannot be allocated.
 */
struct pagectl_user *pagectl_user_get(void)
{
	kuid_t uid = current_uid();
	u32 key = from_kuid(&init_user_ns, uid);
	struct pagectl_user *u, *new;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	spin_lock(&pagectl_users_lock);
	hash_for_each_possible(pagectl_users, u, node, key) {
		if (uid_eq(u->uid, uid)) {
			refcount_inc(&u->ref);
			spin_unlock(&pagectl_users_lock);
			kfree(new);
			return u;
		}
	}
	if (new) {
		new->uid = uid;
		refcount_set(&new->ref, 1);
		hash_add(pagectl_users, &new->node, key);
	}
	spin_unlock(&pagectl_users_lock);
	return new;
}

/**
 * pagectl_user_put() - drop a reference taken by pagectl_user_get()
 * @u: the user's state; freed with its last reference
 */
void pagectl_user_put(struct pagectl_user *u)
{
	spin_lock(&pagectl_users_lock);
	if (!refcount_dec_and_test(&u->ref)) {
		spin_unlock(&pagectl_users_lock);
		return;
	}
	hash_del(&u->node);
	spin_unlock(&pagectl_users_lock);
	WARN_ON_ONCE(atomic_read(&u->timers));
	WARN_ON_ONCE(atomic_read(&u->watches));
	kfree(u);
}

/**
 * pagectl_account_locked() - charge pages to a user's locked_vm
 * @user: the user (a reference the caller holds)
 * @npages: pages to charge
 *
 * The limit is the current task's RLIMIT_MEMLOCK; with CAP_IPC_LOCK the
 * pages are counted but not limited, as ib_umem_get() does.
 *
 * Return: 0, or -ENOMEM when the charge would pass the limit.
 */
int pagectl_account_locked(struct user_struct *user, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned long cur = atomic_long_read(&user->locked_vm);
	int unlimited = -1;

	do {
		if (npages <= limit && cur <= limit - npages)
			continue;
		/* Asked only when needed: capable() leaves an audit record. */
		if (unlimited < 0)
			unlimited = capable(CAP_IPC_LOCK);
		if (!unlimited)
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, cur + npages));
	return 0;
}

/*
 * Whether @task's credentials hold CAP_IPC_LOCK in the initial namespace.
 * has_capability_noaudit() is not exported from 7.3 on; this reads the
 * capability set the same way, without asking an LSM.
 */
static bool pagectl_task_ipc_lock(struct task_struct *task)
{
	const struct cred *cred;
	bool ret;

	rcu_read_lock();
	cred = __task_cred(task);
	ret = cred->user_ns == &init_user_ns &&
	      cap_raised(cred->cap_effective, CAP_IPC_LOCK);
	rcu_read_unlock();
	return ret;
}

/**
 * pagectl_memlock_limit() - the pages a task may have charged
 * @task: current, or a task the caller holds a reference to
 *
 * Asked without an audit record: nothing is charged.
 *
 * Return: @task's RLIMIT_MEMLOCK in pages, or ~0 without a limit or with
 * CAP_IPC_LOCK.
 */
u64 pagectl_memlock_limit(struct task_struct *task)
{
	unsigned long limit = task_rlimit(task, RLIMIT_MEMLOCK);
	bool unlimited;

	if (limit == RLIM_INFINITY)
		return ~0ULL;
	/* The caller's own subjective credentials, as capable() reads them. */
	if (task == current)
		unlimited = ns_capable_noaudit(&init_user_ns, CAP_IPC_LOCK);
	else
		unlimited = pagectl_task_ipc_lock(task);
	return unlimited ? ~0ULL : limit >> PAGE_SHIFT;
}

/**
 * pagectl_locked_pages() - the pages charged to a task's user now
 * @task: a task the caller holds a reference to
 *
 * Return: the locked_vm of @task's real user, which a PIN through a file
 * that @task opens is charged to.
 */
u64 pagectl_locked_pages(struct task_struct *task)
{
	u64 pages;

	rcu_read_lock();
	pages = atomic_long_read(&__task_cred(task)->user->locked_vm);
	rcu_read_unlock();
	return pages;
}

/**
 * pagectl_unaccount_locked() - return pages charged by pagectl_account_locked()
 * @user: the user they were charged to
 * @npages: the pages
 */
void pagectl_unaccount_locked(struct user_struct *user, unsigned long npages)
{
	atomic_long_sub(npages, &user->locked_vm);
}

/**
 * pagectl_timer_check_period() - the shortest period the caller may ask for
 * @period_ns: the period asked for
 *
 * Return: 0, or -EINVAL for a period below the caller's minimum.
 */
int pagectl_timer_check_period(u64 period_ns)
{
	if (period_ns < PAGECTL_TIMER_MIN_PERIOD_NS || period_ns > KTIME_MAX)
		return -EINVAL;
	if (period_ns < pagectl_min_timer_period_ns && !capable(CAP_SYS_ADMIN))
		return -EINVAL;
	return 0;
}

/**
 * pagectl_timer_account() - count one more armed timer of a file
 * @pf: the file arming it
 *
 * Return: 0, or -ENOSPC when the file, its user or the module is at its cap.
 */
int pagectl_timer_account(struct pagectl_file *pf)
{
	if (atomic_inc_return(&pf->timers) > PAGECTL_TIMER_MAX_PER_FILE)
		goto err_file;
	if (atomic_inc_return(&pf->puser->timers) > pagectl_max_timers_per_user)
		goto err_user;
	if (atomic_inc_return(&pagectl_timers_armed) > pagectl_max_timers)
		goto err_module;
	return 0;

err_module:
	atomic_dec(&pagectl_timers_armed);
err_user:
	atomic_dec(&pf->puser->timers);
err_file:
	atomic_dec(&pf->timers);
	return -ENOSPC;
}

/**
 * pagectl_timer_unaccount() - count one armed timer of a file less
 * @pf: the file it was armed through
 */
void pagectl_timer_unaccount(struct pagectl_file *pf)
{
	atomic_dec(&pagectl_timers_armed);
	atomic_dec(&pf->puser->timers);
	atomic_dec(&pf->timers);
}

/**
 * pagectl_watch_account() - count one more open watch of a file
 * @pf: the file making it
 *
 * Return: 0, or -ENOSPC when the file, its user or the module is at its cap.
 */
int pagectl_watch_account(struct pagectl_file *pf)
{
	if (atomic_inc_return(&pf->watches) > pagectl_max_watches_per_file)
		goto err_file;
	if (atomic_inc_return(&pf->puser->watches) > pagectl_max_watches_per_user)
		goto err_user;
	if (atomic_inc_return(&pagectl_watches_open) > pagectl_max_watches)
		goto err_module;
	return 0;

err_module:
	atomic_dec(&pagectl_watches_open);
err_user:
	atomic_dec(&pf->puser->watches);
err_file:
	atomic_dec(&pf->watches);
	return -ENOSPC;
}

/**
 * pagectl_watch_unaccount() - count one open watch of a file less
 * @pf: the file that made it
 */
void pagectl_watch_unaccount(struct pagectl_file *pf)
{
	atomic_dec(&pagectl_watches_open);
	atomic_dec(&pf->puser->watches);
	atomic_dec(&pf->watches);
}
