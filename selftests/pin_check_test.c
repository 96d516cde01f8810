// SPDX-License-Identifier: GPL-2.0-only
/*
 * PIN_CHECK: what a long-term pin of a range would meet, and PIN's report
 * of where and why it failed.
 *
 * For each kind of memory the check's answer is asserted, then a real PIN
 * of the same range does what the check said: it succeeds, or it fails with
 * the errno and a fail_addr and fail_reason that match the check. Then the
 * limits it reports, and every bad argument.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "buf_util.h"
#include "walk_util.h"

#define MAX_RECS	64
#define CAP_IPC_LOCK_NR	14
#define CAP_SYS_ADMIN_NR	21

struct check {
	struct pagectl_pin_check arg;
	struct pagectl_pin_range r[MAX_RECS];
};

/* PIN_CHECK of [@addr, @addr + @len): 0 or an errno. */
static int check(int fd, const void *addr, __u64 len, __u32 flags, struct check *c)
{
	memset(c, 0, sizeof(*c));
	c->arg.size = sizeof(c->arg);
	c->arg.flags = flags;
	c->arg.addr = uaddr(addr);
	c->arg.length = len;
	c->arg.records = uaddr(c->r);
	c->arg.record_size = sizeof(c->r[0]);
	c->arg.max_records = MAX_RECS;
	return call(fd, PAGECTL_PIN_CHECK, &c->arg);
}

/* The same check of the process @pid's range. */
static int check_pid(int fd, pid_t pid, const void *addr, __u64 len,
		     __u32 flags, struct check *c)
{
	check(fd, addr, 0, 0, c);
	c->arg.flags = flags | PAGECTL_PIN_CHECK_PID;
	c->arg.length = len;
	c->arg.pid = pid;
	return call(fd, PAGECTL_PIN_CHECK, &c->arg);
}

/* The check found one record over the whole range, with this answer. */
#define ASSERT_ONE(c, addr, len, v, why) do {					\
	const struct check *__c = (c);						\
	__u64 __a = uaddr(addr), __e = __a + (len);				\
										\
	ASSERT_EQ(1, __c->arg.nr_records);					\
	ASSERT_EQ(__a, __c->r[0].start);					\
	ASSERT_EQ(__e, __c->r[0].end);						\
	ASSERT_EQ(v, __c->r[0].verdict);					\
	ASSERT_EQ(why, __c->r[0].reason);					\
	ASSERT_EQ(__e, __c->arg.next);						\
} while (0)

/*
 * Present pages a pin takes as they are, or after moving them out of
 * ZONE_MOVABLE or a CMA area (a guest booted with movablecore= or cma=).
 */
static bool pinnable(const struct pagectl_pin_range *r)
{
	if (r->verdict == PAGECTL_PINCHECK_MIGRATE)
		return r->reason == PAGECTL_PINCHECK_MOVABLE ||
		       r->reason == PAGECTL_PINCHECK_CMA;
	return r->verdict == PAGECTL_PINCHECK_OK && r->reason == PAGECTL_PINCHECK_NONE;
}

/* The check covered the whole range with such pages, in order. */
#define ASSERT_PINNABLE(c, addr, len) do {					\
	const struct check *__c = (c);						\
	__u64 __a = uaddr(addr), __e = __a + (len);				\
	unsigned int __i;							\
										\
	ASSERT_LE(1, __c->arg.nr_records);					\
	for (__i = 0; __i < __c->arg.nr_records; __i++) {			\
		ASSERT_EQ(__i ? __c->r[__i - 1].end : __a, __c->r[__i].start);	\
		ASSERT_TRUE(pinnable(&__c->r[__i])) {				\
			TH_LOG("record %u: verdict %u reason %u", __i,		\
			       __c->r[__i].verdict, __c->r[__i].reason);	\
		}								\
	}									\
	ASSERT_EQ(__e, __c->r[__c->arg.nr_records - 1].end);			\
	ASSERT_EQ(__e, __c->arg.next);						\
} while (0)

/* A PIN that fails reports the check's first page and its reason. */
#define ASSERT_PIN_FAILS(fd, addr, len, flags, err, c) do {			\
	const struct check *__c = (c);						\
	struct pagectl_pin __p;							\
										\
	ASSERT_EQ(err, pin(fd, uaddr(addr), len, flags, &__p));			\
	ASSERT_EQ(__c->r[0].start, __p.fail_addr);				\
	ASSERT_EQ(__c->r[0].reason, __p.fail_reason);				\
	ASSERT_EQ(0, __p.handle);						\
} while (0)

FIXTURE(pc) {
	int fd;
};

FIXTURE_SETUP(pc)
{
	char why[128];

	self->fd = device_open(PAGECTL_FEATURE_PIN_CHECK, NULL, why, sizeof(why));
	if (self->fd < 0)
		SETUP_SKIP("%s", why);
}

FIXTURE_TEARDOWN(pc)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(pc, untouched_anon)
{
	__u8 *buf = mmap(NULL, SMALL_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct check c;

	/* Never touched: the pin faults every page in, then succeeds. */
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE, &c));
	ASSERT_ONE(&c, buf, SMALL_LEN, PAGECTL_PINCHECK_FAULT_IN,
		   PAGECTL_PINCHECK_NOT_PRESENT);
	ASSERT_EQ(SMALL_LEN / PAGE_SZ, c.arg.npages);
	ASSERT_NE(0, pin_handle(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE));

	/* Pinned for writing, present and writable: pinnable as is. */
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE, &c));
	ASSERT_ONE(&c, buf, SMALL_LEN, PAGECTL_PINCHECK_OK, PAGECTL_PINCHECK_NONE);
	ASSERT_EQ(SMALL_LEN / PAGE_SZ, c.arg.pinned_pages);
	munmap(buf, SMALL_LEN);
}

TEST_F(pc, written_anon)
{
	__u8 *buf = map_anon(SMALL_LEN);
	struct check c;

	ASSERT_NE(NULL, buf);
	memset(buf, 1, SMALL_LEN);
	ASSERT_EQ(0, check(self->fd, buf + 1, SMALL_LEN - 1, PAGECTL_PIN_WRITE, &c));
	ASSERT_PINNABLE(&c, buf, SMALL_LEN);
	ASSERT_NE(0, pin_handle(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE));
	munmap(buf, SMALL_LEN);
}

TEST_F(pc, contiguous_buffer)
{
	int bfd = buf_new(self->fd, SMALL_LEN, PAGECTL_BUF_CONTIG);
	struct check c;
	__u8 *buf;

	/* remap_pfn_range() memory: VM_IO | VM_PFNMAP, never pinned. */
	ASSERT_LE(0, bfd);
	buf = buf_map(bfd, SMALL_LEN, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, 0, &c));
	ASSERT_ONE(&c, buf, SMALL_LEN, PAGECTL_PINCHECK_REFUSED,
		   PAGECTL_PINCHECK_IO_PFNMAP);
	ASSERT_PIN_FAILS(self->fd, buf, SMALL_LEN, 0, EFAULT, &c);
	munmap(buf, SMALL_LEN);
	close(bfd);
}

TEST_F(pc, prot_none)
{
	__u8 *buf = map_anon(SMALL_LEN);
	struct check c;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, mprotect(buf, SMALL_LEN, PROT_NONE));
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, 0, &c));
	ASSERT_ONE(&c, buf, SMALL_LEN, PAGECTL_PINCHECK_REFUSED,
		   PAGECTL_PINCHECK_NO_ACCESS);
	ASSERT_PIN_FAILS(self->fd, buf, SMALL_LEN, 0, EFAULT, &c);
	munmap(buf, SMALL_LEN);
}

TEST_F(pc, read_only_write_pin)
{
	__u8 *buf = map_anon(SMALL_LEN);
	struct check c;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, mprotect(buf, SMALL_LEN, PROT_READ));
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE, &c));
	ASSERT_ONE(&c, buf, SMALL_LEN, PAGECTL_PINCHECK_REFUSED,
		   PAGECTL_PINCHECK_NOT_WRITABLE);
	ASSERT_PIN_FAILS(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE, EFAULT, &c);

	/* For reading, the same pages are pinnable. */
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, 0, &c));
	ASSERT_PINNABLE(&c, buf, SMALL_LEN);
	ASSERT_NE(0, pin_handle(self->fd, buf, SMALL_LEN, 0));
	munmap(buf, SMALL_LEN);
}

TEST_F(pc, ext4_shared_write)
{
	struct check c;
	char why[128];
	__u8 *buf;
	int file;

	buf = map_ext4(SMALL_LEN, &file, why, sizeof(why));
	if (!buf)
		SKIP(return, "%s", why);
	memset(buf, 1, SMALL_LEN);
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE, &c));
	/* 6.5 and later refuse a writable long-term pin of dirty-tracked page cache. */
	if (kernel_at_least(6, 5)) {
		ASSERT_ONE(&c, buf, SMALL_LEN, PAGECTL_PINCHECK_REFUSED,
			   PAGECTL_PINCHECK_FILE_WRITE);
		ASSERT_PIN_FAILS(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE, EFAULT, &c);
	} else {
		ASSERT_PINNABLE(&c, buf, SMALL_LEN);
		ASSERT_NE(0, pin_handle(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE));
	}
	munmap(buf, SMALL_LEN);
	close(file);
}

TEST_F(pc, memfd)
{
	struct check c;
	char why[128];
	__u8 *buf;
	int file;

	/* shmem tracks no dirty pages for writeback: never refused. */
	buf = map_memfd(SMALL_LEN, &file, why, sizeof(why));
	if (!buf)
		SKIP(return, "%s", why);
	memset(buf, 1, SMALL_LEN);
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE, &c));
	ASSERT_PINNABLE(&c, buf, SMALL_LEN);
	ASSERT_NE(0, pin_handle(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE));
	munmap(buf, SMALL_LEN);
	close(file);
}

TEST_F(pc, secretmem)
{
	struct check c;
	__u8 *buf;
	int sfd;

	/* Memory even the kernel does not map: no pin at all. */
	sfd = syscall(__NR_memfd_secret, 0);
	if (sfd < 0)
		SKIP(return, "no memfd_secret(): %s (6.1 needs secretmem.enable=1)",
		     strerror(errno));
	ASSERT_EQ(0, ftruncate(sfd, SMALL_LEN));
	buf = mmap(NULL, SMALL_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, 1, SMALL_LEN);
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, 0, &c));
	ASSERT_ONE(&c, buf, SMALL_LEN, PAGECTL_PINCHECK_REFUSED,
		   PAGECTL_PINCHECK_SECRETMEM);
	ASSERT_PIN_FAILS(self->fd, buf, SMALL_LEN, 0, EFAULT, &c);
	munmap(buf, SMALL_LEN);
	close(sfd);
}

TEST_F(pc, hole)
{
	__u8 *buf = mmap(NULL, 3 * PAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct pagectl_pin p;
	struct check c;

	/* Written, a hole, untouched: three records in address order. */
	ASSERT_NE(MAP_FAILED, buf);
	buf[0] = 1;
	ASSERT_EQ(0, munmap(buf + PAGE_SZ, PAGE_SZ));
	ASSERT_EQ(0, check(self->fd, buf, 3 * PAGE_SZ, 0, &c));
	ASSERT_EQ(3, c.arg.nr_records);
	ASSERT_TRUE(pinnable(&c.r[0]));
	ASSERT_EQ(PAGECTL_PINCHECK_REFUSED, c.r[1].verdict);
	ASSERT_EQ(PAGECTL_PINCHECK_NO_VMA, c.r[1].reason);
	ASSERT_EQ(uaddr(buf + PAGE_SZ), c.r[1].start);
	ASSERT_EQ(uaddr(buf + 2 * PAGE_SZ), c.r[1].end);
	ASSERT_EQ(PAGECTL_PINCHECK_FAULT_IN, c.r[2].verdict);

	/* PIN pins the first page, then fails at the hole. */
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(buf), 3 * PAGE_SZ, 0, &p));
	ASSERT_EQ(c.r[1].start, p.fail_addr);
	ASSERT_EQ(PAGECTL_PINCHECK_NO_VMA, p.fail_reason);

	/* One record at a time: next resumes where the last record ended. */
	c.arg.max_records = 1;
	ASSERT_EQ(0, call(self->fd, PAGECTL_PIN_CHECK, &c.arg));
	ASSERT_EQ(1, c.arg.nr_records);
	ASSERT_EQ(uaddr(buf + PAGE_SZ), c.arg.next);
	munmap(buf, PAGE_SZ);
	munmap(buf + 2 * PAGE_SZ, PAGE_SZ);
}

/* In a child as nobody, under a 64 KiB RLIMIT_MEMLOCK. */
static void memlock_child(struct __test_metadata *_metadata)
{
	struct rlimit rl = { 64 << 10, 64 << 10 };
	__u8 *buf = map_anon(32 * PAGE_SZ);
	struct pagectl_pin p;
	struct check c;
	int fd;

	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, buf);
	memset(buf, 1, 32 * PAGE_SZ);
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	ASSERT_EQ(0, drop_to_nobody());
	ASSERT_EQ(0, pin(fd, uaddr(buf), 16 * PAGE_SZ, 0, &p));

	/* The limit is used up: the check shows no headroom for 16 more pages. */
	ASSERT_EQ(0, check(fd, buf + 16 * PAGE_SZ, 16 * PAGE_SZ, 0, &c));
	ASSERT_EQ(16, c.arg.memlock_pages);
	ASSERT_LE(16, c.arg.locked_pages);
	ASSERT_GT(c.arg.locked_pages + c.arg.npages, c.arg.memlock_pages);
	ASSERT_EQ(16, c.arg.pinned_pages);

	/* And PIN fails with ENOMEM at the range's start, for the limit. */
	ASSERT_EQ(ENOMEM, pin(fd, uaddr(buf + 16 * PAGE_SZ), 16 * PAGE_SZ, 0, &p));
	ASSERT_EQ(uaddr(buf + 16 * PAGE_SZ), p.fail_addr);
	ASSERT_EQ(PAGECTL_PINCHECK_MEMLOCK, p.fail_reason);
	close(fd);
}

TEST_F(pc, memlock_headroom)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		memlock_child(_metadata);
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(pc, max_pin_pages)
{
	__u8 *buf = map_anon(SMALL_LEN);
	struct pagectl_pin p;
	struct check c;

	ASSERT_NE(NULL, buf);
	memset(buf, 1, SMALL_LEN);
	ASSERT_NE(0, pin_handle(self->fd, buf, SMALL_LEN, 0));
	ASSERT_EQ(0, check(self->fd, buf, PAGE_SZ, 0, &c));
	ASSERT_EQ(SMALL_LEN / PAGE_SZ, c.arg.pinned_pages);
	ASSERT_LT(c.arg.pinned_pages, c.arg.max_pin_pages);
	/* As root, with CAP_IPC_LOCK: no limit. */
	ASSERT_EQ(PAGECTL_PIN_CHECK_NO_LIMIT, c.arg.memlock_pages);

	/* A range past the cap fails with ENOSPC at its start. */
	ASSERT_EQ(ENOSPC, pin(self->fd, uaddr(buf),
			      (c.arg.max_pin_pages + 1) * PAGE_SZ, 0, &p));
	ASSERT_EQ(uaddr(buf), p.fail_addr);
	ASSERT_EQ(PAGECTL_PINCHECK_MAX_PIN, p.fail_reason);
	munmap(buf, SMALL_LEN);
}

TEST_F(pc, already_pinned)
{
	__u8 *buf = map_anon(SMALL_LEN);
	struct check c;

	/* Pinned already: extra references, which block a migration. */
	ASSERT_NE(NULL, buf);
	memset(buf, 1, SMALL_LEN);
	ASSERT_NE(0, pin_handle(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE));
	ASSERT_EQ(0, check(self->fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE, &c));
	ASSERT_LE(1, c.arg.nr_records);
	/* Outside ZONE_MOVABLE it needs no migration: OK, never MIGRATE. */
	ASSERT_NE(PAGECTL_PINCHECK_MIGRATE, c.r[0].verdict);
	if (c.r[0].verdict == PAGECTL_PINCHECK_MIGRATE_BLOCKED)
		ASSERT_EQ(PAGECTL_PINCHECK_EXTRA_REFS, c.r[0].reason);
	munmap(buf, SMALL_LEN);
}

/* Pages of ZONE_MOVABLE, when the guest has them (movablecore=). */
static bool have_movable(void)
{
	char line[256];
	bool in = false, ret = false;
	FILE *f = fopen("/proc/zoneinfo", "r");
	long present;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "zone "))
			in = strstr(line, "Movable");
		else if (in && sscanf(line, " present %ld", &present) == 1 && present)
			ret = true;
	}
	fclose(f);
	return ret;
}

TEST_F(pc, movable)
{
	size_t len = 64 << 20;
	__u8 *buf;
	struct check c;
	unsigned int i;
	bool migrate = false;

	if (!have_movable())
		SKIP(return, "no ZONE_MOVABLE pages (boot with movablecore=)");
	/* Movable allocations land in ZONE_MOVABLE once the others are used up. */
	buf = map_anon(len);
	ASSERT_NE(NULL, buf);
	memset(buf, 1, len);
	ASSERT_EQ(0, check(self->fd, buf, len, 0, &c));
	for (i = 0; i < c.arg.nr_records; i++)
		if (c.r[i].verdict == PAGECTL_PINCHECK_MIGRATE) {
			ASSERT_EQ(PAGECTL_PINCHECK_MOVABLE, c.r[i].reason);
			migrate = true;
		}
	if (!migrate)
		SKIP(munmap(buf, len); return, "no page of the range in ZONE_MOVABLE");
	/* The pin migrates them out, after which they are pinnable as is. */
	ASSERT_NE(0, pin_handle(self->fd, buf, len, 0));
	ASSERT_EQ(0, check(self->fd, buf, len, 0, &c));
	for (i = 0; i < c.arg.nr_records; i++)
		ASSERT_EQ(PAGECTL_PINCHECK_OK, c.r[i].verdict) {
			TH_LOG("record %u of %u: %#llx-%#llx, reason %u", i, c.arg.nr_records,
			       (unsigned long long)c.r[i].start,
			       (unsigned long long)c.r[i].end, c.r[i].reason);
		}
	munmap(buf, len);
}

/*
 * Another process's pin: the child writes its copy of @buf (its own pages,
 * writable) and pins @npinned pages through its own file under a memlock
 * limit (root without CAP_IPC_LOCK, so the pins are charged to root), then
 * waits for the word to pin the rest of @buf.
 */
struct pin_target {
	pid_t pid;
	int go;		/* parent -> child: one byte, pin the rest */
	int ready;	/* child -> parent: one byte, ready */
};

static void pin_target_child(__u8 *buf, size_t len, unsigned int npinned,
			     int go, int ready)
{
	struct rlimit rl = { 64 * PAGE_SZ, 64 * PAGE_SZ };
	struct pagectl_pin p;
	char c = 0;
	int fd = open(DEVICE, O_RDWR | O_CLOEXEC);

	memset(buf, 2, len);
	if (fd < 0 || setrlimit(RLIMIT_MEMLOCK, &rl) ||
	    drop_effective_cap(CAP_IPC_LOCK_NR) ||
	    pin(fd, uaddr(buf), npinned * PAGE_SZ, 0, &p))
		_exit(2);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(3);
	/* The pin the parent's check answered for. */
	_exit(pin(fd, uaddr(buf + npinned * PAGE_SZ), len - npinned * PAGE_SZ,
		  PAGECTL_PIN_WRITE, &p) ? 4 : 0);
}

static int pin_target_start(struct pin_target *t, __u8 *buf, size_t len,
			    unsigned int npinned)
{
	int go[2], ready[2];
	char c;

	if (pipe(go) || pipe(ready))
		return -1;
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (!t->pid) {
		close(go[1]);
		close(ready[0]);
		pin_target_child(buf, len, npinned, go[0], ready[1]);
	}
	close(go[0]);
	close(ready[1]);
	t->go = go[1];
	t->ready = ready[0];
	return read(t->ready, &c, 1) == 1 ? 0 : -1;
}

/* Tell the child to pin, and its exit status: 0 when its PIN succeeded. */
static int pin_target_finish(struct pin_target *t)
{
	char c = 0;
	int ret = write(t->go, &c, 1) == 1 ? wait_exit(t->pid) : -1;

	close(t->go);
	close(t->ready);
	return ret;
}

TEST_F(pc, other_process)
{
	__u8 *buf = map_anon(SMALL_LEN);
	struct pin_target t;
	struct check c;

	ASSERT_NE(NULL, buf);
	memset(buf, 1, SMALL_LEN);
	ASSERT_EQ(0, pin_target_start(&t, buf, SMALL_LEN, 4));

	/* Here the fork left every page copy-on-write for a writable pin. */
	ASSERT_EQ(0, check(self->fd, buf + 4 * PAGE_SZ, SMALL_LEN - 4 * PAGE_SZ,
			   PAGECTL_PIN_WRITE, &c));
	ASSERT_ONE(&c, buf + 4 * PAGE_SZ, SMALL_LEN - 4 * PAGE_SZ,
		   PAGECTL_PINCHECK_FAULT_IN, PAGECTL_PINCHECK_COW);

	/* The child wrote its copy: pinnable as is, under its own limits. */
	ASSERT_EQ(0, check_pid(self->fd, t.pid, buf + 4 * PAGE_SZ,
			       SMALL_LEN - 4 * PAGE_SZ, PAGECTL_PIN_WRITE, &c));
	ASSERT_PINNABLE(&c, buf + 4 * PAGE_SZ, SMALL_LEN - 4 * PAGE_SZ);
	ASSERT_EQ(64, c.arg.memlock_pages);
	/* Its user's charge holds the child's 4 pinned pages ... */
	ASSERT_LE(4, c.arg.locked_pages);
	/* ... which its own file pins, not this one. */
	ASSERT_EQ(0, c.arg.pinned_pages);
	ASSERT_LE(c.arg.locked_pages + c.arg.npages, c.arg.memlock_pages);

	/* And the child's PIN of the range succeeds, as the check said. */
	ASSERT_EQ(0, pin_target_finish(&t));
	munmap(buf, SMALL_LEN);
}

TEST_F(pc, other_process_memlock)
{
	__u8 *buf = map_anon(128 * PAGE_SZ);
	struct pin_target t;
	struct check c;

	/* 60 of the child's 64 pages are pinned: 68 more do not fit. */
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pin_target_start(&t, buf, 128 * PAGE_SZ, 60));
	ASSERT_EQ(0, check_pid(self->fd, t.pid, buf + 60 * PAGE_SZ,
			       68 * PAGE_SZ, PAGECTL_PIN_WRITE, &c));
	ASSERT_EQ(64, c.arg.memlock_pages);
	ASSERT_LE(60, c.arg.locked_pages);
	ASSERT_GT(c.arg.locked_pages + c.arg.npages, c.arg.memlock_pages);
	/* The child's PIN fails, as the check said. */
	ASSERT_EQ(4, pin_target_finish(&t));
	munmap(buf, 128 * PAGE_SZ);
}

TEST_F(pc, other_process_errors)
{
	__u8 *buf = map_anon(SMALL_LEN);
	struct user_proc other;
	struct check c;
	siginfo_t si;
	pid_t pid;

	ASSERT_NE(NULL, buf);
	/* A pid without the flag, and the flag without a pid. */
	check(self->fd, buf, PAGE_SZ, 0, &c);
	c.arg.pid = getpid();
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_PIN_CHECK, &c.arg));
	ASSERT_EQ(EINVAL, check_pid(self->fd, 0, buf, PAGE_SZ, 0, &c));

	/* Exited, not yet reaped: no address space. Reaped: no process. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(ESRCH, check_pid(self->fd, pid, buf, PAGE_SZ, 0, &c));
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_EQ(ESRCH, check_pid(self->fd, pid, buf, PAGE_SZ, 0, &c));

	/*
	 * Without CAP_SYS_PTRACE (nor CAP_PERFMON and CAP_SYS_ADMIN, which
	 * 7.2 accepts for reading), as for pagemap: not another uid's process,
	 * nor root's, whose capabilities exceed the caller's, but root's with
	 * no more than the caller's; nor another's file.
	 */
	ASSERT_EQ(0, user_proc_start(&other, OTHER_UID, OTHER_UID, 1, buf));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct user_proc peer;
		int ret;

		if (drop_mm_read_caps())
			_exit(2);
		if (check_pid(self->fd, other.pid, buf, PAGE_SZ, 0, &c) != EPERM)
			_exit(3);
		if (check_pid(self->fd, getppid(), buf, PAGE_SZ, 0, &c) != EPERM)
			_exit(4);
		if (user_proc_start(&peer, 0, 0, 1, buf))
			_exit(5);
		ret = check_pid(self->fd, peer.pid, buf, PAGE_SZ, 0, &c);
		if (user_proc_stop(&peer) || ret)
			_exit(6);
		/* The inherited file was opened by the parent's address space. */
		_exit(check(self->fd, buf, PAGE_SZ, 0, &c) == EPERM ? 0 : 7);
	}
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_EQ(0, user_proc_stop(&other));
	munmap(buf, SMALL_LEN);
}

/* PIN_CHECK of the range of the sweep below: its own (@pid 0) or a child's. */
static int check_sweep(int fd, pid_t pid, const __u8 *buf, struct check *c)
{
	if (pid)
		return check_pid(fd, pid, buf, SMALL_LEN, PAGECTL_PIN_WRITE, c);
	return check(fd, buf, SMALL_LEN, PAGECTL_PIN_WRITE, c);
}

TEST_F(pc, allocation_failures_leave_nothing)
{
	__u8 *buf = map_anon(SMALL_LEN);
	struct check c, want[2];
	struct leftovers before;
	struct fail_sweep s;
	struct pin_target t;
	int injected[2], i;
	pid_t pid[2];

	/* Skip before the child exists. */
	if (fail_sweep_begin(&s))
		SKIP(return, "%s", s.why);
	ASSERT_NE(NULL, buf);
	memset(buf, 1, SMALL_LEN);
	ASSERT_EQ(0, pin_target_start(&t, buf, SMALL_LEN, 4));
	pid[0] = 0;
	pid[1] = t.pid;
	/* The answers; and no page of the records faults in during the sweep. */
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, check_sweep(self->fd, pid[i], buf, &want[i]));
	ASSERT_EQ(0, check_sweep(self->fd, 0, buf, &c));
	ASSERT_EQ(0, leftovers(self->fd, &before));

	/*
	 * Every allocation failure of PIN_CHECK, of the caller's range and of
	 * the child's: ENOMEM and nothing left, or the whole answer.
	 */
	for (i = 0; i < 2; i++) {
		FAIL_SWEEP(&s, check_sweep(self->fd, pid[i], buf, &c)) {
			if (!s.ret) {
				ASSERT_EQ(want[i].arg.nr_records, c.arg.nr_records);
				ASSERT_EQ(0, memcmp(want[i].r, c.r,
						    c.arg.nr_records * sizeof(c.r[0])));
				continue;
			}
			ASSERT_EQ(ENOMEM, s.ret) {
				TH_LOG("check %d, allocation %d", i, s.nth);
			}
			ASSERT_NO_LEFTOVERS(self->fd, &before);
		}
		ASSERT_TRUE(s.done);
		injected[i] = s.injected;
	}
	TH_LOG("%d and %d allocation failures injected into PIN_CHECK, and by pid",
	       injected[0], injected[1]);
	ASSERT_LT(0, injected[0]);
	ASSERT_LT(0, injected[1]);
	ASSERT_NO_LEFTOVERS(self->fd, &before);

	/* The child's PIN of the rest of its range succeeds, as before the sweep. */
	ASSERT_EQ(0, pin_target_finish(&t));
	munmap(buf, SMALL_LEN);
}

/* Pages of a CMA area, when the guest has one (hugetlb_cma= or cma=). */
static bool have_cma(void)
{
	return proc_field("/proc/meminfo", "CmaTotal") > 0;
}

#define GIGANTIC_NR	"/sys/devices/system/node/node%d/hugepages/hugepages-1048576kB/nr_hugepages"
#define GIGANTIC	(1024UL << 20)
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif

/* The nodes with free CMA pages (/proc/zoneinfo), as a bit mask. */
static unsigned long cma_nodes(void)
{
	unsigned long nodes = 0;
	char line[256];
	int n = -1;
	long free;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d,", &n) == 1)
			continue;
		if (sscanf(line, " nr_free_cma %ld", &free) == 1 && free > 0 &&
		    n >= 0 && n < 64)
			nodes |= 1UL << n;
	}
	fclose(f);
	return nodes;
}

/*
 * A 1 GiB hugetlb page of a node hugetlb_cma= gave a CMA area, which the
 * kernel takes from that area: a page known to be in CMA.
 */
TEST_F(pc, cma_gigantic_page)
{
	unsigned long nodes = cma_nodes();
	char path[128], old[32], now[32];
	struct pagectl_pin p;
	struct check c;
	int node, ret;
	__u8 *buf;

	if (!nodes)
		SKIP(return, "no CMA area (boot a CONFIG_CMA kernel with hugetlb_cma=)");
	/* The first node whose area yields a whole 1 GiB page, taken from CMA. */
	for (node = 0; node < 64; node++) {
		long cma_free = proc_field("/proc/meminfo", "CmaFree");

		if (!(nodes & (1UL << node)))
			continue;
		snprintf(path, sizeof(path), GIGANTIC_NR, node);
		if (read_file(path, old, sizeof(old)))
			SKIP(return, "no 1 GiB huge pages");
		if (!write_file(path, "1") && !read_file(path, now, sizeof(now)) &&
		    atoi(now) == 1 &&
		    cma_free - proc_field("/proc/meminfo", "CmaFree") >= GIGANTIC >> 10)
			break;
		write_file(path, old);
	}
	if (node == 64)
		SKIP(return, "no CMA area gave a whole 1 GiB page");
	buf = mmap(NULL, GIGANTIC, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << MAP_HUGE_SHIFT), -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	buf[0] = 1;
	ASSERT_EQ(0, check(self->fd, buf, PAGE_SZ, 0, &c));
	ASSERT_ONE(&c, buf, PAGE_SZ, PAGECTL_PINCHECK_MIGRATE, PAGECTL_PINCHECK_CMA);

	/*
	 * 6.1's slow path refuses an unpinnable hugetlb page with a WARNING
	 * (follow_hugetlb_page(), gone in 6.10): there the check alone.
	 */
	if (kernel_at_least(6, 10)) {
		/* The pin moves it out if a 1 GiB page is free elsewhere. */
		ret = pin(self->fd, uaddr(buf), PAGE_SZ, 0, &p);
		if (ret) {
			ASSERT_EQ(ENOMEM, ret);
			ASSERT_EQ(uaddr(buf), p.fail_addr);
			ASSERT_EQ(PAGECTL_PINCHECK_CMA, p.fail_reason);
		} else {
			ASSERT_EQ(0, check(self->fd, buf, PAGE_SZ, 0, &c));
			ASSERT_EQ(PAGECTL_PINCHECK_OK, c.r[0].verdict);
			ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
		}
	}
	munmap(buf, GIGANTIC);
	write_file(path, old);
}

TEST_F(pc, migration_blocked)
{
	size_t len = 64 << 20;
	__u8 *buf, *page = NULL;
	struct iovec iov;
	struct check c;
	unsigned int i;
	__u32 reason = 0;
	int pfd[2];

	if (!have_movable() && !have_cma())
		SKIP(return, "no ZONE_MOVABLE nor CMA (boot with movablecore= or hugetlb_cma=)");
	buf = map_anon(len);
	ASSERT_NE(NULL, buf);
	memset(buf, 1, len);
	ASSERT_EQ(0, check(self->fd, buf, len, 0, &c));
	for (i = 0; i < c.arg.nr_records && !page; i++)
		if (c.r[i].verdict == PAGECTL_PINCHECK_MIGRATE) {
			page = (__u8 *)(uintptr_t)c.r[i].start;
			reason = c.r[i].reason;
		}
	if (!page)
		SKIP(munmap(buf, len); return, "no page of the range must migrate");

	/* A pipe keeps a reference to the page vmsplice() gave it. */
	ASSERT_EQ(0, pipe(pfd));
	iov = (struct iovec){ page, PAGE_SZ };
	ASSERT_EQ(PAGE_SZ, vmsplice(pfd[1], &iov, 1, 0));
	ASSERT_EQ(0, check(self->fd, page, PAGE_SZ, 0, &c));
	ASSERT_ONE(&c, page, PAGE_SZ, PAGECTL_PINCHECK_MIGRATE_BLOCKED,
		   PAGECTL_PINCHECK_EXTRA_REFS);
	/* The pin cannot move it: ENOMEM, at that page, for that reason. */
	ASSERT_PIN_FAILS(self->fd, page, PAGE_SZ, 0, ENOMEM, &c);

	/* Closed, the pipe lets go: the pin moves the page, then holds it. */
	close(pfd[0]);
	close(pfd[1]);
	ASSERT_EQ(0, check(self->fd, page, PAGE_SZ, 0, &c));
	ASSERT_ONE(&c, page, PAGE_SZ, PAGECTL_PINCHECK_MIGRATE, reason);
	ASSERT_NE(0, pin_handle(self->fd, page, PAGE_SZ, 0));
	ASSERT_EQ(0, check(self->fd, page, PAGE_SZ, 0, &c));
	ASSERT_EQ(PAGECTL_PINCHECK_OK, c.r[0].verdict);
	munmap(buf, len);
}

/*
 * A page another process maps too, held by a pipe: root learns that the
 * reference blocks a migration; a caller without CAP_SYS_ADMIN, who maps
 * the page as well, is told only what its zone asks of a pin, as if
 * nothing held it, for whether someone else holds a shared page is not its
 * to know.
 */
TEST_F(pc, shared_page_held_elsewhere)
{
	size_t len = 64 << 20;
	__u8 *buf, *page = NULL;
	int file, pfd[2], go[2];
	struct iovec iov;
	struct check c;
	unsigned int i;
	__u32 reason = 0;
	pid_t pid;
	char why[128];

	if (!have_movable() && !have_cma())
		SKIP(return, "no ZONE_MOVABLE nor CMA (boot with movablecore= or hugetlb_cma=)");
	buf = map_memfd(len, &file, why, sizeof(why));
	if (!buf)
		SKIP(return, "%s", why);
	memset(buf, 1, len);
	ASSERT_EQ(0, check(self->fd, buf, len, 0, &c));
	for (i = 0; i < c.arg.nr_records && !page; i++)
		if (c.r[i].verdict == PAGECTL_PINCHECK_MIGRATE) {
			page = (__u8 *)(uintptr_t)c.r[i].start;
			reason = c.r[i].reason;
		}
	if (!page)
		SKIP(munmap(buf, len); close(file); return, "no page of the range must migrate");

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct check mine;
		char byte;
		int fd;

		/* The child maps the page too, then waits for the pipe's reference. */
		read_byte(page);
		close(go[1]);
		if (read(go[0], &byte, 1) != 1 || drop_effective_cap(CAP_SYS_ADMIN_NR))
			_exit(2);
		fd = open(DEVICE, O_RDWR | O_CLOEXEC);
		if (fd < 0 || check(fd, page, PAGE_SZ, 0, &mine) || mine.arg.nr_records != 1)
			_exit(3);
		_exit(mine.r[0].verdict == PAGECTL_PINCHECK_MIGRATE &&
		      mine.r[0].reason == reason ? 0 : 4);
	}
	close(go[0]);
	ASSERT_EQ(0, pipe(pfd));
	iov = (struct iovec){ page, PAGE_SZ };
	ASSERT_EQ(PAGE_SZ, vmsplice(pfd[1], &iov, 1, 0));
	/* Root sees the reference; the child has mapped the page by now or soon. */
	ASSERT_EQ(0, check(self->fd, page, PAGE_SZ, 0, &c));
	ASSERT_ONE(&c, page, PAGE_SZ, PAGECTL_PINCHECK_MIGRATE_BLOCKED,
		   PAGECTL_PINCHECK_EXTRA_REFS);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(0, wait_exit(pid));
	close(go[1]);
	close(pfd[0]);
	close(pfd[1]);
	munmap(buf, len);
	close(file);
}

TEST_F(pc, bad_arguments)
{
	__u8 *buf = map_anon(SMALL_LEN);
	struct check c;

	ASSERT_NE(NULL, buf);
	/* Each bad argument alone, with everything else valid. */
	ASSERT_EQ(EINVAL, check(self->fd, buf, 0, 0, &c));
	ASSERT_EQ(EOVERFLOW, check(self->fd, (void *)-PAGE_SZ, 2 * PAGE_SZ, 0, &c));
	ASSERT_EQ(EFAULT, check(self->fd, (void *)0xffff888000000000UL, PAGE_SZ, 0, &c));
	ASSERT_EQ(EOPNOTSUPP, check(self->fd, buf, PAGE_SZ, 0x80000000U, &c));

	check(self->fd, buf, PAGE_SZ, 0, &c);
	c.arg.record_size = sizeof(c.r[0]) - 1;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_PIN_CHECK, &c.arg));
	c.arg.record_size = 4097;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_PIN_CHECK, &c.arg));
	c.arg.record_size = sizeof(c.r[0]);
	c.arg.max_records = 0;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_PIN_CHECK, &c.arg));
	c.arg.max_records = MAX_RECS;
	c.arg.records = uaddr(buf);
	ASSERT_EQ(0, mprotect(buf, SMALL_LEN, PROT_READ));
	ASSERT_EQ(EFAULT, call(self->fd, PAGECTL_PIN_CHECK, &c.arg));
	c.arg.records = uaddr(c.r);
	c.arg.__reserved = 1;
	ASSERT_EQ(EINVAL, call(self->fd, PAGECTL_PIN_CHECK, &c.arg));
	munmap(buf, SMALL_LEN);
}

TEST_HARNESS_MAIN
