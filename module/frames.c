// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagectl: the frames and extents of an array of pages, as PIN_DESCRIBE
 * and BUF_INFO report them.
 *
 * A record is either one page (struct pagectl_frame) or an extent: a run of
 * pages at consecutive frames on one node (struct pagectl_extent). A caller
 * without CAP_SYS_ADMIN sees no frame numbers, and its extents end where the
 * target says they may (a folio, a buffer's block), so that their lengths
 * tell nothing about physical adjacency the caller could not know.
 *
 * Copyright (C) 2026 The pagectl authors
 */

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "internal.h"

/* The pages after @i that extend the extent starting at @i. */
static unsigned long pagectl_extent_end(const struct pagectl_frames *fr,
					unsigned long i, bool privileged)
{
	unsigned long limit = privileged ? fr->npages : fr->run_end(fr, i);
	struct page *first = fr->pages[i];
	unsigned long n;

	for (n = 1; i + n < limit; n++) {
		struct page *p = fr->pages[i + n];

		if (page_to_pfn(p) != page_to_pfn(first) + n ||
		    page_to_nid(p) != page_to_nid(first))
			break;
	}
	return i + n;
}

/**
 * pagectl_describe_check() - check a describe request's record size
 * @d: the request
 *
 * Return: 0, or -EINVAL for records too small for this kernel's or larger
 * than %PAGECTL_RECORD_MAX.
 */
int pagectl_describe_check(const struct pagectl_describe *d)
{
	size_t len = d->extents ? sizeof(struct pagectl_extent) :
				  sizeof(struct pagectl_frame);

	if (d->max_records &&
	    (d->record_size < len || d->record_size > PAGECTL_RECORD_MAX))
		return -EINVAL;
	return 0;
}

/**
 * pagectl_frames_describe() - write frame or extent records of pages
 * @fr: the pages and how the target fills a frame and bounds an extent
 * @d: the caller's cursor, records and their size; @d->nr_records and
 *	@d->next_cursor are set
 *
 * Return: 0, -EINVAL for a record size or cursor out of bounds, or -EFAULT.
 */
int pagectl_frames_describe(const struct pagectl_frames *fr,
			    struct pagectl_describe *d)
{
	size_t len = d->extents ? sizeof(struct pagectl_extent) :
				  sizeof(struct pagectl_frame);
	void __user *out = u64_to_user_ptr(d->records);
	unsigned long i;
	u32 n = 0;
	int ret;

	ret = pagectl_describe_check(d);
	if (ret)
		return ret;
	if (d->cursor > fr->npages)
		return -EINVAL;

	for (i = d->cursor; i < fr->npages && n < d->max_records; n++) {
		void __user *rec = out + (size_t)n * d->record_size;

		if (d->extents) {
			unsigned long end = pagectl_extent_end(fr, i, d->privileged);
			struct pagectl_extent x = {
				.pfn = d->privileged ? page_to_pfn(fr->pages[i]) : 0,
				.offset = (u64)i << PAGE_SHIFT,
				.length = (u64)(end - i) << PAGE_SHIFT,
				.nid = page_to_nid(fr->pages[i]),
			};

			ret = pagectl_put_record(rec, &x, len, d->record_size);
			i = end;
		} else {
			struct pagectl_frame f = { 0 };

			fr->fill(fr, i, d->privileged, &f);
			if (!d->privileged)
				f.pfn = 0;
			ret = pagectl_put_record(rec, &f, len, d->record_size);
			i++;
		}
		if (ret)
			return ret;
		if (!(n % 1024))
			cond_resched();
	}
	d->nr_records = n;
	d->next_cursor = i;
	return 0;
}
