// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers of the buffer selftests.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf_util.h"
#include "pin_util.h"

/* BUF_CREATE; 0 with @c filled, or the errno. */
int buf_create(int dev, __u64 length, __u32 flags, __u32 node,
	       struct pagectl_buf_create *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->flags = flags;
	c->length = length;
	c->node = node;
	return call(dev, PAGECTL_BUF_CREATE, c);
}

/* A new buffer on the caller's node: its fd, or -1. */
int buf_new(int dev, __u64 length, __u32 flags)
{
	struct pagectl_buf_create c;

	return buf_create(dev, length, flags, PAGECTL_NODE_LOCAL, &c) ? -1 : (int)c.fd;
}

/* A shared mapping of the buffer, or NULL. */
void *buf_map(int bfd, size_t length, int prot, __u64 offset)
{
	void *p = mmap(NULL, length, prot, MAP_SHARED, bfd, offset);

	return p == MAP_FAILED ? NULL : p;
}

/* BUF_INFO without records; 0 or the errno. */
int buf_info(int bfd, struct pagectl_buf_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return call(bfd, PAGECTL_BUF_INFO, info);
}

/* BUF_FILL; 0 or the errno. */
int buf_fill(int bfd, __u64 offset, __u64 length, __u64 pattern, __u32 flags)
{
	struct pagectl_buf_fill f = {
		.size = sizeof(f),
		.flags = flags,
		.offset = offset,
		.length = length,
		.pattern = pattern,
	};

	return call(bfd, PAGECTL_BUF_FILL, &f);
}

/* Up to @max frames from the first page: how many, or -errno. */
int buf_frames(int bfd, struct pagectl_frame *f, __u32 max)
{
	struct pagectl_buf_info info = {
		.size = sizeof(info),
		.records = uaddr(f),
		.record_size = sizeof(*f),
		.max_records = max,
	};
	int ret = call(bfd, PAGECTL_BUF_INFO, &info);

	return ret ? -ret : (int)info.nr_records;
}

long live_buffers(void)
{
	return proc_field("/proc/pagectl", LIVE_BUFFERS);
}

long buffer_maps(void)
{
	return proc_field("/proc/pagectl", BUFFER_MAPS);
}

/* The descriptor the next open() would get: a new fd shows up there. */
int lowest_free_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}
