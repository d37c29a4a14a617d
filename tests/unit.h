/*
 * A tiny unit-test harness: each tests/test-*.c is one program that runs its
 * cases and exits 0 (all passed) or 1, as automake's test driver expects.
 *
 * In-tree rather than Check or cmocka: the cases are plain function calls on
 * pure modules, a failing check must name its file, line and both values,
 * and the same programs must run unchanged under AddressSanitizer and
 * valgrind, which Check's forking runner gets in the way of.
 */
#ifndef VQ_UNIT_H
#define VQ_UNIT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int unit_failures;
static int unit_checks;

#define UNIT_FAIL(...) do {						\
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);			\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	unit_failures++;						\
} while (0)

#define CHECK(cond) do {						\
	unit_checks++;							\
	if (!(cond))							\
		UNIT_FAIL("CHECK(%s) failed", #cond);			\
} while (0)

#define CHECK_INT(got, want) do {					\
	long long unit_g_ = (long long)(got), unit_w_ = (long long)(want); \
	unit_checks++;							\
	if (unit_g_ != unit_w_)						\
		UNIT_FAIL("%s = %lld, want %lld", #got, unit_g_, unit_w_); \
} while (0)

#define CHECK_NEAR(got, want, tol) do {					\
	double unit_g_ = (double)(got), unit_w_ = (double)(want);	\
	unit_checks++;							\
	if (!(fabs(unit_g_ - unit_w_) <= (tol)))			\
		UNIT_FAIL("%s = %.6f, want %.6f (tol %g)", #got,	\
		    unit_g_, unit_w_, (double)(tol));			\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *unit_g_ = (got), *unit_w_ = (want);			\
	unit_checks++;							\
	if (unit_g_ == NULL || strcmp(unit_g_, unit_w_) != 0)		\
		UNIT_FAIL("%s = \"%s\", want \"%s\"", #got,		\
		    unit_g_ ? unit_g_ : "(null)", unit_w_);		\
} while (0)

/* Compare a (pointer, length) piece with a C string. */
#define CHECK_MEM(ptr, len, want) do {					\
	const char *unit_w_ = (want);					\
	size_t unit_l_ = (len);						\
	unit_checks++;							\
	if ((ptr) == NULL || unit_l_ != strlen(unit_w_) ||		\
	    memcmp((ptr), unit_w_, unit_l_) != 0)			\
		UNIT_FAIL("%s = \"%.*s\", want \"%s\"", #ptr,		\
		    (ptr) ? (int)unit_l_ : 6, (ptr) ? (const char *)(ptr) : "(null)", \
		    unit_w_);						\
} while (0)

/* Run one case function and say which one failed. */
#define RUN(fn) do {							\
	int unit_before_ = unit_failures;				\
	fn();								\
	if (unit_failures != unit_before_)				\
		fprintf(stderr, "FAIL %s\n", #fn);			\
} while (0)

/* End of main(): a summary line and the exit status. */
static inline int
unit_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
	return unit_failures == 0 ? 0 : 1;
}

#endif /* VQ_UNIT_H */
