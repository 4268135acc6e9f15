// SPDX-License-Identifier: Apache-2.0
// msgpack_guard.c: walks msgpack bytes without building anything, to bound
// what msgpack-c will allocate for them (see msgpack_guard.h).
#include "msgpack_guard.h"
#include "pw_bounds.h"

#define MAX_DEPTH 32

static uint64_t be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

int pw_msgpack_check(const uint8_t *p, size_t n, uint64_t max_objects)
{
	uint64_t left[MAX_DEPTH + 1];	// objects still due per open container
	const uint8_t *end = p + n;
	uint64_t objects = 0;
	int depth = 0;

	left[0] = 1;	// the document: exactly one object
	while (depth > 0 || left[0] > 0) {
		uint64_t len = 0, count = 0;
		unsigned lensz = 0, fixed = 0, b;

		if (left[depth] == 0) {
			depth--;
			continue;
		}
		left[depth]--;
		if (p >= end || ++objects > max_objects)
			return -1;
		b = *p++;
		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
			continue;
		if (b >= 0x80 && b <= 0x8f)
			count = 2 * (uint64_t)(b & 0x0f);
		else if (b >= 0x90 && b <= 0x9f)
			count = b & 0x0f;
		else if (b >= 0xa0 && b <= 0xbf)
			len = b & 0x1f;
		else
			switch (b) {
			case 0xc4: case 0xd9: lensz = 1; break;
			case 0xc5: case 0xda: lensz = 2; break;
			case 0xc6: case 0xdb: lensz = 4; break;
			case 0xc7: lensz = 1; fixed = 1; break;	// ext: + type
			case 0xc8: lensz = 2; fixed = 1; break;
			case 0xc9: lensz = 4; fixed = 1; break;
			case 0xca: fixed = 4; break;
			case 0xcb: fixed = 8; break;
			case 0xcc: case 0xd0: fixed = 1; break;
			case 0xcd: case 0xd1: fixed = 2; break;
			case 0xce: case 0xd2: fixed = 4; break;
			case 0xcf: case 0xd3: fixed = 8; break;
			case 0xd4: fixed = 2; break;
			case 0xd5: fixed = 3; break;
			case 0xd6: fixed = 5; break;
			case 0xd7: fixed = 9; break;
			case 0xd8: fixed = 17; break;
			case 0xdc: case 0xdd:
			case 0xde: case 0xdf: {
				unsigned sz = (b == 0xdc || b == 0xde) ? 2 : 4;

				if (!pw_fits(sz, 1, (uint64_t)(end - p)))
					return -1;
				count = be(p, sz) * (b >= 0xde ? 2 : 1);
				p += sz;
				break;
			}
			default:
				return -1;	// 0xc1: never used
			}
		if (lensz) {
			if (!pw_fits(lensz, 1, (uint64_t)(end - p)))
				return -1;
			len = be(p, lensz);
			p += lensz;
		}
		len += fixed;
		if (!pw_fits(len, 1, (uint64_t)(end - p)))
			return -1;
		p += len;
		if (count) {
			// every element takes at least one byte
			if (!pw_fits(count, 1, (uint64_t)(end - p)) || depth == MAX_DEPTH)
				return -1;
			left[++depth] = count;
		}
	}
	return p == end ? 0 : -1;
}
