// SPDX-License-Identifier: GPL-2.0-only
/* softleaf_from_pte(): the software leaf entry of a non-present PTE. */
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

	*(u64 *)arg = softleaf_from_pte(*pte).val;
}
