// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libpagectl: watches, descriptors that report changes to a range.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <unistd.h>

#include <pagectl/pagectl.h>
#include "internal.h"

PAGECTL_EXPORT int pagectl_watch(struct pagectl *pc, struct pagectl_watch *arg)
{
	int ret;

	if (arg->size < PAGECTL_WATCH_SIZE_V1)
		return -EINVAL;
	/* Events of this library's size, the one pagectl_watch_read() reads. */
	if (!arg->event_size)
		arg->event_size = sizeof(struct pagectl_watch_event);
	/* The module writes fd only on success: -1 tells what to close. */
	arg->fd = -1;
	ret = pagectl_walk_ioctl(pc, PAGECTL_WATCH, arg, arg->flags, arg->pid);
	if (ret < 0) {
		/* A watch of a process that exited during the call. */
		if (arg->fd >= 0) {
			close(arg->fd);
			arg->fd = -1;
		}
		return ret;
	}
	return arg->fd;
}

PAGECTL_EXPORT int pagectl_watch_read(int watch_fd, struct pagectl_watch_event *ev,
				      size_t n)
{
	ssize_t ret;

	if (!n)
		return -EINVAL;
	/* The module reads whole events only; cap so the count fits an int. */
	if (n > 65536)
		n = 65536;
	do {
		ret = read(watch_fd, ev, n * sizeof(*ev));
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	return (int)(ret / sizeof(*ev));
}
