// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libpagectl: pins and the counter timer.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>

#include <pagectl/pagectl.h>
#include "internal.h"

PAGECTL_VERSION_DEFAULT(pagectl_pin, PAGECTL_0.2);
PAGECTL_EXPORT int pagectl_pin(struct pagectl *pc, struct pagectl_pin *arg)
{
	if (arg->size < PAGECTL_PIN_SIZE_V1)
		return -EINVAL;
	return pagectl_ioctl(pc, PAGECTL_PIN, arg);
}

PAGECTL_EXPORT int pagectl_pin_check(struct pagectl *pc, struct pagectl_pin_check *arg)
{
	int ret;

	if (arg->size < PAGECTL_PIN_CHECK_SIZE_V1)
		return -EINVAL;
	ret = pagectl_ioctl(pc, PAGECTL_PIN_CHECK, arg);
	return ret < 0 ? ret : (int)arg->nr_records;
}

PAGECTL_EXPORT int pagectl_unpin(struct pagectl *pc, __u64 handle, __u32 flags)
{
	struct pagectl_unpin arg = {
		.size = sizeof(arg),
		.flags = flags,
		.handle = handle,
	};

	return pagectl_ioctl(pc, PAGECTL_UNPIN, &arg);
}

PAGECTL_VERSION_DEFAULT(pagectl_pin_describe, PAGECTL_0.2);
PAGECTL_EXPORT int pagectl_pin_describe(struct pagectl *pc,
					struct pagectl_pin_describe *arg)
{
	int ret;

	if (arg->size < PAGECTL_PIN_DESCRIBE_SIZE_V1)
		return -EINVAL;
	ret = pagectl_ioctl(pc, PAGECTL_PIN_DESCRIBE, arg);
	return ret < 0 ? ret : (int)arg->nr_records;
}

PAGECTL_EXPORT int pagectl_timer_arm(struct pagectl *pc, __u64 handle,
				     __u64 offset, __u64 period_ns)
{
	struct pagectl_timer arg = {
		.size = sizeof(arg),
		.target = handle,
		.offset = offset,
		.period_ns = period_ns,
	};

	return pagectl_ioctl(pc, PAGECTL_TIMER, &arg);
}

PAGECTL_EXPORT int pagectl_timer_disarm(struct pagectl *pc, __u64 handle,
					__u64 *ticks)
{
	struct pagectl_timer arg = {
		.size = sizeof(arg),
		.flags = PAGECTL_TIMER_DISARM,
		.target = handle,
	};
	int ret = pagectl_ioctl(pc, PAGECTL_TIMER, &arg);

	if (!ret && ticks)
		*ticks = arg.ticks;
	return ret;
}
