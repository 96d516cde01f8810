// SPDX-License-Identifier: GPL-2.0-only
/*
 * GUP refuses a writable long-term pin of a shared file mapping that needs
 * dirty tracking (6.5, writable_file_mapping_allowed() in mm/gup.c). No
 * header names the rule: vma_needs_dirty_tracking() was declared in
 * <linux/mm.h> only until it moved to mm/vma.h. pmdp_get_lockless_sync()
 * came in the same release and stays, so it stands for the rule.
 */
#include <linux/pgtable.h>

void pagectl_probe(void *arg);
void pagectl_probe(void *arg)
{
	pmdp_get_lockless_sync();
	*(int *)arg = 1;
}
