// SPDX-License-Identifier: GPL-2.0-only
/*
 * ABI conformance of every /dev/pagectl command: the argument-size, flag,
 * reserved-field, pointer and command-number rules of docs/abi.md.
 *
 * Each command is one variant; a new command adds a variant and gets every
 * check below. A variant whose feature GET_INFO does not report is skipped.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pagectl.h>

#include "kselftest_harness.h"

/* Room for any command's struct plus a tail the kernel does not know. */
#define ARG_ROOM (2 * 4096)
#define TAIL 64
#define INIT_PAGE_SIZE 4096

/*
 * SKIP from FIXTURE_SETUP. The 6.1 harness still runs the test body after a
 * SKIP that returns from setup, so leave the way a failed ASSERT in setup does.
 */
#define SETUP_SKIP(fmt, ...) SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

FIXTURE(abi) {
	int fd;
	int dev;
	__u8 *arg;
};

/*
 * cmd: the ioctl; feature: the GET_INFO feature bit that says the module has
 * it (the variant is skipped without); size, min_size: the struct now and in
 * its first version; valid_flags: flags a valid call may carry;
 * reserved_off/len: the reserved field; init: fills a valid argument (NULL:
 * all zeros is valid); on_buf: the command is issued on a buffer fd.
 */
FIXTURE_VARIANT(abi) {
	unsigned long cmd;
	__u64 feature;
	unsigned int size;
	unsigned int min_size;
	__u32 valid_flags;
	unsigned int reserved_off;
	unsigned int reserved_len;
	void (*init)(void *arg);
	bool on_buf;
};

/*
 * The kernel's sizeof_field() and offsetofend(), which the kselftest headers
 * lack. MEMBER... lets checkpatch see that naming a member twice has no side
 * effects.
 */
#ifndef sizeof_field
#define sizeof_field(TYPE, MEMBER) sizeof(((TYPE *)0)[0].MEMBER)
#endif
#ifndef offsetofend
#define offsetofend(TYPE, MEMBER...) (offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))
#endif

/*
 * The ABI of one command, from the facts the module's command table uses:
 * @_ioctl takes @_struct, whose first version ended at @_last, and accepts
 * @_flags. Every command struct names its reserved field __reserved.
 */
#define ABI_RULE(_ioctl, _struct, _last, _flags)				\
	.cmd = _ioctl,								\
	.size = sizeof(_struct),						\
	.min_size = offsetofend(_struct, _last),				\
	.valid_flags = _flags,							\
	.reserved_off = offsetof(_struct, __reserved),				\
	.reserved_len = sizeof_field(_struct, __reserved)

/*
 * The init functions get no fixture: FIXTURE_SETUP(abi) leaves its file and
 * a page of memory here, and they pin that page through that file.
 */
static int init_fd = -1;
static void *init_page;

/* A fresh pin of init_page; 0 if PIN failed, which the test then reports. */
static __u64 init_pin(__u32 flags)
{
	struct pagectl_pin pin = {
		.size = sizeof(pin),
		.flags = flags,
		.addr = (uintptr_t)init_page,
		.length = INIT_PAGE_SIZE,
	};

	return ioctl(init_fd, PAGECTL_PIN, &pin) ? 0 : pin.handle;
}

static void init_pin_arg(void *arg)
{
	struct pagectl_pin *pin = arg;

	pin->addr = (uintptr_t)init_page;
	pin->length = INIT_PAGE_SIZE;
}

static void init_unpin_arg(void *arg)
{
	struct pagectl_unpin *unpin = arg;

	unpin->handle = init_pin(0);
}

/* Describe a fresh pin without records: valid, and nothing to write. */
static void init_describe_arg(void *arg)
{
	struct pagectl_pin_describe *d = arg;

	d->handle = init_pin(0);
	d->record_size = sizeof(struct pagectl_frame);
}

/* Arm a 1 ms timer at the start of a fresh writable pin. */
static void init_timer_arg(void *arg)
{
	struct pagectl_timer *t = arg;

	t->target = init_pin(PAGECTL_PIN_WRITE);
	t->period_ns = 1000000;
}

/* Walk the fixture's page. */
static void init_walk_arg(void *arg)
{
	struct pagectl_walk *w = arg;

	w->addr = (uintptr_t)init_page;
}

static struct pagectl_walk_rec init_recs[4];

/* Walk the fixture's page into a small record array. */
static void init_walk_range_arg(void *arg)
{
	struct pagectl_walk_range *wr = arg;

	wr->start = (uintptr_t)init_page;
	wr->end = wr->start + INIT_PAGE_SIZE;
	wr->records = (uintptr_t)init_recs;
	wr->record_size = sizeof(init_recs[0]);
	wr->max_records = 4;
}

static struct pagectl_huge_slot init_slots[4];
static struct pagectl_pin_range init_ranges[4];

/* init_page, for reading. */
static void init_pin_check_arg(void *arg)
{
	struct pagectl_pin_check *pc = arg;

	pc->addr = (uintptr_t)init_page;
	pc->length = INIT_PAGE_SIZE;
	pc->records = (uintptr_t)init_ranges;
	pc->record_size = sizeof(init_ranges[0]);
	pc->max_records = 4;
}

/* The 2 MiB slot of init_page. */
static void init_huge_map_arg(void *arg)
{
	struct pagectl_huge_map *hm = arg;

	hm->start = (uintptr_t)init_page;
	hm->end = hm->start + INIT_PAGE_SIZE;
	hm->records = (uintptr_t)init_slots;
	hm->record_size = sizeof(init_slots[0]);
	hm->max_records = 4;
}

/* A watch of init_page; every successful call makes a new fd. */
static void init_watch_arg(void *arg)
{
	struct pagectl_watch *w = arg;

	w->start = (uintptr_t)init_page;
	w->end = w->start + INIT_PAGE_SIZE;
}

/* A page on the caller's node; every successful call makes a new fd. */
static void init_buf_create_arg(void *arg)
{
	struct pagectl_buf_create *c = arg;

	c->length = INIT_PAGE_SIZE;
	c->node = PAGECTL_NODE_LOCAL;
}

/* Fill the first word of the buffer. */
static void init_buf_fill_arg(void *arg)
{
	struct pagectl_buf_fill *f = arg;

	f->length = 8;
}

FIXTURE_VARIANT_ADD(abi, get_info) {
	ABI_RULE(PAGECTL_GET_INFO, struct pagectl_info, version, 0),
	.feature = PAGECTL_FEATURE_INFO,
};

FIXTURE_VARIANT_ADD(abi, pin) {
	ABI_RULE(PAGECTL_PIN, struct pagectl_pin, __reserved, PAGECTL_PIN_WRITE),
	.feature = PAGECTL_FEATURE_PIN,
	.init = init_pin_arg,
};

FIXTURE_VARIANT_ADD(abi, unpin) {
	ABI_RULE(PAGECTL_UNPIN, struct pagectl_unpin, __reserved, PAGECTL_UNPIN_DIRTY),
	.feature = PAGECTL_FEATURE_PIN,
	.init = init_unpin_arg,
};

FIXTURE_VARIANT_ADD(abi, pin_describe) {
	ABI_RULE(PAGECTL_PIN_DESCRIBE, struct pagectl_pin_describe, __reserved,
		 PAGECTL_DESCRIBE_EXTENTS),
	.feature = PAGECTL_FEATURE_PIN,
	.init = init_describe_arg,
};

/* WALK_PID needs a pid (EINVAL without): valid_flags keeps it out of the flag loop. */
FIXTURE_VARIANT_ADD(abi, walk) {
	ABI_RULE(PAGECTL_WALK, struct pagectl_walk, vma, PAGECTL_WALK_PID),
	.feature = PAGECTL_FEATURE_WALK,
	.init = init_walk_arg,
};

FIXTURE_VARIANT_ADD(abi, walk_range) {
	ABI_RULE(PAGECTL_WALK_RANGE, struct pagectl_walk_range, next,
		 PAGECTL_WALK_PID | PAGECTL_WALK_PAGE_STATE),
	.feature = PAGECTL_FEATURE_WALK,
	.init = init_walk_range_arg,
};

FIXTURE_VARIANT_ADD(abi, huge_map) {
	ABI_RULE(PAGECTL_HUGE_MAP, struct pagectl_huge_map, next, PAGECTL_WALK_PID),
	.feature = PAGECTL_FEATURE_HUGE_MAP,
	.init = init_huge_map_arg,
};

FIXTURE_VARIANT_ADD(abi, pin_check) {
	ABI_RULE(PAGECTL_PIN_CHECK, struct pagectl_pin_check, __reserved,
		 PAGECTL_PIN_WRITE | PAGECTL_PIN_CHECK_PID),
	.feature = PAGECTL_FEATURE_PIN_CHECK,
	.init = init_pin_check_arg,
};

FIXTURE_VARIANT_ADD(abi, watch) {
	ABI_RULE(PAGECTL_WATCH, struct pagectl_watch, __reserved,
		 PAGECTL_WALK_PID | PAGECTL_WATCH_ENTRIES),
	.feature = PAGECTL_FEATURE_WATCH,
	.init = init_watch_arg,
};

FIXTURE_VARIANT_ADD(abi, timer) {
	ABI_RULE(PAGECTL_TIMER, struct pagectl_timer, __reserved,
		 PAGECTL_TIMER_BUF | PAGECTL_TIMER_DISARM),
	.feature = PAGECTL_FEATURE_TIMER,
	.init = init_timer_arg,
};

/* HUGE is EOPNOTSUPP without its feature: buf_huge_test checks that. */
FIXTURE_VARIANT_ADD(abi, buf_create) {
	ABI_RULE(PAGECTL_BUF_CREATE, struct pagectl_buf_create, __reserved,
		 PAGECTL_BUF_CONTIG | PAGECTL_BUF_HUGE | PAGECTL_BUF_RDONLY |
		 PAGECTL_BUF_DONTCOPY),
	.feature = PAGECTL_FEATURE_BUF,
	.init = init_buf_create_arg,
};

FIXTURE_VARIANT_ADD(abi, buf_info) {
	ABI_RULE(PAGECTL_BUF_INFO, struct pagectl_buf_info, __reserved,
		 PAGECTL_DESCRIBE_EXTENTS),
	.feature = PAGECTL_FEATURE_BUF,
	.on_buf = true,
};

FIXTURE_VARIANT_ADD(abi, buf_fill) {
	ABI_RULE(PAGECTL_BUF_FILL, struct pagectl_buf_fill, __reserved, PAGECTL_FILL_INDEX),
	.feature = PAGECTL_FEATURE_BUF,
	.init = init_buf_fill_arg,
	.on_buf = true,
};

/* A valid argument of user size @size, with the tail beyond the struct zeroed. */
static void *fill_arg(__u8 *arg, void (*init)(void *arg), __u32 size)
{
	memset(arg, 0, ARG_ROOM);
	if (init)
		init(arg);
	memcpy(arg, &size, sizeof(size));
	return arg;
}

#define valid_arg(self, variant, size) fill_arg((self)->arg, (variant)->init, size)

static void set_flags(void *arg, __u32 flags)
{
	memcpy((__u8 *)arg + sizeof(__u32), &flags, sizeof(flags));
}

FIXTURE_SETUP(abi)
{
	struct pagectl_info info = { .size = sizeof(info) };

	self->dev = open("/dev/pagectl", O_RDWR | O_CLOEXEC);
	self->fd = self->dev;
	if (self->fd < 0)
		SETUP_SKIP("/dev/pagectl: %s (module not loaded?)", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, PAGECTL_GET_INFO, &info));
	if (!(info.features & variant->feature))
		SETUP_SKIP("the module does not implement this command");
	init_fd = self->dev;
	if (variant->on_buf) {
		struct pagectl_buf_create c = {
			.size = sizeof(c),
			.length = INIT_PAGE_SIZE,
			.node = PAGECTL_NODE_LOCAL,
		};

		ASSERT_EQ(0, ioctl(self->dev, PAGECTL_BUF_CREATE, &c));
		self->fd = c.fd;
	}
	init_page = mmap(NULL, INIT_PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, init_page);
	memset(init_page, 0, INIT_PAGE_SIZE);
	self->arg = malloc(ARG_ROOM);
	ASSERT_NE(NULL, self->arg);
}

FIXTURE_TEARDOWN(abi)
{
	free(self->arg);
	if (self->fd != self->dev)
		close(self->fd);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(abi, exact_size_accepted)
{
	/* The struct as this header defines it works. */
	ASSERT_EQ(0, ioctl(self->fd, variant->cmd,
			   valid_arg(self, variant, variant->size)));
}

TEST_F(abi, first_version_size_accepted)
{
	/* A caller built against the first version of the struct works. */
	ASSERT_EQ(0, ioctl(self->fd, variant->cmd,
			   valid_arg(self, variant, variant->min_size)));
}

TEST_F(abi, short_size_einval)
{
	/* One byte short of the first version is refused. */
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd,
			    valid_arg(self, variant, variant->min_size - 1)));
	ASSERT_EQ(EINVAL, errno);

	/* So is a size of zero. */
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd, valid_arg(self, variant, 0)));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(abi, long_size_zero_tail_accepted)
{
	/* A newer caller's longer struct works if the new fields are zero. */
	ASSERT_EQ(0, ioctl(self->fd, variant->cmd,
			   valid_arg(self, variant, variant->size + TAIL)));
}

TEST_F(abi, long_size_nonzero_tail_e2big)
{
	__u8 *arg = valid_arg(self, variant, variant->size + TAIL);

	/* A non-zero byte the kernel does not know is refused, first or last. */
	arg[variant->size] = 1;
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd, arg));
	ASSERT_EQ(E2BIG, errno);

	arg = valid_arg(self, variant, variant->size + TAIL);
	arg[variant->size + TAIL - 1] = 0x80;
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd, arg));
	ASSERT_EQ(E2BIG, errno);
}

TEST_F(abi, size_over_a_page_e2big)
{
	long page = sysconf(_SC_PAGESIZE);

	ASSERT_LE(page + 1, ARG_ROOM);
	/* A whole page, its tail zero, is still a newer caller's struct. */
	ASSERT_EQ(0, ioctl(self->fd, variant->cmd, valid_arg(self, variant, page)));

	/* One byte more is refused before the kernel reads the tail... */
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd, valid_arg(self, variant, page + 1)));
	ASSERT_EQ(E2BIG, errno);

	/* ...so the largest size is no scan of 4 GiB, and no EFAULT either. */
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd, valid_arg(self, variant, UINT32_MAX)));
	ASSERT_EQ(E2BIG, errno);
}

TEST_F(abi, unknown_flag_eopnotsupp)
{
	unsigned int bit;

	/* Every flag bit the command does not define is refused. */
	for (bit = 0; bit < 32; bit++) {
		void *arg;

		if (variant->valid_flags & (1u << bit))
			continue;
		arg = valid_arg(self, variant, variant->size);
		set_flags(arg, 1u << bit);
		EXPECT_EQ(-1, ioctl(self->fd, variant->cmd, arg)) {
			TH_LOG("flag bit %u accepted", bit);
		}
		EXPECT_EQ(EOPNOTSUPP, errno) {
			TH_LOG("flag bit %u", bit);
		}
	}
}

TEST_F(abi, nonzero_reserved_einval)
{
	unsigned int i;

	if (!variant->reserved_len)
		SKIP(return, "no reserved field");
	/* A non-zero byte anywhere in the reserved field is refused. */
	for (i = 0; i < variant->reserved_len; i++) {
		__u8 *arg = valid_arg(self, variant, variant->size);

		arg[variant->reserved_off + i] = 0xff;
		EXPECT_EQ(-1, ioctl(self->fd, variant->cmd, arg));
		EXPECT_EQ(EINVAL, errno) {
			TH_LOG("reserved byte %u", i);
		}
	}
}

TEST_F(abi, bad_pointer_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	__u8 *map;

	/* NULL and an address in the kernel half are refused. */
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd, NULL));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd, (void *)-4096L));
	ASSERT_EQ(EFAULT, errno);

	/* A struct whose first bytes are readable but whose end is not. */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));
	memcpy(map + page - sizeof(__u32) * 2,
	       valid_arg(self, variant, variant->size), sizeof(__u32) * 2);
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd, map + page - sizeof(__u32) * 2));
	ASSERT_EQ(EFAULT, errno);

	/* A struct that can be read but not written back. */
	memcpy(map, valid_arg(self, variant, variant->size), variant->size);
	ASSERT_EQ(0, mprotect(map, page, PROT_READ));
	ASSERT_EQ(-1, ioctl(self->fd, variant->cmd, map));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(0, munmap(map, page));
}

TEST_F(abi, wrong_encoding_enotty)
{
	unsigned int nr = _IOC_NR(variant->cmd);

	/* The command's number with another type byte, direction or size. */
	ASSERT_EQ(-1, ioctl(self->fd, _IO(PAGECTL_TYPE + 1, nr),
			    valid_arg(self, variant, variant->size)));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, ioctl(self->fd, _IOWR(PAGECTL_TYPE, nr, __u64),
			    valid_arg(self, variant, variant->size)));
	ASSERT_EQ(ENOTTY, errno);
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open("/dev/pagectl", O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SETUP_SKIP("/dev/pagectl: %s (module not loaded?)", strerror(errno));
}

/* The feature bit of each command, by number from PAGECTL_CMD_BASE. */
static const __u64 cmd_feature[] = {
	PAGECTL_FEATURE_INFO,	/* GET_INFO */
	PAGECTL_FEATURE_PIN,	/* PIN */
	PAGECTL_FEATURE_PIN,	/* UNPIN */
	PAGECTL_FEATURE_PIN,	/* PIN_DESCRIBE */
	PAGECTL_FEATURE_WALK,	/* WALK */
	PAGECTL_FEATURE_WALK,	/* WALK_RANGE */
	PAGECTL_FEATURE_BUF,	/* BUF_CREATE */
	PAGECTL_FEATURE_TIMER,	/* TIMER */
	PAGECTL_FEATURE_HUGE_MAP,	/* HUGE_MAP */
	PAGECTL_FEATURE_WATCH,	/* WATCH */
	PAGECTL_FEATURE_PIN_CHECK,	/* PIN_CHECK */
};

/* Command @nr exists: it is in the table and GET_INFO reports its feature. */
static bool implemented(__u64 features, unsigned int nr)
{
	unsigned int i = nr - PAGECTL_CMD_BASE;

	return nr >= PAGECTL_CMD_BASE && i < ARRAY_SIZE(cmd_feature) &&
	       (features & cmd_feature[i]);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, unknown_command_enotty)
{
	struct pagectl_info info = { .size = sizeof(info) };
	__u64 arg[64] = { 0 };
	unsigned int nr;

	ASSERT_EQ(0, ioctl(self->fd, PAGECTL_GET_INFO, &info));

	/* Numbers below the command base, every reserved one not implemented, and beyond. */
	for (nr = 0; nr < 0x100; nr++) {
		if (implemented(info.features, nr))
			continue;
		arg[0] = sizeof(arg);
		EXPECT_EQ(-1, ioctl(self->fd, _IO(PAGECTL_TYPE, nr), arg)) {
			TH_LOG("command %#x accepted", nr);
		}
		EXPECT_EQ(ENOTTY, errno) {
			TH_LOG("command %#x", nr);
		}
	}
	/* A generic file ioctl. */
	ASSERT_EQ(-1, ioctl(self->fd, FIONREAD, arg));
	ASSERT_EQ(ENOTTY, errno);
}

TEST_F(dev, buffer_fd_unknown_command_enotty)
{
	struct pagectl_buf_create c = {
		.size = sizeof(c),
		.length = 4096,
		.node = PAGECTL_NODE_LOCAL,
	};
	struct pagectl_info info = { .size = sizeof(info) };
	__u64 arg[64] = { 0 };
	unsigned int nr;

	ASSERT_EQ(0, ioctl(self->fd, PAGECTL_GET_INFO, &info));
	if (!(info.features & PAGECTL_FEATURE_BUF))
		SKIP(return, "the module has no buffers");
	ASSERT_EQ(0, ioctl(self->fd, PAGECTL_BUF_CREATE, &c));

	/* A buffer fd knows its two commands only, none of /dev/pagectl's. */
	for (nr = 0; nr < 0x100; nr++) {
		if (nr == PAGECTL_BUF_CMD_INFO || nr == PAGECTL_BUF_CMD_FILL)
			continue;
		arg[0] = sizeof(arg);
		EXPECT_EQ(-1, ioctl(c.fd, _IO(PAGECTL_TYPE, nr), arg)) {
			TH_LOG("command %#x accepted", nr);
		}
		EXPECT_EQ(ENOTTY, errno) {
			TH_LOG("command %#x", nr);
		}
	}
	ASSERT_EQ(-1, ioctl(c.fd, FIONREAD, arg));
	ASSERT_EQ(ENOTTY, errno);
	close(c.fd);
}

TEST_F(dev, info_reports_module)
{
	struct pagectl_info info = { .size = sizeof(info) };
	char version[64] = "";
	ssize_t n;
	int fd;

	ASSERT_EQ(0, ioctl(self->fd, PAGECTL_GET_INFO, &info));

	/* The ABI version and page size are this kernel's. */
	EXPECT_EQ(PAGECTL_ABI_VERSION, info.abi_version);
	EXPECT_EQ(sysconf(_SC_PAGESIZE), info.page_size);
	EXPECT_EQ(sizeof(info), info.size);

	/* GET_INFO itself is a feature; no unknown feature bit is set. */
	EXPECT_TRUE(info.features & PAGECTL_FEATURE_INFO);
	EXPECT_EQ(0, info.features & ~(__u64)(PAGECTL_FEATURE_INFO |
		PAGECTL_FEATURE_PIN | PAGECTL_FEATURE_WALK | PAGECTL_FEATURE_BUF |
		PAGECTL_FEATURE_TIMER | PAGECTL_FEATURE_BUF_HUGE | PAGECTL_FEATURE_HUGE_MAP |
		PAGECTL_FEATURE_WATCH | PAGECTL_FEATURE_PIN_CHECK));
	/* A limit is reported only with the feature it limits. */
	EXPECT_EQ(!!(info.features & PAGECTL_FEATURE_PIN), !!info.max_pin_pages);
	EXPECT_EQ(!!(info.features & PAGECTL_FEATURE_BUF), !!info.max_buf_bytes);
	EXPECT_EQ(!!(info.features & PAGECTL_FEATURE_WALK), !!info.max_walk_records);

	/* The version is the one modinfo shows, NUL-terminated. */
	ASSERT_NE(NULL, memchr(info.version, '\0', sizeof(info.version)));
	fd = open("/sys/module/pagectl/version", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, version, sizeof(version) - 1);
	close(fd);
	ASSERT_LT(0, n);
	version[strcspn(version, "\n")] = '\0';
	EXPECT_STREQ(version, info.version);
}

TEST_F(dev, reserved_fields_cleared_on_output)
{
	struct pagectl_info info;

	/* Output fields the caller filled with garbage come back as the kernel's. */
	memset(&info, 0xa5, sizeof(info));
	info.size = sizeof(info);
	info.flags = 0;
	info.__reserved = 0;
	ASSERT_EQ(0, ioctl(self->fd, PAGECTL_GET_INFO, &info));
	EXPECT_EQ(PAGECTL_ABI_VERSION, info.abi_version);
	EXPECT_EQ(0, info.__reserved);
	EXPECT_NE(NULL, memchr(info.version, '\0', sizeof(info.version)));
}

TEST_HARNESS_MAIN
