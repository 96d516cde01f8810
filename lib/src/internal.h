/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libpagectl: definitions shared by the library's source files.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_LIB_INTERNAL_H
#define _PAGECTL_LIB_INTERNAL_H

#include <stddef.h>

#include <pagectl/pagectl.h>

/* Everything is hidden unless marked; the version script names the ABI. */
#define PAGECTL_EXPORT __attribute__((visibility("default")))

/*
 * The kernel's sizeof_field() and offsetofend(). MEMBER... lets checkpatch
 * see that naming a member twice has no side effects.
 */
#define sizeof_field(TYPE, MEMBER) sizeof(((TYPE *)0)[0].MEMBER)
#define offsetofend(TYPE, MEMBER...) (offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))

/*
 * The size of each command struct the library takes from its caller, in the
 * struct's first version: up to its last field then. The module refuses a
 * smaller size, and so does the library, before it reads any field. These
 * are also the sizes of the structs in 0.1.0, which the 0.1 entry points
 * (compat.c) set for the programs built against it.
 */
#define PAGECTL_INFO_SIZE_V1		offsetofend(struct pagectl_info, version)
#define PAGECTL_PIN_SIZE_V1		offsetofend(struct pagectl_pin, __reserved)
#define PAGECTL_PIN_DESCRIBE_SIZE_V1	offsetofend(struct pagectl_pin_describe, __reserved)
#define PAGECTL_WALK_SIZE_V1		offsetofend(struct pagectl_walk, vma)
#define PAGECTL_WALK_RANGE_SIZE_V1	offsetofend(struct pagectl_walk_range, next)
#define PAGECTL_WALK_REC_SIZE_V1	offsetofend(struct pagectl_walk_rec, swap_type)
#define PAGECTL_BUF_CREATE_SIZE_V1	offsetofend(struct pagectl_buf_create, __reserved)
#define PAGECTL_BUF_INFO_SIZE_V1	offsetofend(struct pagectl_buf_info, __reserved)
#define PAGECTL_HUGE_MAP_SIZE_V1	offsetofend(struct pagectl_huge_map, next)
#define PAGECTL_WATCH_SIZE_V1		offsetofend(struct pagectl_watch, __reserved)
#define PAGECTL_PIN_CHECK_SIZE_V1	offsetofend(struct pagectl_pin_check, __reserved)

/*
 * Symbol versions (libpagectl.map): @name is the default version, of node
 * @node, or @impl is the older version @node of @name.
 */
#define PAGECTL_VERSION_DEFAULT(name, node) \
	__asm__(".symver " #name ", " #name "@@@" #node)
#define PAGECTL_VERSION_OLD(impl, name, node) \
	__asm__(".symver " #impl ", " #name "@" #node)

struct pagectl {
	int fd;
};

/* ioctl() on @fd, retried on EINTR: >= 0, or -errno. */
int pagectl_fd_ioctl(int fd, unsigned long cmd, void *arg);

/* The same on the device file of @pc. */
int pagectl_ioctl(struct pagectl *pc, unsigned long cmd, void *arg);

/*
 * pagectl_ioctl() of a command that takes PAGECTL_WALK_PID: -ESRCH if
 * process @pid exited during the call, whose result may be another's (walk.c).
 */
int pagectl_walk_ioctl(struct pagectl *pc, unsigned long cmd,
		       void *arg, __u32 flags, __u32 pid);

/* The 0.1 entry points (compat.c): NAME@PAGECTL_0.1 for each NAME. */
int pagectl_get_info_0_1(struct pagectl *pc, struct pagectl_info *info);
int pagectl_pin_0_1(struct pagectl *pc, struct pagectl_pin *arg);
int pagectl_pin_describe_0_1(struct pagectl *pc, struct pagectl_pin_describe *arg);
int pagectl_walk_0_1(struct pagectl *pc, struct pagectl_walk *arg);
int pagectl_walk_range_0_1(struct pagectl *pc, struct pagectl_walk_range *arg);
int pagectl_buf_create_0_1(struct pagectl *pc, struct pagectl_buf_create *arg);
int pagectl_buf_info_0_1(int buf_fd, struct pagectl_buf_info *arg);

#endif /* _PAGECTL_LIB_INTERNAL_H */
