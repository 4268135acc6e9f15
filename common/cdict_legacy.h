// SPDX-License-Identifier: Apache-2.0
// cdict_legacy.h: reading the original Python perfwhiz's .cdict files (one
// zlib stream of one msgpack map of equal-length column lists). Private to
// common/: callers use the pw_reader interface of cdict.h.
#ifndef PW_CDICT_LEGACY_H
#define PW_CDICT_LEGACY_H

#include <stdint.h>

#include "cdict.h"

struct pw_legacy;

// pw_legacy_sniff: 1 when the first two bytes are a zlib header.
int pw_legacy_sniff(const uint8_t first[2]);

// pw_legacy_open: read the rest of fd (the first two bytes were consumed and
// are given), inflate with a cap of PW_LEGACY_MAX and check the columns.
// *out is set even on an input error (for pw_legacy_detail); NULL only on
// PW_ENOMEM. Strings go into the reader's table through pw_reader_intern_.
int pw_legacy_open(struct pw_legacy **out, int fd, const uint8_t first[2],
		   uint64_t file_size, struct pw_reader *r);

// pw_legacy_next: like pw_reader_next (switch runtime is left to the reader).
int pw_legacy_next(struct pw_legacy *l, struct pw_event *ev, struct pw_reader *r);

uint64_t pw_legacy_err_off(const struct pw_legacy *l);
const char *pw_legacy_detail(const struct pw_legacy *l);
uint64_t pw_legacy_skipped(const struct pw_legacy *l);
void pw_legacy_free(struct pw_legacy *l);

// Defined by cdict_read.c: add a string to the reader's table.
int pw_reader_intern_(struct pw_reader *r, const char *p, size_t n, uint32_t *id);

#endif
