// SPDX-License-Identifier: GPL-2.0-only
/* VM_SEALED: a VMA sealed by mseal() (6.10). */
#include <linux/mm.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	static const unsigned long flag = VM_SEALED;

	*(unsigned long *)arg = flag;
}
