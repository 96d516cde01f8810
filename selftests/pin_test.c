// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pins: PIN, UNPIN, PIN_DESCRIBE and TIMER of /dev/pagectl.
 *
 * What a pin holds on each memory type a long-term pin may take (anonymous
 * 4 KiB pages and THP, memfd, hugetlbfs, ext4 page cache), what it changes on
 * the page, how it is described, charged, limited and released, what each bad
 * argument gets, and what becomes of a pin when the address space changes
 * under it. The timer tests watch the kernel count in pinned memory.
 *
 * The tests run as root, as in the test guest; a few fork a child that drops
 * to nobody to see what an unprivileged caller gets. Frame numbers are checked
 * against /proc/self/pagemap, nodes against get_mempolicy(). After every test
 * the pins taken and released balance in /proc/vmstat. The ext4 cases need a
 * mounted ext4 directory in $PAGECTL_EXT4_DIR.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/mempolicy.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"

#define DEVICE		"/dev/pagectl"
#define NOBODY		65534
#define PAGE_SZ		4096UL
#define HPAGE_SZ	(2UL << 20)
#define SMALL_LEN	(16 * PAGE_SZ)
#define HUGE_LEN	(2 * HPAGE_SZ)
#define PIN_BIAS	1024		/* GUP_PIN_COUNTING_BIAS */
#define KPF_THP		22		/* bit of /proc/kpageflags */
#define PERIOD_NS	1000000ULL	/* 1 ms */
#define SLOW_NS		1000000000ULL	/* 1 s */
#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"
#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"
#define PINNED_FLAGS	(PAGECTL_PAGE_VALID | PAGECTL_PAGE_MAYBE_DMA_PINNED)

/*
 * SKIP from FIXTURE_SETUP. The 6.1 harness still runs the test body after a
 * SKIP that returns from setup, so leave the way a failed ASSERT in setup does.
 */
#define SETUP_SKIP(fmt, ...) SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

static __u64 uaddr(const void *p)
{
	return (uintptr_t)p;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return errno;
	buf[n] = '\0';
	return 0;
}

static int write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : EIO;
}

/* The number after "@key:" in a /proc file of "Key: value" lines, -1 if absent. */
static long proc_field(const char *path, const char *key)
{
	size_t len = strlen(key);
	char line[256];
	long val = -1;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			val = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/* VmPin of @pid (0: this process) in kB, -1 if unreadable. */
static long vmpin_kb(pid_t pid)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	return proc_field(path, "VmPin");
}

/*
 * Pages pinned and not yet released, system-wide: nr_foll_pin_acquired minus
 * nr_foll_pin_released of /proc/vmstat, after folding the per-CPU deltas so
 * that both are exact. -1 if they cannot be read.
 */
static long long pins_outstanding(void)
{
	long long acquired = -1, released = -1, val;
	char name[64];
	FILE *f;

	write_file("/proc/sys/vm/stat_refresh", "1");
	f = fopen("/proc/vmstat", "re");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &val) == 2) {
		if (!strcmp(name, "nr_foll_pin_acquired"))
			acquired = val;
		else if (!strcmp(name, "nr_foll_pin_released"))
			released = val;
	}
	fclose(f);
	if (acquired < 0 || released < 0)
		return -1;
	return acquired - released;
}

/* Entry @index of a /proc file of 64-bit entries; 0 if it cannot be read. */
static __u64 proc_u64(const char *path, __u64 index)
{
	__u64 val = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &val, sizeof(val), index * sizeof(val)) != sizeof(val))
		val = 0;
	close(fd);
	return val;
}

/* The frame /proc/self/pagemap shows at @addr (root only), 0 if none. */
static __u64 pagemap_pfn(const void *addr)
{
	__u64 entry = proc_u64("/proc/self/pagemap", uaddr(addr) / PAGE_SZ);

	/* Bit 63: present; bits 0-54: the frame. */
	return entry >> 63 ? entry & ((1ULL << 55) - 1) : 0;
}

/* The page at @addr is part of a transparent huge page. */
static bool is_thp(const void *addr)
{
	__u64 pfn = pagemap_pfn(addr);

	return pfn && (proc_u64("/proc/kpageflags", pfn) >> KPF_THP & 1);
}

/* The node of the page at @addr as get_mempolicy() reports it; 0 without NUMA. */
static int page_node(const void *addr)
{
	int node = -1;

	if (syscall(SYS_get_mempolicy, &node, NULL, 0UL, addr, MPOL_F_NODE | MPOL_F_ADDR))
		return access("/sys/devices/system/node", F_OK) ? 0 : -1;
	return node;
}

/* The running kernel is @major.@minor or later. */
static bool kernel_at_least(int major, int minor)
{
	int ma = 0, mi = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* Wait for @pid; its exit status, or -1 if it did not exit normally. */
static int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Wait for @pid; the signal that ended it, 0 if it exited, -1 on error. */
static int wait_signal(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* In a child: become nobody, without supplementary groups or capabilities. */
static int drop_to_nobody(void)
{
	return setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY) ? -1 : 0;
}

/*
 * Open the device for a test that needs @features; the fd, or -1 with the
 * reason to skip in @why.
 */
static int device_open(__u64 features, struct pagectl_info *info, char *why, size_t len)
{
	struct pagectl_info local;
	int fd;

	if (!info)
		info = &local;
	if (geteuid()) {
		snprintf(why, len, "needs root");
		return -1;
	}
	if (sysconf(_SC_PAGESIZE) != PAGE_SZ) {
		snprintf(why, len, "written for 4 KiB pages");
		return -1;
	}
	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s (module not loaded?)", DEVICE, strerror(errno));
		return -1;
	}
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(fd, PAGECTL_GET_INFO, info) || (info->features & features) != features) {
		snprintf(why, len, "the module lacks %s",
			 features & PAGECTL_FEATURE_TIMER ? "PIN or TIMER" : "PIN");
		close(fd);
		return -1;
	}
	return fd;
}

/* ioctl() as 0 or its errno, so that one ASSERT shows which errno came back. */
static int call(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static int pin(int fd, __u64 addr, __u64 length, __u32 flags, struct pagectl_pin *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->flags = flags;
	p->addr = addr;
	p->length = length;
	return call(fd, PAGECTL_PIN, p);
}

/* The handle of a new pin of @length bytes at @addr, 0 if PIN failed. */
static __u64 pin_handle(int fd, const void *addr, __u64 length, __u32 flags)
{
	struct pagectl_pin p;

	return pin(fd, uaddr(addr), length, flags, &p) ? 0 : p.handle;
}

static int unpin(int fd, __u64 handle, __u32 flags)
{
	struct pagectl_unpin u = {
		.size = sizeof(u),
		.flags = flags,
		.handle = handle,
	};

	return call(fd, PAGECTL_UNPIN, &u);
}

/* A PIN_DESCRIBE argument for up to @max records of the kind @flags asks for. */
static struct pagectl_pin_describe describe_arg(__u64 handle, __u32 flags, __u64 cursor,
						void *records, __u32 max)
{
	struct pagectl_pin_describe d = {
		.size = sizeof(d),
		.flags = flags,
		.handle = handle,
		.cursor = cursor,
		.records = uaddr(records),
		.max_records = max,
	};

	if (flags & PAGECTL_DESCRIBE_EXTENTS)
		d.record_size = sizeof(struct pagectl_extent);
	else
		d.record_size = sizeof(struct pagectl_frame);
	return d;
}

static int describe(int fd, struct pagectl_pin_describe *d)
{
	return call(fd, PAGECTL_PIN_DESCRIBE, d);
}

/* The frame of page @index of a pin; 0 or an errno. */
static int frame_at(int fd, __u64 handle, __u64 index, struct pagectl_frame *f)
{
	struct pagectl_pin_describe d = describe_arg(handle, 0, index, f, 1);
	int ret;

	ret = describe(fd, &d);
	if (ret)
		return ret;
	return d.nr_records == 1 ? 0 : ENODATA;
}

/*
 * All extents of a pin into @ext (room for one per page), at most @chunk a
 * call so that the cursor is used; how many, or -errno.
 */
static long get_extents(int fd, __u64 handle, struct pagectl_extent *ext, __u32 chunk)
{
	struct pagectl_pin_describe d;
	__u64 cursor = 0;
	long n = 0;
	int ret;

	do {
		d = describe_arg(handle, PAGECTL_DESCRIBE_EXTENTS, cursor, ext + n, chunk);
		ret = describe(fd, &d);
		if (ret)
			return -ret;
		/* No progress would loop forever: report it as a protocol error. */
		if (!d.nr_records || d.next_cursor <= cursor)
			return -EPROTO;
		n += d.nr_records;
		cursor = d.next_cursor;
	} while (cursor < d.npages);
	return n;
}

/* TIMER on a pin; 0 or the errno, the replaced timer's ticks in *@ticks. */
static int timer(int fd, __u64 handle, __u32 flags, __u64 offset, __u64 period_ns,
		 __u64 *ticks)
{
	struct pagectl_timer t = {
		.size = sizeof(t),
		.flags = flags,
		.target = handle,
		.offset = offset,
		.period_ns = period_ns,
	};
	int ret;

	ret = call(fd, PAGECTL_TIMER, &t);
	if (ticks)
		*ticks = t.ticks;
	return ret;
}

/*
 * A counter the kernel writes behind the compiler's back: a plain load that
 * the compiler may neither drop nor hoist out of a loop, no system call.
 */
static __u64 counter(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Private anonymous memory, every page written so that none is the zero page. */
static void *map_anon(size_t len)
{
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0x5a, len);
	return p;
}

/*
 * @len bytes of private anonymous memory at a 2 MiB boundary, asked to be THP
 * and written. THP switched off system-wide is set to "madvise" while the
 * pages are faulted in, then set back.
 */
static void *map_thp(size_t len)
{
	char setting[128] = "";
	bool was_never;
	__u8 *p, *buf;

	p = mmap(NULL, len + HPAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	buf = (__u8 *)((uaddr(p) + HPAGE_SZ - 1) & ~(HPAGE_SZ - 1));
	if (buf != p)
		munmap(p, buf - p);
	munmap(buf + len, p + HPAGE_SZ - buf);
	madvise(buf, len, MADV_HUGEPAGE);
	read_file(THP_ENABLED, setting, sizeof(setting));
	was_never = strstr(setting, "[never]") && !write_file(THP_ENABLED, "madvise");
	memset(buf, 0x5a, len);
	if (was_never)
		write_file(THP_ENABLED, "never");
	return buf;
}

/* Set the hugetlb pool to @pages pages. */
static void set_hugepages(long pages)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", pages);
	write_file(NR_HUGEPAGES, buf);
}

/*
 * @len bytes of 2 MiB hugetlb pages, written. A pool smaller than 4 pages is
 * grown to 4 for them; *@old_pool is what to set it back to after munmap, -1
 * if it was left alone.
 */
static void *map_hugetlb(size_t len, long *old_pool, char *why, size_t why_len)
{
	char pool[32] = "";
	void *p;

	*old_pool = -1;
	if (!read_file(NR_HUGEPAGES, pool, sizeof(pool)) && atol(pool) < 4) {
		*old_pool = atol(pool);
		set_hugepages(4);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED) {
		snprintf(why, why_len, "no 2 MiB hugetlb pages: %s", strerror(errno));
		if (*old_pool >= 0)
			set_hugepages(*old_pool);
		*old_pool = -1;
		return NULL;
	}
	memset(p, 0x5a, len);
	return p;
}

/* A MAP_SHARED memfd of @len bytes, written. */
static void *map_memfd(size_t len, int *file, char *why, size_t why_len)
{
	void *p;

	*file = memfd_create("pin_test", MFD_CLOEXEC);
	if (*file < 0 || ftruncate(*file, len)) {
		snprintf(why, why_len, "memfd: %s", strerror(errno));
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *file, 0);
	if (p == MAP_FAILED) {
		snprintf(why, why_len, "memfd mmap: %s", strerror(errno));
		return NULL;
	}
	memset(p, 0x5a, len);
	return p;
}

/* A MAP_SHARED mapping of a new file in $PAGECTL_EXT4_DIR, written (dirty). */
static void *map_ext4(size_t len, int *file, char *why, size_t why_len)
{
	const char *dir = getenv("PAGECTL_EXT4_DIR");
	char path[PATH_MAX];
	struct statfs sf;
	void *p;

	if (!dir) {
		snprintf(why, why_len, "PAGECTL_EXT4_DIR (a mounted ext4 directory) not set");
		return NULL;
	}
	if (statfs(dir, &sf) || sf.f_type != EXT4_SUPER_MAGIC) {
		snprintf(why, why_len, "%s is not on ext4", dir);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/pin_test.XXXXXX", dir);
	*file = mkostemp(path, O_CLOEXEC);
	if (*file < 0) {
		snprintf(why, why_len, "cannot create a file in %s: %s", dir, strerror(errno));
		return NULL;
	}
	unlink(path);
	p = MAP_FAILED;
	if (!ftruncate(*file, len))
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *file, 0);
	if (p == MAP_FAILED) {
		snprintf(why, why_len, "ext4 file: %s", strerror(errno));
		return NULL;
	}
	memset(p, 0x5a, len);
	return p;
}

/* Every 64-bit word of the @len bytes at @p is zero. */
static bool all_zero(const __u64 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len / sizeof(*p); i++)
		if (counter(&p[i]))
			return false;
	return true;
}

/*
 * Handles are per file, so two files may hand out the same value. Trade
 * @taken, a pin of @fd with a value this test already uses elsewhere, for a
 * new pin of @page with another value; 0 on failure.
 */
static __u64 other_handle(int fd, const void *page, __u64 taken)
{
	__u64 h = pin_handle(fd, page, PAGE_SZ, PAGECTL_PIN_WRITE);

	if (h && unpin(fd, taken, 0))
		return 0;
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Memory types: each variant pins its memory and checks the frames, the
 * extents and the counts a pin changes.
 */
enum mem_type { MEM_ANON, MEM_THP, MEM_MEMFD, MEM_HUGETLB, MEM_EXT4 };

FIXTURE(mem) {
	int fd;
	int file;	/* memfd or ext4 file, -1 for none */
	__u8 *buf;	/* the memory to pin, variant->len bytes, written */
	long vmpin;	/* VmPin before the test, kB */
	int expect;	/* what PIN returns for this memory on this kernel */
	long old_pool;	/* hugetlb pool to set back, -1 if unchanged */
};

/*
 * type, pin_flags, len: the memory and how it is pinned; page_flag: the
 * PAGECTL_PAGE_* bit its frames carry; shift: their size_shift.
 */
FIXTURE_VARIANT(mem) {
	enum mem_type type;
	__u32 pin_flags;
	__u32 page_flag;
	unsigned int shift;
	size_t len;
};

FIXTURE_VARIANT_ADD(mem, anon_read) {
	.type = MEM_ANON,
	.page_flag = PAGECTL_PAGE_ANON,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, anon_write) {
	.type = MEM_ANON,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_ANON,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, thp_read) {
	.type = MEM_THP,
	.page_flag = PAGECTL_PAGE_ANON | PAGECTL_PAGE_THP,
	.shift = 21,
	.len = HUGE_LEN,
};

FIXTURE_VARIANT_ADD(mem, thp_write) {
	.type = MEM_THP,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_ANON | PAGECTL_PAGE_THP,
	.shift = 21,
	.len = HUGE_LEN,
};

FIXTURE_VARIANT_ADD(mem, memfd_read) {
	.type = MEM_MEMFD,
	.page_flag = PAGECTL_PAGE_SHMEM,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, memfd_write) {
	.type = MEM_MEMFD,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_SHMEM,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, hugetlb_read) {
	.type = MEM_HUGETLB,
	.page_flag = PAGECTL_PAGE_HUGETLB,
	.shift = 21,
	.len = HUGE_LEN,
};

FIXTURE_VARIANT_ADD(mem, hugetlb_write) {
	.type = MEM_HUGETLB,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_HUGETLB,
	.shift = 21,
	.len = HUGE_LEN,
};

FIXTURE_VARIANT_ADD(mem, ext4_read) {
	.type = MEM_EXT4,
	.page_flag = PAGECTL_PAGE_FILE,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_VARIANT_ADD(mem, ext4_write) {
	.type = MEM_EXT4,
	.pin_flags = PAGECTL_PIN_WRITE,
	.page_flag = PAGECTL_PAGE_FILE,
	.shift = 12,
	.len = SMALL_LEN,
};

FIXTURE_SETUP(mem)
{
	char why[192] = "";

	self->file = -1;
	self->old_pool = -1;
	self->fd = device_open(PAGECTL_FEATURE_PIN, NULL, why, sizeof(why));
	if (self->fd < 0)
		SETUP_SKIP("%s", why);

	switch (variant->type) {
	case MEM_ANON:
		self->buf = map_anon(variant->len);
		break;
	case MEM_THP:
		self->buf = map_thp(variant->len);
		if (self->buf && !(is_thp(self->buf) && is_thp(self->buf + HPAGE_SZ)))
			snprintf(why, sizeof(why), "no THP after touching the range (%s)",
				 THP_ENABLED);
		break;
	case MEM_MEMFD:
		self->buf = map_memfd(variant->len, &self->file, why, sizeof(why));
		break;
	case MEM_HUGETLB:
		self->buf = map_hugetlb(variant->len, &self->old_pool, why, sizeof(why));
		break;
	case MEM_EXT4:
		self->buf = map_ext4(variant->len, &self->file, why, sizeof(why));
		break;
	}
	if (!self->buf && !why[0])
		snprintf(why, sizeof(why), "mmap: %s", strerror(errno));
	if (why[0])
		SETUP_SKIP("%s", why);

	/*
	 * Since 6.5 the kernel refuses a writable long-term pin of page cache
	 * that needs dirty tracking (writable_file_mapping_allowed(), commit
	 * a6e79df92e4a and its GUP-slow counterpart): the file system cannot
	 * write back a page that DMA may change at any time. 6.1 allows it.
	 */
	if (variant->type == MEM_EXT4 && (variant->pin_flags & PAGECTL_PIN_WRITE) &&
	    kernel_at_least(6, 5))
		self->expect = EFAULT;
	self->vmpin = vmpin_kb(0);
}

FIXTURE_TEARDOWN(mem)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->buf)
		munmap(self->buf, variant->len);
	if (self->file >= 0)
		close(self->file);
	if (self->old_pool >= 0)
		set_hugepages(self->old_pool);
	/* Every pin the test made is released by now. */
	EXPECT_EQ(0, pins_outstanding());
}

TEST_F(mem, pin_describe_frames)
{
	size_t npages = variant->len / PAGE_SZ, i;
	__u32 want = PINNED_FLAGS | variant->page_flag;
	struct pagectl_pin_describe d;
	struct pagectl_frame *f;
	struct pagectl_pin p;

	/* The pin succeeds, or fails as this kernel refuses this memory, charging nothing. */
	ASSERT_EQ(self->expect, pin(self->fd, uaddr(self->buf), variant->len,
				    variant->pin_flags, &p));
	if (self->expect) {
		ASSERT_EQ(self->vmpin, vmpin_kb(0));
		return;
	}

	/* A handle, the first page and every page of the range. */
	ASSERT_NE(0, p.handle);
	ASSERT_EQ(uaddr(self->buf), p.start);
	ASSERT_EQ(npages, p.npages);

	/* VmPin is charged 4 kB a page. */
	ASSERT_EQ(self->vmpin + (long)npages * 4, vmpin_kb(0));

	/* One frame per page in one call, with frame numbers for root. */
	f = calloc(npages, sizeof(*f));
	ASSERT_NE(NULL, f);
	d = describe_arg(p.handle, 0, 0, f, npages);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(npages, d.nr_records);
	ASSERT_EQ(npages, d.next_cursor);
	ASSERT_EQ(npages, d.npages);
	ASSERT_EQ(p.start, d.start);
	ASSERT_EQ(PAGECTL_OUT_PFNS, d.out_flags & PAGECTL_OUT_PFNS);

	/* Each page is the one mapped there, on its node, pinned, of this type and size. */
	for (i = 0; i < npages; i++) {
		const __u8 *addr = self->buf + i * PAGE_SZ;

		ASSERT_NE(0, f[i].pfn);
		ASSERT_EQ(pagemap_pfn(addr), f[i].pfn);
		ASSERT_EQ(page_node(addr), (int)f[i].nid);
		ASSERT_EQ(variant->shift, f[i].size_shift);
		ASSERT_EQ(want, f[i].flags & want);
		ASSERT_EQ(0, f[i].flags & PAGECTL_PAGE_ZERO);
	}

	/* UNPIN gives the charge back. */
	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	free(f);
}

TEST_F(mem, extents_match_frames)
{
	size_t npages = variant->len / PAGE_SZ, j;
	struct pagectl_pin_describe d;
	struct pagectl_extent *ext;
	__u64 h, off = 0, longest = 0;
	struct pagectl_frame *f;
	long n, k;

	if (self->expect)
		SKIP(return, "this kernel refuses the pin (see pin_describe_frames)");
	h = pin_handle(self->fd, self->buf, variant->len, variant->pin_flags);
	ASSERT_NE(0, h);
	f = calloc(npages, sizeof(*f));
	ext = calloc(npages, sizeof(*ext));
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, ext);
	d = describe_arg(h, 0, 0, f, npages);
	ASSERT_EQ(0, describe(self->fd, &d));
	memset(ext, 0xff, npages * sizeof(*ext));
	n = get_extents(self->fd, h, ext, 3);
	ASSERT_LT(0, n);

	/* The extents cover the pin in order, without gaps, in whole pages. */
	for (k = 0; k < n; k++) {
		ASSERT_EQ(off, ext[k].offset);
		ASSERT_NE(0, ext[k].length);
		ASSERT_EQ(0, ext[k].length % PAGE_SZ);
		ASSERT_EQ(0, ext[k].__reserved);
		off += ext[k].length;
		if (ext[k].length > longest)
			longest = ext[k].length;
	}
	ASSERT_EQ(variant->len, off);

	/* Each extent is the frames it covers: consecutive, on one node. */
	for (k = 0; k < n; k++) {
		for (j = 0; j < ext[k].length / PAGE_SZ; j++) {
			const struct pagectl_frame *fr = &f[ext[k].offset / PAGE_SZ + j];

			ASSERT_EQ(ext[k].pfn + j, fr->pfn);
			ASSERT_EQ(ext[k].nid, fr->nid);
		}
	}

	/* Extents are as long as they can be: no two neighbours could merge. */
	for (k = 1; k < n; k++)
		ASSERT_FALSE(ext[k].pfn == ext[k - 1].pfn + ext[k - 1].length / PAGE_SZ &&
			     ext[k].nid == ext[k - 1].nid);

	/* A huge page is physically contiguous: one extent of at least its size. */
	if (variant->shift > 12)
		ASSERT_LE(1ULL << variant->shift, longest);
	free(ext);
	free(f);
}

TEST_F(mem, second_pin_counts)
{
	struct pagectl_frame one, two, after;
	__u64 h1, h2;
	int tries;

	if (self->expect)
		SKIP(return, "this kernel refuses the pin (see pin_describe_frames)");
	h1 = pin_handle(self->fd, self->buf, variant->len, variant->pin_flags);
	ASSERT_NE(0, h1);

	/*
	 * A second pin of the first page, measured before, during and after. A
	 * fresh page may hold a passing reference from a per-CPU LRU batch, so
	 * measure again until the counts before and after agree.
	 */
	for (tries = 0; tries < 10; tries++) {
		ASSERT_EQ(0, frame_at(self->fd, h1, 0, &one));
		h2 = pin_handle(self->fd, self->buf, PAGE_SZ, variant->pin_flags);
		ASSERT_NE(0, h2);
		ASSERT_EQ(0, frame_at(self->fd, h2, 0, &two));
		ASSERT_EQ(0, unpin(self->fd, h2, 0));
		ASSERT_EQ(0, frame_at(self->fd, h1, 0, &after));
		if (one.refcount == after.refcount)
			break;
	}

	/* Both pins hold the same page, which says it is pinned. */
	ASSERT_EQ(one.pfn, two.pfn);
	ASSERT_EQ(PINNED_FLAGS, two.flags & PINNED_FLAGS);
	ASSERT_EQ(one.refcount, after.refcount);

	if (variant->shift > 12) {
		/* A large folio counts pins exactly: one more pin, one more reference. */
		ASSERT_LE(1, one.pincount);
		ASSERT_EQ(one.pincount + 1, two.pincount);
		ASSERT_EQ(one.pincount, after.pincount);
		ASSERT_EQ(one.refcount + 1, two.refcount);
	} else {
		/* A small page has no pin count: a pin adds GUP_PIN_COUNTING_BIAS references. */
		ASSERT_EQ(0, two.pincount);
		ASSERT_EQ(one.refcount + PIN_BIAS, two.refcount);
	}
}

/* The commands themselves, on private anonymous memory. */
FIXTURE(pin) {
	int fd;
	struct pagectl_info info;
	long vmpin;	/* VmPin before the test, kB */
	int dev_mode;	/* mode to give the node back, -1 if unchanged */
};

FIXTURE_SETUP(pin)
{
	char why[128];

	self->dev_mode = -1;
	self->fd = device_open(PAGECTL_FEATURE_PIN, &self->info, why, sizeof(why));
	if (self->fd < 0)
		SETUP_SKIP("%s", why);
	self->vmpin = vmpin_kb(0);
	ASSERT_LE(0, self->vmpin);
}

FIXTURE_TEARDOWN(pin)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->dev_mode >= 0)
		chmod(DEVICE, self->dev_mode);
	/* Every pin the test made is released by now. */
	EXPECT_EQ(0, pins_outstanding());
}

TEST_F(pin, pin_outputs)
{
	struct pagectl_pin_describe d;
	struct pagectl_pin p, q;
	__u8 *buf;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* An aligned range: a handle, start at addr, one page per 4 KiB. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf), 3 * PAGE_SZ, 0, &p));
	ASSERT_NE(0, p.handle);
	ASSERT_EQ(uaddr(buf), p.start);
	ASSERT_EQ(3, p.npages);

	/* A second pin of the same page gets a handle of its own. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf), PAGE_SZ, PAGECTL_PIN_WRITE, &q));
	ASSERT_NE(0, q.handle);
	ASSERT_NE(p.handle, q.handle);
	ASSERT_EQ(1, q.npages);

	/* PIN_DESCRIBE reports the same start and size. */
	d = describe_arg(p.handle, 0, 0, NULL, 0);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(p.start, d.start);
	ASSERT_EQ(p.npages, d.npages);
}

/* The first line of @path that contains @needle, copied to @line; 0 if none. */
static int find_line(const char *path, const char *needle, char *line, size_t len)
{
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, len, f))
		found = !!strstr(line, needle);
	fclose(f);
	return found;
}

TEST_F(pin, visible_in_proc_and_debugfs)
{
	char line[256], want[128];
	struct pagectl_pin p;
	unsigned long n = 0;
	__u8 *buf;
	int got;

	buf = map_anon(3 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pin(self->fd, uaddr(buf), 3 * PAGE_SZ, PAGECTL_PIN_WRITE, &p));

	/* debugfs lists the pin: owner pid, handle, range, pages, write. */
	snprintf(want, sizeof(want), "%d\t%llu\t%#llx\t%#llx\t3\twrite", getpid(),
		 (unsigned long long)p.handle, (unsigned long long)p.start,
		 (unsigned long long)p.start + 3 * PAGE_SZ);
	if (access("/sys/kernel/debug/pagectl/pins", R_OK))
		SKIP(return, "debugfs not mounted");
	ASSERT_TRUE(find_line("/sys/kernel/debug/pagectl/pins", want, line, sizeof(line)));

	/* /proc/pagectl counts at least this pin and its pages. */
	ASSERT_TRUE(find_line("/proc/pagectl", "pins:", line, sizeof(line)));
	got = sscanf(line, "pins: %lu", &n);
	ASSERT_EQ(1, got);
	ASSERT_LE(1, n);
	ASSERT_TRUE(find_line("/proc/pagectl", "pinned pages:", line, sizeof(line)));
	got = sscanf(line, "pinned pages: %lu", &n);
	ASSERT_EQ(1, got);
	ASSERT_LE(3, n);

	/* After UNPIN the line is gone. */
	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
	ASSERT_FALSE(find_line("/sys/kernel/debug/pagectl/pins", want, line, sizeof(line)));
}

TEST_F(pin, unaligned_addr_rounded)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(2 * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* 100 bytes in and one page long: both pages it touches, from the first. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf + 100), PAGE_SZ, 0, &p));
	ASSERT_EQ(uaddr(buf), p.start);
	ASSERT_EQ(2, p.npages);

	/* The last byte of a page alone: that page. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf + PAGE_SZ - 1), 1, 0, &p));
	ASSERT_EQ(uaddr(buf), p.start);
	ASSERT_EQ(1, p.npages);

	/* Two bytes across a page boundary: both pages. */
	ASSERT_EQ(0, pin(self->fd, uaddr(buf + PAGE_SZ - 1), 2, 0, &p));
	ASSERT_EQ(uaddr(buf), p.start);
	ASSERT_EQ(2, p.npages);

	/* VmPin is charged in pages, not bytes. */
	ASSERT_EQ(self->vmpin + 5 * 4, vmpin_kb(0));
}

TEST_F(pin, describe_paginates)
{
	struct pagectl_frame all[10], part[3];
	struct pagectl_pin_describe d;
	unsigned int calls = 0, i;
	__u64 h, cursor = 0;
	__u8 *buf;

	buf = map_anon(10 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 10 * PAGE_SZ, 0);
	ASSERT_NE(0, h);
	d = describe_arg(h, 0, 0, all, 10);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(10, d.nr_records);

	/* Three records a call: 3, 3, 3, 1, each call going on where the last stopped. */
	while (cursor < 10) {
		memset(part, 0, sizeof(part));
		d = describe_arg(h, 0, cursor, part, 3);
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_EQ(cursor + 3 <= 10 ? 3 : 10 - cursor, d.nr_records);
		ASSERT_EQ(cursor + d.nr_records, d.next_cursor);
		ASSERT_EQ(10, d.npages);
		for (i = 0; i < d.nr_records; i++)
			ASSERT_EQ(all[cursor + i].pfn, part[i].pfn);
		cursor = d.next_cursor;
		calls++;
	}
	ASSERT_EQ(4, calls);

	/* A cursor at the end is valid and returns nothing. */
	d = describe_arg(h, 0, 10, part, 3);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(0, d.nr_records);
	ASSERT_EQ(10, d.next_cursor);
}

TEST_F(pin, describe_max_records_zero)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	struct pagectl_pin_describe d;
	__u8 sentinel[64], *buf;
	unsigned int k;
	__u64 h;

	buf = map_anon(5 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf + 10, 4 * PAGE_SZ, 0);
	ASSERT_NE(0, h);
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		/* No array at all: only where the pin starts and how many pages it has. */
		d = describe_arg(h, kinds[k], 0, NULL, 0);
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_EQ(0, d.nr_records);
		ASSERT_EQ(5, d.npages);
		ASSERT_EQ(uaddr(buf), d.start);

		/* An array with no capacity is not written. */
		memset(sentinel, 0xa5, sizeof(sentinel));
		d = describe_arg(h, kinds[k], 0, sentinel, 0);
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_EQ(0, d.nr_records);
		ASSERT_EQ(0xa5, sentinel[0]);
		ASSERT_EQ(0xa5, sentinel[sizeof(sentinel) - 1]);
	}
}

TEST_F(pin, describe_record_size_larger_zero_fills)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	static const __u8 zero[16];
	struct pagectl_pin_describe d;
	struct pagectl_frame ref[4];
	unsigned int i, k;
	__u8 rec[5 * 48];
	__u64 h, pfn;
	__u8 *buf;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, 0);
	ASSERT_NE(0, h);
	d = describe_arg(h, 0, 0, ref, 4);
	ASSERT_EQ(0, describe(self->fd, &d));

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		/* A 48-byte record: the 32-byte record, then zeros, at a 48-byte stride. */
		memset(rec, 0xff, sizeof(rec));
		d = describe_arg(h, kinds[k], 0, rec, 4);
		d.record_size = 48;
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_LT(0, d.nr_records);
		ASSERT_GE(4, d.nr_records);
		for (i = 0; i < d.nr_records; i++)
			ASSERT_EQ(0, memcmp(rec + i * 48 + 32, zero, sizeof(zero)));

		/* The record at each stride is this page's (frames) or run's (extents). */
		memcpy(&pfn, rec, sizeof(pfn));
		ASSERT_EQ(ref[0].pfn, pfn);
		if (!kinds[k]) {
			for (i = 1; i < 4; i++) {
				memcpy(&pfn, rec + i * 48, sizeof(pfn));
				ASSERT_EQ(ref[i].pfn, pfn);
			}
		}

		/* Nothing is written past the last record. */
		ASSERT_EQ(0xff, rec[d.nr_records * 48]);
	}
}

TEST_F(pin, describe_record_size_small_einval)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	const __u32 sizes[] = { 0, 24, 31 };
	struct pagectl_pin_describe d;
	__u8 rec[4 * 32], *buf;
	unsigned int i, k;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Both records are 32 bytes; a caller's smaller record is refused (24: the draft frame). */
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			d = describe_arg(h, kinds[k], 0, rec, 1);
			d.record_size = sizes[i];
			ASSERT_EQ(EINVAL, describe(self->fd, &d));
		}
	}
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
}

TEST_F(pin, describe_record_size_large_einval)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	struct pagectl_pin_describe d;
	unsigned int k;
	__u8 *buf, *rec;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	rec = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, rec);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		/* 4096 bytes a record is the most accepted. */
		d = describe_arg(h, kinds[k], 0, rec, 1);
		d.record_size = 4096;
		ASSERT_EQ(0, describe(self->fd, &d));
		ASSERT_EQ(1, d.nr_records);

		/* One byte more, or far more, is refused. */
		d.record_size = 4097;
		ASSERT_EQ(EINVAL, describe(self->fd, &d));
		d.record_size = 1 << 20;
		ASSERT_EQ(EINVAL, describe(self->fd, &d));
	}
}

TEST_F(pin, describe_cursor_beyond_einval)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	struct pagectl_pin_describe d;
	__u8 rec[4 * 32], *buf;
	unsigned int k;
	__u64 h;

	buf = map_anon(3 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 3 * PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* A cursor past the last page, by one or by far, is refused. */
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		d = describe_arg(h, kinds[k], 4, rec, 1);
		ASSERT_EQ(EINVAL, describe(self->fd, &d));
		d = describe_arg(h, kinds[k], ~0ULL, rec, 1);
		ASSERT_EQ(EINVAL, describe(self->fd, &d));
	}
}

TEST_F(pin, describe_records_unwritable_efault)
{
	const __u32 kinds[] = { 0, PAGECTL_DESCRIBE_EXTENTS };
	struct pagectl_pin_describe d;
	__u8 *buf, *ro;
	unsigned int k;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ro = mmap(NULL, PAGE_SZ, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(NULL, buf);
	ASSERT_NE(MAP_FAILED, ro);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Records in read-only memory, at NULL or in the kernel are refused. */
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		d = describe_arg(h, kinds[k], 0, ro, 1);
		ASSERT_EQ(EFAULT, describe(self->fd, &d));
		d = describe_arg(h, kinds[k], 0, NULL, 1);
		ASSERT_EQ(EFAULT, describe(self->fd, &d));
		d = describe_arg(h, kinds[k], 0, NULL, 1);
		d.records = 0xffff888000000000ULL;
		ASSERT_EQ(EFAULT, describe(self->fd, &d));
	}

	/* The pin is untouched. */
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
	ASSERT_EQ(0, unpin(self->fd, h, 0));
}

TEST_F(pin, describe_unknown_handle_enoent)
{
	struct pagectl_pin_describe d;
	struct pagectl_frame f;
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Handles this file never gave out. */
	d = describe_arg(0, 0, 0, &f, 1);
	ASSERT_EQ(ENOENT, describe(self->fd, &d));
	d = describe_arg(h + 1, 0, 0, &f, 1);
	ASSERT_EQ(ENOENT, describe(self->fd, &d));

	/* A handle that was unpinned. */
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	d = describe_arg(h, 0, 0, &f, 1);
	ASSERT_EQ(ENOENT, describe(self->fd, &d));
}

TEST_F(pin, describe_unknown_flags_eopnotsupp)
{
	struct pagectl_pin_describe d;
	struct pagectl_frame f;
	unsigned int bit;
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Every flag but PAGECTL_DESCRIBE_EXTENTS is refused. */
	for (bit = 1; bit < 32; bit++) {
		d = describe_arg(h, 0, 0, &f, 1);
		d.flags = 1U << bit;
		ASSERT_EQ(EOPNOTSUPP, describe(self->fd, &d));
	}
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
}

/* In a child as nobody: pin THP and small pages, describe them without frames. */
static void describe_as_nobody(struct __test_metadata *_metadata)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	size_t len = HPAGE_SZ + 4 * PAGE_SZ, npages = len / PAGE_SZ, i;
	struct pagectl_pin_describe d;
	struct pagectl_extent *ext;
	struct pagectl_frame *f;
	__u64 h, off = 0;
	__u8 *buf;
	long n, k;
	int fd;

	/* RLIMIT_MEMLOCK is not what this test is about. */
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &unlimited));
	ASSERT_EQ(0, drop_to_nobody());
	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	buf = map_thp(2 * HPAGE_SZ);
	f = calloc(npages, sizeof(*f));
	ext = calloc(npages, sizeof(*ext));
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, ext);
	h = pin_handle(fd, buf, len, 0);
	ASSERT_NE(0, h);

	/* Every page is described and pinned, without a frame number, and the call says so. */
	d = describe_arg(h, 0, 0, f, npages);
	ASSERT_EQ(0, describe(fd, &d));
	ASSERT_EQ(npages, d.nr_records);
	ASSERT_EQ(0, d.out_flags & PAGECTL_OUT_PFNS);
	for (i = 0; i < npages; i++) {
		ASSERT_EQ(0, f[i].pfn);
		ASSERT_EQ(PINNED_FLAGS, f[i].flags & PINNED_FLAGS);
	}

	/* Extents have no frame either, and never say more than the folio under them does. */
	n = get_extents(fd, h, ext, 2);
	ASSERT_LT(0, n);
	for (k = 0; k < n; k++) {
		__u64 addr = uaddr(buf) + ext[k].offset, folio;

		ASSERT_EQ(0, ext[k].pfn);
		ASSERT_EQ(off, ext[k].offset);
		ASSERT_GT(len, off);
		folio = 1ULL << f[off / PAGE_SZ].size_shift;
		ASSERT_GE(folio, (addr & (folio - 1)) + ext[k].length);
		off += ext[k].length;
	}
	ASSERT_EQ(len, off);
	close(fd);
}

TEST_F(pin, unprivileged_describe_hides_pfns)
{
	struct stat st;
	pid_t pid;

	/* Let nobody open the node for this test; teardown gives the mode back. */
	ASSERT_EQ(0, stat(DEVICE, &st));
	self->dev_mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod(DEVICE, 0666));

	/* An unprivileged opener's describe succeeds, with zeros for frames. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		describe_as_nobody(_metadata);
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(pin, unpin_unknown_handle_enoent)
{
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Handles this file never gave out are refused, and the real pin stays. */
	ASSERT_EQ(ENOENT, unpin(self->fd, 0, 0));
	ASSERT_EQ(ENOENT, unpin(self->fd, h + 1, 0));
	ASSERT_EQ(ENOENT, unpin(self->fd, ~0ULL, 0));
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
	ASSERT_EQ(0, unpin(self->fd, h, 0));
}

TEST_F(pin, unpin_twice_enoent)
{
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* The second UNPIN of a handle finds nothing, and uncharges nothing. */
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(ENOENT, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, unpin_other_file_enoent)
{
	__u64 mine, theirs;
	__u8 *buf;
	int other;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	other = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	mine = pin_handle(self->fd, buf, PAGE_SZ, 0);
	theirs = pin_handle(other, buf, PAGE_SZ, 0);
	ASSERT_NE(0, mine);
	ASSERT_NE(0, theirs);
	if (theirs == mine)
		theirs = other_handle(other, buf, theirs);
	ASSERT_NE(mine, theirs);

	/* Handles are per file: another file's handle is unknown here, both ways. */
	ASSERT_EQ(ENOENT, unpin(other, mine, 0));
	ASSERT_EQ(ENOENT, unpin(self->fd, theirs, 0));
	ASSERT_EQ(self->vmpin + 8, vmpin_kb(0));

	/* Each file unpins its own. */
	ASSERT_EQ(0, unpin(self->fd, mine, 0));
	ASSERT_EQ(0, unpin(other, theirs, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	close(other);
}

TEST_F(pin, unpin_dirty_accepted)
{
	__u8 *buf;
	__u64 h;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);

	/* PAGECTL_UNPIN_DIRTY releases the pin like a plain UNPIN. */
	ASSERT_EQ(0, unpin(self->fd, h, PAGECTL_UNPIN_DIRTY));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, unpin_unknown_flags_eopnotsupp)
{
	unsigned int bit;
	__u8 *buf;
	__u64 h;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* Every flag but PAGECTL_UNPIN_DIRTY is refused, and the pin stays. */
	for (bit = 1; bit < 32; bit++)
		ASSERT_EQ(EOPNOTSUPP, unpin(self->fd, h, 1U << bit));
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
	ASSERT_EQ(0, unpin(self->fd, h, 0));
}

TEST_F(pin, pin_from_other_mm_eperm)
{
	struct pagectl_pin p;
	__u8 *buf;
	pid_t pid;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* A child sharing the file has another address space: it may not pin. */
		EXPECT_EQ(EPERM, pin(self->fd, uaddr(buf), PAGE_SZ, 0, &p));
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));

	/* Nothing was pinned or charged. */
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, unpin_from_other_mm_allowed)
{
	struct pagectl_frame f;
	__u8 *buf;
	pid_t pid;
	__u64 h;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, 0);
	ASSERT_NE(0, h);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Any holder of the file may describe and unpin. */
		EXPECT_EQ(0, frame_at(self->fd, h, 0, &f));
		EXPECT_EQ(0, unpin(self->fd, h, 0));
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));

	/* The pin is gone, and its charge is taken off the file's address space. */
	ASSERT_EQ(ENOENT, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, close_releases_pins)
{
	int dup_fd;
	__u8 *buf;

	buf = map_anon(8 * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* Read and write pins, one page pinned twice: 9 pages held. */
	ASSERT_NE(0, pin_handle(self->fd, buf, 4 * PAGE_SZ, 0));
	ASSERT_NE(0, pin_handle(self->fd, buf + 4 * PAGE_SZ, 4 * PAGE_SZ, PAGECTL_PIN_WRITE));
	ASSERT_NE(0, pin_handle(self->fd, buf, PAGE_SZ, 0));
	ASSERT_EQ(self->vmpin + 36, vmpin_kb(0));
	ASSERT_EQ(9, pins_outstanding());

	/* A dup() shares the file: closing one descriptor releases nothing. */
	dup_fd = dup(self->fd);
	ASSERT_LE(0, dup_fd);
	ASSERT_EQ(0, close(self->fd));
	self->fd = dup_fd;
	ASSERT_EQ(self->vmpin + 36, vmpin_kb(0));
	ASSERT_EQ(9, pins_outstanding());

	/* The last close releases every pin and its charge. */
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, killed_child_releases_pins)
{
	int pipefd[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		__u8 *buf = map_anon(16 * PAGE_SZ);
		int fd = open(DEVICE, O_RDWR | O_CLOEXEC);

		/* The child holds 16 pinned pages on its own file, then waits. */
		ASSERT_EQ(0, prctl(PR_SET_PDEATHSIG, SIGKILL));
		ASSERT_LE(0, fd);
		ASSERT_NE(NULL, buf);
		ASSERT_NE(0, pin_handle(fd, buf, 16 * PAGE_SZ, PAGECTL_PIN_WRITE));
		ASSERT_EQ(1, write(pipefd[1], "p", 1));
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);

	/* The pins are the child's, charged to the child. */
	ASSERT_EQ(64, vmpin_kb(pid));
	ASSERT_EQ(16, pins_outstanding());

	/* SIGKILL closes its file, which releases them. */
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(SIGKILL, wait_signal(pid));
	ASSERT_EQ(0, pins_outstanding());
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

/* In a child: pin and unpin 256 MiB over and over until killed. */
static void pin_forever(int ready)
{
	const size_t len = 256UL << 20;
	void *map;
	__u64 h;
	int fd;

	/* Never outlive a test that failed before killing us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (fd < 0 || map == MAP_FAILED || write(ready, "p", 1) != 1)
		_exit(1);
	for (;;) {
		h = pin_handle(fd, map, len, PAGECTL_PIN_WRITE);
		if (h)
			unpin(fd, h, 0);
	}
}

TEST_F_TIMEOUT(pin, killed_mid_pin_releases_pins, 120)
{
	static const unsigned int delay_ms[] = { 0, 1, 5, 20, 100 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(delay_ms); i++) {
		int pipefd[2];
		pid_t pid;
		char c;

		ASSERT_EQ(0, pipe(pipefd));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			pin_forever(pipefd[1]);
			_exit(1);
		}
		close(pipefd[1]);

		/* Killed while faulting in and pinning 256 MiB, or between two pins. */
		ASSERT_EQ(1, read(pipefd[0], &c, 1));
		close(pipefd[0]);
		msleep(delay_ms[i]);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(SIGKILL, wait_signal(pid));

		/* Whatever it held or was taking is released. */
		ASSERT_EQ(0, pins_outstanding());
	}

	/* None of it was charged here. */
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, vmpin_tracks_pins)
{
	__u64 h1, h2, h3, h4;
	__u8 *buf;

	buf = map_anon(16 * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* Each pin charges its pages to VmPin. */
	h1 = pin_handle(self->fd, buf, 8 * PAGE_SZ, 0);
	ASSERT_NE(0, h1);
	ASSERT_EQ(self->vmpin + 32, vmpin_kb(0));
	h2 = pin_handle(self->fd, buf + 8 * PAGE_SZ, 3 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h2);
	ASSERT_EQ(self->vmpin + 44, vmpin_kb(0));

	/* Pins of the same page are charged each, as RDMA's ib_umem does. */
	h3 = pin_handle(self->fd, buf, PAGE_SZ, 0);
	h4 = pin_handle(self->fd, buf, PAGE_SZ, 0);
	ASSERT_NE(0, h3);
	ASSERT_NE(0, h4);
	ASSERT_EQ(self->vmpin + 52, vmpin_kb(0));

	/* UNPIN gives each charge back. */
	ASSERT_EQ(0, unpin(self->fd, h1, 0));
	ASSERT_EQ(self->vmpin + 20, vmpin_kb(0));
	ASSERT_EQ(0, unpin(self->fd, h3, 0));
	ASSERT_EQ(0, unpin(self->fd, h4, 0));
	ASSERT_EQ(0, unpin(self->fd, h2, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

/*
 * In a child: open the device as root, lower RLIMIT_MEMLOCK to 64 KiB,
 * optionally become nobody (which drops CAP_IPC_LOCK), and pin past the limit.
 */
static void pin_past_memlock(struct __test_metadata *_metadata, bool as_nobody)
{
	struct rlimit rl = { 64 << 10, 64 << 10 };
	struct pagectl_pin p;
	__u8 *buf;
	long base;
	int fd;

	fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	buf = map_anon(24 * PAGE_SZ);
	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	if (as_nobody)
		ASSERT_EQ(0, drop_to_nobody());
	base = vmpin_kb(0);
	ASSERT_LE(0, base);

	/* 32 KiB is within the limit. */
	ASSERT_EQ(0, pin(fd, uaddr(buf), 32 << 10, 0, &p));
	ASSERT_EQ(base + 32, vmpin_kb(0));

	if (as_nobody) {
		/* Without CAP_IPC_LOCK, 64 KiB more is over the limit: ENOMEM, no charge. */
		ASSERT_EQ(ENOMEM, pin(fd, uaddr(buf + 8 * PAGE_SZ), 64 << 10, 0, &p));
		ASSERT_EQ(base + 32, vmpin_kb(0));

		/* Up to the limit exactly is allowed; one page past it is not. */
		ASSERT_EQ(0, pin(fd, uaddr(buf + 8 * PAGE_SZ), 32 << 10, 0, &p));
		ASSERT_EQ(base + 64, vmpin_kb(0));
		ASSERT_EQ(ENOMEM, pin(fd, uaddr(buf + 16 * PAGE_SZ), PAGE_SZ, 0, &p));
		ASSERT_EQ(base + 64, vmpin_kb(0));
	} else {
		/* CAP_IPC_LOCK skips the limit check, but the pages are still charged. */
		ASSERT_EQ(0, pin(fd, uaddr(buf + 8 * PAGE_SZ), 64 << 10, 0, &p));
		ASSERT_EQ(base + 96, vmpin_kb(0));
	}

	/* Closing the file gives it all back. */
	close(fd);
	ASSERT_EQ(base, vmpin_kb(0));
}

TEST_F(pin, rlimit_memlock_enomem)
{
	pid_t pid;

	/* A caller without CAP_IPC_LOCK is held to RLIMIT_MEMLOCK. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		pin_past_memlock(_metadata, true);
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(pin, rlimit_memlock_cap_ipc_lock)
{
	pid_t pid;

	/* Root, with CAP_IPC_LOCK, pins past RLIMIT_MEMLOCK. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		pin_past_memlock(_metadata, false);
		_exit(_metadata->passed ? 0 : 1);
	}
	ASSERT_EQ(0, wait_exit(pid));
}

TEST_F(pin, per_file_cap_enospc)
{
	__u64 max = self->info.max_pin_pages;
	size_t len = (max + 1) * PAGE_SZ;
	struct pagectl_pin p;
	__u8 *map;
	double t0;

	ASSERT_LT(0, max);
	/* Address space only: the cap must refuse before a single page is faulted in. */
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		SKIP(return, "cannot map %zu bytes: %s", len, strerror(errno));

	/* One page over max_pin_pages is ENOSPC, at once, with nothing charged. */
	t0 = now_us();
	ASSERT_EQ(ENOSPC, pin(self->fd, uaddr(map), len, 0, &p));
	TH_LOG("%llu pages refused in %.0f us", (unsigned long long)max + 1, now_us() - t0);
	ASSERT_EQ(self->vmpin, vmpin_kb(0));

	/* The cap counts the file's pins together: with one page held, max more is too many. */
	map[0] = 1;
	ASSERT_NE(0, pin_handle(self->fd, map, PAGE_SZ, 0));
	ASSERT_EQ(ENOSPC, pin(self->fd, uaddr(map + PAGE_SZ), max * PAGE_SZ, 0, &p));
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));
	munmap(map, len);
}

TEST_F(pin, length_zero_einval)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* An empty range is refused, with nothing pinned. */
	ASSERT_EQ(EINVAL, pin(self->fd, uaddr(buf), 0, 0, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, length_wraps_eoverflow)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* addr + length wraps past 2^64. */
	ASSERT_EQ(EOVERFLOW, pin(self->fd, uaddr(buf), ~0ULL - uaddr(buf) + 2, 0, &p));
	ASSERT_EQ(EOVERFLOW, pin(self->fd, uaddr(buf), ~0ULL, 0, &p));

	/* addr + length is exactly 2^64. */
	ASSERT_EQ(EOVERFLOW, pin(self->fd, -PAGE_SZ, PAGE_SZ, 0, &p));

	/* addr + length fits, but rounding it up to a page wraps. */
	ASSERT_EQ(EOVERFLOW, pin(self->fd, -PAGE_SZ + 1, PAGE_SZ - 2, 0, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, kernel_addr_efault)
{
	struct pagectl_pin p;

	/* The direct map is not user memory. */
	ASSERT_EQ(EFAULT, pin(self->fd, 0xffff888000000000ULL, PAGE_SZ, 0, &p));
	ASSERT_EQ(EFAULT, pin(self->fd, 0xffff888000000000ULL, PAGE_SZ, PAGECTL_PIN_WRITE, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, noncanonical_addr_efault)
{
	struct pagectl_pin p;

	/* The first address above 47-bit user space (4-level paging). */
	ASSERT_EQ(EFAULT, pin(self->fd, 0x0000800000000000ULL, PAGE_SZ, 0, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, unmapped_efault)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(2 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, munmap(buf, 2 * PAGE_SZ));

	/* A range that is no longer mapped. */
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(buf), 2 * PAGE_SZ, 0, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, prot_none_efault)
{
	struct pagectl_pin p;
	void *map;

	map = mmap(NULL, 2 * PAGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);

	/* PROT_NONE memory cannot be pinned, for reading or writing. */
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(map), 2 * PAGE_SZ, 0, &p));
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(map), 2 * PAGE_SZ, PAGECTL_PIN_WRITE, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
}

TEST_F(pin, write_pin_of_readonly_efault)
{
	struct pagectl_pin p;
	void *map;

	map = mmap(NULL, PAGE_SZ, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);

	/* PAGECTL_PIN_WRITE needs memory the caller may write. */
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(map), PAGE_SZ, PAGECTL_PIN_WRITE, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));

	/* Reading is allowed. */
	ASSERT_EQ(0, pin(self->fd, uaddr(map), PAGE_SZ, 0, &p));
	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
}

TEST_F(pin, partly_unmapped_efault)
{
	struct pagectl_pin p;
	__u8 *buf;

	buf = map_anon(3 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, munmap(buf + PAGE_SZ, PAGE_SZ));

	/* The first page is fine, the second is not mapped: the whole pin fails. */
	ASSERT_EQ(EFAULT, pin(self->fd, uaddr(buf), 3 * PAGE_SZ, PAGECTL_PIN_WRITE, &p));

	/* The first page was released again: nothing pinned, nothing charged. */
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, pin_unknown_flags_eopnotsupp)
{
	struct pagectl_pin p;
	unsigned int bit;
	__u8 *buf;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* Every flag but PAGECTL_PIN_WRITE is refused, with nothing pinned. */
	for (bit = 1; bit < 32; bit++)
		ASSERT_EQ(EOPNOTSUPP, pin(self->fd, uaddr(buf), PAGE_SZ, 1U << bit, &p));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, fork_after_pin)
{
	__u64 h, pfn, child_pfn = 0;
	struct pagectl_frame f;
	int pipefd[2];
	__u8 *buf;
	pid_t pid;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 'P';
	h = pin_handle(self->fd, buf, PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	ASSERT_EQ(0, frame_at(self->fd, h, 0, &f));
	pfn = f.pfn;
	ASSERT_EQ(pfn, pagemap_pfn(buf));
	ASSERT_EQ(0, pipe(pipefd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The child writes its copy and reports the frame it maps. */
		buf[0] = 'C';
		child_pfn = pagemap_pfn(buf);
		_exit(write(pipefd[1], &child_pfn, sizeof(child_pfn)) == sizeof(child_pfn) ? 0 : 1);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(child_pfn), read(pipefd[0], &child_pfn, sizeof(child_pfn)));
	close(pipefd[0]);
	ASSERT_EQ(0, wait_exit(pid));

	/* The child wrote a page of its own, never the parent's pinned one. */
	ASSERT_EQ('P', buf[0]);
	ASSERT_NE(0, child_pfn);
	ASSERT_NE(pfn, child_pfn);

	/* The parent still maps the pinned page, so its writes reach the pin. */
	buf[0] = 'Q';
	ASSERT_EQ(pfn, pagemap_pfn(buf));
	ASSERT_EQ(0, frame_at(self->fd, h, 0, &f));
	ASSERT_EQ(pfn, f.pfn);
	ASSERT_EQ(0, unpin(self->fd, h, 0));
}

TEST_F(pin, munmap_keeps_pin)
{
	struct pagectl_frame before[4], after[4];
	struct pagectl_pin_describe d;
	unsigned int i;
	__u8 *buf;
	__u64 h;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	d = describe_arg(h, 0, 0, before, 4);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(0, munmap(buf, 4 * PAGE_SZ));

	/* The pin holds the pages, not the mapping: same frames, still pinned. */
	d = describe_arg(h, 0, 0, after, 4);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(4, d.nr_records);
	ASSERT_EQ(uaddr(buf), d.start);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(before[i].pfn, after[i].pfn);
		ASSERT_EQ(PINNED_FLAGS, after[i].flags & PINNED_FLAGS);
	}

	/* They stay charged and held until UNPIN. */
	ASSERT_EQ(self->vmpin + 16, vmpin_kb(0));
	ASSERT_EQ(4, pins_outstanding());
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, madv_dontneed_keeps_pin)
{
	struct pagectl_frame f;
	__u64 h, pfn;
	__u8 *buf;

	buf = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, buf);
	buf[0] = 'A';
	h = pin_handle(self->fd, buf, PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	ASSERT_EQ(0, frame_at(self->fd, h, 0, &f));
	pfn = f.pfn;

	/*
	 * MADV_DONTNEED zaps the page table entry. The pin keeps the old page
	 * allocated but unmapped; the next touch faults in a fresh zeroed page,
	 * so the user and the pin now see different memory.
	 */
	ASSERT_EQ(0, madvise(buf, PAGE_SZ, MADV_DONTNEED));
	ASSERT_EQ(0, buf[0]);
	buf[0] = 'B';
	ASSERT_NE(0, pagemap_pfn(buf));
	ASSERT_NE(pfn, pagemap_pfn(buf));

	/* The pin still describes the original page, pinned and charged. */
	ASSERT_EQ(0, frame_at(self->fd, h, 0, &f));
	ASSERT_EQ(pfn, f.pfn);
	ASSERT_EQ(PINNED_FLAGS, f.flags & PINNED_FLAGS);
	ASSERT_EQ(self->vmpin + 4, vmpin_kb(0));

	/* UNPIN lets the old page go. */
	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(pin, mremap_keeps_pin)
{
	struct pagectl_frame before[4], after[4];
	struct pagectl_pin_describe d;
	__u8 *buf, *dst, *moved;
	unsigned int i;
	__u64 h;

	buf = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, buf);
	dst = mmap(NULL, 4 * PAGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, dst);
	h = pin_handle(self->fd, buf, 4 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, h);
	d = describe_arg(h, 0, 0, before, 4);
	ASSERT_EQ(0, describe(self->fd, &d));

	moved = mremap(buf, 4 * PAGE_SZ, 4 * PAGE_SZ, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(dst, moved);

	/* The pin keeps the start PIN reported and the same pinned frames. */
	d = describe_arg(h, 0, 0, after, 4);
	ASSERT_EQ(0, describe(self->fd, &d));
	ASSERT_EQ(uaddr(buf), d.start);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(before[i].pfn, after[i].pfn);
		ASSERT_EQ(PINNED_FLAGS, after[i].flags & PINNED_FLAGS);
	}

	/* mremap moved page table entries, not pages: the new mapping maps the pinned frames. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(before[i].pfn, pagemap_pfn(moved + i * PAGE_SZ));

	ASSERT_EQ(0, unpin(self->fd, h, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	munmap(moved, 4 * PAGE_SZ);
}

#define NR_PINS		100000
#define SCALE_PAGES	2048	/* ~49 pins a page: ~50,000 references, far from overflow */

/* Mean time of a PIN_DESCRIBE with max_records 0 for each of @n pins, in us; -1 on error. */
static double describe_us(int fd, const __u64 *handles, unsigned int n)
{
	struct pagectl_pin_describe d;
	unsigned int i;
	double t0;

	t0 = now_us();
	for (i = 0; i < n; i++) {
		d = describe_arg(handles[i], 0, 0, NULL, 0);
		if (describe(fd, &d))
			return -1;
	}
	return (now_us() - t0) / n;
}

TEST_F_TIMEOUT(pin, many_pins, 240)
{
	double first, last, t0;
	__u64 *h, *sorted;
	unsigned int i;
	__u8 *buf;

	buf = map_anon(SCALE_PAGES * PAGE_SZ);
	h = calloc(NR_PINS, sizeof(*h));
	sorted = calloc(NR_PINS, sizeof(*sorted));
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, h);
	ASSERT_NE(NULL, sorted);

	/* 100,000 single-page pins on one file, spread over 2048 pages. */
	t0 = now_us();
	for (i = 0; i < NR_PINS; i++) {
		h[i] = pin_handle(self->fd, buf + (i % SCALE_PAGES) * PAGE_SZ, PAGE_SZ, 0);
		ASSERT_NE(0, h[i]);
	}
	TH_LOG("pin: %.2f us each", (now_us() - t0) / NR_PINS);
	ASSERT_EQ(self->vmpin + NR_PINS * 4L, vmpin_kb(0));

	/* Every handle is distinct. */
	memcpy(sorted, h, NR_PINS * sizeof(*h));
	qsort(sorted, NR_PINS, sizeof(*sorted), cmp_u64);
	for (i = 1; i < NR_PINS; i++)
		ASSERT_NE(sorted[i - 1], sorted[i]);

	/* Lookup of the oldest and the newest 1000 pins, for the record only. */
	first = describe_us(self->fd, h, 1000);
	last = describe_us(self->fd, h + NR_PINS - 1000, 1000);
	ASSERT_LE(0, first);
	ASSERT_LE(0, last);
	TH_LOG("describe: first 1000 pins %.2f us each, last 1000 %.2f us each", first, last);

	/* Unpin them all, newest first. */
	t0 = now_us();
	for (i = NR_PINS; i-- > 0;)
		ASSERT_EQ(0, unpin(self->fd, h[i], 0));
	TH_LOG("unpin: %.2f us each", (now_us() - t0) / NR_PINS);
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
	free(sorted);
	free(h);
}

#define NR_THREADS	8
#define CHURN_ROUNDS	2000

struct churn {
	int fd;
	__u8 *page;
	unsigned int errors;
	int first_errno;
};

static void churn_error(struct churn *c, int err)
{
	if (!c->errors++)
		c->first_errno = err;
}

/* A thread: pin, describe and unpin one page, over and over. */
static void *churn(void *arg)
{
	struct churn *c = arg;
	struct pagectl_frame f;
	unsigned int i;
	int ret;
	__u64 h;

	for (i = 0; i < CHURN_ROUNDS; i++) {
		h = pin_handle(c->fd, c->page, PAGE_SZ, PAGECTL_PIN_WRITE);
		if (!h) {
			churn_error(c, errno);
			continue;
		}
		ret = frame_at(c->fd, h, 0, &f);
		if (!ret && !(f.flags & PAGECTL_PAGE_MAYBE_DMA_PINNED))
			ret = EPROTO;
		if (ret)
			churn_error(c, ret);
		ret = unpin(c->fd, h, 0);
		if (ret)
			churn_error(c, ret);
	}
	return NULL;
}

TEST_F_TIMEOUT(pin, threads_pin_unpin, 120)
{
	struct churn c[NR_THREADS];
	pthread_t tid[NR_THREADS];
	__u8 *buf;
	int i;

	buf = map_anon(NR_THREADS * PAGE_SZ);
	ASSERT_NE(NULL, buf);

	/* Eight threads on one file at once: half share one page, half have their own. */
	for (i = 0; i < NR_THREADS; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].fd = self->fd;
		c[i].page = buf + (i < NR_THREADS / 2 ? 0 : i) * PAGE_SZ;
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, churn, &c[i]));
	}
	for (i = 0; i < NR_THREADS; i++)
		ASSERT_EQ(0, pthread_join(tid[i], NULL));

	/* Every call of every thread succeeded. */
	for (i = 0; i < NR_THREADS; i++) {
		if (c[i].errors)
			TH_LOG("thread %d: %u errors, the first %s", i, c[i].errors,
			       strerror(c[i].first_errno));
		ASSERT_EQ(0, c[i].errors);
	}

	/* Nothing stays pinned or charged. */
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F_TIMEOUT(pin, one_gib_pin, 240)
{
	const size_t len = 1UL << 30;
	struct pagectl_extent *ext;
	long avail, n, k;
	struct pagectl_pin p;
	__u64 sum = 0;
	double t0;
	void *map;
	int ret;

	/* The OOM killer, not ENOMEM, would answer a guest that is short of memory. */
	avail = proc_field("/proc/meminfo", "MemAvailable");
	if (avail >= 0 && avail < (long)(len >> 10) + (128L << 10))
		SKIP(return, "1 GiB pin: only %ld kB available", avail);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, map);

	/* One writable pin faults in and pins 1 GiB; root's CAP_IPC_LOCK lifts the rlimit. */
	t0 = now_us();
	ret = pin(self->fd, uaddr(map), len, PAGECTL_PIN_WRITE, &p);
	if (ret == ENOMEM) {
		TH_LOG("1 GiB pin: ENOMEM with %ld kB available",
		       proc_field("/proc/meminfo", "MemAvailable"));
		munmap(map, len);
		SKIP(return, "1 GiB pin: ENOMEM, the guest could not back it");
	}
	ASSERT_EQ(0, ret);
	TH_LOG("1 GiB pin: %.0f ms", (now_us() - t0) / 1000);
	ASSERT_EQ(len / PAGE_SZ, p.npages);
	ASSERT_EQ(self->vmpin + (long)(len >> 10), vmpin_kb(0));

	/* Its extents cover it exactly. */
	ext = calloc(p.npages, sizeof(*ext));
	ASSERT_NE(NULL, ext);
	n = get_extents(self->fd, p.handle, ext, 4096);
	ASSERT_LT(0, n);
	for (k = 0; k < n; k++)
		sum += ext[k].length;
	ASSERT_EQ(len, sum);
	TH_LOG("1 GiB pin: %ld extents", n);

	ASSERT_EQ(0, unpin(self->fd, p.handle, 0));
	ASSERT_EQ(self->vmpin, vmpin_kb(0));
	free(ext);
	munmap(map, len);
}

/* TIMER: two pinned pages of counters, zeroed, pinned for writing. */
FIXTURE(timer) {
	int fd;
	__u64 *page;
	__u64 handle;
};

FIXTURE_SETUP(timer)
{
	char why[128];

	self->fd = device_open(PAGECTL_FEATURE_PIN | PAGECTL_FEATURE_TIMER, NULL, why,
			       sizeof(why));
	if (self->fd < 0)
		SETUP_SKIP("%s", why);
	self->page = map_anon(2 * PAGE_SZ);
	ASSERT_NE(NULL, self->page);
	memset(self->page, 0, 2 * PAGE_SZ);
	self->handle = pin_handle(self->fd, self->page, 2 * PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, self->handle);
}

FIXTURE_TEARDOWN(timer)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->page)
		munmap(self->page, 2 * PAGE_SZ);
	/* Every pin the test made is released by now. */
	EXPECT_EQ(0, pins_outstanding());
}

TEST_F(timer, counts_without_syscalls)
{
	__u64 *c = self->page, ticks, v1, v2, v3;

	/* Armed at offset 8 with a 1 ms period, it counts there and nowhere else. */
	ASSERT_EQ(0, timer(self->fd, self->handle, 0, 8, PERIOD_NS, &ticks));
	ASSERT_EQ(0, ticks);
	msleep(100);
	v1 = counter(&c[1]);
	ASSERT_LT(0, v1);
	ASSERT_EQ(0, counter(&c[0]));
	ASSERT_EQ(0, counter(&c[2]));

	/* It keeps counting, read with plain loads, no system call. */
	msleep(50);
	v2 = counter(&c[1]);
	ASSERT_LT(v1, v2);

	/* DISARM reports every increment made, and the counter stops. */
	ASSERT_EQ(0, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 0, 0, &ticks));
	v3 = counter(&c[1]);
	ASSERT_LE(v2, ticks);
	ASSERT_EQ(v3, ticks);
	msleep(50);
	ASSERT_EQ(v3, counter(&c[1]));
}

TEST_F(timer, rearm_replaces)
{
	__u64 *c = self->page, ticks, old;

	ASSERT_EQ(0, timer(self->fd, self->handle, 0, 8, PERIOD_NS, NULL));
	msleep(30);

	/* Arming again moves the counter: the old timer's ticks come back and its word stops. */
	ASSERT_EQ(0, timer(self->fd, self->handle, 0, 16, PERIOD_NS, &ticks));
	old = counter(&c[1]);
	ASSERT_LT(0, ticks);
	ASSERT_EQ(old, ticks);
	msleep(50);
	ASSERT_EQ(old, counter(&c[1]));
	ASSERT_LT(0, counter(&c[2]));

	/* The replacement is the pin's one timer: DISARM stops it and reports its own ticks. */
	ASSERT_EQ(0, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 0, 0, &ticks));
	ASSERT_EQ(counter(&c[2]), ticks);
}

TEST_F(timer, disarm_without_timer)
{
	__u64 ticks = 1;

	/* Disarming a pin that has no timer succeeds with no ticks. */
	ASSERT_EQ(0, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 0, 0, &ticks));
	ASSERT_EQ(0, ticks);
}

TEST_F(timer, unpin_stops)
{
	__u64 *c = self->page, v;

	ASSERT_EQ(0, timer(self->fd, self->handle, 0, 8, PERIOD_NS, NULL));
	msleep(30);

	/* UNPIN stops the timer first: the counter stays still afterwards. */
	ASSERT_EQ(0, unpin(self->fd, self->handle, 0));
	v = counter(&c[1]);
	ASSERT_LT(0, v);
	msleep(50);
	ASSERT_EQ(v, counter(&c[1]));

	/* The timer went with its pin. */
	ASSERT_EQ(ENOENT, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 0, 0, NULL));
}

TEST_F(timer, close_stops)
{
	__u64 *c = self->page, v;

	ASSERT_EQ(0, timer(self->fd, self->handle, 0, 8, PERIOD_NS, NULL));
	msleep(30);

	/* The last close stops the timer and releases the pin. */
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	v = counter(&c[1]);
	ASSERT_LT(0, v);
	msleep(50);
	ASSERT_EQ(v, counter(&c[1]));
	ASSERT_EQ(0, pins_outstanding());
}

TEST_F(timer, read_pin_eacces)
{
	__u64 h;

	h = pin_handle(self->fd, self->page, PAGE_SZ, 0);
	ASSERT_NE(0, h);

	/* The kernel writes only pages pinned for writing. */
	ASSERT_EQ(EACCES, timer(self->fd, h, 0, 8, PERIOD_NS, NULL));
	msleep(20);
	ASSERT_TRUE(all_zero(self->page, 2 * PAGE_SZ));
}

TEST_F(timer, offset_misaligned_einval)
{
	/* The counter is a naturally aligned 64-bit word. */
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, 0, 1, PERIOD_NS, NULL));
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, 0, 4, PERIOD_NS, NULL));
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, 0, 12, PERIOD_NS, NULL));
	msleep(20);
	ASSERT_TRUE(all_zero(self->page, 2 * PAGE_SZ));
}

TEST_F(timer, offset_beyond_pin_einval)
{
	/* The counter must lie inside the two pinned pages, also where offset + 8 wraps. */
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, 0, 2 * PAGE_SZ, PERIOD_NS, NULL));
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, 0, 1ULL << 40, PERIOD_NS, NULL));
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, 0, ~7ULL, PERIOD_NS, NULL));
	msleep(20);
	ASSERT_TRUE(all_zero(self->page, 2 * PAGE_SZ));

	/* The last word of the pin is fine. */
	ASSERT_EQ(0, timer(self->fd, self->handle, 0, 2 * PAGE_SZ - 8, PERIOD_NS, NULL));
	msleep(20);
	ASSERT_LT(0, counter(&self->page[2 * PAGE_SZ / 8 - 1]));
}

TEST_F(timer, period_too_short_einval)
{
	/* Below PAGECTL_TIMER_MIN_PERIOD_NS, zero included, is refused. */
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, 0, 8, 0, NULL));
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, 0, 8,
				PAGECTL_TIMER_MIN_PERIOD_NS - 1, NULL));
	msleep(20);
	ASSERT_TRUE(all_zero(self->page, 2 * PAGE_SZ));

	/* The minimum itself is accepted. */
	ASSERT_EQ(0, timer(self->fd, self->handle, 0, 8, PAGECTL_TIMER_MIN_PERIOD_NS, NULL));
	ASSERT_EQ(0, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 0, 0, NULL));
}

TEST_F(timer, disarm_with_arguments_einval)
{
	ASSERT_EQ(0, timer(self->fd, self->handle, 0, 8, SLOW_NS, NULL));

	/* DISARM takes no offset and no period. */
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 8, 0, NULL));
	ASSERT_EQ(EINVAL, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 0, SLOW_NS, NULL));

	/* The timer is still armed: a valid DISARM finds it. */
	ASSERT_EQ(0, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 0, 0, NULL));
}

TEST_F(timer, unknown_handle_enoent)
{
	__u64 theirs;
	int other;

	other = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	theirs = pin_handle(other, self->page, PAGE_SZ, PAGECTL_PIN_WRITE);
	ASSERT_NE(0, theirs);
	if (theirs == self->handle)
		theirs = other_handle(other, self->page, theirs);
	ASSERT_NE(self->handle, theirs);

	/* A target that is no pin of this file, including another file's. */
	ASSERT_EQ(ENOENT, timer(self->fd, 0, 0, 8, PERIOD_NS, NULL));
	ASSERT_EQ(ENOENT, timer(self->fd, self->handle + 1, 0, 8, PERIOD_NS, NULL));
	ASSERT_EQ(ENOENT, timer(self->fd, theirs, 0, 8, PERIOD_NS, NULL));
	ASSERT_EQ(ENOENT, timer(self->fd, 0, PAGECTL_TIMER_DISARM, 0, 0, NULL));
	msleep(20);
	ASSERT_TRUE(all_zero(self->page, 2 * PAGE_SZ));
	close(other);
}

TEST_F(timer, unknown_flags_eopnotsupp)
{
	unsigned int bit;

	/* Bit 0 (buffer targets) is not in this release, bits 2 to 31 mean nothing. */
	for (bit = 0; bit < 32; bit++) {
		if (1U << bit == PAGECTL_TIMER_DISARM)
			continue;
		ASSERT_EQ(EOPNOTSUPP, timer(self->fd, self->handle, 1U << bit, 8, PERIOD_NS,
					    NULL));
	}
	msleep(20);
	ASSERT_TRUE(all_zero(self->page, 2 * PAGE_SZ));
}

TEST_F(timer, max_per_file_enospc)
{
	__u64 h[PAGECTL_TIMER_MAX_PER_FILE + 1];
	const unsigned int max = PAGECTL_TIMER_MAX_PER_FILE;
	unsigned int i;

	for (i = 0; i <= max; i++) {
		h[i] = pin_handle(self->fd, self->page, PAGE_SZ, PAGECTL_PIN_WRITE);
		ASSERT_NE(0, h[i]);
	}

	/* 64 timers, one per pin, each on its own counter. */
	for (i = 0; i < max; i++)
		ASSERT_EQ(0, timer(self->fd, h[i], 0, 8 * i, SLOW_NS, NULL));

	/* The 65th is refused. */
	ASSERT_EQ(ENOSPC, timer(self->fd, h[max], 0, 8 * max, SLOW_NS, NULL));

	/* Re-arming one of the 64 replaces it: it does not count twice. */
	ASSERT_EQ(0, timer(self->fd, h[0], 0, 0, SLOW_NS, NULL));

	/* Once one is disarmed there is room again. */
	ASSERT_EQ(0, timer(self->fd, h[1], PAGECTL_TIMER_DISARM, 0, 0, NULL));
	ASSERT_EQ(0, timer(self->fd, h[max], 0, 8 * max, SLOW_NS, NULL));
}

TEST_HARNESS_MAIN
