// SPDX-License-Identifier: GPL-2.0-only
/* <linux/leafops.h>: non-present entries as software leaf entries (7.x). */
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/leafops.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	(void)arg;
}
