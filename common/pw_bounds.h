// SPDX-License-Identifier: Apache-2.0
// pw_bounds.h: the one check that a length or a count read from a file
// fits what remains of its buffer, written so that it cannot overflow (no
// count * size, no off + len): every parser of untrusted bytes in perfwhiz
// (the .cdict reader, the msgpack guard, the perf.data parser) uses it
// before it allocates or reads. Usage:
//	const uint8_t buf[16] = { 0 };
//	const uint8_t *p = buf + 4, *end = buf + sizeof(buf);
//	uint32_t count = 3;				// read from the file
//	if (!pw_fits(count, 8, (uint64_t)(end - p)))	// 3 items of 8 bytes in 12?
//		return PW_ECORRUPT;
//	if (!pw_span_fits(4, 12, sizeof(buf)))		// buf[4 .. 16) inside buf?
//		return PW_ETRUNC;
#ifndef PW_BOUNDS_H
#define PW_BOUNDS_H

#include <stdint.h>

// pw_fits: 1 when count items of size bytes each (size > 0) fit in the
// `room` bytes that remain.
static inline int pw_fits(uint64_t count, uint64_t size, uint64_t room)
{
	return count <= room / size;
}

// pw_span_fits: 1 when the len bytes at offset off lie inside a buffer of
// total bytes.
static inline int pw_span_fits(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

#endif
