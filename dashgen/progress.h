// SPDX-License-Identifier: Apache-2.0
// progress.h: the "reading 'FILE': N M events" line perfwhiz-dash keeps on a terminal during a long reading.
//
// Nothing is shown during the first second (most files are read by then),
// nor when the progress is not enabled (-q, or stderr is not a terminal).
// The line is rewritten in place ("\r") and erased at the end, so that
// what follows on stderr starts on a clean line.
//
// Usage:
//	struct pw_progress p = PW_PROGRESS_INIT;
//	p.enabled = 1;
//	pw_progress_start(&p, "run.cdict");
//	pw_progress_cb(&p, 2000000, 0);	// what pw_an_opts.progress is called with
//	pw_progress_end(&p);
#ifndef PW_PROGRESS_H
#define PW_PROGRESS_H

#include <stdint.h>
#include <time.h>

struct pw_progress {
	int enabled;		// 0: never shown
	const char *file;	// the file being read (borrowed)
	struct timespec start;	// when its reading started
	int shown;		// the line is on the terminal
};

#define PW_PROGRESS_INIT { .enabled = 0 }

// pw_progress_start: a reading of file begins now.
void pw_progress_start(struct pw_progress *p, const char *file);

// pw_progress_cb: pw_an_opts.progress, with ctx the struct pw_progress:
// events read so far (bytes is not used).
void pw_progress_cb(void *ctx, uint64_t events, uint64_t bytes);

// pw_progress_end: erase the line if it was shown.
void pw_progress_end(struct pw_progress *p);

#endif
