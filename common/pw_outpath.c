// SPDX-License-Identifier: Apache-2.0
// pw_outpath.c: outputs by what their path holds: a temporary file renamed
// over a regular file, straight through to a device or FIFO, refused
// otherwise (pw_outpath.h).
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pw_outpath.h"

// tries at a free temporary name (another process may hold one)
#define TMP_TRIES 100
#define TMP_RAND 6	// random characters in a temporary name

const char *pw_outpath_refusal(const char *path)
{
	struct stat lst, st;

	if (lstat(path, &lst))
		return NULL;	// nothing there, or opening it will say why
	if (stat(path, &st))
		return errno == ENOENT && S_ISLNK(lst.st_mode) ? "a symbolic link to nothing" :
								 NULL;
	if (S_ISDIR(st.st_mode))
		return "a directory";
	if (S_ISSOCK(st.st_mode))
		return "a socket";
	if (S_ISBLK(st.st_mode))
		return "a block device";
	return NULL;
}

// A name for the next try: splitmix64 over the time, the pid and a counter
// (unique in the process, unlikely to be taken by another).
static uint64_t next_random(void)
{
	static _Atomic uint64_t counter;
	struct timespec ts;
	uint64_t x;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 40) ^
	    atomic_fetch_add_explicit(&counter, 0x9e3779b97f4a7c15u, memory_order_relaxed);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

// The temporary file beside o->dest, ".NAME.XXXXXX", made with O_EXCL and
// mode 0666: the kernel applies the umask (and a directory's default ACL),
// as for any new file. 0, or PW_ENOMEM / PW_EIO (errno).
static int make_tmp(struct pw_outpath *o)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	const char *slash = strrchr(o->dest, '/');
	int dlen = slash ? (int)(slash - o->dest + 1) : 0;

	if (asprintf(&o->tmp, "%.*s.%s.XXXXXX", dlen, o->dest, o->dest + dlen) < 0) {
		o->tmp = NULL;
		errno = ENOMEM;
		return PW_ENOMEM;
	}
	char *x = o->tmp + strlen(o->tmp) - TMP_RAND;
	for (int i = 0; i < TMP_TRIES; i++) {
		uint64_t r = next_random();
		for (int k = 0; k < TMP_RAND; k++, r /= sizeof(set) - 1)
			x[k] = set[r % (sizeof(set) - 1)];
		o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (o->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	free(o->tmp);	// nothing to remove
	o->tmp = NULL;
	return PW_EIO;
}

// A replaced file's permission bits (never set-id bits), and its owner and
// group where the process may set them (root; a group the user is in).
// The mode must hold: a copy readable by more people than the file was is
// refused (where the filesystem keeps modes at all).
static int keep_mode(int fd, const struct stat *was)
{
	mode_t mode = was->st_mode & 0777;
	struct stat now;

	if ((was->st_uid != geteuid() || was->st_gid != getegid()) &&
	    fchown(fd, was->st_uid, was->st_gid)) {
		// best effort: the mode below is what protects the data
	}
	if (fchmod(fd, mode) == 0)
		return 0;
	int e = errno;
	if (fstat(fd, &now) == 0 && !(now.st_mode & 0777 & ~mode))
		return 0;	// a filesystem without modes (vfat): nothing wider
	errno = e;
	return PW_EIO;
}

// A character device or a FIFO: opened as it is (a FIFO waits for its
// reader); still one once open (not replaced in between).
static int open_stream(struct pw_outpath *o, const char *path)
{
	struct stat st;

	o->kind = PW_OUTPATH_STREAM;
	o->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (o->fd < 0)
		return PW_EIO;
	if (fstat(o->fd, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		return 0;
	close(o->fd);
	o->fd = -1;
	errno = EAGAIN;		// it changed kind between the look and the open
	return PW_EIO;
}

int pw_outpath_open(struct pw_outpath *o, const char *path)
{
	struct stat lst, st;
	int err;

	*o = (struct pw_outpath)PW_OUTPATH_INIT;
	if (!path || !*path) {
		errno = EINVAL;
		return PW_EINVAL;
	}
	if (lstat(path, &lst)) {
		if (errno != ENOENT)
			return PW_EIO;	// ENOTDIR, EACCES, ...
		o->dest = strdup(path);	// nothing there (or no such directory:
					// creating the temporary file says so)
	} else if (stat(path, &st)) {
		return PW_EIO;		// ENOENT: a link to nothing; ELOOP
	} else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
		return open_stream(o, path);
	} else if (S_ISREG(st.st_mode)) {
		o->kind = PW_OUTPATH_FILE;
		// through links: the file they lead to, in its own directory
		o->dest = S_ISLNK(lst.st_mode) ? realpath(path, NULL) : strdup(path);
		if (!o->dest && errno != ENOMEM)
			return PW_EIO;
	} else {
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENOTSUP;
		return PW_EIO;
	}
	if (!o->dest) {
		errno = ENOMEM;
		return PW_ENOMEM;
	}
	if ((err = make_tmp(o)))
		return err;
	if (o->kind == PW_OUTPATH_FILE && (err = keep_mode(o->fd, &st))) {
		int e = errno;
		pw_outpath_release(o);
		errno = e;
	}
	return err;
}

int pw_outpath_rename(const char *tmp, const char *dest)
{
	struct stat st;

	// what was looked at in pw_outpath_open() may have changed since: a
	// device or a directory is never renamed over
	if (lstat(dest, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENOTSUP;
		return -1;
	}
	return rename(tmp, dest);
}

int pw_outpath_commit(struct pw_outpath *o)
{
	int e = 0;

	if (o->fd >= 0 && close(o->fd) < 0)
		e = errno;
	o->fd = -1;
	if (!e && o->tmp && pw_outpath_rename(o->tmp, o->dest) < 0)
		e = errno;
	if (o->tmp && e)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	errno = e;
	return e ? PW_EIO : 0;
}

void pw_outpath_release(struct pw_outpath *o)
{
	int e = errno;

	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->dest);
	*o = (struct pw_outpath)PW_OUTPATH_INIT;
	errno = e;
}

int pw_outpath_same(const char *out, const char *in)
{
	struct stat a, b;

	return !stat(out, &a) && S_ISREG(a.st_mode) && !stat(in, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int pw_outpath_same_fd(const char *path, int fd)
{
	struct stat a, b;

	return !stat(path, &a) && S_ISREG(a.st_mode) && !fstat(fd, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}
