// SPDX-License-Identifier: Apache-2.0
// outfile.c: perfwhiz-dash's output files as FILEs over common/pw_outpath.h (outfile.h).
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "pw_error.h"

int pw_out_open(struct pw_out *o, const char *path)
{
	int err;

	*o = (struct pw_out)PW_OUT_INIT;
	if (!(o->path = strdup(path))) {
		errno = ENOMEM;
		return PW_ENOMEM;
	}
	if ((err = pw_outpath_open(&o->op, path)) == 0 && !(o->f = fdopen(o->op.fd, "w")))
		err = errno == ENOMEM ? PW_ENOMEM : PW_EIO;
	if (err) {
		pw_out_release(o);	// keeps errno
		return err == PW_EINVAL ? PW_EIO : err;
	}
	return 0;
}

int pw_out_commit(struct pw_out *o)
{
	int stream = o->op.kind == PW_OUTPATH_STREAM;
	int bad = fflush(o->f) != 0 || ferror(o->f) || (!stream && fsync(fileno(o->f)));
	int e = errno;

	// fclose() closes the descriptor; pw_outpath_commit() renames
	if (fclose(o->f) && !bad) {
		bad = 1;
		e = errno;
	}
	o->f = NULL;
	o->op.fd = -1;
	if (bad) {
		pw_outpath_release(&o->op);	// removes the temporary file
		errno = e;
		return PW_EIO;
	}
	return pw_outpath_commit(&o->op);
}

void pw_out_release(struct pw_out *o)
{
	int e = errno;

	if (o->f) {
		fclose(o->f);
		o->op.fd = -1;
	}
	pw_outpath_release(&o->op);
	free(o->path);
	*o = (struct pw_out)PW_OUT_INIT;
	errno = e;
}
