// SPDX-License-Identifier: GPL-2.0-only
/* _PAGE_SAVED_DIRTY: the software bit that keeps a read-only entry dirty (6.6). */
#include <linux/pgtable.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	*(u64 *)arg = _PAGE_SAVED_DIRTY;
}
