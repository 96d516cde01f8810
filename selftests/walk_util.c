// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers of the walk tests.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "pin_util.h"
#include "walk_util.h"

#define ZRAM_SIZE	"64M"
#define SWAP_PAGES	((64UL << 20) / PAGE_SZ)

__u8 read_byte(const __u8 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void *map_small(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

void *map_aligned(size_t len, size_t align, int prot)
{
	__u8 *p, *q;

	p = mmap(NULL, len + align, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	q = (__u8 *)((uaddr(p) + align - 1) & ~(align - 1));
	if (q != p)
		munmap(p, q - p);
	munmap(q + len, p + align - q);
	return q;
}

void *map_file(size_t len, int *file, char *why, size_t why_len)
{
	__u8 *data, *p;

	*file = ext4_tmpfile(why, why_len);
	if (*file < 0)
		return NULL;
	data = malloc(len + PAGE_SZ);
	if (!data)
		return NULL;
	memset(data, 'f', len + PAGE_SZ);
	if (write(*file, data, len + PAGE_SZ) != (ssize_t)(len + PAGE_SZ) || fsync(*file)) {
		snprintf(why, why_len, "write to the ext4 file: %s", strerror(errno));
		free(data);
		return NULL;
	}
	free(data);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *file, PAGE_SZ);
	if (p == MAP_FAILED) {
		snprintf(why, why_len, "mmap: %s", strerror(errno));
		return NULL;
	}
	/* No fault-around: every page is faulted on its own. */
	madvise(p, len, MADV_RANDOM);
	return p;
}

int walk_addr(int fd, const void *addr, struct pagectl_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->size = sizeof(*w);
	w->addr = uaddr(addr);
	return call(fd, PAGECTL_WALK, w);
}

int walk_pid(int fd, pid_t pid, const void *addr, struct pagectl_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->size = sizeof(*w);
	w->flags = PAGECTL_WALK_PID;
	w->pid = pid;
	w->addr = uaddr(addr);
	return call(fd, PAGECTL_WALK, w);
}

__u64 user_top(int fd)
{
	struct pagectl_walk w;
	int local = 0;

	if (walk_addr(fd, &local, &w))
		return 0;
	return w.level[PAGECTL_LEVEL_P4D].kind == PAGECTL_ENTRY_FOLDED ? 1ULL << 47 : 1ULL << 56;
}

int walk_range(int fd, __u64 start, __u64 end, __u32 flags,
	       struct pagectl_walk_rec *recs, __u32 max, struct pagectl_walk_range *wr)
{
	memset(wr, 0, sizeof(*wr));
	wr->size = sizeof(*wr);
	wr->flags = flags;
	wr->start = start;
	wr->end = end;
	wr->records = uaddr(recs);
	wr->record_size = REC_SZ;
	wr->max_records = max;
	return call(fd, PAGECTL_WALK_RANGE, wr);
}

long walk_all(int fd, __u64 start, __u64 end, __u32 flags,
	      struct pagectl_walk_rec *recs, __u32 max, __u32 chunk)
{
	struct pagectl_walk_range wr;
	long n = 0;
	int ret;

	while (start < end) {
		if (n + chunk > max)
			return -ENOSPC;
		ret = walk_range(fd, start, end, flags, recs + n, chunk, &wr);
		if (ret)
			return -ret;
		/* Every call makes progress. */
		if (wr.next <= start && !wr.nr_records)
			return -EDEADLK;
		n += wr.nr_records;
		start = wr.next;
	}
	return n;
}

/* The swap header: "SWAPSPACE2" at the end of the first page. */
static int write_swap_header(const char *dev, unsigned long pages)
{
	__u32 *words;
	__u8 *page;
	int fd, ret = -1;

	page = calloc(1, PAGE_SZ);
	if (!page)
		return -1;
	words = (__u32 *)(page + 1024);
	words[0] = 1;		/* version */
	words[1] = pages - 1;	/* last page */
	memcpy(page + PAGE_SZ - 10, "SWAPSPACE2", 10);
	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && pwrite(fd, page, PAGE_SZ, 0) == (ssize_t)PAGE_SZ && !fsync(fd))
		ret = 0;
	if (fd >= 0)
		close(fd);
	free(page);
	return ret;
}

static bool swap_active(void)
{
	char buf[4096] = "";

	/* The header line, then one line per active swap area. */
	return !read_file("/proc/swaps", buf, sizeof(buf)) && strchr(buf, '\n') &&
	       strchr(buf, '\n')[1];
}

int swap_on_zram(char *why, size_t why_len)
{
	if (swap_active())
		return 0;
	if (access("/sys/block/zram0", F_OK)) {
		snprintf(why, why_len, "no zram device (zram module not loaded?)");
		return -1;
	}
	/* A fresh device: reset, size, header, swapon. */
	write_file("/sys/block/zram0/reset", "1");
	if (write_file("/sys/block/zram0/disksize", ZRAM_SIZE)) {
		snprintf(why, why_len, "zram0 disksize: %s", strerror(errno));
		return -1;
	}
	if (write_swap_header("/dev/zram0", SWAP_PAGES) || swapon("/dev/zram0", 0)) {
		snprintf(why, why_len, "swapon /dev/zram0: %s", strerror(errno));
		write_file("/sys/block/zram0/reset", "1");
		return -1;
	}
	return 1;
}

void swap_off(int token)
{
	if (token != 1)
		return;
	swapoff("/dev/zram0");
	write_file("/sys/block/zram0/reset", "1");
}

bool page_out(void *addr, size_t len)
{
	size_t i;
	int tries;

	for (tries = 0; tries < 20; tries++) {
		bool all = true;

		madvise(addr, len, MADV_PAGEOUT);
		for (i = 0; i < len; i += PAGE_SZ)
			if (!(proc_u64("/proc/self/pagemap",
				       (uaddr(addr) + i) / PAGE_SZ) >> 62 & 1))
				all = false;
		if (all)
			return true;
		msleep(20);
	}
	return false;
}

int drop_effective_cap(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	d[cap / 32].permitted &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

int drop_mm_read_caps(void)
{
	return drop_cap(CAP_SYS_PTRACE_NR) || drop_cap(CAP_PERFMON_NR) ||
	       drop_cap(CAP_SYS_ADMIN_NR) ? -1 : 0;
}

/* The child's message: its address and frame, with its fd attached. */
struct target_msg {
	__u64 addr;
	__u64 pfn;
};

static void target_child(int sock)
{
	struct target_msg msg;
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &msg, sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	__u8 *page;
	char x;
	int fd;

	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	page = map_small(PAGE_SZ);
	if (fd < 0 || !page)
		_exit(1);
	page[0] = 0x42;
	msg.addr = uaddr(page);
	msg.pfn = pagemap_pfn(page);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &mh, 0) != sizeof(msg))
		_exit(1);
	/* Live until the parent closes its end. */
	while (read(sock, &x, 1) > 0)
		;
	_exit(0);
}

int target_start(struct target *t)
{
	struct target_msg msg;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &msg, sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (!t->pid) {
		close(sv[0]);
		target_child(sv[1]);
	}
	close(sv[1]);
	t->ctl = sv[0];
	if (recvmsg(t->ctl, &mh, MSG_CMSG_CLOEXEC) != sizeof(msg))
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&t->fd, CMSG_DATA(c), sizeof(int));
	t->addr = msg.addr;
	t->pfn = msg.pfn;
	return 0;
}

void target_stop(struct target *t)
{
	close(t->ctl);
	wait_exit(t->pid);
}
