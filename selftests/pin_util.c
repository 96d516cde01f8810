// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the pin, pin scale and timer selftests.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <dirent.h>
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/mempolicy.h>
#include <linux/pagectl.h>

#include "pin_util.h"

__u64 uaddr(const void *p)
{
	return (uintptr_t)p;
}

void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int read_file(const char *path, char *buf, size_t size)
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

int write_file(const char *path, const char *s)
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
long proc_field(const char *path, const char *key)
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
long vmpin_kb(pid_t pid)
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
long long pins_outstanding(void)
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
__u64 proc_u64(const char *path, __u64 index)
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
__u64 pagemap_pfn(const void *addr)
{
	__u64 entry = proc_u64("/proc/self/pagemap", uaddr(addr) / PAGE_SZ);

	/* Bit 63: present; bits 0-54: the frame. */
	return entry >> 63 ? entry & ((1ULL << 55) - 1) : 0;
}

/* The page at @addr is part of a transparent huge page. */
bool is_thp(const void *addr)
{
	__u64 pfn = pagemap_pfn(addr);

	return pfn && (proc_u64("/proc/kpageflags", pfn) >> KPF_THP & 1);
}

/* The node of the page at @addr as get_mempolicy() reports it; 0 without NUMA. */
int page_node(const void *addr)
{
	int node = -1;

	if (syscall(SYS_get_mempolicy, &node, NULL, 0UL, addr, MPOL_F_NODE | MPOL_F_ADDR))
		return access("/sys/devices/system/node", F_OK) ? 0 : -1;
	return node;
}

/* The running kernel is @major.@minor or later. */
bool kernel_at_least(int major, int minor)
{
	int ma = 0, mi = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* Wait for @pid; its exit status, or -1 if it did not exit normally. */
int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Wait for @pid; the signal that ended it, 0 if it exited, -1 on error. */
int wait_signal(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* In a child: become nobody, without supplementary groups or capabilities. */
int drop_to_nobody(void)
{
	return setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY) ? -1 : 0;
}

int user_proc_start(struct user_proc *p, uid_t uid, gid_t gid, int dumpable,
		    __u8 *page)
{
	int up[2], down[2];
	char c = 0;

	if (pipe(up))
		return -1;
	if (pipe(down)) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	p->pid = fork();
	if (!p->pid) {
		close(up[0]);
		close(down[1]);
		page[0] = 1;
		if (uid && (setgroups(0, NULL) || setgid(gid) || setuid(uid)))
			_exit(2);
		/* A change of uid left it non-dumpable; execve() would not. */
		if (prctl(PR_SET_DUMPABLE, dumpable) || write(up[1], &c, 1) != 1)
			_exit(3);
		_exit(read(down[0], &c, 1) == 0 ? 0 : 1);
	}
	close(up[1]);
	close(down[0]);
	p->ctl = down[1];
	/* Nothing to read: the fork failed, or the child failed a step. */
	if (p->pid < 0 || read(up[0], &c, 1) != 1) {
		close(up[0]);
		close(p->ctl);
		if (p->pid > 0)
			waitpid(p->pid, NULL, 0);
		return -1;
	}
	close(up[0]);
	return 0;
}

int user_proc_stop(struct user_proc *p)
{
	close(p->ctl);
	return wait_exit(p->pid);
}

/*
 * Open the device for a test that needs @features; the fd, or -1 with the
 * reason to skip in @why.
 */
/* The names of the feature bits in @features, each after a space. */
static const char *feature_names(__u64 features)
{
	static const char * const names[] = {
		"INFO", "PIN", "WALK", "BUF", "TIMER", "BUF_HUGE", "HUGE_MAP", "WATCH",
		"PIN_CHECK", NULL,
	};
	static char buf[128];
	unsigned int known = 0;
	size_t n = 0;

	while (names[known])
		known++;
	buf[0] = 0;
	for (unsigned int i = 0; i < 64 && n < sizeof(buf); i++) {
		if (!(features & (1ULL << i)))
			continue;
		if (i < known)
			n += snprintf(buf + n, sizeof(buf) - n, " %s", names[i]);
		else
			n += snprintf(buf + n, sizeof(buf) - n, " bit%u", i);
	}
	return buf;
}

int device_open(__u64 features, struct pagectl_info *info, char *why, size_t len)
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
	if (ioctl(fd, PAGECTL_GET_INFO, info)) {
		snprintf(why, len, "GET_INFO: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if ((info->features & features) != features) {
		snprintf(why, len, "the module lacks%s", feature_names(features & ~info->features));
		close(fd);
		return -1;
	}
	return fd;
}

/* ioctl() as 0 or its errno, so that one ASSERT shows which errno came back. */
int call(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

int pin(int fd, __u64 addr, __u64 length, __u32 flags, struct pagectl_pin *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->flags = flags;
	p->addr = addr;
	p->length = length;
	return call(fd, PAGECTL_PIN, p);
}

/* The handle of a new pin of @length bytes at @addr, 0 if PIN failed. */
__u64 pin_handle(int fd, const void *addr, __u64 length, __u32 flags)
{
	struct pagectl_pin p;

	return pin(fd, uaddr(addr), length, flags, &p) ? 0 : p.handle;
}

int unpin(int fd, __u64 handle, __u32 flags)
{
	struct pagectl_unpin u = {
		.size = sizeof(u),
		.flags = flags,
		.handle = handle,
	};

	return call(fd, PAGECTL_UNPIN, &u);
}

/* A PIN_DESCRIBE argument for up to @max records of the kind @flags asks for. */
struct pagectl_pin_describe describe_arg(__u64 handle, __u32 flags, __u64 cursor,
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

int describe(int fd, struct pagectl_pin_describe *d)
{
	return call(fd, PAGECTL_PIN_DESCRIBE, d);
}

/* The frame of page @index of a pin; 0 or an errno. */
int frame_at(int fd, __u64 handle, __u64 index, struct pagectl_frame *f)
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
long get_extents(int fd, __u64 handle, struct pagectl_extent *ext, __u32 chunk)
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
int timer(int fd, __u64 handle, __u32 flags, __u64 offset, __u64 period_ns,
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
__u64 counter(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Private anonymous memory, every page written so that none is the zero page. */
void *map_anon(size_t len)
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
void *map_thp(size_t len)
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
void set_hugepages(long pages)
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
void *map_hugetlb(size_t len, long *old_pool, char *why, size_t why_len)
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

/* @len bytes of @file, sized and mapped MAP_SHARED, written; @what names it in @why. */
static void *map_shared_file(int file, size_t len, const char *what, char *why,
			     size_t why_len)
{
	void *p = MAP_FAILED;

	if (!ftruncate(file, len))
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
	if (p == MAP_FAILED) {
		snprintf(why, why_len, "%s: %s", what, strerror(errno));
		return NULL;
	}
	memset(p, 0x5a, len);
	return p;
}

/* A MAP_SHARED memfd of @len bytes, written. */
void *map_memfd(size_t len, int *file, char *why, size_t why_len)
{
	*file = memfd_create("pin_test", MFD_CLOEXEC);
	if (*file < 0) {
		snprintf(why, why_len, "memfd: %s", strerror(errno));
		return NULL;
	}
	return map_shared_file(*file, len, "memfd", why, why_len);
}

/* A new, already unlinked file in $PAGECTL_EXT4_DIR; -1 with the reason in @why. */
int ext4_tmpfile(char *why, size_t why_len)
{
	const char *dir = getenv("PAGECTL_EXT4_DIR");
	char path[PATH_MAX];
	struct statfs sf;
	int file;

	if (!dir) {
		snprintf(why, why_len, "PAGECTL_EXT4_DIR (a mounted ext4 directory) not set");
		return -1;
	}
	if (statfs(dir, &sf) || sf.f_type != EXT4_SUPER_MAGIC) {
		snprintf(why, why_len, "%s is not on ext4", dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/pagectl_test.XXXXXX", dir);
	file = mkostemp(path, O_CLOEXEC);
	if (file < 0) {
		snprintf(why, why_len, "cannot create a file in %s: %s", dir, strerror(errno));
		return -1;
	}
	unlink(path);
	return file;
}

/* A MAP_SHARED mapping of a new file in $PAGECTL_EXT4_DIR, written (dirty). */
void *map_ext4(size_t len, int *file, char *why, size_t why_len)
{
	*file = ext4_tmpfile(why, why_len);
	if (*file < 0)
		return NULL;
	return map_shared_file(*file, len, "ext4 file", why, why_len);
}

/* Every 64-bit word of the @len bytes at @p is zero. */
bool all_zero(const __u64 *p, size_t len)
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
__u64 other_handle(int fd, const void *page, __u64 taken)
{
	__u64 h = pin_handle(fd, page, PAGE_SZ, PAGECTL_PIN_WRITE);

	if (h && unpin(fd, taken, 0))
		return 0;
	return h;
}

int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Fault injection (CONFIG_FAULT_INJECTION, failslab, fail_page_alloc): the
 * knobs that must change for /proc/thread-self/fail-nth to fail the
 * GFP_KERNEL allocations of a command, quietly. They hold these values only
 * while a swept call runs, so no assertion can leave them changed.
 */
#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define NR_FAULT_KNOBS	6

/* Knobs that make fail-nth fail sleeping allocations, and quietly. */
static const char *const fault_knobs[NR_FAULT_KNOBS][2] = {
	{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/failslab/verbose", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
};

/* The knobs' values as fail_sweep_begin() found them. */
static char saved_knobs[NR_FAULT_KNOBS][16];

static void restore_knobs(void)
{
	unsigned int i;

	for (i = 0; i < NR_FAULT_KNOBS; i++)
		write_file(fault_knobs[i][0], saved_knobs[i]);
}

int fail_sweep_begin(struct fail_sweep *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (access(FAIL_NTH, W_OK)) {
		snprintf(s->why, sizeof(s->why),
			 "no fail-nth in this kernel (CONFIG_FAULT_INJECTION)");
		return -1;
	}
	for (i = 0; i < NR_FAULT_KNOBS; i++) {
		if (read_file(fault_knobs[i][0], saved_knobs[i], sizeof(saved_knobs[i]))) {
			snprintf(s->why, sizeof(s->why),
				 "no failslab and fail_page_alloc in debugfs");
			return -1;
		}
		saved_knobs[i][strcspn(saved_knobs[i], "\n")] = '\0';
	}
	return 0;
}

bool fail_sweep_next(struct fail_sweep *s)
{
	unsigned int i;
	char arm[16];

	if (s->done || s->nth >= FAIL_SWEEP_MAX)
		return false;
	/* The knobs first: writing them allocates, which would use up the count. */
	for (i = 0; i < NR_FAULT_KNOBS; i++)
		if (write_file(fault_knobs[i][0], fault_knobs[i][1]))
			goto err_knobs;
	/* Open per round, so that the sweep holds no descriptor between calls. */
	s->fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (s->fd < 0)
		goto err_knobs;
	snprintf(arm, sizeof(arm), "%d", ++s->nth);
	if (pwrite(s->fd, arm, strlen(arm), 0) <= 0)
		goto err_close;
	return true;

err_close:
	close(s->fd);
	s->fd = -1;
err_knobs:
	restore_knobs();
	return false;
}

void fail_sweep_hit(struct fail_sweep *s, int ret)
{
	char left[16] = "";
	ssize_t n = pread(s->fd, left, sizeof(left) - 1, 0);

	pwrite(s->fd, "0", 1, 0);
	close(s->fd);
	s->fd = -1;
	restore_knobs();
	s->ret = ret;
	/* What is left of the count is 0 once the failure has been injected. */
	s->hit = n > 0 && !atoi(left);
	if (s->hit && ret)
		s->injected++;
	/* A call that succeeded without reaching the failure: all were covered. */
	if (!ret && !s->hit)
		s->done = true;
}

/* Descriptors open in this process, less the one that counts them. */
static long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	long n = -1;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int leftovers(int fd, struct leftovers *l)
{
	struct pagectl_pin_range r;
	struct pagectl_pin_check pc = {
		.size = sizeof(pc),
		.addr = uaddr(&r),
		.length = 1,
		.records = uaddr(&r),
		.record_size = sizeof(r),
		.max_records = 1,
	};

	memset(l, 0, sizeof(*l));
	l->fds = open_fds();
	l->files = proc_field("/proc/pagectl", "open files");
	l->pins = proc_field("/proc/pagectl", "pins");
	l->pinned_pages = proc_field("/proc/pagectl", "pinned pages");
	l->timers = proc_field("/proc/pagectl", "timers");
	l->buffers = proc_field("/proc/pagectl", "buffers");
	if (l->fds < 0 || l->files < 0 || l->pins < 0 || l->pinned_pages < 0 ||
	    l->timers < 0 || l->buffers < 0)
		return -1;
	/* Any range of the caller's will do: only the limits are read. */
	if (call(fd, PAGECTL_PIN_CHECK, &pc))
		return -1;
	l->locked_pages = pc.locked_pages;
	return 0;
}

/* The module file: $PAGECTL_MODULE, or the one installed for this kernel. */
static char module_path[512];

int find_module(void)
{
	const char *env = getenv("PAGECTL_MODULE");
	struct utsname u;

	if (env) {
		snprintf(module_path, sizeof(module_path), "%s", env);
	} else {
		uname(&u);
		snprintf(module_path, sizeof(module_path),
			 "/lib/modules/%s/extra/pagectl.ko", u.release);
	}
	return access(module_path, R_OK);
}

int module_loaded(void)
{
	return access("/sys/module/pagectl", F_OK) == 0;
}

/* Returns 0 or an errno. */
int load_module(const char *params)
{
	int fd, ret;

	fd = open(module_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? errno : 0;
	close(fd);
	return ret;
}

int unload_module(void)
{
	return syscall(SYS_delete_module, "pagectl", O_NONBLOCK) ? errno : 0;
}

int reload_module(const char *params)
{
	if (module_loaded()) {
		int ret = unload_module();

		if (ret)
			return ret;
	}
	return load_module(params);
}

int send_fd(int sock, int fd, int flags)
{
	char b = 'x', ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &m, flags) == 1 ? 0 : -1;
}

int recv_fd(int sock, int flags)
{
	char b, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &m, flags | MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}
