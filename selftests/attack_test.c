// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device given to a group of ordinary users, as docs/security.md
 * describes, and attacked by one of them: a member of the group with a
 * 1 MiB RLIMIT_MEMLOCK and no capabilities tries every way around each
 * limit (reopening the device, fork, execve with a kept descriptor, passed
 * descriptors, many files, many processes), and looks for what pagemap would
 * not show it. Each attack runs in a child that becomes that user; the
 * child exits 0 when the limit held.
 *
 * The timer caps are tested with the module reloaded with small caps, so
 * this program needs root and the module file, as device_test does.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pagectl.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "buf_util.h"
#include "pin_util.h"
#include "walk_util.h"

#define TEST_GID	4242
#define LIMIT		(1024 * 1024UL)	/* the attacker's RLIMIT_MEMLOCK */
#define EXEC_ARG	"--pin-after-execve"

static char self_exe[4096];
static int ready_fd = -1;	/* the attacker says it holds its timers or watches */

/* In a child: report a failed step on stderr and exit 1. */
#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: attack step failed: %s (errno %d)\n", \
				__FILE__, __LINE__, #cond, errno);	\
			_exit(1);					\
		}							\
	} while (0)

/* Become the attacker: uid nobody, in the device's group, 1 MiB memlock. */
static int become_attacker(void)
{
	struct rlimit rl = { LIMIT, LIMIT };
	gid_t groups[1] = { TEST_GID };

	if (setrlimit(RLIMIT_MEMLOCK, &rl) || setgroups(1, groups) ||
	    setgid(NOBODY) || setuid(NOBODY))
		return -1;
	return 0;
}

static int dev_open(int flags)
{
	return open(DEVICE, O_RDWR | flags);
}

/* An anonymous, populated mapping of @len bytes, or NULL. */
static void *touched(size_t len)
{
	void *p = map_anon(len);

	if (p)
		memset(p, 1, len);
	return p;
}

/* Run @fn in a child that became the attacker; its exit status. */
static int attack(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (become_attacker())
			_exit(2);
		fn(arg);
		_exit(0);
	}
	return wait_exit(pid);
}

/* The whole limit can be pinned: nothing of an earlier attack is charged. */
static void full_limit_pins(void *unused)
{
	void *p = touched(LIMIT);
	int fd = dev_open(O_CLOEXEC);
	struct pagectl_pin pn;

	CHECK(p && fd >= 0);
	CHECK(pin(fd, uaddr(p), LIMIT, PAGECTL_PIN_WRITE, &pn) == 0);
	close(fd);
}

FIXTURE(attack) {
	struct stat node;
};

FIXTURE_SETUP(attack)
{
	if (geteuid())
		SETUP_SKIP("needs root to give the device to a group");
	if (stat(DEVICE, &self->node))
		SETUP_SKIP("%s: %s (module not loaded?)", DEVICE, strerror(errno));
	/* What an admin does: the node to a group, 0660. */
	ASSERT_EQ(0, chown(DEVICE, 0, TEST_GID));
	ASSERT_EQ(0, chmod(DEVICE, 0660));
}

FIXTURE_TEARDOWN(attack)
{
	chown(DEVICE, self->node.st_uid, self->node.st_gid);
	chmod(DEVICE, self->node.st_mode & 07777);
}

/* --- pins: the limit is the user's, whatever processes and files --- */

static void pins_over_limit_in_one_file(void *unused)
{
	void *p = touched(2 * LIMIT);
	int fd = dev_open(O_CLOEXEC);
	struct pagectl_pin pn;

	CHECK(p && fd >= 0);
	CHECK(pin(fd, uaddr(p), LIMIT + PAGE_SZ, 0, &pn) == ENOMEM);
	CHECK(pin(fd, uaddr(p), LIMIT, 0, &pn) == 0);
	CHECK(vmpin_kb(0) == LIMIT >> 10);
}

TEST_F(attack, pins_held_to_the_limit)
{
	ASSERT_EQ(0, attack(pins_over_limit_in_one_file, NULL));
	ASSERT_EQ(0, attack(full_limit_pins, NULL));
}

static void pins_across_files(void *unused)
{
	void *p = touched(LIMIT + PAGE_SZ);
	struct pagectl_pin pn;
	int fd[5], i;

	CHECK(p);
	for (i = 0; i < 5; i++)
		CHECK((fd[i] = dev_open(O_CLOEXEC)) >= 0);
	for (i = 0; i < 4; i++)
		CHECK(pin(fd[i], uaddr(p) + i * (LIMIT / 4), LIMIT / 4, 0, &pn) == 0);
	/* A fifth file of the same user adds nothing. */
	CHECK(pin(fd[4], uaddr(p) + LIMIT, PAGE_SZ, 0, &pn) == ENOMEM);
	/* Closing one gives its pages back to the user. */
	close(fd[0]);
	CHECK(pin(fd[4], uaddr(p) + LIMIT, PAGE_SZ, 0, &pn) == 0);
}

TEST_F(attack, pins_across_many_files)
{
	ASSERT_EQ(0, attack(pins_across_files, NULL));
	ASSERT_EQ(0, attack(full_limit_pins, NULL));
}

static void pins_across_fork(void *unused)
{
	void *p = touched(LIMIT);
	int fd = dev_open(O_CLOEXEC);
	struct pagectl_pin pn;
	pid_t pid;

	CHECK(p && fd >= 0);
	CHECK(pin(fd, uaddr(p), LIMIT, 0, &pn) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (!pid) {
		/* A new mm starts with no pinned_vm; the user does not. */
		int fd2 = dev_open(O_CLOEXEC);

		CHECK(fd2 >= 0);
		CHECK(pin(fd2, uaddr(p), PAGE_SZ, 0, &pn) == ENOMEM);
		/* The parent's file pins the parent's memory only. */
		CHECK(pin(fd, uaddr(p), PAGE_SZ, 0, &pn) == EPERM);
		_exit(0);
	}
	CHECK(wait_exit(pid) == 0);
}

TEST_F(attack, pins_across_fork)
{
	ASSERT_EQ(0, attack(pins_across_fork, NULL));
	ASSERT_EQ(0, attack(full_limit_pins, NULL));
}

static void pins_across_execve(void *unused)
{
	void *p = touched(LIMIT);
	int fd = dev_open(0);	/* kept across execve */
	struct pagectl_pin pn;
	char fdarg[16];

	CHECK(p && fd >= 0);
	CHECK(pin(fd, uaddr(p), LIMIT, 0, &pn) == 0);
	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	execl(self_exe, self_exe, EXEC_ARG, fdarg, (char *)NULL);
	_exit(3);
}

/* The new image of pins_across_execve(): exit 0 if the limit held. */
static int pin_after_execve(const char *fdarg)
{
	int old = atoi(fdarg), fd = dev_open(O_CLOEXEC);
	void *p = touched(LIMIT);
	struct pagectl_pin pn;

	CHECK(p && fd >= 0);
	/* The old image's pins are still held through the kept descriptor. */
	CHECK(fcntl(old, F_GETFD) >= 0);
	CHECK(vmpin_kb(0) == 0);
	CHECK(pin(fd, uaddr(p), PAGE_SZ, 0, &pn) == ENOMEM);
	/* Closing the kept descriptor releases them: the user may pin again. */
	close(old);
	CHECK(pin(fd, uaddr(p), LIMIT, 0, &pn) == 0);
	return 0;
}

TEST_F(attack, pins_across_execve_with_a_kept_descriptor)
{
	ASSERT_EQ(0, attack(pins_across_execve, NULL));
	ASSERT_EQ(0, attack(full_limit_pins, NULL));
}

static void pins_through_a_passed_descriptor(void *unused)
{
	int sv[2], fd = dev_open(O_CLOEXEC), got = -1;
	void *p = touched(LIMIT);
	struct pagectl_pin pn;
	pid_t pid;

	CHECK(p && fd >= 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (!pid) {
		got = recv_fd(sv[1], 0);
		CHECK(got >= 0);
		/* Another process's file pins nothing here... */
		CHECK(pin(got, uaddr(p), PAGE_SZ, 0, &pn) == EPERM);
		/* ...and its own file finds the user's limit used up. */
		CHECK(pin(fd, uaddr(p), PAGE_SZ, 0, &pn) == EPERM);
		fd = dev_open(O_CLOEXEC);
		CHECK(fd >= 0);
		CHECK(pin(fd, uaddr(p), PAGE_SZ, 0, &pn) == ENOMEM);
		_exit(0);
	}
	CHECK(pin(fd, uaddr(p), LIMIT, 0, &pn) == 0);
	CHECK(send_fd(sv[0], fd, 0) == 0);
	CHECK(wait_exit(pid) == 0);
}

TEST_F(attack, pins_through_a_passed_descriptor)
{
	ASSERT_EQ(0, attack(pins_through_a_passed_descriptor, NULL));
	ASSERT_EQ(0, attack(full_limit_pins, NULL));
}

/* --- buffers: charged to the user with the pins --- */

static void buffers_across_reopen(void *unused)
{
	int dev = dev_open(O_CLOEXEC), b1, b2, b3;
	void *map;

	CHECK(dev >= 0);
	CHECK((b1 = buf_new(dev, LIMIT / 2, 0)) >= 0);
	CHECK((b2 = buf_new(dev, LIMIT / 2, PAGECTL_BUF_CONTIG)) >= 0);
	CHECK(buf_new(dev, PAGE_SZ, 0) < 0 && errno == ENOMEM);
	/* Another file of the same user: the same limit. */
	close(dev);
	dev = dev_open(O_CLOEXEC);
	CHECK(dev >= 0);
	CHECK(buf_new(dev, PAGE_SZ, 0) < 0 && errno == ENOMEM);
	/* A mapped buffer stays charged after its descriptor is closed... */
	map = buf_map(b1, LIMIT / 2, PROT_READ | PROT_WRITE, 0);
	CHECK(map);
	close(b1);
	CHECK(buf_new(dev, PAGE_SZ, 0) < 0 && errno == ENOMEM);
	/* ...until the last mapping goes. */
	CHECK(munmap(map, LIMIT / 2) == 0);
	CHECK((b3 = buf_new(dev, LIMIT / 2, 0)) >= 0);
	close(b2);
	close(b3);
}

TEST_F(attack, buffers_charged_to_the_user)
{
	ASSERT_EQ(0, attack(buffers_across_reopen, NULL));
	ASSERT_EQ(0, attack(full_limit_pins, NULL));
}

static void pins_and_buffers_share_the_limit(void *unused)
{
	int dev = dev_open(O_CLOEXEC), b;
	void *p = touched(LIMIT);
	struct pagectl_pin pn;

	CHECK(p && dev >= 0);
	CHECK(pin(dev, uaddr(p), LIMIT / 2, 0, &pn) == 0);
	CHECK((b = buf_new(dev, LIMIT / 2, 0)) >= 0);
	CHECK(buf_new(dev, PAGE_SZ, 0) < 0 && errno == ENOMEM);
	CHECK(pin(dev, uaddr(p) + LIMIT / 2, PAGE_SZ, 0, &pn) == ENOMEM);
	close(b);
	CHECK(pin(dev, uaddr(p) + LIMIT / 2, LIMIT / 2, 0, &pn) == 0);
}

TEST_F(attack, pins_and_buffers_share_the_limit)
{
	ASSERT_EQ(0, attack(pins_and_buffers_share_the_limit, NULL));
	ASSERT_EQ(0, attack(full_limit_pins, NULL));
}

/* --- timers --- */

static void timer_period_and_access(void *unused)
{
	int dev = dev_open(O_CLOEXEC), b, ro, other, again;
	char path[64];

	CHECK(dev >= 0);
	CHECK((b = buf_new(dev, PAGE_SZ, 0)) >= 0);
	/* Shorter than min_timer_period_ns without CAP_SYS_ADMIN. */
	CHECK(timer(dev, b, PAGECTL_TIMER_BUF, 0, PAGECTL_TIMER_MIN_PERIOD_NS, NULL) == EINVAL);
	CHECK(timer(dev, b, PAGECTL_TIMER_BUF, 0, 99999, NULL) == EINVAL);
	CHECK(timer(dev, b, PAGECTL_TIMER_BUF, 0, 100000, NULL) == 0);
	CHECK(timer(dev, b, PAGECTL_TIMER_BUF | PAGECTL_TIMER_DISARM, 0, 0, NULL) == 0);
	/*
	 * A holder of a read-only buffer descriptor cannot have the kernel
	 * write the buffer through a device file of its own; the creating
	 * file can.
	 */
	CHECK((ro = buf_new(dev, PAGE_SZ, PAGECTL_BUF_RDONLY)) >= 0);
	other = dev_open(O_CLOEXEC);
	CHECK(other >= 0);
	CHECK(timer(other, ro, PAGECTL_TIMER_BUF, 0, 100000, NULL) == EACCES);
	CHECK(timer(dev, ro, PAGECTL_TIMER_BUF, 0, 100000, NULL) == 0);
	/* Nor through a read-only reopening of a writable one. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", b);
	again = open(path, O_RDONLY | O_CLOEXEC);
	if (again >= 0)
		CHECK(timer(other, again, PAGECTL_TIMER_BUF, 0, 100000, NULL) == EACCES);
}

TEST_F(attack, timer_period_floor_and_write_access)
{
	ASSERT_EQ(0, attack(timer_period_and_access, NULL));
}

/* Arm timers on new one-page buffers until one fails; the errno. */
static int arm_until_refused(int dev, int want)
{
	for (int i = 0; i < want; i++) {
		int b = buf_new(dev, PAGE_SZ, 0);
		int ret;

		if (b < 0)
			return errno;
		ret = timer(dev, b, PAGECTL_TIMER_BUF, 0, 1000000, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

static void timers_per_user(void *unused)
{
	int a = dev_open(O_CLOEXEC), b = dev_open(O_CLOEXEC);
	pid_t pid;

	CHECK(a >= 0 && b >= 0);
	/* max_timers_per_user=4: two files, two timers each... */
	CHECK(arm_until_refused(a, 2) == 0);
	CHECK(arm_until_refused(b, 2) == 0);
	/* ...and no fifth, through a third file or another process. */
	CHECK(arm_until_refused(a, 1) == ENOSPC);
	pid = fork();
	CHECK(pid >= 0);
	if (!pid) {
		int c = dev_open(O_CLOEXEC);

		CHECK(c >= 0 && arm_until_refused(c, 1) == ENOSPC);
		_exit(0);
	}
	CHECK(wait_exit(pid) == 0);
	/* Hold them while the parent tries the module-wide cap. */
	CHECK(write(ready_fd, "x", 1) == 1);
	pause();
}

/*
 * Give the device to the attackers' group and run @attack as an attacker in
 * a child, which writes a byte to ready_fd once it holds what it took: its
 * pid once it does, or -1 if a step failed (the child then has exited).
 */
static pid_t start_attacker(void (*attack)(void *))
{
	int ready[2];
	pid_t pid;
	char c;

	if (chown(DEVICE, 0, TEST_GID) || chmod(DEVICE, 0660) || pipe(ready))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		ready_fd = ready[1];
		if (become_attacker())
			_exit(2);
		attack(NULL);
		_exit(0);
	}
	close(ready[1]);
	/* Nothing to read means the attacker failed a step and exited. */
	if (read(ready[0], &c, 1) != 1) {
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(ready[0]);
	return pid;
}

TEST_F(attack, timers_capped_per_user_and_module_wide)
{
	pid_t pid;
	int dev;

	if (find_module())
		SKIP(return, "no module file (set PAGECTL_MODULE)");
	ASSERT_EQ(0, reload_module("max_timers_per_user=4 max_timers=6"));
	pid = start_attacker(timers_per_user);
	ASSERT_LT(0, pid);
	/* Root is another user: two more, then the module's cap of 6. */
	dev = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, arm_until_refused(dev, 2));
	ASSERT_EQ(ENOSPC, arm_until_refused(dev, 1));
	kill(pid, SIGKILL);
	ASSERT_EQ(SIGKILL, wait_signal(pid));
	/*
	 * The attacker's timers went with its files: root reaches its own
	 * cap of 4, which the module's 6 would refuse had they stayed.
	 */
	ASSERT_EQ(0, arm_until_refused(dev, 2));
	ASSERT_EQ(ENOSPC, arm_until_refused(dev, 1));
	/* The device and every buffer descriptor, so the module can go. */
	close_range(dev, ~0U, 0);
	ASSERT_EQ(0, reload_module(""));
}

/* A watch of one page through @dev: its descriptor, or -errno. */
static int watch_page(int dev, const void *p)
{
	struct pagectl_watch w = {
		.size = sizeof(w),
		.start = (uintptr_t)p,
		.end = (uintptr_t)p + PAGE_SZ,
		.event_size = sizeof(struct pagectl_watch_event),
	};

	return ioctl(dev, PAGECTL_WATCH, &w) ? -errno : w.fd;
}

/* Make @want watches through @dev and keep them: 0, or the first errno. */
static int watch_until_refused(int dev, const void *p, int want)
{
	for (int i = 0; i < want; i++) {
		int w = watch_page(dev, p);

		if (w < 0)
			return -w;
	}
	return 0;
}

static void watches_per_user(void *unused)
{
	int a = dev_open(O_CLOEXEC), b = dev_open(O_CLOEXEC);
	void *p = touched(PAGE_SZ);
	pid_t pid;

	CHECK(a >= 0 && b >= 0 && p);
	/* max_watches_per_user=4, each file may have 16: two files, two each... */
	CHECK(watch_until_refused(a, p, 2) == 0);
	CHECK(watch_until_refused(b, p, 2) == 0);
	/* ...and no fifth, through either file, a third, or another process. */
	CHECK(watch_until_refused(a, p, 1) == ENOSPC);
	CHECK(watch_until_refused(b, p, 1) == ENOSPC);
	pid = fork();
	CHECK(pid >= 0);
	if (!pid) {
		int c = dev_open(O_CLOEXEC);

		CHECK(c >= 0 && watch_until_refused(c, p, 1) == ENOSPC);
		_exit(0);
	}
	CHECK(wait_exit(pid) == 0);
	/* Hold them while root makes its own. */
	CHECK(write(ready_fd, "x", 1) == 1);
	pause();
}

TEST_F(attack, watches_capped_per_user)
{
	void *p = touched(PAGE_SZ);
	int dev, w;
	pid_t pid;

	if (find_module())
		SKIP(return, "no module file (set PAGECTL_MODULE)");
	ASSERT_EQ(0, reload_module("max_watches_per_user=4"));
	ASSERT_NE(NULL, p);
	dev = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	w = watch_page(dev, p);
	if (w == -ENOTTY) {
		close(dev);
		ASSERT_EQ(0, reload_module(""));
		SKIP(return, "no WATCH: the kernel has no MMU notifiers");
	}
	ASSERT_LE(0, w);
	close(w);
	pid = start_attacker(watches_per_user);
	ASSERT_LT(0, pid);
	/* Root is another user: four of its own, then its cap. */
	ASSERT_EQ(0, watch_until_refused(dev, p, 4));
	ASSERT_EQ(ENOSPC, watch_until_refused(dev, p, 1));
	kill(pid, SIGKILL);
	ASSERT_EQ(SIGKILL, wait_signal(pid));
	/* The device and every watch descriptor, so the module can go. */
	close_range(dev, ~0U, 0);
	ASSERT_EQ(0, reload_module(""));
}

/* A watch with an entry for each of @pages pages from @p: its fd or -errno. */
static int watch_entries(int dev, const void *p, unsigned long pages)
{
	struct pagectl_watch w = {
		.size = sizeof(w),
		.flags = PAGECTL_WATCH_ENTRIES,
		.start = (uintptr_t)p,
		.end = (uintptr_t)p + pages * PAGE_SZ,
		.event_size = sizeof(struct pagectl_watch_event),
	};

	return ioctl(dev, PAGECTL_WATCH, &w) ? -errno : w.fd;
}

/*
 * A watch's ring and entries cannot be swapped: they are charged to the
 * user's memlock limit with pins and buffers. The largest watch keeps
 * 512 KiB of entries, so two do not fit under 1 MiB, in one file or two.
 */
static void watches_charged(void *unused)
{
	unsigned long pages = PAGECTL_WATCH_ENTRIES_MAX_PAGES;
	void *p = mmap(NULL, pages * PAGE_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	int a = dev_open(O_CLOEXEC), b = dev_open(O_CLOEXEC), w;
	struct pagectl_pin pn;
	void *mem = touched(LIMIT);

	CHECK(p != MAP_FAILED && a >= 0 && b >= 0 && mem);
	w = watch_entries(a, p, pages);
	CHECK(w >= 0);
	CHECK(watch_entries(a, p, pages) == -ENOMEM);
	CHECK(watch_entries(b, p, pages) == -ENOMEM);
	/* Nor does the whole limit in pins beside it... */
	CHECK(pin(b, uaddr(mem), LIMIT, 0, &pn) == ENOMEM);
	/* ...until the watch is closed, which gives its charge back. */
	close(w);
	CHECK(pin(b, uaddr(mem), LIMIT, 0, &pn) == 0);
	CHECK(unpin(b, pn.handle, 0) == 0);
	close(a);
	close(b);
}

TEST_F(attack, watches_charged_to_the_user)
{
	int dev = open(DEVICE, O_RDWR | O_CLOEXEC), w;
	void *p = touched(PAGE_SZ);

	ASSERT_LE(0, dev);
	w = watch_page(dev, p);
	close(dev);
	if (w == -ENOTTY)
		SKIP(return, "no WATCH: the kernel has no MMU notifiers");
	ASSERT_LE(0, w);
	close(w);
	ASSERT_EQ(0, attack(watches_charged, NULL));
	ASSERT_EQ(0, attack(full_limit_pins, NULL));
}

TEST_F(attack, watches_capped_module_wide)
{
	void *p = touched(PAGE_SZ);
	int dev, w;

	if (find_module())
		SKIP(return, "no module file (set PAGECTL_MODULE)");
	ASSERT_EQ(0, reload_module("max_watches=3"));
	ASSERT_NE(NULL, p);
	dev = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	w = watch_page(dev, p);
	if (w == -ENOTTY) {
		close(dev);
		ASSERT_EQ(0, reload_module(""));
		SKIP(return, "no WATCH: the kernel has no MMU notifiers");
	}
	ASSERT_LE(0, w);
	/* Three in all, whoever makes them; a fourth once one is closed. */
	ASSERT_EQ(0, watch_until_refused(dev, p, 2));
	ASSERT_EQ(ENOSPC, watch_until_refused(dev, p, 1));
	close(w);
	ASSERT_EQ(0, watch_until_refused(dev, p, 1));
	ASSERT_EQ(ENOSPC, watch_until_refused(dev, p, 1));
	close_range(dev, ~0U, 0);
	ASSERT_EQ(0, reload_module(""));
}

/* --- what an unprivileged opener sees --- */

static void sees_no_swap_place_nor_shared_counts(void *unused)
{
	struct pagectl_walk_rec rec[4];
	struct pagectl_walk_range wr;
	struct pagectl_walk w;
	int fd = dev_open(O_CLOEXEC);
	__u8 *p = touched(PAGE_SZ);

	CHECK(fd >= 0 && p);
	/* A page it maps alone: its counts are its own business. */
	CHECK(walk_addr(fd, p, &w) == 0);
	CHECK(w.page.mapcount == 1 && w.page.refcount >= 1);
	CHECK(w.page.flags & PAGECTL_PAGE_ANON_EXCLUSIVE);

	/* libc's code, mapped by other processes too: no counts, no sharing state. */
	read_byte((const __u8 *)&printf);
	CHECK(walk_addr(fd, (void *)&printf, &w) == 0);
	CHECK(w.leaf_kind == PAGECTL_ENTRY_LEAF);
	CHECK(w.page.flags & PAGECTL_PAGE_VALID);
	CHECK(w.page.refcount == 0 && w.page.mapcount == 0 && w.page.pincount == 0);
	CHECK(!(w.page.flags & (PAGECTL_PAGE_KSM | PAGECTL_PAGE_ANON_EXCLUSIVE |
				PAGECTL_PAGE_MAYBE_DMA_PINNED | PAGECTL_PAGE_MLOCKED)));
	CHECK(w.pfn == 0 && w.out_flags == 0);

	/* Its page swapped out: a swap entry, but not where. */
	if (!page_out(p, PAGE_SZ))
		return;
	CHECK(walk_addr(fd, p, &w) == 0);
	CHECK(w.leaf_kind == PAGECTL_ENTRY_SWAP);
	CHECK(w.swap_type == 0 && w.swap_offset == 0 && w.pfn == 0);
	for (int i = 0; i < PAGECTL_NR_LEVELS; i++)
		CHECK(w.level[i].raw == 0 && w.level[i].pfn == 0);
	CHECK(walk_range(fd, uaddr(p), uaddr(p) + PAGE_SZ, 0, rec, 4, &wr) == 0);
	CHECK(wr.nr_records == 1 && rec[0].kind == PAGECTL_ENTRY_SWAP);
	CHECK(rec[0].pfn == 0 && rec[0].swap_type == 0);
}

TEST_F(attack, no_swap_place_nor_shared_page_counts)
{
	char why[128];
	int swap = swap_on_zram(why, sizeof(why));

	if (swap < 0)
		TH_LOG("no swap (%s): the swap part is not tried", why);
	ASSERT_EQ(0, attack(sees_no_swap_place_nor_shared_counts, NULL));
	swap_off(swap);
}

static void proc_shows_only_its_own(void *unused)
{
	CHECK(proc_field("/proc/pagectl", "pins") == 0);
	CHECK(proc_field("/proc/pagectl", "open files") == 0);
	CHECK(proc_field("/proc/pagectl", "buffers") == 0);
}

TEST_F(attack, proc_pagectl_shows_other_users_nothing)
{
	int fd = open(DEVICE, O_RDWR | O_CLOEXEC), b;
	void *mem = touched(PAGE_SZ);

	ASSERT_LE(0, fd);
	ASSERT_NE(0, pin_handle(fd, mem, PAGE_SZ, 0));
	b = buf_new(fd, PAGE_SZ, 0);
	ASSERT_LE(0, b);
	/* Root sees its pin and buffer... */
	ASSERT_LE(1, proc_field("/proc/pagectl", "pins"));
	ASSERT_LE(1, proc_field("/proc/pagectl", "buffers"));
	/* ...another user sees only its own, none. */
	ASSERT_EQ(0, attack(proc_shows_only_its_own, NULL));
	close(b);
	close(fd);
}

/*
 * Every output field that could carry a frame, a raw entry or a swap place,
 * of every command that has one, over memory of every kind the attacker can
 * make: all zero, and no PAGECTL_OUT_PFNS.
 */
static void no_frame_in_any_output(void *unused)
{
	int fd = dev_open(O_CLOEXEC), b, bc, n, i;
	struct pagectl_walk_rec rec[64];
	struct pagectl_frame fr[16];
	struct pagectl_extent ex[16];
	struct pagectl_walk_range wr;
	struct pagectl_pin_describe d;
	struct pagectl_walk w;
	__u8 *anon = touched(16 * PAGE_SZ), *m;
	__u64 h;

	CHECK(fd >= 0 && anon);
	CHECK((b = buf_new(fd, 4 * PAGE_SZ, 0)) >= 0);
	CHECK((bc = buf_new(fd, 4 * PAGE_SZ, PAGECTL_BUF_CONTIG)) >= 0);
	CHECK((m = buf_map(bc, 4 * PAGE_SZ, PROT_READ, 0)) != NULL);
	read_byte(m);
	h = pin_handle(fd, anon, 16 * PAGE_SZ, PAGECTL_PIN_WRITE);
	CHECK(h);

	/* WALK: of anon, a pinned page, a PFN-mapped buffer, libc. */
	for (i = 0; i < 3; i++) {
		const void *at = i == 0 ? (void *)anon : i == 1 ? (void *)m : (void *)&printf;

		CHECK(walk_addr(fd, at, &w) == 0);
		CHECK(w.pfn == 0 && w.swap_offset == 0 && w.swap_type == 0 && !w.out_flags);
		for (int l = 0; l < PAGECTL_NR_LEVELS; l++)
			CHECK(w.level[l].raw == 0 && w.level[l].pfn == 0);
	}
	/* WALK_RANGE, with and without page state. */
	for (i = 0; i < 2; i++) {
		CHECK(walk_range(fd, uaddr(anon), uaddr(anon) + 16 * PAGE_SZ,
				 i ? PAGECTL_WALK_PAGE_STATE : 0, rec, 64, &wr) == 0);
		CHECK(wr.nr_records == 16 && !wr.out_flags);
		for (n = 0; n < (int)wr.nr_records; n++)
			CHECK(rec[n].pfn == 0 && rec[n].swap_type == 0);
	}
	/* PIN_DESCRIBE: frames and extents. */
	d = describe_arg(h, 0, 0, fr, 16);
	CHECK(describe(fd, &d) == 0 && d.nr_records == 16 && !d.out_flags);
	for (n = 0; n < 16; n++)
		CHECK(fr[n].pfn == 0);
	d = describe_arg(h, PAGECTL_DESCRIBE_EXTENTS, 0, ex, 16);
	CHECK(describe(fd, &d) == 0 && !d.out_flags);
	for (n = 0; n < (int)d.nr_records; n++)
		CHECK(ex[n].pfn == 0);
	/* BUF_INFO of both kinds. */
	CHECK(buf_frames(b, fr, 16) == 4);
	for (n = 0; n < 4; n++)
		CHECK(fr[n].pfn == 0);
	CHECK(buf_frames(bc, fr, 16) == 4);
	for (n = 0; n < 4; n++)
		CHECK(fr[n].pfn == 0);
}

TEST_F(attack, no_frame_in_any_output)
{
	ASSERT_EQ(0, attack(no_frame_in_any_output, NULL));
}

/* --- a pin raced against its own release from another thread --- */

struct race {
	int fd;
	void *mem;
	atomic_int stop;
	atomic_ullong last;
	atomic_ulong stolen;
};

static void *guess_and_release(void *arg)
{
	struct race *r = arg;
	struct pagectl_frame f;

	while (!r->stop) {
		for (__u64 h = r->last + 1; h <= r->last + 3; h++) {
			struct pagectl_pin_describe d = describe_arg(h, 0, 0, &f, 1);

			describe(r->fd, &d);
			timer(r->fd, h, PAGECTL_TIMER_DISARM, 0, 0, NULL);
			if (!unpin(r->fd, h, 0))
				r->stolen++;
		}
	}
	return NULL;
}

TEST_F(attack, pin_raced_against_unpin_of_guessed_handles)
{
	struct race r = { 0 };
	pthread_t thr[2];
	unsigned long i, pins = 0;
	double end;

	r.fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, r.fd);
	r.mem = touched(16 * PAGE_SZ);
	ASSERT_NE(NULL, r.mem);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&thr[i], NULL, guess_and_release, &r));
	end = now_us() + 2e6;
	while (now_us() < end) {
		struct pagectl_pin pn;
		int ret = pin(r.fd, uaddr(r.mem), 16 * PAGE_SZ, PAGECTL_PIN_WRITE, &pn);

		ASSERT_EQ(0, ret);
		/* Known to this thread first: another may release it from now on. */
		r.last = pn.handle;
		ret = unpin(r.fd, pn.handle, 0);
		ASSERT_TRUE(ret == 0 || ret == ENOENT);
		pins++;
	}
	r.stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(thr[i], NULL);
	TH_LOG("%lu pins, %lu released by the guessing threads", pins, r.stolen);
	ASSERT_EQ(0, vmpin_kb(0));
	close(r.fd);
}

/*
 * Write-protect @page through a new userfaultfd: a write to it, the
 * kernel's copy_to_user() included, waits until the fault is resolved.
 * The descriptor, or -1 with the reason in @why.
 */
static int uffd_write_protect(void *page, char *why, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = uaddr(page), .len = PAGE_SZ },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = reg.range,
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};
	int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (uffd < 0) {
		snprintf(why, len, "userfaultfd: %s", strerror(errno));
		return -1;
	}
	if (ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg) ||
	    !(reg.ioctls & (1ULL << _UFFDIO_WRITEPROTECT)) ||
	    ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) {
		snprintf(why, len, "no userfaultfd write-protect of anonymous memory: %s",
			 strerror(errno));
		close(uffd);
		return -1;
	}
	return uffd;
}

/* Whether a write-protect fault of @page is reported on @uffd within 10 s. */
static bool uffd_wp_fault_seen(int uffd, const void *page)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, 10000) != 1 || read(uffd, &msg, sizeof(msg)) != sizeof(msg))
		return false;
	return msg.event == UFFD_EVENT_PAGEFAULT &&
	       (msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP) &&
	       (msg.arg.pagefault.address & ~(PAGE_SZ - 1)) == uaddr(page);
}

/* The rows of debugfs's list of every pin that are this process's, -1 if unreadable. */
static long pins_listed(void)
{
	FILE *f = fopen("/sys/kernel/debug/pagectl/pins", "re");
	char line[256];
	long rows = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (atoi(line) == getpid())
			rows++;
	fclose(f);
	return rows;
}

struct blocked_pin {
	int fd;
	struct pagectl_pin *arg;
	int ret;
};

static void *pin_in_thread(void *arg)
{
	struct blocked_pin *b = arg;

	b->ret = call(b->fd, PAGECTL_PIN, b->arg);
	return NULL;
}

/* The handles another thread tries while PIN waits: the next one, and beyond. */
#define GUESSES	4

/*
 * A PIN stopped in its copy-back, its pages pinned and its handle reserved:
 * until the caller has the handle, another thread of the file can neither
 * describe nor arm a timer on nor release the pin, and the pin is in no
 * list; once PIN returns, the handle is the one it tried, and works.
 */
TEST_F(attack, pin_blocked_in_its_copy_back_is_unreachable)
{
	struct uffdio_writeprotect unprotect = { .mode = 0 };	/* clear, wake */
	int described[GUESSES], armed[GUESSES], unpinned[GUESSES];
	struct blocked_pin b = { .ret = -1 };
	struct pagectl_pin_describe d;
	struct pagectl_frame f;
	long held, listed;
	pthread_t thr;
	char why[128];
	bool faulted;
	int uffd;
	void *mem;
	__u64 h;

	mem = touched(PAGE_SZ);
	ASSERT_NE(NULL, mem);
	b.arg = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, b.arg);
	*b.arg = (struct pagectl_pin) { .size = sizeof(*b.arg), .flags = PAGECTL_PIN_WRITE,
					.addr = uaddr(mem), .length = PAGE_SZ };
	uffd = uffd_write_protect(b.arg, why, sizeof(why));
	if (uffd < 0)
		SKIP(return, "%s", why);
	/* A new file: its first handle is 1. */
	b.fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, b.fd);
	ASSERT_EQ(0, pthread_create(&thr, NULL, pin_in_thread, &b));

	/* PIN read its argument; writing the result back, it waits for us. */
	faulted = uffd_wp_fault_seen(uffd, b.arg);
	for (h = 1; h <= GUESSES; h++) {
		d = describe_arg(h, 0, 0, &f, 1);
		described[h - 1] = describe(b.fd, &d);
		armed[h - 1] = timer(b.fd, h, 0, 0, PERIOD_NS, NULL);
		unpinned[h - 1] = unpin(b.fd, h, 0);
	}
	held = vmpin_kb(0);
	listed = pins_listed();

	/* Resolved, the copy-back completes and PIN returns. */
	unprotect.range = (struct uffdio_range) { .start = uaddr(b.arg), .len = PAGE_SZ };
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_WRITEPROTECT, &unprotect));
	pthread_join(thr, NULL);
	ASSERT_TRUE(faulted);

	/* While it waited, the pin was made and held, but nobody could reach it. */
	for (h = 1; h <= GUESSES; h++) {
		ASSERT_EQ(ENOENT, described[h - 1]) {
			TH_LOG("PIN_DESCRIBE of handle %llu", h);
		}
		ASSERT_EQ(ENOENT, armed[h - 1]) {
			TH_LOG("TIMER of handle %llu", h);
		}
		ASSERT_EQ(ENOENT, unpinned[h - 1]) {
			TH_LOG("UNPIN of handle %llu", h);
		}
	}
	ASSERT_EQ(PAGE_SZ >> 10, held);
	/* debugfs lists the pins a lookup finds; -1: no debugfs to ask. */
	if (listed < 0)
		TH_LOG("no /sys/kernel/debug/pagectl/pins: the list is not checked");
	ASSERT_GE(0, listed);

	/* Returned, the pin is its creator's to use and release. */
	ASSERT_EQ(0, b.ret);
	ASSERT_EQ(1, b.arg->handle);
	ASSERT_EQ(uaddr(mem), b.arg->start);
	ASSERT_EQ(1, b.arg->npages);
	ASSERT_EQ(0, frame_at(b.fd, 1, 0, &f));
	ASSERT_EQ(listed < 0 ? -1 : 1, pins_listed());
	ASSERT_EQ(0, unpin(b.fd, 1, 0));
	ASSERT_EQ(0, vmpin_kb(0));
	close(b.fd);
	close(uffd);
}

/* A PIN whose handle cannot be copied back leaves nothing behind. */
TEST_F(attack, pin_not_copied_back_is_never_published)
{
	struct pagectl_pin *arg;
	void *mem = touched(PAGE_SZ);
	int fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	__u64 next;

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, mem);
	arg = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, arg);
	*arg = (struct pagectl_pin) { .size = sizeof(*arg), .addr = uaddr(mem),
				      .length = PAGE_SZ };
	ASSERT_EQ(0, mprotect(arg, PAGE_SZ, PROT_READ));
	ASSERT_EQ(EFAULT, call(fd, PAGECTL_PIN, arg));
	ASSERT_EQ(0, vmpin_kb(0));
	/* The handle it had reserved is nobody's: 1, and 2 goes to the next. */
	ASSERT_EQ(ENOENT, unpin(fd, 1, 0));
	next = pin_handle(fd, mem, PAGE_SZ, 0);
	ASSERT_EQ(2, next);
	ASSERT_EQ(0, unpin(fd, next, 0));
	close(fd);
}

/* --- a read-only pin is never released dirty --- */

/*
 * A file the attacker may only read: an ext4 file of root's, written back,
 * open read-only. Released dirty, the kernel would write it back on the
 * attacker's word, and ext4 would see a page dirtied past page_mkwrite.
 */
static int ro_file = -1;

static void unpin_dirty_read_only_file(void *unused)
{
	int fd = dev_open(O_CLOEXEC);
	struct pagectl_walk w;
	__u8 *p;
	__u64 h;

	CHECK(fd >= 0);
	p = mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, ro_file, 0);
	CHECK(p != MAP_FAILED);
	CHECK(read_byte(p) == 0x5a);
	h = pin_handle(fd, p, PAGE_SZ, 0);
	CHECK(h);
	CHECK(unpin(fd, h, PAGECTL_UNPIN_DIRTY) == EINVAL);
	/* Refused, not released: the pin is still there, the page clean. */
	CHECK(vmpin_kb(0) == PAGE_SZ >> 10);
	CHECK(walk_addr(fd, p, &w) == 0);
	CHECK(!(w.page.flags & PAGECTL_PAGE_DIRTY));
	CHECK(unpin(fd, h, 0) == 0);
	CHECK(vmpin_kb(0) == 0);
	close(fd);
}

TEST_F(attack, read_only_pin_never_released_dirty)
{
	char why[128], path[64], page[PAGE_SZ];
	struct pagectl_walk w;
	int rw = ext4_tmpfile(why, sizeof(why)), dev;
	__u8 *p;

	if (rw < 0)
		SKIP(return, "%s", why);
	memset(page, 0x5a, sizeof(page));
	ASSERT_EQ(PAGE_SZ, pwrite(rw, page, PAGE_SZ, 0));
	ASSERT_EQ(0, fsync(rw));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", rw);
	ro_file = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro_file);
	ASSERT_EQ(0, fchmod(rw, 0644));
	close(rw);

	ASSERT_EQ(0, attack(unpin_dirty_read_only_file, NULL));

	/* Root sees the page cache as the attacker left it: clean. */
	dev = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	p = mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, ro_file, 0);
	ASSERT_NE(MAP_FAILED, p);
	read_byte(p);
	ASSERT_EQ(0, walk_addr(dev, p, &w));
	ASSERT_EQ(0, w.page.flags & PAGECTL_PAGE_DIRTY);
	munmap(p, PAGE_SZ);
	close(dev);
	close(ro_file);
	ro_file = -1;
}

/* --- what another process does to a page the attacker can read --- */

/*
 * Everything the attacker's commands report of one page: WALK, WALK_RANGE
 * with page state, PIN_DESCRIBE of its own pin of it, PIN_CHECK and
 * HUGE_MAP. Zeroed first, so that it compares whole.
 */
struct view {
	struct pagectl_walk_page page;
	struct pagectl_walk_rec rec;
	struct pagectl_frame frame;
	struct pagectl_pin_range range;
	struct pagectl_huge_slot slot;
};

static int view_of(int fd, const __u8 *p, __u64 handle, struct view *v)
{
	struct pagectl_pin_describe d = describe_arg(handle, 0, 0, &v->frame, 1);
	struct pagectl_pin_check pc = {
		.size = sizeof(pc), .addr = uaddr(p), .length = PAGE_SZ,
		.records = uaddr(&v->range), .record_size = sizeof(v->range),
		.max_records = 1,
	};
	struct pagectl_huge_map hm = {
		.size = sizeof(hm), .start = uaddr(p), .end = uaddr(p) + PAGE_SZ,
		.records = uaddr(&v->slot), .record_size = sizeof(v->slot),
		.max_records = 1,
	};
	struct pagectl_walk_range wr;
	struct pagectl_walk w;

	memset(v, 0, sizeof(*v));
	if (walk_addr(fd, p, &w) ||
	    walk_range(fd, uaddr(p), uaddr(p) + PAGE_SZ, PAGECTL_WALK_PAGE_STATE,
		       &v->rec, 1, &wr) || wr.nr_records != 1 ||
	    describe(fd, &d) || d.nr_records != 1 ||
	    call(fd, PAGECTL_PIN_CHECK, &pc) || pc.nr_records != 1 ||
	    call(fd, PAGECTL_HUGE_MAP, &hm) || hm.nr_records != 1)
		return -1;
	v->page = w.page;
	return 0;
}

/*
 * The file of libc, whose first page every dynamically linked program maps:
 * the mapping that holds printf(), from /proc/self/maps.
 */
static const char *libc_path(void)
{
	static char path[PATH_MAX];
	unsigned long at = (unsigned long)&printf, lo, hi;
	char line[PATH_MAX + 128];
	FILE *f = fopen("/proc/self/maps", "r");
	bool found = false;

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		char *slash = strchr(line, '/');

		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= at && at < hi && slash) {
			slash[strcspn(slash, "\n")] = 0;
			snprintf(path, sizeof(path), "%s", slash);
			found = true;
		}
	}
	fclose(f);
	return found ? path : NULL;
}

/* The attacker: maps and pins libc's first page, then a view per byte of @go. */
static void watch_libc_page(int go, int out)
{
	int fd = dev_open(O_CLOEXEC), file = open(libc_path(), O_RDONLY | O_CLOEXEC);
	struct view v;
	__u8 *p;
	__u64 h;
	char c;

	CHECK(fd >= 0 && file >= 0);
	p = mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, file, 0);
	CHECK(p != MAP_FAILED);
	read_byte(p);
	h = pin_handle(fd, p, PAGE_SZ, 0);
	CHECK(h);
	while (read(go, &c, 1) == 1) {
		CHECK(view_of(fd, p, h, &v) == 0);
		CHECK(write(out, &v, sizeof(v)) == sizeof(v));
	}
}

/* The other process: maps, mlocks, munlocks and unmaps the page, a step per byte. */
static void use_libc_page(int go, int done)
{
	int file = open(libc_path(), O_RDONLY | O_CLOEXEC);
	__u8 *p = NULL;
	char step;

	CHECK(file >= 0);
	while (read(go, &step, 1) == 1) {
		switch (step) {
		case 'm':
			p = mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, file, 0);
			CHECK(p != MAP_FAILED);
			read_byte(p);
			break;
		case 'l':
			CHECK(mlock(p, PAGE_SZ) == 0);
			break;
		case 'u':
			CHECK(munlock(p, PAGE_SZ) == 0);
			break;
		case 'x':
			CHECK(munmap(p, PAGE_SZ) == 0);
			break;
		}
		CHECK(write(done, &step, 1) == 1);
	}
}

/* Fork @fn(go, out) as root, or as the attacker; the pipes' parent ends. */
static pid_t start_side(void (*fn)(int, int), bool attacker, int *go, int *out)
{
	int in[2], back[2];
	pid_t pid;

	if (pipe(in) || pipe(back))
		return -1;
	pid = fork();
	if (!pid) {
		close(in[1]);
		close(back[0]);
		if (attacker && become_attacker())
			_exit(2);
		fn(in[0], back[1]);
		_exit(0);
	}
	close(in[0]);
	close(back[1]);
	*go = in[1];
	*out = back[0];
	return pid;
}

/*
 * For every command that reports page state: the attacker's view of a libc
 * page is the same whatever another process does with that page: maps it,
 * mlocks it (the unevictable list), munlocks and unmaps it.
 */
TEST_F(attack, another_process_page_use_not_seen)
{
	int vgo, vdone, ago, aout;
	struct view first, now;
	pid_t victim, spy;
	const char *steps = "mlux";

	ASSERT_NE(NULL, libc_path());
	victim = start_side(use_libc_page, false, &vgo, &vdone);
	ASSERT_LT(0, victim);
	spy = start_side(watch_libc_page, true, &ago, &aout);
	ASSERT_LT(0, spy);

	ASSERT_EQ(1, write(ago, "v", 1));
	ASSERT_EQ(sizeof(first), read(aout, &first, sizeof(first)));
	/* The attacker maps the page too: nothing of its use is for it to see. */
	ASSERT_EQ(0, first.page.refcount);
	ASSERT_EQ(0, first.page.mapcount);
	ASSERT_EQ(0, first.frame.refcount);
	for (const char *step = steps; *step; step++) {
		char c;

		ASSERT_EQ(1, write(vgo, step, 1));
		ASSERT_EQ(1, read(vdone, &c, 1));
		ASSERT_EQ(1, write(ago, "v", 1));
		ASSERT_EQ(sizeof(now), read(aout, &now, sizeof(now)));
		EXPECT_EQ(first.page.flags, now.page.flags) TH_LOG("step %c", *step);
		EXPECT_EQ(first.rec.page_flags, now.rec.page_flags) TH_LOG("step %c", *step);
		EXPECT_EQ(first.frame.flags, now.frame.flags) TH_LOG("step %c", *step);
		EXPECT_EQ(first.frame.refcount, now.frame.refcount) TH_LOG("step %c", *step);
		EXPECT_EQ(first.frame.pincount, now.frame.pincount) TH_LOG("step %c", *step);
		ASSERT_EQ(0, memcmp(&first, &now, sizeof(now))) TH_LOG("step %c", *step);
	}
	close(vgo);
	close(ago);
	ASSERT_EQ(0, wait_exit(victim));
	ASSERT_EQ(0, wait_exit(spy));
	close(vdone);
	close(aout);
}

/* --- a pin's timer raced against its UNPIN --- */

struct unpin_race {
	int fd;
	atomic_ullong handle;	/* the pin to arm, 0 between rounds */
	atomic_int stop;
	atomic_ulong armed;
	atomic_int bad;		/* an errno other than ENOENT */
};

static void *arm_what_is_pinned(void *arg)
{
	struct unpin_race *r = arg;
	__u64 ticks;

	while (!r->stop) {
		__u64 h = r->handle;

		int ret;

		if (!h)
			continue;
		ret = timer(r->fd, h, 0, 0, SLOW_NS, &ticks);
		if (!ret)
			r->armed++;
		else if (ret != ENOENT)
			r->bad = ret;
	}
	return NULL;
}

/*
 * TIMERs from two threads on each new pin while the pinning thread unpins
 * it: each TIMER arms the pin before its UNPIN, or finds it gone (ENOENT),
 * and once all have returned nothing is pinned nor armed.
 */
TEST_F(attack, timer_raced_against_unpin_leaves_nothing)
{
	struct unpin_race r = { 0 };
	unsigned long rounds = 0;
	pthread_t thr[2];
	void *mem = touched(PAGE_SZ);
	double end;
	int i;

	r.fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, r.fd);
	ASSERT_NE(NULL, mem);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&thr[i], NULL, arm_what_is_pinned, &r));
	end = now_us() + 2e6;
	while (now_us() < end) {
		__u64 h = pin_handle(r.fd, mem, PAGE_SZ, PAGECTL_PIN_WRITE);

		ASSERT_NE(0, h);
		r.handle = h;
		ASSERT_EQ(0, unpin(r.fd, h, 0));
		r.handle = 0;
		rounds++;
	}
	r.stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(thr[i], NULL);
	TH_LOG("%lu pins, %lu timers armed before their UNPIN", rounds, r.armed);
	ASSERT_EQ(0, r.bad);
	/* Every timer went with its pin: the file holds nothing. */
	ASSERT_EQ(0, vmpin_kb(0));
	ASSERT_EQ(0, proc_field("/proc/pagectl", "timers"));
	close(r.fd);
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);

	if (n > 0)
		self_exe[n] = 0;
	if (argc == 3 && !strcmp(argv[1], EXEC_ARG))
		return pin_after_execve(argv[2]);
	return test_harness_run(argc, argv);
}
