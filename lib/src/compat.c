// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libpagectl: the 0.1 entry points, for programs built against 0.1.0.
 *
 * In 0.1.0 the library set the size of the caller's struct to its own
 * sizeof(), so programs built then leave size as they found it. Their calls
 * are bound to NAME@PAGECTL_0.1 and land here, where size becomes that of
 * the struct in 0.1.0: what such a program has, however the structs grow.
 * Programs built since bind to NAME@@PAGECTL_0.2, which takes the caller's
 * size, so they do not load with a library that would not.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <string.h>

#include <pagectl/pagectl.h>
#include "internal.h"

PAGECTL_VERSION_OLD(pagectl_get_info_0_1, pagectl_get_info, PAGECTL_0.1);
PAGECTL_EXPORT int pagectl_get_info_0_1(struct pagectl *pc,
					struct pagectl_info *info)
{
	/* 0.1.0 zeroed the whole struct: it is output only. */
	memset(info, 0, PAGECTL_INFO_SIZE_V1);
	info->size = PAGECTL_INFO_SIZE_V1;
	return pagectl_get_info(pc, info);
}

PAGECTL_VERSION_OLD(pagectl_pin_0_1, pagectl_pin, PAGECTL_0.1);
PAGECTL_EXPORT int pagectl_pin_0_1(struct pagectl *pc, struct pagectl_pin *arg)
{
	arg->size = PAGECTL_PIN_SIZE_V1;
	return pagectl_pin(pc, arg);
}

PAGECTL_VERSION_OLD(pagectl_pin_describe_0_1, pagectl_pin_describe, PAGECTL_0.1);
PAGECTL_EXPORT int pagectl_pin_describe_0_1(struct pagectl *pc,
					    struct pagectl_pin_describe *arg)
{
	arg->size = PAGECTL_PIN_DESCRIBE_SIZE_V1;
	return pagectl_pin_describe(pc, arg);
}

PAGECTL_VERSION_OLD(pagectl_walk_0_1, pagectl_walk, PAGECTL_0.1);
PAGECTL_EXPORT int pagectl_walk_0_1(struct pagectl *pc, struct pagectl_walk *arg)
{
	arg->size = PAGECTL_WALK_SIZE_V1;
	return pagectl_walk(pc, arg);
}

PAGECTL_VERSION_OLD(pagectl_walk_range_0_1, pagectl_walk_range, PAGECTL_0.1);
PAGECTL_EXPORT int pagectl_walk_range_0_1(struct pagectl *pc,
					  struct pagectl_walk_range *arg)
{
	arg->size = PAGECTL_WALK_RANGE_SIZE_V1;
	/* In 0.1.0, a zero record_size meant the record of 0.1.0. */
	if (!arg->record_size)
		arg->record_size = PAGECTL_WALK_REC_SIZE_V1;
	return pagectl_walk_range(pc, arg);
}

PAGECTL_VERSION_OLD(pagectl_buf_create_0_1, pagectl_buf_create, PAGECTL_0.1);
PAGECTL_EXPORT int pagectl_buf_create_0_1(struct pagectl *pc,
					  struct pagectl_buf_create *arg)
{
	arg->size = PAGECTL_BUF_CREATE_SIZE_V1;
	return pagectl_buf_create(pc, arg);
}

PAGECTL_VERSION_OLD(pagectl_buf_info_0_1, pagectl_buf_info, PAGECTL_0.1);
PAGECTL_EXPORT int pagectl_buf_info_0_1(int buf_fd, struct pagectl_buf_info *arg)
{
	arg->size = PAGECTL_BUF_INFO_SIZE_V1;
	return pagectl_buf_info(buf_fd, arg);
}
