/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the buffer selftests: the buffer commands as 0-or-errno calls
 * and what /proc/pagectl says about buffers.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_BUF_UTIL_H
#define _PAGECTL_BUF_UTIL_H

#include <stddef.h>

#include <linux/pagectl.h>

/* /proc/pagectl keys. */
#define LIVE_BUFFERS	"buffers"
#define BUFFER_MAPS	"buffer maps"

int buf_create(int dev, __u64 length, __u32 flags, __u32 node,
	       struct pagectl_buf_create *c);

int buf_new(int dev, __u64 length, __u32 flags);

void *buf_map(int bfd, size_t length, int prot, __u64 offset);

int buf_info(int bfd, struct pagectl_buf_info *info);

int buf_fill(int bfd, __u64 offset, __u64 length, __u64 pattern, __u32 flags);

int buf_frames(int bfd, struct pagectl_frame *f, __u32 max);

long live_buffers(void);

long buffer_maps(void);

int lowest_free_fd(void);

#endif /* _PAGECTL_BUF_UTIL_H */
