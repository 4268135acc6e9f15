// SPDX-License-Identifier: Apache-2.0
// fuzz-cdict.c: libFuzzer target for the .cdict reader. An input starting
// with 'F' (version 3) or 'E' (version 2) is framed by the harness (header,
// then each 0xff 0xfe 0xfd separated segment compressed and checksummed as a
// chunk) so that the fuzzer reaches past the CRCs into the msgpack payloads;
// any other input is the file itself.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include "cdict.h"
#include "fuzz.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void frame(int fd, uint8_t version, const uint8_t *data, size_t size)
{
	const uint8_t hdr[16] = { 'P', 'W', 'C', 'D', 'I', 'C', 'T', '\n', version };
	const uint8_t *end = data + size;

	if (write(fd, hdr, sizeof(hdr)) != sizeof(hdr))
		return;
	while (data <= end) {
		const uint8_t *sep = memmem(data, (size_t)(end - data), "\xff\xfe\xfd", 3);
		size_t n = sep ? (size_t)(sep - data) : (size_t)(end - data);
		uLongf zlen = compressBound(n);
		uint8_t *z = malloc(zlen + 16);

		if (!z || compress2(z + 16, &zlen, data, n, 1) != Z_OK) {
			free(z);
			return;
		}
		put32(z, (uint32_t)zlen);
		put32(z + 4, (uint32_t)n);
		put32(z + 8, pw_crc32(0, z + 16, zlen));
		put32(z + 12, pw_crc32(0, z, 12));
		if (write(fd, z, zlen + 16) != (ssize_t)(zlen + 16)) {
			free(z);
			return;
		}
		free(z);
		if (!sep)
			break;
		data = sep + 3;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-cdict", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size > 0 && (data[0] == 'F' || data[0] == 'E'))
		frame(fd, data[0] == 'F' ? 3 : 2, data + 1, size - 1);
	else if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	fuzz_read_all(fd);
	close(fd);
	return 0;
}
