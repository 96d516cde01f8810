// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: what the module holds, for people: /proc/pagectl (a summary),
 * /sys/kernel/debug/pagectl/pins (every pin of every open file),
 * /sys/kernel/debug/pagectl/bufs (every live buffer) and
 * /sys/kernel/debug/pagectl/stats (time spent pinning, for benchmarks).
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "internal.h"

static struct dentry *pagectl_debugfs;

/*
 * pagectl_bufs_summary() - totals over live buffers, for /proc/pagectl
 * @uid: only the buffers of files this user opened, or NULL for all
 * @nbufs: out: buffers
 * @bytes: out: bytes they hold
 * @mappings: out: VMAs that map them
 */
static void pagectl_bufs_summary(const kuid_t *uid, unsigned long *nbufs,
				 unsigned long *bytes, unsigned long *mappings)
{
	struct pagectl_buf *b;

	*nbufs = *bytes = *mappings = 0;
	mutex_lock(&pagectl_bufs_lock);
	list_for_each_entry(b, &pagectl_bufs, node) {
		if (uid && !uid_eq(b->pf->user->uid, *uid))
			continue;
		(*nbufs)++;
		*bytes += pagectl_buf_len(b);
		*mappings += atomic_read(&b->nr_mappings);
	}
	mutex_unlock(&pagectl_bufs_lock);
}

/*
 * pagectl_bufs_show() - one line per live buffer, for debugfs
 * @m: the seq_file
 */
static void pagectl_bufs_show(struct seq_file *m)
{
	struct pagectl_buf *b;

	seq_puts(m, "id\tpid\tbytes\tnode\tkind\tflags\tmappings\n");
	mutex_lock(&pagectl_bufs_lock);
	list_for_each_entry(b, &pagectl_bufs, node) {
		seq_printf(m, "%llu\t%d\t%llu\t%d\t%s\t%s%s\t%d\n",
			   b->id, b->pid, pagectl_buf_len(b), b->nid,
			   pagectl_buf_kind(b),
			   b->flags & PAGECTL_BUF_RDONLY ? "ro" : "rw",
			   b->flags & PAGECTL_BUF_DONTCOPY ? ",dontcopy" : "",
			   atomic_read(&b->nr_mappings));
	}
	mutex_unlock(&pagectl_bufs_lock);
}

/*
 * /proc/pagectl is everyone's to read, but how much other users pin and map
 * is not: a reader without CAP_SYS_ADMIN gets the totals of the files
 * opened under its own uid.
 */
static int pagectl_summary_show(struct seq_file *m, void *v)
{
	unsigned long files = 0, pins = 0, pages = 0, timers = 0;
	unsigned long bufs, buf_bytes, buf_maps;
	bool all = file_ns_capable(m->file, &init_user_ns, CAP_SYS_ADMIN);
	kuid_t uid = m->file->f_cred->uid;
	struct pagectl_file *pf;

	mutex_lock(&pagectl_files_lock);
	list_for_each_entry(pf, &pagectl_files, node) {
		if (!all && !uid_eq(pf->user->uid, uid))
			continue;
		files++;
		pins += atomic_long_read(&pf->npins);
		pages += atomic_long_read(&pf->pinned_pages);
		timers += atomic_read(&pf->timers);
	}
	mutex_unlock(&pagectl_files_lock);
	pagectl_bufs_summary(all ? NULL : &uid, &bufs, &buf_bytes, &buf_maps);

	seq_printf(m, "version:       %s\n", PAGECTL_VERSION);
	if (all)
		seq_puts(m, "users:         all\n");
	else
		seq_printf(m, "users:         uid %u\n",
			   from_kuid_munged(m->file->f_cred->user_ns, uid));
	seq_printf(m, "open files:    %lu\n", files);
	seq_printf(m, "pins:          %lu\n", pins);
	seq_printf(m, "pinned pages:  %lu\n", pages);
	seq_printf(m, "pinned kB:     %lu\n", pages << (PAGE_SHIFT - 10));
	seq_printf(m, "timers:        %lu\n", timers);
	seq_printf(m, "max pin pages: %lu per file\n", pagectl_max_pin_pages);
	seq_printf(m, "buffers:       %lu\n", bufs);
	seq_printf(m, "buffer kB:     %lu\n", buf_bytes >> 10);
	seq_printf(m, "buffer maps:   %lu\n", buf_maps);
	seq_printf(m, "max buf bytes: %lu per file\n", pagectl_max_buf_bytes);
	return 0;
}

static int pagectl_pins_show(struct seq_file *m, void *v)
{
	struct pagectl_pin_entry *e;
	struct pagectl_file *pf;
	unsigned long idx;

	seq_puts(m, "pid\thandle\tstart\tend\tpages\tflags\ttimer\n");
	mutex_lock(&pagectl_files_lock);
	list_for_each_entry(pf, &pagectl_files, node) {
		/* Entries are freed after an RCU grace period. */
		rcu_read_lock();
		xa_for_each(&pf->pins, idx, e) {
			seq_printf(m, "%d\t%u\t%#lx\t%#lx\t%lu\t%s%s\t%s\n",
				   pf->pid, e->handle, e->start,
				   e->start + (e->npages << PAGE_SHIFT), e->npages,
				   e->flags & PAGECTL_PIN_WRITE ? "write" : "read",
				   READ_ONCE(e->dirty) ? ",dirty" : "",
				   READ_ONCE(e->counter.armed) ? "armed" : "-");
		}
		rcu_read_unlock();
	}
	mutex_unlock(&pagectl_files_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(pagectl_pins);

static int pagectl_bufs_debug_show(struct seq_file *m, void *v)
{
	pagectl_bufs_show(m);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(pagectl_bufs_debug);

/* Cumulative time in pin_user_pages_fast() and unpin, since load. */
static int pagectl_stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "pin_ns %lld\npin_pages %lld\nunpin_ns %lld\nunpin_pages %lld\n",
		   atomic64_read(&pagectl_stat_pin_ns),
		   atomic64_read(&pagectl_stat_pin_pages),
		   atomic64_read(&pagectl_stat_unpin_ns),
		   atomic64_read(&pagectl_stat_unpin_pages));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(pagectl_stats);

int pagectl_inspect_init(void)
{
	if (!proc_create_single("pagectl", 0444, NULL, pagectl_summary_show))
		return -ENOMEM;
	/* debugfs is optional: its failure only loses the detailed view. */
	pagectl_debugfs = debugfs_create_dir("pagectl", NULL);
	debugfs_create_file("pins", 0400, pagectl_debugfs, NULL, &pagectl_pins_fops);
	debugfs_create_file("bufs", 0400, pagectl_debugfs, NULL, &pagectl_bufs_debug_fops);
	debugfs_create_file("stats", 0400, pagectl_debugfs, NULL, &pagectl_stats_fops);
	return 0;
}

void pagectl_inspect_exit(void)
{
	debugfs_remove(pagectl_debugfs);
	remove_proc_entry("pagectl", NULL);
}
