// SPDX-License-Identifier: Apache-2.0
// memfile.c: pw_memfile_open(): a FILE into an anonymous mapping that mremap() grows (see memfile.h).
#include "memfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

// The mapping starts with its size; the text follows.
#define MF_HEAD 64
#define MF_FIRST (1u << 20)

struct mf {
	char *map;		// the mapping: size at map, text at map + MF_HEAD
	size_t size;		// of the mapping
	size_t len;		// text written
	char **buf;
	size_t *lenp;
};

static void mf_publish(struct mf *m)
{
	m->map[MF_HEAD + m->len] = '\0';
	*m->buf = m->map + MF_HEAD;
	*m->lenp = m->len;
}

static ssize_t mf_write(void *cookie, const char *p, size_t n)
{
	struct mf *m = cookie;

	if (n > m->size - MF_HEAD - 1 - m->len) {	// room for the NUL too
		size_t want = m->size;
		while (n > want - MF_HEAD - 1 - m->len) {
			if (want > SIZE_MAX / 2)
				return 0;
			want *= 2;
		}
		void *nm = mremap(m->map, m->size, want, MREMAP_MAYMOVE);
		if (nm == MAP_FAILED)
			return 0;	// a short write: the FILE's error
		m->map = nm;
		m->size = want;
		memcpy(m->map, &m->size, sizeof(m->size));
	}
	memcpy(m->map + MF_HEAD + m->len, p, n);
	m->len += n;
	mf_publish(m);
	return (ssize_t)n;
}

static int mf_close(void *cookie)
{
	free(cookie);
	return 0;
}

FILE *pw_memfile_open(char **buf, size_t *len)
{
	struct mf *m = calloc(1, sizeof(*m));
	cookie_io_functions_t io = { .write = mf_write, .close = mf_close };
	FILE *f;

	*buf = NULL;
	*len = 0;
	if (!m)
		return NULL;
	m->map = mmap(NULL, MF_FIRST, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->map == MAP_FAILED) {
		free(m);
		return NULL;
	}
	m->size = MF_FIRST;
	memcpy(m->map, &m->size, sizeof(m->size));
	m->buf = buf;
	m->lenp = len;
	mf_publish(m);
	if (!(f = fopencookie(m, "w", io))) {
		pw_memfile_free(*buf);
		*buf = NULL;
		free(m);
	}
	return f;
}

void pw_memfile_free(char *buf)
{
	size_t size;

	if (!buf)
		return;
	memcpy(&size, buf - MF_HEAD, sizeof(size));
	munmap(buf - MF_HEAD, size);
}
