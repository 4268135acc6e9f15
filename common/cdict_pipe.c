// SPDX-License-Identifier: Apache-2.0
// cdict_pipe.c: the reader's chunk pipeline (cdict_pipe.h): reading chunks
// in file order into slots, and the threads that decode them ahead.
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cdict_pipe.h"
#include "pw_bounds.h"
#include "pw_thread.h"

ssize_t pw_pipe_read(struct pw_pipe *p, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(p->fd, (char *)buf + got, n - got);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	p->off += got;
	return (ssize_t)got;
}

/* ---- reading a chunk (file order, under the lock) ----------------------- */

void pw_pipe_read_slot(struct pw_pipe *p, struct pw_slot *s)
{
	uint64_t off = p->off;
	ssize_t n;

	s->off = off;
	s->type = CH_ERR;
	memset(&s->f, 0, sizeof(s->f));
	n = pw_pipe_read(p, s->hdr, sizeof(s->hdr));
	if (n < 0) {
		FAIL(&s->f, PW_EIO, off, "%s", strerror(errno));
		return;
	}
	if (n == 0) {
		s->type = CH_EOF;
		return;
	}
	if ((size_t)n < sizeof(s->hdr)) {
		FAIL(&s->f, PW_ETRUNC, off, "chunk header cut short");
		return;
	}
	if (pw_get_le32(s->hdr + 12) != pw_crc32(0, s->hdr, 12)) {
		FAIL(&s->f, PW_ECRC, off, "chunk header checksum mismatch");
		return;
	}
	s->zlen = pw_get_le32(s->hdr);
	s->rawlen = pw_get_le32(s->hdr + 4);
	if (s->zlen > PW_CHUNK_MAX || s->rawlen > PW_CHUNK_MAX) {
		FAIL(&s->f, PW_ETOOBIG, off,
		     "chunk claims %" PRIu32 " bytes (%" PRIu32
		     " decompressed), limit is %u", s->zlen, s->rawlen, PW_CHUNK_MAX);
		return;
	}
	// what remains of a regular file (a pipe's length is unknown)
	if (p->file_size && !pw_fits(s->zlen, 1, p->file_size - p->off)) {
		FAIL(&s->f, PW_ETRUNC, off,
		     "chunk of %" PRIu32 " bytes cut short at end of file", s->zlen);
		return;
	}
	if (pw_bytes_room(&s->zbuf, &s->zcap, s->zlen ? s->zlen : 1)) {
		FAIL(&s->f, PW_ENOMEM, off, "out of memory");
		return;
	}
	n = pw_pipe_read(p, s->zbuf, s->zlen);
	if (n < 0) {
		FAIL(&s->f, PW_EIO, off, "%s", strerror(errno));
		return;
	}
	if ((size_t)n < s->zlen) {
		FAIL(&s->f, PW_ETRUNC, off,
		     "chunk of %" PRIu32 " bytes cut short at end of file", s->zlen);
		return;
	}
	s->end = p->off;
	s->type = CH_SKIP;	// read; pw_slot_decode() says what it is
}

/* ---- the threads ------------------------------------------------------- */

// A read that ends the input: nothing after it is worth reading.
static int slot_stops(const struct pw_slot *s)
{
	return s->type == CH_EOF || s->type == CH_ERR || s->type == CH_END ||
	       s->f.err || (s->type == CH_META && s->seq);
}

static void *worker(void *arg)
{
	struct pw_pipe *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && (p->read_stop || p->next_read >= p->next_take + p->nslots ||
				    p->slots[p->next_read % p->nslots].held))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->quit)
			break;
		struct pw_slot *s = &p->slots[p->next_read % p->nslots];

		s->seq = p->next_read++;
		pw_pipe_read_slot(p, s);	// in file order: under the lock
		if (s->type == CH_EOF || s->type == CH_ERR)
			p->read_stop = 1;
		pthread_mutex_unlock(&p->mu);
		pw_slot_decode(s, p->version);
		pthread_mutex_lock(&p->mu);
		if (slot_stops(s))
			p->read_stop = 1;
		s->ready = 1;
		pthread_cond_broadcast(&p->ready);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int pw_pipe_start(struct pw_pipe *p)
{
	// a slot per thread, the caller's, one to spare; and the lent ones
	// less one, since the slot lent is the one the caller just finished
	// with. More slots made both pages slower: the chunks leave the cache
	// (docs/decisions.md, "A lent slot is the caller's spare one" and "Not
	// kept: a deeper reader pipeline").
	unsigned n = p->nthreads ? p->nthreads + 2 + (p->holds ? p->holds - 1 : 0) : 1;

	p->started = 1;
	if (!(p->slots = calloc(n, sizeof(*p->slots))))
		return PW_ENOMEM;
	p->nslots = n;
	for (unsigned i = 0; i < p->nslots; i++)
		pw_slot_init(&p->slots[i]);
	p->next_read = p->next_take = 1;	// chunk 0 was the metadata
	if (!p->nthreads)
		return 0;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->ready, NULL);
	for (unsigned i = 0; i < p->nthreads; i++) {
		if (pw_thread_start(&p->threads[i], worker, p))
			break;
		p->running++;
	}
	return 0;
}

struct pw_slot *pw_pipe_get(struct pw_pipe *p)
{
	struct pw_slot *s = &p->slots[p->next_take % p->nslots];

	if (!p->running) {	// no thread: the caller reads and decodes
		s->seq = p->next_take;
		if (p->read_stop) {	// cannot happen: a stop is always taken last
			s->type = CH_EOF;
			return s;
		}
		pw_pipe_read_slot(p, s);
		pw_slot_decode(s, p->version);
		if (slot_stops(s))
			p->read_stop = 1;
		return s;
	}
	pthread_mutex_lock(&p->mu);
	while (!(s->ready && s->seq == p->next_take))
		pthread_cond_wait(&p->ready, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return s;
}

void pw_pipe_put(struct pw_pipe *p)
{
	if (!p->running) {
		p->next_take++;
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->slots[p->next_take % p->nslots].ready = 0;
	p->next_take++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

int pw_pipe_hold(struct pw_pipe *p, struct pw_slot *s)
{
	int n = 0;

	if (!p->running)
		return -1;
	pthread_mutex_lock(&p->mu);
	for (unsigned i = 0; i < p->nslots; i++)
		n += p->slots[i].held;
	int token = (unsigned)n < p->holds ? (int)(s - p->slots) : -1;
	if (token >= 0)
		s->held = 1;
	pthread_mutex_unlock(&p->mu);
	return token;
}

void pw_pipe_unhold(struct pw_pipe *p, int token)
{
	if (token < 0 || (unsigned)token >= p->nslots)
		return;
	pthread_mutex_lock(&p->mu);
	p->slots[token].held = 0;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void pw_pipe_release(struct pw_pipe *p)
{
	// the threads only ever block on the lock, never in read(): they are
	// used on regular files only
	if (p->running) {
		pthread_mutex_lock(&p->mu);
		p->quit = 1;
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->mu);
		for (unsigned i = 0; i < p->running; i++)
			pthread_join(p->threads[i], NULL);
		p->running = 0;
	}
	if (p->nslots && p->nthreads) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->ready);
	}
	for (unsigned i = 0; i < p->nslots; i++)
		pw_slot_release(&p->slots[i]);
	free(p->slots);
}
