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
