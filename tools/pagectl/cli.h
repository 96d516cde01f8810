/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagectl CLI: helpers shared by the commands.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_CLI_H
#define _PAGECTL_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include <pagectl/pagectl.h>

#define EXIT_USAGE 2
/* pagectl pin --check: the check ran, and a pin of the range would fail. */
#define EXIT_PIN_FAILS 3
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct pagectl;

/* Open the device named by -d, or the default; prints why it failed. */
int cli_open_device(struct pagectl **pc);

/* The module's page size (GET_INFO), the unit of its page counts; prints why it failed. */
int cli_page_size(struct pagectl *pc, unsigned int *page_size);

/* Parse -p's process ID for @cmd; prints why it is bad. Returns 0 or -1. */
int cli_parse_pid(const char *cmd, const char *s, pid_t *pid);

/*
 * RANGE|MAPPING of @cmd (huge.c): 0 with START-END or START+LENGTH in
 * @start, @end; 1 for a word, a mapping's name; -1, said, for a number that
 * is no range.
 */
int cli_parse_range(const char *cmd, const char *arg, unsigned long long *start,
		    unsigned long long *end);

/* Parse "4096", "64k", "2M", "1G"; returns 0 or -1. */
int cli_parse_size(const char *s, unsigned long long *out);

/*
 * Output (output.c): each value goes through one call that prints it as text
 * or as JSON, by the command's -j and --pretty, after iproute2's
 * json_print.h. A call's text format has one conversion, of the type its
 * value is passed as.
 */

/* getopt's value for --pretty, which has no short form: -p is the pid. */
#define OPT_PRETTY 0x100

/* Where a call prints its value. */
enum output_type {
	PRINT_FP = 1,		/* text only */
	PRINT_JSON = 2,		/* JSON only */
	PRINT_ANY = 3,		/* both: the key in JSON, the format in text */
};

bool output_option(int opt);
bool is_json_context(void);
bool output_bytes(void);
void output_begin(void);
int output_end(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

/* Text only: headings, labels and layout that carry no value. */
#define print_fp(...)						\
	do {							\
		if (!is_json_context())				\
			printf(__VA_ARGS__);			\
	} while (0)

void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value);
void print_uint(enum output_type type, const char *key, const char *fmt,
		unsigned long long value);
void print_int(enum output_type type, const char *key, const char *fmt,
	       long long value);
void print_bool(enum output_type type, const char *key, const char *fmt, bool value);
void print_null(enum output_type type, const char *key, const char *fmt);
void print_0xhex(enum output_type type, const char *key, const char *fmt,
		 unsigned long long value);
void print_size(enum output_type type, const char *key, const char *fmt,
		unsigned long long bytes);
void print_kib(enum output_type type, const char *key, const char *fmt,
	       unsigned long long bytes);

/* A line of /proc/PID/maps: "start-end perms offset dev inode name". */
struct maps_line {
	unsigned long long start, end;
	char perms[8];
	char name[4096];
};

/* /proc/PID/maps, or pagectl's own for @pid 0. */
FILE *cli_open_maps(pid_t pid);

/* The next line of @f: 1, 0 at the end, -1 for a line that does not parse. */
int cli_read_maps_line(FILE *f, struct maps_line *m);

/* The first mapping of @pid whose name contains @word: 0, or -errno. */
int cli_find_mapping(pid_t pid, const char *word, struct maps_line *m);

/* walk's and maps' options: -p, -b, -j, --pretty, -h. Returns 0 or -1. */
int cli_walk_parse(int argc, char **argv, pid_t *pid, void (*usage)(FILE *out),
		   const char *cmd);

/*
 * One page-table entry where a translation ends (walk.c): in text @label,
 * then its level, kind and bits on one line; in JSON an object @key.
 */
void cli_print_entry(const char *key, const char *label, unsigned int level,
		     unsigned int kind, unsigned int bits);

/* Why a walk failed, in words. */
const char *cli_walk_error(int err);

int cmd_pin(int argc, char **argv);

/*
 * pagectl pin --check (pin_check.c): check the ranges @args name in @pid
 * (0: pagectl itself), or without @args the demo buffer; an exit status.
 */
int cli_pin_check(struct pagectl *pc, pid_t pid, bool write, int nargs, char **args,
		  void *demo, unsigned long long demo_len);

/* A PAGECTL_PINCHECK_* reason's name, as pagectl pin --check prints it. */
const char *cli_pin_reason(unsigned int reason);
int cmd_walk(int argc, char **argv);
int cmd_maps(int argc, char **argv);
int cmd_huge(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_buf(int argc, char **argv);

#endif /* _PAGECTL_CLI_H */
