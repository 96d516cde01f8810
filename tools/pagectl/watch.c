// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl watch: the changes the kernel makes to a range of a process, as
 * they happen, one line (or one JSON object) each (WATCH, pagectl_watch(3)).
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define EVENTS	64

static const char *const event_names[] = {
	[PAGECTL_WATCH_UNMAP] = "unmap",
	[PAGECTL_WATCH_PROTECTION] = "protection",
	[PAGECTL_WATCH_CLEAR] = "clear",
	[PAGECTL_WATCH_SOFT_DIRTY] = "soft_dirty",
	[PAGECTL_WATCH_MIGRATE] = "migrate",
	[PAGECTL_WATCH_EXCLUSIVE] = "exclusive",
	[PAGECTL_WATCH_RELEASE] = "release",
	[PAGECTL_WATCH_OTHER] = "other",
};

struct watch_opts {
	pid_t pid;
	unsigned long count;	/* stop after this many events; 0: no limit */
	double seconds;		/* stop after this long; 0: no limit */
	unsigned int queue_len;
	bool entries;		/* each event's entry before and after */
};

static void watch_usage(FILE *out)
{
	fprintf(out,
		"Usage: pagectl watch [-p PID] [-e] [-n COUNT] [-t SECONDS] [-q LEN]\n"
		"                     [-j|--pretty] RANGE|MAPPING\n"
		"\n"
		"Print the changes the kernel makes to a range of a process as they\n"
		"happen, one line each: unmap, protection (mprotect, fork),\n"
		"clear (copy-on-write, swap-out, migration), soft_dirty (clear_refs),\n"
		"migrate, exclusive, and release when the process exits, which ends\n"
		"the watch. The process is not slowed beyond the kernel's notifier.\n"
		"\n"
		"RANGE is START-END or START+LENGTH; MAPPING the name of a mapping as in\n"
		"/proc/PID/maps ([heap], libc): the first one whose name contains it.\n"
		"\n"
		"  -p, --pid PID       the process, one whose /proc/PID/pagemap you may\n"
		"                      read; default: pagectl itself\n"
		"  -e, --entries       with each event, the page-table entry at its start\n"
		"                      before and after, as read between events (the\n"
		"                      range may then be at most 256 MiB)\n"
		"  -n, --count COUNT   stop after COUNT events\n"
		"  -t, --time SECONDS  stop after SECONDS\n"
		"  -q, --queue LEN     events the kernel holds for pagectl (default 256);\n"
		"                      beyond, it counts what it drops (\"lost\")\n"
		"  -j, --json          one JSON object per event, one per line\n"
		"      --pretty        each object indented\n");
}

static int watch_parse(int argc, char **argv, struct watch_opts *o)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "time", required_argument, NULL, 't' },
		{ "queue", required_argument, NULL, 'q' },
		{ "entries", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	/* 0, not 1: glibc then forgets the "+" of the main parser and permutes. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "p:n:t:q:ejh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (cli_parse_pid("watch", optarg, &o->pid))
				return -1;
			break;
		case 'n':
			o->count = strtoul(optarg, &end, 0);
			if (!isdigit((unsigned char)*optarg) || *end || !o->count) {
				fprintf(stderr, "pagectl watch: bad count '%s'\n", optarg);
				return -1;
			}
			break;
		case 't':
			o->seconds = strtod(optarg, &end);
			if (*end || !(o->seconds > 0)) {
				fprintf(stderr, "pagectl watch: bad time '%s'\n", optarg);
				return -1;
			}
			break;
		case 'q':
			o->queue_len = strtoul(optarg, &end, 0);
			if (!isdigit((unsigned char)*optarg) || *end || !o->queue_len) {
				fprintf(stderr, "pagectl watch: bad queue length '%s'\n", optarg);
				return -1;
			}
			break;
		case 'e':
			o->entries = true;
			break;
		case 'h':
			watch_usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			if (!output_option(c))
				return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "pagectl watch: %s\n", optind < argc ?
			"one range or mapping, not more" : "which range? (see --help)");
		return -1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One event: a line, with -e two more for the entries, or one JSON object
 * of its own. Returns 0 or -1.
 */
static int print_event(const struct pagectl_watch_event *e, bool entries)
{
	output_begin();
	print_uint(PRINT_ANY, "seq", "%8llu", e->seq);
	print_string(PRINT_ANY, "event", "  %-10s",
		     e->event < ARRAY_SIZE(event_names) ? event_names[e->event] : "?");
	print_0xhex(PRINT_ANY, "start", "  %012llx", e->start);
	print_0xhex(PRINT_ANY, "end", "-%012llx", e->end);
	print_kib(PRINT_ANY, "size", " %9llu kB", e->end - e->start);
	print_uint(PRINT_JSON, "lost", NULL, e->lost);
	if (e->lost)
		print_uint(PRINT_FP, NULL, "  (%llu lost before)", e->lost);
	print_fp("\n");
	if (entries) {
		cli_print_entry("before", "          before: ", e->before_level,
				e->before_kind, e->before_bits);
		cli_print_entry("after", "          after:  ", e->after_level,
				e->after_kind, e->after_bits);
	}
	return output_end();
}

int cmd_watch(int argc, char **argv)
{
	struct watch_opts o = { 0 };
	struct pagectl_watch_event ev[EVENTS];
	unsigned long long start, end;
	struct maps_line m;
	unsigned long seen = 0;
	double deadline = 0;
	struct pagectl *pc;
	int fd, n, i, ret = EXIT_SUCCESS;

	if (watch_parse(argc, argv, &o))
		return EXIT_USAGE;
	n = cli_parse_range("watch", argv[optind], &start, &end);
	if (n < 0)
		return EXIT_USAGE;
	if (n > 0) {
		n = cli_find_mapping(o.pid, argv[optind], &m);
		if (n) {
			fprintf(stderr, "pagectl watch: no mapping named '%s' (%s)\n",
				argv[optind], strerror(-n));
			return EXIT_FAILURE;
		}
		start = m.start;
		end = m.end;
	}
	if (cli_open_device(&pc) < 0)
		return EXIT_FAILURE;
	if (o.entries) {
		unsigned int page_size;

		if (cli_page_size(pc, &page_size) < 0) {
			pagectl_close(pc);
			return EXIT_FAILURE;
		}
		if ((end - start) / page_size > PAGECTL_WATCH_ENTRIES_MAX_PAGES) {
			fprintf(stderr, "pagectl watch: with -e, at most %llu bytes\n",
				(unsigned long long)PAGECTL_WATCH_ENTRIES_MAX_PAGES * page_size);
			pagectl_close(pc);
			return EXIT_USAGE;
		}
	}

	{
		PAGECTL_ARG(pagectl_watch, w, .start = start, .end = end,
			    .queue_len = o.queue_len);

		if (o.pid) {
			w.flags = PAGECTL_WALK_PID;
			w.pid = o.pid;
		}
		if (o.entries)
			w.flags |= PAGECTL_WATCH_ENTRIES;
		fd = pagectl_watch(pc, &w);
	}
	if (fd < 0) {
		fprintf(stderr, "pagectl watch: %s\n", cli_walk_error(fd));
		pagectl_close(pc);
		return EXIT_FAILURE;
	}
	if (!is_json_context())
		fprintf(stderr, "watching %#llx-%#llx of pid %d\n", start, end,
			o.pid ? (int)o.pid : (int)getpid());
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (o.seconds)
		deadline = now_s() + o.seconds;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int timeout = -1;

		if (deadline) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			timeout = (int)(left * 1000) + 1;
		}
		if (poll(&p, 1, timeout) < 0 && errno != EINTR) {
			ret = EXIT_FAILURE;
			break;
		}
		n = pagectl_watch_read(fd, ev, EVENTS);
		if (n == -EAGAIN)
			continue;
		if (n < 0) {
			fprintf(stderr, "pagectl watch: %s\n", pagectl_strerror(n));
			ret = EXIT_FAILURE;
			break;
		}
		/* 0: the process has exited and every event was read. */
		if (!n)
			break;
		for (i = 0; i < n && (!o.count || seen < o.count); i++, seen++)
			if (print_event(&ev[i], o.entries))
				ret = EXIT_FAILURE;
		if (ret || (o.count && seen >= o.count))
			break;
	}
	close(fd);
	pagectl_close(pc);
	return ret;
}
