// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl maps: a summary of every mapping of a process, from its page
 * tables, and the reading of /proc/PID/maps that walk shares.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define BATCH 4096

FILE *cli_open_maps(pid_t pid)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/maps");
	return fopen(path, "re");
}

int cli_read_maps_line(FILE *f, struct maps_line *m)
{
	char line[4352];
	int name_at = 0;

	if (!fgets(line, sizeof(line), f))
		return 0;
	line[strcspn(line, "\n")] = 0;
	m->name[0] = 0;
	if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &m->start, &m->end, m->perms,
		   &name_at) < 3)
		return -1;
	if (name_at)
		snprintf(m->name, sizeof(m->name), "%s", line + name_at);
	return 1;
}

int cli_find_mapping(pid_t pid, const char *word, struct maps_line *m)
{
	FILE *f = cli_open_maps(pid);
	int r;

	if (!f)
		return -errno;
	while ((r = cli_read_maps_line(f, m)) != 0) {
		if (r > 0 && strstr(m->name, word)) {
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -ENOENT;
}

static void maps_usage(FILE *out)
{
	fprintf(out,
		"Usage: pagectl maps [-p PID] [-b] [-j|--pretty]\n"
		"\n"
		"Summarise every mapping of a process from its page tables: how much\n"
		"is present, swapped out, the shared zero page, in huge pages, and\n"
		"possibly pinned for DMA. Sizes are in KiB.\n"
		"\n"
		"  -p, --pid PID   the process, one whose /proc/PID/pagemap you may read;\n"
		"                  default: pagectl itself\n"
		"  -b, --bytes     sizes in bytes\n"
		"  -j, --json      print one JSON object, its \"mappings\" one object per\n"
		"                  mapping (sizes in bytes)\n"
		"      --pretty    print it indented\n");
}

/* What the page tables hold for one mapping, in bytes. */
struct maps_sum {
	unsigned long long present, swap, zero, huge, pinned, other;
};

static int sum_vma(struct pagectl *pc, pid_t pid, const struct maps_line *m,
		   struct pagectl_walk_rec *recs, struct maps_sum *s)
{
	unsigned long long start = m->start;

	memset(s, 0, sizeof(*s));
	while (start < m->end) {
		struct pagectl_walk_range wr = {
			.size = sizeof(wr),
			.flags = PAGECTL_WALK_PAGE_STATE,
			.start = start,
			.end = m->end,
			.records = (uintptr_t)recs,
			.record_size = sizeof(*recs),
			.max_records = BATCH,
		};
		int n, i;

		if (pid) {
			wr.flags |= PAGECTL_WALK_PID;
			wr.pid = pid;
		}
		n = pagectl_walk_range(pc, &wr);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			const struct pagectl_walk_rec *r = &recs[i];
			unsigned long long first = r->addr < m->start ? m->start : r->addr;
			unsigned long long last = r->addr + (1ULL << r->shift);
			unsigned long long bytes;

			if (last > m->end)
				last = m->end;
			bytes = last - first;
			if (r->kind == PAGECTL_ENTRY_LEAF) {
				s->present += bytes;
				if (r->page_flags & PAGECTL_PAGE_ZERO)
					s->zero += bytes;
				/* A leaf above the PTE level maps a huge page. */
				if (r->level < PAGECTL_LEVEL_PTE)
					s->huge += bytes;
				if (r->page_flags & PAGECTL_PAGE_MAYBE_DMA_PINNED)
					s->pinned += bytes;
			} else if (r->kind == PAGECTL_ENTRY_SWAP) {
				s->swap += bytes;
			} else {
				s->other += bytes;
			}
		}
		start = wr.next;
	}
	return 0;
}

/* The heading of the table; sizes are wider in bytes (-b) than in KiB. */
static void print_maps_heading(void)
{
	int w = output_bytes() ? 12 : 9;

	print_fp("%-25s %4s %*s %*s %*s %*s %*s %*s  %s\n", "ADDRESS", "PERM", w, "SIZE",
		 w, "PRESENT", w, "SWAP", w, "ZERO", w, "HUGE", w, "PINNED", "MAPPING");
}

/* One mapping: a line of the table, an object of "mappings". */
static void print_mapping(const struct maps_line *m, const struct maps_sum *s)
{
	const char *col = output_bytes() ? " %12llu" : " %9llu";

	open_json_object(NULL);
	print_0xhex(PRINT_ANY, "start", "%012llx", m->start);
	print_0xhex(PRINT_ANY, "end", "-%012llx", m->end);
	print_string(PRINT_ANY, "perms", " %4s", m->perms);
	print_kib(PRINT_ANY, "size", col, m->end - m->start);
	print_kib(PRINT_ANY, "present", col, s->present);
	print_kib(PRINT_ANY, "swap", col, s->swap);
	print_kib(PRINT_ANY, "zero", col, s->zero);
	print_kib(PRINT_ANY, "huge", col, s->huge);
	print_kib(PRINT_ANY, "pinned", col, s->pinned);
	print_kib(PRINT_JSON, "other", NULL, s->other);
	print_string(PRINT_ANY, "name", "  %s\n", m->name);
	close_json_object();
}

int cmd_maps(int argc, char **argv)
{
	struct pagectl_walk_rec *recs;
	struct maps_line m;
	struct pagectl *pc;
	int r, ret = EXIT_SUCCESS;
	pid_t pid = 0;
	FILE *f;

	if (cli_walk_parse(argc, argv, &pid, maps_usage, "maps"))
		return EXIT_USAGE;
	if (optind != argc) {
		fprintf(stderr, "pagectl maps: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	f = cli_open_maps(pid);
	if (!f) {
		fprintf(stderr, "pagectl maps: /proc/%d/maps: %s\n", (int)pid, strerror(errno));
		return EXIT_FAILURE;
	}
	recs = calloc(BATCH, sizeof(*recs));
	if (!recs || cli_open_device(&pc) < 0) {
		free(recs);
		fclose(f);
		return EXIT_FAILURE;
	}
	output_begin();
	print_int(PRINT_JSON, "pid", NULL, pid ? pid : getpid());
	print_maps_heading();
	open_json_array("mappings");
	while ((r = cli_read_maps_line(f, &m)) != 0) {
		struct maps_sum s;
		int err;

		if (r < 0)
			continue;
		err = sum_vma(pc, pid, &m, recs, &s);
		/* [vsyscall] lies above the user address space: nothing to walk. */
		if (err == -EFAULT)
			continue;
		if (err < 0) {
			fprintf(stderr, "pagectl maps: %s\n", cli_walk_error(err));
			ret = EXIT_FAILURE;
			break;
		}
		print_mapping(&m, &s);
	}
	close_json_array();
	if (output_end())
		ret = EXIT_FAILURE;
	pagectl_close(pc);
	free(recs);
	fclose(f);
	return ret;
}
