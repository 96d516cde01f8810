// SPDX-License-Identifier: GPL-2.0-only
/*
 * memtour: put pages of one process into the states people ask about, print
 * where they are, and wait, so that "pagectl walk --pid" can show each one
 * and "pagectl huge --pid" which are huge.
 *
 *   memtour            prints "NAME ADDRESS WHAT" lines, then "ready", and
 *                      keeps everything as it is until its stdin closes
 *
 * Copyright (C) 2026 The pagectl authors
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagectl/pagectl.h>

#define PAGE	4096UL
#define HPAGE	(2UL << 20)

static void show(const char *name, const void *addr, const char *what)
{
	printf("%-10s %#lx %s\n", name, (unsigned long)(uintptr_t)addr, what);
}

static char *anon(size_t len, size_t align)
{
	char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (raw == MAP_FAILED) {
		perror("memtour: mmap");
		exit(1);
	}
	p = (char *)(((uintptr_t)raw + align - 1) & ~(align - 1));
	madvise(p, len, align == HPAGE ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	return p;
}

int main(void)
{
	PAGECTL_ARG(pagectl_pin, pin);
	const char *dir = getenv("PAGECTL_EXT4_DIR");
	struct pagectl *pc = NULL;
	char *p;
	char path[256], c;
	pid_t child;
	size_t i;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);

	/* First, so that the child shares this page and nothing made later. */
	p = anon(PAGE, PAGE);
	p[0] = 1;
	child = fork();
	if (!child) {
		pause();
		_exit(0);
	}
	show("cow", p, "written, then fork(): shared with the child, write-protected");

	p = anon(PAGE, PAGE);
	show("untouched", p, "mapped, never accessed");

	p = anon(PAGE, PAGE);
	c = __atomic_load_n(p, __ATOMIC_RELAXED);
	show("zero", p, "read once: the shared zero page");

	p = anon(PAGE, PAGE);
	p[0] = c + 1;
	show("written", p, "written once: a private page of its own");

	p = anon(PAGE, PAGE);
	p[0] = 1;
	mprotect(p, PAGE, PROT_READ);
	show("readonly", p, "written, then mprotect(PROT_READ)");

	p = anon(PAGE, PAGE);
	p[0] = 1;
	mprotect(p, PAGE, PROT_NONE);
	show("protnone", p, "written, then mprotect(PROT_NONE)");

	p = anon(PAGE, PAGE);
	memset(p, 0x5a, PAGE);
	madvise(p, PAGE, MADV_PAGEOUT);
	show("swapped", p, "written, then MADV_PAGEOUT (a swap entry if swap is on)");

	p = anon(HPAGE, HPAGE);
	memset(p, 1, HPAGE);
	show("thp", p, "2 MiB, MADV_HUGEPAGE, written: a transparent huge page");

	p = anon(HPAGE, HPAGE);
	madvise(p, HPAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < 64; i++)
		p[i * PAGE] = 1;
	show("nohuge", p, "2 MiB, MADV_NOHUGEPAGE, 64 pages written: small pages");

	p = anon(HPAGE / 2, PAGE);
	madvise(p, HPAGE / 2, MADV_HUGEPAGE);
	memset(p, 1, HPAGE / 2);
	show("short", p, "1 MiB, MADV_HUGEPAGE, written: too short for a huge page");

	if (!pagectl_open(NULL, &pc)) {
		p = anon(PAGE, PAGE);
		p[0] = 1;
		pin.addr = (uintptr_t)p;
		pin.length = PAGE;
		if (!pagectl_pin(pc, &pin))
			show("pinned", p, "written, then pinned with PAGECTL_PIN");
	}

	if (dir) {
		snprintf(path, sizeof(path), "%s/memtour.XXXXXX", dir);
		fd = mkstemp(path);
		if (fd >= 0 && !ftruncate(fd, 2 * PAGE)) {
			unlink(path);
			p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
			if (p != MAP_FAILED) {
				madvise(p, 2 * PAGE, MADV_RANDOM);
				c = __atomic_load_n(p, __ATOMIC_RELAXED);
				show("file", p, "a file on ext4, first page read");
				show("file+1", p + PAGE, "its second page, never read");
			}
		}
	}

	printf("ready\n");
	while (read(0, &c, 1) > 0)
		;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	pagectl_close(pc);
	return 0;
}
