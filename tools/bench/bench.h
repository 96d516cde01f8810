/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every benchmark needs: a clock and the median of repeated runs.
 *
 * Copyright (C) 2026 The pagectl authors
 */
#ifndef _PAGECTL_BENCH_H
#define _PAGECTL_BENCH_H

#include <stdlib.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds. */
static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values; sorts @v. */
static inline double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

#endif /* _PAGECTL_BENCH_H */
