// SPDX-License-Identifier: GPL-2.0-only
/*
 * An adversarial fuzzer: threads issue every command of the device and of
 * buffer descriptors, as valid structs with one field changed or as random
 * ones, with handles, descriptors and addresses that are live, just
 * released or made up, while other threads munmap, mmap, mprotect, mremap
 * and page out the memory being pinned and walked, fork children that use
 * and kill the inherited descriptors, execve, pass descriptors over a unix
 * socket, dup and close them, and open and close the device.
 *
 * It succeeds when the kernel survives with a clean log (the runner checks
 * it, and kmemleak), and when, once everything is closed, nothing is left
 * pinned, charged, armed or allocated. It prints how many calls each
 * command got and how many of them succeeded: a fuzzer that only ever hits
 * EINVAL proves little.
 *
 * PAGECTL_FUZZ_CALLS (default 20000) bounds the ioctl calls, and
 * PAGECTL_FUZZ_SECONDS (default 120) the time; "make fuzz" runs a million.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pagectl.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#include "kselftest_harness.h"
#include "pin_util.h"

#define SLOTS		16		/* memory areas and descriptors in play */
#define AREA_MAX	(64 * PAGE_SZ)
#define IOCTL_THREADS	3

enum {
	C_INFO, C_PIN, C_UNPIN, C_DESCRIBE, C_WALK, C_WALK_RANGE, C_BUF_CREATE,
	C_TIMER, C_BUF_INFO, C_BUF_FILL, C_HUGE_MAP, C_WATCH, C_PIN_CHECK, C_RANDOM,
	NR_CMDS
};

static const char *const cmd_name[NR_CMDS] = {
	"GET_INFO", "PIN", "UNPIN", "PIN_DESCRIBE", "WALK", "WALK_RANGE",
	"BUF_CREATE", "TIMER", "BUF_INFO", "BUF_FILL", "HUGE_MAP", "WATCH", "PIN_CHECK",
	"random number",
};

struct fuzz {
	atomic_long calls, budget;
	atomic_long n[NR_CMDS], ok[NR_CMDS];
	atomic_int dev[SLOTS];		/* device descriptors, -1 if none */
	atomic_int buf[SLOTS];		/* buffer descriptors, -1 if none */
	atomic_ulong area[SLOTS];	/* addresses of memory areas, or 0 */
	atomic_ulong last_handle;
	atomic_int stop;
	double end_us;
	int sock[2];
	__u8 records[64 * 1024];
};

/* Room for any command's struct, and raw words to mutate. */
union cmd_arg {
	struct pagectl_info info;
	struct pagectl_pin pin;
	struct pagectl_unpin unpin;
	struct pagectl_pin_describe describe;
	struct pagectl_walk walk;
	struct pagectl_walk_range walk_range;
	struct pagectl_buf_create buf_create;
	struct pagectl_timer timer;
	struct pagectl_buf_info buf_info;
	struct pagectl_buf_fill buf_fill;
	struct pagectl_huge_map huge_map;
	struct pagectl_pin_check pin_check;
	struct pagectl_watch watch;
	__u32 size;
	__u64 raw[64];
};

#define ARG_WORDS	(sizeof(union cmd_arg) / sizeof(__u64))

static struct fuzz *F;
static __thread unsigned long long rng;

static __u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static __u64 interesting(void)
{
	static const __u64 v[] = {
		0, 1, 2, 7, 8, 4095, 4096, 4097, 1 << 21, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7ffffffff000ULL, 0x800000000000ULL,
		0xffff800000000000ULL, ~0ULL - 4095, ~0ULL,
	};

	return rnd() & 1 ? v[rnd() % ARRAY_SIZE(v)] : rnd();
}

static int pick_fd(atomic_int *set)
{
	int fd = atomic_load(&set[rnd() % SLOTS]);

	return fd >= 0 ? fd : (int)(rnd() % 64);
}

static __u64 pick_addr(void)
{
	__u64 a = atomic_load(&F->area[rnd() % SLOTS]);

	return a ? a + (rnd() % 8) * PAGE_SZ + (rnd() & 1 ? 0 : rnd() % PAGE_SZ) : interesting();
}

static __u64 pick_handle(void)
{
	return atomic_load(&F->last_handle) + 3 - rnd() % 8;
}

/* A valid argument for @cmd in @arg (zeroed); the ioctl number. */
static unsigned long build(int cmd, union cmd_arg *arg, int *fd)
{
	__u64 recs = (__u64)(unsigned long)F->records;

	*fd = pick_fd(F->dev);
	switch (cmd) {
	case C_INFO:
		arg->info = (struct pagectl_info){ .size = sizeof(struct pagectl_info) };
		return PAGECTL_GET_INFO;
	case C_PIN:
		arg->pin = (struct pagectl_pin){
			.size = sizeof(struct pagectl_pin), .flags = rnd() & PAGECTL_PIN_WRITE,
			.addr = pick_addr(), .length = (1 + rnd() % 16) * PAGE_SZ };
		return PAGECTL_PIN;
	case C_UNPIN:
		arg->unpin = (struct pagectl_unpin){
			.size = sizeof(struct pagectl_unpin), .flags = rnd() & PAGECTL_UNPIN_DIRTY,
			.handle = pick_handle() };
		return PAGECTL_UNPIN;
	case C_DESCRIBE:
		arg->describe = (struct pagectl_pin_describe){
			.size = sizeof(struct pagectl_pin_describe),
			.flags = rnd() & PAGECTL_DESCRIBE_EXTENTS, .handle = pick_handle(),
			.records = recs, .record_size = 64, .max_records = 1 + rnd() % 64 };
		return PAGECTL_PIN_DESCRIBE;
	case C_WALK:
		arg->walk = (struct pagectl_walk){
			.size = sizeof(struct pagectl_walk), .addr = pick_addr() };
		if (rnd() % 4 == 0) {
			arg->walk.flags = PAGECTL_WALK_PID;
			arg->walk.pid = rnd() & 1 ? getpid() : rnd() % 400;
		}
		return PAGECTL_WALK;
	case C_WALK_RANGE: {
		__u64 a = pick_addr();

		arg->walk_range = (struct pagectl_walk_range){
			.size = sizeof(struct pagectl_walk_range),
			.flags = rnd() & PAGECTL_WALK_PAGE_STATE, .start = a,
			.end = a + (rnd() % 128) * PAGE_SZ, .records = recs,
			.record_size = sizeof(struct pagectl_walk_rec),
			.max_records = 1 + rnd() % 512 };
		return PAGECTL_WALK_RANGE;
	}
	case C_BUF_CREATE:
		arg->buf_create = (struct pagectl_buf_create){
			.size = sizeof(struct pagectl_buf_create),
			.flags = rnd() & (PAGECTL_BUF_CONTIG | PAGECTL_BUF_RDONLY |
					  PAGECTL_BUF_DONTCOPY),
			.length = (1 + rnd() % 16) * PAGE_SZ,
			.node = rnd() % 4 ? PAGECTL_NODE_LOCAL : rnd() % 3 };
		return PAGECTL_BUF_CREATE;
	case C_TIMER: {
		struct pagectl_timer *t = &arg->timer;
		bool on_buf = rnd() & 1;

		*t = (struct pagectl_timer){ .size = sizeof(*t),
			.flags = (on_buf ? PAGECTL_TIMER_BUF : 0) |
				 (rnd() % 3 ? 0 : PAGECTL_TIMER_DISARM),
			.target = on_buf ? (__u64)pick_fd(F->buf) : pick_handle() };
		if (!(t->flags & PAGECTL_TIMER_DISARM)) {
			t->offset = (rnd() % 512) * 8;
			t->period_ns = 1000000 + rnd() % 1000000;
		}
		return PAGECTL_TIMER;
	}
	case C_BUF_INFO:
		*fd = pick_fd(F->buf);
		arg->buf_info = (struct pagectl_buf_info){
			.size = sizeof(struct pagectl_buf_info), .flags = rnd() & 1,
			.records = recs, .record_size = 64, .max_records = rnd() % 32 };
		return PAGECTL_BUF_INFO;
	case C_BUF_FILL:
		*fd = pick_fd(F->buf);
		arg->buf_fill = (struct pagectl_buf_fill){
			.size = sizeof(struct pagectl_buf_fill), .offset = (rnd() % 8) * 8,
			.length = (rnd() % 512) * 8, .pattern = rnd() };
		return PAGECTL_BUF_FILL;
	case C_HUGE_MAP: {
		__u64 a = pick_addr();

		arg->huge_map = (struct pagectl_huge_map){
			.size = sizeof(struct pagectl_huge_map), .start = a,
			.end = a + (rnd() % 8) * (1 << 21), .records = recs,
			.record_size = sizeof(struct pagectl_huge_slot),
			.max_records = 1 + rnd() % 64 };
		if (rnd() % 4 == 0) {
			arg->huge_map.flags = PAGECTL_WALK_PID;
			arg->huge_map.pid = rnd() & 1 ? getpid() : rnd() % 400;
		}
		return PAGECTL_HUGE_MAP;
	}
	case C_WATCH: {
		__u64 a = pick_addr();

		arg->watch = (struct pagectl_watch){
			.size = sizeof(struct pagectl_watch), .start = a,
			.end = a + (rnd() % 64) * PAGE_SZ, .fd = -1,
			.queue_len = rnd() % 3 ? rnd() % 64 : 0 };
		if (rnd() % 4 == 0) {
			arg->watch.flags = PAGECTL_WALK_PID;
			arg->watch.pid = rnd() & 1 ? getpid() : rnd() % 400;
		}
		/* Entries are read as events are, racing the other threads. */
		arg->watch.event_size = sizeof(struct pagectl_watch_event);
		if (rnd() % 2)
			arg->watch.flags |= PAGECTL_WATCH_ENTRIES;
		return PAGECTL_WATCH;
	}
	case C_PIN_CHECK: {
		__u64 a = pick_addr();

		arg->pin_check = (struct pagectl_pin_check){
			.size = sizeof(struct pagectl_pin_check), .addr = a,
			.length = (rnd() % 64) * PAGE_SZ, .records = recs,
			.record_size = sizeof(struct pagectl_pin_range),
			.max_records = 1 + rnd() % 64, .flags = rnd() & PAGECTL_PIN_WRITE };
		return PAGECTL_PIN_CHECK;
	}
	default:
		for (int i = 0; i < 8; i++)
			arg->raw[i] = interesting();
		arg->size = rnd() % 160;
		if (rnd() & 1)
			*fd = pick_fd(F->buf);
		return _IOC(rnd() % 4, rnd() & 1 ? PAGECTL_TYPE : rnd() % 256,
			    0x78 + rnd() % 32, rnd() % 256);
	}
}

static void *ioctl_thread(void *unused)
{
	union cmd_arg arg;

	rng = (unsigned long long)pthread_self() | 1;
	while (!atomic_load(&F->stop)) {
		int cmd = rnd() % NR_CMDS, fd, ret;
		unsigned long nr;

		if (atomic_fetch_add(&F->calls, 1) >= atomic_load(&F->budget) ||
		    now_us() > F->end_us) {
			atomic_store(&F->stop, 1);
			break;
		}
		memset(&arg, 0, sizeof(arg));
		nr = build(cmd, &arg, &fd);
		/* Half of the calls: one field, or the size, made wrong. */
		if (rnd() & 1) {
			if (rnd() % 4 == 0)
				arg.size = rnd() % 4 ? rnd() % 200 : interesting();
			else
				arg.raw[rnd() & 1 ? rnd() % 8 : rnd() % ARG_WORDS] = interesting();
		}
		ret = ioctl(fd, nr, rnd() % 64 ? (void *)&arg : (void *)interesting());
		atomic_fetch_add(&F->n[cmd], 1);
		if (ret < 0)
			continue;
		atomic_fetch_add(&F->ok[cmd], 1);
		if (cmd == C_PIN)
			atomic_store(&F->last_handle, arg.pin.handle);
		if (cmd == C_BUF_CREATE) {
			int old = atomic_exchange(&F->buf[rnd() % SLOTS],
						  (int)arg.buf_create.fd);

			if (old >= 0)
				close(old);
		}
		/* A watch is read once, to take what the other threads did. */
		if (cmd == C_WATCH && arg.watch.fd >= 0) {
			struct pagectl_watch_event ev[4];
			int flags = fcntl(arg.watch.fd, F_GETFL);

			fcntl(arg.watch.fd, F_SETFL, flags | O_NONBLOCK);
			read(arg.watch.fd, ev, sizeof(ev));
			close(arg.watch.fd);
		}
	}
	return NULL;
}

/* Memory comes and goes under the pins and walks. */
static void *memory_thread(void *unused)
{
	rng = 0x9e3779b97f4a7c15ULL;
	while (!atomic_load(&F->stop)) {
		int i = rnd() % SLOTS;
		__u64 a = atomic_load(&F->area[i]);
		void *p;

		switch (rnd() % 7) {
		case 0:
			p = mmap(NULL, AREA_MAX, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p != MAP_FAILED) {
				memset(p, 1, AREA_MAX / 2);
				a = atomic_exchange(&F->area[i], (unsigned long)p);
				if (a)
					munmap((void *)(unsigned long)a, AREA_MAX);
			}
			break;
		case 1:
			if (a)
				mprotect((void *)(unsigned long)a, (rnd() % 16) * PAGE_SZ,
					 rnd() & 1 ? PROT_READ : PROT_NONE);
			break;
		case 2:
			if (a)
				madvise((void *)(unsigned long)a, AREA_MAX,
					rnd() & 1 ? MADV_DONTNEED : MADV_PAGEOUT);
			break;
		case 3: {
			int b = pick_fd(F->buf);

			/* A buffer's mapping, left for exit to remove. */
			mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, b, 0);
			break;
		}
		case 4:
			/* Shrink in place, then grow back: the tail comes and goes. */
			if (a && mremap((void *)(unsigned long)a, AREA_MAX, AREA_MAX / 2, 0) !=
			    MAP_FAILED)
				mremap((void *)(unsigned long)a, AREA_MAX / 2, AREA_MAX, 0);
			break;
		default:
			/* Fault pages in; the area may be read-only or gone by now. */
			if (a)
				madvise((void *)(unsigned long)a, AREA_MAX / 2,
					MADV_POPULATE_WRITE);
			break;
		}
	}
	return NULL;
}

/* Descriptors come and go, cross fork, execve and sockets. */
static void *process_thread(void *unused)
{
	rng = 0x2545f4914f6cdd1dULL;
	while (!atomic_load(&F->stop)) {
		int i = rnd() % SLOTS, fd, old;
		pid_t pid;

		switch (rnd() % 6) {
		case 0:
			fd = open(DEVICE, O_RDWR | (rnd() & 1 ? O_CLOEXEC : 0));
			old = atomic_exchange(&F->dev[i], fd);
			if (old >= 0)
				close(old);
			break;
		case 1:
			fd = dup(pick_fd(rnd() & 1 ? F->dev : F->buf));
			old = atomic_exchange(&F->dev[i], fd);
			if (old >= 0)
				close(old);
			break;
		case 2:
			/* A child uses the inherited descriptors and is killed. */
			pid = fork();
			if (!pid) {
				struct pagectl_walk w = { .size = sizeof(w) };

				for (int k = 0; k < 50; k++) {
					w.addr = pick_addr();
					ioctl(pick_fd(F->dev), PAGECTL_WALK, &w);
				}
				_exit(0);
			}
			if (pid > 0) {
				if (rnd() & 1)
					kill(pid, SIGKILL);
				waitpid(pid, NULL, 0);
			}
			break;
		case 3:
			/* execve keeps what is not close-on-exec. */
			pid = fork();
			if (!pid) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(0);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
			break;
		case 4:
			/* A descriptor in flight over a unix socket, then dropped. */
			if (send_fd(F->sock[0], pick_fd(rnd() & 1 ? F->dev : F->buf),
				    MSG_DONTWAIT) == 0) {
				fd = recv_fd(F->sock[1], MSG_DONTWAIT);
				if (fd >= 0)
					close(fd);
			}
			break;
		default:
			old = atomic_exchange(&F->buf[i], -1);
			if (old >= 0)
				close(old);
			break;
		}
	}
	return NULL;
}

/* The buffer mappings the memory thread left behind: until none is left. */
static void unmap_buffers(void)
{
	unsigned long start, end;
	bool found = true;
	char line[512];

	for (int pass = 0; found && pass < 8; pass++) {
		FILE *f = fopen("/proc/self/maps", "re");

		if (!f)
			return;
		found = false;
		while (fgets(line, sizeof(line), f)) {
			if (strstr(line, "pagectl_buf") &&
			    sscanf(line, "%lx-%lx", &start, &end) == 2) {
				munmap((void *)start, end - start);
				found = true;
			}
		}
		fclose(f);
	}
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v ? atol(v) : def;
}

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

/* "make fuzz" runs for many minutes: PAGECTL_FUZZ_SECONDS bounds it instead. */
TEST_F_TIMEOUT(fuzz, every_command_against_every_change, 3 * 3600)
{
	struct pagectl_info info = { .size = sizeof(info) };
	pthread_t thr[IOCTL_THREADS + 2];
	long total = 0, ok = 0;
	int i;

	if (geteuid())
		SKIP(return, "needs root (privileged paths, the device node)");
	i = open(DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, i);
	ASSERT_EQ(0, ioctl(i, PAGECTL_GET_INFO, &info));
	close(i);
	F = mmap(NULL, sizeof(*F), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, F);
	memset(F, 0, sizeof(*F));
	F->budget = env_long("PAGECTL_FUZZ_CALLS", 20000);
	F->end_us = now_us() + 1e6 * env_long("PAGECTL_FUZZ_SECONDS", 120);
	for (i = 0; i < SLOTS; i++) {
		F->dev[i] = i < 4 ? open(DEVICE, O_RDWR | O_CLOEXEC) : -1;
		F->buf[i] = -1;
	}
	ASSERT_LE(0, F->dev[0]);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, F->sock));
	/* The children run the library's code too: a failed call is fine. */
	signal(SIGPIPE, SIG_IGN);

	for (i = 0; i < IOCTL_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&thr[i], NULL, ioctl_thread, NULL));
	ASSERT_EQ(0, pthread_create(&thr[i++], NULL, memory_thread, NULL));
	ASSERT_EQ(0, pthread_create(&thr[i++], NULL, process_thread, NULL));
	for (i = 0; i < IOCTL_THREADS + 2; i++)
		pthread_join(thr[i], NULL);

	for (i = 0; i < NR_CMDS; i++) {
		TH_LOG("%-14s %9ld calls %9ld succeeded", cmd_name[i],
		       atomic_load(&F->n[i]), atomic_load(&F->ok[i]));
		total += atomic_load(&F->n[i]);
		ok += atomic_load(&F->ok[i]);
	}
	TH_LOG("%ld calls, %ld succeeded", total, ok);
	/*
	 * Deep paths were reached, not only argument checks, by every command
	 * this module has (WATCH needs a kernel with MMU notifiers).
	 */
	for (i = 0; i < C_RANDOM; i++) {
		if (total < 10000 ||
		    (i == C_WATCH && !(info.features & PAGECTL_FEATURE_WATCH)))
			continue;
		EXPECT_LT(0, atomic_load(&F->ok[i]))
			TH_LOG("%s never succeeded", cmd_name[i]);
	}

	/* Close everything, mappings included: nothing may be left. */
	for (i = 0; i < SLOTS; i++) {
		if (F->area[i])
			munmap((void *)(unsigned long)F->area[i], AREA_MAX);
	}
	unmap_buffers();
	close_range(3, ~0U, 0);
	ASSERT_EQ(0, vmpin_kb(0));
	ASSERT_EQ(0, proc_field("/proc/pagectl", "pins"));
	ASSERT_EQ(0, proc_field("/proc/pagectl", "timers"));
	ASSERT_EQ(0, proc_field("/proc/pagectl", "open files"));
	/* Every buffer freed, so every page charged to the user returned. */
	ASSERT_EQ(0, proc_field("/proc/pagectl", "buffers"));
}

TEST_HARNESS_MAIN
