// SPDX-License-Identifier: Apache-2.0
// msgpack_guard.h: a pre-check of untrusted msgpack bytes before msgpack-c
// unpacks them. msgpack-c's C unpacker sizes its allocations by the element
// counts the data declares (an array header claiming 2^32 elements asks for
// 96 GiB before a single element is read) and has no limit option, so every
// count is checked against the bytes that remain, and the total number of
// objects is capped, before unpacking. Private to common/.
#ifndef PW_MSGPACK_GUARD_H
#define PW_MSGPACK_GUARD_H

#include <stddef.h>
#include <stdint.h>

// pw_msgpack_check: 0 when p[0..n) is exactly one msgpack object, nested at
// most 32 deep, holding at most max_objects objects in all, every container
// declaring no more elements than bytes remain; else -1.
int pw_msgpack_check(const uint8_t *p, size_t n, uint64_t max_objects);

#endif
