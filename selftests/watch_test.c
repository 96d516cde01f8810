// SPDX-License-Identifier: GPL-2.0-only
/*
 * WATCH: each event made by the action that causes it, arriving once, in
 * order, with the range acted on; the bounded queue and its lost count; the
 * descriptor's read and poll; every bad argument; and a watch closed while
 * events are delivered.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/mempolicy.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "walk_util.h"

#define NPAGES		32
#define MAX_QUEUE	"/sys/module/pagectl/parameters/max_watch_queue"
#define MAX_WATCHES	"/sys/module/pagectl/parameters/max_watches_per_file"
#define NUMA_BALANCING	"/proc/sys/kernel/numa_balancing"

/* WATCH with @flags and @event_size; the fd or -errno. */
static int watch_arg(int fd, __u64 start, __u64 end, pid_t pid, __u32 queue_len,
		     __u32 flags, __u32 event_size)
{
	struct pagectl_watch w = {
		.size = sizeof(w),
		.flags = flags | (pid ? PAGECTL_WALK_PID : 0),
		.start = start,
		.end = end,
		.pid = pid,
		.queue_len = queue_len,
		.event_size = event_size,
	};

	if (ioctl(fd, PAGECTL_WATCH, &w))
		return -errno;
	return w.fd;
}

/* WATCH of [@start, @end) of process @pid (0: the file's); the fd or -errno. */
static int watch_pid(int fd, __u64 start, __u64 end, pid_t pid, __u32 queue_len)
{
	return watch_arg(fd, start, end, pid, queue_len, 0,
			 sizeof(struct pagectl_watch_event));
}

static int watch(int fd, const void *start, size_t len, __u32 queue_len)
{
	return watch_pid(fd, uaddr(start), uaddr(start) + len, 0, queue_len);
}

/* A watch whose events carry the entry at their start, before and after. */
static int watch_entries(int fd, const void *start, size_t len)
{
	return watch_arg(fd, uaddr(start), uaddr(start) + len, 0, 0,
			 PAGECTL_WATCH_ENTRIES, sizeof(struct pagectl_watch_event));
}

/* The next event, without waiting: 1, 0 when none is queued, or -errno. */
static int next_event(int wfd, struct pagectl_watch_event *ev)
{
	struct pollfd p = { .fd = wfd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, 0) < 0)
		return -errno;
	if (!(p.revents & POLLIN))
		return 0;
	n = read(wfd, ev, sizeof(*ev));
	if (n < 0)
		return -errno;
	return n == sizeof(*ev) ? 1 : -EIO;
}

/* Private anonymous small pages at a 2 MiB boundary, all written. */
static __u8 *map_touched(size_t npages)
{
	__u8 *p = map_aligned(npages * PAGE_SZ, HPAGE_SZ, PROT_READ | PROT_WRITE);
	size_t i;

	if (!p)
		return NULL;
	madvise(p, npages * PAGE_SZ, MADV_NOHUGEPAGE);
	for (i = 0; i < npages; i++)
		p[i * PAGE_SZ] = (__u8)(i + 1);
	return p;
}

static __u64 param(const char *path)
{
	char buf[32];

	if (read_file(path, buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 10);
}

static long slab_kb(void)
{
	return proc_field("/proc/meminfo", "Slab");
}

FIXTURE(watch) {
	int fd;
	int swap;
	__u8 *buf;
	int wfd;
	char numa_balancing[16];
};

FIXTURE_SETUP(watch)
{
	char why[128];

	self->swap = -1;
	self->wfd = -1;
	self->buf = NULL;
	self->numa_balancing[0] = '\0';
	self->fd = device_open(PAGECTL_FEATURE_WATCH, NULL, why, sizeof(why));
	if (self->fd < 0)
		SETUP_SKIP("%s", why);
	/* NUMA balancing changes protections of its own: only the test's count. */
	if (read_file(NUMA_BALANCING, self->numa_balancing,
		      sizeof(self->numa_balancing)))
		self->numa_balancing[0] = '\0';
	else
		write_file(NUMA_BALANCING, "0");
	self->buf = map_touched(NPAGES);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(watch)
{
	if (self->wfd >= 0)
		close(self->wfd);
	if (self->buf)
		munmap(self->buf, NPAGES * PAGE_SZ);
	if (self->fd >= 0)
		close(self->fd);
	if (self->swap >= 0)
		swap_off(self->swap);
	if (self->numa_balancing[0])
		write_file(NUMA_BALANCING, self->numa_balancing);
}

/* The event that must come next: its kind, range and number. */
#define EXPECT_EVENT(_wfd, _kind, _start, _end, _seq) do {		\
	struct pagectl_watch_event __ev;				\
									\
	ASSERT_EQ(1, next_event(_wfd, &__ev));				\
	EXPECT_EQ(_kind, __ev.event);					\
	EXPECT_EQ(uaddr(_start), __ev.start);				\
	EXPECT_EQ(uaddr(_end), __ev.end);				\
	EXPECT_EQ(_seq, __ev.seq);					\
	EXPECT_EQ(0, __ev.lost);					\
	EXPECT_EQ(0, __ev.flags);					\
} while (0)

#define EXPECT_NO_EVENT(_wfd) do {					\
	struct pagectl_watch_event __ev;				\
									\
	ASSERT_EQ(0, next_event(_wfd, &__ev));				\
} while (0)

TEST_F(watch, munmap_reports_unmap_clipped_and_rounded)
{
	__u8 *b = self->buf;

	/* A watch of pages 8 to 24, named by unaligned addresses. */
	self->wfd = watch_pid(self->fd, uaddr(b + 8 * PAGE_SZ + 100),
			      uaddr(b + 24 * PAGE_SZ - 5), 0, 0);
	ASSERT_LE(0, self->wfd);
	EXPECT_NO_EVENT(self->wfd);

	/* An unmap across its start reports the part inside, once. */
	ASSERT_EQ(0, munmap(b + 4 * PAGE_SZ, 8 * PAGE_SZ));
	EXPECT_EVENT(self->wfd, PAGECTL_WATCH_UNMAP, b + 8 * PAGE_SZ, b + 12 * PAGE_SZ, 1);
	EXPECT_NO_EVENT(self->wfd);

	/* An unmap outside it reports nothing; one inside, itself. */
	ASSERT_EQ(0, munmap(b + 26 * PAGE_SZ, PAGE_SZ));
	EXPECT_NO_EVENT(self->wfd);
	ASSERT_EQ(0, munmap(b + 16 * PAGE_SZ, 2 * PAGE_SZ));
	EXPECT_EVENT(self->wfd, PAGECTL_WATCH_UNMAP, b + 16 * PAGE_SZ, b + 18 * PAGE_SZ, 2);
	EXPECT_NO_EVENT(self->wfd);
}

TEST_F(watch, mprotect_reports_protection_in_order)
{
	__u8 *b = self->buf;

	self->wfd = watch(self->fd, b, NPAGES * PAGE_SZ, 0);
	ASSERT_LE(0, self->wfd);

	ASSERT_EQ(0, mprotect(b + 2 * PAGE_SZ, 4 * PAGE_SZ, PROT_READ));
	ASSERT_EQ(0, mprotect(b + 2 * PAGE_SZ, 4 * PAGE_SZ, PROT_READ | PROT_WRITE));
	ASSERT_EQ(0, mprotect(b + 10 * PAGE_SZ, PAGE_SZ, PROT_NONE));
	EXPECT_EVENT(self->wfd, PAGECTL_WATCH_PROTECTION, b + 2 * PAGE_SZ, b + 6 * PAGE_SZ, 1);
	EXPECT_EVENT(self->wfd, PAGECTL_WATCH_PROTECTION, b + 2 * PAGE_SZ, b + 6 * PAGE_SZ, 2);
	EXPECT_EVENT(self->wfd, PAGECTL_WATCH_PROTECTION, b + 10 * PAGE_SZ, b + 11 * PAGE_SZ, 3);
	EXPECT_NO_EVENT(self->wfd);
}

TEST_F(watch, fork_then_write_reports_protection_then_clear)
{
	__u8 *b = self->buf;
	int go[2];
	char c;
	pid_t pid;

	self->wfd = watch(self->fd, b, NPAGES * PAGE_SZ, 0);
	ASSERT_LE(0, self->wfd);
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Keeps the pages shared until the parent has written. */
		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 1);
	}
	close(go[0]);

	/* fork() write-protects the parent's private pages, all of them. */
	EXPECT_EVENT(self->wfd, PAGECTL_WATCH_PROTECTION, b, b + NPAGES * PAGE_SZ, 1);
	EXPECT_NO_EVENT(self->wfd);
	/* The write breaks copy-on-write of its page, and only that. */
	b[3 * PAGE_SZ] = 42;
	EXPECT_EVENT(self->wfd, PAGECTL_WATCH_CLEAR, b + 3 * PAGE_SZ, b + 4 * PAGE_SZ, 2);
	EXPECT_NO_EVENT(self->wfd);

	ASSERT_EQ(1, write(go[1], "x", 1));
	close(go[1]);
	ASSERT_EQ(0, wait_exit(pid));
	/* The child's exit is its own address space's. */
	EXPECT_NO_EVENT(self->wfd);
}

/* Each page of [@first, @first + @n) cleared exactly once, and nothing else. */
static void expect_each_page_cleared(struct __test_metadata *_metadata, int wfd,
				     __u8 *first, size_t n)
{
	struct pagectl_watch_event ev;
	int seen[NPAGES] = { 0 };
	__u64 seq = 0;
	size_t i;

	while (next_event(wfd, &ev) == 1) {
		ASSERT_EQ(PAGECTL_WATCH_CLEAR, ev.event);
		ASSERT_EQ(0, ev.lost);
		ASSERT_LT(seq, ev.seq);
		seq = ev.seq;
		ASSERT_LE(uaddr(first), ev.start);
		ASSERT_GE(uaddr(first + n * PAGE_SZ), ev.end);
		ASSERT_EQ(PAGE_SZ, ev.end - ev.start);
		seen[(ev.start - uaddr(first)) / PAGE_SZ]++;
	}
	for (i = 0; i < n; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("page %zu", i);
}

TEST_F(watch, pageout_reports_clear_per_page)
{
	__u8 *b = self->buf;
	char why[128];

	self->swap = swap_on_zram(why, sizeof(why));
	if (self->swap < 0)
		SKIP(return, "%s", why);
	self->wfd = watch(self->fd, b, NPAGES * PAGE_SZ, 0);
	ASSERT_LE(0, self->wfd);

	/* Swap-out unmaps each page of the range once. */
	ASSERT_TRUE(page_out(b + 4 * PAGE_SZ, 4 * PAGE_SZ));
	expect_each_page_cleared(_metadata, self->wfd, b + 4 * PAGE_SZ, 4);
}

TEST_F(watch, move_pages_reports_clear_per_page)
{
	__u8 *b = self->buf;
	void *pages[4];
	int nodes[4], status[4], i;

	if (access("/sys/devices/system/node/node1", F_OK))
		SKIP(return, "one NUMA node: move_pages(2) has nowhere to migrate to");
	for (i = 0; i < 4; i++) {
		pages[i] = b + (4 + i) * PAGE_SZ;
		nodes[i] = page_node(pages[i]);
		ASSERT_LE(0, nodes[i]);
		nodes[i] = !nodes[i];
	}
	self->wfd = watch(self->fd, b, NPAGES * PAGE_SZ, 0);
	ASSERT_LE(0, self->wfd);

	/* Migration to the other node replaces each page's entry once. */
	ASSERT_EQ(0, syscall(SYS_move_pages, 0, 4UL, pages, nodes, status, MPOL_MF_MOVE));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(nodes[i], status[i]);
	expect_each_page_cleared(_metadata, self->wfd, b + 4 * PAGE_SZ, 4);
}

TEST_F(watch, clear_refs_reports_soft_dirty_over_the_range)
{
	__u8 *b = self->buf;
	int ret;

	self->wfd = watch(self->fd, b + PAGE_SZ, 8 * PAGE_SZ, 0);
	ASSERT_LE(0, self->wfd);

	/* The kernel clears soft-dirty bits of the whole space: clipped. */
	ret = write_file("/proc/self/clear_refs", "4");
	if (ret == EINVAL)
		SKIP(return, "no soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY)");
	ASSERT_EQ(0, ret);
	EXPECT_EVENT(self->wfd, PAGECTL_WATCH_SOFT_DIRTY, b + PAGE_SZ, b + 9 * PAGE_SZ, 1);
	EXPECT_NO_EVENT(self->wfd);
}

/* A child with NPAGES written pages at *@addr; it exits when @ctl closes. */
static pid_t child_start(__u64 *addr, int *ctl)
{
	int up[2], down[2];
	pid_t pid;
	char c;

	if (pipe(up) || pipe(down))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		__u8 *p = map_touched(NPAGES);
		__u64 a = uaddr(p);

		close(up[0]);
		close(down[1]);
		if (!p || write(up[1], &a, sizeof(a)) != sizeof(a))
			_exit(1);
		_exit(read(down[0], &c, 1) == 0 ? 0 : 1);
	}
	close(up[1]);
	close(down[0]);
	*ctl = down[1];
	if (read(up[0], addr, sizeof(*addr)) != sizeof(*addr))
		*addr = 0;
	close(up[0]);
	return pid;
}

TEST_F(watch, exit_of_target_reports_release_then_hup)
{
	struct pagectl_watch_event ev;
	struct pollfd p;
	__u64 addr;
	int ctl;
	pid_t pid;

	pid = child_start(&addr, &ctl);
	ASSERT_LT(0, pid);
	ASSERT_NE(0, addr);
	self->wfd = watch_pid(self->fd, addr, addr + NPAGES * PAGE_SZ, pid, 0);
	ASSERT_LE(0, self->wfd);
	p = (struct pollfd){ .fd = self->wfd, .events = POLLIN };
	ASSERT_EQ(0, poll(&p, 1, 0));

	/* The target's exit is one RELEASE over the watched range, the last. */
	close(ctl);
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_EQ(1, next_event(self->wfd, &ev));
	EXPECT_EQ(PAGECTL_WATCH_RELEASE, ev.event);
	EXPECT_EQ(addr, ev.start);
	EXPECT_EQ(addr + NPAGES * PAGE_SZ, ev.end);
	EXPECT_EQ(1, ev.seq);
	EXPECT_EQ(0, ev.lost);

	/* The watch outlives the target: hung up, read gives end of file. */
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLHUP, p.revents);
	EXPECT_EQ(0, read(self->wfd, &ev, sizeof(ev)));
	/* A pid that has exited cannot be watched. */
	EXPECT_EQ(-ESRCH, watch_pid(self->fd, addr, addr + PAGE_SZ, pid, 0));
}

/* 100000 mprotect() calls take minutes on a debug kernel under emulation. */
TEST_F_TIMEOUT(watch, full_queue_counts_lost_and_never_grows, 600)
{
	__u8 *b = self->buf;
	struct pagectl_watch_event ev[8];
	const int rounds = 100000;
	long before, after, unwatched;
	int i;

	/*
	 * The same work unwatched first: what the kernel's slab does anyway
	 * (KASAN's quarantine alone keeps tens of MB of freed VMAs), against
	 * which the watch must add nothing.
	 */
	before = slab_kb();
	for (i = 0; i < rounds; i++)
		ASSERT_EQ(0, mprotect(b, PAGE_SZ, i & 1 ? PROT_READ | PROT_WRITE : PROT_READ));
	unwatched = slab_kb() - before;

	self->wfd = watch(self->fd, b, NPAGES * PAGE_SZ, 8);
	ASSERT_LE(0, self->wfd);

	/* A watcher that never reads keeps 8 events and counts the rest. */
	before = slab_kb();
	for (i = 0; i < rounds; i++)
		ASSERT_EQ(0, mprotect(b, PAGE_SZ, i & 1 ? PROT_READ | PROT_WRITE : PROT_READ));
	after = slab_kb();
	ASSERT_EQ(8, read(self->wfd, ev, sizeof(ev)) / (ssize_t)sizeof(ev[0]));
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(i + 1, ev[i].seq);
		EXPECT_EQ(0, ev[i].lost);
		EXPECT_EQ(PAGECTL_WATCH_PROTECTION, ev[i].event);
	}
	/* The next event queued carries the count, and its number says it too. */
	ASSERT_EQ(0, mprotect(b, PAGE_SZ, PROT_READ));
	ASSERT_EQ(1, next_event(self->wfd, &ev[0]));
	EXPECT_EQ(ev[0].seq - 9, ev[0].lost);
	EXPECT_EQ(rounds + 1, ev[0].seq);
	EXPECT_EQ(rounds - 8, ev[0].lost);
	EXPECT_NO_EVENT(self->wfd);
	/* 100000 queued events would be 4 MB of kernel memory. */
	EXPECT_GT(1024, after - before - unwatched)
		TH_LOG("Slab grew by %ld kB watched, %ld kB unwatched", after - before,
		       unwatched);
}

static void *mprotect_later(void *arg)
{
	msleep(100);
	mprotect(arg, PAGE_SZ, PROT_READ);
	return NULL;
}

TEST_F(watch, read_rules_and_blocking_read)
{
	struct pagectl_watch_event ev[2];
	pthread_t t;
	int flags;

	self->wfd = watch(self->fd, self->buf, NPAGES * PAGE_SZ, 0);
	ASSERT_LE(0, self->wfd);

	/* A buffer shorter than an event; nothing queued without blocking. */
	ASSERT_EQ(-1, read(self->wfd, ev, sizeof(ev[0]) - 1));
	EXPECT_EQ(EINVAL, errno);
	flags = fcntl(self->wfd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->wfd, F_SETFL, flags | O_NONBLOCK));
	ASSERT_EQ(-1, read(self->wfd, ev, sizeof(ev)));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(self->wfd, F_SETFL, flags));

	/* A blocking read waits for the event, and returns it alone. */
	ASSERT_EQ(0, pthread_create(&t, NULL, mprotect_later, self->buf));
	ASSERT_EQ(sizeof(ev[0]), read(self->wfd, ev, sizeof(ev)));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(PAGECTL_WATCH_PROTECTION, ev[0].event);
	EXPECT_EQ(uaddr(self->buf), ev[0].start);
	EXPECT_EQ(1, ev[0].seq);

	/* Room for several: they come together, oldest first. */
	mprotect(self->buf, PAGE_SZ, PROT_READ | PROT_WRITE);
	mprotect(self->buf + PAGE_SZ, PAGE_SZ, PROT_READ);
	ASSERT_EQ(sizeof(ev), read(self->wfd, ev, sizeof(ev)));
	EXPECT_EQ(2, ev[0].seq);
	EXPECT_EQ(3, ev[1].seq);
	EXPECT_EQ(uaddr(self->buf + PAGE_SZ), ev[1].start);
}

/* The event that must come next, and the entry at its start before and after. */
#define EXPECT_ENTRIES(_wfd, _kind, _start, _bkind, _akind, _ev) do {	\
	struct pagectl_watch_event *__e = (_ev);			\
									\
	ASSERT_EQ(1, next_event(_wfd, __e));				\
	EXPECT_EQ(_kind, __e->event);					\
	EXPECT_EQ(uaddr(_start), __e->start);				\
	EXPECT_EQ(_bkind, __e->before_kind);				\
	EXPECT_EQ(_akind, __e->after_kind);				\
} while (0)

TEST_F(watch, entries_show_protection_and_unmap)
{
	struct pagectl_watch_event ev;
	__u8 *b = self->buf;

	self->wfd = watch_entries(self->fd, b, NPAGES * PAGE_SZ);
	ASSERT_LE(0, self->wfd);

	/* mprotect(PROT_READ): a writable present PTE, then a read-only one. */
	ASSERT_EQ(0, mprotect(b + 2 * PAGE_SZ, PAGE_SZ, PROT_READ));
	EXPECT_ENTRIES(self->wfd, PAGECTL_WATCH_PROTECTION, b + 2 * PAGE_SZ,
		       PAGECTL_ENTRY_LEAF, PAGECTL_ENTRY_LEAF, &ev);
	EXPECT_EQ(PAGECTL_LEVEL_PTE, ev.before_level);
	EXPECT_EQ(PAGECTL_LEVEL_PTE, ev.after_level);
	EXPECT_TRUE(ev.before_bits & PAGECTL_PTE_WRITE);
	EXPECT_FALSE(ev.after_bits & PAGECTL_PTE_WRITE);
	EXPECT_TRUE(ev.after_bits & PAGECTL_PTE_PRESENT);

	/* munmap(): the PTE, then no VMA at all. */
	ASSERT_EQ(0, munmap(b + 5 * PAGE_SZ, PAGE_SZ));
	EXPECT_ENTRIES(self->wfd, PAGECTL_WATCH_UNMAP, b + 5 * PAGE_SZ,
		       PAGECTL_ENTRY_LEAF, PAGECTL_ENTRY_NOT_WALKED, &ev);

	/* MADV_DONTNEED clears the PTE, in the same VMA. */
	ASSERT_EQ(0, madvise(b + 7 * PAGE_SZ, PAGE_SZ, MADV_DONTNEED));
	EXPECT_ENTRIES(self->wfd, PAGECTL_WATCH_CLEAR, b + 7 * PAGE_SZ,
		       PAGECTL_ENTRY_LEAF, PAGECTL_ENTRY_NONE, &ev);
	EXPECT_EQ(PAGECTL_LEVEL_PTE, ev.after_level);
	EXPECT_NO_EVENT(self->wfd);
}

TEST_F(watch, entries_show_copy_on_write)
{
	struct pagectl_watch_event ev;
	__u8 *b = self->buf;
	int go[2];
	char c;
	pid_t pid;

	self->wfd = watch_entries(self->fd, b, NPAGES * PAGE_SZ);
	ASSERT_LE(0, self->wfd);
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 1);
	}
	close(go[0]);

	/* fork() write-protected the page; the write copies it, writable. */
	EXPECT_ENTRIES(self->wfd, PAGECTL_WATCH_PROTECTION, b,
		       PAGECTL_ENTRY_LEAF, PAGECTL_ENTRY_LEAF, &ev);
	EXPECT_TRUE(ev.before_bits & PAGECTL_PTE_WRITE);
	EXPECT_FALSE(ev.after_bits & PAGECTL_PTE_WRITE);
	b[0] = 42;
	EXPECT_ENTRIES(self->wfd, PAGECTL_WATCH_CLEAR, b,
		       PAGECTL_ENTRY_LEAF, PAGECTL_ENTRY_LEAF, &ev);
	EXPECT_FALSE(ev.before_bits & PAGECTL_PTE_WRITE);
	EXPECT_TRUE(ev.after_bits & PAGECTL_PTE_WRITE);

	ASSERT_EQ(1, write(go[1], "x", 1));
	close(go[1]);
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(watch, entries_show_swap_out)
{
	struct pagectl_watch_event ev;
	__u8 *b = self->buf;
	char why[128];

	self->swap = swap_on_zram(why, sizeof(why));
	if (self->swap < 0)
		SKIP(return, "%s", why);
	self->wfd = watch_entries(self->fd, b, NPAGES * PAGE_SZ);
	ASSERT_LE(0, self->wfd);
	ASSERT_TRUE(page_out(b + 4 * PAGE_SZ, PAGE_SZ));
	EXPECT_ENTRIES(self->wfd, PAGECTL_WATCH_CLEAR, b + 4 * PAGE_SZ,
		       PAGECTL_ENTRY_LEAF, PAGECTL_ENTRY_SWAP, &ev);
	EXPECT_EQ(PAGECTL_LEVEL_PTE, ev.after_level);
}

TEST_F(watch, entries_end_with_the_address_space)
{
	struct pagectl_watch_event ev;
	int go[2], wfd;
	__u8 *p;
	char c;
	pid_t pid;

	/* A child's page, watched by pid, then the child exits. */
	ASSERT_EQ(0, pipe(go));
	p = map_touched(1);
	ASSERT_NE(NULL, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Exits when the parent closes the pipe. */
		close(go[1]);
		_exit(read(go[0], &c, 1) == 0 ? 0 : 1);
	}
	close(go[0]);
	wfd = watch_arg(self->fd, uaddr(p), uaddr(p) + PAGE_SZ, pid, 0,
			PAGECTL_WATCH_ENTRIES, sizeof(ev));
	ASSERT_LE(0, wfd);
	close(go[1]);
	ASSERT_EQ(0, wait_exit(pid));
	/* Present when the watch began; nothing once the process is gone. */
	ASSERT_EQ(sizeof(ev), read(wfd, &ev, sizeof(ev)));
	EXPECT_EQ(PAGECTL_WATCH_RELEASE, ev.event);
	EXPECT_EQ(PAGECTL_ENTRY_LEAF, ev.before_kind);
	EXPECT_EQ(PAGECTL_ENTRY_NOT_WALKED, ev.after_kind);
	close(wfd);
	munmap(p, PAGE_SZ);
}

TEST_F(watch, first_version_events_without_entries)
{
	const size_t v1 = offsetof(struct pagectl_watch_event, before_kind);
	__u8 ev[2 * sizeof(struct pagectl_watch_event)];
	struct pagectl_watch_event e = { 0 };

	/* event_size 0: a caller built before the entries gets 40 bytes. */
	ASSERT_EQ(40, v1);
	self->wfd = watch_arg(self->fd, uaddr(self->buf),
			      uaddr(self->buf) + NPAGES * PAGE_SZ, 0, 0, 0, 0);
	ASSERT_LE(0, self->wfd);
	ASSERT_EQ(0, mprotect(self->buf, PAGE_SZ, PROT_READ));
	ASSERT_EQ(0, mprotect(self->buf + PAGE_SZ, PAGE_SZ, PROT_READ));
	ASSERT_EQ(-1, read(self->wfd, ev, v1 - 1));
	EXPECT_EQ(EINVAL, errno);
	/* Whole events of 40 bytes: one fits in 79. */
	ASSERT_EQ(v1, read(self->wfd, ev, 2 * v1 - 1));
	memcpy(&e, ev, v1);
	EXPECT_EQ(PAGECTL_WATCH_PROTECTION, e.event);
	EXPECT_EQ(1, e.seq);
	ASSERT_EQ(v1, read(self->wfd, ev, sizeof(ev)));
	memcpy(&e, ev, v1);
	EXPECT_EQ(2, e.seq);

	/* A larger size than the module's: its tail is zeroed. */
	close(self->wfd);
	self->wfd = watch_arg(self->fd, uaddr(self->buf),
			      uaddr(self->buf) + NPAGES * PAGE_SZ, 0, 0,
			      PAGECTL_WATCH_ENTRIES, sizeof(e) + 8);
	ASSERT_LE(0, self->wfd);
	memset(ev, 0xaa, sizeof(ev));
	ASSERT_EQ(0, mprotect(self->buf, PAGE_SZ, PROT_READ | PROT_WRITE));
	ASSERT_EQ(sizeof(e) + 8, read(self->wfd, ev, sizeof(e) + 8));
	EXPECT_EQ(0, ev[sizeof(e)]);
	EXPECT_EQ(0, ev[sizeof(e) + 7]);
	EXPECT_EQ(0xaa, ev[sizeof(e) + 8]);
}

TEST_F(watch, bad_arguments)
{
	__u64 a = uaddr(self->buf), max_queue = param(MAX_QUEUE);
	pid_t pid;
	int ret;

	/* An empty range, before and after rounding. */
	EXPECT_EQ(-EINVAL, watch_pid(self->fd, a, a, 0, 0));
	EXPECT_EQ(-EINVAL, watch_pid(self->fd, a + PAGE_SZ, a, 0, 0));
	/* A queue above the module's cap; the cap itself is fine. */
	ASSERT_LT(0, max_queue);
	EXPECT_EQ(-EINVAL, watch_pid(self->fd, a, a + PAGE_SZ, 0, max_queue + 1));
	ret = watch_pid(self->fd, a, a + PAGE_SZ, 0, max_queue);
	ASSERT_LE(0, ret);
	close(ret);
	/* The pid rules of WALK. */
	{
		struct pagectl_watch w = { .size = sizeof(w), .start = a, .end = a + PAGE_SZ,
					   .pid = getpid() };

		ASSERT_EQ(-1, ioctl(self->fd, PAGECTL_WATCH, &w));
		EXPECT_EQ(EINVAL, errno);
		w.flags = PAGECTL_WALK_PID;
		w.pid = 0;
		ASSERT_EQ(-1, ioctl(self->fd, PAGECTL_WATCH, &w));
		EXPECT_EQ(EINVAL, errno);
	}
	/* Event sizes: below the first version, above a page, too small for entries. */
	EXPECT_EQ(-EINVAL, watch_arg(self->fd, a, a + PAGE_SZ, 0, 0, 0, 39));
	EXPECT_EQ(-EINVAL, watch_arg(self->fd, a, a + PAGE_SZ, 0, 0, 0, 4097));
	EXPECT_EQ(-EINVAL, watch_arg(self->fd, a, a + PAGE_SZ, 0, 0,
				     PAGECTL_WATCH_ENTRIES, 40));
	EXPECT_EQ(-EINVAL, watch_arg(self->fd, a, a + PAGE_SZ, 0, 0, PAGECTL_WATCH_ENTRIES,
				     sizeof(struct pagectl_watch_event) - 1));
	/* Entries for more pages than a watch keeps; without them, fine. */
	EXPECT_EQ(-EINVAL, watch_arg(self->fd, a, a + (PAGECTL_WATCH_ENTRIES_MAX_PAGES + 1) *
				     PAGE_SZ, 0, 0, PAGECTL_WATCH_ENTRIES,
				     sizeof(struct pagectl_watch_event)));
	ret = watch_arg(self->fd, a, a + PAGECTL_WATCH_ENTRIES_MAX_PAGES * PAGE_SZ, 0, 0,
			PAGECTL_WATCH_ENTRIES, sizeof(struct pagectl_watch_event));
	ASSERT_LE(0, ret);
	close(ret);
	{
		struct pagectl_watch w = { .size = sizeof(w), .start = a, .end = a + PAGE_SZ,
					   .__reserved2 = 1 };

		ASSERT_EQ(-1, ioctl(self->fd, PAGECTL_WATCH, &w));
		EXPECT_EQ(EINVAL, errno);
	}
	/* Above the user address space. */
	EXPECT_EQ(-EFAULT, watch_pid(self->fd, user_top(self->fd),
				     user_top(self->fd) + PAGE_SZ, 0, 0));
	EXPECT_EQ(-EFAULT, watch_pid(self->fd, a, ~0ULL, 0, 0));

	/* A process that exited (a zombie has no address space). */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	{
		siginfo_t si;

		ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	}
	EXPECT_EQ(-ESRCH, watch_pid(self->fd, a, a + PAGE_SZ, pid, 0));
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(watch, another_process_as_pagemap_without_cap_sys_ptrace)
{
	__u64 a = uaddr(self->buf), addr;
	int ctl, status, fd = self->fd;
	struct user_proc other;
	pid_t pid, checker;

	pid = child_start(&addr, &ctl);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, user_proc_start(&other, OTHER_UID, OTHER_UID, 1, self->buf));
	checker = fork();
	ASSERT_LE(0, checker);
	if (!checker) {
		struct user_proc peer;
		int wfd, ret = 0;

		/* Without what reads any process's memory (see walk_util.h). */
		if (drop_mm_read_caps())
			_exit(2);
		/* Another uid's process needs it, as its pagemap does. */
		if (watch_pid(fd, a, a + PAGE_SZ, other.pid, 0) != -EPERM)
			ret = 3;
		/* So does root's, whose capabilities exceed the caller's. */
		if (watch_pid(fd, addr, addr + PAGE_SZ, pid, 0) != -EPERM)
			ret = 4;
		/* Not a process of root with no more capabilities than the caller. */
		if (user_proc_start(&peer, 0, 0, 1, self->buf))
			_exit(5);
		wfd = watch_pid(fd, a, a + PAGE_SZ, peer.pid, 0);
		if (wfd < 0)
			ret = 6;
		if (user_proc_stop(&peer))
			ret = 7;
		_exit(ret);
	}
	ASSERT_EQ(checker, waitpid(checker, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("checker: status %#x", status);
	}
	ASSERT_EQ(0, user_proc_stop(&other));
	close(ctl);
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(watch, unprivileged_caller_held_to_the_caps)
{
	__u64 a = uaddr(self->buf), max = param(MAX_WATCHES), max_queue = param(MAX_QUEUE);
	int status, fd = self->fd;
	pid_t pid;

	ASSERT_LT(0, max);
	ASSERT_GT(1000, max);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fds[1000], i, ret = 0;

		/* A member of the device's group, as the attack tests are. */
		if (drop_to_nobody())
			_exit(2);
		for (i = 0; i < (int)max; i++) {
			fds[i] = watch_pid(fd, a, a + PAGE_SZ, 0, 0);
			if (fds[i] < 0)
				_exit(3);
		}
		if (watch_pid(fd, a, a + PAGE_SZ, 0, 0) != -ENOSPC)
			ret = 4;
		if (watch_pid(fd, a, a + PAGE_SZ, 0, max_queue + 1) != -EINVAL)
			ret = 5;
		/* Closing one gives its place back. */
		close(fds[0]);
		fds[0] = watch_pid(fd, a, a + PAGE_SZ, 0, 0);
		if (fds[0] < 0)
			ret = 6;
		_exit(ret);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The child's watches were closed with it: the file has room again. */
	self->wfd = watch(self->fd, self->buf, PAGE_SZ, 0);
	EXPECT_LE(0, self->wfd);
}

struct race {
	__u8 *buf;
	int stop;
};

/* Pages a swept watch covers: its entries (8 bytes a page) more than a page. */
#define SWEEP_PAGES	1024

/* WATCH of SWEEP_PAGES from @addr of @pid (0: the file's) with @flags: 0 or an errno. */
static int watch_sweep(int fd, __u64 addr, pid_t pid, __u32 flags, int *wfd)
{
	*wfd = watch_arg(fd, addr, addr + SWEEP_PAGES * PAGE_SZ, pid, 0, flags,
			 sizeof(struct pagectl_watch_event));
	return *wfd < 0 ? -*wfd : 0;
}

TEST_F(watch, allocation_failures_leave_nothing)
{
	__u64 max = param(MAX_WATCHES), addr[3] = { uaddr(self->buf), uaddr(self->buf) };
	const __u32 flags[3] = { 0, PAGECTL_WATCH_ENTRIES, PAGECTL_WATCH_ENTRIES };
	int fds[1000], ctl, injected[3], wfd, i;
	struct leftovers before;
	struct fail_sweep s;
	pid_t pid[3] = { 0 };

	/* Skip before the child exists. */
	if (fail_sweep_begin(&s))
		SKIP(return, "%s", s.why);
	ASSERT_LT(0, max);
	ASSERT_GT(1000, max);
	pid[2] = child_start(&addr[2], &ctl);
	ASSERT_LT(0, pid[2]);
	ASSERT_NE(0, addr[2]);
	ASSERT_EQ(0, leftovers(self->fd, &before));

	/*
	 * Every allocation failure of WATCH, of the caller's range, with its
	 * entries, and of another process's: ENOMEM, and no descriptor, no
	 * watch counted and no page charged left. The ring, and entries of
	 * more than a page, are kvmalloc()ed: when kmalloc() fails it falls
	 * back to vmalloc(), so failing that one attempt leaves the call to
	 * succeed, deliberately.
	 */
	for (i = 0; i < 3; i++) {
		FAIL_SWEEP(&s, watch_sweep(self->fd, addr[i], pid[i], flags[i], &wfd)) {
			if (!s.ret) {
				ASSERT_EQ(0, close(wfd));
				continue;
			}
			ASSERT_EQ(ENOMEM, s.ret) {
				TH_LOG("watch %d, allocation %d", i, s.nth);
			}
			ASSERT_NO_LEFTOVERS(self->fd, &before);
		}
		ASSERT_TRUE(s.done);
		injected[i] = s.injected;
		TH_LOG("watch %d: %d of %d rounds failed", i, s.injected, s.nth);
	}
	TH_LOG("%d, %d and %d allocation failures injected into WATCH, with entries, by pid",
	       injected[0], injected[1], injected[2]);
	ASSERT_LT(0, injected[0]);
	ASSERT_LT(0, injected[1]);
	ASSERT_LT(0, injected[2]);
	close(ctl);
	ASSERT_EQ(0, wait_exit(pid[2]));
	ASSERT_EQ(0, leftovers(self->fd, &before));

	/* The file's count is exact: all its watches fit, and not one more. */
	for (i = 0; i < (int)max; i++) {
		fds[i] = watch(self->fd, self->buf, PAGE_SZ, 0);
		ASSERT_LE(0, fds[i]);
	}
	EXPECT_EQ(-ENOSPC, watch(self->fd, self->buf, PAGE_SZ, 0));
	for (i = 0; i < (int)max; i++)
		close(fds[i]);
	ASSERT_NO_LEFTOVERS(self->fd, &before);
}

static void *mprotect_loop(void *arg)
{
	struct race *r = arg;
	int i;

	for (i = 0; !__atomic_load_n(&r->stop, __ATOMIC_RELAXED); i++)
		mprotect(r->buf + (i % 4) * PAGE_SZ, PAGE_SZ,
			 (i / 4) & 1 ? PROT_READ | PROT_WRITE : PROT_READ);
	return NULL;
}

TEST_F(watch, close_while_events_are_delivered)
{
	struct race r = { .buf = self->buf };
	struct pagectl_watch_event ev[4];
	pthread_t t;
	double end = now_us() + 2e6;
	int n = 0, w;

	/* One thread changes the range, this one makes and drops watches. */
	ASSERT_EQ(0, pthread_create(&t, NULL, mprotect_loop, &r));
	while (now_us() < end) {
		w = watch(self->fd, self->buf, NPAGES * PAGE_SZ, 4);
		ASSERT_LE(0, w);
		ASSERT_EQ(0, fcntl(w, F_SETFL, O_NONBLOCK));
		if (n++ & 1)
			read(w, ev, sizeof(ev));
		close(w);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(t, NULL));
	TH_LOG("%d watches made and closed", n);
}

/* Unmap, map again and write pages of the range, until told to stop. */
static void *remap_loop(void *arg)
{
	struct race *r = arg;
	int i;

	for (i = 0; !__atomic_load_n(&r->stop, __ATOMIC_RELAXED); i++) {
		__u8 *p = r->buf + (i % 8) * PAGE_SZ;

		munmap(p, PAGE_SZ);
		if (mmap(p, PAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p)
			p[0] = (__u8)i;
	}
	return NULL;
}

TEST_F(watch, entries_read_while_the_range_changes)
{
	struct race r = { .buf = self->buf };
	struct pagectl_watch_event ev[8];
	double end = now_us() + 2e6;
	long events = 0;
	pthread_t t;
	ssize_t n;
	int i;

	/* Reads walk the tables while another thread unmaps and maps them. */
	self->wfd = watch_entries(self->fd, self->buf, NPAGES * PAGE_SZ);
	ASSERT_LE(0, self->wfd);
	ASSERT_EQ(0, fcntl(self->wfd, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, pthread_create(&t, NULL, remap_loop, &r));
	while (now_us() < end) {
		n = read(self->wfd, ev, sizeof(ev));
		if (n < 0) {
			ASSERT_EQ(EAGAIN, errno);
			continue;
		}
		for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++, events++) {
			ASSERT_LE(ev[i].after_kind, PAGECTL_ENTRY_UNKNOWN);
			ASSERT_LE(ev[i].after_level, PAGECTL_LEVEL_PTE);
		}
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_LT(0, events);
	TH_LOG("%ld events read with their entries", events);
}

#define ZAP_PAGES	512

struct zap {
	__u8 *buf;
	int wait_us;	/* how long to wait before the zap */
};

/* After a short wait, empty the whole range at once. */
static void *zap_range(void *arg)
{
	struct zap *z = arg;
	double until = now_us() + z->wait_us;

	while (now_us() < until)
		;
	madvise(z->buf, ZAP_PAGES * PAGE_SZ, MADV_DONTNEED);
	return NULL;
}

/*
 * A watch made while another thread empties its range: MADV_DONTNEED holds
 * the mmap lock only for reading, so its invalidation runs beside the
 * creation, and one begun before the notifier existed is no event of the
 * watch. Once the events are read, the next change's entry before must be
 * the empty page that thread left, never a present one the creation read
 * before the zap reached it. The last page is the one looked at: the zap
 * reaches it last.
 */
TEST_F(watch, first_entries_raced_against_a_zap)
{
	__u8 *buf = map_touched(ZAP_PAGES), *last = buf + (ZAP_PAGES - 1) * PAGE_SZ;
	struct pagectl_watch_event ev;
	double end = now_us() + 3e6;
	int rounds = 0, w, ret;
	struct zap z = { .buf = buf };
	pthread_t t;

	ASSERT_NE(NULL, buf);
	while (now_us() < end) {
		for (int i = 0; i < ZAP_PAGES; i++)
			buf[i * PAGE_SZ] = 1;
		z.wait_us = (rounds * 7919) % 200;
		ASSERT_EQ(0, pthread_create(&t, NULL, zap_range, &z));
		w = watch_entries(self->fd, buf, ZAP_PAGES * PAGE_SZ);
		ASSERT_LE(0, w);
		ASSERT_EQ(0, pthread_join(t, NULL));
		while ((ret = next_event(w, &ev)) == 1)
			;
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, madvise(last, PAGE_SZ, MADV_DONTNEED));
		ASSERT_EQ(1, next_event(w, &ev));
		ASSERT_EQ(PAGECTL_WATCH_CLEAR, ev.event);
		ASSERT_EQ(uaddr(last), ev.start);
		ASSERT_EQ(PAGECTL_ENTRY_NONE, ev.before_kind) {
			TH_LOG("round %d: a stale entry %u for a page emptied before", rounds,
			       ev.before_kind);
		}
		close(w);
		rounds++;
	}
	TH_LOG("%d watches made while their range was emptied", rounds);
	munmap(buf, ZAP_PAGES * PAGE_SZ);
}

TEST_HARNESS_MAIN
