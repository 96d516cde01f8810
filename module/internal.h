/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagectl: definitions shared by the module's source files.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_INTERNAL_H
#define _PAGECTL_INTERNAL_H

#include <linux/kref.h>
#include <linux/types.h>

#include <linux/pagectl.h>

#include "compat.h"

/**
 * struct pagectl_file - state of one open file of /dev/pagectl
 * @ref: held by the file and by everything that may outlive it
 *	(mappings, timers); the last put frees the state
 */
struct pagectl_file {
	struct kref ref;
};

void pagectl_file_put(struct pagectl_file *pf);

#endif /* _PAGECTL_INTERNAL_H */
