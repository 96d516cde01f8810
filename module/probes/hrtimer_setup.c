// SPDX-License-Identifier: GPL-2.0-only
/* hrtimer_setup(): a timer and its callback set up in one call (6.13). */
#include <linux/hrtimer.h>

static enum hrtimer_restart pagectl_probe_fn(struct hrtimer *timer)
{
	return HRTIMER_NORESTART;
}

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	hrtimer_setup(arg, pagectl_probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
}
