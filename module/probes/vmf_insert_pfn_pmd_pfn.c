// SPDX-License-Identifier: GPL-2.0-only
/* vmf_insert_pfn_pmd() takes a plain pfn (7.x), not a pfn_t. */
#include <linux/mm.h>
#include <linux/huge_mm.h>

static vm_fault_t __maybe_unused
pagectl_probe_insert(struct vm_fault *vmf, unsigned long pfn, bool write)
{
	return 0;
}

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	BUILD_BUG_ON(!__same_type(vmf_insert_pfn_pmd, pagectl_probe_insert));
	*(vm_fault_t *)arg = vmf_insert_pfn_pmd(arg, 0, false);
}
