// SPDX-License-Identifier: GPL-2.0-only
/*
 * libpagectl hands the module the size its caller set: a program built
 * against an older or a newer struct than the library's gets exactly its own
 * struct read and written, and the programs built against 0.1.0, which left
 * size to the library, keep working through the PAGECTL_0.1 versions.
 *
 * Each library function that takes a command's struct is one variant.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#include <errno.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pagectl/pagectl.h>

#include "kselftest_harness.h"

/* Room for any struct, a newer struct's tail and the guard after it. */
#define ROOM 4096
/* What a newer struct has beyond the library's. */
#define TAIL 64
/* Bytes after the caller's struct that must keep CANARY. */
#define GUARD 64
#define CANARY 0xa5
#define PAGE 4096

/* As in abi_test: leave FIXTURE_SETUP the way a failed ASSERT does. */
#define SETUP_SKIP(fmt, ...) SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

#ifndef sizeof_field
#define sizeof_field(TYPE, MEMBER) sizeof(((TYPE *)0)[0].MEMBER)
#endif
#ifndef offsetofend
#define offsetofend(TYPE, MEMBER...) (offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))
#endif

/*
 * The PAGECTL_0.1 versions, which the programs built against 0.1.0 are
 * bound to: they set size themselves.
 */
__typeof__(pagectl_get_info) get_info_0_1;
__typeof__(pagectl_pin) pin_0_1;
__typeof__(pagectl_pin_describe) pin_describe_0_1;
__typeof__(pagectl_walk) walk_0_1;
__typeof__(pagectl_walk_range) walk_range_0_1;
__typeof__(pagectl_buf_create) buf_create_0_1;
__typeof__(pagectl_buf_info) buf_info_0_1;
__asm__(".symver get_info_0_1, pagectl_get_info@PAGECTL_0.1");
__asm__(".symver pin_0_1, pagectl_pin@PAGECTL_0.1");
__asm__(".symver pin_describe_0_1, pagectl_pin_describe@PAGECTL_0.1");
__asm__(".symver walk_0_1, pagectl_walk@PAGECTL_0.1");
__asm__(".symver walk_range_0_1, pagectl_walk_range@PAGECTL_0.1");
__asm__(".symver buf_create_0_1, pagectl_buf_create@PAGECTL_0.1");
__asm__(".symver buf_info_0_1, pagectl_buf_info@PAGECTL_0.1");

/* What a call needs besides its struct, and the room the struct is in. */
struct ctx {
	struct pagectl *pc;
	int buf_fd;
	__u64 handle;
	void *page;
	struct pagectl_walk_rec recs[4];
	__u8 *room;
};

/* Each library function, and its 0.1 version, as (context, struct). */
static int call_get_info(struct ctx *c, void *arg)
{
	return pagectl_get_info(c->pc, arg);
}

static int call_get_info_0_1(struct ctx *c, void *arg)
{
	return get_info_0_1(c->pc, arg);
}

static int call_pin(struct ctx *c, void *arg)
{
	return pagectl_pin(c->pc, arg);
}

static int call_pin_0_1(struct ctx *c, void *arg)
{
	return pin_0_1(c->pc, arg);
}

static int call_pin_describe(struct ctx *c, void *arg)
{
	return pagectl_pin_describe(c->pc, arg);
}

static int call_pin_describe_0_1(struct ctx *c, void *arg)
{
	return pin_describe_0_1(c->pc, arg);
}

static int call_walk(struct ctx *c, void *arg)
{
	return pagectl_walk(c->pc, arg);
}

static int call_walk_0_1(struct ctx *c, void *arg)
{
	return walk_0_1(c->pc, arg);
}

static int call_walk_range(struct ctx *c, void *arg)
{
	return pagectl_walk_range(c->pc, arg);
}

static int call_walk_range_0_1(struct ctx *c, void *arg)
{
	return walk_range_0_1(c->pc, arg);
}

/* A buffer's descriptor is not kept: only the return value is checked. */
static int created(int fd)
{
	if (fd >= 0)
		close(fd);
	return fd;
}

static int call_buf_create(struct ctx *c, void *arg)
{
	return created(pagectl_buf_create(c->pc, arg));
}

static int call_buf_create_0_1(struct ctx *c, void *arg)
{
	return created(buf_create_0_1(c->pc, arg));
}

static int call_buf_info(struct ctx *c, void *arg)
{
	return pagectl_buf_info(c->buf_fd, arg);
}

static int call_buf_info_0_1(struct ctx *c, void *arg)
{
	return buf_info_0_1(c->buf_fd, arg);
}

/* The inputs of a valid call, into a zeroed struct. */
static void init_pin(struct ctx *c, void *arg)
{
	struct pagectl_pin *pin = arg;

	pin->addr = (uintptr_t)c->page;
	pin->length = PAGE;
}

static void init_pin_describe(struct ctx *c, void *arg)
{
	struct pagectl_pin_describe *d = arg;

	d->handle = c->handle;
}

static void init_walk(struct ctx *c, void *arg)
{
	struct pagectl_walk *w = arg;

	w->addr = (uintptr_t)c->page;
}

static void init_walk_range(struct ctx *c, void *arg)
{
	struct pagectl_walk_range *wr = arg;

	wr->start = (uintptr_t)c->page;
	wr->end = wr->start + PAGE;
	wr->records = (uintptr_t)c->recs;
	wr->record_size = sizeof(c->recs[0]);
	wr->max_records = 4;
}

static void init_buf_create(struct ctx *c, void *arg)
{
	struct pagectl_buf_create *b = arg;

	b->length = PAGE;
	b->node = PAGECTL_NODE_LOCAL;
}

FIXTURE(lib_abi) {
	struct ctx c;
};

/*
 * call, call_0_1: the function and its PAGECTL_0.1 version; init: fills the
 * inputs (NULL: none); feature: the GET_INFO bit it needs; size, v1_size:
 * its struct now and in its first version.
 */
FIXTURE_VARIANT(lib_abi) {
	int (*call)(struct ctx *c, void *arg);
	int (*call_0_1)(struct ctx *c, void *arg);
	void (*init)(struct ctx *c, void *arg);
	__u64 feature;
	unsigned int size;
	unsigned int v1_size;
};

/* @_struct, whose first version ended at @_last, as abi_test gives it. */
#define LIB_ABI(_fn, _struct, _last)						\
	.call = call_##_fn,							\
	.call_0_1 = call_##_fn##_0_1,						\
	.size = sizeof(_struct),						\
	.v1_size = offsetofend(_struct, _last)

FIXTURE_VARIANT_ADD(lib_abi, get_info) {
	LIB_ABI(get_info, struct pagectl_info, version),
	.feature = PAGECTL_FEATURE_INFO,
};

FIXTURE_VARIANT_ADD(lib_abi, pin) {
	LIB_ABI(pin, struct pagectl_pin, __reserved),
	.init = init_pin,
	.feature = PAGECTL_FEATURE_PIN,
};

FIXTURE_VARIANT_ADD(lib_abi, pin_describe) {
	LIB_ABI(pin_describe, struct pagectl_pin_describe, __reserved),
	.init = init_pin_describe,
	.feature = PAGECTL_FEATURE_PIN,
};

FIXTURE_VARIANT_ADD(lib_abi, walk) {
	LIB_ABI(walk, struct pagectl_walk, vma),
	.init = init_walk,
	.feature = PAGECTL_FEATURE_WALK,
};

FIXTURE_VARIANT_ADD(lib_abi, walk_range) {
	LIB_ABI(walk_range, struct pagectl_walk_range, next),
	.init = init_walk_range,
	.feature = PAGECTL_FEATURE_WALK,
};

FIXTURE_VARIANT_ADD(lib_abi, buf_create) {
	LIB_ABI(buf_create, struct pagectl_buf_create, __reserved),
	.init = init_buf_create,
	.feature = PAGECTL_FEATURE_BUF,
};

FIXTURE_VARIANT_ADD(lib_abi, buf_info) {
	LIB_ABI(buf_info, struct pagectl_buf_info, __reserved),
	.feature = PAGECTL_FEATURE_BUF,
};

FIXTURE_SETUP(lib_abi)
{
	PAGECTL_ARG(pagectl_info, info);
	int ret;

	self->c.buf_fd = -1;
	ret = pagectl_open(NULL, &self->c.pc);
	if (ret == -ENOENT)
		SETUP_SKIP("module not loaded");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pagectl_get_info(self->c.pc, &info));
	if (!(info.features & variant->feature))
		SETUP_SKIP("the module does not implement this command");
	self->c.room = malloc(ROOM);
	ASSERT_NE(NULL, self->c.room);
	self->c.page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->c.page);
	memset(self->c.page, 1, PAGE);
	if (variant->feature == PAGECTL_FEATURE_PIN) {
		PAGECTL_ARG(pagectl_pin, pin, .addr = (uintptr_t)self->c.page,
			    .length = PAGE);

		ASSERT_EQ(0, pagectl_pin(self->c.pc, &pin));
		self->c.handle = pin.handle;
	}
	if (variant->feature == PAGECTL_FEATURE_BUF) {
		PAGECTL_ARG(pagectl_buf_create, b, .length = PAGE,
			    .node = PAGECTL_NODE_LOCAL);

		self->c.buf_fd = pagectl_buf_create(self->c.pc, &b);
		ASSERT_LE(0, self->c.buf_fd);
	}
}

FIXTURE_TEARDOWN(lib_abi)
{
	if (self->c.buf_fd >= 0)
		close(self->c.buf_fd);
	if (self->c.page && self->c.page != MAP_FAILED)
		munmap(self->c.page, PAGE);
	free(self->c.room);
	pagectl_close(self->c.pc);
}

/*
 * A valid struct of @size bytes at the start of the room, size set to @size,
 * and CANARY in every byte after it.
 */
static __u8 *fill_arg(struct ctx *c, void (*init)(struct ctx *c, void *arg), __u32 size)
{
	memset(c->room, CANARY, ROOM);
	memset(c->room, 0, size);
	if (init)
		init(c, c->room);
	memcpy(c->room, &size, sizeof(size));
	return c->room;
}

#define arg_of_size(self, variant, size) fill_arg(&(self)->c, (variant)->init, size)

static __u32 size_of(const void *arg)
{
	__u32 size;

	memcpy(&size, arg, sizeof(size));
	return size;
}

/* Do the @len bytes at @p all hold @byte? */
static int all(const __u8 *p, size_t len, __u8 byte)
{
	while (len--)
		if (*p++ != byte)
			return 0;
	return 1;
}

TEST_F(lib_abi, older_struct)
{
	__u8 *arg = arg_of_size(self, variant, variant->v1_size);

	/*
	 * A program built when the struct ended at its first version: the
	 * call succeeds, size stays the caller's, nothing after it is written.
	 * (Every struct is still its first version: this is the size the
	 * programs have once a struct grows.)
	 */
	ASSERT_LE(0, variant->call(&self->c, arg));
	EXPECT_EQ(variant->v1_size, size_of(arg));
	EXPECT_TRUE(all(arg + variant->v1_size, GUARD, CANARY));
}

TEST_F(lib_abi, newer_struct)
{
	__u32 size = variant->size + TAIL;
	__u8 *arg = arg_of_size(self, variant, size);

	/*
	 * A program built against a struct longer than the library's, its new
	 * fields unused: the call succeeds, the module leaves the tail as it
	 * was (zero), size stays the caller's, nothing after it is written.
	 */
	ASSERT_LE(0, variant->call(&self->c, arg));
	EXPECT_EQ(size, size_of(arg));
	EXPECT_TRUE(all(arg + variant->size, TAIL, 0));
	EXPECT_TRUE(all(arg + size, GUARD, CANARY));
}

TEST_F(lib_abi, newer_struct_tail_set_e2big)
{
	__u32 size = variant->size + TAIL;
	__u8 *arg = arg_of_size(self, variant, size);

	/* A new field in use reaches the module, which does not know it. */
	arg[size - 1] = 1;
	EXPECT_EQ(-E2BIG, variant->call(&self->c, arg));
	EXPECT_EQ(size, size_of(arg));
	EXPECT_TRUE(all(arg + size, GUARD, CANARY));
}

TEST_F(lib_abi, size_zero_einval)
{
	__u8 *arg = arg_of_size(self, variant, variant->v1_size);
	__u8 before[ROOM];

	/* No size is -EINVAL, and the struct is left as it was. */
	memset(arg, 0, sizeof(__u32));
	memcpy(before, arg, ROOM);
	EXPECT_EQ(-EINVAL, variant->call(&self->c, arg));
	EXPECT_EQ(0, memcmp(before, arg, ROOM));
}

TEST_F(lib_abi, size_short_einval)
{
	__u32 size = variant->v1_size - 8;
	__u8 *arg = arg_of_size(self, variant, size);

	/* A size short of the first version is -EINVAL; nothing is written. */
	EXPECT_EQ(-EINVAL, variant->call(&self->c, arg));
	EXPECT_EQ(size, size_of(arg));
	EXPECT_TRUE(all(arg + size, GUARD, CANARY));
}

TEST_F(lib_abi, version_0_1_sets_size)
{
	__u8 *arg = arg_of_size(self, variant, variant->v1_size);

	/*
	 * A program built against 0.1.0 leaves size 0: its version of the
	 * function sets the size of the struct in 0.1.0, which the program
	 * has, and nothing after it is written.
	 */
	memset(arg, 0, sizeof(__u32));
	ASSERT_LE(0, variant->call_0_1(&self->c, arg));
	EXPECT_EQ(variant->v1_size, size_of(arg));
	EXPECT_TRUE(all(arg + variant->v1_size, GUARD, CANARY));
}

TEST(walk_range_record_size)
{
	PAGECTL_ARG(pagectl_info, info);
	struct pagectl_walk_rec recs[4];
	struct pagectl_walk_range wr;
	struct pagectl *pc;
	__u8 *page;
	int ret;

	ret = pagectl_open(NULL, &pc);
	if (ret == -ENOENT)
		SKIP(return, "module not loaded");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pagectl_get_info(pc, &info));
	if (!(info.features & PAGECTL_FEATURE_WALK))
		SKIP(return, "the module has no walks");
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	page[0] = 1;
	memset(&wr, 0, sizeof(wr));
	wr.start = (uintptr_t)page;
	wr.end = wr.start + PAGE;
	wr.records = (uintptr_t)recs;
	wr.max_records = 4;

	/* A record_size of 0 is the caller's too: the module refuses it. */
	wr.size = sizeof(wr);
	EXPECT_EQ(-EINVAL, pagectl_walk_range(pc, &wr));
	EXPECT_EQ(0, wr.record_size);

	/* The 0.1 version makes it the record of 0.1.0, as 0.1.0 did. */
	wr.size = 0;
	EXPECT_EQ(1, walk_range_0_1(pc, &wr));
	EXPECT_EQ(offsetofend(struct pagectl_walk_rec, swap_type), wr.record_size);
	EXPECT_EQ((uintptr_t)page, recs[0].addr);
	munmap(page, PAGE);
	pagectl_close(pc);
}

TEST_HARNESS_MAIN
