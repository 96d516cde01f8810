// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libpagectl: page-table walks, and the map of what is huge.
 *
 * A walk by pid names a process by a number that can be reused once the
 * process exits. The library holds a pidfd for the pid across the ioctl:
 * if the process is still running afterwards, the number cannot have been
 * reused, and the result belongs to the process that had it when the call
 * began. Otherwise the result is thrown away and -ESRCH returned.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <pagectl/pagectl.h>
#include "internal.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* A pidfd for @pid, or -1 with errno set. */
static int pagectl_pidfd(__u32 pid)
{
	return (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
}

/* Has the process behind @pidfd exited? */
static int pagectl_pidfd_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) != 0;
}

/* Issue @cmd; with PAGECTL_WALK_PID, only trust the result if @pid lived. */
int pagectl_walk_ioctl(struct pagectl *pc, unsigned long cmd,
		       void *arg, __u32 flags, __u32 pid)
{
	int pidfd = -1, ret, saved;

	if ((flags & PAGECTL_WALK_PID) && pid) {
		pidfd = pagectl_pidfd(pid);
		/* EINVAL for a pid that is not a process: let the module judge. */
		if (pidfd < 0 && errno == ESRCH)
			return -ESRCH;
	}
	ret = pagectl_ioctl(pc, cmd, arg);
	if (pidfd >= 0) {
		saved = errno;
		if (ret == 0 && pagectl_pidfd_exited(pidfd))
			ret = -ESRCH;
		close(pidfd);
		errno = saved;
	}
	return ret;
}

PAGECTL_VERSION_DEFAULT(pagectl_walk, PAGECTL_0.2);
PAGECTL_EXPORT int pagectl_walk(struct pagectl *pc, struct pagectl_walk *arg)
{
	if (arg->size < PAGECTL_WALK_SIZE_V1)
		return -EINVAL;
	return pagectl_walk_ioctl(pc, PAGECTL_WALK, arg, arg->flags, arg->pid);
}

PAGECTL_VERSION_DEFAULT(pagectl_walk_range, PAGECTL_0.2);
PAGECTL_EXPORT int pagectl_walk_range(struct pagectl *pc,
				      struct pagectl_walk_range *arg)
{
	int ret;

	if (arg->size < PAGECTL_WALK_RANGE_SIZE_V1)
		return -EINVAL;
	ret = pagectl_walk_ioctl(pc, PAGECTL_WALK_RANGE, arg, arg->flags,
				 arg->pid);
	return ret < 0 ? ret : (int)arg->nr_records;
}

/* The THP settings HUGE_MAP's answer depends on, from sysfs and /proc. */
enum pagectl_thp { PAGECTL_THP_UNKNOWN, PAGECTL_THP_ALWAYS, PAGECTL_THP_MADVISE,
		   PAGECTL_THP_NEVER };

#define PAGECTL_THP_DIR "/sys/kernel/mm/transparent_hugepage/"

/* The selected word of a sysfs setting ("always [madvise] never"), or "". */
static void pagectl_setting(const char *path, char *word, size_t len)
{
	char buf[256], *open, *close;
	FILE *f = fopen(path, "re");

	word[0] = '\0';
	if (!f)
		return;
	open = fgets(buf, sizeof(buf), f) ? strchr(buf, '[') : NULL;
	close = open ? strchr(open, ']') : NULL;
	if (close) {
		*close = '\0';
		snprintf(word, len, "%s", open + 1);
	}
	fclose(f);
}

static enum pagectl_thp pagectl_thp_of(const char *word)
{
	if (!strcmp(word, "always") || !strcmp(word, "within_size") ||
	    !strcmp(word, "force"))
		return PAGECTL_THP_ALWAYS;
	if (!strcmp(word, "madvise") || !strcmp(word, "advise"))
		return PAGECTL_THP_MADVISE;
	if (!strcmp(word, "never") || !strcmp(word, "deny"))
		return PAGECTL_THP_NEVER;
	return PAGECTL_THP_UNKNOWN;
}

/* PMD-sized THP of anonymous memory: the per-size setting unless it inherits. */
static enum pagectl_thp pagectl_thp_anon(void)
{
	char word[32];

	pagectl_setting(PAGECTL_THP_DIR "hugepages-2048kB/enabled", word, sizeof(word));
	if (!word[0] || !strcmp(word, "inherit"))
		pagectl_setting(PAGECTL_THP_DIR "enabled", word, sizeof(word));
	return pagectl_thp_of(word);
}

/* prctl(PR_SET_THP_DISABLE) of process @pid (0: the caller), from its status. */
static int pagectl_thp_process_disabled(__u32 pid)
{
	char path[64], line[128];
	int disabled = 0;
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%u/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "THP_enabled:", 12)) {
			disabled = atoi(line + 12) == 0;
			break;
		}
	fclose(f);
	return disabled;
}

/* Add what the process and the system say to each slot that is not huge. */
static void pagectl_huge_reasons(struct pagectl_huge_map *arg)
{
	enum pagectl_thp anon = pagectl_thp_anon(), shmem;
	int process = pagectl_thp_process_disabled(arg->flags & PAGECTL_WALK_PID ?
						   arg->pid : 0);
	char word[32];
	__u32 i;

	pagectl_setting(PAGECTL_THP_DIR "shmem_enabled", word, sizeof(word));
	shmem = pagectl_thp_of(word);
	for (i = 0; i < arg->nr_records; i++) {
		struct pagectl_huge_slot *s = (struct pagectl_huge_slot *)
			(uintptr_t)(arg->records + (__u64)i * arg->record_size);
		enum pagectl_thp thp;

		if (s->state == PAGECTL_HUGE_PMD || s->state == PAGECTL_HUGE_HUGETLB)
			continue;
		switch (s->backing) {
		case PAGECTL_BACKING_ANON:
		case PAGECTL_BACKING_HEAP:
		case PAGECTL_BACKING_STACK:
			thp = anon;
			break;
		case PAGECTL_BACKING_SHMEM:
			thp = shmem;
			break;
		case PAGECTL_BACKING_FILE:
			thp = PAGECTL_THP_UNKNOWN;
			break;
		default:
			continue;
		}
		if (process)
			s->reasons |= PAGECTL_HUGE_PROCESS_DISABLED;
		if (thp == PAGECTL_THP_NEVER)
			s->reasons |= PAGECTL_HUGE_SYSTEM_DISABLED;
		else if (thp == PAGECTL_THP_MADVISE && !(s->reasons & PAGECTL_HUGE_ADVISED))
			s->reasons |= PAGECTL_HUGE_NOT_ADVISED;
	}
}

PAGECTL_EXPORT int pagectl_huge_map(struct pagectl *pc, struct pagectl_huge_map *arg)
{
	int ret;

	if (arg->size < PAGECTL_HUGE_MAP_SIZE_V1)
		return -EINVAL;
	ret = pagectl_walk_ioctl(pc, PAGECTL_HUGE_MAP, arg, arg->flags, arg->pid);
	if (ret < 0)
		return ret;
	pagectl_huge_reasons(arg);
	return (int)arg->nr_records;
}
