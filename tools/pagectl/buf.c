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

#define BUF_JSON "{\"id\": %llu, \"kind\": \"%s\", \"length\": %llu, \"node\": %u, \"rdonly\": %s, \"dontcopy\": %s, \"mappings\": %u, \"pfns\": %s, \"extents\": ["
#define EXTENT_JSON "%s{\"offset\": %llu, \"length\": %llu, \"pfn\": %llu, \"nid\": %u}"
#define SHOW_JSON "%s{\"id\": %llu, \"pid\": %d, \"length\": %llu, \"node\": %d, \"kind\": \"%s\", \"flags\": \"%s\", \"mappings\": %d}"
#define DEBUGFS_BUFS "/sys/kernel/debug/pagectl/bufs"

enum buf_verb { BUF_CREATE, BUF_MAP, BUF_FILL };

struct buf_opts {
	enum buf_verb verb;
	unsigned long long size, pattern;
	unsigned int node;
	__u32 flags;
	unsigned int hold;
	int json;
};

static void buf_usage(FILE *out)
{
	fprintf(out,
		"Usage: pagectl buf create|map|fill [OPTIONS]\n"
		"       pagectl buf show [--json]\n"
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
		"  -p, --pattern WORD  what fill writes into every 8-byte word (default\n"
		"                      0x5a5a5a5a5a5a5a5a)\n"
		"      --hold SECONDS  keep the buffer this long before exiting\n"
		"      --json          print one JSON object\n");
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
		{ "pattern", required_argument, NULL, 'p' },
		{ "hold", required_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->size = 1 << 20;
	o->node = PAGECTL_NODE_LOCAL;
	o->pattern = 0x5a5a5a5a5a5a5a5aULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:cn:p:h", opts, NULL)) != -1) {
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
		case 'p':
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
		case 'j':
			o->json = 1;
			break;
		case 'h':
			buf_usage(stdout);
			exit(EXIT_SUCCESS);
		default:
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

static void buf_print(const struct buf_opts *o, const struct pagectl_buf_info *info,
		      const struct pagectl_extent *x, int nx, const char *mapped,
		      const char *filled)
{
	int i;

	if (o->json) {
		printf(BUF_JSON, (unsigned long long)info->id, buf_kind(info->buf_flags),
		       (unsigned long long)info->length, info->node,
		       info->buf_flags & PAGECTL_BUF_RDONLY ? "true" : "false",
		       info->buf_flags & PAGECTL_BUF_DONTCOPY ? "true" : "false",
		       info->nr_mappings,
		       info->out_flags & PAGECTL_OUT_PFNS ? "true" : "false");
		for (i = 0; i < nx; i++)
			printf(EXTENT_JSON, i ? ", " : "", (unsigned long long)x[i].offset,
			       (unsigned long long)x[i].length,
			       (unsigned long long)x[i].pfn, x[i].nid);
		printf("], \"more_extents\": %s",
		       more_extents(info, x, nx) ? "true" : "false");
		if (mapped)
			printf(", \"mapped\": \"%s\"", mapped);
		if (filled)
			printf(", \"filled\": \"%s\"", filled);
		printf("}\n");
		return;
	}
	printf("buffer %llu: %llu bytes, %s, node %u%s%s, %u mapping%s\n",
	       (unsigned long long)info->id, (unsigned long long)info->length,
	       buf_kind(info->buf_flags), info->node,
	       info->buf_flags & PAGECTL_BUF_RDONLY ? ", read-only" : "",
	       info->buf_flags & PAGECTL_BUF_DONTCOPY ? ", dontcopy" : "",
	       info->nr_mappings, info->nr_mappings == 1 ? "" : "s");
	printf("%-12s %-12s %-14s %s\n", "offset", "length", "pfn", "node");
	for (i = 0; i < nx; i++) {
		printf("%#-12llx %-12llu ", (unsigned long long)x[i].offset,
		       (unsigned long long)x[i].length);
		if (info->out_flags & PAGECTL_OUT_PFNS)
			printf("%#-14llx", (unsigned long long)x[i].pfn);
		else
			printf("%-14s", "-");
		printf(" %u\n", x[i].nid);
	}
	if (more_extents(info, x, nx))
		printf("... (more extents)\n");
	if (mapped)
		printf("mapped: %s\n", mapped);
	if (filled)
		printf("filled: %s\n", filled);
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
	buf_print(o, &info, x, nx, mapped, filled);
	fflush(stdout);
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

/* /proc/pagectl's buffer lines and debugfs's list of buffers. */
static int buf_show(int json)
{
	char line[256];
	int first = 1;
	FILE *f;

	f = fopen(DEBUGFS_BUFS, "re");
	if (!f) {
		perror("pagectl buf show: " DEBUGFS_BUFS);
		return EXIT_FAILURE;
	}
	if (json)
		printf("[");
	while (fgets(line, sizeof(line), f)) {
		unsigned long long id, bytes;
		char kind[16], flags[32];
		int pid, node, maps;

		if (sscanf(line, "%llu %d %llu %d %15s %31s %d", &id, &pid, &bytes,
			   &node, kind, flags, &maps) != 7) {
			if (!json)
				fputs(line, stdout);
			continue;
		}
		if (json)
			printf(SHOW_JSON, first ? "" : ", ", id, pid, bytes, node, kind,
			       flags, maps);
		else
			fputs(line, stdout);
		first = 0;
	}
	if (json)
		printf("]\n");
	fclose(f);
	return EXIT_SUCCESS;
}

int cmd_buf(int argc, char **argv)
{
	struct buf_opts o = { 0 };

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		buf_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_SUCCESS;
	}
	if (!strcmp(argv[1], "show")) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "--json"))) {
			buf_usage(stderr);
			return EXIT_USAGE;
		}
		return buf_show(argc == 3);
	}
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
