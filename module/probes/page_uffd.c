// SPDX-License-Identifier: GPL-2.0-only
/* _PAGE_UFFD: the userfaultfd bit of a present entry (_PAGE_UFFD_WP before 7.3). */
#include <linux/pgtable.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	*(u64 *)arg = _PAGE_UFFD;
}
