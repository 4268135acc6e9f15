// SPDX-License-Identifier: Apache-2.0
// check.h: the tiny assertion kit of the C unit tests (git's check_uint model).
//
// A failed check prints file:line, the expression and both values, and marks
// the current test failed; TEST() prints "ok N - name" or "not ok N - name",
// which tests/run counts. main() ends with `return check_done();`.
#ifndef PW_CHECK_H
#define PW_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failed_now, check_count, check_failures;

#define check(expr)                                                            \
	((expr) ? 1 : (check_failed_now = 1,                                   \
		       fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,   \
			       __LINE__, #expr), 0))

#define check_uint(a, op, b)                                                   \
	do {                                                                   \
		uintmax_t a_ = (a), b_ = (b);                                  \
		if (!(a_ op b_)) {                                             \
			check_failed_now = 1;                                  \
			fprintf(stderr,                                        \
				"%s:%d: check failed: %s %s %s\n"              \
				"    left: %" PRIuMAX "\n   right: %" PRIuMAX  \
				"\n",                                          \
				__FILE__, __LINE__, #a, #op, #b, a_, b_);      \
		}                                                              \
	} while (0)

#define check_int(a, op, b)                                                    \
	do {                                                                   \
		intmax_t a_ = (a), b_ = (b);                                   \
		if (!(a_ op b_)) {                                             \
			check_failed_now = 1;                                  \
			fprintf(stderr,                                        \
				"%s:%d: check failed: %s %s %s\n"              \
				"    left: %" PRIdMAX "\n   right: %" PRIdMAX  \
				"\n",                                          \
				__FILE__, __LINE__, #a, #op, #b, a_, b_);      \
		}                                                              \
	} while (0)

#define check_str(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_)) {                            \
			check_failed_now = 1;                                  \
			fprintf(stderr,                                        \
				"%s:%d: check failed: %s == %s\n"              \
				"    left: \"%s\"\n   right: \"%s\"\n",        \
				__FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)",\
				b_ ? b_ : "(null)");                           \
		}                                                              \
	} while (0)

// TEST(fn()): runs one test function and reports it.
#define TEST(call, name)                                                       \
	do {                                                                   \
		check_failed_now = 0;                                          \
		call;                                                          \
		check_count++;                                                 \
		if (check_failed_now)                                          \
			check_failures++;                                      \
		printf("%s %d - %s\n", check_failed_now ? "not ok" : "ok",     \
		       check_count, name);                                     \
		fflush(stdout);                                                \
	} while (0)

static inline int check_done(void)
{
	return check_failures ? 1 : 0;
}

#endif
