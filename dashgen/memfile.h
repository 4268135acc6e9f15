// SPDX-License-Identifier: Apache-2.0
// memfile.h: a FILE that writes into memory growing without a copy, for the documents of several MB the dashboards build.
//
// open_memstream() grows its buffer by allocating a bigger one and copying:
// the heatmap document (7 MB at 10^7 events) was copied about twice over
// into fresh pages, 15 ms of the 90 after the pass (docs/bench.md). Here
// the buffer is a private mapping that mremap() enlarges in place or moves
// by its page tables: each page is touched once.
//
//	char *buf;
//	size_t len;
//	FILE *f = pw_memfile_open(&buf, &len);
//	fputs("...", f);
//	if (ferror(f) | fclose(f))	// out of memory
//		...;
//	use(buf, len);			// NUL-terminated, like open_memstream's
//	pw_memfile_free(buf);
#ifndef PW_MEMFILE_H
#define PW_MEMFILE_H

#include <stdio.h>

// pw_memfile_open: a FILE for writing only; *buf and *len are set at
// fflush() and fclose() (*buf NULL until then). NULL when out of memory.
FILE *pw_memfile_open(char **buf, size_t *len);

// pw_memfile_free: release a buffer pw_memfile_open() gave; NULL is fine.
void pw_memfile_free(char *buf);

#endif
