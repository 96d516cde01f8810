/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libpagectl: the C interface to /dev/pagectl.
 *
 * Every function returns a value >= 0 on success and a negative errno on
 * failure; errno itself is left as the failing call set it. Calls interrupted
 * by a signal are retried.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_H
#define _PAGECTL_H

#include <linux/pagectl.h>

#ifdef __cplusplus
extern "C" {
#endif

/** PAGECTL_DEVICE - the default path of the device node */
#define PAGECTL_DEVICE "/dev/pagectl"

/** struct pagectl - an open handle on the device; opaque */
struct pagectl;

/**
 * pagectl_open() - open the pagectl device
 * @path: the device node, or NULL for %PAGECTL_DEVICE
 * @pc: on success, the new handle
 *
 * The device is opened close-on-exec.
 *
 * Return: 0, or -ENOENT when the module is not loaded, -EACCES when the
 * caller may not use the device, or another negative errno from open(2).
 */
int pagectl_open(const char *path, struct pagectl **pc);

/**
 * pagectl_close() - close a handle and release everything it holds
 * @pc: the handle, or NULL
 */
void pagectl_close(struct pagectl *pc);

/**
 * pagectl_fd() - the file descriptor behind a handle
 * @pc: the handle
 *
 * Return: the descriptor, for poll(2) or to pass to another process.
 */
int pagectl_fd(const struct pagectl *pc);

/**
 * pagectl_get_info() - what the loaded module is and can do
 * @pc: the handle
 * @info: filled in; the library sets its size and flags
 *
 * Return: 0 or a negative errno.
 */
int pagectl_get_info(struct pagectl *pc, struct pagectl_info *info);

/**
 * pagectl_strerror() - a message for a negative errno returned by the library
 * @err: the return value
 *
 * Return: a static string.
 */
const char *pagectl_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* _PAGECTL_H */
