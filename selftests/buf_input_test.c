// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel buffers: every bad BUF_CREATE, each leaving nothing behind; every
 * allocation failure of BUF_CREATE on the debug kernel; the per-file byte
 * cap; and the module staying loaded while a buffer exists.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/pagectl.h>

#include "kselftest_harness.h"
#include "pin_util.h"
#include "buf_util.h"

#define LEN	(16 * PAGE_SZ)

FIXTURE(create) {
	int dev;
	int next_fd;
	struct pagectl_info info;
};

FIXTURE_SETUP(create)
{
	char why[128];

	self->dev = device_open(PAGECTL_FEATURE_INFO, &self->info, why, sizeof(why));
	if (self->dev < 0)
		SETUP_SKIP("%s", why);
	if (!(self->info.features & PAGECTL_FEATURE_BUF))
		SETUP_SKIP("the module has no buffers");
	ASSERT_EQ(0, live_buffers());
	self->next_fd = lowest_free_fd();
}

FIXTURE_TEARDOWN(create)
{
	/* A failed BUF_CREATE leaves no buffer and no descriptor. */
	EXPECT_EQ(0, live_buffers());
	EXPECT_EQ(self->next_fd, lowest_free_fd());
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(create, size_zero_einval)
{
	struct pagectl_buf_create c;

	ASSERT_EQ(EINVAL, buf_create(self->dev, 0, 0, PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(EINVAL, buf_create(self->dev, 0, PAGECTL_BUF_CONTIG,
				     PAGECTL_NODE_LOCAL, &c));
}

TEST_F(create, size_overflow_eoverflow)
{
	struct pagectl_buf_create c;

	/* Rounding up to a page wraps. */
	ASSERT_EQ(EOVERFLOW, buf_create(self->dev, (__u64)-1, 0, PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(EOVERFLOW, buf_create(self->dev, (__u64)-PAGE_SZ + 1, 0,
					PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(EOVERFLOW, buf_create(self->dev, (__u64)-1, PAGECTL_BUF_CONTIG,
					PAGECTL_NODE_LOCAL, &c));
}

TEST_F(create, over_cap_enospc)
{
	struct pagectl_buf_create c;
	__u64 cap = self->info.max_buf_bytes;

	/* One page more than the file may hold, and the largest page-aligned size. */
	ASSERT_EQ(ENOSPC, buf_create(self->dev, cap + PAGE_SZ, 0, PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(ENOSPC, buf_create(self->dev, cap + 1, PAGECTL_BUF_CONTIG,
				     PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(ENOSPC, buf_create(self->dev, (__u64)-PAGE_SZ, 0, PAGECTL_NODE_LOCAL, &c));
}

TEST_F(create, bad_node_enodev)
{
	struct pagectl_buf_create c;
	__u32 nodes[] = { 2, 63, 1023, 1024, 65535, 0x7fffffff, 0xfffffffe };
	unsigned int i;

	/* Nodes that are not online with memory, and ones that cannot exist. */
	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%u", nodes[i]);
		if (!access(path, F_OK))
			continue;
		EXPECT_EQ(ENODEV, buf_create(self->dev, LEN, 0, nodes[i], &c)) {
			TH_LOG("node %u", nodes[i]);
		}
		EXPECT_EQ(ENODEV, buf_create(self->dev, LEN, PAGECTL_BUF_CONTIG,
					     nodes[i], &c)) {
			TH_LOG("node %u", nodes[i]);
		}
	}
}

TEST_F(create, unknown_flags_eopnotsupp)
{
	struct pagectl_buf_create c;
	unsigned int bit;

	/* Every flag bit BUF_CREATE does not define, HUGE included where absent. */
	for (bit = 0; bit < 32; bit++) {
		__u32 flag = 1U << bit;

		if (flag & (PAGECTL_BUF_CONTIG | PAGECTL_BUF_RDONLY | PAGECTL_BUF_DONTCOPY))
			continue;
		if (flag == PAGECTL_BUF_HUGE &&
		    self->info.features & PAGECTL_FEATURE_BUF_HUGE)
			continue;
		EXPECT_EQ(EOPNOTSUPP, buf_create(self->dev, LEN, flag,
						 PAGECTL_NODE_LOCAL, &c)) {
			TH_LOG("flag bit %u", bit);
		}
	}
}

TEST_F(create, contig_too_large_enomem)
{
	struct pagectl_buf_create c;

	/* No single allocation this large (beyond the buddy allocator's order). */
	ASSERT_EQ(ENOMEM, buf_create(self->dev, 64UL << 20, PAGECTL_BUF_CONTIG,
				     PAGECTL_NODE_LOCAL, &c));
}

TEST_F(create, no_free_descriptor_emfile)
{
	struct pagectl_buf_create c;
	struct rlimit old, none;

	/* With no descriptor left, BUF_CREATE is EMFILE and frees the buffer. */
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	none = old;
	none.rlim_cur = self->next_fd;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &none));
	ASSERT_EQ(EMFILE, buf_create(self->dev, LEN, 0, PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(EMFILE, buf_create(self->dev, LEN, PAGECTL_BUF_CONTIG,
				     PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	ASSERT_EQ(0, live_buffers());
}

TEST_F(create, result_not_writable_efault)
{
	struct pagectl_buf_create *c;

	/* The result cannot be copied back: no fd appears, the buffer is freed. */
	c = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c);
	c->size = sizeof(*c);
	c->length = LEN;
	c->node = PAGECTL_NODE_LOCAL;
	ASSERT_EQ(0, mprotect(c, PAGE_SZ, PROT_READ));
	ASSERT_EQ(EFAULT, call(self->dev, PAGECTL_BUF_CREATE, c));
	ASSERT_EQ(0, live_buffers());
	ASSERT_EQ(self->next_fd, lowest_free_fd());
	munmap(c, PAGE_SZ);
}

TEST_F(create, allocation_failures_leave_nothing)
{
	struct pagectl_buf_create c;
	__u32 kinds[] = { 0, PAGECTL_BUF_CONTIG };
	struct fail_sweep s;
	int injected = 0;

	/*
	 * Every allocation failure of BUF_CREATE, for each kind: ENOMEM, and
	 * no buffer and no descriptor left.
	 */
	for (unsigned int k = 0; k < 2; k++) {
		FAIL_SWEEP(&s, buf_create(self->dev, 4 * PAGE_SZ, kinds[k],
					  PAGECTL_NODE_LOCAL, &c)) {
			if (!s.ret) {
				ASSERT_EQ(0, close(c.fd));
				ASSERT_EQ(0, live_buffers());
				continue;
			}
			ASSERT_EQ(ENOMEM, s.ret) {
				TH_LOG("kind %u allocation %d", kinds[k], s.nth);
			}
			ASSERT_EQ(0, live_buffers());
			ASSERT_EQ(self->next_fd, lowest_free_fd());
		}
		injected += s.injected;
	}
	TH_LOG("%d allocation failures injected into BUF_CREATE", injected);
	ASSERT_LT(0, injected);
}

TEST_F(create, timer_allocation_failures_leave_nothing)
{
	struct fail_sweep s;
	int bfd;

	/* Skip before the buffer exists, or the teardown would find it. */
	if (fail_sweep_begin(&s))
		SKIP(return, "%s", s.why);
	bfd = buf_new(self->dev, PAGE_SZ, 0);
	ASSERT_LE(0, bfd);

	/* Every allocation failure of arming a buffer timer: ENOMEM, none armed. */
	FAIL_SWEEP(&s, timer(self->dev, bfd, PAGECTL_TIMER_BUF, 0, SLOW_NS, NULL)) {
		if (!s.ret) {
			ASSERT_EQ(0, timer(self->dev, bfd, PAGECTL_TIMER_BUF | PAGECTL_TIMER_DISARM,
					   0, 0, NULL));
			continue;
		}
		ASSERT_EQ(ENOMEM, s.ret) {
			TH_LOG("allocation %d", s.nth);
		}
		ASSERT_EQ(0, proc_field("/proc/pagectl", "timers"));
	}
	TH_LOG("%d allocation failures injected into a buffer TIMER", s.injected);
	ASSERT_LT(0, s.injected);
	ASSERT_EQ(0, close(bfd));
}

/* Loading and unloading the module, as device_test does. */
static int module_file(char *path, size_t len)
{
	const char *env = getenv("PAGECTL_MODULE");
	struct utsname u;

	if (env) {
		snprintf(path, len, "%s", env);
	} else {
		uname(&u);
		snprintf(path, len, "/lib/modules/%s/extra/pagectl.ko", u.release);
	}
	return access(path, R_OK);
}

static int load(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	return ret;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "pagectl", O_NONBLOCK) ? errno : 0;
}

FIXTURE(module) {
	char path[512];
};

FIXTURE_SETUP(module)
{
	if (geteuid())
		SETUP_SKIP("needs root");
	if (module_file(self->path, sizeof(self->path)))
		SETUP_SKIP("no module file %s", self->path);
	if (access("/sys/module/pagectl", F_OK))
		SETUP_SKIP("the module is not loaded");
}

FIXTURE_TEARDOWN(module)
{
	/* Every other test expects the module loaded with its defaults. */
	if (!access("/sys/module/pagectl", F_OK))
		EXPECT_EQ(0, unload());
	EXPECT_EQ(0, load(self->path, ""));
}

TEST_F(module, cap_counts_live_buffers)
{
	struct pagectl_info info = { .size = sizeof(info) };
	struct pagectl_buf_create c;
	int dev, a, b;
	void *m;

	/* A small cap: 64 KiB per file. */
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load(self->path, "max_buf_bytes=65536"));
	dev = open("/dev/pagectl", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, call(dev, PAGECTL_GET_INFO, &info));
	ASSERT_EQ(65536, info.max_buf_bytes);

	/* Two halves fit; one more page does not, in either kind. */
	a = buf_new(dev, 32768, 0);
	ASSERT_LE(0, a);
	b = buf_new(dev, 32768, PAGECTL_BUF_CONTIG);
	ASSERT_LE(0, b);
	ASSERT_EQ(ENOSPC, buf_create(dev, 1, 0, PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(ENOSPC, buf_create(dev, 1, PAGECTL_BUF_CONTIG, PAGECTL_NODE_LOCAL, &c));

	/* The bytes come back when a buffer is freed, not before. */
	m = buf_map(a, 32768, PROT_READ, 0);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, close(a));
	ASSERT_EQ(ENOSPC, buf_create(dev, 1, 0, PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(0, munmap(m, 32768));
	ASSERT_EQ(0, buf_create(dev, 32768, 0, PAGECTL_NODE_LOCAL, &c));
	ASSERT_EQ(0, close(c.fd));
	ASSERT_EQ(0, close(b));

	/* The cap is per file: another file has its own. */
	b = open("/dev/pagectl", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, b);
	a = buf_new(b, 65536, 0);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, close(a));
	ASSERT_EQ(0, close(b));
	ASSERT_EQ(0, close(dev));
	ASSERT_EQ(0, live_buffers());
}

TEST_F(module, unload_waits_for_last_buffer)
{
	int dev, fd;
	__u64 *map;

	dev = open("/dev/pagectl", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	fd = buf_new(dev, LEN, PAGECTL_BUF_CONTIG);
	ASSERT_LE(0, fd);
	map = buf_map(fd, LEN, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, map);

	/* The buffer outlives the file that made it, and holds the module. */
	ASSERT_EQ(0, close(dev));
	ASSERT_NE(0, unload());
	ASSERT_EQ(0, access("/sys/module/pagectl", F_OK));

	/* A mapping alone holds it too. */
	ASSERT_EQ(0, close(fd));
	map[0] = 1;
	ASSERT_NE(0, unload());
	ASSERT_EQ(1, live_buffers());

	/* With the last mapping gone, the module can go. */
	ASSERT_EQ(0, munmap(map, LEN));
	ASSERT_EQ(0, unload());
}

TEST_HARNESS_MAIN
