// SPDX-License-Identifier: Apache-2.0
// jwrite.c: the out-of-line part of the JSON number writer (jwrite.h): numbers of three digits and more.
#include "jwrite.h"

void pw_jw_u64_big(struct pw_jw *w, uint64_t v)
{
	char tmp[20], *end = tmp + sizeof(tmp), *p = end;

	// 8 digits at a time: one 64-bit division per 8, then 32-bit steps
	while (v >= 100000000) {
		uint32_t r = (uint32_t)(v % 100000000);
		v /= 100000000;
		char *q = pw_jw_u32_back(p, r);
		while (q > p - 8)	// the chunk's leading zeros
			*--q = '0';
		p -= 8;
	}
	p = pw_jw_u32_back(p, (uint32_t)v);
	size_t k = (size_t)(end - p);
	memcpy(pw_jw_room(w, k), p, k);
	w->n += k;
}
