/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libpagectl: the C interface to /dev/pagectl.
 *
 * Every function returns a value >= 0 on success and a negative errno on
 * failure; errno itself is left as the failing call set it. Calls interrupted
 * by a signal are retried.
 *
 * The functions that take a command's struct take its size from the caller,
 * who declares it with PAGECTL_ARG(). A size smaller than the struct's first
 * version, 0 among them, is -EINVAL; the library never writes size.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_H
#define _PAGECTL_H

#include <stddef.h>

#include <pagectl/uapi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** PAGECTL_DEVICE - the default path of the device node */
#define PAGECTL_DEVICE "/dev/pagectl"

/**
 * PAGECTL_ARG() - declare a command's struct, zeroed, with its size set
 * @TYPE: the struct's tag without "struct", e.g. pagectl_pin
 * @NAME: the variable to declare
 * @...: designated initializers of the inputs, e.g. .addr = a, .length = n
 *
 * Example: PAGECTL_ARG(pagectl_pin, pin, .addr = (uintptr_t)p, .length = n);
 *
 * The functions that take a &struct pagectl_* hand the module the size the
 * caller set, sizeof() the struct this program was built with, so that the
 * module reads and writes exactly that much whichever struct the library and
 * the module know: structs grow at the end (docs/abi.md, section 1.2). The
 * fields not named are zero, as reserved fields and the inputs left out must
 * be; the structs have no implicit padding, so every byte is zeroed.
 */
#define PAGECTL_ARG(TYPE, NAME, ...)						\
	struct TYPE NAME = { .size = sizeof(struct TYPE), __VA_ARGS__ }

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
 * @info: in: size (PAGECTL_ARG()), flags (0); out: the rest
 *
 * Return: 0, or a negative errno: -EINVAL for a size smaller than the
 * struct's first version (0 among them).
 */
int pagectl_get_info(struct pagectl *pc, struct pagectl_info *info);

/**
 * pagectl_pin() - pin the pages of a range of the caller's memory
 * @pc: the handle
 * @arg: in: size (PAGECTL_ARG()), addr, length, flags (%PAGECTL_PIN_WRITE);
 *	out: handle, start, npages
 *
 * The pages stay pinned, and charged to RLIMIT_MEMLOCK, until pagectl_unpin()
 * or pagectl_close().
 *
 * Return: 0 or a negative errno (see &struct pagectl_pin); -EINVAL for a size
 * smaller than the struct's first version (0 among them).
 */
int pagectl_pin(struct pagectl *pc, struct pagectl_pin *arg);

/**
 * pagectl_unpin() - release a pin
 * @pc: the handle
 * @handle: the pin
 * @flags: %PAGECTL_UNPIN_DIRTY to mark the pages dirty
 *
 * Return: 0, or -ENOENT for an unknown handle.
 */
int pagectl_unpin(struct pagectl *pc, __u64 handle, __u32 flags);

/**
 * pagectl_pin_describe() - the frames or extents of a pin
 * @pc: the handle
 * @arg: in: size (PAGECTL_ARG()), handle, cursor, records, record_size,
 *	max_records, flags (%PAGECTL_DESCRIBE_EXTENTS); out: nr_records,
 *	next_cursor, npages, start, out_flags
 *
 * Return: the number of records written, or a negative errno; -EINVAL for a
 * size smaller than the struct's first version (0 among them).
 */
int pagectl_pin_describe(struct pagectl *pc, struct pagectl_pin_describe *arg);

/**
 * pagectl_timer_arm() - have the kernel count in pinned memory
 * @pc: the handle
 * @handle: a pin made with %PAGECTL_PIN_WRITE
 * @offset: byte offset of the 64-bit counter in the pin, a multiple of 8
 * @period_ns: the counter goes up by one every @period_ns
 *
 * Return: 0 or a negative errno (see &struct pagectl_timer).
 */
int pagectl_timer_arm(struct pagectl *pc, __u64 handle, __u64 offset,
		      __u64 period_ns);

/**
 * pagectl_timer_disarm() - stop a pin's counter timer
 * @pc: the handle
 * @handle: the pin
 * @ticks: if not NULL, the increments the timer made
 *
 * Return: 0 or a negative errno.
 */
int pagectl_timer_disarm(struct pagectl *pc, __u64 handle, __u64 *ticks);

/**
 * pagectl_walk() - explain one address: every page-table level, the page, the VMA
 * @pc: the handle
 * @arg: in: size (PAGECTL_ARG()), addr, flags (%PAGECTL_WALK_PID), pid;
 *	out: the rest
 *
 * With %PAGECTL_WALK_PID the library holds a pidfd of @arg->pid across the
 * call and returns -ESRCH if the process exited meanwhile, so a result never
 * describes a process that reused the pid.
 *
 * Return: 0 or a negative errno (see &struct pagectl_walk); -EINVAL for a
 * size smaller than the struct's first version (0 among them).
 */
int pagectl_walk(struct pagectl *pc, struct pagectl_walk *arg);

/**
 * pagectl_walk_range() - one record per non-empty page-table entry of a range
 * @pc: the handle
 * @arg: in: size (PAGECTL_ARG()), start, end, records,
 *	record_size (sizeof(struct pagectl_walk_rec)), max_records, flags
 *	(%PAGECTL_WALK_PID, %PAGECTL_WALK_PAGE_STATE), pid; out: nr_records,
 *	next, out_flags
 *
 * Call again with start = next until next reaches the end. The pid rule of
 * pagectl_walk() applies.
 *
 * Return: the number of records written, or a negative errno; -EINVAL for a
 * size smaller than the struct's first version (0 among them).
 */
int pagectl_walk_range(struct pagectl *pc, struct pagectl_walk_range *arg);

/**
 * pagectl_pin_check() - what a long-term pin of a range would meet, without
 *	pinning anything
 * @pc: the handle
 * @arg: in: size (PAGECTL_ARG()), flags (%PAGECTL_PIN_WRITE), addr, length,
 *	records, record_size (sizeof(struct pagectl_pin_range)), max_records;
 *	out: nr_records, next, npages, memlock_pages, locked_pages,
 *	pinned_pages, max_pin_pages
 *
 * Call again with addr = next until next reaches the range's page-aligned
 * end. Only the caller's own address space, as for pagectl_pin().
 *
 * Return: the number of records written, or a negative errno; -EINVAL for a
 * size smaller than the struct's first version (0 among them).
 */
int pagectl_pin_check(struct pagectl *pc, struct pagectl_pin_check *arg);

/**
 * pagectl_huge_map() - what backs each 2 MiB slot of a range, and why it is
 *	not one huge page
 * @pc: the handle
 * @arg: in: size (PAGECTL_ARG()), start, end, records, record_size
 *	(sizeof(struct pagectl_huge_slot)), max_records, flags
 *	(%PAGECTL_WALK_PID), pid; out: nr_records, next
 *
 * To the module's reasons the library adds what the process and the system
 * say about slots that are not huge: %PAGECTL_HUGE_PROCESS_DISABLED
 * (THP_enabled: 0 in /proc/PID/status), %PAGECTL_HUGE_SYSTEM_DISABLED and
 * %PAGECTL_HUGE_NOT_ADVISED (/sys/kernel/mm/transparent_hugepage: enabled,
 * hugepages-2048kB/enabled for anonymous memory, shmem_enabled for shmem).
 * Call again with start = next until next reaches the end. The pid rule of
 * pagectl_walk() applies.
 *
 * Return: the number of records written, or a negative errno; -EINVAL for a
 * size smaller than the struct's first version (0 among them).
 */
int pagectl_huge_map(struct pagectl *pc, struct pagectl_huge_map *arg);

/**
 * pagectl_watch() - get a descriptor that reports changes to a range as
 *	they happen
 * @pc: the handle
 * @arg: in: size (PAGECTL_ARG()), start, end, queue_len (0 for the
 *	default), flags (%PAGECTL_WALK_PID, %PAGECTL_WATCH_ENTRIES), pid,
 *	event_size (0: this library's sizeof(struct pagectl_watch_event),
 *	which pagectl_watch_read() reads); out: fd
 *
 * Read the events with pagectl_watch_read() or read(2); poll(2) the
 * descriptor for POLLIN, and POLLHUP once the address space has exited.
 * The watch lives while its descriptor (close-on-exec) does, even after
 * pagectl_close(). The pid rule of pagectl_walk() applies: a watch of a
 * process that exited during the call is closed again, and -ESRCH returned.
 *
 * Return: the watch's descriptor, or a negative errno (see &struct
 * pagectl_watch); -EINVAL for a size smaller than the struct's first
 * version (0 among them).
 */
int pagectl_watch(struct pagectl *pc, struct pagectl_watch *arg);

/**
 * pagectl_watch_read() - take events from a watch
 * @watch_fd: a descriptor from pagectl_watch()
 * @ev: room for @n events
 * @n: at least 1
 *
 * Waits for an event unless @watch_fd is non-blocking (O_NONBLOCK), then
 * returns the events queued, up to @n, oldest first.
 *
 * Return: the number of events, 0 once the address space has exited and
 * every event is read, or a negative errno: -EAGAIN (non-blocking, none
 * queued), -EINVAL (@n is 0), -EFAULT, -EBADF.
 */
int pagectl_watch_read(int watch_fd, struct pagectl_watch_event *ev, size_t n);

/**
 * pagectl_buf_create() - allocate a kernel buffer and get a descriptor for it
 * @pc: the handle
 * @arg: in: size (PAGECTL_ARG()), length, node (or %PAGECTL_NODE_LOCAL),
 *	flags (%PAGECTL_BUF_*); out: fd, alloc_length, id
 *
 * The buffer lives while its descriptor (close-on-exec) or a mapping of it
 * exists, even after pagectl_close().
 *
 * Return: the buffer's descriptor, or a negative errno (see &struct
 * pagectl_buf_create); -EINVAL for a size smaller than the struct's first
 * version (0 among them).
 */
int pagectl_buf_create(struct pagectl *pc, struct pagectl_buf_create *arg);

/**
 * pagectl_buf_map() - map a buffer, shared
 * @buf_fd: the buffer's descriptor
 * @offset: byte offset in the buffer, a multiple of the page size
 * @length: bytes to map
 * @prot: PROT_READ, optionally with PROT_WRITE
 * @addr: on success, the address of the mapping; unmap it with munmap(2)
 *
 * Return: 0 or a negative errno from mmap(2).
 */
int pagectl_buf_map(int buf_fd, __u64 offset, size_t length, int prot, void **addr);

/**
 * pagectl_buf_info() - a buffer's length, node, mappings and frames
 * @buf_fd: the buffer's descriptor
 * @arg: in: size (PAGECTL_ARG()), cursor, records, record_size, max_records,
 *	flags (%PAGECTL_DESCRIBE_EXTENTS); out: the rest
 *
 * Return: the number of records written, or a negative errno; -EINVAL for a
 * size smaller than the struct's first version (0 among them).
 */
int pagectl_buf_info(int buf_fd, struct pagectl_buf_info *arg);

/**
 * pagectl_buf_fill() - have the kernel write a pattern into a buffer
 * @buf_fd: the buffer's descriptor
 * @offset: byte offset, a multiple of 8
 * @length: bytes, a multiple of 8, not 0
 * @pattern: the 64-bit word to store
 * @flags: %PAGECTL_FILL_INDEX to store @pattern plus the word's index
 *
 * Return: 0 or a negative errno.
 */
int pagectl_buf_fill(int buf_fd, __u64 offset, __u64 length, __u64 pattern,
		     __u32 flags);

/**
 * pagectl_buf_timer_arm() - have the kernel count in a buffer
 * @pc: the handle whose file owns the timer
 * @buf_fd: the buffer's descriptor
 * @offset: byte offset of the 64-bit counter, a multiple of 8
 * @period_ns: the counter goes up by one every @period_ns
 *
 * Return: 0 or a negative errno (see &struct pagectl_timer).
 */
int pagectl_buf_timer_arm(struct pagectl *pc, int buf_fd, __u64 offset,
			  __u64 period_ns);

/**
 * pagectl_buf_timer_disarm() - stop a buffer's counter timer
 * @pc: the handle that armed it
 * @buf_fd: the buffer's descriptor
 * @ticks: if not NULL, the increments the timer made
 *
 * Return: 0 or a negative errno.
 */
int pagectl_buf_timer_disarm(struct pagectl *pc, int buf_fd, __u64 *ticks);

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
