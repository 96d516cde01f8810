// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may name whom by pid: WALK, WALK_RANGE, HUGE_MAP, PIN_CHECK and WATCH
 * of another process answer as the same caller's open of /proc/PID/pagemap
 * does (the file's permission bits, then mm_access(): uids and gids,
 * dumpability, capabilities, Yama and the other LSMs), one fixture variant
 * per command. The callers are an ordinary member of the device's group,
 * root without CAP_SYS_PTRACE, and root without any capability that reads
 * other processes; the targets are processes of the caller's uid, of root,
 * of another uid, of the caller's uid with another gid, and of the caller's
 * uid made non-dumpable. Each caller is a child that opens the device
 * itself and reports both answers; the test compares them.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "walk_util.h"

#define TEST_GID	4242		/* the device's group */
#define YAMA_SCOPE	"/proc/sys/kernel/yama/ptrace_scope"

enum caller {
	NOBODY_IN_GROUP,	/* uid and gid 65534, in the device's group */
	ROOT_NO_PTRACE,		/* root without CAP_SYS_PTRACE in effect */
	ROOT_NO_READ_CAPS,	/* root without any capability to read others */
};

/* What the caller was told: by the command, and by pagemap. */
struct answer {
	int cmd;	/* the command: 0 or an errno */
	int pagemap;	/* open(/proc/PID/pagemap, O_RDONLY): 0 or an errno */
	int found;	/* the command saw the target's written page */
	__u64 pfn;	/* the frame WALK or WALK_RANGE gave */
};

/* The command of a variant, by pid; 0 or an errno, and @a filled in. */
typedef int (*ask_fn)(int fd, pid_t pid, __u64 addr, struct answer *a);

static int ask_walk(int fd, pid_t pid, __u64 addr, struct answer *a)
{
	struct pagectl_walk w;
	int ret = walk_pid(fd, pid, (void *)(uintptr_t)addr, &w);

	a->found = !ret && w.leaf_kind == PAGECTL_ENTRY_LEAF;
	a->pfn = w.pfn;
	return ret;
}

static int ask_walk_range(int fd, pid_t pid, __u64 addr, struct answer *a)
{
	struct pagectl_walk_rec rec = { 0 };
	struct pagectl_walk_range wr = {
		.size = sizeof(wr), .flags = PAGECTL_WALK_PID,
		.start = addr, .end = addr + PAGE_SZ,
		.records = uaddr(&rec), .record_size = sizeof(rec), .max_records = 1,
		.pid = pid,
	};
	int ret = call(fd, PAGECTL_WALK_RANGE, &wr);

	a->found = !ret && wr.nr_records == 1 && rec.kind == PAGECTL_ENTRY_LEAF;
	a->pfn = rec.pfn;
	return ret;
}

static int ask_huge_map(int fd, pid_t pid, __u64 addr, struct answer *a)
{
	struct pagectl_huge_slot s = { 0 };
	struct pagectl_huge_map hm = {
		.size = sizeof(hm), .flags = PAGECTL_WALK_PID,
		.start = addr, .end = addr + HPAGE_SZ,
		.records = uaddr(&s), .record_size = sizeof(s), .max_records = 1,
		.pid = pid,
	};
	int ret = call(fd, PAGECTL_HUGE_MAP, &hm);

	a->found = !ret && hm.nr_records == 1 && s.present >= 1;
	return ret;
}

static int ask_pin_check(int fd, pid_t pid, __u64 addr, struct answer *a)
{
	struct pagectl_pin_range r = { 0 };
	struct pagectl_pin_check pc = {
		.size = sizeof(pc), .flags = PAGECTL_PIN_CHECK_PID,
		.addr = addr, .length = PAGE_SZ,
		.records = uaddr(&r), .record_size = sizeof(r), .max_records = 1,
		.pid = pid,
	};
	int ret = call(fd, PAGECTL_PIN_CHECK, &pc);

	a->found = !ret && pc.nr_records == 1;
	return ret;
}

static int ask_watch(int fd, pid_t pid, __u64 addr, struct answer *a)
{
	struct pagectl_watch w = {
		.size = sizeof(w), .flags = PAGECTL_WALK_PID,
		.start = addr, .end = addr + PAGE_SZ, .pid = pid,
		.event_size = sizeof(struct pagectl_watch_event),
	};
	int ret = call(fd, PAGECTL_WATCH, &w);

	a->found = !ret && w.fd >= 0;
	if (!ret)
		close(w.fd);
	return ret;
}

FIXTURE(pid) {
	struct stat node;
	__u8 *page;	/* 2 MiB aligned; every target writes its first byte */
};

FIXTURE_VARIANT(pid) {
	__u64 feature;
	ask_fn ask;
};

FIXTURE_VARIANT_ADD(pid, walk) {
	.feature = PAGECTL_FEATURE_WALK, .ask = ask_walk,
};

FIXTURE_VARIANT_ADD(pid, walk_range) {
	.feature = PAGECTL_FEATURE_WALK, .ask = ask_walk_range,
};

FIXTURE_VARIANT_ADD(pid, huge_map) {
	.feature = PAGECTL_FEATURE_HUGE_MAP, .ask = ask_huge_map,
};

FIXTURE_VARIANT_ADD(pid, pin_check) {
	.feature = PAGECTL_FEATURE_PIN_CHECK, .ask = ask_pin_check,
};

FIXTURE_VARIANT_ADD(pid, watch) {
	.feature = PAGECTL_FEATURE_WATCH, .ask = ask_watch,
};

FIXTURE_SETUP(pid)
{
	char why[128];
	int fd;

	fd = device_open(variant->feature, NULL, why, sizeof(why));
	if (fd < 0)
		SETUP_SKIP("%s", why);
	close(fd);
	ASSERT_EQ(0, stat(DEVICE, &self->node));
	/* What an admin does: the node to a group, 0660. */
	ASSERT_EQ(0, chown(DEVICE, 0, TEST_GID));
	ASSERT_EQ(0, chmod(DEVICE, 0660));
	self->page = map_aligned(HPAGE_SZ, HPAGE_SZ, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, self->page);
}

FIXTURE_TEARDOWN(pid)
{
	chown(DEVICE, self->node.st_uid, self->node.st_gid);
	chmod(DEVICE, self->node.st_mode & 07777);
	if (self->page)
		munmap(self->page, HPAGE_SZ);
}

static int become(enum caller who)
{
	gid_t groups[1] = { TEST_GID };

	if (who == ROOT_NO_PTRACE)
		return drop_effective_cap(CAP_SYS_PTRACE_NR);
	if (who == ROOT_NO_READ_CAPS)
		return drop_mm_read_caps();
	/* Dumpable, as a user's own program is: its pagemap is its to open. */
	return setgroups(1, groups) || setgid(NOBODY) || setuid(NOBODY) ||
	       prctl(PR_SET_DUMPABLE, 1) ? -1 : 0;
}

/*
 * In a child that became @who, open the device and ask @ask about the page
 * at @addr of process @pid (0: the child itself), and open that process's
 * pagemap: 0 with both answers in @a, or -1.
 */
static int ask_as(enum caller who, ask_fn ask, pid_t pid, __u64 addr, struct answer *a)
{
	char path[64];
	int fds[2], fd;
	pid_t child;

	memset(a, 0, sizeof(*a));
	if (pipe(fds))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		close(fds[0]);
		if (become(who))
			_exit(2);
		fd = open(DEVICE, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(3);
		if (!pid)
			pid = getpid();
		a->cmd = ask(fd, pid, addr, a);
		snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		a->pagemap = fd < 0 ? errno : 0;
		_exit(write(fds[1], a, sizeof(*a)) == sizeof(*a) ? 0 : 4);
	}
	close(fds[1]);
	if (read(fds[0], a, sizeof(*a)) != sizeof(*a))
		a->cmd = -1;
	close(fds[0]);
	return wait_exit(child) || a->cmd < 0 ? -1 : 0;
}

TEST_F(pid, own_uid_allowed_without_frames)
{
	struct answer a;
	struct user_proc t;

	/* Another process of the caller's uid and gid: allowed, as pagemap. */
	ASSERT_EQ(0, user_proc_start(&t, NOBODY, NOBODY, 1, self->page));
	ASSERT_EQ(0, ask_as(NOBODY_IN_GROUP, variant->ask, t.pid, uaddr(self->page), &a));
	ASSERT_EQ(0, user_proc_stop(&t));
	ASSERT_EQ(0, a.pagemap);
	ASSERT_EQ(0, a.cmd);
	ASSERT_TRUE(a.found);
	/* An unprivileged opener sees no frame, whoever it walks. */
	ASSERT_EQ(0, a.pfn);
}

TEST_F(pid, own_process_allowed)
{
	struct answer a;

	/* Its own pid: no permission to ask; the page is the caller's copy. */
	ASSERT_EQ(0, ask_as(NOBODY_IN_GROUP, variant->ask, 0, uaddr(self->page), &a));
	ASSERT_EQ(0, a.pagemap);
	ASSERT_EQ(0, a.cmd);
}

TEST_F(pid, root_process_refused)
{
	struct answer a;
	struct user_proc t;

	ASSERT_EQ(0, user_proc_start(&t, 0, 0, 1, self->page));
	ASSERT_EQ(0, ask_as(NOBODY_IN_GROUP, variant->ask, t.pid, uaddr(self->page), &a));
	ASSERT_EQ(0, user_proc_stop(&t));
	ASSERT_EQ(EACCES, a.pagemap);
	ASSERT_EQ(EPERM, a.cmd);
}

TEST_F(pid, other_uid_refused)
{
	struct answer a;
	struct user_proc t;

	ASSERT_EQ(0, user_proc_start(&t, OTHER_UID, OTHER_UID, 1, self->page));
	ASSERT_EQ(0, ask_as(NOBODY_IN_GROUP, variant->ask, t.pid, uaddr(self->page), &a));
	ASSERT_EQ(0, user_proc_stop(&t));
	ASSERT_EQ(EACCES, a.pagemap);
	ASSERT_EQ(EPERM, a.cmd);
}

TEST_F(pid, own_uid_other_gid_refused)
{
	struct answer a;
	struct user_proc t;

	/*
	 * The file is the caller's to read (owner nobody, 0400), but
	 * ptrace_may_access() wants the gids too: refused past the mode bits.
	 */
	ASSERT_EQ(0, user_proc_start(&t, NOBODY, OTHER_UID, 1, self->page));
	ASSERT_EQ(0, ask_as(NOBODY_IN_GROUP, variant->ask, t.pid, uaddr(self->page), &a));
	ASSERT_EQ(0, user_proc_stop(&t));
	ASSERT_EQ(EACCES, a.pagemap);
	ASSERT_EQ(EPERM, a.cmd);
}

TEST_F(pid, non_dumpable_refused)
{
	struct answer a;
	struct user_proc t;

	/* The caller's uid, but PR_SET_DUMPABLE 0: refused, as pagemap. */
	ASSERT_EQ(0, user_proc_start(&t, NOBODY, NOBODY, 0, self->page));
	ASSERT_EQ(0, ask_as(NOBODY_IN_GROUP, variant->ask, t.pid, uaddr(self->page), &a));
	ASSERT_EQ(0, user_proc_stop(&t));
	ASSERT_EQ(EACCES, a.pagemap);
	ASSERT_EQ(EPERM, a.cmd);
}

TEST_F(pid, root_without_cap_sys_ptrace)
{
	struct answer a;
	struct user_proc t;

	/*
	 * Root reads any file (CAP_DAC_OVERRIDE), but another uid's process
	 * needs CAP_SYS_PTRACE, or on 7.2 CAP_PERFMON or CAP_SYS_ADMIN, which
	 * root still has: whatever this kernel says, pagemap's answer.
	 */
	ASSERT_EQ(0, user_proc_start(&t, OTHER_UID, OTHER_UID, 1, self->page));
	ASSERT_EQ(0, ask_as(ROOT_NO_PTRACE, variant->ask, t.pid, uaddr(self->page), &a));
	ASSERT_EQ(0, user_proc_stop(&t));
	TH_LOG("another uid's process: pagemap's open %d, the command %d", a.pagemap, a.cmd);
	ASSERT_EQ(a.pagemap ? EPERM : 0, a.cmd);

	/* Without any of them: refused, as pagemap. */
	ASSERT_EQ(0, user_proc_start(&t, OTHER_UID, OTHER_UID, 1, self->page));
	ASSERT_EQ(0, ask_as(ROOT_NO_READ_CAPS, variant->ask, t.pid, uaddr(self->page), &a));
	ASSERT_EQ(0, user_proc_stop(&t));
	ASSERT_EQ(EACCES, a.pagemap);
	ASSERT_EQ(EPERM, a.cmd);

	/*
	 * So is root's own process while its capabilities are not a subset
	 * of the caller's (cap_ptrace_access_check()) ...
	 */
	ASSERT_EQ(0, user_proc_start(&t, 0, 0, 1, self->page));
	ASSERT_EQ(0, ask_as(ROOT_NO_READ_CAPS, variant->ask, t.pid, uaddr(self->page), &a));
	ASSERT_EQ(0, user_proc_stop(&t));
	ASSERT_EQ(EACCES, a.pagemap);
	ASSERT_EQ(EPERM, a.cmd);

	/* ... but not once it has no more than the caller. */
	ASSERT_EQ(0, drop_mm_read_caps());
	ASSERT_EQ(0, user_proc_start(&t, 0, 0, 1, self->page));
	ASSERT_EQ(0, ask_as(ROOT_NO_READ_CAPS, variant->ask, t.pid, uaddr(self->page), &a));
	ASSERT_EQ(0, user_proc_stop(&t));
	ASSERT_EQ(0, a.pagemap);
	ASSERT_EQ(0, a.cmd);
	ASSERT_TRUE(a.found);
}

TEST_F(pid, yama_scopes)
{
	char old[16], scope[16];
	struct answer a[3];
	struct user_proc t;
	int i;

	if (access(YAMA_SCOPE, F_OK))
		SKIP(return, "no Yama in this kernel (%s)", YAMA_SCOPE);
	ASSERT_EQ(0, read_file(YAMA_SCOPE, old, sizeof(old)));
	/*
	 * Scope 3 cannot be left once set (yama_dointvec_minmax() locks the
	 * maximum), so it is never set here; Yama restricts only
	 * PTRACE_MODE_ATTACH in every scope, which these commands never ask.
	 */
	if (atoi(old) == 3)
		SKIP(return, "ptrace_scope is 3, which cannot be lowered to test 0 to 2");

	/*
	 * A process of the caller's uid that is not its descendant, in scopes
	 * 0, 1 and 2: the same answer as pagemap's, which is read access.
	 */
	memset(a, 0xff, sizeof(a));
	ASSERT_EQ(0, user_proc_start(&t, NOBODY, NOBODY, 1, self->page));
	for (i = 0; i < 3; i++) {
		snprintf(scope, sizeof(scope), "%d", i);
		if (write_file(YAMA_SCOPE, scope))
			break;
		if (ask_as(NOBODY_IN_GROUP, variant->ask, t.pid, uaddr(self->page), &a[i]))
			a[i].cmd = -1;
	}
	write_file(YAMA_SCOPE, old);
	ASSERT_EQ(0, user_proc_stop(&t));
	for (i = 0; i < 3; i++) {
		/* The answer is pagemap's: allowed where its open is, EPERM where not. */
		ASSERT_EQ(a[i].pagemap ? EPERM : 0, a[i].cmd) {
			TH_LOG("ptrace_scope %d: command %d, pagemap %d", i, a[i].cmd,
			       a[i].pagemap);
		}
		ASSERT_EQ(0, a[i].cmd);
	}
	ASSERT_EQ(0, read_file(YAMA_SCOPE, scope, sizeof(scope)));
	ASSERT_EQ(atoi(old), atoi(scope));
}

TEST_HARNESS_MAIN
