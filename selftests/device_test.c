// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/pagectl as a device: who may open it, the mode and group module
 * parameters, and unloading while it is open.
 *
 * These tests load and unload the module, so they need root and the module
 * file: $PAGECTL_MODULE, or /lib/modules/$(uname -r)/extra/pagectl.ko. Each
 * test leaves the module loaded with default parameters.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"

#define TEST_GID 4242

/*
 * Open the device in a child running as @uid with supplementary group @gid
 * (none if @gid is -1); returns 0 or the errno of open().
 */
static int open_as(uid_t uid, gid_t gid)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		gid_t groups[1] = { gid };
		int fd;

		if (setgroups(gid == (gid_t)-1 ? 0 : 1, groups) ||
		    setgid(NOBODY) || setuid(uid))
			_exit(255);
		fd = open(DEVICE, O_RDWR);
		_exit(fd < 0 ? errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

FIXTURE(device) {
	int unused;
};

FIXTURE_SETUP(device)
{
	if (geteuid())
		SKIP(return, "needs root to load the module");
	if (find_module())
		SKIP(return, "no module file (set PAGECTL_MODULE)");
	ASSERT_EQ(0, reload_module(""));
}

FIXTURE_TEARDOWN(device)
{
	if (!module_loaded() || reload_module("") == 0)
		return;
	/* A test failed with the module in use or unloaded: reload it anyway. */
	load_module("");
}

TEST_F(device, default_mode_0600_root_only)
{
	struct stat st;

	/* The node is a character device, root's, mode 0600. */
	ASSERT_EQ(0, stat(DEVICE, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, st.st_uid);

	/* An unprivileged user cannot open it. */
	ASSERT_EQ(EACCES, open_as(NOBODY, -1));
	/* Root can. */
	ASSERT_EQ(0, open_as(0, -1));
}

TEST_F(device, mode_parameter)
{
	struct stat st;

	/* mode=0666 makes a node anyone can open. */
	ASSERT_EQ(0, reload_module("mode=0666"));
	ASSERT_EQ(0, stat(DEVICE, &st));
	ASSERT_EQ(0666, st.st_mode & 07777);
	ASSERT_EQ(0, open_as(NOBODY, -1));
}

TEST_F(device, group_parameter)
{
	/* With group set, only that group's members get past open(). */
	ASSERT_EQ(0, reload_module("mode=0666 group=4242"));
	ASSERT_EQ(0, open_as(NOBODY, TEST_GID));
	ASSERT_EQ(EACCES, open_as(NOBODY, TEST_GID + 1));
	ASSERT_EQ(EACCES, open_as(NOBODY, -1));
	/* CAP_SYS_ADMIN is not subject to the group. */
	ASSERT_EQ(0, open_as(0, -1));
}

TEST_F(device, group_never_widens_mode)
{
	/* A group member still needs the node's mode to let them in. */
	ASSERT_EQ(0, reload_module("group=4242"));
	ASSERT_EQ(EACCES, open_as(NOBODY, TEST_GID));
}

TEST_F(device, bad_mode_refused)
{
	/* Bits beyond the permission bits fail the load and leave no node. */
	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(EINVAL, load_module("mode=04666"));
	ASSERT_FALSE(module_loaded());
	ASSERT_NE(0, access(DEVICE, F_OK));
	ASSERT_EQ(0, load_module(""));
}

TEST_F(device, max_walk_records_zero_refused)
{
	/* A range walk must be able to return a record: 0 fails the load. */
	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(EINVAL, load_module("max_walk_records=0"));
	ASSERT_FALSE(module_loaded());
	ASSERT_NE(0, access(DEVICE, F_OK));
	ASSERT_EQ(0, load_module(""));
}

/* Each numeric parameter, one value past each of its bounds, and its bounds. */
static const struct {
	const char *name;
	const char *low, *high;		/* refused; NULL: no value below */
	const char *min, *max;		/* accepted */
} params[] = {
	{ "max_pin_pages", NULL, "68719476737", "0", "68719476736" },
	{ "max_walk_records", "0", "16777217", "1", "16777216" },
	{ "max_buf_bytes", NULL, "70368744177665", "0", "70368744177664" },
	{ "max_timers_per_user", NULL, "65537", "0", "65536" },
	{ "max_timers", NULL, "65537", "0", "65536" },
	{ "min_timer_period_ns", "9999", "1000000001", "10000", "1000000000" },
	{ "max_watches_per_file", NULL, "65537", "0", "65536" },
	{ "max_watches_per_user", NULL, "65537", "0", "65536" },
	{ "max_watches", NULL, "65537", "0", "65536" },
	{ "max_watch_queue", "0", "4294967295", "1", "65536" },
};

static int param_read(const char *name, char *val, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/pagectl/parameters/%s", name);
	if (read_file(path, val, len))
		return -1;
	val[strcspn(val, "\n")] = 0;
	return 0;
}

/* Write @val to the parameter: 0 or the errno of the write. */
static int param_write(const char *name, const char *val)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/module/pagectl/parameters/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = errno;
	close(fd);
	return ret;
}

TEST_F(device, parameters_out_of_bounds_refused_at_load)
{
	char arg[96];

	ASSERT_EQ(0, unload_module());
	for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
		for (int hi = 0; hi < 2; hi++) {
			const char *v = hi ? params[i].high : params[i].low;

			if (!v)
				continue;
			snprintf(arg, sizeof(arg), "%s=%s", params[i].name, v);
			ASSERT_EQ(EINVAL, load_module(arg)) TH_LOG("%s", arg);
			ASSERT_FALSE(module_loaded());
		}
		snprintf(arg, sizeof(arg), "%s=%s", params[i].name, params[i].max);
		ASSERT_EQ(0, load_module(arg)) TH_LOG("%s", arg);
		ASSERT_EQ(0, unload_module());
	}
	ASSERT_EQ(EINVAL, load_module("group=-2"));
	ASSERT_EQ(EINVAL, load_module("mode=01000"));
	ASSERT_FALSE(module_loaded());
	ASSERT_EQ(0, load_module(""));
}

TEST_F(device, parameters_out_of_bounds_refused_at_write)
{
	char before[64], after[64];

	for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
		const char *name = params[i].name;

		ASSERT_EQ(0, param_read(name, before, sizeof(before))) TH_LOG("%s", name);
		if (params[i].low)
			ASSERT_EQ(EINVAL, param_write(name, params[i].low)) TH_LOG("%s", name);
		ASSERT_EQ(EINVAL, param_write(name, params[i].high)) TH_LOG("%s", name);
		ASSERT_EQ(EINVAL, param_write(name, "lots")) TH_LOG("%s", name);
		ASSERT_EQ(0, param_read(name, after, sizeof(after)));
		ASSERT_STREQ(before, after);
		/* Both bounds are taken, and the default back. */
		ASSERT_EQ(0, param_write(name, params[i].min)) TH_LOG("%s", name);
		ASSERT_EQ(0, param_write(name, params[i].max)) TH_LOG("%s", name);
		ASSERT_EQ(0, param_read(name, after, sizeof(after)));
		ASSERT_STREQ(params[i].max, after);
		ASSERT_EQ(0, param_write(name, before));
	}
	/* Registered with the device: read-only once loaded. */
	ASSERT_EQ(EACCES, param_write("mode", "0666"));
	ASSERT_EQ(EACCES, param_write("group", "0"));
}

/* A limit written at run time holds for the next call. */
TEST_F(device, parameter_written_takes_effect)
{
	struct pagectl_pin p;
	int fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	void *buf = mmap(NULL, 4 * PAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_LE(0, fd);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, param_write("max_pin_pages", "2"));
	ASSERT_EQ(ENOSPC, pin(fd, uaddr(buf), 4 * PAGE_SZ, 0, &p));
	ASSERT_EQ(0, pin(fd, uaddr(buf), 2 * PAGE_SZ, 0, &p));
	ASSERT_EQ(0, unpin(fd, p.handle, 0));
	ASSERT_EQ(0, param_write("max_pin_pages", "1048576"));
	ASSERT_EQ(0, pin(fd, uaddr(buf), 4 * PAGE_SZ, 0, &p));
	close(fd);
	munmap(buf, 4 * PAGE_SZ);
}

TEST_F(device, max_walk_records_caps_one_call)
{
	struct pagectl_info info = { .size = sizeof(info) };
	struct pagectl_walk_rec recs[8];
	struct pagectl_walk_range wr;
	long page = sysconf(_SC_PAGESIZE);
	char *buf;
	int fd, i;

	ASSERT_EQ(0, reload_module("max_walk_records=3"));
	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, PAGECTL_GET_INFO, &info));
	ASSERT_EQ(3, info.max_walk_records);

	buf = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, madvise(buf, 8 * page, MADV_NOHUGEPAGE));
	for (i = 0; i < 8; i++)
		buf[i * page] = 1;

	/* Room for 8, but the module returns 3 and says where to go on. */
	memset(&wr, 0, sizeof(wr));
	wr.size = sizeof(wr);
	wr.start = (uintptr_t)buf;
	wr.end = (uintptr_t)buf + 8 * page;
	wr.records = (uintptr_t)recs;
	wr.record_size = sizeof(recs[0]);
	wr.max_records = 8;
	ASSERT_EQ(0, ioctl(fd, PAGECTL_WALK_RANGE, &wr));
	ASSERT_EQ(3, wr.nr_records);
	ASSERT_EQ((uintptr_t)buf + 3 * page, wr.next);
	munmap(buf, 8 * page);
	close(fd);
}

TEST_F(device, unload_refused_while_open)
{
	struct pagectl_info info = { .size = sizeof(info) };
	int fd;

	/* An open file pins the module. */
	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(EWOULDBLOCK, unload_module());
	ASSERT_TRUE(module_loaded());

	/* The device still works after the refused unload. */
	ASSERT_EQ(0, ioctl(fd, PAGECTL_GET_INFO, &info));

	/* Once the file is closed, unload succeeds and the node goes away. */
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, unload_module());
	ASSERT_FALSE(module_loaded());
	ASSERT_NE(0, access(DEVICE, F_OK));
	ASSERT_EQ(0, load_module(""));
}

TEST_F(device, unload_refused_while_open_in_child)
{
	int fd, status;
	pid_t pid;

	/* A file inherited over fork keeps the module in use until both close. */
	fd = open(DEVICE, O_RDWR);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Hold the inherited file until killed. */
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(EWOULDBLOCK, unload_module());
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, unload_module());
	ASSERT_EQ(0, load_module(""));
}

TEST_HARNESS_MAIN
