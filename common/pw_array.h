// SPDX-License-Identifier: Apache-2.0
// pw_array.h: growing an array by doubling, the one way perfwhiz does it
// (tasks, routes, formats, names, strings, map entries).
//
// Usage:
//	struct item { int32_t tid; } *v = NULL;
//	size_t n = 0, cap = 0;
//	if (pw_grow(&v, &cap, n, sizeof(*v), 16))
//		return -1;			// PW_ENOMEM, v and cap unchanged
//	v[n++] = (struct item){ 42 };
//	free(v);
#ifndef PW_ARRAY_H
#define PW_ARRAY_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pw_error.h"

// pw_grow: room for element n (the next one to be stored) in the array
// *ap (a pointer to any element type, passed by address) of *cap elements
// of elt bytes: when n >= *cap, the array is realloc()ed to twice *cap
// (min elements the first time, and at least n + 1). 0; PW_ENOMEM when
// realloc() fails or the size would overflow, with *ap and *cap unchanged.
// The array may move: pointers into it are stale after a growth.
static inline int pw_grow(void *ap, size_t *cap, size_t n, size_t elt, size_t min)
{
	void *p, *q;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : min;
	if (nc < *cap || nc <= n)
		nc = n + 1;
	if (nc > SIZE_MAX / elt)
		return PW_ENOMEM;
	memcpy(&p, ap, sizeof(p));
	if (!(q = realloc(p, nc * elt)))
		return PW_ENOMEM;
	memcpy(ap, &q, sizeof(q));
	*cap = nc;
	return 0;
}

#endif
