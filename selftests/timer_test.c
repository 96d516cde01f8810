// SPDX-License-Identifier: GPL-2.0-only
/*
 * TIMER: a kernel hrtimer that counts in pinned memory, seen from user space
 * without a system call; arming, replacing, disarming, what stops it, and
 * every bad argument.
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
#include "pin_util.h"

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

	/* Bits 2 to 31 mean nothing (bit 0 is buffer targets, buf_test's). */
	for (bit = 0; bit < 32; bit++) {
		if (1U << bit & (PAGECTL_TIMER_BUF | PAGECTL_TIMER_DISARM))
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

TEST_F(timer, allocation_failures_leave_nothing)
{
	__u64 h[PAGECTL_TIMER_MAX_PER_FILE];
	struct fail_sweep s;
	unsigned int i;

	/*
	 * Fail each allocation of arming in turn (the kernel mapping of the
	 * pin): ENOMEM, and no timer left armed or counted against the file.
	 */
	FAIL_SWEEP(&s, timer(self->fd, self->handle, 0, 0, SLOW_NS, NULL)) {
		__u64 ticks = 1;

		if (!s.ret) {
			ASSERT_EQ(0, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM,
					   0, 0, NULL));
			continue;
		}
		ASSERT_EQ(ENOMEM, s.ret);
		ASSERT_EQ(0, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 0, 0, &ticks));
		ASSERT_EQ(0, ticks);
	}
	TH_LOG("%d allocation failures injected into TIMER", s.injected);
	ASSERT_LT(0, s.injected);

	/* The file can still arm all 64 timers: none was counted by a failure. */
	ASSERT_EQ(0, timer(self->fd, self->handle, PAGECTL_TIMER_DISARM, 0, 0, NULL));
	for (i = 0; i < PAGECTL_TIMER_MAX_PER_FILE; i++) {
		h[i] = pin_handle(self->fd, self->page, PAGE_SZ, PAGECTL_PIN_WRITE);
		ASSERT_NE(0, h[i]);
		ASSERT_EQ(0, timer(self->fd, h[i], 0, 8 * i, SLOW_NS, NULL));
	}
}

TEST_HARNESS_MAIN
