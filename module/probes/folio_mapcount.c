// SPDX-License-Identifier: GPL-2.0-only
/* folio_mapcount(): callable from a module (inline from 6.2; 6.1 does not export it). */
#include <linux/mm.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	*(int *)arg = folio_mapcount(arg);
}
