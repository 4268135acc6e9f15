// SPDX-License-Identifier: GPL-2.0-only
// procfs.c: small files of /proc read whole (procfs.h).
#include <stdio.h>

#include "procfs.h"

long pw_read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	return (long)n;
}
