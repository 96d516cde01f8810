/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pagectl: see and control how user memory is backed.
 *
 * Every ioctl of /dev/pagectl takes a pointer to a struct that starts with
 * "__u32 size; __u32 flags;". The caller sets size to sizeof() the struct it
 * was built with, so the ABI can grow at the end: the kernel accepts a size
 * between the first version of the struct and its own, and a longer size if
 * the bytes it does not know are zero. Output fields are written back up to
 * the smaller of the two sizes.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _UAPI_LINUX_PAGECTL_H
#define _UAPI_LINUX_PAGECTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

/** PAGECTL_ABI_VERSION - bumped only for an incompatible change (never so far) */
#define PAGECTL_ABI_VERSION	1

/** PAGECTL_TYPE - ioctl type byte of /dev/pagectl */
#define PAGECTL_TYPE		0xBA

/*
 * Command numbers. The full set is reserved now (see docs/abi.md); a command
 * this kernel does not implement fails with ENOTTY, and GET_INFO's features
 * say which ones it has.
 */
#define PAGECTL_CMD_BASE	0x80
#define PAGECTL_CMD_GET_INFO	0x80
#define PAGECTL_CMD_PIN		0x81
#define PAGECTL_CMD_UNPIN	0x82
#define PAGECTL_CMD_PIN_DESCRIBE 0x83
#define PAGECTL_CMD_WALK	0x84
#define PAGECTL_CMD_WALK_RANGE	0x85
#define PAGECTL_CMD_BUF_CREATE	0x86
#define PAGECTL_CMD_TIMER	0x87

/**
 * DOC: errors common to every command
 *
 * - %ENOTTY: unknown command.
 * - %EFAULT: the argument pointer (or a pointer inside it) is not readable or
 *   writable user memory.
 * - %EINVAL: size is smaller than the first version of the struct, or a
 *   reserved field is not zero.
 * - %E2BIG: size is larger than the kernel's struct and the extra bytes are
 *   not all zero (the caller asks for something this kernel does not know).
 * - %EOPNOTSUPP: a flag this kernel does not know is set.
 */

/**
 * enum pagectl_feature - bits of &pagectl_info.features
 * @PAGECTL_FEATURE_INFO: GET_INFO (always set)
 * @PAGECTL_FEATURE_PIN: PIN, UNPIN and PIN_DESCRIBE
 * @PAGECTL_FEATURE_WALK: WALK and WALK_RANGE
 * @PAGECTL_FEATURE_BUF: BUF_CREATE and buffer file descriptors
 * @PAGECTL_FEATURE_TIMER: TIMER (kernel writes into pinned or buffer memory)
 *
 * Only the values are ABI; the enum itself is never part of a struct.
 */
enum pagectl_feature {
	PAGECTL_FEATURE_INFO	= 1 << 0,
	PAGECTL_FEATURE_PIN	= 1 << 1,
	PAGECTL_FEATURE_WALK	= 1 << 2,
	PAGECTL_FEATURE_BUF	= 1 << 3,
	PAGECTL_FEATURE_TIMER	= 1 << 4
};

/**
 * struct pagectl_info - what this module is and can do (PAGECTL_GET_INFO)
 * @size: sizeof(struct pagectl_info)
 * @flags: must be 0
 * @abi_version: out: %PAGECTL_ABI_VERSION of the module
 * @page_size: out: the kernel's base page size in bytes
 * @features: out: &enum pagectl_feature bits of the commands implemented
 * @max_pin_pages: out: pages one open file may hold pinned, 0 without PIN
 * @max_buf_bytes: out: bytes of kernel buffers one open file may hold,
 *	0 without BUF
 * @max_walk_records: out: records one WALK_RANGE call returns at most,
 *	0 without WALK
 * @__reserved: must be 0
 * @version: out: the module version, a NUL-terminated string
 */
struct pagectl_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 page_size;
	__aligned_u64 features;
	__aligned_u64 max_pin_pages;
	__aligned_u64 max_buf_bytes;
	__u32 max_walk_records;
	__u32 __reserved;
	char version[32];
};

/** PAGECTL_GET_INFO - fill &struct pagectl_info */
#define PAGECTL_GET_INFO	_IO(PAGECTL_TYPE, PAGECTL_CMD_GET_INFO)

#endif /* _UAPI_LINUX_PAGECTL_H */
