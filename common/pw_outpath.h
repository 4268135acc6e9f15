// SPDX-License-Identifier: Apache-2.0
// pw_outpath.h: what an output path holds, and how perfwhiz writes there: the
// one policy of the plugin's .cdict and of every file perfwhiz-dash writes.
//
// The policy, by what the path holds, symbolic links followed
// (docs/architecture.md, "Outputs by what their path holds"):
// - nothing, or a regular file: the bytes go to a temporary file made with
//   O_EXCL beside the file (".NAME.XXXXXX"), renamed over it once complete,
//   so that the file appears whole or not at all and an earlier one
//   survives any failure. A new file's mode is 0666 less the umask (as
//   open(2) makes it); a replaced file keeps its permission bits, and its
//   owner and group where the process may set them. Through a symbolic
//   link the link stays and the file it leads to is replaced.
// - a character device or a FIFO: written straight through, no temporary
//   file, no rename (/dev/null stays a device, a FIFO's reader gets the
//   bytes); such an output is half-written when the writing fails.
// - a directory, a socket, a block device, a symbolic link that leads to
//   nothing: refused before anything is written.
// An output that is the same file as an input (pw_outpath_same()) is the
// caller's to refuse: only it knows its inputs.
//
// Usage:
//	struct pw_outpath o = PW_OUTPATH_INIT;
//	const char *why = pw_outpath_refusal("x.csv");
//	if (why)
//		return fprintf(stderr, "cannot write 'x.csv': it is %s\n", why), 1;
//	if (pw_outpath_open(&o, "x.csv") == 0) {
//		if (dprintf(o.fd, "a,b\r\n") == 5 && pw_outpath_commit(&o) == 0)
//			puts("written");
//	}
//	pw_outpath_release(&o);		// removes the temporary file if still there
#ifndef PW_OUTPATH_H
#define PW_OUTPATH_H

#include "pw_error.h"

enum pw_outpath_kind {
	PW_OUTPATH_NEW,		// nothing there yet: created through a temporary file
	PW_OUTPATH_FILE,	// a regular file: replaced through a temporary file
	PW_OUTPATH_STREAM,	// a character device or a FIFO: written straight through
};

struct pw_outpath {
	int fd;		// write here; -1 when closed
	int kind;	// enum pw_outpath_kind
	char *dest;	// the file renamed over: the path, or the file its links
			// lead to; NULL for a stream
	char *tmp;	// the temporary file beside dest; NULL for a stream, and
			// once renamed or removed
};

#define PW_OUTPATH_INIT { .fd = -1, .kind = PW_OUTPATH_NEW, .dest = NULL, .tmp = NULL }

// pw_outpath_refusal: why path cannot be an output, in words to follow "it
// is" ("a directory", "a socket", "a block device", "a symbolic link to
// nothing"), or NULL when it can: it does not exist, or leads to a regular
// file, a character device or a FIFO, or cannot be looked at (opening it
// will say why). A static string.
const char *pw_outpath_refusal(const char *path);

// pw_outpath_open: open path for writing as the policy says (o is set, even
// on failure, for pw_outpath_release()). 0; PW_EINVAL for an empty path;
// PW_ENOMEM; PW_EIO with errno saying why: a refused path gives EISDIR (a
// directory), ENOTSUP (a socket, a block device) or ENOENT (a link to
// nothing). Opening a FIFO waits for its reader.
int pw_outpath_open(struct pw_outpath *o, const char *path);

// pw_outpath_commit: once everything is written (and synced, as the caller
// wants), close o->fd and rename the temporary file over o->dest, which
// must still be nothing, a regular file or a link (else ENOTSUP or EISDIR);
// a stream is only closed. 0, or PW_EIO with errno (the temporary file is
// then removed).
int pw_outpath_commit(struct pw_outpath *o);

// pw_outpath_rename: the rename of pw_outpath_commit(), for a caller that
// keeps the temporary file's and the destination's names itself (the
// .cdict writer): 0, or -1 with errno; the temporary file stays on failure.
int pw_outpath_rename(const char *tmp, const char *dest);

// pw_outpath_release: close o->fd if open, remove the temporary file if it
// is still there, free what o holds; errno is kept. Fine on
// PW_OUTPATH_INIT and after a commit.
void pw_outpath_release(struct pw_outpath *o);

// pw_outpath_same: 1 when the output path out leads to the same regular
// file (device and inode, links followed) as the path in; else 0 (either
// missing, or out is no regular file: writing to a device or a FIFO
// destroys nothing).
int pw_outpath_same(const char *out, const char *in);

// pw_outpath_same_fd: 1 when path leads to a regular file that is the
// file open as fd (a program's standard input or output); else 0.
int pw_outpath_same_fd(const char *path, int fd);

#endif
