// SPDX-License-Identifier: Apache-2.0
// outfile.h: an output file that appears complete or not at all (the pages, the CSV tables).
//
// The text goes to a temporary file made with O_EXCL beside the
// destination ("PATH.PID.N.tmp", mode 0666 less the umask, as fopen would
// make PATH); pw_out_commit() flushes it, syncs it and renames it over PATH.
// On any failure, or with pw_out_release() before a commit, the temporary
// file is removed: nothing is left under PATH or beside it.
//
// Usage:
//	struct pw_out o = PW_OUT_INIT;
//	if (pw_out_open(&o, "x.csv"))
//		die("cannot write 'x.csv': %s", strerror(errno));
//	fputs("a,b\r\n", o.f);
//	if (pw_out_commit(&o))
//		die("cannot write '%s': %s", o.path, strerror(errno));
//	pw_out_release(&o);
#ifndef PW_OUTFILE_H
#define PW_OUTFILE_H

#include <stdio.h>

struct pw_out {
	FILE *f;	// write here between open and commit
	char *path;	// the destination (a copy; until pw_out_release)
	char *tmp;	// the temporary file, NULL once renamed or removed
};

#define PW_OUT_INIT { .f = NULL, .path = NULL, .tmp = NULL }

// pw_out_open: 0; PW_ENOMEM, or PW_EIO with errno saying why (o is then
// as PW_OUT_INIT).
int pw_out_open(struct pw_out *o, const char *path);

// pw_out_commit: flush, fsync, close and rename over the destination: 0,
// or PW_EIO with errno saying why (the temporary file removed).
int pw_out_commit(struct pw_out *o);

// pw_out_release: remove the temporary file if it is still there, free
// what o holds (errno is kept); fine on PW_OUT_INIT and after a commit.
void pw_out_release(struct pw_out *o);

#endif
