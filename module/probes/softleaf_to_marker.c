// SPDX-License-Identifier: GPL-2.0-only
/* softleaf_to_marker(): the marker bits of a marker entry. */
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#if __has_include("linux/leafops.h")
#include <linux/leafops.h>
#endif

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	pte_t *pte = arg;
	pte_marker marker = softleaf_to_marker(softleaf_from_pte(*pte));

	*(pte_marker *)arg = marker;
}
