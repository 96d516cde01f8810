/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libpagectl: definitions shared by the library's source files.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_LIB_INTERNAL_H
#define _PAGECTL_LIB_INTERNAL_H

/* Everything is hidden unless marked; the version script names the ABI. */
#define PAGECTL_EXPORT __attribute__((visibility("default")))

struct pagectl {
	int fd;
};

/* ioctl() on @fd, retried on EINTR: >= 0, or -errno. */
int pagectl_fd_ioctl(int fd, unsigned long cmd, void *arg);

/* The same on the device file of @pc. */
int pagectl_ioctl(struct pagectl *pc, unsigned long cmd, void *arg);

#endif /* _PAGECTL_LIB_INTERNAL_H */
