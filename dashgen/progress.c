// SPDX-License-Identifier: Apache-2.0
// progress.c: the progress line on stderr while a file is read (progress.h).
#include <stdio.h>

#include "cli.h"
#include "progress.h"

// seconds since *t
static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

void pw_progress_start(struct pw_progress *p, const char *file)
{
	p->file = file;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void pw_progress_cb(void *ctx, uint64_t events, uint64_t bytes)
{
	struct pw_progress *p = ctx;
	(void)bytes;
	if (!p->enabled || since(&p->start) < 1.0)
		return;
	// not pw_msg: the line starts with "\r" and ends without "\n"
	fprintf(stderr, "\r" PW_DASH_PROG ": reading '%s': %.1f M events", p->file,
		(double)events / 1e6);
	p->shown = 1;
}

void pw_progress_end(struct pw_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}
