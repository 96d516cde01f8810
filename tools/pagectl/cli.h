/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagectl CLI: helpers shared by the commands.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_CLI_H
#define _PAGECTL_CLI_H

#include <pagectl/pagectl.h>

#define EXIT_USAGE 2
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct pagectl;

/* Open the device named by -d, or the default; prints why it failed. */
int cli_open_device(struct pagectl **pc);

/* Parse "4096", "64k", "2M", "1G"; returns 0 or -1. */
int cli_parse_size(const char *s, unsigned long long *out);

int cmd_pin(int argc, char **argv);
int cmd_walk(int argc, char **argv);
int cmd_maps(int argc, char **argv);
int cmd_buf(int argc, char **argv);

#endif /* _PAGECTL_CLI_H */
