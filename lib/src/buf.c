// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libpagectl: kernel buffers, their descriptors and their mappings.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <pagectl/pagectl.h>
#include "internal.h"

PAGECTL_VERSION_DEFAULT(pagectl_buf_create, PAGECTL_0.2);
PAGECTL_EXPORT int pagectl_buf_create(struct pagectl *pc,
				      struct pagectl_buf_create *arg)
{
	int ret;

	if (arg->size < PAGECTL_BUF_CREATE_SIZE_V1)
		return -EINVAL;
	ret = pagectl_ioctl(pc, PAGECTL_BUF_CREATE, arg);
	return ret < 0 ? ret : (int)arg->fd;
}

PAGECTL_EXPORT int pagectl_buf_map(int buf_fd, __u64 offset, size_t length,
				   int prot, void **addr)
{
	void *p = mmap(NULL, length, prot, MAP_SHARED, buf_fd, (off_t)offset);

	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

PAGECTL_VERSION_DEFAULT(pagectl_buf_info, PAGECTL_0.2);
PAGECTL_EXPORT int pagectl_buf_info(int buf_fd, struct pagectl_buf_info *arg)
{
	int ret;

	if (arg->size < PAGECTL_BUF_INFO_SIZE_V1)
		return -EINVAL;
	ret = pagectl_fd_ioctl(buf_fd, PAGECTL_BUF_INFO, arg);
	return ret < 0 ? ret : (int)arg->nr_records;
}

PAGECTL_EXPORT int pagectl_buf_fill(int buf_fd, __u64 offset, __u64 length,
				    __u64 pattern, __u32 flags)
{
	struct pagectl_buf_fill arg = {
		.size = sizeof(arg),
		.flags = flags,
		.offset = offset,
		.length = length,
		.pattern = pattern,
	};

	return pagectl_fd_ioctl(buf_fd, PAGECTL_BUF_FILL, &arg);
}

PAGECTL_EXPORT int pagectl_buf_timer_arm(struct pagectl *pc, int buf_fd,
					 __u64 offset, __u64 period_ns)
{
	struct pagectl_timer arg = {
		.size = sizeof(arg),
		.flags = PAGECTL_TIMER_BUF,
		.target = (__u64)buf_fd,
		.offset = offset,
		.period_ns = period_ns,
	};

	if (buf_fd < 0)
		return -EBADF;
	return pagectl_ioctl(pc, PAGECTL_TIMER, &arg);
}

PAGECTL_EXPORT int pagectl_buf_timer_disarm(struct pagectl *pc, int buf_fd,
					    __u64 *ticks)
{
	struct pagectl_timer arg = {
		.size = sizeof(arg),
		.flags = PAGECTL_TIMER_BUF | PAGECTL_TIMER_DISARM,
		.target = (__u64)buf_fd,
	};
	int ret;

	if (buf_fd < 0)
		return -EBADF;
	ret = pagectl_ioctl(pc, PAGECTL_TIMER, &arg);
	if (!ret && ticks)
		*ticks = arg.ticks;
	return ret;
}
