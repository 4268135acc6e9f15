// SPDX-License-Identifier: GPL-2.0-only
// dq.h: the decoding queue: batches of bytes that perf's thread fills and a
// thread of ours hands, in order, to a consumer (the plugin's decoders).
//
// perf's thread routes and checks each sample and copies it, raw record and
// all, into the batch being filled (pw_dq_alloc()); a full batch is handed
// over, and the thread calls the consumer on each batch in turn. What the
// consumer touches is the thread's while it runs, and perf's thread's
// again after pw_dq_drain() (until the next batch is handed over) or
// pw_dq_stop(): the mutex orders them. Once the consumer fails, the thread
// sets `failed` and passes the batches on undecoded.
// Usage:
//	pw_dq_consume_fn consume;		// int consume(void *arg, p, len)
//	struct pw_dq q = { 0 };
//	if (pw_dq_start(&q, consume, NULL) == 0) {
//		unsigned char *rec = pw_dq_alloc(&q, 64);	// 64 <= PW_DQ_BATCH
//		memset(rec, 0, 64);
//		pw_dq_stop(&q);		// every batch consumed, thread ended
//	}
//	pw_dq_release(&q);
#ifndef PW_PLUGIN_DQ_H
#define PW_PLUGIN_DQ_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "pw_compiler.h"

#define PW_DQ_BATCH (256 * 1024)	// bytes a batch
#define PW_DQ_N 32			// batches: 8 MiB in all

// the consumer: decode len bytes of whole records at p; nonzero once it has
// failed (the thread then consumes no more)
typedef int pw_dq_consume_fn(void *arg, const unsigned char *p, size_t len);

struct pw_dq {
	unsigned char *cur;		// b[produced % PW_DQ_N]: perf's thread fills it
	size_t curlen;
	int running;
	atomic_int failed;	// the consumer failed: it decodes no more
	// handed over under mu
	_Alignas(64) unsigned char *b[PW_DQ_N];	// PW_DQ_BATCH bytes each
	size_t len[PW_DQ_N];
	unsigned produced, consumed;	// batches handed over, decoded
	pthread_mutex_t mu;
	pthread_cond_t cv_full, cv_free;
	pthread_t th;
	int quit;
	int idle;		// the thread waits for batches
	pw_dq_consume_fn *consume;
	void *arg;
};

// pw_dq_start: the batches and the thread (which blocks every signal: they
// stay perf's). 0, or -1 (out of memory, no thread) with q not running.
int pw_dq_start(struct pw_dq *q, pw_dq_consume_fn *consume, void *arg);

// pw_dq_publish: hand the batch being filled to the thread and wait for a
// free one.
void pw_dq_publish(struct pw_dq *q);

// pw_dq_drain: wait until the thread has consumed every batch handed over,
// the one being filled too.
void pw_dq_drain(struct pw_dq *q);

// pw_dq_stop: consume what was handed over, then end the thread. Safe to
// call again, or on a q that never ran.
void pw_dq_stop(struct pw_dq *q);

// pw_dq_release: free the batches (after pw_dq_stop()); a zeroed q is fine.
void pw_dq_release(struct pw_dq *q);

// pw_dq_alloc: room for `need` bytes (at most PW_DQ_BATCH) in the batch
// being filled, handing it over first when they do not fit (q running).
PW_HOT unsigned char *pw_dq_alloc(struct pw_dq *q, size_t need)
{
	if (q->curlen + need > PW_DQ_BATCH)
		pw_dq_publish(q);
	unsigned char *p = q->cur + q->curlen;
	q->curlen += need;
	return p;
}

#endif
