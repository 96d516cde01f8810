// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl CLI output: one writer for the text and the JSON of every command.
 *
 * A command prints each value with one call that carries both its JSON key
 * and its text format, so the two outputs cannot drift apart; the model is
 * iproute2's json_print.c. The mode is set by the command's options: text,
 * JSON on one line (-j, --json) or indented JSON (--pretty).
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_DEPTH 16
#define INDENT 4

enum output_mode { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_PRETTY };

static struct {
	enum output_mode mode;
	bool bytes;
	int depth;
	/* Per open container: its closing bracket, and whether it has a member. */
	char closer[MAX_DEPTH];
	bool nonempty[MAX_DEPTH];
} out;

/**
 * output_option() - take an output option a command's getopt returned
 * @opt: 'j' (--json), %OPT_PRETTY (--pretty) or 'b' (--bytes)
 *
 * --pretty implies --json.
 *
 * Return: true if @opt was one of them.
 */
bool output_option(int opt)
{
	switch (opt) {
	case 'j':
		if (out.mode == OUTPUT_TEXT)
			out.mode = OUTPUT_JSON;
		return true;
	case OPT_PRETTY:
		out.mode = OUTPUT_PRETTY;
		return true;
	case 'b':
		out.bytes = true;
		return true;
	}
	return false;
}

/**
 * is_json_context() - whether the command prints JSON
 *
 * Return: true for -j or --pretty.
 */
bool is_json_context(void)
{
	return out.mode != OUTPUT_TEXT;
}

/**
 * output_bytes() - whether text shows sizes in bytes (-b, --bytes)
 *
 * Return: true with -b, for the headings that name a unit.
 */
bool output_bytes(void)
{
	return out.bytes;
}

/* A programming error in a command: the JSON would be malformed. */
static void output_bug(const char *what)
{
	fprintf(stderr, "pagectl: output: %s\n", what);
	abort();
}

static bool wants(enum output_type type, enum output_type where)
{
	return (type & where) && (where == PRINT_JSON) == is_json_context();
}

/* Bytes of the valid UTF-8 sequence at @p, or 0 if it is not one. */
static int utf8_len(const unsigned char *p)
{
	unsigned int n, i;
	unsigned long cp, min;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	/* A NUL is not a continuation byte: the loop never reads past the end. */
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and code points past Unicode. */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * A JSON string: quotes, backslashes and control characters escaped, valid
 * UTF-8 as it is, and each byte that is not valid UTF-8 as U+FFFD.
 */
static void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n;

	putchar('"');
	while (*p) {
		n = utf8_len(p);
		if (!n) {
			fputs("\\ufffd", stdout);
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, stdout);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\b':
			fputs("\\b", stdout);
			break;
		case '\f':
			fputs("\\f", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
		p++;
	}
	putchar('"');
}

/* The separator before a member or element, and the key of a member. */
static void json_member(const char *key)
{
	bool in_object = out.depth && out.closer[out.depth - 1] == '}';

	if (!out.depth && out.nonempty[0])
		output_bug("a second top-level value");
	if (in_object != !!key)
		output_bug(key ? "a key in an array" : "no key in an object");
	if (out.depth && out.nonempty[out.depth])
		fputs(out.mode == OUTPUT_PRETTY ? "," : ", ", stdout);
	out.nonempty[out.depth] = true;
	if (out.mode == OUTPUT_PRETTY && out.depth)
		printf("\n%*s", out.depth * INDENT, "");
	if (key) {
		json_string(key);
		fputs(": ", stdout);
	}
}

static void json_open(const char *key, char opener, char closer)
{
	if (out.depth == MAX_DEPTH - 1)
		output_bug("nested too deep");
	json_member(key);
	putchar(opener);
	out.closer[out.depth++] = closer;
	out.nonempty[out.depth] = false;
}

static void json_close(char closer)
{
	if (!out.depth || out.closer[out.depth - 1] != closer)
		output_bug("a close without its open");
	if (out.mode == OUTPUT_PRETTY && out.nonempty[out.depth])
		printf("\n%*s", (out.depth - 1) * INDENT, "");
	putchar(closer);
	out.depth--;
}

/**
 * output_begin() - start a command's output: in JSON, its one object
 */
void output_begin(void)
{
	out.depth = 0;
	out.nonempty[0] = false;
	if (is_json_context())
		json_open(NULL, '{', '}');
}

/**
 * output_end() - end a command's output and flush it
 *
 * Closes what is still open, so that a command that fails half-way still
 * leaves valid JSON; its exit status says that it failed.
 *
 * Return: 0, or -1 if standard output could not be written (said on stderr).
 */
int output_end(void)
{
	if (is_json_context()) {
		while (out.depth)
			json_close(out.closer[out.depth - 1]);
		putchar('\n');
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "pagectl: standard output: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/**
 * open_json_object() - start a JSON object; nothing in text
 * @key: its key in the enclosing object, or NULL in an array
 */
void open_json_object(const char *key)
{
	if (is_json_context())
		json_open(key, '{', '}');
}

/**
 * close_json_object() - end the innermost JSON object; nothing in text
 */
void close_json_object(void)
{
	if (is_json_context())
		json_close('}');
}

/**
 * open_json_array() - start a JSON array; nothing in text
 * @key: its key in the enclosing object, or NULL in an array
 */
void open_json_array(const char *key)
{
	if (is_json_context())
		json_open(key, '[', ']');
}

/**
 * close_json_array() - end the innermost JSON array; nothing in text
 */
void close_json_array(void)
{
	if (is_json_context())
		json_close(']');
}

/**
 * print_string() - a string
 * @type: %PRINT_FP, %PRINT_JSON or %PRINT_ANY
 * @key: the JSON key, or NULL for an array element
 * @fmt: the text format, with one %s
 * @value: the string; JSON escapes it fully, text shows it as it is
 */
void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value)
{
	if (wants(type, PRINT_JSON)) {
		json_member(key);
		json_string(value);
	} else if (wants(type, PRINT_FP)) {
		printf(fmt, value);
	}
}

/**
 * print_uint() - an unsigned number, in JSON a number
 * @type: %PRINT_FP, %PRINT_JSON or %PRINT_ANY
 * @key: the JSON key, or NULL for an array element
 * @fmt: the text format, with one conversion of an unsigned long long
 * @value: the number, below 2^53 (larger ones are print_0xhex()'s)
 */
void print_uint(enum output_type type, const char *key, const char *fmt,
		unsigned long long value)
{
	if (wants(type, PRINT_JSON)) {
		json_member(key);
		printf("%llu", value);
	} else if (wants(type, PRINT_FP)) {
		printf(fmt, value);
	}
}

/**
 * print_int() - a signed number, in JSON a number
 * @type: %PRINT_FP, %PRINT_JSON or %PRINT_ANY
 * @key: the JSON key, or NULL for an array element
 * @fmt: the text format, with one conversion of a long long
 * @value: the number
 */
void print_int(enum output_type type, const char *key, const char *fmt,
	       long long value)
{
	if (wants(type, PRINT_JSON)) {
		json_member(key);
		printf("%lld", value);
	} else if (wants(type, PRINT_FP)) {
		printf(fmt, value);
	}
}

/**
 * print_bool() - a boolean, in text a word shown only when it is true
 * @type: %PRINT_FP, %PRINT_JSON or %PRINT_ANY
 * @key: the JSON key, or NULL for an array element
 * @fmt: the text printed when @value is true, as it is (no conversions)
 * @value: the boolean
 */
void print_bool(enum output_type type, const char *key, const char *fmt, bool value)
{
	if (wants(type, PRINT_JSON)) {
		json_member(key);
		fputs(value ? "true" : "false", stdout);
	} else if (wants(type, PRINT_FP) && value) {
		fputs(fmt, stdout);
	}
}

/**
 * print_null() - no value: JSON null, text @fmt as it is
 * @type: %PRINT_FP, %PRINT_JSON or %PRINT_ANY
 * @key: the JSON key, or NULL for an array element
 * @fmt: the text, without conversions
 */
void print_null(enum output_type type, const char *key, const char *fmt)
{
	if (wants(type, PRINT_JSON)) {
		json_member(key);
		fputs("null", stdout);
	} else if (wants(type, PRINT_FP)) {
		fputs(fmt, stdout);
	}
}

/**
 * print_0xhex() - a 64-bit value: an address, a raw entry, a frame, flags
 * @type: %PRINT_FP, %PRINT_JSON or %PRINT_ANY
 * @key: the JSON key, or NULL for an array element
 * @fmt: the text format, with one conversion of an unsigned long long
 * @value: the value
 *
 * JSON gets a string "0x...", which no parser rounds: a JSON number above
 * 2^53 loses bits in a double.
 */
void print_0xhex(enum output_type type, const char *key, const char *fmt,
		 unsigned long long value)
{
	char buf[24];

	if (wants(type, PRINT_JSON)) {
		snprintf(buf, sizeof(buf), "0x%llx", value);
		json_member(key);
		json_string(buf);
	} else if (wants(type, PRINT_FP)) {
		printf(fmt, value);
	}
}

/**
 * print_size() - a size with its unit: "4 KiB", "2 MiB", "1 GiB"
 * @type: %PRINT_FP, %PRINT_JSON or %PRINT_ANY
 * @key: the JSON key, or NULL for an array element
 * @fmt: the text format, with one %s
 * @bytes: the size
 *
 * Text shows the largest binary unit that divides the size, or with -b,
 * "4096 bytes"; JSON always a number of bytes.
 */
void print_size(enum output_type type, const char *key, const char *fmt,
		unsigned long long bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;
	char buf[48];

	if (wants(type, PRINT_JSON)) {
		json_member(key);
		printf("%llu", bytes);
		return;
	}
	if (!wants(type, PRINT_FP))
		return;
	if (out.bytes || !bytes || bytes & 1023) {
		snprintf(buf, sizeof(buf), "%llu bytes", bytes);
	} else {
		bytes >>= 10;
		while (u + 1 < ARRAY_SIZE(units) && !(bytes & 1023)) {
			bytes >>= 10;
			u++;
		}
		snprintf(buf, sizeof(buf), "%llu %s", bytes, units[u]);
	}
	printf(fmt, buf);
}

/**
 * print_kib() - a size in a column or after a label that names the unit
 * @type: %PRINT_FP, %PRINT_JSON or %PRINT_ANY
 * @key: the JSON key, or NULL for an array element
 * @fmt: the text format, with one conversion of an unsigned long long
 * @bytes: the size
 *
 * Text shows it in KiB, or in bytes with -b (see output_bytes() for the
 * unit's name); JSON always a number of bytes.
 */
void print_kib(enum output_type type, const char *key, const char *fmt,
	       unsigned long long bytes)
{
	if (wants(type, PRINT_JSON)) {
		json_member(key);
		printf("%llu", bytes);
	} else if (wants(type, PRINT_FP)) {
		printf(fmt, out.bytes ? bytes : bytes >> 10);
	}
}
