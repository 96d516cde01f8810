// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: the command-line interface to /dev/pagectl.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *device;

struct feature_name {
	unsigned long long bit;
	const char *name;
};

static const struct feature_name features[] = {
	{ PAGECTL_FEATURE_INFO,  "info" },
	{ PAGECTL_FEATURE_PIN,   "pin" },
	{ PAGECTL_FEATURE_WALK,  "walk" },
	{ PAGECTL_FEATURE_BUF,   "buf" },
	{ PAGECTL_FEATURE_TIMER, "timer" },
	{ PAGECTL_FEATURE_BUF_HUGE, "buf_huge" },
	{ PAGECTL_FEATURE_HUGE_MAP, "huge_map" },
	{ PAGECTL_FEATURE_WATCH, "watch" },
	{ PAGECTL_FEATURE_PIN_CHECK, "pin_check" },
};

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: pagectl [-d DEVICE] COMMAND [ARGS]\n"
		"\n"
		"See and control how user memory is backed, through /dev/pagectl.\n"
		"\n"
		"Commands:\n"
		"  info            show the module's version, ABI, features and limits\n"
		"  pin [OPTIONS]   pin a demo buffer and show its frames, extents and nodes\n"
		"                  (pagectl pin --help for the options)\n"
		"  pin --check [-p PID] [-w] ADDR LEN|RANGE|MAPPING [LEN]\n"
		"                  what a long-term pin of a range would meet, and why\n"
		"                  it would fail, without pinning anything\n"
		"  walk [-p PID] ADDR\n"
		"                  show the page-table entries behind ADDR, level by level\n"
		"  maps [-p PID]   summarise every mapping: present, swapped, zero-page,\n"
		"                  huge and pinned memory\n"
		"  huge [-p PID] [RANGE|MAPPING]\n"
		"                  map each 2 MiB slot: huge or not, and why not\n"
		"  watch [-p PID] RANGE|MAPPING\n"
		"                  print the kernel's changes to a range as they happen\n"
		"  buf create|map|fill [OPTIONS]\n"
		"                  make a kernel buffer, map it, have the kernel fill it\n"
		"  buf show [-p PID]\n"
		"                  list the live kernel buffers\n"
		"  help            show this text\n"
		"\n"
		"Every command but help takes -j (--json) for one JSON object on one\n"
		"line and --pretty for it indented; pin, walk and maps take -b (--bytes)\n"
		"for sizes in bytes. -p is always a process ID.\n"
		"\n"
		"Options:\n"
		"  -d, --device DEVICE   device node (default %s)\n"
		"  -V, --version         show the tool's version\n"
		"  -h, --help            show this text\n"
		"\n"
		"Exit status: 0 on success, 1 on failure, 2 on bad usage.\n",
		PAGECTL_DEVICE);
}

int cli_open_device(struct pagectl **pc)
{
	int ret = pagectl_open(device, pc);

	if (ret < 0)
		fprintf(stderr, "pagectl: %s: %s\n", device ? device : PAGECTL_DEVICE,
			pagectl_strerror(ret));
	return ret;
}

int cli_page_size(struct pagectl *pc, unsigned int *page_size)
{
	PAGECTL_ARG(pagectl_info, info);
	int ret = pagectl_get_info(pc, &info);

	/* Page counts and cursors are in it: 0 would divide by zero. */
	if (!ret && (!info.page_size || (info.page_size & (info.page_size - 1))))
		ret = -EPROTO;
	if (ret < 0)
		fprintf(stderr, "pagectl: page size: %s\n", pagectl_strerror(ret));
	else
		*page_size = info.page_size;
	return ret;
}

int cli_parse_pid(const char *cmd, const char *s, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	/* PID_MAX_LIMIT is 2^22; the kernel never hands out more than 2^30. */
	if (errno || end == s || *end || v <= 0 || v > 0x3fffffff) {
		fprintf(stderr, "pagectl %s: bad pid '%s'\n", cmd, s);
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

int cli_parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoull(s, &end, 0);
	switch (tolower((unsigned char)*end)) {
	case 'k':
		shift = 10;
		end++;
		break;
	case 'm':
		shift = 20;
		end++;
		break;
	case 'g':
		shift = 30;
		end++;
		break;
	}
	if (*end || v > (~0ULL >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static void print_info(const struct pagectl_info *info)
{
	unsigned int i, n = 0;

	print_string(PRINT_ANY, "version", "module version:   %s\n", info->version);
	print_uint(PRINT_ANY, "abi_version", "ABI version:      %llu\n", info->abi_version);
	print_uint(PRINT_ANY, "page_size", "page size:        %llu\n", info->page_size);
	print_fp("features:         ");
	open_json_array("features");
	for (i = 0; i < ARRAY_SIZE(features); i++)
		if (info->features & features[i].bit)
			print_string(PRINT_ANY, NULL, n++ ? " %s" : "%s", features[i].name);
	close_json_array();
	print_fp("\n");
	print_uint(PRINT_ANY, "max_pin_pages", "max pinned pages: %llu\n", info->max_pin_pages);
	print_uint(PRINT_ANY, "max_buf_bytes", "max buffer bytes: %llu\n", info->max_buf_bytes);
	print_uint(PRINT_ANY, "max_walk_records", "max walk records: %llu\n",
		   info->max_walk_records);
}

static int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	PAGECTL_ARG(pagectl_info, info);
	struct pagectl *pc;
	int c, ret;

	/* 0, not 1: glibc then forgets the "+" of the main parser and permutes. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (output_option(c))
			continue;
		if (c != 'h')
			return EXIT_USAGE;
		printf("Usage: pagectl info [-j|--json] [--pretty]\n");
		return EXIT_SUCCESS;
	}
	if (optind != argc) {
		fprintf(stderr, "pagectl info: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}

	if (cli_open_device(&pc) < 0)
		return EXIT_FAILURE;
	ret = pagectl_get_info(pc, &info);
	pagectl_close(pc);
	if (ret < 0) {
		fprintf(stderr, "pagectl info: %s\n", pagectl_strerror(ret));
		return EXIT_FAILURE;
	}
	/* The module terminates it; a string that ran on would be a bug. */
	info.version[sizeof(info.version) - 1] = 0;
	output_begin();
	print_info(&info);
	return output_end() ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* Options before the command only; the command parses its own. */
	while ((c = getopt_long(argc, argv, "+d:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			device = optarg;
			break;
		case 'V':
			printf("pagectl %s\n", PAGECTL_VERSION);
			return EXIT_SUCCESS;
		case 'h':
			print_usage(stdout);
			return EXIT_SUCCESS;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}

	argv += optind;
	argc -= optind;
	if (!strcmp(argv[0], "info"))
		return cmd_info(argc, argv);
	if (!strcmp(argv[0], "pin"))
		return cmd_pin(argc, argv);
	if (!strcmp(argv[0], "walk"))
		return cmd_walk(argc, argv);
	if (!strcmp(argv[0], "maps"))
		return cmd_maps(argc, argv);
	if (!strcmp(argv[0], "huge"))
		return cmd_huge(argc, argv);
	if (!strcmp(argv[0], "watch"))
		return cmd_watch(argc, argv);
	if (!strcmp(argv[0], "buf"))
		return cmd_buf(argc, argv);
	if (!strcmp(argv[0], "help")) {
		print_usage(stdout);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "pagectl: unknown command '%s' (see pagectl --help)\n", argv[0]);
	return EXIT_USAGE;
}
