// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl walk: the page tables behind an address, level by level.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Bytes of a page-table entry: a table of them fills one page. */
#define ENTRY_BYTES 8

static const char *const level_names[PAGECTL_NR_LEVELS] = {
	"pgd", "p4d", "pud", "pmd", "pte",
};

static const char *const kind_names[] = {
	[PAGECTL_ENTRY_NOT_WALKED] = "not walked",
	[PAGECTL_ENTRY_FOLDED] = "folded",
	[PAGECTL_ENTRY_TABLE] = "table",
	[PAGECTL_ENTRY_LEAF] = "leaf",
	[PAGECTL_ENTRY_NONE] = "none",
	[PAGECTL_ENTRY_SWAP] = "swap",
	[PAGECTL_ENTRY_MIGRATION] = "migration",
	[PAGECTL_ENTRY_DEVICE_PRIVATE] = "device-private",
	[PAGECTL_ENTRY_DEVICE_EXCLUSIVE] = "device-exclusive",
	[PAGECTL_ENTRY_HWPOISON] = "hwpoison",
	[PAGECTL_ENTRY_MARKER] = "marker",
	[PAGECTL_ENTRY_BAD] = "bad",
	[PAGECTL_ENTRY_UNKNOWN] = "unknown",
};

static const char *const backing_names[] = {
	[PAGECTL_BACKING_NONE] = "none",
	[PAGECTL_BACKING_ANON] = "anon",
	[PAGECTL_BACKING_HEAP] = "heap",
	[PAGECTL_BACKING_STACK] = "stack",
	[PAGECTL_BACKING_FILE] = "file",
	[PAGECTL_BACKING_SHMEM] = "shmem",
	[PAGECTL_BACKING_HUGETLB] = "hugetlb",
	[PAGECTL_BACKING_BUF] = "pagectl-buffer",
	[PAGECTL_BACKING_DEVICE] = "device",
	[PAGECTL_BACKING_SPECIAL] = "special",
};

static const char *const zone_names[] = {
	[PAGECTL_ZONE_UNKNOWN] = "?",
	[PAGECTL_ZONE_DMA] = "DMA",
	[PAGECTL_ZONE_DMA32] = "DMA32",
	[PAGECTL_ZONE_NORMAL] = "Normal",
	[PAGECTL_ZONE_HIGHMEM] = "HighMem",
	[PAGECTL_ZONE_MOVABLE] = "Movable",
	[PAGECTL_ZONE_DEVICE] = "Device",
};

struct bit_name {
	unsigned long long bit;
	const char *name;
};

static const struct bit_name pte_bits[] = {
	{ PAGECTL_PTE_PRESENT, "present" },
	{ PAGECTL_PTE_WRITE, "write" },
	{ PAGECTL_PTE_USER, "user" },
	{ PAGECTL_PTE_PWT, "pwt" },
	{ PAGECTL_PTE_PCD, "pcd" },
	{ PAGECTL_PTE_ACCESSED, "accessed" },
	{ PAGECTL_PTE_DIRTY, "dirty" },
	{ PAGECTL_PTE_HUGE, "huge" },
	{ PAGECTL_PTE_GLOBAL, "global" },
	{ PAGECTL_PTE_PAT, "pat" },
	{ PAGECTL_PTE_NX, "nx" },
	{ PAGECTL_PTE_SOFT_DIRTY, "soft-dirty" },
	{ PAGECTL_PTE_UFFD_WP, "uffd-wp" },
	{ PAGECTL_PTE_PROTNONE, "protnone" },
	{ PAGECTL_PTE_SPECIAL, "special" },
	{ PAGECTL_PTE_SWP_EXCLUSIVE, "exclusive" },
	{ PAGECTL_PTE_SWP_WRITE, "writable-entry" },
	{ PAGECTL_PTE_MARKER_UFFD_WP, "marker-uffd-wp" },
	{ PAGECTL_PTE_MARKER_GUARD, "marker-guard" },
	{ PAGECTL_PTE_MARKER_POISON, "marker-poison" },
};

static const struct bit_name page_bits[] = {
	{ PAGECTL_PAGE_ZERO, "zero-page" },
	{ PAGECTL_PAGE_ANON, "anon" },
	{ PAGECTL_PAGE_FILE, "file" },
	{ PAGECTL_PAGE_SHMEM, "shmem" },
	{ PAGECTL_PAGE_KSM, "ksm" },
	{ PAGECTL_PAGE_THP, "thp" },
	{ PAGECTL_PAGE_HUGETLB, "hugetlb" },
	{ PAGECTL_PAGE_ANON_EXCLUSIVE, "anon-exclusive" },
	{ PAGECTL_PAGE_MAYBE_DMA_PINNED, "maybe-dma-pinned" },
	{ PAGECTL_PAGE_LRU, "lru" },
	{ PAGECTL_PAGE_UNEVICTABLE, "unevictable" },
	{ PAGECTL_PAGE_MLOCKED, "mlocked" },
	{ PAGECTL_PAGE_DIRTY, "dirty" },
	{ PAGECTL_PAGE_WRITEBACK, "writeback" },
	{ PAGECTL_PAGE_SWAPCACHE, "swapcache" },
	{ PAGECTL_PAGE_RESERVED, "reserved" },
	{ PAGECTL_PAGE_BUF, "pagectl-buffer" },
};

static const struct bit_name vma_bits[] = {
	{ PAGECTL_VMA_SHARED, "shared" },
	{ PAGECTL_VMA_IO, "io" },
	{ PAGECTL_VMA_PFNMAP, "pfnmap" },
	{ PAGECTL_VMA_MIXEDMAP, "mixedmap" },
	{ PAGECTL_VMA_LOCKED, "locked" },
	{ PAGECTL_VMA_LOCKONFAULT, "lockonfault" },
	{ PAGECTL_VMA_DONTCOPY, "dontcopy" },
	{ PAGECTL_VMA_WIPEONFORK, "wipeonfork" },
	{ PAGECTL_VMA_DONTEXPAND, "dontexpand" },
	{ PAGECTL_VMA_DONTDUMP, "dontdump" },
	{ PAGECTL_VMA_HUGEPAGE, "hugepage" },
	{ PAGECTL_VMA_NOHUGEPAGE, "nohugepage" },
	{ PAGECTL_VMA_MERGEABLE, "mergeable" },
	{ PAGECTL_VMA_SOFTDIRTY, "softdirty" },
	{ PAGECTL_VMA_UFFD_MISSING, "uffd-missing" },
	{ PAGECTL_VMA_UFFD_WP, "uffd-wp" },
	{ PAGECTL_VMA_UFFD_MINOR, "uffd-minor" },
	{ PAGECTL_VMA_GROWSDOWN, "growsdown" },
	{ PAGECTL_VMA_SEALED, "sealed" },
};

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n && names[v] ? names[v] : "?";
}

/* The names of the set bits: in text separated by spaces, in JSON an array @key. */
static void print_bits(const struct bit_name *names, size_t n, unsigned long long bits,
		       const char *key)
{
	unsigned int shown = 0;
	size_t i;

	open_json_array(key);
	for (i = 0; i < n; i++)
		if (bits & names[i].bit)
			print_string(PRINT_ANY, NULL, shown++ ? " %s" : "%s", names[i].name);
	close_json_array();
}

void cli_print_entry(const char *key, const char *label, unsigned int level,
		     unsigned int kind, unsigned int bits)
{
	open_json_object(key);
	print_fp("%s", label);
	if (kind == PAGECTL_ENTRY_NOT_WALKED) {
		print_string(PRINT_JSON, "kind", NULL, kind_names[kind]);
		print_fp("no mapping (or the process has exited)\n");
		close_json_object();
		return;
	}
	print_string(PRINT_ANY, "level", "%s",
		     name_of(level_names, ARRAY_SIZE(level_names), level));
	print_string(PRINT_ANY, "kind", " %s", name_of(kind_names, ARRAY_SIZE(kind_names), kind));
	print_fp("%s", bits ? " " : "");
	print_bits(pte_bits, ARRAY_SIZE(pte_bits), bits, "bits");
	print_fp("\n");
	close_json_object();
}

/*
 * ADDR: a number, or the start of the first mapping whose name contains a
 * word ("[stack]", "[heap]", "libc"), optionally followed by +OFFSET.
 */
static int parse_addr(const char *arg, pid_t pid, unsigned long long *addr)
{
	unsigned long long off = 0;
	struct maps_line m;
	char word[256], *plus, *end;
	int r;

	if (isdigit((unsigned char)arg[0])) {
		errno = 0;
		*addr = strtoull(arg, &end, 0);
		return errno || *end ? -1 : 0;
	}
	snprintf(word, sizeof(word), "%s", arg);
	plus = strrchr(word, '+');
	if (plus) {
		*plus = 0;
		if (cli_parse_size(plus + 1, &off))
			return -1;
	}
	r = cli_find_mapping(pid, word, &m);
	if (r) {
		errno = -r;
		return -1;
	}
	*addr = m.start + off;
	return 0;
}

static void walk_usage(FILE *out)
{
	fprintf(out,
		"Usage: pagectl walk [-p PID] [-b] [-j|--pretty] ADDR\n"
		"\n"
		"Show the page-table entries that translate ADDR: every level from\n"
		"the PGD down to where translation ends, each entry's decoded bits,\n"
		"what a non-present entry means, the page behind it and its VMA.\n"
		"Raw entries and frame numbers are shown only to CAP_SYS_ADMIN.\n"
		"\n"
		"ADDR is a number (0x7f..., decimal) or the name of a mapping as in\n"
		"/proc/PID/maps ([stack], [heap], [vdso], libc), optionally +OFFSET,\n"
		"meaning that mapping's first address plus OFFSET.\n"
		"\n"
		"  -p, --pid PID   walk process PID, one whose /proc/PID/pagemap you may\n"
		"                  read; default: pagectl itself\n"
		"  -b, --bytes     sizes in bytes, not KiB, MiB, GiB\n"
		"  -j, --json      print one JSON object (sizes in bytes)\n"
		"      --pretty    print it indented\n");
}

int cli_walk_parse(int argc, char **argv, pid_t *pid, void (*usage)(FILE *out),
		   const char *cmd)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, OPT_PRETTY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* 0, not 1: glibc then forgets the "+" of the main parser and permutes. */
	optind = 0;
	while ((c = getopt_long(argc, argv, "p:bjh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (cli_parse_pid(cmd, optarg, pid))
				return -1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			if (!output_option(c))
				return -1;
		}
	}
	return 0;
}

const char *cli_walk_error(int err)
{
	switch (err) {
	case -EPERM:
		return "not allowed to read that process (nor its /proc/PID/pagemap)";
	case -ESRCH:
		return "no such process, or it has exited";
	case -EFAULT:
		return "not a user-space address";
	default:
		return pagectl_strerror(err);
	}
}

/* One level's entry: a line of the tree, an object of "levels". */
static void print_entry(const struct pagectl_walk *w, int i, int depth,
			unsigned int page_size)
{
	const struct pagectl_walk_level *l = &w->level[i];
	unsigned long long idx = (w->addr >> l->shift) % (page_size / ENTRY_BYTES);
	int privileged = w->out_flags & PAGECTL_OUT_PFNS;

	print_fp("%*s%s", depth * 3, "", depth ? "└─ " : "");
	print_string(PRINT_ANY, "level", "%s", level_names[i]);
	print_uint(PRINT_JSON, "shift", NULL, l->shift);
	if (l->kind == PAGECTL_ENTRY_FOLDED) {
		print_string(PRINT_JSON, "kind", NULL, kind_names[l->kind]);
		print_fp("        (folded into the pgd: 4-level paging)\n");
		return;
	}
	print_uint(PRINT_ANY, "index", "[%3llu] ", idx);
	if (privileged)
		print_0xhex(PRINT_ANY, "raw", "%016llx ", l->raw);
	print_string(PRINT_ANY, "kind", "%-10s",
		     name_of(kind_names, ARRAY_SIZE(kind_names), l->kind));
	if (l->kind == PAGECTL_ENTRY_LEAF || (int)w->leaf_level == i)
		print_size(PRINT_ANY, "size", " %s", 1ULL << l->shift);
	if (l->bits)
		print_fp(" ");
	print_bits(pte_bits, ARRAY_SIZE(pte_bits), l->bits, "bits");
	if (privileged && l->pfn)
		print_0xhex(PRINT_ANY, "pfn", " pfn %#llx", l->pfn);
	if (l->kind == PAGECTL_ENTRY_SWAP) {
		print_uint(PRINT_ANY, "swap_type", " type %llu", w->swap_type);
		print_0xhex(PRINT_ANY, "swap_offset", " offset %#llx", w->swap_offset);
	}
	print_fp("\n");
}

/* The VMA's line, or the hole's; returns false for a hole. */
static bool print_vma(const struct pagectl_walk_vma *v)
{
	char prot[4], dev[24];

	open_json_object("vma");
	if (v->backing == PAGECTL_BACKING_NONE) {
		print_string(PRINT_JSON, "backing", NULL, backing_names[v->backing]);
		print_0xhex(PRINT_ANY, "start", "no mapping: a hole from %#llx", v->start);
		print_0xhex(PRINT_ANY, "end", " to %#llx; no page table is read there\n", v->end);
		close_json_object();
		return false;
	}
	snprintf(prot, sizeof(prot), "%c%c%c", v->prot & PAGECTL_PROT_READ ? 'r' : '-',
		 v->prot & PAGECTL_PROT_WRITE ? 'w' : '-', v->prot & PAGECTL_PROT_EXEC ? 'x' : '-');
	print_0xhex(PRINT_ANY, "start", "vma %#llx", v->start);
	print_0xhex(PRINT_ANY, "end", "-%#llx", v->end);
	print_string(PRINT_ANY, "prot", " %s", prot);
	print_string(PRINT_ANY, "backing", " %s",
		     name_of(backing_names, ARRAY_SIZE(backing_names), v->backing));
	if (v->ino) {
		snprintf(dev, sizeof(dev), "%u:%u", v->dev_major, v->dev_minor);
		print_string(PRINT_ANY, "dev", " dev %s", dev);
		print_uint(PRINT_ANY, "ino", " ino %llu", v->ino);
		print_0xhex(PRINT_ANY, "file_offset", " offset %#llx", v->file_offset);
	}
	if (v->flags)
		print_fp(" [");
	print_bits(vma_bits, ARRAY_SIZE(vma_bits), v->flags, "flags");
	if (v->flags)
		print_fp("]");
	print_fp("\n");
	close_json_object();
	return true;
}

/* The page behind a present leaf, below the tree at @depth. */
static void print_page(const struct pagectl_walk *w, int depth)
{
	const struct pagectl_walk_page *pg = &w->page;

	if (!(pg->flags & PAGECTL_PAGE_VALID)) {
		if (w->leaf_kind == PAGECTL_ENTRY_LEAF)
			print_fp("%*s%s\n", depth * 3, "",
				 "no struct page (a special or device mapping)");
		else if (w->leaf_kind == PAGECTL_ENTRY_NONE)
			print_fp("%*s%s\n", depth * 3, "",
				 "nothing mapped: the first access will fault");
		return;
	}
	open_json_object("page");
	print_fp("%*spage:", depth * 3, "");
	if (w->out_flags & PAGECTL_OUT_PFNS)
		print_0xhex(PRINT_ANY, "pfn", " pfn %#llx", w->pfn);
	print_uint(PRINT_ANY, "node", " node %llu", pg->nid);
	print_string(PRINT_ANY, "zone", " zone %s",
		     name_of(zone_names, ARRAY_SIZE(zone_names), pg->zone));
	if (!(pg->flags & PAGECTL_PAGE_ZERO)) {
		print_uint(PRINT_ANY, "refcount", " refcount %llu", pg->refcount);
		print_uint(PRINT_ANY, "mapcount", " mapcount %llu", pg->mapcount);
		print_uint(PRINT_ANY, "order", " order %llu", pg->order);
	}
	if (pg->pincount)
		print_uint(PRINT_ANY, "pincount", " pincount %llu", pg->pincount);
	print_fp(" ");
	print_bits(page_bits, ARRAY_SIZE(page_bits), pg->flags, "flags");
	print_fp("\n");
	close_json_object();
}

static void print_walk(const struct pagectl_walk *w, pid_t pid, unsigned int page_size)
{
	int i, depth = 0;

	print_0xhex(PRINT_ANY, "addr", "address %#llx", w->addr);
	print_fp(" in %s", pid ? "pid" : "pagectl, pid");
	print_int(PRINT_ANY, "pid", " %lld\n", pid ? pid : getpid());
	print_bool(PRINT_JSON, "pfns", NULL, w->out_flags & PAGECTL_OUT_PFNS);
	if (!print_vma(&w->vma))
		return;
	print_string(PRINT_JSON, "leaf_level", NULL,
		     level_names[w->leaf_level % PAGECTL_NR_LEVELS]);
	print_string(PRINT_JSON, "leaf_kind", NULL,
		     name_of(kind_names, ARRAY_SIZE(kind_names), w->leaf_kind));
	print_size(PRINT_JSON, "leaf_size", NULL, w->leaf_size);
	print_0xhex(PRINT_JSON, "leaf_addr", NULL, w->leaf_addr);
	open_json_array("levels");
	for (i = 0; i <= (int)w->leaf_level && i < PAGECTL_NR_LEVELS; i++) {
		open_json_object(NULL);
		print_entry(w, i, depth, page_size);
		close_json_object();
		if (w->level[i].kind != PAGECTL_ENTRY_FOLDED)
			depth++;
	}
	close_json_array();
	print_page(w, depth);
}

int cmd_walk(int argc, char **argv)
{
	struct pagectl_walk w;
	pid_t pid = 0;
	unsigned long long addr;
	unsigned int page_size;
	struct pagectl *pc;
	int ret;

	if (cli_walk_parse(argc, argv, &pid, walk_usage, "walk"))
		return EXIT_USAGE;
	if (optind != argc - 1) {
		walk_usage(stderr);
		return EXIT_USAGE;
	}
	if (parse_addr(argv[optind], pid, &addr)) {
		fprintf(stderr, "pagectl walk: bad address '%s'%s\n", argv[optind],
			errno == ENOENT ? ": no mapping of that name" : "");
		return EXIT_USAGE;
	}
	if (cli_open_device(&pc) < 0)
		return EXIT_FAILURE;
	if (cli_page_size(pc, &page_size) < 0) {
		pagectl_close(pc);
		return EXIT_FAILURE;
	}
	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.addr = addr;
	if (pid) {
		w.flags = PAGECTL_WALK_PID;
		w.pid = pid;
	}
	ret = pagectl_walk(pc, &w);
	pagectl_close(pc);
	if (ret < 0) {
		fprintf(stderr, "pagectl walk: %#llx: %s\n", addr, cli_walk_error(ret));
		return EXIT_FAILURE;
	}
	w.addr = addr;
	output_begin();
	print_walk(&w, pid, page_size);
	return output_end() ? EXIT_FAILURE : EXIT_SUCCESS;
}
