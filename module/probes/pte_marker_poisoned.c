// SPDX-License-Identifier: GPL-2.0-only
/* PTE_MARKER_POISONED: a marker for a poisoned page (6.6). */
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#if __has_include("linux/leafops.h")
#include <linux/leafops.h>
#endif

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	*(pte_marker *)arg = PTE_MARKER_POISONED;
}
