// SPDX-License-Identifier: Apache-2.0
// jwrite.h: a buffered writer for the big JSON arrays of the dashboards' documents: numbers without printf.
//
// The heatmap document holds millions of numbers, and fprintf costs many
// times what this does a number (docs/decisions.md, "JSON numbers without
// printf"). Bytes are the ones printf's %PRIu64 / %PRId64 would write.
// Errors stay in the FILE (check ferror() after pw_jw_flush()).
//
// Usage:
//	FILE *f = stdout;
//	uint64_t n = 42;
//	struct pw_jw w;
//	pw_jw_init(&w, f);
//	pw_jw_lit(&w, "{\"n\":");
//	pw_jw_u64(&w, n);
//	pw_jw_ch(&w, '}');
//	pw_jw_flush(&w);
#ifndef PW_JWRITE_H
#define PW_JWRITE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pw_compiler.h"

struct pw_jw {
	FILE *f;
	size_t n;
	char buf[16384];
};

static inline void pw_jw_init(struct pw_jw *w, FILE *f)
{
	w->f = f;
	w->n = 0;
}

static inline void pw_jw_flush(struct pw_jw *w)
{
	if (w->n)
		fwrite(w->buf, 1, w->n, w->f);
	w->n = 0;
}

// room for k more bytes (k <= sizeof(buf))
static inline char *pw_jw_room(struct pw_jw *w, size_t k)
{
	if (k > sizeof(w->buf) - w->n)
		pw_jw_flush(w);
	return w->buf + w->n;
}

static inline void pw_jw_mem(struct pw_jw *w, const char *s, size_t k)
{
	if (k > sizeof(w->buf)) {
		pw_jw_flush(w);
		fwrite(s, 1, k, w->f);
		return;
	}
	memcpy(pw_jw_room(w, k), s, k);
	w->n += k;
}

// a string literal (or any NUL-terminated text, already JSON)
static inline void pw_jw_lit(struct pw_jw *w, const char *s)
{
	pw_jw_mem(w, s, strlen(s));
}

static inline void pw_jw_ch(struct pw_jw *w, char c)
{
	*pw_jw_room(w, 1) = c;
	w->n++;
}

static const char pw_jw_d2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

// v < 10^8, written backwards ending at p; returns the first digit
static inline char *pw_jw_u32_back(char *p, uint32_t v)
{
	while (v >= 100) {
		uint32_t r = v % 100;	// 32-bit: a multiply, not a division
		v /= 100;
		p -= 2;
		memcpy(p, pw_jw_d2 + 2 * r, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, pw_jw_d2 + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	return p;
}

// pw_jw_u64_big: v >= 100 (jwrite.c)
void pw_jw_u64_big(struct pw_jw *w, uint64_t v);

PW_HOT void pw_jw_u64(struct pw_jw *w, uint64_t v)
{
	if (v >= 100) {
		pw_jw_u64_big(w, v);
		return;
	}
	// counts, keys, bins: most numbers
	char *o = pw_jw_room(w, 2);
	if (v < 10) {
		*o = (char)('0' + v);
		w->n++;
	} else {
		memcpy(o, pw_jw_d2 + 2 * v, 2);
		w->n += 2;
	}
}

static inline void pw_jw_i64(struct pw_jw *w, int64_t v)
{
	if (v < 0) {
		pw_jw_ch(w, '-');
		pw_jw_u64(w, -(uint64_t)v);
	} else {
		pw_jw_u64(w, (uint64_t)v);
	}
}

// ",v" unless first
static inline void pw_jw_sep_u64(struct pw_jw *w, int first, uint64_t v)
{
	if (!first && v < 100) {	// the common case, one room check
		char *o = pw_jw_room(w, 3);
		o[0] = ',';
		if (v < 10) {
			o[1] = (char)('0' + v);
			w->n += 2;
		} else {
			memcpy(o + 1, pw_jw_d2 + 2 * v, 2);
			w->n += 3;
		}
		return;
	}
	if (!first)
		pw_jw_ch(w, ',');
	pw_jw_u64(w, v);
}

#endif
