// SPDX-License-Identifier: Apache-2.0
// cdict_pipe.h: the reader's chunk pipeline: chunks read from the file in
// order, each into a slot, and decoded (cdict_chunk.h) ahead of the caller
// on background threads, or by the caller when there are none. Private to
// common/: cdict_read.c drives it.
//
// A chunk goes through a slot: it is read (in file order, under the lock),
// then checked, inflated, unpacked and decoded into pw_events (by a worker
// thread, or by the caller when there is none), then taken by the caller in
// file order (pw_pipe_get), who applies what depends on earlier chunks and
// hands the events out, then given back (pw_pipe_put). At most nslots
// chunks are in memory. An error belongs to its slot, so whatever is
// decoded ahead, the caller sees the events before the bad row and then the
// same error at the same place as a reader without threads. Usage:
//	struct pw_pipe p = { .fd = 0, .version = 3 };
//	struct pw_slot meta;
//	pw_slot_init(&meta);
//	pw_pipe_read_slot(&p, &meta);		// the metadata chunk, before any thread
//	pw_slot_release(&meta);
//	p.nthreads = 2;
//	if (pw_pipe_start(&p))
//		return -1;			// PW_ENOMEM
//	struct pw_slot *s = pw_pipe_get(&p);	// chunk 1, decoded
//	use(s);
//	pw_pipe_put(&p);			// chunk 1's room goes back
//	pw_pipe_release(&p);
#ifndef PW_CDICT_PIPE_H
#define PW_CDICT_PIPE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "cdict_chunk.h"

struct pw_pipe {
	// set by the reader before pw_pipe_start()
	int fd;			// borrowed
	uint64_t file_size;	// 0 when not a regular file
	unsigned version;	// major version of the file
	unsigned nthreads;	// decoding threads (0: the caller decodes)
	unsigned holds;		// slots added for pw_reader_hold

	uint64_t off;		// bytes consumed (by the chunk reads)
	int started;		// pw_pipe_start() ran: threads fixed
	struct pw_slot *slots;
	unsigned nslots;
	pthread_t threads[PW_READ_THREADS_MAX];
	unsigned running;	// threads started
	pthread_mutex_t mu;
	pthread_cond_t work, ready;
	uint64_t next_read;	// the chunk the next read takes
	uint64_t next_take;	// the chunk the caller takes next
	int read_stop;		// end of input, an error or the trailer: no more reads
	int quit;
};

// pw_pipe_read: read exactly n bytes from p->fd unless the input ends
// first (p->off counts them). Returns the bytes read, or -1 (errno set).
ssize_t pw_pipe_read(struct pw_pipe *p, void *buf, size_t n);

// pw_pipe_read_slot: read the next chunk's header and payload into s (at
// p->off). Sets s->type to CH_EOF at a clean end of input (no byte where a
// chunk header would start), CH_ERR (with s->f) when the input is cut
// short, damaged or unreadable, and otherwise CH_SKIP, the payload left for
// pw_slot_decode().
void pw_pipe_read_slot(struct pw_pipe *p, struct pw_slot *s);

// pw_pipe_start: the slots, and the threads (all signals blocked: they stay
// the caller's; fewer than asked when some cannot start). Chunk 0 (the
// metadata) is taken to be read already. 0, or PW_ENOMEM.
int pw_pipe_start(struct pw_pipe *p);

// pw_pipe_get: the slot of the next chunk in file order, read and decoded;
// after a slot that ends the input (end, error, trailer), no more.
struct pw_slot *pw_pipe_get(struct pw_pipe *p);

// pw_pipe_put: done with the slot pw_pipe_get() gave: its room goes back
// to the reads (unless it is held).
void pw_pipe_put(struct pw_pipe *p);

// pw_pipe_hold: lend slot s (the one in hand, of an event chunk) until
// pw_pipe_unhold(p, token): it is not reused meanwhile. The token (>= 0),
// or -1 when there are no threads or every hold is lent.
int pw_pipe_hold(struct pw_pipe *p, struct pw_slot *s);
void pw_pipe_unhold(struct pw_pipe *p, int token);

// pw_pipe_release: stop the threads, free the slots; p is garbage after it.
void pw_pipe_release(struct pw_pipe *p);

#endif
