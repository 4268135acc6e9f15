// SPDX-License-Identifier: Apache-2.0
// memfile.h: a FILE that writes into memory growing without a copy, for the documents of several MB the dashboards build.
//
// open_memstream() grows its buffer by allocating a bigger one and copying:
// a document of several MB is copied about twice over into fresh pages
// (docs/decisions.md, "Documents in a mremap()ed FILE"). Here the buffer is
// a private mapping that mremap() enlarges in place or moves by its page
// tables: each page is touched once.
//
// Usage:
//	char *buf;
//	size_t len;
//	FILE *f = pw_memfile_open(&buf, &len);
//	if (!f)
//		return -1;
//	fputs("...", f);
//	if (ferror(f) | fclose(f))	// out of memory
//		return -1;
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
