// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl pin --check: what a long-term pin of a range would meet, page by
 * page, and whether it would succeed, without pinning anything (PIN_CHECK,
 * pagectl_pin_check(3)).
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define BATCH		256
#define MAX_RANGES	64

static const char *const verdict_names[] = {
	[PAGECTL_PINCHECK_OK] = "ok",
	[PAGECTL_PINCHECK_FAULT_IN] = "fault_in",
	[PAGECTL_PINCHECK_MIGRATE] = "migrate",
	[PAGECTL_PINCHECK_MIGRATE_BLOCKED] = "migrate_blocked",
	[PAGECTL_PINCHECK_REFUSED] = "refused",
};

#define NR_VERDICTS	ARRAY_SIZE(verdict_names)

static const char *const reason_names[] = {
	[PAGECTL_PINCHECK_NONE] = "-",
	[PAGECTL_PINCHECK_NOT_PRESENT] = "not_present",
	[PAGECTL_PINCHECK_SWAPPED] = "swapped",
	[PAGECTL_PINCHECK_COW] = "cow",
	[PAGECTL_PINCHECK_MOVABLE] = "movable",
	[PAGECTL_PINCHECK_CMA] = "cma",
	[PAGECTL_PINCHECK_EXTRA_REFS] = "extra_refs",
	[PAGECTL_PINCHECK_NO_VMA] = "no_vma",
	[PAGECTL_PINCHECK_IO_PFNMAP] = "io_pfnmap",
	[PAGECTL_PINCHECK_SECRETMEM] = "secretmem",
	[PAGECTL_PINCHECK_FSDAX] = "fsdax",
	[PAGECTL_PINCHECK_FILE_WRITE] = "file_write",
	[PAGECTL_PINCHECK_NOT_WRITABLE] = "not_writable",
	[PAGECTL_PINCHECK_NO_ACCESS] = "no_access",
	[PAGECTL_PINCHECK_MEMLOCK] = "memlock",
	[PAGECTL_PINCHECK_MAX_PIN] = "max_pin",
};

const char *cli_pin_reason(unsigned int reason)
{
	return reason < ARRAY_SIZE(reason_names) ? reason_names[reason] : "?";
}

static const char *verdict_name(unsigned int verdict)
{
	return verdict < NR_VERDICTS ? verdict_names[verdict] : "?";
}

struct check_range {
	unsigned long long start, end;
	char *name;
};

/* What one range's check found, for its prediction. */
struct check_sum {
	unsigned long long pages[NR_VERDICTS];
	unsigned long long fail_addr;	/* the first refused page */
	unsigned int fail_reason;	/* its reason; NONE if no page is refused */
};

/* The PIN the check predicts: its errno (0 for success), where and why. */
struct prediction {
	int err;
	unsigned long long addr;
	unsigned int reason;
};

/*
 * As PIN decides, in its order: the per-file cap, then RLIMIT_MEMLOCK, both
 * at the range's start before anything is faulted in; then the first page
 * GUP refuses. A migration that references block may still fail the pin.
 */
static struct prediction predict(const struct pagectl_pin_check *a,
				 const struct check_sum *s, unsigned long long start)
{
	struct prediction p = { 0, start, PAGECTL_PINCHECK_NONE };

	if (a->npages > a->max_pin_pages ||
	    a->pinned_pages > a->max_pin_pages - a->npages) {
		p.err = ENOSPC;
		p.reason = PAGECTL_PINCHECK_MAX_PIN;
	} else if (a->memlock_pages != PAGECTL_PIN_CHECK_NO_LIMIT &&
		   (a->npages > a->memlock_pages ||
		    a->locked_pages > a->memlock_pages - a->npages)) {
		p.err = ENOMEM;
		p.reason = PAGECTL_PINCHECK_MEMLOCK;
	} else if (s->fail_reason != PAGECTL_PINCHECK_NONE) {
		p.err = s->fail_reason == PAGECTL_PINCHECK_FSDAX ? EOPNOTSUPP : EFAULT;
		p.addr = s->fail_addr;
		p.reason = s->fail_reason;
	}
	return p;
}

static void print_prediction(const struct prediction *p, const struct check_sum *s,
			     bool *fails)
{
	unsigned long long fault_in = s->pages[PAGECTL_PINCHECK_FAULT_IN];
	unsigned long long migrate = s->pages[PAGECTL_PINCHECK_MIGRATE];
	unsigned long long blocked = s->pages[PAGECTL_PINCHECK_MIGRATE_BLOCKED];

	open_json_object("pin");
	if (p->err) {
		*fails = true;
		print_string(PRINT_ANY, "result", "  a pin %s", "fails");
		print_string(PRINT_ANY, "errno", " with %s", strerrorname_np(p->err));
		print_0xhex(PRINT_ANY, "fail_addr", " at %#llx", p->addr);
		print_string(PRINT_ANY, "fail_reason", " (%s)\n", cli_pin_reason(p->reason));
		close_json_object();
		return;
	}
	/* A migration that references block fails the pin with ENOMEM. */
	print_string(PRINT_JSON, "result", NULL, blocked ? "may_fail" : "succeeds");
	print_fp("  a pin %s", blocked ? "may fail with ENOMEM" : "succeeds");
	print_uint(PRINT_JSON, "fault_in", NULL, fault_in);
	print_uint(PRINT_JSON, "migrate", NULL, migrate + blocked);
	print_uint(PRINT_JSON, "migrate_blocked", NULL, blocked);
	if (fault_in)
		print_fp(", faulting in %llu page%s", fault_in, fault_in == 1 ? "" : "s");
	if (migrate + blocked)
		print_fp(", migrating %llu page%s", migrate + blocked,
			 migrate + blocked == 1 ? "" : "s");
	if (blocked)
		print_fp(" (%llu with extra references)", blocked);
	print_fp("%s\n", fault_in || migrate || blocked ? " first" : "");
	close_json_object();
}

/* One range: its records, one line each, then what a pin of it would do. */
static int check_one(struct pagectl *pc, pid_t pid, bool write, unsigned int page_size,
		     const struct check_range *cr, struct pagectl_pin_check *a,
		     bool *fails)
{
	struct check_sum s = { .fail_reason = PAGECTL_PINCHECK_NONE };
	unsigned long long start = cr->start & ~(page_size - 1ULL);
	unsigned long long at = start, end = cr->end + page_size - 1;
	struct pagectl_pin_range r[BATCH];
	struct prediction p;
	int n, i;

	/* The page-aligned end; one that wraps is the kernel's EOVERFLOW. */
	end = end < cr->end ? cr->end : end & ~(page_size - 1ULL);
	open_json_object(NULL);
	print_string(PRINT_JSON, "name", NULL, cr->name);
	open_json_array("records");
	do {
		*a = (struct pagectl_pin_check){
			.size = sizeof(*a), .addr = at, .length = cr->end - at,
			.records = (uintptr_t)r, .record_size = sizeof(r[0]),
			.max_records = BATCH,
		};
		if (write)
			a->flags |= PAGECTL_PIN_WRITE;
		if (pid) {
			a->flags |= PAGECTL_PIN_CHECK_PID;
			a->pid = pid;
		}
		n = pagectl_pin_check(pc, a);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			if (r[i].verdict < NR_VERDICTS)
				s.pages[r[i].verdict] += (r[i].end - r[i].start) / page_size;
			if (r[i].verdict == PAGECTL_PINCHECK_REFUSED &&
			    s.fail_reason == PAGECTL_PINCHECK_NONE) {
				s.fail_addr = r[i].start;
				s.fail_reason = r[i].reason;
			}
			open_json_object(NULL);
			print_0xhex(PRINT_ANY, "start", "%012llx", r[i].start);
			print_0xhex(PRINT_ANY, "end", "-%012llx", r[i].end);
			print_kib(PRINT_ANY, "size", " %9llu", r[i].end - r[i].start);
			print_string(PRINT_ANY, "verdict", "  %-16s", verdict_name(r[i].verdict));
			print_string(PRINT_ANY, "reason", "%-13s", cli_pin_reason(r[i].reason));
			print_string(PRINT_FP, NULL, " %s\n", cr->name);
			close_json_object();
		}
		/* The next call starts where this one stopped; no progress ends it. */
		if (a->next <= at)
			break;
		at = a->next;
	} while (at < end);
	close_json_array();

	/* The limits and @npages of the whole range, not of the last call's rest. */
	a->npages = (end - start) / page_size;
	p = predict(a, &s, start);
	print_0xhex(PRINT_JSON, "start", NULL, start);
	print_0xhex(PRINT_JSON, "end", NULL, end);
	print_uint(PRINT_JSON, "npages", NULL, a->npages);
	print_prediction(&p, &s, fails);
	close_json_object();
	return 0;
}

static void print_limits(const struct pagectl_pin_check *a, pid_t pid)
{
	open_json_object("limits");
	print_fp("\nlimits%s:", pid ? " of the process" : "");
	if (a->memlock_pages == PAGECTL_PIN_CHECK_NO_LIMIT) {
		print_null(PRINT_ANY, "memlock_pages", " RLIMIT_MEMLOCK none (or CAP_IPC_LOCK)");
	} else {
		print_uint(PRINT_ANY, "memlock_pages", " RLIMIT_MEMLOCK %llu",
			   a->memlock_pages);
		print_fp(" page%s", a->memlock_pages == 1 ? "" : "s");
	}
	print_uint(PRINT_ANY, "locked_pages", ", %llu", a->locked_pages);
	print_fp(" page%s charged to its user", a->locked_pages == 1 ? "" : "s");
	print_uint(PRINT_ANY, "max_pin_pages", "; max_pin_pages %llu per file",
		   a->max_pin_pages);
	print_uint(PRINT_ANY, "pinned_pages", ", %llu pinned through it\n", a->pinned_pages);
	close_json_object();
}

/* The ranges @args name: ADDR LEN, RANGE, MAPPING or MAPPING LEN; a count or -1. */
static int parse_ranges(pid_t pid, int nargs, char **args, struct check_range *cr)
{
	unsigned long long start, end, len = 0;
	struct maps_line m;
	const char *word;
	FILE *f;
	int r, nr = 0;

	if (nargs == 2 && (cli_parse_size(args[1], &len) || !len)) {
		fprintf(stderr, "pagectl pin: bad length '%s'\n", args[1]);
		return -1;
	}
	if (nargs == 2 && args[0][0] >= '0' && args[0][0] <= '9') {
		char *rest;

		errno = 0;
		start = strtoull(args[0], &rest, 0);
		if (errno || *rest || start + len < start) {
			fprintf(stderr, "pagectl pin: bad address '%s'\n", args[0]);
			return -1;
		}
		cr[0] = (struct check_range){ start, start + len, strdup("") };
		return cr[0].name ? 1 : -1;
	}
	if (nargs == 1) {
		r = cli_parse_range("pin", args[0], &start, &end);
		if (r < 0)
			return -1;
		if (!r) {
			cr[0] = (struct check_range){ start, end, strdup("") };
			return cr[0].name ? 1 : -1;
		}
	}
	/* A mapping's name: each mapping of that name, or LEN from the first. */
	word = args[0];
	f = cli_open_maps(pid);
	if (!f) {
		fprintf(stderr, "pagectl pin: /proc/%d/maps: %s\n", (int)pid, strerror(errno));
		return -1;
	}
	while (nr < MAX_RANGES && (r = cli_read_maps_line(f, &m)) != 0) {
		if (r < 0 || !strstr(m.name, word))
			continue;
		cr[nr].start = m.start;
		cr[nr].end = len ? m.start + len : m.end;
		cr[nr].name = strdup(m.name);
		if (!cr[nr].name)
			break;
		/* With LEN, the first mapping of the name is the start. */
		if (++nr && len)
			break;
	}
	fclose(f);
	if (!nr)
		fprintf(stderr, "pagectl pin: no mapping named '%s'\n", word);
	return nr ? nr : -1;
}

int cli_pin_check(struct pagectl *pc, pid_t pid, bool write, int nargs, char **args,
		  void *demo, unsigned long long demo_len)
{
	struct check_range cr[MAX_RANGES];
	struct pagectl_pin_check last;
	unsigned int page_size;
	bool fails = false;
	int i, nr, ret = 0;

	if (nargs > 2) {
		fprintf(stderr, "pagectl pin: unexpected argument '%s'\n", args[2]);
		return EXIT_USAGE;
	}
	if (cli_page_size(pc, &page_size) < 0)
		return EXIT_FAILURE;
	if (nargs) {
		nr = parse_ranges(pid, nargs, args, cr);
		if (nr < 0)
			return EXIT_USAGE;
	} else {
		cr[0] = (struct check_range){ (uintptr_t)demo, (uintptr_t)demo + demo_len,
					      strdup("(demo buffer)") };
		nr = cr[0].name ? 1 : -1;
		if (nr < 0)
			return EXIT_FAILURE;
	}
	/* The kernel checks pagectl's own memory without a pid. */
	if (pid == getpid())
		pid = 0;

	output_begin();
	print_int(PRINT_JSON, "pid", NULL, pid ? pid : getpid());
	print_bool(PRINT_JSON, "write", NULL, write);
	print_fp("what a long-term %s pin would meet (nothing is pinned)\n\n",
		 write ? "writable" : "read-only");
	print_fp("%-25s %9s  %-16s%-13s %s\n", "ADDRESS", output_bytes() ? "BYTES" : "KB",
		 "VERDICT", "REASON", "MAPPING");
	open_json_array("ranges");
	for (i = 0; i < nr && !ret; i++)
		ret = check_one(pc, pid, write, page_size, &cr[i], &last, &fails);
	close_json_array();
	if (!ret)
		print_limits(&last, pid);
	if (output_end() && !ret)
		ret = -EIO;
	for (i = 0; i < nr; i++)
		free(cr[i].name);
	if (ret) {
		fprintf(stderr, "pagectl pin: %s\n", cli_walk_error(ret));
		return EXIT_FAILURE;
	}
	return fails ? EXIT_PIN_FAILS : EXIT_SUCCESS;
}
