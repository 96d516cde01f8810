// SPDX-License-Identifier: GPL-2.0-only
/*
 * libpagectl: return conventions and the commands it wraps.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <pagectl/pagectl.h>

#include "kselftest_harness.h"

TEST(open_missing_node_enoent)
{
	struct pagectl *pc = NULL;

	/* A node that does not exist is -ENOENT, with a hint about the module. */
	ASSERT_EQ(-ENOENT, pagectl_open("/dev/pagectl-does-not-exist", &pc));
	ASSERT_EQ(NULL, pc);
	ASSERT_NE(NULL, strstr(pagectl_strerror(-ENOENT), "module"));
}

TEST(open_null_handle_einval)
{
	/* No place to return the handle is -EINVAL. */
	ASSERT_EQ(-EINVAL, pagectl_open(NULL, NULL));
}

TEST(close_null_is_noop)
{
	/* Closing nothing is harmless, as free(NULL) is. */
	pagectl_close(NULL);
}

TEST(get_info_on_other_device_enotty)
{
	PAGECTL_ARG(pagectl_info, info);
	struct pagectl *pc;

	/* A file that is not /dev/pagectl refuses the command. */
	ASSERT_EQ(0, pagectl_open("/dev/null", &pc));
	ASSERT_EQ(-ENOTTY, pagectl_get_info(pc, &info));
	pagectl_close(pc);
}

TEST(get_info)
{
	PAGECTL_ARG(pagectl_info, info);
	struct pagectl *pc;
	int ret;

	ret = pagectl_open(NULL, &pc);
	if (ret == -ENOENT)
		SKIP(return, "module not loaded");
	ASSERT_EQ(0, ret);

	/* The descriptor is close-on-exec. */
	ASSERT_EQ(FD_CLOEXEC, fcntl(pagectl_fd(pc), F_GETFD) & FD_CLOEXEC);

	/* The module answers into the caller's struct; size stays the caller's. */
	ASSERT_EQ(0, pagectl_get_info(pc, &info));
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(PAGECTL_ABI_VERSION, info.abi_version);
	EXPECT_EQ(sysconf(_SC_PAGESIZE), info.page_size);
	EXPECT_TRUE(info.features & PAGECTL_FEATURE_INFO);
	pagectl_close(pc);
}

TEST(buffers)
{
	PAGECTL_ARG(pagectl_buf_create, c, .length = 8192, .node = PAGECTL_NODE_LOCAL);
	PAGECTL_ARG(pagectl_info, pi);
	struct pagectl_frame f[2];
	struct pagectl_buf_info info = {
		.size = sizeof(info),
		.records = (__u64)(unsigned long)f,
		.record_size = sizeof(f[0]),
		.max_records = 2,
	};
	struct pagectl *pc;
	__u64 *p, ticks;
	int fd, ret;

	ret = pagectl_open(NULL, &pc);
	if (ret == -ENOENT)
		SKIP(return, "module not loaded");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pagectl_get_info(pc, &pi));
	if (!(pi.features & PAGECTL_FEATURE_BUF))
		SKIP(return, "the module has no buffers");

	/* create returns the new descriptor; the buffer outlives the handle. */
	fd = pagectl_buf_create(pc, &c);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(c), c.size);
	ASSERT_EQ(0, pagectl_buf_map(fd, 0, 8192, PROT_READ | PROT_WRITE, (void **)&p));

	/* fill is 0, info the number of records, the timer arms and disarms. */
	ASSERT_EQ(0, pagectl_buf_fill(fd, 0, 8192, 42, 0));
	ASSERT_EQ(42, p[1023]);
	ASSERT_EQ(2, pagectl_buf_info(fd, &info));
	ASSERT_EQ(8192, info.length);
	ASSERT_EQ(0, pagectl_buf_timer_arm(pc, fd, 8, 1000000));
	ASSERT_EQ(0, pagectl_buf_timer_disarm(pc, fd, &ticks));

	/* Errors are negative errnos. */
	ASSERT_EQ(-EINVAL, pagectl_buf_fill(fd, 4, 8, 0, 0));
	ASSERT_EQ(-EINVAL, pagectl_buf_map(fd, 8192, 4096, PROT_READ, (void **)&p));
	ASSERT_EQ(-EBADF, pagectl_buf_timer_arm(pc, -1, 0, 1000000));
	c.length = 0;
	ASSERT_EQ(-EINVAL, pagectl_buf_create(pc, &c));
	pagectl_close(pc);
	ASSERT_EQ(42, p[0]);
	ASSERT_EQ(0, munmap(p, 8192));
	close(fd);
}

#define THP_DIR		"/sys/kernel/mm/transparent_hugepage/"
#define SLOT		(2UL << 20)

/* The selected word of a THP setting, "" if there is none. */
static void thp_get(const char *name, char *word, size_t len)
{
	char path[128], buf[128], *open, *close;
	FILE *f;

	word[0] = '\0';
	snprintf(path, sizeof(path), THP_DIR "%s", name);
	f = fopen(path, "re");
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

static int thp_set(const char *name, const char *word)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), THP_DIR "%s", name);
	f = fopen(path, "we");
	if (!f)
		return -1;
	ret = fputs(word, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/* The reasons of the one slot at @p, or -1. */
static long slot_reasons(struct pagectl *pc, void *p)
{
	struct pagectl_huge_slot slot;
	struct pagectl_huge_map hm = {
		.size = sizeof(hm), .start = (uintptr_t)p, .end = (uintptr_t)p + SLOT,
		.records = (uintptr_t)&slot, .record_size = sizeof(slot), .max_records = 1,
	};

	return pagectl_huge_map(pc, &hm) == 1 ? (long)slot.reasons : -1;
}

/* What the process and the system say, added to the module's reasons. */
TEST(huge_map_adds_process_and_system_reasons)
{
	char enabled[32], per_size[32];
	struct pagectl *pc;
	__u8 *map, *p;
	long r;
	int ret;

	ret = pagectl_open(NULL, &pc);
	if (ret == -ENOENT)
		SKIP(return, "module not loaded");
	ASSERT_EQ(0, ret);
	thp_get("enabled", enabled, sizeof(enabled));
	if (!enabled[0])
		SKIP(pagectl_close(pc); return, "no THP in this kernel");
	thp_get("hugepages-2048kB/enabled", per_size, sizeof(per_size));
	if (per_size[0])
		ASSERT_EQ(0, thp_set("hugepages-2048kB/enabled", "inherit"));

	map = mmap(NULL, 2 * SLOT, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	p = (__u8 *)(((uintptr_t)map + SLOT - 1) & ~(SLOT - 1));

	ASSERT_EQ(0, thp_set("enabled", "always"));
	r = slot_reasons(pc, p);
	EXPECT_EQ(0, r);

	ASSERT_EQ(0, thp_set("enabled", "madvise"));
	r = slot_reasons(pc, p);
	EXPECT_EQ(PAGECTL_HUGE_NOT_ADVISED, r);
	ASSERT_EQ(0, madvise(p, SLOT, MADV_HUGEPAGE));
	r = slot_reasons(pc, p);
	EXPECT_EQ(PAGECTL_HUGE_ADVISED, r);

	ASSERT_EQ(0, thp_set("enabled", "never"));
	r = slot_reasons(pc, p);
	EXPECT_EQ(PAGECTL_HUGE_ADVISED | PAGECTL_HUGE_SYSTEM_DISABLED, r);

	ASSERT_EQ(0, thp_set("enabled", "always"));
	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	r = slot_reasons(pc, p);
	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0));
	EXPECT_EQ(PAGECTL_HUGE_ADVISED | PAGECTL_HUGE_PROCESS_DISABLED, r);

	thp_set("enabled", enabled);
	if (per_size[0])
		thp_set("hugepages-2048kB/enabled", per_size);
	munmap(map, 2 * SLOT);
	pagectl_close(pc);
}

TEST_HARNESS_MAIN
