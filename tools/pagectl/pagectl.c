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
};

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: pagectl [-d DEVICE] COMMAND [ARGS]\n"
		"\n"
		"See and control how user memory is backed, through /dev/pagectl.\n"
		"\n"
		"Commands:\n"
		"  info [--json]   show the module's version, ABI, features and limits\n"
		"  pin [OPTIONS]   pin a demo buffer and show its frames, extents and nodes\n"
		"                  (pagectl pin --help for the options)\n"
		"  walk [--pid PID] ADDR\n"
		"                  show the page-table entries behind ADDR, level by level\n"
		"  maps [--pid PID]\n"
		"                  summarise every mapping: present, swapped, zero-page,\n"
		"                  huge and pinned memory\n"
		"  buf create|map|fill [OPTIONS]\n"
		"                  make a kernel buffer, map it, have the kernel fill it\n"
		"  buf show        list the live kernel buffers\n"
		"  help            show this text\n"
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

static void print_info_text(const struct pagectl_info *info)
{
	unsigned int i;
	const char *sep = "";

	printf("module version:   %s\n", info->version);
	printf("ABI version:      %u\n", info->abi_version);
	printf("page size:        %u\n", info->page_size);
	printf("features:         ");
	for (i = 0; i < ARRAY_SIZE(features); i++) {
		if (info->features & features[i].bit) {
			printf("%s%s", sep, features[i].name);
			sep = " ";
		}
	}
	printf("\n");
	printf("max pinned pages: %llu\n", (unsigned long long)info->max_pin_pages);
	printf("max buffer bytes: %llu\n", (unsigned long long)info->max_buf_bytes);
	printf("max walk records: %u\n", info->max_walk_records);
}

static void print_info_json(const struct pagectl_info *info)
{
	unsigned int i;
	const char *sep = "";

	printf("{\"version\": \"%s\", \"abi_version\": %u, \"page_size\": %u, ",
	       info->version, info->abi_version, info->page_size);
	printf("\"features\": [");
	for (i = 0; i < ARRAY_SIZE(features); i++) {
		if (info->features & features[i].bit) {
			printf("%s\"%s\"", sep, features[i].name);
			sep = ", ";
		}
	}
	printf("], \"max_pin_pages\": %llu, \"max_buf_bytes\": %llu, ",
	       (unsigned long long)info->max_pin_pages,
	       (unsigned long long)info->max_buf_bytes);
	printf("\"max_walk_records\": %u}\n", info->max_walk_records);
}

static int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	PAGECTL_ARG(pagectl_info, info);
	struct pagectl *pc;
	int json = 0, c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("Usage: pagectl info [--json]\n");
			return EXIT_SUCCESS;
		default:
			return EXIT_USAGE;
		}
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
	if (json)
		print_info_json(&info);
	else
		print_info_text(&info);
	return EXIT_SUCCESS;
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
	if (!strcmp(argv[0], "buf"))
		return cmd_buf(argc, argv);
	if (!strcmp(argv[0], "help")) {
		print_usage(stdout);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "pagectl: unknown command '%s' (see pagectl --help)\n", argv[0]);
	return EXIT_USAGE;
}
