/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pagectl: see and control how user memory is backed.
 *
 * Every ioctl of /dev/pagectl takes a pointer to a struct that starts with
 * "__u32 size; __u32 flags;". The caller sets size to sizeof() the struct it
 * was built with, so the ABI can grow at the end: the kernel accepts a size
 * between the first version of the struct and its own, and a longer size if
 * the bytes it does not know are zero. Output fields are written back up to
 * the smaller of the two sizes.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _UAPI_LINUX_PAGECTL_H
#define _UAPI_LINUX_PAGECTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

/** PAGECTL_ABI_VERSION - bumped only for an incompatible change (never so far) */
#define PAGECTL_ABI_VERSION	1

/** PAGECTL_TYPE - ioctl type byte of /dev/pagectl */
#define PAGECTL_TYPE		0xBA

/*
 * Command numbers. The full set is reserved now (see docs/abi.md); a command
 * this kernel does not implement fails with ENOTTY, and GET_INFO's features
 * say which ones it has.
 */
#define PAGECTL_CMD_BASE	0x80
#define PAGECTL_CMD_GET_INFO	0x80
#define PAGECTL_CMD_PIN		0x81
#define PAGECTL_CMD_UNPIN	0x82
#define PAGECTL_CMD_PIN_DESCRIBE 0x83
#define PAGECTL_CMD_WALK	0x84
#define PAGECTL_CMD_WALK_RANGE	0x85
#define PAGECTL_CMD_BUF_CREATE	0x86
#define PAGECTL_CMD_TIMER	0x87
#define PAGECTL_CMD_HUGE_MAP	0x88
#define PAGECTL_CMD_WATCH	0x89
#define PAGECTL_CMD_PIN_CHECK	0x8a

/* Command numbers of a buffer file descriptor; /dev/pagectl has none of them. */
#define PAGECTL_BUF_CMD_INFO	0x90
#define PAGECTL_BUF_CMD_FILL	0x91

/**
 * DOC: errors common to every command
 *
 * The dispatcher checks every command's argument the same way before the
 * command runs, in the order of docs/abi.md, section 1.3, so any command can
 * fail with these. The "Errors:" paragraph of each command's struct below lists
 * what the command itself returns, and why; together they are the complete
 * list, which the ERRORS sections of the library's man pages follow
 * (tools/errno-check holds them to it).
 *
 * - %ENOTTY: unknown command, a command of the other kind of descriptor
 *   (/dev/pagectl or a buffer's), or one this module does not implement.
 * - %EFAULT: the argument pointer (or a pointer inside it) is not readable or
 *   writable user memory; also when the result cannot be copied back, after
 *   which a command that creates something has undone it.
 * - %EINVAL: size is smaller than the first version of the struct, or a
 *   reserved field is not zero.
 * - %E2BIG: size is larger than the kernel's struct and the extra bytes are
 *   not all zero (the caller asks for something this kernel does not know),
 *   or size is larger than a page, which no struct will ever be.
 * - %EOPNOTSUPP: a flag this kernel does not know is set.
 */

/**
 * enum pagectl_feature - bits of &pagectl_info.features
 * @PAGECTL_FEATURE_INFO: GET_INFO (always set)
 * @PAGECTL_FEATURE_PIN: PIN, UNPIN and PIN_DESCRIBE
 * @PAGECTL_FEATURE_WALK: WALK and WALK_RANGE
 * @PAGECTL_FEATURE_BUF: BUF_CREATE and buffer file descriptors
 * @PAGECTL_FEATURE_TIMER: TIMER (kernel writes into pinned or buffer memory)
 * @PAGECTL_FEATURE_BUF_HUGE: %PAGECTL_BUF_HUGE buffers (kernels with special
 *	PMD PFN mappings: 6.12 and later on x86-64)
 * @PAGECTL_FEATURE_HUGE_MAP: HUGE_MAP
 * @PAGECTL_FEATURE_WATCH: WATCH and watch file descriptors
 * @PAGECTL_FEATURE_PIN_CHECK: PIN_CHECK, and PIN's @fail_addr and @fail_reason
 *
 * Only the values are ABI; the enum itself is never part of a struct.
 */
enum pagectl_feature {
	PAGECTL_FEATURE_INFO	= 1 << 0,
	PAGECTL_FEATURE_PIN	= 1 << 1,
	PAGECTL_FEATURE_WALK	= 1 << 2,
	PAGECTL_FEATURE_BUF	= 1 << 3,
	PAGECTL_FEATURE_TIMER	= 1 << 4,
	PAGECTL_FEATURE_BUF_HUGE = 1 << 5,
	PAGECTL_FEATURE_HUGE_MAP = 1 << 6,
	PAGECTL_FEATURE_WATCH	= 1 << 7,
	PAGECTL_FEATURE_PIN_CHECK = 1 << 8
};

/**
 * struct pagectl_info - what this module is and can do (PAGECTL_GET_INFO)
 * @size: sizeof(struct pagectl_info)
 * @flags: must be 0
 * @abi_version: out: %PAGECTL_ABI_VERSION of the module
 * @page_size: out: the kernel's base page size in bytes
 * @features: out: &enum pagectl_feature bits of the commands implemented
 * @max_pin_pages: out: pages one open file may hold pinned, 0 without PIN
 * @max_buf_bytes: out: bytes of kernel buffers one open file may hold,
 *	0 without BUF
 * @max_walk_records: out: records one WALK_RANGE call returns at most,
 *	0 without WALK
 * @__reserved: must be 0
 * @version: out: the module version, a NUL-terminated string
 *
 * Errors: none of its own, only those common to every command.
 */
struct pagectl_info {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 page_size;
	__aligned_u64 features;
	__aligned_u64 max_pin_pages;
	__aligned_u64 max_buf_bytes;
	__u32 max_walk_records;
	__u32 __reserved;
	char version[32];
};

/** PAGECTL_GET_INFO - fill &struct pagectl_info */
#define PAGECTL_GET_INFO	_IO(PAGECTL_TYPE, PAGECTL_CMD_GET_INFO)

/*
 * Page state bits of &pagectl_frame.flags.
 */
#define PAGECTL_PAGE_VALID		0x1U  /* the other fields mean something */
#define PAGECTL_PAGE_ZERO		0x2U  /* the shared zero page */
#define PAGECTL_PAGE_ANON		0x4U  /* private anonymous memory */
#define PAGECTL_PAGE_FILE		0x8U  /* page cache of a regular file */
#define PAGECTL_PAGE_SHMEM		0x10U  /* shmem, tmpfs, memfd, shared anon */
#define PAGECTL_PAGE_KSM		0x20U  /* merged by KSM */
#define PAGECTL_PAGE_THP		0x40U  /* part of a large folio, not hugetlb */
#define PAGECTL_PAGE_HUGETLB		0x80U  /* part of a hugetlb page */
#define PAGECTL_PAGE_ANON_EXCLUSIVE	0x100U  /* anon, mapped by one process only */
#define PAGECTL_PAGE_MAYBE_DMA_PINNED	0x200U  /* folio_maybe_dma_pinned() */
#define PAGECTL_PAGE_LRU		0x400U
#define PAGECTL_PAGE_UNEVICTABLE	0x800U
#define PAGECTL_PAGE_MLOCKED		0x1000U
#define PAGECTL_PAGE_DIRTY		0x2000U
#define PAGECTL_PAGE_WRITEBACK		0x4000U
#define PAGECTL_PAGE_SWAPCACHE		0x8000U
#define PAGECTL_PAGE_RESERVED		0x10000U
#define PAGECTL_PAGE_BUF		0x20000U  /* memory of a pagectl buffer */

/*
 * Zones of &pagectl_frame.zone.
 */
#define PAGECTL_ZONE_UNKNOWN		0
#define PAGECTL_ZONE_DMA		1
#define PAGECTL_ZONE_DMA32		2
#define PAGECTL_ZONE_NORMAL		3
#define PAGECTL_ZONE_HIGHMEM		4
#define PAGECTL_ZONE_MOVABLE		5
#define PAGECTL_ZONE_DEVICE		6

/** PAGECTL_OUT_PFNS - out_flags: frame numbers are filled in (CAP_SYS_ADMIN) */
#define PAGECTL_OUT_PFNS		0x1U

/**
 * struct pagectl_frame - one page of a pin or a buffer
 * @pfn: page frame number; 0 unless the file was opened with CAP_SYS_ADMIN
 *	(%PAGECTL_OUT_PFNS), as in /proc/PID/pagemap
 * @nid: NUMA node of the page
 * @size_shift: log2 of the bytes of the folio holding the page: 12 for a
 *	small page, 21 for a 2 MiB THP or hugetlb page, 30 for 1 GiB; in a
 *	buffer, 12, or 21 for the 2 MiB blocks of %PAGECTL_BUF_HUGE
 * @zone: %PAGECTL_ZONE_* of the page
 * @flags: %PAGECTL_PAGE_* bits
 * @refcount: the folio's reference count; a pin of a small page adds 1024
 *	(GUP_PIN_COUNTING_BIAS) to it
 * @pincount: a large folio's exact pin count; 0 for a small page, whose pins
 *	are counted in @refcount only
 */
struct pagectl_frame {
	__aligned_u64 pfn;
	__u32 nid;
	__u32 size_shift;
	__u32 zone;
	__u32 flags;
	__u32 refcount;
	__u32 pincount;
};

/**
 * struct pagectl_extent - a physically contiguous run of a pin or a buffer
 * @pfn: first frame; 0 unless %PAGECTL_OUT_PFNS
 * @offset: bytes from the first page of the pin or the buffer
 * @length: bytes, a multiple of the page size
 * @nid: NUMA node of the whole run (runs never cross nodes)
 * @__reserved: out: 0
 */
struct pagectl_extent {
	__aligned_u64 pfn;
	__aligned_u64 offset;
	__aligned_u64 length;
	__u32 nid;
	__u32 __reserved;
};

/** PAGECTL_PIN_WRITE - pin for writing (FOLL_WRITE): breaks COW now */
#define PAGECTL_PIN_WRITE		0x1U

/**
 * struct pagectl_pin - pin a user range (PAGECTL_PIN)
 * @size: sizeof(struct pagectl_pin)
 * @flags: %PAGECTL_PIN_WRITE
 * @addr: first byte of the range, any alignment
 * @length: bytes, not 0; the pin covers every page the range touches
 * @handle: out: the pin's handle, never 0
 * @start: out: @addr rounded down to a page boundary
 * @npages: out: pages pinned
 * @__reserved: must be 0
 * @fail_addr: out: on failure, the first page not pinned; 0 on success
 * @fail_reason: out: on failure, a %PAGECTL_PINCHECK_* reason for that
 *	page, as PIN_CHECK classifies it (%PAGECTL_PINCHECK_NONE when nothing
 *	explains the failure); %PAGECTL_PINCHECK_NONE on success
 * @__reserved2: must be 0
 *
 * Unlike every other command, PIN writes back to the caller when it fails:
 * after its arguments were checked, a failure to pin or to charge the pages
 * writes @fail_addr and @fail_reason (all other fields of the copy back are
 * 0) when @size covers them, then returns the errno. An older caller's
 * smaller struct gets nothing written.
 *
 * Errors: EINVAL (@length 0), EOVERFLOW (the range, or its rounding up to
 * a page, wraps), EFAULT (not user memory the kernel can pin long-term: a
 * kernel or non-canonical address, unmapped, PROT_NONE, not writable with
 * %PAGECTL_PIN_WRITE, VM_IO/VM_PFNMAP, secretmem, or a writable pin of page
 * cache on 6.5+), EPERM (the caller's address space is not the one that
 * opened the file), ENOSPC (over the module's per-file cap), ENOMEM (the
 * user's pins and buffers would pass the caller's RLIMIT_MEMLOCK, without
 * CAP_IPC_LOCK; or out of memory, also while migrating movable pages),
 * EOPNOTSUPP (fsdax memory, which the kernel does not pin long-term), EINTR
 * (killed while pinning). A failed PIN leaves nothing pinned.
 */
struct pagectl_pin {
	__u32 size;
	__u32 flags;
	__aligned_u64 addr;
	__aligned_u64 length;
	__aligned_u64 handle;
	__aligned_u64 start;
	__aligned_u64 npages;
	__aligned_u64 __reserved;
	__aligned_u64 fail_addr;
	__u32 fail_reason;
	__u32 __reserved2;
};

/** PAGECTL_PIN - pin pages: &struct pagectl_pin */
#define PAGECTL_PIN		_IO(PAGECTL_TYPE, PAGECTL_CMD_PIN)

/*
 * What a long-term pin of a page would meet: &pagectl_pin_range.verdict.
 */
#define PAGECTL_PINCHECK_OK		0  /* present, pinnable as it is */
#define PAGECTL_PINCHECK_FAULT_IN	1  /* the pin faults it in first */
#define PAGECTL_PINCHECK_MIGRATE	2  /* the pin migrates it first */
#define PAGECTL_PINCHECK_MIGRATE_BLOCKED 3 /* must migrate, likely cannot */
#define PAGECTL_PINCHECK_REFUSED	4  /* cannot be pinned long-term */

/*
 * Why: &pagectl_pin_range.reason, and PIN's @fail_reason.
 */
#define PAGECTL_PINCHECK_NONE		0  /* OK: nothing to say */
#define PAGECTL_PINCHECK_NOT_PRESENT	1  /* FAULT_IN: never populated, or zapped */
#define PAGECTL_PINCHECK_SWAPPED	2  /* FAULT_IN: swapped out or being migrated */
#define PAGECTL_PINCHECK_COW		3  /* FAULT_IN: read-only, or shared anon */
#define PAGECTL_PINCHECK_MOVABLE	4  /* MIGRATE: in ZONE_MOVABLE */
#define PAGECTL_PINCHECK_CMA		5  /* MIGRATE: in a CMA area */
#define PAGECTL_PINCHECK_EXTRA_REFS	6  /* MIGRATE_BLOCKED: more references than mappings */
#define PAGECTL_PINCHECK_NO_VMA		7  /* REFUSED: nothing mapped */
#define PAGECTL_PINCHECK_IO_PFNMAP	8  /* REFUSED: VM_IO or VM_PFNMAP */
#define PAGECTL_PINCHECK_SECRETMEM	9  /* REFUSED: memfd_secret() */
#define PAGECTL_PINCHECK_FSDAX		10 /* REFUSED: fsdax (PIN: EOPNOTSUPP) */
#define PAGECTL_PINCHECK_FILE_WRITE	11 /* REFUSED: writable, dirty-tracked file (6.5+) */
#define PAGECTL_PINCHECK_NOT_WRITABLE	12 /* REFUSED: a writable pin, no PROT_WRITE */
#define PAGECTL_PINCHECK_NO_ACCESS	13 /* REFUSED: PROT_NONE */
#define PAGECTL_PINCHECK_MEMLOCK	14 /* PIN only: past RLIMIT_MEMLOCK (ENOMEM) */
#define PAGECTL_PINCHECK_MAX_PIN	15 /* PIN only: past max_pin_pages (ENOSPC) */

/**
 * struct pagectl_pin_range - pages of a PIN_CHECK with one answer
 * @start: first address, page aligned
 * @end: address after the last
 * @verdict: %PAGECTL_PINCHECK_OK, _FAULT_IN, _MIGRATE, _MIGRATE_BLOCKED or
 *	_REFUSED
 * @reason: %PAGECTL_PINCHECK_* reason of the verdict
 */
struct pagectl_pin_range {
	__aligned_u64 start;
	__aligned_u64 end;
	__u32 verdict;
	__u32 reason;
};

/** PAGECTL_PIN_CHECK_PID - check the process @pid instead of the caller (as for WALK) */
#define PAGECTL_PIN_CHECK_PID		0x2U

/** PAGECTL_PIN_CHECK_NO_LIMIT - &pagectl_pin_check.memlock_pages without a limit */
#define PAGECTL_PIN_CHECK_NO_LIMIT	(~0ULL)

/**
 * struct pagectl_pin_check - what a PIN of a range would meet
 *	(PAGECTL_PIN_CHECK)
 * @size: sizeof(struct pagectl_pin_check)
 * @flags: %PAGECTL_PIN_WRITE: check for a writable pin;
 *	%PAGECTL_PIN_CHECK_PID: check the process @pid
 * @addr: first byte of the range, any alignment, as for PIN
 * @length: bytes, not 0
 * @records: user pointer to an array of &struct pagectl_pin_range
 * @record_size: the caller's sizeof(struct pagectl_pin_range)
 * @max_records: capacity of @records, not 0
 * @nr_records: out: records written
 * @out_flags: out: 0
 * @next: out: where to resume (the next call's @addr); the check is
 *	complete when @next is the range's page-aligned end
 * @npages: out: pages the whole range covers
 * @memlock_pages: out: the RLIMIT_MEMLOCK in pages of the caller (of @pid
 *	with %PAGECTL_PIN_CHECK_PID), or %PAGECTL_PIN_CHECK_NO_LIMIT (no limit,
 *	or CAP_IPC_LOCK)
 * @locked_pages: out: pages charged now to the opener's user (to @pid's
 *	user with %PAGECTL_PIN_CHECK_PID)
 * @pinned_pages: out: pages this file pins now; 0 with
 *	%PAGECTL_PIN_CHECK_PID, as @pid's PIN would come through a file of its own
 * @max_pin_pages: out: pages one file may pin (the module's max_pin_pages)
 * @pid: with %PAGECTL_PIN_CHECK_PID the process to check, otherwise 0
 * @__reserved: must be 0
 *
 * Nothing is pinned, faulted in or changed. One record per run of
 * consecutive pages with the same verdict and reason, in address order,
 * from the caller's own address space (or @pid's), as the pages are at one
 * instant each. A PIN of the range needs @npages of headroom under both
 * @memlock_pages - @locked_pages and @max_pin_pages - @pinned_pages.
 * Pages in ZONE_MOVABLE or in a CMA area's pageblocks are
 * %PAGECTL_PINCHECK_MIGRATE.
 *
 * Errors: EINVAL (@length 0, @max_records 0, @record_size out of range,
 * @pid set without %PAGECTL_PIN_CHECK_PID or 0 with it), EOVERFLOW (the
 * range, or its rounding up to a page, wraps), EFAULT (a kernel or
 * non-canonical address, @records not writable), EPERM (without
 * %PAGECTL_PIN_CHECK_PID: the caller's address space is not the one that
 * opened the file; with it: as for WALK), ESRCH (that address space
 * has exited, or no process @pid), ENOMEM (no memory for the kernel's batch
 * of records, or as for WALK), EOPNOTSUPP (page tables this kernel cannot
 * read safely, as for WALK), EINTR (killed; only before the first record,
 * after which the call returns the records it has).
 */
struct pagectl_pin_check {
	__u32 size;
	__u32 flags;
	__aligned_u64 addr;
	__aligned_u64 length;
	__aligned_u64 records;
	__u32 record_size;
	__u32 max_records;
	__u32 nr_records;
	__u32 out_flags;
	__aligned_u64 next;
	__aligned_u64 npages;
	__aligned_u64 memlock_pages;
	__aligned_u64 locked_pages;
	__aligned_u64 pinned_pages;
	__aligned_u64 max_pin_pages;
	__u32 pid;
	__u32 __reserved;
};

/** PAGECTL_PIN_CHECK - what a PIN would meet: &struct pagectl_pin_check */
#define PAGECTL_PIN_CHECK	_IO(PAGECTL_TYPE, PAGECTL_CMD_PIN_CHECK)

/**
 * PAGECTL_UNPIN_DIRTY - mark the pages dirty as they are released; only for a
 * pin made with %PAGECTL_PIN_WRITE
 */
#define PAGECTL_UNPIN_DIRTY		0x1U

/**
 * struct pagectl_unpin - release a pin (PAGECTL_UNPIN)
 * @size: sizeof(struct pagectl_unpin)
 * @flags: %PAGECTL_UNPIN_DIRTY
 * @handle: the pin
 * @__reserved: must be 0
 *
 * Errors: ENOENT (no pin with this handle in this file), EINVAL
 * (%PAGECTL_UNPIN_DIRTY on a pin made without %PAGECTL_PIN_WRITE: the pin
 * stays, as the kernel may only be told that memory was written through a
 * pin that was allowed to write it).
 */
struct pagectl_unpin {
	__u32 size;
	__u32 flags;
	__aligned_u64 handle;
	__aligned_u64 __reserved;
};

/** PAGECTL_UNPIN - release a pin: &struct pagectl_unpin */
#define PAGECTL_UNPIN		_IO(PAGECTL_TYPE, PAGECTL_CMD_UNPIN)

/** PAGECTL_DESCRIBE_EXTENTS - return &struct pagectl_extent records */
#define PAGECTL_DESCRIBE_EXTENTS	0x1U

/**
 * struct pagectl_pin_describe - the pages of a pin (PAGECTL_PIN_DESCRIBE)
 * @size: sizeof(struct pagectl_pin_describe)
 * @flags: %PAGECTL_DESCRIBE_EXTENTS for &struct pagectl_extent records,
 *	otherwise &struct pagectl_frame records, one per page
 * @handle: the pin
 * @cursor: page index in the pin to start from; 0 for the first call
 * @records: user pointer to the record array; may be 0 if @max_records is 0
 * @record_size: the caller's sizeof() of one record
 * @max_records: capacity of @records
 * @nr_records: out: records written
 * @out_flags: out: %PAGECTL_OUT_PFNS
 * @next_cursor: out: @cursor for the next call; equals @npages when done
 * @npages: out: pages in the pin
 * @start: out: user address of the pin's first page
 * @__reserved: must be 0
 *
 * Errors: ENOENT (unknown handle), EINVAL (@cursor beyond the pin, or
 * @max_records not 0 and @record_size smaller than the record or larger
 * than 4096), EFAULT (@records not writable; the records before the fault
 * may have been written).
 */
struct pagectl_pin_describe {
	__u32 size;
	__u32 flags;
	__aligned_u64 handle;
	__aligned_u64 cursor;
	__aligned_u64 records;
	__u32 record_size;
	__u32 max_records;
	__u32 nr_records;
	__u32 out_flags;
	__aligned_u64 next_cursor;
	__aligned_u64 npages;
	__aligned_u64 start;
	__aligned_u64 __reserved;
};

/** PAGECTL_PIN_DESCRIBE - frames or extents of a pin: &struct pagectl_pin_describe */
#define PAGECTL_PIN_DESCRIBE	_IO(PAGECTL_TYPE, PAGECTL_CMD_PIN_DESCRIBE)

/*
 * Walks: PAGECTL_WALK and PAGECTL_WALK_RANGE.
 */

/** PAGECTL_WALK_PID - walk the process @pid instead of the file's mm, as its pagemap allows */
#define PAGECTL_WALK_PID		0x1U
/** PAGECTL_WALK_PAGE_STATE - WALK_RANGE only: fill page_flags and nid */
#define PAGECTL_WALK_PAGE_STATE		0x2U

/* Levels: index into &pagectl_walk.level, and &pagectl_walk.leaf_level */
#define PAGECTL_LEVEL_PGD		0
#define PAGECTL_LEVEL_P4D		1
#define PAGECTL_LEVEL_PUD		2
#define PAGECTL_LEVEL_PMD		3
#define PAGECTL_LEVEL_PTE		4
#define PAGECTL_NR_LEVELS		5

/* Entry kinds: what one page-table entry is */
#define PAGECTL_ENTRY_NOT_WALKED	0  /* the walk ended above this level */
#define PAGECTL_ENTRY_FOLDED		1  /* level folded away (p4d with 4-level paging) */
#define PAGECTL_ENTRY_TABLE		2  /* points to the next level's table */
#define PAGECTL_ENTRY_LEAF		3  /* present translation */
#define PAGECTL_ENTRY_NONE		4  /* empty: never populated, or zapped */
#define PAGECTL_ENTRY_SWAP		5  /* swapped out: swap type and offset */
#define PAGECTL_ENTRY_MIGRATION		6  /* page under migration */
#define PAGECTL_ENTRY_DEVICE_PRIVATE	7  /* page moved to device memory */
#define PAGECTL_ENTRY_DEVICE_EXCLUSIVE	8  /* page held exclusively by a device */
#define PAGECTL_ENTRY_HWPOISON		9  /* page lost to a memory error */
#define PAGECTL_ENTRY_MARKER		10 /* PTE marker: see PAGECTL_PTE_MARKER_* */
#define PAGECTL_ENTRY_BAD		11 /* corrupt entry (p?d_bad) */
#define PAGECTL_ENTRY_UNKNOWN		12 /* non-present, not decodable by this module */

/*
 * Decoded bits of an entry (&pagectl_walk_level.bits, &pagectl_walk_rec.bits):
 * pagectl's own numbering, the same at every level; the hardware value is in
 * raw. Bits that only x86 has read 0 elsewhere.
 */
#define PAGECTL_PTE_PRESENT		0x1U
#define PAGECTL_PTE_WRITE		0x2U
#define PAGECTL_PTE_USER		0x4U
#define PAGECTL_PTE_PWT			0x8U  /* write-through */
#define PAGECTL_PTE_PCD			0x10U  /* cache disabled */
#define PAGECTL_PTE_ACCESSED		0x20U
#define PAGECTL_PTE_DIRTY		0x40U
#define PAGECTL_PTE_HUGE		0x80U  /* leaf at PMD or PUD level */
#define PAGECTL_PTE_GLOBAL		0x100U
#define PAGECTL_PTE_PAT			0x200U  /* bit 7 of a PTE, bit 12 of a huge leaf */
#define PAGECTL_PTE_NX			0x400U  /* no-execute */
#define PAGECTL_PTE_SOFT_DIRTY		0x10000U  /* also on swap entries */
#define PAGECTL_PTE_UFFD_WP		0x20000U  /* also on swap entries */
#define PAGECTL_PTE_PROTNONE		0x40000U  /* PROT_NONE or NUMA hinting */
#define PAGECTL_PTE_SPECIAL		0x80000U  /* no struct page semantics */
#define PAGECTL_PTE_SWP_EXCLUSIVE	0x100000U  /* swapped anon page was exclusive */
#define PAGECTL_PTE_SWP_WRITE		0x200000U  /* writable migration or device entry */
#define PAGECTL_PTE_MARKER_UFFD_WP	0x400000U  /* userfaultfd write-protect marker */
#define PAGECTL_PTE_MARKER_GUARD	0x800000U  /* guard region (MADV_GUARD_INSTALL) */
#define PAGECTL_PTE_MARKER_POISON	0x1000000U  /* poisoned marker */

/* VMA protection: the same values as PROT_* */
#define PAGECTL_PROT_READ		0x1U
#define PAGECTL_PROT_WRITE		0x2U
#define PAGECTL_PROT_EXEC		0x4U

/* VMA flags: &pagectl_walk_vma.flags */
#define PAGECTL_VMA_SHARED		0x1U
#define PAGECTL_VMA_IO			0x2U
#define PAGECTL_VMA_PFNMAP		0x4U
#define PAGECTL_VMA_MIXEDMAP		0x8U
#define PAGECTL_VMA_LOCKED		0x10U
#define PAGECTL_VMA_LOCKONFAULT		0x20U
#define PAGECTL_VMA_DONTCOPY		0x40U
#define PAGECTL_VMA_WIPEONFORK		0x80U
#define PAGECTL_VMA_DONTEXPAND		0x100U
#define PAGECTL_VMA_DONTDUMP		0x200U
#define PAGECTL_VMA_HUGEPAGE		0x400U
#define PAGECTL_VMA_NOHUGEPAGE		0x800U
#define PAGECTL_VMA_MERGEABLE		0x1000U  /* KSM */
#define PAGECTL_VMA_SOFTDIRTY		0x2000U
#define PAGECTL_VMA_UFFD_MISSING	0x4000U
#define PAGECTL_VMA_UFFD_WP		0x8000U
#define PAGECTL_VMA_UFFD_MINOR		0x10000U
#define PAGECTL_VMA_GROWSDOWN		0x20000U
#define PAGECTL_VMA_SEALED		0x40000U  /* mseal() */

/* What backs a VMA: &pagectl_walk_vma.backing */
#define PAGECTL_BACKING_NONE		0  /* no VMA contains the address */
#define PAGECTL_BACKING_ANON		1  /* private anonymous */
#define PAGECTL_BACKING_HEAP		2  /* [heap]: the brk area */
#define PAGECTL_BACKING_STACK		3  /* [stack]: the main thread's stack */
#define PAGECTL_BACKING_FILE		4  /* a regular file: dev, ino, file_offset */
#define PAGECTL_BACKING_SHMEM		5  /* shmem, tmpfs, memfd, shared anonymous */
#define PAGECTL_BACKING_HUGETLB		6  /* hugetlbfs or MAP_HUGETLB */
#define PAGECTL_BACKING_BUF		7  /* a pagectl buffer */
#define PAGECTL_BACKING_DEVICE		8  /* another driver's mapping */
#define PAGECTL_BACKING_SPECIAL		9  /* [vdso], [vvar] */

/**
 * struct pagectl_walk_level - one page-table entry on the way to an address
 * @raw: the entry's value; 0 unless %PAGECTL_OUT_PFNS
 * @bits: %PAGECTL_PTE_* decoded from the entry
 * @pfn: frame the entry points to (next table, leaf, or the frame encoded in
 *	a migration, device or hwpoison entry); 0 unless %PAGECTL_OUT_PFNS
 * @kind: %PAGECTL_ENTRY_*
 * @shift: log2 of the bytes one entry of this level covers (39, 39, 30, 21,
 *	12 with 4-level paging on x86-64)
 */
struct pagectl_walk_level {
	__aligned_u64 raw;
	__aligned_u64 bits;
	__aligned_u64 pfn;
	__u32 kind;
	__u32 shift;
};

/**
 * struct pagectl_walk_page - state of the page an address maps
 * @flags: %PAGECTL_PAGE_*; without %PAGECTL_PAGE_VALID the rest is 0
 * @refcount: folio reference count, without the walk's own reference
 * @mapcount: page-table mappings of the folio (folio_mapcount())
 * @pincount: exact pin count of a large folio; 0 for a small one, whose
 *	pins are counted in @refcount only
 * @order: folio order: 0 for a base page, 9 for a 2 MiB THP
 * @nid: NUMA node
 * @zone: %PAGECTL_ZONE_*
 * @__reserved: out: 0
 */
struct pagectl_walk_page {
	__aligned_u64 flags;
	__u32 refcount;
	__u32 mapcount;
	__u32 pincount;
	__u32 order;
	__u32 nid;
	__u32 zone;
	__aligned_u64 __reserved[2];
};

/**
 * struct pagectl_walk_vma - the VMA containing an address
 * @start: first address
 * @end: address after the last
 * @flags: %PAGECTL_VMA_*
 * @file_offset: bytes into the file of @start for FILE, SHMEM, HUGETLB and
 *	BUF; for another driver's mapping only with %PAGECTL_OUT_PFNS (it can
 *	hold a frame number); 0 otherwise
 * @ino: inode number of the mapped file, 0 if none
 * @dev_major: device of the mapped file
 * @dev_minor: device of the mapped file
 * @prot: %PAGECTL_PROT_*
 * @backing: %PAGECTL_BACKING_*
 * @__reserved: out: 0
 */
struct pagectl_walk_vma {
	__aligned_u64 start;
	__aligned_u64 end;
	__aligned_u64 flags;
	__aligned_u64 file_offset;
	__aligned_u64 ino;
	__u32 dev_major;
	__u32 dev_minor;
	__u32 prot;
	__u32 backing;
	__aligned_u64 __reserved[2];
};

/**
 * struct pagectl_walk - explain one user address (PAGECTL_WALK)
 * @size: sizeof(struct pagectl_walk)
 * @flags: %PAGECTL_WALK_PID
 * @addr: the address, any alignment
 * @pid: with %PAGECTL_WALK_PID the target's pid, otherwise 0
 * @__reserved: must be 0
 * @out_flags: out: %PAGECTL_OUT_PFNS
 * @leaf_level: out: %PAGECTL_LEVEL_* of the entry where the walk ended
 * @leaf_kind: out: %PAGECTL_ENTRY_* of that entry
 * @swap_type: out: swap type, for %PAGECTL_ENTRY_SWAP
 * @leaf_size: out: bytes that entry covers (4 KiB, 2 MiB, 1 GiB, ...)
 * @leaf_addr: out: @addr rounded down to @leaf_size
 * @pfn: out: frame of @addr itself; 0 unless %PAGECTL_OUT_PFNS
 * @swap_offset: out: swap offset, for %PAGECTL_ENTRY_SWAP
 * @level: out: every level; %PAGECTL_ENTRY_NOT_WALKED below @leaf_level
 * @page: out: the mapped page, for %PAGECTL_ENTRY_LEAF with a struct page
 * @vma: out: the VMA; %PAGECTL_BACKING_NONE if there is none
 *
 * The walk stops at the first entry that is not a table. It never faults
 * anything in and never changes the page tables. An address without a VMA
 * is not an error.
 *
 * Errors: EFAULT (@addr above the user address space or non-canonical),
 * EINVAL (@pid set without %PAGECTL_WALK_PID, or 0 with it), EPERM
 * (%PAGECTL_WALK_PID: the caller may not open /proc/@pid/pagemap, or its
 * /proc does not show @pid's address space), ESRCH (no such process, or the
 * target address space has exited), EINTR (killed while waiting), ENOMEM
 * (%PAGECTL_WALK_PID: no memory to open /proc/@pid/pagemap), EOPNOTSUPP
 * (%PAGECTL_WALK_PAGE_STATE, which only WALK_RANGE knows; or page tables
 * this kernel cannot read safely: on a kernel that does not free page
 * tables through RCU, those of another process's address space or of a
 * shared hugetlb mapping).
 */
struct pagectl_walk {
	__u32 size;
	__u32 flags;
	__aligned_u64 addr;
	__u32 pid;
	__u32 __reserved;
	__u32 out_flags;
	__u32 leaf_level;
	__u32 leaf_kind;
	__u32 swap_type;
	__aligned_u64 leaf_size;
	__aligned_u64 leaf_addr;
	__aligned_u64 pfn;
	__aligned_u64 swap_offset;
	struct pagectl_walk_level level[PAGECTL_NR_LEVELS];
	struct pagectl_walk_page page;
	struct pagectl_walk_vma vma;
};

/** PAGECTL_WALK - explain one address: &struct pagectl_walk */
#define PAGECTL_WALK		_IO(PAGECTL_TYPE, PAGECTL_CMD_WALK)

/**
 * struct pagectl_walk_rec - one non-empty entry of a range walk
 * @addr: first address the entry maps; below the walk's start for a huge
 *	leaf that begins earlier
 * @pfn: for %PAGECTL_ENTRY_SWAP the swap offset; otherwise the frame of
 *	@addr (LEAF, MIGRATION, DEVICE_*, HWPOISON), 0 unless
 *	%PAGECTL_OUT_PFNS
 * @bits: %PAGECTL_PTE_* of the entry
 * @page_flags: %PAGECTL_PAGE_* with %PAGECTL_WALK_PAGE_STATE, else 0
 * @nid: NUMA node if @page_flags has %PAGECTL_PAGE_VALID, else 0
 * @kind: %PAGECTL_ENTRY_*: never NONE, TABLE, FOLDED or NOT_WALKED
 * @level: %PAGECTL_LEVEL_* of the entry
 * @shift: log2 of the bytes the entry covers: 12, 21 or 30 on x86-64
 * @swap_type: the swap type for %PAGECTL_ENTRY_SWAP, else 0
 *
 * 32 bytes, so that a walk of every page of a range copies 8 bytes of
 * record for each byte of /proc/PID/pagemap.
 */
struct pagectl_walk_rec {
	__aligned_u64 addr;
	__aligned_u64 pfn;
	__u32 bits;
	__u32 page_flags;
	__u32 nid;
	__u8 kind;
	__u8 level;
	__u8 shift;
	__u8 swap_type;
};

/**
 * struct pagectl_walk_range - walk many pages in one call (PAGECTL_WALK_RANGE)
 * @size: sizeof(struct pagectl_walk_range)
 * @flags: %PAGECTL_WALK_PID, %PAGECTL_WALK_PAGE_STATE
 * @start: first address; rounded down to a page
 * @end: address after the last; rounded up to a page
 * @records: user pointer to an array of &struct pagectl_walk_rec
 * @record_size: the caller's sizeof(struct pagectl_walk_rec)
 * @max_records: capacity of @records, not 0
 * @pid: with %PAGECTL_WALK_PID the target's pid, otherwise 0
 * @__reserved: must be 0
 * @nr_records: out: records written
 * @out_flags: out: %PAGECTL_OUT_PFNS
 * @next: out: where to resume (the next call's @start); the walk is
 *	complete when @next equals the rounded @end
 *
 * Only non-empty entries produce records, in address order; a gap between
 * records means "no entry". Empty page-table levels and holes between VMAs
 * are skipped in one step. A huge leaf is one record.
 *
 * Errors: EINVAL (rounded @end not above @start, @max_records 0,
 * @record_size out of range, the @pid rules of WALK), EFAULT (@start or
 * @end above the user address space, @records not writable), ENOMEM (no
 * memory for the kernel's batch of records), EOPNOTSUPP (page tables this
 * kernel cannot read safely, as for WALK), EPERM, ESRCH, EINTR and ENOMEM
 * as for WALK; EINTR only before the first record, after which the call
 * returns the records it has.
 */
struct pagectl_walk_range {
	__u32 size;
	__u32 flags;
	__aligned_u64 start;
	__aligned_u64 end;
	__aligned_u64 records;
	__u32 record_size;
	__u32 max_records;
	__u32 pid;
	__u32 __reserved;
	__u32 nr_records;
	__u32 out_flags;
	__aligned_u64 next;
};

/** PAGECTL_WALK_RANGE - walk a range: &struct pagectl_walk_range */
#define PAGECTL_WALK_RANGE	_IO(PAGECTL_TYPE, PAGECTL_CMD_WALK_RANGE)

/*
 * What a 2 MiB slot holds: &pagectl_huge_slot.state.
 */
#define PAGECTL_HUGE_EMPTY	0  /* nothing present */
#define PAGECTL_HUGE_PMD	1  /* one PMD leaf: a THP, or a huge PFN mapping */
#define PAGECTL_HUGE_HUGETLB	2  /* hugetlb: a PMD or PUD leaf */
#define PAGECTL_HUGE_LARGE	3  /* PTEs, and at least one maps a large folio */
#define PAGECTL_HUGE_SMALL	4  /* PTEs of small pages only */

/*
 * Why a slot is not, or cannot be, one huge page: bits of
 * &pagectl_huge_slot.reasons. The module sets what the VMA and the file say;
 * the library adds what the process and the system's THP settings say.
 */
/* madvise(MADV_NOHUGEPAGE) */
#define PAGECTL_HUGE_NOHUGEPAGE		0x001
/* The VMA does not cover the aligned 2 MiB, or its file offset is not aligned. */
#define PAGECTL_HUGE_UNALIGNED		0x002
/* Registered with userfaultfd in missing or minor mode. */
#define PAGECTL_HUGE_UFFD		0x004
/* A file whose page cache holds no large folios. */
#define PAGECTL_HUGE_NO_LARGE_FOLIOS	0x008
/* VM_IO, VM_PFNMAP, VM_MIXEDMAP or a special mapping: no THP there. */
#define PAGECTL_HUGE_SPECIAL		0x010
/* prctl(PR_SET_THP_DISABLE) (the library reads it). */
#define PAGECTL_HUGE_PROCESS_DISABLED	0x020
/* THP is "never" for this memory (the library reads it). */
#define PAGECTL_HUGE_SYSTEM_DISABLED	0x040
/* THP is "madvise" and the VMA has no MADV_HUGEPAGE (the library reads it). */
#define PAGECTL_HUGE_NOT_ADVISED	0x080
/* Not a reason: the VMA has MADV_HUGEPAGE (VM_HUGEPAGE). */
#define PAGECTL_HUGE_ADVISED		0x100

/**
 * struct pagectl_huge_slot - one 2 MiB slot of a HUGE_MAP
 * @addr: the slot's first address, 2 MiB aligned
 * @state: %PAGECTL_HUGE_EMPTY, _PMD, _HUGETLB, _LARGE or _SMALL
 * @reasons: %PAGECTL_HUGE_* reasons, and %PAGECTL_HUGE_ADVISED, of the VMA
 *	at the slot's first mapped address
 * @present: pages of the slot that are present (512 for a huge leaf)
 * @backing: %PAGECTL_BACKING_* of that VMA
 * @order: the largest folio order present (9 for a THP, 0 for small pages)
 * @nr_vmas: VMAs that meet the slot
 */
struct pagectl_huge_slot {
	__aligned_u64 addr;
	__u32 state;
	__u32 reasons;
	__u32 present;
	__u8 backing;
	__u8 order;
	__u16 nr_vmas;
};

/**
 * struct pagectl_huge_map - why memory is or is not huge (PAGECTL_HUGE_MAP)
 * @size: sizeof(struct pagectl_huge_map)
 * @flags: %PAGECTL_WALK_PID
 * @start: first address; rounded down to 2 MiB
 * @end: address after the last; rounded up to 2 MiB
 * @records: user pointer to an array of &struct pagectl_huge_slot
 * @record_size: the caller's sizeof(struct pagectl_huge_slot)
 * @max_records: capacity of @records, not 0
 * @pid: with %PAGECTL_WALK_PID the target's pid, otherwise 0
 * @__reserved: must be 0
 * @nr_records: out: records written
 * @out_flags: out: 0
 * @next: out: where to resume (the next call's @start); the map is
 *	complete when @next equals the rounded @end
 *
 * One record per 2 MiB slot that a VMA meets, in address order; slots with
 * no VMA are skipped. Nothing is faulted in or changed.
 *
 * Errors: EINVAL (rounded @end not above @start, @max_records 0,
 * @record_size out of range, the @pid rules of WALK), EFAULT (@start or
 * @end above the user address space, @records not writable), ENOMEM (no
 * memory for the kernel's batch of records), EOPNOTSUPP (page tables this
 * kernel cannot read safely, as for WALK), EPERM, ESRCH, EINTR and ENOMEM
 * as for WALK; EINTR only before the first record, after which the call
 * returns the records it has.
 */
struct pagectl_huge_map {
	__u32 size;
	__u32 flags;
	__aligned_u64 start;
	__aligned_u64 end;
	__aligned_u64 records;
	__u32 record_size;
	__u32 max_records;
	__u32 pid;
	__u32 __reserved;
	__u32 nr_records;
	__u32 out_flags;
	__aligned_u64 next;
};

/** PAGECTL_HUGE_MAP - why a range is or is not huge: &struct pagectl_huge_map */
#define PAGECTL_HUGE_MAP	_IO(PAGECTL_TYPE, PAGECTL_CMD_HUGE_MAP)

/*
 * What happened to a watched range: &pagectl_watch_event.event, from the
 * kernel's reason for invalidating the range's page-table entries.
 */
#define PAGECTL_WATCH_UNMAP	0  /* munmap(), mremap() away */
#define PAGECTL_WATCH_PROTECTION 1 /* mprotect(), or fork() write-protecting */
#define PAGECTL_WATCH_CLEAR	2  /* cleared: MADV_DONTNEED, COW, swap-out, migration, ... */
#define PAGECTL_WATCH_SOFT_DIRTY 3 /* soft-dirty bits cleared (clear_refs) */
#define PAGECTL_WATCH_MIGRATE	4  /* device migration (migrate_vma) */
#define PAGECTL_WATCH_EXCLUSIVE	5  /* made exclusive to a device */
#define PAGECTL_WATCH_RELEASE	6  /* the address space is exiting; the last event */
#define PAGECTL_WATCH_OTHER	7  /* a reason this module does not know */

/** PAGECTL_WATCH_QUEUE_DEFAULT - events a watch holds when @queue_len is 0 */
#define PAGECTL_WATCH_QUEUE_DEFAULT	256

/** PAGECTL_WATCH_ENTRIES - events carry the entry at their start, before and after */
#define PAGECTL_WATCH_ENTRIES		0x2U
/** PAGECTL_WATCH_ENTRIES_MAX_PAGES - the most pages a watch with entries covers */
#define PAGECTL_WATCH_ENTRIES_MAX_PAGES	65536

/**
 * struct pagectl_watch_event - one change of a watched range, as read()
 *	from a watch descriptor returns it
 * @start: first address of the change, clipped to the watched range
 * @end: address after the last, clipped to the watched range
 * @event: %PAGECTL_WATCH_UNMAP, _PROTECTION, ...
 * @flags: 0
 * @seq: the event's number, from 1; lost events take numbers too
 * @lost: events dropped because the queue was full since the previous
 *	event read
 * @before_kind: with %PAGECTL_WATCH_ENTRIES (otherwise 0, as the next five):
 *	%PAGECTL_ENTRY_* of the entry where the translation of @start ended as
 *	the watch last read it: when it was created, or when the last event
 *	over that page was read; %PAGECTL_ENTRY_NOT_WALKED where no VMA mapped
 *	it or the address space had exited
 * @before_level: %PAGECTL_LEVEL_* of that entry
 * @before_bits: its %PAGECTL_PTE_* bits
 * @after_kind: the same, read when this event was read: after this change
 *	and any that followed it
 * @after_level: %PAGECTL_LEVEL_* of that entry
 * @after_bits: its %PAGECTL_PTE_* bits
 *
 * The kernel tells a watch of a change before it makes it, where the watch
 * may neither sleep nor read the tables safely, so the entries are read
 * outside that notifier: they show the state between reads, not each step.
 */
struct pagectl_watch_event {
	__aligned_u64 start;
	__aligned_u64 end;
	__u32 event;
	__u32 flags;
	__aligned_u64 seq;
	__aligned_u64 lost;
	__u32 before_kind;
	__u32 before_level;
	__u32 before_bits;
	__u32 after_kind;
	__u32 after_level;
	__u32 after_bits;
};

/**
 * struct pagectl_watch - watch a range of an address space (PAGECTL_WATCH)
 * @size: sizeof(struct pagectl_watch)
 * @flags: %PAGECTL_WALK_PID, %PAGECTL_WATCH_ENTRIES
 * @start: first address; rounded down to a page
 * @end: address after the last; rounded up to a page
 * @pid: with %PAGECTL_WALK_PID the target's pid, otherwise 0
 * @queue_len: events the watch holds before it drops them; 0 for
 *	%PAGECTL_WATCH_QUEUE_DEFAULT, at most the module's max_watch_queue
 * @fd: out: the watch descriptor (close-on-exec)
 * @__reserved: must be 0
 * @event_size: the caller's sizeof(struct pagectl_watch_event), the size
 *	of each event read() returns; 0 for the struct's first version (40
 *	bytes, up to @lost). %PAGECTL_WATCH_ENTRIES needs room for @after_bits
 * @__reserved2: must be 0
 *
 * The watch is told by the kernel's MMU notifier whenever page-table
 * entries of the range are invalidated, and queues one &struct
 * pagectl_watch_event for it; read() returns whole events, poll() reports
 * POLLIN while events are queued and POLLHUP after %PAGECTL_WATCH_RELEASE.
 * A full queue drops events and counts them. The target is the file's
 * address space or, with %PAGECTL_WALK_PID, another process as for WALK;
 * a watch never keeps it alive, and it changes nothing in it but the
 * notifier. With %PAGECTL_WATCH_ENTRIES the watch keeps the entry of each
 * page (8 bytes a page, at most %PAGECTL_WATCH_ENTRIES_MAX_PAGES), read
 * at creation and again for each event's range as the event is read.
 *
 * Errors: EINVAL (rounded @end not above @start, @queue_len above
 * max_watch_queue, @event_size below the first version or above 4096, or
 * with %PAGECTL_WATCH_ENTRIES too small for the entries or a range of more
 * than %PAGECTL_WATCH_ENTRIES_MAX_PAGES pages, @__reserved2 not 0, the @pid
 * rules of WALK), EFAULT (@start or @end above the user address space),
 * ENOSPC (max_watches_per_file watches of this file, or max_watches_per_user
 * of its opener's files, are open), ENOMEM (no memory for the queue, the
 * entries or the descriptor), EMFILE (no free descriptor), ENFILE (the
 * system's limit of open files), EPERM, ESRCH, EINTR and ENOMEM as for
 * WALK.
 */
struct pagectl_watch {
	__u32 size;
	__u32 flags;
	__aligned_u64 start;
	__aligned_u64 end;
	__u32 pid;
	__u32 queue_len;
	__s32 fd;
	__u32 __reserved;
	__u32 event_size;
	__u32 __reserved2;
};

/** PAGECTL_WATCH - a descriptor of a range's changes: &struct pagectl_watch */
#define PAGECTL_WATCH		_IO(PAGECTL_TYPE, PAGECTL_CMD_WATCH)

/** PAGECTL_TIMER_BUF - @target is a buffer file descriptor, not a pin handle */
#define PAGECTL_TIMER_BUF		0x1U
/** PAGECTL_TIMER_DISARM - stop the target's timer; @offset and @period_ns must be 0 */
#define PAGECTL_TIMER_DISARM		0x2U

/**
 * PAGECTL_TIMER_MIN_PERIOD_NS - shortest period accepted (10 us), with
 * CAP_SYS_ADMIN; without it, the module's min_timer_period_ns (100 us)
 */
#define PAGECTL_TIMER_MIN_PERIOD_NS	10000
/** PAGECTL_TIMER_MAX_PER_FILE - timers one file may have armed */
#define PAGECTL_TIMER_MAX_PER_FILE	64

/**
 * struct pagectl_timer - a kernel timer that counts in pinned or buffer memory
 * @size: sizeof(struct pagectl_timer)
 * @flags: %PAGECTL_TIMER_BUF, %PAGECTL_TIMER_DISARM
 * @target: a pin handle of this file, pinned with %PAGECTL_PIN_WRITE; with
 *	%PAGECTL_TIMER_BUF a buffer file descriptor (0 to INT_MAX)
 * @offset: byte offset of a 64-bit counter from the pin's first page or the
 *	buffer's start; a multiple of 8
 * @period_ns: the timer adds 1 to the counter every @period_ns, at least
 *	%PAGECTL_TIMER_MIN_PERIOD_NS, and at least the module's
 *	min_timer_period_ns without CAP_SYS_ADMIN
 * @ticks: out: increments made by the timer this call replaced or disarmed
 * @__reserved: must be 0
 *
 * The timer runs in hard interrupt context and adds to the counter through
 * the kernel's mapping of the pinned pages or the buffer. It stops on
 * DISARM, on UNPIN of its pin and on the last close of the file that armed
 * it; an armed buffer timer keeps its buffer alive. Arming a target that has
 * a timer replaces its offset and period.
 *
 * Errors: ENOENT (unknown handle, or one UNPIN released while the call
 * ran), EBADF (%PAGECTL_TIMER_BUF: @target is not an open descriptor),
 * EINVAL (%PAGECTL_TIMER_BUF: the descriptor is not a pagectl buffer;
 * @offset misaligned or beyond the pin or buffer, @period_ns too short or
 * above 2^63 - 1, DISARM with @offset or @period_ns set),
 * EACCES (pin not made for writing; %PAGECTL_TIMER_BUF: the descriptor is
 * not open for writing and this file did not create the buffer), ENOSPC
 * (%PAGECTL_TIMER_MAX_PER_FILE armed on this file, or the module's
 * max_timers_per_user on the files of this file's opener, or max_timers in
 * the whole module), ENOMEM (arming a pin's first timer: no room to map the
 * pin into the kernel; a buffer's: no memory for the timer). DISARM fails
 * only with ENOENT, EBADF or EINVAL.
 */
struct pagectl_timer {
	__u32 size;
	__u32 flags;
	__aligned_u64 target;
	__aligned_u64 offset;
	__aligned_u64 period_ns;
	__aligned_u64 ticks;
	__aligned_u64 __reserved;
};

/** PAGECTL_TIMER - arm or disarm a counter timer: &struct pagectl_timer */
#define PAGECTL_TIMER		_IO(PAGECTL_TYPE, PAGECTL_CMD_TIMER)

/** PAGECTL_BUF_CONTIG - one physically contiguous range, mapped by remap_pfn_range() */
#define PAGECTL_BUF_CONTIG		0x1U
/**
 * PAGECTL_BUF_HUGE - 2 MiB blocks, each physically contiguous and 2 MiB
 * aligned, mapped with PMD entries where the mapping allows; only with
 * %PAGECTL_FEATURE_BUF_HUGE, otherwise EOPNOTSUPP
 */
#define PAGECTL_BUF_HUGE		0x2U
/** PAGECTL_BUF_RDONLY - user space may only read: the fd is O_RDONLY */
#define PAGECTL_BUF_RDONLY		0x4U
/** PAGECTL_BUF_DONTCOPY - mappings are not inherited by fork() children */
#define PAGECTL_BUF_DONTCOPY		0x8U

/** PAGECTL_NODE_LOCAL - &pagectl_buf_create.node: the calling CPU's node */
#define PAGECTL_NODE_LOCAL		0xffffffffU

/**
 * struct pagectl_buf_create - allocate a buffer and get an fd for it (PAGECTL_BUF_CREATE)
 * @size: sizeof(struct pagectl_buf_create)
 * @flags: %PAGECTL_BUF_*; without %PAGECTL_BUF_CONTIG or %PAGECTL_BUF_HUGE
 *	the buffer is separate pages, mapped with struct-page semantics
 *	(vm_insert_pages())
 * @length: bytes, not 0; rounded up to a page; with %PAGECTL_BUF_HUGE a
 *	multiple of 2 MiB
 * @node: NUMA node, or %PAGECTL_NODE_LOCAL
 * @fd: out: the new buffer file descriptor, close-on-exec
 * @alloc_length: out: bytes allocated (@length rounded up)
 * @id: out: the buffer's id, as shown in debugfs and fdinfo
 * @__reserved: must be 0
 *
 * The buffer is zeroed memory of the module, charged to the creator's memory
 * cgroup, to the locked_vm of the user who opened the device (against the
 * caller's RLIMIT_MEMLOCK, as pins are) and to the creating file's
 * max_buf_bytes until it is freed. It lives while its descriptor or any
 * mapping of it exists.
 *
 * Errors: EINVAL (@length 0; %PAGECTL_BUF_HUGE with @length not a multiple
 * of 2 MiB, or with %PAGECTL_BUF_CONTIG), EOVERFLOW (rounding @length up
 * wraps), EOPNOTSUPP (%PAGECTL_BUF_HUGE without huge PFN mappings), ENOSPC
 * (over the file's max_buf_bytes), ENODEV (@node is not an online node with
 * memory), ENOMEM (the user's pins and buffers would pass the caller's
 * RLIMIT_MEMLOCK, without CAP_IPC_LOCK; out of memory on @node, or no
 * contiguous range this large), EMFILE (no free descriptor), ENFILE (the
 * system-wide limit on open files). A failed call leaves nothing behind.
 */
struct pagectl_buf_create {
	__u32 size;
	__u32 flags;
	__aligned_u64 length;
	__u32 node;
	__u32 fd;
	__aligned_u64 alloc_length;
	__aligned_u64 id;
	__aligned_u64 __reserved;
};

/** PAGECTL_BUF_CREATE - allocate a buffer: &struct pagectl_buf_create */
#define PAGECTL_BUF_CREATE	_IO(PAGECTL_TYPE, PAGECTL_CMD_BUF_CREATE)

/**
 * struct pagectl_buf_info - describe a buffer (PAGECTL_BUF_INFO, on the buffer fd)
 * @size: sizeof(struct pagectl_buf_info)
 * @flags: %PAGECTL_DESCRIBE_EXTENTS for &struct pagectl_extent records,
 *	otherwise &struct pagectl_frame records, one per page
 * @cursor: page index to start from; 0 for the first call
 * @records: user pointer to the record array; may be 0 if @max_records is 0
 * @record_size: the caller's sizeof() of one record
 * @max_records: capacity of @records
 * @nr_records: out: records written
 * @out_flags: out: %PAGECTL_OUT_PFNS, judged by the creator's credentials
 * @next_cursor: out: @cursor for the next call; @length / page size when done
 * @length: out: bytes allocated
 * @id: out: the buffer's id
 * @buf_flags: out: the %PAGECTL_BUF_* flags it was created with
 * @node: out: the node asked for (resolved for %PAGECTL_NODE_LOCAL)
 * @nr_mappings: out: VMAs that map the buffer now
 * @__reserved: must be 0
 *
 * A %PAGECTL_BUF_CONTIG buffer is one extent. For a creator without
 * CAP_SYS_ADMIN the extents of a page buffer are single pages, those of a
 * %PAGECTL_BUF_HUGE buffer single 2 MiB blocks.
 *
 * Errors: EINVAL (@cursor beyond the buffer, or @max_records not 0 and
 * @record_size smaller than the record or larger than 4096), EFAULT
 * (@records not writable).
 */
struct pagectl_buf_info {
	__u32 size;
	__u32 flags;
	__aligned_u64 cursor;
	__aligned_u64 records;
	__u32 record_size;
	__u32 max_records;
	__u32 nr_records;
	__u32 out_flags;
	__aligned_u64 next_cursor;
	__aligned_u64 length;
	__aligned_u64 id;
	__u32 buf_flags;
	__u32 node;
	__u32 nr_mappings;
	__u32 __reserved;
};

/** PAGECTL_BUF_INFO - a buffer's size, node and frames: &struct pagectl_buf_info */
#define PAGECTL_BUF_INFO	_IO(PAGECTL_TYPE, PAGECTL_BUF_CMD_INFO)

/** PAGECTL_FILL_INDEX - word i of the buffer gets pattern + i instead of pattern */
#define PAGECTL_FILL_INDEX		0x1U

/**
 * struct pagectl_buf_fill - the kernel writes a pattern (PAGECTL_BUF_FILL, on the buffer fd)
 * @size: sizeof(struct pagectl_buf_fill)
 * @flags: %PAGECTL_FILL_INDEX
 * @offset: byte offset in the buffer, a multiple of 8
 * @length: bytes, a multiple of 8, not 0
 * @pattern: 64-bit value stored in every 8-byte word, in native byte order
 * @__reserved: must be 0
 *
 * The words are written through the kernel's mapping of the buffer, and are
 * visible at once through every user mapping. With %PAGECTL_FILL_INDEX, i
 * counts words from the start of the buffer, not from @offset.
 *
 * Errors: EINVAL (@length 0, @offset or @length not a multiple of 8, the
 * range extends past the end of the buffer), EOVERFLOW (@offset + @length
 * wraps), EBADF (the buffer is %PAGECTL_BUF_RDONLY).
 */
struct pagectl_buf_fill {
	__u32 size;
	__u32 flags;
	__aligned_u64 offset;
	__aligned_u64 length;
	__aligned_u64 pattern;
	__aligned_u64 __reserved;
};

/** PAGECTL_BUF_FILL - the kernel writes a pattern: &struct pagectl_buf_fill */
#define PAGECTL_BUF_FILL	_IO(PAGECTL_TYPE, PAGECTL_BUF_CMD_FILL)

#endif /* _UAPI_LINUX_PAGECTL_H */
