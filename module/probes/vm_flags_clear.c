// SPDX-License-Identifier: GPL-2.0-only
/* vm_flags_clear(): the way to clear VMA flags once vm_flags became read-only (6.3). */
#include <linux/mm.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	vm_flags_clear(arg, VM_DONTEXPAND);
}
