/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "pin" fixture, shared by pin_test.c and pin_scale_test.c: an open
 * /dev/pagectl with PIN, and the checks every such test ends with. Include
 * it after kselftest_harness.h and pin_util.h.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_PIN_FIXTURE_H
#define _PAGECTL_PIN_FIXTURE_H

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

#endif /* _PAGECTL_PIN_FIXTURE_H */
