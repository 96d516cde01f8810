// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: the counter timer, one implementation for pins and buffers.
 *
 * A counter is an hrtimer that increments a 64-bit word of memory user space
 * maps, in hard interrupt context, without a system call: what a device
 * writing into pinned or driver memory looks like, made observable. Each
 * armed counter is charged to the file that armed it (account.c), and its
 * period has a floor for callers without CAP_SYS_ADMIN.
 *
 * The target (a pin, a buffer) owns the counter and the memory the word is
 * in, and keeps that memory alive while the counter is armed.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/hrtimer.h>
#include <linux/ktime.h>

#include "internal.h"

static enum hrtimer_restart pagectl_counter_fn(struct hrtimer *timer)
{
	struct pagectl_counter *c = container_of(timer, struct pagectl_counter, timer);

	atomic64_inc(c->word);
	atomic64_inc(&c->ticks);
	hrtimer_forward_now(timer, c->period);
	return HRTIMER_RESTART;
}

/**
 * pagectl_counter_init() - set up a counter, not armed
 * @c: the counter
 */
void pagectl_counter_init(struct pagectl_counter *c)
{
	hrtimer_setup(&c->timer, pagectl_counter_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);
	c->armed = false;
}

/**
 * pagectl_counter_check() - check TIMER's arguments against a target
 * @arg: the command
 * @length: bytes of the target's memory
 *
 * Return: 0, or -EINVAL for a word that is not 8-byte aligned inside the
 * target or a period the caller may not have.
 */
int pagectl_counter_check(const struct pagectl_timer *arg, u64 length)
{
	if (arg->offset % sizeof(u64) || length < sizeof(u64) ||
	    arg->offset > length - sizeof(u64))
		return -EINVAL;
	return pagectl_timer_check_period(arg->period_ns);
}

/**
 * pagectl_counter_arm() - start a counter, or move a running one
 * @c: the counter; the caller serialises arming and stopping it
 * @pf: the file arming it, charged for it if it is not running yet
 * @word: the word to increment, in kernel memory that outlives the counter
 * @period_ns: the period
 * @ticks: out: increments since the counter was last armed, if it was
 *
 * Return: 0, or -ENOSPC when a limit of timers is reached.
 */
int pagectl_counter_arm(struct pagectl_counter *c, struct pagectl_file *pf,
			atomic64_t *word, u64 period_ns, u64 *ticks)
{
	int ret;

	*ticks = 0;
	if (c->armed) {
		/* Replace the word and period of the running timer. */
		hrtimer_cancel(&c->timer);
		*ticks = atomic64_xchg(&c->ticks, 0);
	} else {
		ret = pagectl_timer_account(pf);
		if (ret)
			return ret;
		c->pf = pf;
		atomic64_set(&c->ticks, 0);
	}
	c->word = word;
	c->period = ns_to_ktime(period_ns);
	WRITE_ONCE(c->armed, true);
	hrtimer_start(&c->timer, c->period, HRTIMER_MODE_REL_HARD);
	return 0;
}

/**
 * pagectl_counter_stop() - stop a counter, if it runs
 * @c: the counter; the caller serialises arming and stopping it
 *
 * Return: increments since it was armed.
 */
u64 pagectl_counter_stop(struct pagectl_counter *c)
{
	if (!c->armed)
		return 0;
	hrtimer_cancel(&c->timer);
	WRITE_ONCE(c->armed, false);
	pagectl_timer_unaccount(c->pf);
	return atomic64_xchg(&c->ticks, 0);
}
