// SPDX-License-Identifier: GPL-2.0-only
/* vmf_insert_pfn_pmd() takes a plain pfn (7.x), not a pfn_t. */
#include <linux/mm.h>
#include <linux/huge_mm.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	_Static_assert(__builtin_types_compatible_p(typeof(&vmf_insert_pfn_pmd),
				vm_fault_t (*)(struct vm_fault *, unsigned long, bool)),
		       "vmf_insert_pfn_pmd(vmf, pfn, write)");
	*(vm_fault_t *)arg = vmf_insert_pfn_pmd(arg, 0, false);
}
