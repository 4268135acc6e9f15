// SPDX-License-Identifier: Apache-2.0
// outfile.c: output files written through a temporary file and renamed into place (outfile.h).
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "pw_error.h"

// tries at a free temporary name (another process of ours may hold one)
#define TMP_TRIES 100

int pw_out_open(struct pw_out *o, const char *path)
{
	size_t n = strlen(path) + 32;

	*o = (struct pw_out)PW_OUT_INIT;
	o->path = strdup(path);
	o->tmp = malloc(n);
	if (!o->path || !o->tmp) {
		pw_out_release(o);
		errno = ENOMEM;
		return PW_ENOMEM;
	}
	for (int i = 0; i < TMP_TRIES; i++) {
		snprintf(o->tmp, n, "%s.%ld.%d.tmp", path, (long)getpid(), i);
		int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0) {
			if (errno == EEXIST)
				continue;
			break;
		}
		o->f = fdopen(fd, "w");
		if (o->f)
			return 0;
		int e = errno;
		close(fd);
		unlink(o->tmp);
		errno = e;
		break;
	}
	free(o->tmp);	// nothing to remove
	o->tmp = NULL;
	pw_out_release(o);
	return PW_EIO;
}

int pw_out_commit(struct pw_out *o)
{
	int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f));
	int e = errno;

	if (fclose(o->f) && !bad) {
		bad = 1;
		e = errno;
	}
	o->f = NULL;
	if (!bad && rename(o->tmp, o->path)) {
		bad = 1;
		e = errno;
	}
	if (bad)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	errno = e;
	return bad ? PW_EIO : 0;
}

void pw_out_release(struct pw_out *o)
{
	int e = errno;

	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	*o = (struct pw_out)PW_OUT_INIT;
	errno = e;
}
