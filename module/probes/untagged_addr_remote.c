// SPDX-License-Identifier: GPL-2.0-only
/* untagged_addr_remote(): an address of another mm without its tag bits (6.4). */
#include <linux/mm.h>
#include <linux/uaccess.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	unsigned long addr = untagged_addr_remote((struct mm_struct *)arg, 0UL);

	*(unsigned long *)arg = addr;
}
