// SPDX-License-Identifier: GPL-2.0-only
/* softleaf_t: the type of a software leaf entry. */
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#if __has_include("linux/leafops.h")
#include <linux/leafops.h>
#endif

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	softleaf_t *entry = arg;

	*entry = *entry;
}
