// SPDX-License-Identifier: GPL-2.0-only
/* softleaf_to_pfn(): the frame a migration, device or hwpoison entry refers to. */
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
	unsigned long pfn = softleaf_to_pfn(softleaf_from_pte(*pte));

	*(unsigned long *)arg = pfn;
}
