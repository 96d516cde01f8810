// SPDX-License-Identifier: GPL-2.0-only
/* pmdp_get_lockless(): a PMD read without the page-table lock (after 6.1). */
#include <linux/pgtable.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	pmd_t pmd = pmdp_get_lockless(arg);

	*(pmd_t *)arg = pmd;
}
