// SPDX-License-Identifier: Apache-2.0
// cdict_read.c: the streaming .cdict reader (formats 3 and 2) of cdict.h:
// opening a file (its header and metadata), then taking its chunks in file
// order from the pipeline (cdict_pipe.h, which reads and decodes them,
// cdict_chunk.h) and finishing what depends on earlier chunks: the string
// table, each cpu's first switch of a chunk (its prev and the runtime of
// the slice it ends), the trailer's check against the events read. Legacy
// files are handed to cdict_legacy.c behind the same interface.
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdict_legacy.h"
#include "cdict_meta.h"
#include "cdict_pipe.h"
#include "pw_array.h"
#include "pw_thread.h"

// Files smaller than this are decoded without threads (starting them costs
// more than they save).
#define PW_READ_THREADED_MIN (1u << 20)

// The reader's string table: each string in blocks that never move (a
// string handed out stays valid until pw_reader_free), 8 bytes an id and
// the string itself; PW_STRINGS_MAX and PW_STRINGS_BYTES_MAX hold it.
#define STR_BLOCK (64u << 10)	// holds the longest string, PW_NAME_MAX + 1

struct str_block {
	struct str_block *next;
	char s[];
};

struct rstrs {
	char **s;		// by id
	uint32_t n;
	size_t cap;
	uint64_t bytes;		// of the strings, their NULs included
	struct str_block *blocks;	// the newest first
	size_t left;		// bytes free in it
};

struct pw_reader {
	int own_fd;
	char *name;

	struct pw_fail f;	// sticky: once failed, stays failed
	int done;

	struct pw_meta meta;
	struct pw_trailer tr;
	int have_trailer;

	struct rstrs strs;	// the file's string table

	struct pw_pipe pipe;	// the file, its chunks read and decoded

	// the chunk being handed out
	struct pw_slot *cur;
	uint32_t pos, deliver;	// next event, events to hand out
	struct pw_fail pending;	// the error after them

	// derived state, per cpu
	uint64_t *cpu_last;	// time of the last switch + 1, 0 = none
	int64_t *cpu_next;	// PW_NEXT_SEEN(next_tid) of the last switch, 0 = none
	uint64_t *cpu_time;	// time of the last event + 1, 0 = none
	uint32_t ncpu, capcpu;
	uint64_t first_ns;
	int have_first;
	uint64_t backwards;	// pw_reader_time_backwards()

	uint64_t events;
	struct pw_legacy *legacy;
	struct pw_event one;	// a legacy event, for pw_reader_next_batch
};

// The reader fails with a slot's error (the first error stays).
static int fail_copy(struct pw_reader *r, const struct pw_fail *f)
{
	if (!r->f.err)
		r->f = *f;
	return r->f.err;
}

// A copy of p[0..len) (cut to PW_NAME_MAX bytes) as string t->n. 0,
// PW_ETOOBIG past PW_STRINGS_MAX or PW_STRINGS_BYTES_MAX (checked before
// anything is allocated), or PW_ENOMEM.
static int strs_add(struct rstrs *t, const char *p, size_t len)
{
	if (len > PW_NAME_MAX)
		len = PW_NAME_MAX;
	if (t->n >= PW_STRINGS_MAX || t->bytes + len + 1 > PW_STRINGS_BYTES_MAX)
		return PW_ETOOBIG;
	if (pw_grow(&t->s, &t->cap, t->n, sizeof(*t->s), 256))
		return PW_ENOMEM;
	if (len + 1 > t->left) {
		struct str_block *b = malloc(sizeof(*b) + STR_BLOCK);

		if (!b)
			return PW_ENOMEM;
		b->next = t->blocks;
		t->blocks = b;
		t->left = STR_BLOCK;
	}
	char *d = t->blocks->s + (STR_BLOCK - t->left);

	memcpy(d, p, len);
	d[len] = '\0';
	t->left -= len + 1;
	t->bytes += len + 1;
	t->s[t->n++] = d;
	return 0;
}

static void strs_release(struct rstrs *t)
{
	while (t->blocks) {
		struct str_block *b = t->blocks;

		t->blocks = b->next;
		free(b);
	}
	free(t->s);
	memset(t, 0, sizeof(*t));
}

// The message of a string table past its limits.
static int strs_too_many(struct pw_fail *f, uint64_t off)
{
	return FAIL(f, PW_ETOOBIG, off, "the string table passes its limit of %u strings or "
		    "%u bytes", PW_STRINGS_MAX, PW_STRINGS_BYTES_MAX);
}

// cdict_legacy.h: the legacy reader's strings join the table
int pw_reader_intern_(struct pw_reader *r, const char *p, size_t n, uint32_t *id)
{
	*id = r->strs.n;
	return strs_add(&r->strs, p, n);
}

void pw_trailer_release(struct pw_trailer *tr)
{
	for (size_t i = 0; i < tr->nr_stats; i++) {
		free(tr->stats[i].group);
		free(tr->stats[i].name);
	}
	free(tr->stats);
	free(tr->top);
	free(tr->end_why);
	memset(tr, 0, sizeof(*tr));
}

// After the file header: the metadata chunk, read here, before any thread.
static int open_cdict(struct pw_reader *r, const uint8_t *hdr)
{
	struct pw_slot s;
	int err;

	unsigned version = pw_get_le16(hdr + 8);

	r->pipe.version = version;
	if (version < PW_CDICT_VERSION_MIN || version > PW_CDICT_VERSION)
		return FAIL(&r->f, PW_EVERSION, 8, "version %u, this reader knows %u to %u",
			    version, PW_CDICT_VERSION_MIN, PW_CDICT_VERSION);
	pw_slot_init(&s);
	pw_pipe_read_slot(&r->pipe, &s);
	pw_slot_decode(&s, version);
	if (s.type == CH_EOF)
		err = FAIL(&r->f, PW_ETRUNC, r->pipe.off, "no metadata chunk after the header");
	else if (s.type == CH_ERR || s.f.err)
		err = fail_copy(r, &s.f);
	else if (s.type != CH_META)
		err = CORRUPT(&r->f, s.off, "first chunk is not the metadata");
	else
		err = pw_meta_parse(&r->meta, &r->f, &s.upk.data, version, s.off);
	pw_slot_release(&s);
	return err;
}

int pw_reader_open_fd(struct pw_reader **out, int fd, const char *name)
{
	struct pw_reader *r = calloc(1, sizeof(*r));
	uint8_t hdr[PW_HEADER_SIZE];
	struct stat st;
	ssize_t n;

	*out = r;
	if (!r)
		return PW_ENOMEM;
	r->pipe.fd = fd;
	if (!(r->name = strdup(name ? name : "-")))
		return FAIL(&r->f, PW_ENOMEM, 0, "out of memory");
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		r->pipe.file_size = (uint64_t)st.st_size;
	if (r->pipe.file_size >= PW_READ_THREADED_MIN)
		r->pipe.nthreads = pw_cpus_usable() > 1 ? 2 : 0;
	n = pw_pipe_read(&r->pipe, hdr, 2);
	if (n < 0)
		return FAIL(&r->f, PW_EIO, 0, "%s", strerror(errno));
	if (n == 0)
		return FAIL(&r->f, PW_EEMPTY, 0, "file is empty");
	if (n == 2 && pw_legacy_sniff(hdr)) {
		int err = pw_legacy_open(&r->legacy, fd, hdr, r->pipe.file_size, r);

		return err ? FAIL(&r->f, err, pw_legacy_err_off(r->legacy), "%s",
				  pw_legacy_detail(r->legacy)) : 0;
	}
	n += pw_pipe_read(&r->pipe, hdr + n, sizeof(hdr) - (size_t)n);
	if (memcmp(hdr, PW_CDICT_MAGIC, (size_t)n < 8 ? (size_t)n : 8))
		return FAIL(&r->f, PW_EMAGIC, 0, "no .cdict magic");
	if ((size_t)n < sizeof(hdr))
		return FAIL(&r->f, PW_ETRUNC, (uint64_t)n, "header cut short");
	return open_cdict(r, hdr);
}

int pw_reader_open(struct pw_reader **out, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0) {
		struct pw_reader *r = calloc(1, sizeof(*r));

		*out = r;
		if (!r)
			return PW_ENOMEM;
		r->pipe.fd = -1;
		r->name = strdup(path);
		return FAIL(&r->f, PW_EIO, 0, "%s", strerror(errno));
	}
	err = pw_reader_open_fd(out, fd, path);
	if (*out)
		(*out)->own_fd = 1;
	else
		close(fd);
	return err;
}

// The trailer is small (its counters are per event name): it is looked
// for in the file's last bytes only.
#define PW_PEEK_TAIL (256u << 10)

int pw_reader_peek_trailer(struct pw_reader *r, struct pw_trailer *tr)
{
	uint64_t size = r->pipe.file_size, tail;
	unsigned char *buf;
	struct pw_slot s;
	int err = PW_ETRUNC;

	memset(tr, 0, sizeof(*tr));
	if (r->legacy || r->f.err || size < PW_HEADER_SIZE + 2 * PW_CHUNK_HEADER_SIZE)
		return PW_ETRUNC;
	tail = size - PW_HEADER_SIZE;
	if (tail > PW_PEEK_TAIL)
		tail = PW_PEEK_TAIL;
	if (!(buf = malloc(tail)))
		return PW_ENOMEM;
	for (uint64_t got = 0; got < tail;) {
		ssize_t n = pread(r->pipe.fd, buf + got, tail - got, (off_t)(size - tail + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return n < 0 ? PW_EIO : PW_ETRUNC;
		}
		got += (uint64_t)n;
	}
	// the last chunk: from the end backwards, the first header that
	// checks and spans exactly to the end (a payload byte run that looks
	// like one needs a matching CRC-32 and length: the payload's own CRC
	// and the msgpack checks come after)
	for (uint64_t p = tail - PW_CHUNK_HEADER_SIZE + 1; p-- > 0;) {
		const unsigned char *h = buf + p;

		if (p + PW_CHUNK_HEADER_SIZE + pw_get_le32(h) != tail ||
		    pw_get_le32(h + 12) != pw_crc32(0, h, 12))
			continue;
		pw_slot_init(&s);
		memcpy(s.hdr, h, PW_CHUNK_HEADER_SIZE);
		s.off = size - tail + p;
		s.seq = 1;
		s.zlen = pw_get_le32(h);
		s.rawlen = pw_get_le32(h + 4);
		s.type = CH_SKIP;
		if (s.zlen > PW_CHUNK_MAX || s.rawlen > PW_CHUNK_MAX) {
			err = PW_ETOOBIG;
		} else if (!(s.zbuf = malloc(s.zlen ? s.zlen : 1))) {
			err = PW_ENOMEM;
		} else {
			memcpy(s.zbuf, h + PW_CHUNK_HEADER_SIZE, s.zlen);
			s.type = pw_slot_unpack(&s, r->pipe.version);
			if (s.type == CH_END && !pw_slot_parse_trailer(&s, &s.upk.data)) {
				*tr = s.tr;	// moved
				memset(&s.tr, 0, sizeof(s.tr));
				err = 0;
			} else if (s.type == CH_END || s.type == CH_ERR) {
				err = s.f.err;	// damaged
			}		// else a whole chunk, not the trailer: cut short
		}
		pw_slot_release(&s);
		break;
	}
	free(buf);
	return err;
}

int pw_reader_set_threads(struct pw_reader *r, unsigned n)
{
	if (r->pipe.started || n > PW_READ_THREADS_MAX)
		return PW_EINVAL;
	r->pipe.nthreads = r->pipe.file_size ? n : 0;	// never on a pipe: see pw_pipe_release
	return 0;
}

int pw_reader_set_holds(struct pw_reader *r, unsigned n)
{
	if (r->pipe.started || n > PW_READ_HOLDS_MAX)
		return PW_EINVAL;
	r->pipe.holds = n;
	return 0;
}

int pw_reader_hold(struct pw_reader *r)
{
	if (!r->cur || r->cur->type != CH_EV)
		return -1;
	return pw_pipe_hold(&r->pipe, r->cur);
}

void pw_reader_release(struct pw_reader *r, int token)
{
	pw_pipe_unhold(&r->pipe, token);
}

/* ---- what depends on earlier chunks (the caller's thread) ----------------- */

// The per-cpu state for cpus up to `cpu` (< PW_MAX_CPUS), grown by
// doubling: cpus that come in increasing order cost no copy each. 0 or
// PW_ENOMEM.
static int cpu_state(struct pw_reader *r, uint32_t cpu)
{
	if (cpu < r->ncpu)
		return 0;
	uint32_t n = r->capcpu ? r->capcpu : 64;

	while (n <= cpu)
		n *= 2;
	uint64_t *nl = realloc(r->cpu_last, n * sizeof(*nl));

	if (!nl)
		return PW_ENOMEM;
	r->cpu_last = nl;
	int64_t *nn = realloc(r->cpu_next, n * sizeof(*nn));

	if (!nn)
		return PW_ENOMEM;
	r->cpu_next = nn;
	uint64_t *nt = realloc(r->cpu_time, n * sizeof(*nt));

	if (!nt)
		return PW_ENOMEM;
	r->cpu_time = nt;
	memset(nl + r->capcpu, 0, (n - r->capcpu) * sizeof(*nl));
	memset(nn + r->capcpu, 0, (n - r->capcpu) * sizeof(*nn));
	memset(nt + r->capcpu, 0, (n - r->capcpu) * sizeof(*nt));
	r->ncpu = r->capcpu = n;
	return 0;
}

// Reader-derived switch fields: prev from the elision, and the runtime of
// the slice that ended (clipped to the first event's time).
static int derive_switch(struct pw_reader *r, struct pw_event *ev, int64_t prev,
			 struct pw_fail *f, uint64_t off)
{
	uint32_t cpu = (uint32_t)ev->cpu;

	if (cpu_state(r, cpu))
		return FAIL(f, PW_ENOMEM, off, "out of memory");
	if (prev == 0) {
		if (!r->cpu_next[cpu])
			return CORRUPT(f, off, "switch on cpu %" PRIu32 " elides an unknown prev",
				       cpu);
		ev->tid = PW_NEXT_TID(r->cpu_next[cpu]);
	} else {
		// tid + 1 in int32 (written so that it cannot overflow)
		if (prev > (int64_t)INT32_MAX + 1 || prev < (int64_t)INT32_MIN + 1)
			return CORRUPT(f, off, "switch prev tid out of range");
		ev->tid = (int32_t)(prev - 1);
	}
	r->cpu_next[cpu] = PW_NEXT_SEEN(ev->sw.next_tid);
	if (r->cpu_last[cpu]) {
		uint64_t last = r->cpu_last[cpu] - 1;

		ev->sw.runtime_ns = ev->time >= last ? ev->time - last : 0;
	} else {
		ev->sw.runtime_ns = ev->time >= r->first_ns ? ev->time - r->first_ns : 0;
		ev->flags |= PW_EVF_CLIPPED;
	}
	r->cpu_last[cpu] = ev->time + 1;
	return 0;
}

// An event chunk, taken in file order: its strings join the table, each
// cpu's first switch gets prev and runtime from the cpu's last switch of the
// chunks before (the rest was derived with the chunk), task rows' string ids
// are checked; the events up to the first bad one are handed out, then the
// error (r->pending).
static void take_events(struct pw_reader *r, struct pw_slot *s)
{
	uint32_t deliver = s->nev;

	memset(&r->pending, 0, sizeof(r->pending));
	r->pos = r->deliver = 0;
	for (uint32_t k = 0; s->str && k < s->str->via.array.size; k++) {
		const msgpack_object *o = &s->str->via.array.ptr[k];
		int e = strs_add(&r->strs, o->via.str.ptr, o->via.str.size);

		if (e) {
			if (e == PW_ETOOBIG)
				strs_too_many(&r->pending, s->off);
			else
				FAIL(&r->pending, PW_ENOMEM, s->off, "out of memory");
			return;
		}
	}
	if (s->nev && !r->have_first) {
		r->first_ns = s->ev[0].time;
		r->have_first = 1;
	}
	// the first bad row wins, whichever check finds it
	for (uint32_t k = 0; k < s->nfirst && s->first[k].row < deliver; k++) {
		struct pw_fixup *x = &s->first[k];

		if (derive_switch(r, &s->ev[x->row], x->v, &r->pending, s->off)) {
			deliver = x->row;
			break;
		}
	}
	for (uint32_t k = 0; k < s->nrefs && s->refs[k].row < deliver; k++)
		if (s->refs[k].id >= r->strs.n) {
			memset(&r->pending, 0, sizeof(r->pending));
			CORRUPT(&r->pending, s->off, "string id out of range in row %" PRIu32,
				s->refs[k].row);
			deliver = s->refs[k].row;
			break;
		}
	if (!r->pending.err) {
		for (uint32_t k = 0; k < s->nlast; k++) {
			uint32_t c = (uint32_t)s->last[k].cpu;

			if (cpu_state(r, c)) {
				FAIL(&r->pending, PW_ENOMEM, s->off, "out of memory");
				return;
			}
			r->cpu_next[c] = s->last[k].v;
			r->cpu_last[c] = s->last[k].time + 1;
		}
		// each cpu's first event against its last one before the chunk
		r->backwards += s->backwards;
		for (uint32_t k = 0; k < s->nspan; k++) {
			const struct pw_cpuspan *sp = &s->span[k];

			if (cpu_state(r, sp->cpu)) {
				FAIL(&r->pending, PW_ENOMEM, s->off, "out of memory");
				return;
			}
			r->backwards += sp->first + 1 < r->cpu_time[sp->cpu];
			r->cpu_time[sp->cpu] = sp->last + 1;
		}
		r->pending = s->f;
	}
	r->deliver = deliver;
}

// The trailer, taken in file order: the last chunk of a whole file.
static int take_trailer(struct pw_reader *r, struct pw_slot *s)
{
	uint8_t extra;

	if (s->tr.rows != r->events)
		return CORRUPT(&r->f, s->off,
			       "trailer counts %" PRIu64 " events, the chunks hold %" PRIu64,
			       s->tr.rows, r->events);
	if (r->pipe.file_size ? r->pipe.file_size > s->end : pw_pipe_read(&r->pipe, &extra, 1) != 0)
		return CORRUPT(&r->f, s->end, "data after the trailer");
	pw_trailer_release(&r->tr);
	r->tr = s->tr;
	memset(&s->tr, 0, sizeof(s->tr));
	r->have_trailer = 1;
	r->done = 1;
	return 0;
}

// Move on to the next chunk with events. Returns 1, 0 at the end of a whole
// file, or an error.
static int take_slot(struct pw_reader *r)
{
	if (!r->pipe.started && pw_pipe_start(&r->pipe))
		return FAIL(&r->f, PW_ENOMEM, r->pipe.off, "out of memory");
	for (;;) {
		if (r->cur) {	// done with it: its room goes back to the reads
			r->cur = NULL;
			pw_pipe_put(&r->pipe);
		}
		struct pw_slot *s = pw_pipe_get(&r->pipe);
		size_t len;

		r->cur = s;
		switch (s->type) {
		case CH_EOF:
			return FAIL(&r->f, PW_ETRUNC, s->off,
				    "no trailer: %" PRIu64 " events recovered", r->events);
		case CH_ERR:
			fail_copy(r, &s->f);
			if (r->f.err == PW_ETRUNC && (len = strlen(r->f.detail)) < sizeof(r->f.detail))
				snprintf(r->f.detail + len, sizeof(r->f.detail) - len,
					 ": %" PRIu64 " events recovered", r->events);
			return r->f.err;
		case CH_META:
			return fail_copy(r, &s->f);
		case CH_END:
			return take_trailer(r, s) ? r->f.err : 0;
		case CH_EV:
			take_events(r, s);
			return 1;
		}
		// an unknown chunk type from a later minor version: skipped
	}
}

static int next_legacy(struct pw_reader *r, struct pw_event *ev)
{
	int n = pw_legacy_next(r->legacy, ev, r);

	if (n > 0) {
		if (!r->have_first) {
			r->first_ns = ev->time;
			r->have_first = 1;
		}
		if (cpu_state(r, (uint32_t)ev->cpu))
			return FAIL(&r->f, PW_ENOMEM, 0, "out of memory");
		r->backwards += ev->time + 1 < r->cpu_time[ev->cpu];
		r->cpu_time[ev->cpu] = ev->time + 1;
		// legacy switches carry a tid and no elision: derive the
		// runtime exactly as for .cdict files (pw_legacy_next refused a
		// prev of -1, which would read as the elision)
		if (ev->kind == PW_EV_SWITCH &&
		    derive_switch(r, ev, (int64_t)ev->tid + 1, &r->f, 0))
			return r->f.err;
		r->events++;
	} else if (n == 0) {
		r->done = 1;
	} else {
		return FAIL(&r->f, n, pw_legacy_err_off(r->legacy), "%s",
			    pw_legacy_detail(r->legacy));
	}
	return n;
}

// Events to hand out at r->cur[r->pos .. r->deliver): 1, or 0 at the end of a
// whole file, or an error. Not for legacy files.
static int refill(struct pw_reader *r)
{
	int k;

	for (;;) {
		if (r->f.err)
			return r->f.err;
		if (r->done)
			return 0;
		if (r->cur && r->pos < r->deliver)
			return 1;
		if (r->cur && r->pending.err)
			return fail_copy(r, &r->pending);
		if ((k = take_slot(r)) <= 0)
			return k;
	}
}

int pw_reader_next(struct pw_reader *r, struct pw_event *ev)
{
	int k;

	if (r->legacy)
		return r->f.err ? r->f.err : r->done ? 0 : next_legacy(r, ev);
	if ((k = refill(r)) <= 0)
		return k;
	*ev = r->cur->ev[r->pos++];
	r->events++;
	return 1;
}

int pw_reader_next_batch(struct pw_reader *r, const struct pw_event **ev,
			 size_t *n)
{
	int k;

	*n = 0;
	if (r->legacy) {
		if ((k = pw_reader_next(r, &r->one)) > 0) {
			*ev = &r->one;
			*n = 1;
		}
		return k;
	}
	if ((k = refill(r)) <= 0)
		return k;
	*ev = r->cur->ev + r->pos;
	*n = r->deliver - r->pos;
	r->events += *n;
	r->pos = r->deliver;
	return 1;
}

const char *pw_reader_string(const struct pw_reader *r, uint32_t id)
{
	return id < r->strs.n ? r->strs.s[id] : NULL;
}

uint32_t pw_reader_nr_strings(const struct pw_reader *r)
{
	return r->strs.n;
}

const struct pw_meta *pw_reader_meta(const struct pw_reader *r)
{
	return &r->meta;
}

const struct pw_trailer *pw_reader_trailer(const struct pw_reader *r)
{
	return r->have_trailer ? &r->tr : NULL;
}

uint64_t pw_reader_events(const struct pw_reader *r)
{
	return r->events;
}

uint64_t pw_reader_time_backwards(const struct pw_reader *r)
{
	return r->backwards;
}

int pw_reader_is_legacy(const struct pw_reader *r)
{
	return r->legacy != NULL;
}

uint64_t pw_reader_skipped(const struct pw_reader *r)
{
	return r->legacy ? pw_legacy_skipped(r->legacy) : 0;
}

char *pw_reader_describe(const struct pw_reader *r, int err, char *buf,
			 size_t size)
{
	const char *name = r && r->name ? r->name : "-";

	if (r && r->f.err == err && r->f.detail[0]) {
		// a legacy file's rows have no offset of their own: the detail
		// names the row
		if (err == PW_EIO || err == PW_EEMPTY || err == PW_ENOMEM ||
		    (r->legacy && !r->f.off))
			snprintf(buf, size, "%s '%s': %s", pw_strerror(err), name,
				 r->f.detail);
		else
			snprintf(buf, size, "%s '%s' at offset 0x%" PRIx64 ": %s",
				 err == PW_ECRC || err == PW_ETOOBIG ||
					 err == PW_EMAGIC || err == PW_EVERSION
					 ? "corrupt input" : pw_strerror(err),
				 name, r->f.off, r->f.detail);
	} else {
		snprintf(buf, size, "%s '%s'", pw_strerror(err), name);
	}
	return buf;
}

void pw_reader_free(struct pw_reader *r)
{
	if (!r)
		return;
	pw_pipe_release(&r->pipe);
	if (r->own_fd && r->pipe.fd >= 0)
		close(r->pipe.fd);
	pw_legacy_free(r->legacy);
	pw_meta_release(&r->meta);
	pw_trailer_release(&r->tr);
	strs_release(&r->strs);
	free(r->cpu_last);
	free(r->cpu_next);
	free(r->cpu_time);
	free(r->name);
	free(r);
}
