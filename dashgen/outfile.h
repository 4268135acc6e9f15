// SPDX-License-Identifier: Apache-2.0
// outfile.h: an output file of perfwhiz-dash (the pages, the CSV tables) as a FILE, written as its path says.
//
// The policy is common/pw_outpath.h's, the plugin's too: a new or regular
// file (through links: the file they lead to) is written to a temporary
// file made with O_EXCL beside it (".NAME.XXXXXX", mode 0666 less the
// umask; a replaced file keeps its mode), and pw_out_commit() flushes it,
// syncs it and renames it over the file; on any failure, or with
// pw_out_release() before a commit, the temporary file is removed: nothing
// is left under PATH or beside it. A character device or a FIFO is written
// straight through (half-written by a failure); a directory, a socket, a
// block device or a link to nothing is refused by pw_out_open().
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

#include "pw_outpath.h"

struct pw_out {
	FILE *f;		// write here between open and commit
	char *path;		// the destination as given (a copy; until pw_out_release)
	struct pw_outpath op;	// the file under f, and where it goes
};

#define PW_OUT_INIT { .f = NULL, .path = NULL, .op = PW_OUTPATH_INIT }

// pw_out_open: 0; PW_ENOMEM, or PW_EIO with errno saying why (EISDIR,
// ENOTSUP or ENOENT for a refused path, pw_outpath_open()); o is then as
// PW_OUT_INIT.
int pw_out_open(struct pw_out *o, const char *path);

// pw_out_commit: flush, fsync (not a device or FIFO), close and rename
// over the destination: 0, or PW_EIO with errno saying why (the temporary
// file removed).
int pw_out_commit(struct pw_out *o);

// pw_out_release: remove the temporary file if it is still there, free
// what o holds (errno is kept); fine on PW_OUT_INIT and after a commit.
void pw_out_release(struct pw_out *o);

#endif
