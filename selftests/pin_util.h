/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the pin, pin scale and timer selftests: reading /proc,
 * mapping each memory type, and the pagectl commands as 0-or-errno calls.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_PIN_UTIL_H
#define _PAGECTL_PIN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <linux/pagectl.h>

#define DEVICE		"/dev/pagectl"
#define NOBODY		65534
#define OTHER_UID	4243		/* a uid and gid nobody else has */
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
 * SKIP from FIXTURE_SETUP, or from inside FAIL_SWEEP(). The 6.1 harness still
 * runs the test body after a SKIP that returns from setup, so leave the way a
 * failed ASSERT does.
 */
#define SETUP_SKIP(fmt, ...) SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

__u64 uaddr(const void *p);

void msleep(unsigned int ms);

double now_us(void);

int read_file(const char *path, char *buf, size_t size);

int write_file(const char *path, const char *s);

long proc_field(const char *path, const char *key);

long vmpin_kb(pid_t pid);

long long pins_outstanding(void);

__u64 proc_u64(const char *path, __u64 index);

__u64 pagemap_pfn(const void *addr);

bool is_thp(const void *addr);

int page_node(const void *addr);

bool kernel_at_least(int major, int minor);

int wait_exit(pid_t pid);

int wait_signal(pid_t pid);

int drop_to_nobody(void);

/* A process of some user, which wrote its page and waits until @ctl is closed. */
struct user_proc {
	pid_t pid;
	int ctl;
};

/*
 * Start a process of @uid and @gid (the caller's own when @uid is 0) that writes
 * to @page and waits, dumpable as execve() of an ordinary program leaves it
 * or not, as @dumpable says: 0 or -1. user_proc_stop() ends it: 0 when it
 * exited as it should.
 */
int user_proc_start(struct user_proc *p, uid_t uid, gid_t gid, int dumpable,
		    __u8 *page);
int user_proc_stop(struct user_proc *p);

int device_open(__u64 features, struct pagectl_info *info, char *why, size_t len);

int call(int fd, unsigned long cmd, void *arg);

int pin(int fd, __u64 addr, __u64 length, __u32 flags, struct pagectl_pin *p);

__u64 pin_handle(int fd, const void *addr, __u64 length, __u32 flags);

int unpin(int fd, __u64 handle, __u32 flags);

struct pagectl_pin_describe describe_arg(__u64 handle, __u32 flags, __u64 cursor,
					 void *records, __u32 max);

int describe(int fd, struct pagectl_pin_describe *d);

int frame_at(int fd, __u64 handle, __u64 index, struct pagectl_frame *f);

long get_extents(int fd, __u64 handle, struct pagectl_extent *ext, __u32 chunk);

int timer(int fd, __u64 handle, __u32 flags, __u64 offset, __u64 period_ns,
	  __u64 *ticks);

__u64 counter(const __u64 *p);

void *map_anon(size_t len);

void *map_thp(size_t len);

void set_hugepages(long pages);

void *map_hugetlb(size_t len, long *old_pool, char *why, size_t why_len);

void *map_memfd(size_t len, int *file, char *why, size_t why_len);

int ext4_tmpfile(char *why, size_t why_len);

void *map_ext4(size_t len, int *file, char *why, size_t why_len);

bool all_zero(const __u64 *p, size_t len);

__u64 other_handle(int fd, const void *page, __u64 taken);

int cmp_u64(const void *a, const void *b);

/*
 * A fail-nth sweep: fail the 1st, 2nd, ... allocation of one call until a
 * call gets through without reaching the failure, so every allocation it
 * makes has failed once. In a TEST_F:
 *
 *	FAIL_SWEEP(&s, the call) {
 *		if (!s.ret) {
 *			undo the call;
 *			continue;
 *		}
 *		ASSERT_EQ(ENOMEM, s.ret);
 *		... and nothing is left behind
 *	}
 *	ASSERT_LT(0, s.injected);
 *
 * The call is an expression that is 0 or an errno. Without fault injection
 * the test is skipped; a test that must know before it sets up asks
 * fail_sweep_begin() first. The failslab and fail_page_alloc knobs are set
 * and fail-nth is open only while the call runs: whichever assertion ends
 * the test, the knobs are back and the sweep holds no descriptor.
 */
#define FAIL_SWEEP_MAX	1000

struct fail_sweep {
	int fd;		/* /proc/thread-self/fail-nth, during a call */
	int nth;	/* the allocation failed in this round */
	int ret;	/* what this round's call returned: 0 or an errno */
	int injected;	/* rounds whose call failed at the injected failure */
	bool hit;	/* this round's failure was reached */
	bool done;	/* a call got through without reaching it */
	char why[128];	/* why fail_sweep_begin() failed */
};

int fail_sweep_begin(struct fail_sweep *s);
bool fail_sweep_next(struct fail_sweep *s);
void fail_sweep_hit(struct fail_sweep *s, int ret);

#define FAIL_SWEEP(_s, _call)							\
	for (struct fail_sweep *__sweep = ({					\
		struct fail_sweep *__s = (_s);					\
										\
		if (fail_sweep_begin(__s))					\
			SETUP_SKIP("%s", __s->why);				\
		__s;								\
	     });								\
	     fail_sweep_next(__sweep) && (fail_sweep_hit(__sweep, (_call)), true);)

/*
 * What a call could leave behind, to compare before and after a failed one:
 * this process's descriptors; the module's open files, pins, pinned pages,
 * timers and buffers (/proc/pagectl); and the pages charged to the user who
 * opened @fd (PIN_CHECK's locked_pages: what pins, buffers and watches are
 * charged to). leftovers() returns 0, or -1 when one cannot be read.
 */
struct leftovers {
	long fds;
	long files;
	long pins;
	long pinned_pages;
	long timers;
	long buffers;
	__u64 locked_pages;
};

int leftovers(int fd, struct leftovers *l);

/* In a TEST_F: everything counted in @_before, and nothing more. */
#define ASSERT_NO_LEFTOVERS(_fd, _before) do {					\
	const struct leftovers *__b = (_before);				\
	struct leftovers __a;							\
										\
	ASSERT_EQ(0, leftovers(_fd, &__a));					\
	ASSERT_EQ(__b->fds, __a.fds);						\
	ASSERT_EQ(__b->files, __a.files);					\
	ASSERT_EQ(__b->pins, __a.pins);						\
	ASSERT_EQ(__b->pinned_pages, __a.pinned_pages);				\
	ASSERT_EQ(__b->timers, __a.timers);					\
	ASSERT_EQ(__b->buffers, __a.buffers);					\
	ASSERT_EQ(__b->locked_pages, __a.locked_pages);				\
} while (0)

/*
 * Loading and unloading the module (root): find_module() locates the file
 * ($PAGECTL_MODULE, or /lib/modules/$(uname -r)/extra/pagectl.ko), the
 * others return 0 or an errno.
 */
int find_module(void);
int module_loaded(void);
int load_module(const char *params);
int unload_module(void);
int reload_module(const char *params);

/* Pass a descriptor over a unix socket (SCM_RIGHTS): 0 or -1; the fd or -1. */
int send_fd(int sock, int fd, int flags);
int recv_fd(int sock, int flags);

#endif /* _PAGECTL_PIN_UTIL_H */
