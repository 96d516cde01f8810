// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libpagectl: opening the device and the commands every module supports.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <pagectl/pagectl.h>
#include "internal.h"

PAGECTL_EXPORT int pagectl_open(const char *path, struct pagectl **pc)
{
	struct pagectl *p;
	int fd;

	if (!pc)
		return -EINVAL;
	do {
		fd = open(path ? path : PAGECTL_DEVICE, O_RDWR | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;

	p = calloc(1, sizeof(*p));
	if (!p) {
		close(fd);
		return -ENOMEM;
	}
	p->fd = fd;
	*pc = p;
	return 0;
}

PAGECTL_EXPORT void pagectl_close(struct pagectl *pc)
{
	if (!pc)
		return;
	/* close() is not retried on EINTR: the descriptor is gone either way. */
	close(pc->fd);
	free(pc);
}

PAGECTL_EXPORT int pagectl_fd(const struct pagectl *pc)
{
	return pc->fd;
}

int pagectl_fd_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

int pagectl_ioctl(struct pagectl *pc, unsigned long cmd, void *arg)
{
	return pagectl_fd_ioctl(pc->fd, cmd, arg);
}

PAGECTL_VERSION_DEFAULT(pagectl_get_info, PAGECTL_0.2);
PAGECTL_EXPORT int pagectl_get_info(struct pagectl *pc,
				    struct pagectl_info *info)
{
	if (info->size < PAGECTL_INFO_SIZE_V1)
		return -EINVAL;
	return pagectl_ioctl(pc, PAGECTL_GET_INFO, info);
}

PAGECTL_EXPORT const char *pagectl_strerror(int err)
{
	switch (-err) {
	case ENOENT:
		return "/dev/pagectl not found: is the pagectl module loaded?";
	case EACCES:
		return "permission denied on /dev/pagectl (see its mode and group parameters)";
	case ENOTTY:
		return "the loaded pagectl module does not know this command";
	case EOPNOTSUPP:
		return "the loaded pagectl module does not support this flag";
	case E2BIG:
		return "the request uses fields the loaded pagectl module does not know";
	default:
		return strerror(-err);
	}
}
