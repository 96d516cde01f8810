// SPDX-License-Identifier: GPL-2.0-only
/*
 * PAGEBLOCK_MIGRATETYPE_MASK: the migrate type's bits of a pageblock's
 * flags, once isolation became a bit of its own (6.16); MIGRATETYPE_MASK
 * before.
 */
#include <linux/mmzone.h>
#include <linux/pageblock-flags.h>

unsigned long pagectl_probe(void);
unsigned long pagectl_probe(void)
{
	return PAGEBLOCK_MIGRATETYPE_MASK;
}
