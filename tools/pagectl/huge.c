// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl huge: a map of what backs each 2 MiB slot of a process's
 * mappings, one character per slot, and why the slots that are not huge
 * are not (HUGE_MAP, pagectl_huge_map(3)).
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define SLOT		(2ULL << 20)
#define SLOTS_PER_ROW	64
#define MAP_COLUMN	16	/* slots shown on a mapping's own line */

/* The map's characters, by state; a partly present SMALL slot is 's'. */
static const char state_char[] = {
	[PAGECTL_HUGE_EMPTY] = '.',
	[PAGECTL_HUGE_PMD] = 'H',
	[PAGECTL_HUGE_HUGETLB] = 'T',
	[PAGECTL_HUGE_LARGE] = 'L',
	[PAGECTL_HUGE_SMALL] = 'S',
};

static const char *const state_name[] = {
	[PAGECTL_HUGE_EMPTY] = "empty",
	[PAGECTL_HUGE_PMD] = "pmd",
	[PAGECTL_HUGE_HUGETLB] = "hugetlb",
	[PAGECTL_HUGE_LARGE] = "large",
	[PAGECTL_HUGE_SMALL] = "small",
};

#define NR_STATES	ARRAY_SIZE(state_name)

static const struct {
	unsigned int bit;
	const char *name;
} reason_names[] = {
	{ PAGECTL_HUGE_NOHUGEPAGE, "nohugepage" },
	{ PAGECTL_HUGE_UNALIGNED, "unaligned" },
	{ PAGECTL_HUGE_UFFD, "uffd" },
	{ PAGECTL_HUGE_NO_LARGE_FOLIOS, "no_large_folios" },
	{ PAGECTL_HUGE_SPECIAL, "special" },
	{ PAGECTL_HUGE_PROCESS_DISABLED, "process_disabled" },
	{ PAGECTL_HUGE_SYSTEM_DISABLED, "system_disabled" },
	{ PAGECTL_HUGE_NOT_ADVISED, "not_advised" },
	{ PAGECTL_HUGE_ADVISED, "advised" },
};

#define NR_REASONS	ARRAY_SIZE(reason_names)

struct huge_totals {
	unsigned long long slots, states[NR_STATES], partial, huge_bytes;
	unsigned long long reasons[NR_REASONS];
	unsigned long long last;	/* the last slot counted, +1; 0 if none */
};

static void huge_usage(FILE *out)
{
	fprintf(out,
		"Usage: pagectl huge [-p PID] [-b] [-j|--pretty] [RANGE|MAPPING]\n"
		"\n"
		"Show, for every 2 MiB slot of a process's mappings, what backs it,\n"
		"one character per slot, and why the slots that are not one huge\n"
		"page are not. Nothing is faulted in or changed.\n"
		"\n"
		"  H  one huge page (THP)     T  hugetlb\n"
		"  L  large folios by PTEs    S  all 512 small pages present\n"
		"  s  some small pages        .  nothing present\n"
		"\n"
		"RANGE is START-END or START+LENGTH (0x7f..., 64M); MAPPING the name of\n"
		"mappings as in /proc/PID/maps ([heap], [stack], libc); default: every\n"
		"mapping.\n"
		"\n"
		"  -p, --pid PID   the process, one whose /proc/PID/pagemap you may read;\n"
		"                  default: pagectl itself\n"
		"  -b, --bytes     sizes in bytes\n"
		"  -j, --json      print one JSON object: \"mappings\", each with its\n"
		"                  \"slots\", and \"totals\" (sizes in bytes)\n"
		"      --pretty    print it indented\n");
}

/* START-END or START+LENGTH into @start, @end; 0, or -1 if @arg is not one. */
static int parse_range(const char *arg, unsigned long long *start, unsigned long long *end)
{
	char *rest;

	errno = 0;
	*start = strtoull(arg, &rest, 0);
	if (errno)
		return -1;
	if (*rest == '-') {
		*end = strtoull(rest + 1, &rest, 0);
		return errno || *rest || *end <= *start ? -1 : 0;
	}
	if (*rest == '+') {
		unsigned long long len;

		if (cli_parse_size(rest + 1, &len) || !len)
			return -1;
		*end = *start + len;
		return 0;
	}
	return -1;
}

int cli_parse_range(const char *cmd, const char *arg, unsigned long long *start,
		    unsigned long long *end)
{
	/* A word is a mapping's name; a number that is no range is a mistake. */
	if (!isdigit((unsigned char)arg[0]))
		return 1;
	if (!parse_range(arg, start, end))
		return 0;
	fprintf(stderr, "pagectl %s: bad range '%s' (START-END or START+LENGTH)\n", cmd, arg);
	return -1;
}

static char slot_char(const struct pagectl_huge_slot *s)
{
	if (s->state == PAGECTL_HUGE_SMALL && s->present < SLOT / 4096)
		return 's';
	return s->state < NR_STATES ? state_char[s->state] : '?';
}

/* The names of @reasons, comma-separated, into @buf ("-" for none). */
static const char *reasons_text(unsigned int reasons, char *buf, size_t len)
{
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; i < NR_REASONS && at < len; i++)
		if (reasons & reason_names[i].bit && reason_names[i].bit != PAGECTL_HUGE_ADVISED)
			at += snprintf(buf + at, len - at, "%s%s", at ? "," : "",
				       reason_names[i].name);
	return buf[0] ? buf : "-";
}

static void print_reasons(unsigned int reasons)
{
	size_t i;

	open_json_array("reasons");
	for (i = 0; i < NR_REASONS; i++)
		if (reasons & reason_names[i].bit)
			print_string(PRINT_JSON, NULL, NULL, reason_names[i].name);
	close_json_array();
}

/*
 * Why @s is not huge. A slot several VMAs share cannot be one huge page;
 * its other reasons are those of its first VMA, which may be another
 * mapping's.
 */
static unsigned int slot_reasons(const struct pagectl_huge_slot *s)
{
	return s->nr_vmas > 1 ? PAGECTL_HUGE_UNALIGNED : s->reasons;
}

/* Count @s in @t once, however many mappings share its slot. */
static void count_slot(struct huge_totals *t, const struct pagectl_huge_slot *s)
{
	size_t i;

	if (t->last && s->addr < t->last)
		return;
	t->last = s->addr + SLOT;
	t->slots++;
	if (s->state < NR_STATES)
		t->states[s->state]++;
	if (s->state == PAGECTL_HUGE_SMALL && s->present < SLOT / 4096)
		t->partial++;
	if (s->state == PAGECTL_HUGE_PMD || s->state == PAGECTL_HUGE_HUGETLB)
		t->huge_bytes += SLOT;
	else
		for (i = 0; i < NR_REASONS; i++)
			if (slot_reasons(s) & reason_names[i].bit)
				t->reasons[i]++;
}

/* Every slot of [@start, @end) into *@out (malloc'd); the count or -errno. */
static long fetch_slots(struct pagectl *pc, pid_t pid, unsigned long long start,
			unsigned long long end, struct pagectl_huge_slot **out)
{
	size_t cap = (end - start) / SLOT + 2, nr = 0;
	struct pagectl_huge_slot *slots = calloc(cap, sizeof(*slots));
	unsigned long long at = start;

	if (!slots)
		return -ENOMEM;
	while (at < end && nr < cap) {
		PAGECTL_ARG(pagectl_huge_map, hm, .start = at, .end = end,
			    .records = (uintptr_t)(slots + nr), .record_size = sizeof(*slots),
			    .max_records = cap - nr);
		int n;

		if (pid) {
			hm.flags = PAGECTL_WALK_PID;
			hm.pid = pid;
		}
		n = pagectl_huge_map(pc, &hm);
		if (n < 0) {
			free(slots);
			return n;
		}
		nr += n;
		if (hm.next <= at)
			break;
		at = hm.next;
	}
	*out = slots;
	return nr;
}

/*
 * One mapping or range. In text a line: range, size, its first 16 slots,
 * why its slots that are not huge are not, its name; then the rest of its
 * slots in rows of 64. In JSON an object with its "slots".
 */
static int huge_range(struct pagectl *pc, pid_t pid, unsigned long long start,
		      unsigned long long end, const char *name, struct huge_totals *t)
{
	struct pagectl_huge_slot *slots;
	char reasons[256], *map;
	unsigned int why = 0;
	long nr, i;

	nr = fetch_slots(pc, pid, start, end, &slots);
	if (nr < 0)
		return nr;
	map = calloc(nr + 1, 1);
	if (!map) {
		free(slots);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++) {
		const struct pagectl_huge_slot *s = &slots[i];

		count_slot(t, s);
		if (s->state != PAGECTL_HUGE_PMD && s->state != PAGECTL_HUGE_HUGETLB)
			why |= slot_reasons(s);
		map[i] = slot_char(s);
	}

	open_json_object(NULL);
	print_0xhex(PRINT_ANY, "start", "%012llx", start);
	print_0xhex(PRINT_ANY, "end", "-%012llx", end);
	print_kib(PRINT_ANY, "size", " %9llu", end - start);
	print_string(PRINT_FP, NULL, "  %-16.16s", map);
	print_string(PRINT_FP, NULL, "  %-30s", reasons_text(why, reasons, sizeof(reasons)));
	print_string(PRINT_ANY, "name", " %s\n", name);
	for (i = MAP_COLUMN; i < nr; i += SLOTS_PER_ROW) {
		print_fp("%38s", "");
		print_string(PRINT_FP, NULL, "%.64s\n", map + i);
	}
	open_json_array("slots");
	for (i = 0; i < nr; i++) {
		const struct pagectl_huge_slot *s = &slots[i];

		open_json_object(NULL);
		print_0xhex(PRINT_JSON, "addr", NULL, s->addr);
		print_string(PRINT_JSON, "state", NULL,
			     s->state < NR_STATES ? state_name[s->state] : "?");
		print_uint(PRINT_JSON, "present", NULL, s->present);
		print_uint(PRINT_JSON, "order", NULL, s->order);
		print_uint(PRINT_JSON, "vmas", NULL, s->nr_vmas);
		print_reasons(s->reasons);
		close_json_object();
	}
	close_json_array();
	close_json_object();
	free(map);
	free(slots);
	return 0;
}

static void print_totals(const struct huge_totals *t)
{
	size_t i;

	open_json_object("totals");
	print_uint(PRINT_ANY, "slots", "\n%llu slots:", t->slots);
	print_uint(PRINT_ANY, "pmd", " %llu THP", t->states[PAGECTL_HUGE_PMD]);
	print_uint(PRINT_ANY, "hugetlb", ", %llu hugetlb", t->states[PAGECTL_HUGE_HUGETLB]);
	print_uint(PRINT_ANY, "large", ", %llu large folios", t->states[PAGECTL_HUGE_LARGE]);
	print_uint(PRINT_ANY, "small", ", %llu small", t->states[PAGECTL_HUGE_SMALL]);
	print_uint(PRINT_ANY, "partial", " (%llu partly present)", t->partial);
	print_uint(PRINT_ANY, "empty", ", %llu empty\n", t->states[PAGECTL_HUGE_EMPTY]);
	print_kib(PRINT_ANY, "huge", "huge: %llu", t->huge_bytes);
	print_fp("%s\n", output_bytes() ? " bytes" : " kB");
	open_json_object("not_huge_because");
	print_fp("not huge because:");
	for (i = 0; i < NR_REASONS; i++) {
		if (reason_names[i].bit == PAGECTL_HUGE_ADVISED)
			continue;
		print_uint(PRINT_JSON, reason_names[i].name, NULL, t->reasons[i]);
		if (t->reasons[i])
			print_fp(" %s %llu", reason_names[i].name, t->reasons[i]);
	}
	print_fp("\n");
	close_json_object();
	close_json_object();
}

int cmd_huge(int argc, char **argv)
{
	struct huge_totals t = { 0 };
	unsigned long long start = 0, end = 0;
	const char *word = NULL;
	struct maps_line m;
	struct pagectl *pc;
	int r, err = 0, ret = EXIT_SUCCESS;
	pid_t pid = 0;
	FILE *f = NULL;

	if (cli_walk_parse(argc, argv, &pid, huge_usage, "huge"))
		return EXIT_USAGE;
	if (argc - optind > 1) {
		fprintf(stderr, "pagectl huge: unexpected argument '%s'\n", argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (optind < argc) {
		r = cli_parse_range("huge", argv[optind], &start, &end);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			word = argv[optind];
	}
	if (!end) {
		f = cli_open_maps(pid);
		if (!f) {
			fprintf(stderr, "pagectl huge: /proc/%d/maps: %s\n", (int)pid,
				strerror(errno));
			return EXIT_FAILURE;
		}
	}
	if (cli_open_device(&pc) < 0) {
		if (f)
			fclose(f);
		return EXIT_FAILURE;
	}

	output_begin();
	print_int(PRINT_JSON, "pid", NULL, pid ? pid : getpid());
	print_fp("H THP  T hugetlb  L large folios  S small  s partly present  . empty\n\n");
	print_fp("%-25s %9s  %-*s  %-30s %s\n", "ADDRESS", output_bytes() ? "BYTES" : "KB",
		 MAP_COLUMN, "SLOTS", "WHY NOT HUGE", "MAPPING");
	open_json_array("mappings");
	if (end) {
		err = huge_range(pc, pid, start, end, "", &t);
	} else {
		unsigned int shown = 0;

		while ((r = cli_read_maps_line(f, &m)) != 0) {
			if (r < 0 || (word && !strstr(m.name, word)))
				continue;
			err = huge_range(pc, pid, m.start, m.end, m.name, &t);
			/* [vsyscall] lies above the user address space. */
			if (err == -EFAULT) {
				err = 0;
				continue;
			}
			if (err)
				break;
			shown++;
		}
		if (!err && word && !shown) {
			fprintf(stderr, "pagectl huge: no mapping named '%s'\n", word);
			ret = EXIT_FAILURE;
		}
	}
	close_json_array();
	if (err) {
		fprintf(stderr, "pagectl huge: %s\n", cli_walk_error(err));
		ret = EXIT_FAILURE;
	} else {
		print_totals(&t);
	}
	if (output_end())
		ret = EXIT_FAILURE;
	pagectl_close(pc);
	if (f)
		fclose(f);
	return ret;
}
