// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl buf: create, map and fill a kernel buffer, and list live buffers.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

#define MAX_EXTENTS 64

#define DEBUGFS_BUFS "/sys/kernel/debug/pagectl/bufs"

enum buf_verb { BUF_CREATE, BUF_MAP, BUF_FILL };

struct buf_opts {
	enum buf_verb verb;
	unsigned long long size, pattern;
	unsigned int node;
	__u32 flags;
	unsigned int hold;
};

static void buf_usage(FILE *out)
{
	fprintf(out,
		"Usage: pagectl buf create|map|fill [OPTIONS]\n"
		"       pagectl buf show [-p PID] [-j|--pretty]\n"
		"\n"
		"create: allocate a zeroed kernel buffer and show its node and extents;\n"
		"map:    also map it and check that it reads as zeros;\n"
		"fill:   also have the kernel write a pattern and read it back through\n"
		"        the mapping. The buffer is freed when the command exits.\n"
		"show:   list the live buffers of every process (/proc/pagectl, debugfs).\n"
		"\n"
		"  -s, --size SIZE     bytes (default 1M; k, M, G)\n"
		"  -c, --contig        one physically contiguous range (remap_pfn_range)\n"
		"                      instead of separate pages (vm_insert_pages)\n"
		"      --huge          2 MiB blocks mapped with PMD entries (SIZE a\n"
		"                      multiple of 2M; kernels with feature buf_huge)\n"
		"  -n, --node NODE     NUMA node (default: the caller's)\n"
		"      --rdonly        a read-only buffer\n"
		"      --dontcopy      mappings are not inherited by fork() children\n"
		"  -P, --pattern WORD  what fill writes into every 8-byte word (default\n"
		"                      0x5a5a5a5a5a5a5a5a)\n"
		"      --hold SECONDS  keep the buffer this long before exiting\n"
		"  -j, --json          print one JSON object\n"
		"      --pretty        print it indented\n"
		"\n"
		"show's -p, --pid PID lists only the buffers process PID created.\n");
}

static int buf_parse(int argc, char **argv, struct buf_opts *o)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "contig", no_argument, NULL, 'c' },
		{ "huge", no_argument, NULL, 'G' },
		{ "node", required_argument, NULL, 'n' },
		{ "rdonly", no_argument, NULL, 'R' },
		{ "dontcopy", no_argument, NULL, 'D' },
		{ "pattern", required_argument, NULL, 'P' },
		{ "hold", required_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->size = 1 << 20;
	o->node = PAGECTL_NODE_LOCAL;
	o->pattern = 0x5a5a5a5a5a5a5a5aULL;
	/* 0, not 1: glibc then forgets the "+" of the main parser and permutes. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "s:cn:P:jh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (cli_parse_size(optarg, &o->size) || !o->size) {
				fprintf(stderr, "pagectl buf: bad size '%s'\n", optarg);
				return -1;
			}
			break;
		case 'c':
			o->flags |= PAGECTL_BUF_CONTIG;
			break;
		case 'n':
			o->node = strtoul(optarg, &end, 0);
			if (*end || *optarg == '-') {
				fprintf(stderr, "pagectl buf: bad node '%s'\n", optarg);
				return -1;
			}
			break;
		case 'G':
			o->flags |= PAGECTL_BUF_HUGE;
			break;
		case 'R':
			o->flags |= PAGECTL_BUF_RDONLY;
			break;
		case 'D':
			o->flags |= PAGECTL_BUF_DONTCOPY;
			break;
		case 'P':
			o->pattern = strtoull(optarg, &end, 0);
			if (*end || !*optarg) {
				fprintf(stderr, "pagectl buf: bad pattern '%s'\n", optarg);
				return -1;
			}
			break;
		case 'H':
			o->hold = strtoul(optarg, &end, 0);
			if (*end || !*optarg) {
				fprintf(stderr, "pagectl buf: bad --hold '%s'\n", optarg);
				return -1;
			}
			break;
		case 'h':
			buf_usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			if (!output_option(c))
				return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pagectl buf: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->verb == BUF_FILL && (o->flags & PAGECTL_BUF_RDONLY)) {
		fprintf(stderr, "pagectl buf: fill needs a writable buffer (no --rdonly)\n");
		return -1;
	}
	return 0;
}

static const char *buf_kind(__u32 flags)
{
	if (flags & PAGECTL_BUF_CONTIG)
		return "contig";
	return flags & PAGECTL_BUF_HUGE ? "huge" : "pages";
}

/*
 * The extents come in order and cover the buffer from its start: the last
 * one returned ends where the next call would begin.
 */
static bool more_extents(const struct pagectl_buf_info *info,
			 const struct pagectl_extent *x, int nx)
{
	unsigned long long end = nx ? x[nx - 1].offset + x[nx - 1].length : 0;

	return end < info->length;
}

static void buf_print(const struct pagectl_buf_info *info, const struct pagectl_extent *x,
		      int nx, const char *mapped, const char *filled)
{
	bool pfns = info->out_flags & PAGECTL_OUT_PFNS;
	int i;

	print_uint(PRINT_ANY, "id", "buffer %llu", info->id);
	print_uint(PRINT_ANY, "length", ": %llu bytes", info->length);
	print_string(PRINT_ANY, "kind", ", %s", buf_kind(info->buf_flags));
	print_uint(PRINT_ANY, "node", ", node %llu", info->node);
	print_bool(PRINT_ANY, "rdonly", ", read-only", info->buf_flags & PAGECTL_BUF_RDONLY);
	print_bool(PRINT_ANY, "dontcopy", ", dontcopy", info->buf_flags & PAGECTL_BUF_DONTCOPY);
	print_uint(PRINT_ANY, "mappings", ", %llu mapping", info->nr_mappings);
	print_fp("%s\n", info->nr_mappings == 1 ? "" : "s");
	print_bool(PRINT_JSON, "pfns", NULL, pfns);
	print_fp("%-12s %-12s %-14s %s\n", "offset", "length", "pfn", "node");
	open_json_array("extents");
	for (i = 0; i < nx; i++) {
		open_json_object(NULL);
		print_uint(PRINT_ANY, "offset", "%#-12llx", x[i].offset);
		print_uint(PRINT_ANY, "length", " %-12llu", x[i].length);
		/* Without CAP_SYS_ADMIN there is no frame to show. */
		if (pfns)
			print_0xhex(PRINT_ANY, "pfn", " %#-14llx", x[i].pfn);
		else
			print_fp(" %-14s", "-");
		print_uint(PRINT_ANY, "node", " %llu\n", x[i].nid);
		close_json_object();
	}
	close_json_array();
	print_bool(PRINT_ANY, "more_extents", "... (more extents)\n", more_extents(info, x, nx));
	if (mapped)
		print_string(PRINT_ANY, "mapped", "mapped: %s\n", mapped);
	if (filled)
		print_string(PRINT_ANY, "filled", "filled: %s\n", filled);
}

/* The mapping reads as zeros: what a fresh buffer must show. */
static const char *check_zero(const __u64 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (p[i])
			return "NOT ZERO";
	return "reads as zeros";
}

static const char *check_pattern(const __u64 *p, size_t len, __u64 pattern)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (p[i] != pattern)
			return "MISMATCH";
	return "kernel's words seen through the mapping";
}

static int buf_run(const struct buf_opts *o)
{
	struct pagectl_buf_create c = {
		.size = sizeof(c),
		.flags = o->flags,
		.length = o->size,
		.node = o->node,
	};
	struct pagectl_extent x[MAX_EXTENTS];
	struct pagectl_buf_info info = {
		.size = sizeof(info),
		.flags = PAGECTL_DESCRIBE_EXTENTS,
		.records = (__u64)(unsigned long)x,
		.record_size = sizeof(x[0]),
		.max_records = MAX_EXTENTS,
	};
	const char *mapped = NULL, *filled = NULL;
	struct pagectl *pc;
	void *map = NULL;
	int fd, nx, ret = EXIT_FAILURE;

	if (cli_open_device(&pc) < 0)
		return EXIT_FAILURE;
	fd = pagectl_buf_create(pc, &c);
	if (fd < 0) {
		fprintf(stderr, "pagectl buf: create: %s\n", pagectl_strerror(fd));
		goto out_close;
	}
	if (o->verb >= BUF_MAP) {
		int prot = PROT_READ | (o->flags & PAGECTL_BUF_RDONLY ? 0 : PROT_WRITE);
		int err = pagectl_buf_map(fd, 0, c.alloc_length, prot, &map);

		if (err < 0) {
			fprintf(stderr, "pagectl buf: map: %s\n", pagectl_strerror(err));
			goto out_buf;
		}
		mapped = check_zero(map, c.alloc_length);
	}
	if (o->verb == BUF_FILL) {
		int err = pagectl_buf_fill(fd, 0, c.alloc_length, o->pattern, 0);

		if (err < 0) {
			fprintf(stderr, "pagectl buf: fill: %s\n", pagectl_strerror(err));
			goto out_unmap;
		}
		filled = check_pattern(map, c.alloc_length, o->pattern);
	}
	nx = pagectl_buf_info(fd, &info);
	if (nx < 0) {
		fprintf(stderr, "pagectl buf: info: %s\n", pagectl_strerror(nx));
		goto out_unmap;
	}
	output_begin();
	buf_print(&info, x, nx, mapped, filled);
	if (output_end())
		goto out_unmap;
	if (o->hold)
		sleep(o->hold);
	ret = (mapped && mapped[0] != 'r') || (filled && filled[0] != 'k') ?
	      EXIT_FAILURE : EXIT_SUCCESS;
out_unmap:
	if (map)
		munmap(map, c.alloc_length);
out_buf:
	close(fd);
out_close:
	pagectl_close(pc);
	return ret;
}

/* One line of debugfs's list of buffers, in text as debugfs has it; @only: 0 or a pid. */
static void buf_show_line(const char *line, pid_t only)
{
	unsigned long long id, bytes;
	char kind[16], flags[32];
	int pid, node, maps;

	if (sscanf(line, "%llu %d %llu %d %15s %31s %d", &id, &pid, &bytes, &node, kind,
		   flags, &maps) != 7 || (only && pid != only))
		return;
	open_json_object(NULL);
	print_uint(PRINT_ANY, "id", "%llu", id);
	print_int(PRINT_ANY, "pid", "\t%lld", pid);
	print_uint(PRINT_ANY, "length", "\t%llu", bytes);
	print_int(PRINT_ANY, "node", "\t%lld", node);
	print_string(PRINT_ANY, "kind", "\t%s", kind);
	print_string(PRINT_FP, NULL, "\t%s", flags);
	print_bool(PRINT_JSON, "rdonly", NULL, !strncmp(flags, "ro", 2));
	print_bool(PRINT_JSON, "dontcopy", NULL, strstr(flags, "dontcopy"));
	print_int(PRINT_ANY, "mappings", "\t%lld\n", maps);
	close_json_object();
}

/* debugfs's list of every live buffer, or of those process -p created. */
static int buf_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char line[256];
	pid_t only = 0;
	FILE *f;
	int c;

	/* 0, not 1: glibc then forgets the "+" of the main parser and permutes. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "p:jh", opts, NULL)) != -1) {
		if (output_option(c))
			continue;
		if (c == 'p') {
			if (cli_parse_pid("buf show", optarg, &only))
				return EXIT_USAGE;
			continue;
		}
		buf_usage(c == 'h' ? stdout : stderr);
		return c == 'h' ? EXIT_SUCCESS : EXIT_USAGE;
	}
	if (optind != argc) {
		fprintf(stderr, "pagectl buf show: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	f = fopen(DEBUGFS_BUFS, "re");
	if (!f) {
		perror("pagectl buf show: " DEBUGFS_BUFS);
		return EXIT_FAILURE;
	}
	output_begin();
	print_fp("id\tpid\tbytes\tnode\tkind\tflags\tmappings\n");
	open_json_array("buffers");
	while (fgets(line, sizeof(line), f))
		buf_show_line(line, only);
	close_json_array();
	fclose(f);
	return output_end() ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_buf(int argc, char **argv)
{
	struct buf_opts o = { 0 };

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		buf_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_SUCCESS;
	}
	if (!strcmp(argv[1], "show"))
		return buf_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "create")) {
		o.verb = BUF_CREATE;
	} else if (!strcmp(argv[1], "map")) {
		o.verb = BUF_MAP;
	} else if (!strcmp(argv[1], "fill")) {
		o.verb = BUF_FILL;
	} else {
		fprintf(stderr, "pagectl buf: unknown command '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	if (buf_parse(argc - 1, argv + 1, &o))
		return EXIT_USAGE;
	return buf_run(&o);
}
