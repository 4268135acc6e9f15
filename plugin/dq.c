// SPDX-License-Identifier: GPL-2.0-only
// dq.c: the decoding queue and its thread (dq.h).
#include <stdlib.h>
#include <sys/mman.h>

#include "dq.h"
#include "pw_thread.h"

#define DQ_WAKE 2		// batches waiting before an idle thread is woken
#define DQ_ALIGN (2u << 20)	// the ring's alignment: a huge page

static void *dq_thread(void *arg)
{
	struct pw_dq *q = arg;
	int failed = 0;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->produced == q->consumed && !q->quit) {
			q->idle = 1;
			pthread_cond_wait(&q->cv_full, &q->mu);
		}
		q->idle = 0;
		if (q->produced == q->consumed)
			break;
		unsigned i = q->consumed % PW_DQ_N;
		pthread_mutex_unlock(&q->mu);
		if (!failed && q->consume(q->arg, q->b[i], q->len[i])) {
			failed = 1;
			atomic_store(&q->failed, 1);
		}
		pthread_mutex_lock(&q->mu);
		q->consumed++;
		pthread_cond_signal(&q->cv_free);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static void dq_sync_destroy(struct pw_dq *q)
{
	pthread_cond_destroy(&q->cv_free);
	pthread_cond_destroy(&q->cv_full);
	pthread_mutex_destroy(&q->mu);
}

// (With default attributes the inits cannot fail on Linux.)
int pw_dq_start(struct pw_dq *q, pw_dq_consume_fn *consume, void *arg)
{
	// One allocation for the ring: one mmap and one munmap, not PW_DQ_N.
	// In 2 MiB pages where transparent huge pages are on (madvise mode, as
	// Debian's): perf's thread then takes 4 page faults on its first pass
	// through the ring, not 2,048 (docs/decisions.md, "The batch ring in
	// huge pages").
	size_t ring_size = (size_t)PW_DQ_N * PW_DQ_BATCH;
	unsigned char *ring = aligned_alloc(DQ_ALIGN, ring_size);
	if (!ring)
		return -1;
	(void)madvise(ring, ring_size, MADV_HUGEPAGE);	// a hint: EINVAL without THP
	for (unsigned i = 0; i < PW_DQ_N; i++)
		q->b[i] = ring + (size_t)i * PW_DQ_BATCH;
	q->consume = consume;
	q->arg = arg;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv_full, NULL);
	pthread_cond_init(&q->cv_free, NULL);
	if (pw_thread_start(&q->th, dq_thread, q)) {
		dq_sync_destroy(q);
		return -1;
	}
	q->cur = q->b[0];
	q->curlen = 0;
	q->running = 1;
	return 0;
}

// An idle thread is woken once DQ_WAKE batches wait (or by pw_dq_drain()):
// a wakeup costs perf's thread a few microseconds in a VM, so not one a
// batch; and not many more, since what waits at stop() is decoded while
// perf's thread waits (docs/decisions.md, "The decoding thread woken at 2
// batches").
void pw_dq_publish(struct pw_dq *q)
{
	pthread_mutex_lock(&q->mu);
	q->len[q->produced % PW_DQ_N] = q->curlen;
	q->produced++;
	if (q->idle && q->produced - q->consumed >= DQ_WAKE) {
		q->idle = 0;
		pthread_cond_signal(&q->cv_full);
	}
	while (q->produced - q->consumed == PW_DQ_N)
		pthread_cond_wait(&q->cv_free, &q->mu);
	pthread_mutex_unlock(&q->mu);
	q->cur = q->b[q->produced % PW_DQ_N];
	q->curlen = 0;
}

void pw_dq_drain(struct pw_dq *q)
{
	if (q->curlen)
		pw_dq_publish(q);
	pthread_mutex_lock(&q->mu);
	q->idle = 0;
	pthread_cond_signal(&q->cv_full);
	while (q->consumed != q->produced)
		pthread_cond_wait(&q->cv_free, &q->mu);
	pthread_mutex_unlock(&q->mu);
}

void pw_dq_stop(struct pw_dq *q)
{
	if (!q->running)
		return;
	pw_dq_drain(q);
	pthread_mutex_lock(&q->mu);
	q->quit = 1;
	pthread_cond_signal(&q->cv_full);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	dq_sync_destroy(q);
	q->running = 0;
}

void pw_dq_release(struct pw_dq *q)
{
	free(q->b[0]);	// the ring, one allocation
	q->b[0] = NULL;
}
