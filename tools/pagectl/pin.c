// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl pin: pin a demo buffer and show what backs it.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_NODES 64
#define BATCH 512

struct pin_opts {
	unsigned long long size;
	int thp, hugetlb, shmem, write, frames, check;
	unsigned long timer_ms;
	pid_t pid;
};

static void pin_usage(FILE *out)
{
	fprintf(out,
		"Usage: pagectl pin [OPTIONS]\n"
		"       pagectl pin --check [-p PID] [-w] [ADDR LEN|RANGE|MAPPING [LEN]]\n"
		"\n"
		"Allocate a demo buffer, touch it, pin it and show its physically\n"
		"contiguous extents and NUMA nodes; frame numbers are shown only to\n"
		"CAP_SYS_ADMIN. The pin is released when the command exits.\n"
		"\n"
		"With --check, pin nothing: show what a long-term pin of a range would\n"
		"meet, page by page (ok, fault_in, migrate, migrate_blocked, refused,\n"
		"each with a reason), whether it would succeed under the limits, and\n"
		"the limits. The range is ADDR LEN, RANGE (START-END or START+LENGTH),\n"
		"MAPPING (each mapping of that name in /proc/PID/maps) or MAPPING LEN\n"
		"(from its start); without one, the demo buffer. Exit status 3: the\n"
		"check ran and the pin would fail.\n"
		"\n"
		"  -c, --check       check a range instead of pinning the demo buffer\n"
		"  -p, --pid PID     with --check, the process whose pin to check, one\n"
		"                    whose /proc/PID/pagemap you may read; default:\n"
		"                    pagectl itself\n"
		"  -s, --size SIZE   bytes to allocate and pin (default 1M; k, M, G)\n"
		"      --thp         back the buffer with transparent huge pages\n"
		"      --hugetlb     back it with 2 MiB hugetlb pages\n"
		"      --shmem       use a memfd (shared memory), not private memory\n"
		"  -w, --write       pin for writing (FOLL_WRITE)\n"
		"  -f, --frames      list every page, not only the extents\n"
		"      --timer MS    have the kernel count in the first 8 bytes every\n"
		"                    millisecond for MS ms (implies --write)\n"
		"  -b, --bytes       sizes in bytes, not kB\n"
		"  -j, --json        print one JSON object (sizes in bytes)\n"
		"      --pretty      print it indented\n");
}

static int pin_parse(int argc, char **argv, struct pin_opts *o)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "thp", no_argument, NULL, 'T' },
		{ "hugetlb", no_argument, NULL, 'H' },
		{ "shmem", no_argument, NULL, 'S' },
		{ "write", no_argument, NULL, 'w' },
		{ "frames", no_argument, NULL, 'f' },
		{ "timer", required_argument, NULL, 't' },
		{ "check", no_argument, NULL, 'c' },
		{ "pid", required_argument, NULL, 'p' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->size = 1 << 20;
	/* 0, not 1: glibc then forgets the "+" of the main parser and permutes. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "s:wfcp:bjh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (cli_parse_size(optarg, &o->size) || !o->size) {
				fprintf(stderr, "pagectl pin: bad size '%s'\n", optarg);
				return -1;
			}
			break;
		case 'T':
			o->thp = 1;
			break;
		case 'H':
			o->hugetlb = 1;
			break;
		case 'S':
			o->shmem = 1;
			break;
		case 'w':
			o->write = 1;
			break;
		case 'f':
			o->frames = 1;
			break;
		case 't':
			o->timer_ms = strtoul(optarg, &end, 0);
			if (*end || !o->timer_ms) {
				fprintf(stderr, "pagectl pin: bad --timer '%s'\n", optarg);
				return -1;
			}
			o->write = 1;
			break;
		case 'c':
			o->check = 1;
			break;
		case 'p':
			if (cli_parse_pid("pin", optarg, &o->pid))
				return -1;
			break;
		case 'h':
			pin_usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			if (!output_option(c))
				return -1;
		}
	}
	if (optind != argc && !o->check) {
		fprintf(stderr, "pagectl pin: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->check && (o->frames || o->timer_ms)) {
		fprintf(stderr, "pagectl pin: --check pins nothing: no --frames or --timer\n");
		return -1;
	}
	if (o->pid && !o->check) {
		fprintf(stderr, "pagectl pin: --pid needs --check\n");
		return -1;
	}
	if (o->check && optind != argc && (o->thp || o->hugetlb || o->shmem)) {
		fprintf(stderr, "pagectl pin: %s are for the demo buffer\n",
			"--thp, --hugetlb and --shmem");
		return -1;
	}
	if (o->hugetlb + o->shmem + o->thp > 1) {
		fprintf(stderr, "pagectl pin: --thp, --hugetlb and --shmem exclude each other\n");
		return -1;
	}
	return 0;
}

/* The demo buffer, touched so every page is present before the pin. */
static void *demo_buffer(const struct pin_opts *o)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t align = o->thp ? 2UL << 20 : 0;
	int fd = -1;
	char *p;

	if (o->hugetlb)
		flags |= MAP_HUGETLB;
	if (o->shmem) {
		fd = memfd_create("pagectl-demo", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, o->size))
			return NULL;
		flags = MAP_SHARED;
	}
	p = mmap(NULL, o->size + align, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED)
		return NULL;
	if (align) {
		/* A THP needs a 2 MiB-aligned, 2 MiB-sized range. */
		p = (char *)(((unsigned long)p + align - 1) & ~(align - 1));
		madvise(p, o->size, MADV_HUGEPAGE);
	}
	memset(p, 0x5a, o->size);
	return p;
}

static long vmpin_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static const char *kind(const struct pin_opts *o)
{
	if (o->hugetlb)
		return "hugetlb";
	if (o->shmem)
		return "shmem";
	return o->thp ? "anon-thp" : "anon";
}

/* The pin's first lines, then the heading of its extents. */
static void print_pin(const struct pagectl_pin *pin, const struct pin_opts *o)
{
	long kb = vmpin_kb();

	print_uint(PRINT_ANY, "npages", "pinned %llu pages", pin->npages);
	print_0xhex(PRINT_ANY, "start", " at %#llx", pin->start);
	print_uint(PRINT_ANY, "handle", ": handle %llu", pin->handle);
	print_string(PRINT_ANY, "kind", ", %s", kind(o));
	print_bool(PRINT_JSON, "write", NULL, o->write);
	print_fp(", %s\n", o->write ? "write" : "read");
	if (kb >= 0) {
		print_kib(PRINT_ANY, "vmpin", "VmPin: %llu", (unsigned long long)kb << 10);
		print_fp(output_bytes() ? " bytes\n" : " kB\n");
	}
	print_fp("extents (frames are 0 without CAP_SYS_ADMIN):\n");
	print_fp("  %-12s %-12s %-12s %s\n", "offset", "length", "pfn", "node");
}

/* How many of the pages are on each node. */
static void print_nodes(const unsigned long *per_node)
{
	int i, n = 0;

	print_fp("pages per node:");
	open_json_array("nodes");
	for (i = 0; i < MAX_NODES; i++) {
		if (!per_node[i])
			continue;
		open_json_object(NULL);
		print_uint(PRINT_ANY, "node", n++ ? ", node%llu" : " node%llu", i);
		print_uint(PRINT_ANY, "pages", " %llu", per_node[i]);
		close_json_object();
	}
	close_json_array();
	print_fp("\n");
}

/* Describe the pin in batches; prints frames with -f and counts pages per node. */
static int show_frames(struct pagectl *pc, const struct pagectl_pin *pin,
		       const struct pin_opts *o, unsigned int page_size,
		       unsigned long *per_node)
{
	PAGECTL_ARG(pagectl_pin_describe, d, .handle = pin->handle);
	struct pagectl_frame frames[BATCH];
	int n, i;

	if (o->frames) {
		print_fp("frames:\n  %-12s %-12s %-5s %-*s %-8s %s\n", "offset", "pfn", "node",
			 output_bytes() ? 11 : 6, output_bytes() ? "bytes" : "kB",
			 "refcount", "flags");
		open_json_array("frames");
	}
	do {
		d.records = (unsigned long)frames;
		d.record_size = sizeof(frames[0]);
		d.max_records = BATCH;
		n = pagectl_pin_describe(pc, &d);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			const struct pagectl_frame *f = &frames[i];
			unsigned long long off = (d.cursor + i) * (unsigned long long)page_size;

			if (f->nid < MAX_NODES)
				per_node[f->nid]++;
			if (!o->frames)
				continue;
			open_json_object(NULL);
			print_uint(PRINT_ANY, "offset", "  %#-12llx", off);
			print_0xhex(PRINT_ANY, "pfn", " %#-12llx", f->pfn);
			print_uint(PRINT_ANY, "node", " %-5llu", f->nid);
			print_kib(PRINT_ANY, "size", output_bytes() ? " %-11llu" : " %-6llu",
				  1ULL << f->size_shift);
			print_uint(PRINT_ANY, "refcount", " %-8llu", f->refcount);
			print_0xhex(PRINT_ANY, "flags", " %#llx\n", f->flags);
			close_json_object();
		}
		d.cursor = d.next_cursor;
	} while (d.cursor < d.npages);
	if (o->frames)
		close_json_array();
	return 0;
}

static int show_extents(struct pagectl *pc, const struct pagectl_pin *pin)
{
	struct pagectl_extent x[BATCH];
	struct pagectl_pin_describe d = {
		.size = sizeof(d),
		.handle = pin->handle,
		.flags = PAGECTL_DESCRIBE_EXTENTS,
	};
	int n, i;

	open_json_array("extents");
	do {
		d.records = (unsigned long)x;
		d.record_size = sizeof(x[0]);
		d.max_records = BATCH;
		n = pagectl_pin_describe(pc, &d);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			open_json_object(NULL);
			print_uint(PRINT_ANY, "offset", "  %#-12llx", x[i].offset);
			print_uint(PRINT_ANY, "length", " %#-12llx", x[i].length);
			print_0xhex(PRINT_ANY, "pfn", " %#-12llx", x[i].pfn);
			print_uint(PRINT_ANY, "node", " %llu\n", x[i].nid);
			close_json_object();
		}
		d.cursor = d.next_cursor;
	} while (d.cursor < d.npages);
	close_json_array();
	return 0;
}

/* Let the kernel count in the buffer and show the counter moving. */
static int show_timer(struct pagectl *pc, const struct pagectl_pin *pin,
		      __u64 *counter, const struct pin_opts *o)
{
	struct timespec ts = { o->timer_ms / 1000, (o->timer_ms % 1000) * 1000000 };
	__u64 before, after, ticks = 0;
	int ret;

	__atomic_store_n(counter, 0, __ATOMIC_RELAXED);
	ret = pagectl_timer_arm(pc, pin->handle, 0, 1000000);
	if (ret < 0)
		return ret;
	/* The kernel writes the word from a timer: plain atomic loads see it. */
	before = __atomic_load_n(counter, __ATOMIC_RELAXED);
	nanosleep(&ts, NULL);
	after = __atomic_load_n(counter, __ATOMIC_RELAXED);
	ret = pagectl_timer_disarm(pc, pin->handle, &ticks);
	if (ret < 0)
		return ret;
	open_json_object("timer");
	print_uint(PRINT_ANY, "before", "kernel timer: counter %llu", before);
	print_uint(PRINT_ANY, "after", " -> %llu", after);
	print_uint(PRINT_ANY, "ms", " in %llu ms, read with no system call", o->timer_ms);
	print_uint(PRINT_ANY, "ticks", " (%llu ticks)\n", ticks);
	close_json_object();
	return 0;
}

int cmd_pin(int argc, char **argv)
{
	PAGECTL_ARG(pagectl_pin, pin);
	unsigned long per_node[MAX_NODES] = { 0 };
	struct pin_opts o = { 0 };
	struct pagectl *pc;
	unsigned int page_size;
	int ret, out_err;
	void *buf;

	if (pin_parse(argc, argv, &o))
		return EXIT_USAGE;
	if (o.check && optind != argc) {
		if (cli_open_device(&pc) < 0)
			return EXIT_FAILURE;
		ret = cli_pin_check(pc, o.pid, o.write, argc - optind, argv + optind, NULL, 0);
		pagectl_close(pc);
		return ret;
	}
	buf = demo_buffer(&o);
	if (!buf) {
		perror("pagectl pin: demo buffer");
		return EXIT_FAILURE;
	}
	if (cli_open_device(&pc) < 0)
		return EXIT_FAILURE;
	if (cli_page_size(pc, &page_size) < 0) {
		pagectl_close(pc);
		return EXIT_FAILURE;
	}

	if (o.check) {
		ret = cli_pin_check(pc, 0, o.write, 0, NULL, buf, o.size);
		pagectl_close(pc);
		return ret;
	}

	pin.addr = (unsigned long)buf;
	pin.length = o.size;
	pin.flags = o.write ? PAGECTL_PIN_WRITE : 0;
	ret = pagectl_pin(pc, &pin);
	if (ret < 0) {
		fprintf(stderr, "pagectl pin: %s", pagectl_strerror(ret));
		/* Where and why, from a module that reports it. */
		if (pin.fail_addr)
			fprintf(stderr, " at %#llx (%s)", (unsigned long long)pin.fail_addr,
				cli_pin_reason(pin.fail_reason));
		fprintf(stderr, "\n");
		pagectl_close(pc);
		return EXIT_FAILURE;
	}

	/* A failure half-way leaves the output so far, closed by output_end(). */
	output_begin();
	print_pin(&pin, &o);
	ret = show_extents(pc, &pin);
	if (!ret)
		ret = show_frames(pc, &pin, &o, page_size, per_node);
	if (!ret)
		print_nodes(per_node);
	if (!ret && o.timer_ms)
		ret = show_timer(pc, &pin, buf, &o);
	out_err = output_end();
	if (ret < 0)
		fprintf(stderr, "pagectl pin: %s\n", pagectl_strerror(ret));
	pagectl_close(pc);
	return ret < 0 || out_err ? EXIT_FAILURE : EXIT_SUCCESS;
}
