// SPDX-License-Identifier: GPL-2.0-only
/* pte_swp_uffd(): the userfaultfd bit of a swap entry (pte_swp_uffd_wp() before 7.3). */
#include <linux/pgtable.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	pte_t *pte = arg;

	*(int *)arg = pte_swp_uffd(*pte);
}
