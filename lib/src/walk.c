// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libpagectl: page-table walks.
 *
 * A walk by pid names a process by a number that can be reused once the
 * process exits. The library holds a pidfd for the pid across the ioctl:
 * if the process is still running afterwards, the number cannot have been
 * reused, and the result belongs to the process that had it when the call
 * began. Otherwise the result is thrown away and -ESRCH returned.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <pagectl/pagectl.h>
#include "internal.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* A pidfd for @pid, or -1 with errno set. */
static int pagectl_pidfd(__u32 pid)
{
	return (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
}

/* Has the process behind @pidfd exited? */
static int pagectl_pidfd_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) != 0;
}

/* Issue @cmd; with PAGECTL_WALK_PID, only trust the result if @pid lived. */
static int pagectl_walk_ioctl(struct pagectl *pc, unsigned long cmd,
			      void *arg, __u32 flags, __u32 pid)
{
	int pidfd = -1, ret, saved;

	if ((flags & PAGECTL_WALK_PID) && pid) {
		pidfd = pagectl_pidfd(pid);
		/* EINVAL for a pid that is not a process: let the module judge. */
		if (pidfd < 0 && errno == ESRCH)
			return -ESRCH;
	}
	ret = pagectl_ioctl(pc, cmd, arg);
	if (pidfd >= 0) {
		saved = errno;
		if (ret == 0 && pagectl_pidfd_exited(pidfd))
			ret = -ESRCH;
		close(pidfd);
		errno = saved;
	}
	return ret;
}

PAGECTL_VERSION_DEFAULT(pagectl_walk, PAGECTL_0.2);
PAGECTL_EXPORT int pagectl_walk(struct pagectl *pc, struct pagectl_walk *arg)
{
	if (arg->size < PAGECTL_WALK_SIZE_V1)
		return -EINVAL;
	return pagectl_walk_ioctl(pc, PAGECTL_WALK, arg, arg->flags, arg->pid);
}

PAGECTL_VERSION_DEFAULT(pagectl_walk_range, PAGECTL_0.2);
PAGECTL_EXPORT int pagectl_walk_range(struct pagectl *pc,
				      struct pagectl_walk_range *arg)
{
	int ret;

	if (arg->size < PAGECTL_WALK_RANGE_SIZE_V1)
		return -EINVAL;
	ret = pagectl_walk_ioctl(pc, PAGECTL_WALK_RANGE, arg, arg->flags,
				 arg->pid);
	return ret < 0 ? ret : (int)arg->nr_records;
}
