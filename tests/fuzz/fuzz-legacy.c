// SPDX-License-Identifier: Apache-2.0
// fuzz-legacy.c: libFuzzer target for the legacy (original perfwhiz) reader:
// the input is the msgpack document; the harness compresses it, so that
// the fuzzer works on the structure rather than on zlib's bit stream.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include "cdict.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uLongf zlen = compressBound(size);
	uint8_t *z = malloc(zlen);
	int fd = memfd_create("fuzz-legacy", MFD_CLOEXEC);

	if (fd >= 0 && z && compress2(z, &zlen, data, size, 1) == Z_OK &&
	    write(fd, z, zlen) == (ssize_t)zlen) {
		lseek(fd, 0, SEEK_SET);
		fuzz_read_all(fd);
	}
	if (fd >= 0)
		close(fd);
	free(z);
	return 0;
}
