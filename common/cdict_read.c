// SPDX-License-Identifier: Apache-2.0
// cdict_read.c: the streaming .cdict reader (formats 3 and 2): every checksum
// and length checked before use; chunks decoded into arrays of events, ahead
// of the caller on background threads for large files; legacy files are
// handed to cdict_legacy.c behind the same interface.
//
// A chunk goes through a slot: it is read (in file order, under the lock),
// then checked, inflated, unpacked and decoded into pw_events (by a worker
// thread, or by the caller when there is none), then taken by the caller, in
// file order, who applies what depends on earlier chunks (the string table,
// the sw.prev elision, slice runtimes) and hands the events out. At most
// nslots chunks are in memory. An error belongs to its slot, so whatever is
// decoded ahead, the caller sees the events before the bad row and then the
// same error at the same place as a reader without threads.
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>
#include <msgpack.h>
#include <zlib.h>

#include "cdict_int.h"
#include "cdict_legacy.h"
#include "msgpack_guard.h"
#include "pw_thread.h"

// Rows a reader accepts in one event chunk (the writer puts PW_CHUNK_ROWS):
// what bounds a slot's event array (48 bytes a row).
#define PW_READ_ROWS_MAX (4u * PW_CHUNK_ROWS)
// Files smaller than this are decoded without threads (starting them costs
// more than they save).
#define PW_READ_THREADED_MIN (1u << 20)

// Every corrupt-input path goes through here: one breakpoint for bad input.
#define CORRUPT(f, off, ...) fail_set((f), PW_ECORRUPT, (off), __LINE__, __VA_ARGS__)
#define FAIL(f, err, off, ...) fail_set((f), (err), (off), __LINE__, __VA_ARGS__)

// An error and where: the reader's, or a slot's until the caller reaches it.
struct fail {
	int err;
	uint64_t off;
	int line;
	char detail[192];
};

enum { CH_EOF, CH_META, CH_EV, CH_END, CH_SKIP, CH_ERR };

struct slot {
	uint64_t seq;		// chunk number (0 = the metadata)
	int ready;		// decoded, for the caller to take
	int held;		// taken, and its events still lent (pw_reader_hold)

	// what was read: header and payload, or why not
	uint64_t off, end;	// the chunk's offset, and the offset after it
	uint8_t hdr[PW_CHUNK_HEADER_SIZE];
	uint32_t zlen, rawlen;
	unsigned char *zbuf, *raw;
	size_t zcap, rawcap;
	struct libdeflate_decompressor *inflater;
	msgpack_unpacked upk;

	// what was decoded
	int type;		// CH_*
	struct fail f;		// the chunk's error (err 0: none); for an event
				// chunk, the rows before `nev` are good
	struct pw_event *ev;	// nev events
	uint32_t nev;
	const msgpack_object *str;	// the chunk's new strings, or NULL
	struct pw_trailer tr;	// CH_END
	// what only the caller can finish (it needs the chunks before):
	// each cpu's first switch of the chunk, whose prev and runtime come
	// from the cpu's last switch before it; each cpu's last switch (what
	// the next chunk's first one needs); the string ids of task rows
	struct fixup *first, *last;
	uint32_t nfirst, nlast, capcpu;
	struct strref *refs;
	uint32_t nrefs;
	// the decoded columns: dt, cpu, then each group's; per cpu, the last
	// switch seen while deriving
	int64_t *cols;
	uint32_t cap;		// rows ev holds (cols: 6 times as many values)
	// each group's rows, in order: rows[gstart[g] .. gstart[g + 1])
	uint32_t *rows;
	uint32_t gstart[PW_G__COUNT + 1];
	int64_t *cpu_next;	// PW_NEXT_SEEN(next) of the cpu's last switch, 0 none
	uint64_t *cpu_last;	// its time
	uint32_t ncpu;
};

struct fixup {
	uint32_t row;
	int32_t cpu;
	int64_t v;		// first: sw.prev as stored; last: PW_NEXT_SEEN(next)
	uint64_t time;		// last: the switch's time
};

struct strref {
	uint32_t row, id;
};

struct pw_reader {
	int fd;
	int own_fd;
	char *name;
	uint64_t file_size;	// 0 when not a regular file
	uint64_t off;		// bytes consumed (by the chunk reads)
	unsigned version;	// major version of the file

	struct fail f;		// sticky: once failed, stays failed
	int done;

	struct pw_meta meta;
	struct pw_trailer tr;
	int have_trailer;

	char **strs;
	uint32_t nstrs, capstrs;

	// the chunk pipeline
	struct slot *slots;
	unsigned nslots, nthreads, holds;	// holds: slots added for pw_reader_hold
	int started;		// reading began: threads fixed
	pthread_t threads[PW_READ_THREADS_MAX];
	unsigned running;	// threads started
	pthread_mutex_t mu;
	pthread_cond_t work, ready;
	uint64_t next_read;	// the chunk the next read takes
	uint64_t next_take;	// the chunk the caller takes next
	int read_stop;		// end of input, an error or the trailer: no more reads
	int quit;

	// the chunk being handed out
	struct slot *cur;
	uint32_t pos, deliver;	// next event, events to hand out
	struct fail pending;	// the error after them

	// derived state, per cpu
	uint64_t *cpu_last;	// time of the last switch + 1, 0 = none
	int64_t *cpu_next;	// PW_NEXT_SEEN(next_tid) of the last switch, 0 = none
	uint32_t ncpu;
	uint64_t first_ns;
	int have_first;

	uint64_t events;
	struct pw_legacy *legacy;
	struct pw_event one;	// a legacy event, for pw_reader_next_batch
};

static int fail_set(struct fail *f, int err, uint64_t off, int line,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail_set(struct fail *f, int err, uint64_t off, int line,
		    const char *fmt, ...)
{
	va_list ap;

	if (f->err)
		return f->err;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	f->err = err;
	f->off = off;
	f->line = line;
	return err;
}

// The reader fails with a slot's error (the first error stays).
static int fail_copy(struct pw_reader *r, const struct fail *f)
{
	if (!r->f.err)
		r->f = *f;
	return r->f.err;
}

// Read exactly n bytes unless the input ends; returns bytes read or -1.
static ssize_t read_full(struct pw_reader *r, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(r->fd, (char *)buf + got, n - got);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	r->off += got;
	return (ssize_t)got;
}

static int grow(void *bufp, size_t *cap, size_t need)
{
	unsigned char **buf = bufp;

	if (need <= *cap)
		return 0;
	unsigned char *nb = realloc(*buf, need);

	if (!nb)
		return PW_ENOMEM;
	*buf = nb;
	*cap = need;
	return 0;
}

static const msgpack_object *map_get(const msgpack_object *map, const char *key)
{
	size_t klen = strlen(key);

	for (uint32_t i = 0; i < map->via.map.size; i++) {
		const msgpack_object *k = &map->via.map.ptr[i].key;

		if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen &&
		    !memcmp(k->via.str.ptr, key, klen))
			return &map->via.map.ptr[i].val;
	}
	return NULL;
}

static int obj_is_int(const msgpack_object *o)
{
	return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER ||
	       o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER;
}

// A non-negative integer that fits int64, or -1.
static int64_t obj_uint(const msgpack_object *o)
{
	if (!o || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    o->via.u64 > INT64_MAX)
		return -1;
	return (int64_t)o->via.u64;
}

static char *obj_strdup(const msgpack_object *o)
{
	char *s;
	size_t n;

	if (!o || o->type != MSGPACK_OBJECT_STR)
		return NULL;
	n = o->via.str.size > PW_NAME_MAX * 4 ? PW_NAME_MAX * 4 : o->via.str.size;
	if (!(s = malloc(n + 1)))
		return NULL;
	memcpy(s, o->via.str.ptr, n);
	s[n] = '\0';
	return s;
}

static int add_string(struct pw_reader *r, const char *p, size_t n)
{
	char *s;

	if (r->nstrs == r->capstrs) {
		uint32_t cap = r->capstrs ? r->capstrs * 2 : 256;
		char **ns = realloc(r->strs, (size_t)cap * sizeof(*ns));

		if (!ns)
			return PW_ENOMEM;
		r->strs = ns;
		r->capstrs = cap;
	}
	if (n > PW_NAME_MAX)
		n = PW_NAME_MAX;
	if (!(s = malloc(n + 1)))
		return PW_ENOMEM;
	memcpy(s, p, n);
	s[n] = '\0';
	r->strs[r->nstrs++] = s;
	return 0;
}

int pw_reader_intern_(struct pw_reader *r, const char *p, size_t n,
		      uint32_t *id);
int pw_reader_intern_(struct pw_reader *r, const char *p, size_t n, uint32_t *id)
{
	*id = r->nstrs;
	return add_string(r, p, n);
}

static void trailer_release(struct pw_trailer *tr)
{
	for (size_t i = 0; i < tr->nr_stats; i++) {
		free(tr->stats[i].group);
		free(tr->stats[i].name);
	}
	free(tr->stats);
	free(tr->top);
	memset(tr, 0, sizeof(*tr));
}

/* ---- reading a chunk (file order, under the lock) ----------------------- */

// Read the next chunk's header and payload into s. Sets s->type to CH_EOF at
// a clean end of input (no byte where a chunk header would start), CH_ERR
// (with s->f) when the input is cut short, damaged or unreadable, and
// otherwise leaves the payload for decode_slot().
static void read_slot(struct pw_reader *r, struct slot *s)
{
	uint64_t off = r->off;
	ssize_t n;

	s->off = off;
	s->type = CH_ERR;
	memset(&s->f, 0, sizeof(s->f));
	n = read_full(r, s->hdr, sizeof(s->hdr));
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
	if (r->file_size && s->zlen > r->file_size - r->off) {
		FAIL(&s->f, PW_ETRUNC, off,
		     "chunk of %" PRIu32 " bytes cut short at end of file", s->zlen);
		return;
	}
	if (grow(&s->zbuf, &s->zcap, s->zlen ? s->zlen : 1)) {
		FAIL(&s->f, PW_ENOMEM, off, "out of memory");
		return;
	}
	n = read_full(r, s->zbuf, s->zlen);
	if (n < 0) {
		FAIL(&s->f, PW_EIO, off, "%s", strerror(errno));
		return;
	}
	if ((size_t)n < s->zlen) {
		FAIL(&s->f, PW_ETRUNC, off,
		     "chunk of %" PRIu32 " bytes cut short at end of file", s->zlen);
		return;
	}
	s->end = r->off;
	s->type = CH_SKIP;	// read; decode_slot() says what it is
}

/* ---- decoding a chunk (any thread) --------------------------------------- */

static int chunk_type(const msgpack_object *map)
{
	const msgpack_object *t = map_get(map, "t");

	if (!t || t->type != MSGPACK_OBJECT_STR)
		return CH_SKIP;
	if (t->via.str.size == 4 && !memcmp(t->via.str.ptr, "meta", 4))
		return CH_META;
	if (t->via.str.size == 2 && !memcmp(t->via.str.ptr, "ev", 2))
		return CH_EV;
	if (t->via.str.size == 3 && !memcmp(t->via.str.ptr, "end", 3))
		return CH_END;
	return CH_SKIP;
}

// Check, inflate and unpack the payload read into s; returns its type
// (CH_ERR with s->f set on failure).
static int unpack_slot(struct slot *s)
{
	size_t outlen = 0, used = 0;

	if (pw_get_le32(s->hdr + 8) != pw_crc32(0, s->zbuf, s->zlen)) {
		FAIL(&s->f, PW_ECRC, s->off, "chunk checksum mismatch");
		return CH_ERR;
	}
	if (grow(&s->raw, &s->rawcap, s->rawlen ? s->rawlen : 1) ||
	    (!s->inflater && !(s->inflater = libdeflate_alloc_decompressor()))) {
		FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
		return CH_ERR;
	}
	// libdeflate inflates into exactly the declared room, never past it
	if (libdeflate_zlib_decompress(s->inflater, s->zbuf, s->zlen, s->raw,
				       s->rawlen, &outlen) != LIBDEFLATE_SUCCESS ||
	    outlen != s->rawlen) {
		CORRUPT(&s->f, s->off, "chunk does not inflate to its declared %" PRIu32
			" bytes", s->rawlen);
		return CH_ERR;
	}
	msgpack_unpacked_destroy(&s->upk);
	msgpack_unpacked_init(&s->upk);
	// bound what msgpack-c allocates: rows * columns, with room to spare
	if (pw_msgpack_check(s->raw, s->rawlen, PW_CHUNK_ROWS * 64ull)) {
		CORRUPT(&s->f, s->off, "chunk is not one well-formed msgpack map");
		return CH_ERR;
	}
	if (msgpack_unpack_next(&s->upk, (const char *)s->raw, s->rawlen, &used) !=
		    MSGPACK_UNPACK_SUCCESS ||
	    used != s->rawlen || s->upk.data.type != MSGPACK_OBJECT_MAP) {
		CORRUPT(&s->f, s->off, "chunk is not one msgpack map");
		return CH_ERR;
	}
	return chunk_type(&s->upk.data);
}

static int slot_room(struct slot *s, uint32_t n)
{
	if (n <= s->cap)
		return 0;
	struct pw_event *ev = realloc(s->ev, (size_t)n * sizeof(*ev));

	if (!ev)
		return PW_ENOMEM;
	s->ev = ev;
	int64_t *cols = realloc(s->cols, (size_t)n * (2 + PW_GROUP_MAXCOLS) * sizeof(*cols));

	if (!cols)
		return PW_ENOMEM;
	s->cols = cols;
	struct strref *refs = realloc(s->refs, (size_t)n * sizeof(*refs));

	if (!refs)
		return PW_ENOMEM;
	s->refs = refs;
	uint32_t *rows = realloc(s->rows, (size_t)n * sizeof(*rows));

	if (!rows)
		return PW_ENOMEM;
	s->rows = rows;
	s->cap = n;
	return 0;
}

// The integer column `key` of n values into v: byte planes (format 3) or a
// msgpack array of integers (format 2). -1 when missing or malformed.
static int get_column(const msgpack_object *m, const char *key, uint32_t n,
		      unsigned version, int64_t *v)
{
	const msgpack_object *o = map_get(m, key);

	if (!o)
		return -1;
	if (version >= 3)
		return o->type == MSGPACK_OBJECT_BIN ?
			pw_planes_decode((const uint8_t *)o->via.bin.ptr,
					 o->via.bin.size, n, v) : -1;
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != n)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		if (!obj_is_int(&o->via.array.ptr[i]))
			return -1;
		v[i] = o->via.array.ptr[i].via.i64;
	}
	return 0;
}

// What of the switches a chunk can derive alone: every switch but each cpu's
// first gets its prev (the sw.prev elision) and the runtime of the slice it
// ends from the switch before it on that cpu; the first ones are left to
// the caller (s->first), with each cpu's last switch (s->last) for the next
// chunk. Task rows' string ids are listed (s->refs) for the caller to check
// against the string table. Off the caller's thread: it does O(cpus) here.
static void derive_chunk(struct slot *s, const int64_t *prev, uint32_t maxcpu)
{
	uint32_t i, n = s->nev, ncpu = n ? maxcpu + 1 : 0;

	s->nfirst = s->nlast = s->nrefs = 0;
	if (ncpu > s->ncpu) {
		int64_t *nx = realloc(s->cpu_next, ncpu * sizeof(*nx));

		if (nx)
			s->cpu_next = nx;
		uint64_t *ls = nx ? realloc(s->cpu_last, ncpu * sizeof(*ls)) : NULL;

		if (!ls) {
			FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
			s->nev = 0;
			return;
		}
		s->cpu_last = ls;
		s->ncpu = ncpu;
	}
	if (ncpu > s->capcpu) {
		struct fixup *fa = realloc(s->first, ncpu * sizeof(*fa));

		if (fa)
			s->first = fa;
		struct fixup *la = fa ? realloc(s->last, ncpu * sizeof(*la)) : NULL;

		if (!la) {
			FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
			s->nev = 0;
			return;
		}
		s->last = la;
		s->capcpu = ncpu;
	}
	memset(s->cpu_next, 0, ncpu * sizeof(*s->cpu_next));
	// the switches in row order: the j-th has sw.prev[j]
	const uint32_t *rows = s->rows + s->gstart[PW_G_SW];
	uint32_t nsw = s->gstart[PW_G_SW + 1] - s->gstart[PW_G_SW];
	for (uint32_t j = 0; j < nsw && (i = rows[j]) < n; j++) {
		struct pw_event *ev = &s->ev[i];
		int64_t p = prev[j];
		uint32_t c = (uint32_t)ev->cpu;

		if (!s->cpu_next[c]) {
			s->first[s->nfirst++] = (struct fixup){ i, (int32_t)c, p, 0 };
		} else {
			if (p != 0 && (p - 1 > INT32_MAX || p - 1 < INT32_MIN)) {
				// before the row pass' error, if any: it wins
				memset(&s->f, 0, sizeof(s->f));
				CORRUPT(&s->f, s->off, "switch prev tid out of range");
				n = i;
				break;
			}
			ev->tid = p ? (int32_t)(p - 1) : PW_NEXT_TID(s->cpu_next[c]);
			ev->sw.runtime_ns = ev->time >= s->cpu_last[c] ? ev->time - s->cpu_last[c] : 0;
		}
		s->cpu_next[c] = PW_NEXT_SEEN(ev->sw.next_tid);
		s->cpu_last[c] = ev->time;
	}
	s->nev = n;
	// task and fork rows' string ids, in row order: the two lists merged
	const uint32_t *tk = s->rows + s->gstart[PW_G_TK], *fk = s->rows + s->gstart[PW_G_FK];
	const uint32_t *tke = s->rows + s->gstart[PW_G_TK + 1], *fke = s->rows + s->gstart[PW_G_FK + 1];
	for (;;) {
		int take_tk = tk < tke && (fk == fke || *tk < *fk);
		if (!take_tk && fk == fke)
			break;
		i = take_tk ? *tk++ : *fk++;
		if (i >= n)
			break;
		const struct pw_event *ev = &s->ev[i];
		s->refs[s->nrefs++] = (struct strref){ i, take_tk ? ev->task.name : ev->fk.child_name };
	}
	for (uint32_t c = 0; c < ncpu; c++)
		if (s->cpu_next[c])
			s->last[s->nlast++] = (struct fixup){ 0, (int32_t)c, s->cpu_next[c],
							       s->cpu_last[c] };
}

// Decode an event chunk into s->ev: every column first (chunk-level damage
// fails the whole chunk), then the events row by row, in one sequential
// pass; a bad value stops at its row (the rows before it stay good).
static void decode_events(struct slot *s, const msgpack_object *m, unsigned version)
{
	const msgpack_object *o, *k, *t0;
	uint32_t count[PW_G__COUNT] = { 0 }, n, i, maxcpu = 0;
	const int64_t *gcol[PW_G__COUNT][PW_GROUP_MAXCOLS];
	int64_t v;

	s->nev = s->nfirst = s->nlast = s->nrefs = 0;	// an early return hands out nothing
	s->str = NULL;
	if ((v = obj_uint(map_get(m, "n"))) < 0 || v > PW_READ_ROWS_MAX) {
		CORRUPT(&s->f, s->off, "event chunk has no row count (or over %u rows)",
			PW_READ_ROWS_MAX);
		return;
	}
	n = (uint32_t)v;
	k = map_get(m, "k");
	if (!k || k->type != MSGPACK_OBJECT_BIN || k->via.bin.size != n) {
		CORRUPT(&s->f, s->off, "event chunk kind column has the wrong length");
		return;
	}
	t0 = map_get(m, "t0");
	if (!t0 || obj_uint(t0) < 0) {
		CORRUPT(&s->f, s->off, "event chunk has no base time");
		return;
	}
	if ((o = map_get(m, "str"))) {
		if (o->type != MSGPACK_OBJECT_ARRAY) {
			CORRUPT(&s->f, s->off, "string table is not an array");
			return;
		}
		for (i = 0; i < o->via.array.size; i++)
			if (o->via.array.ptr[i].type != MSGPACK_OBJECT_STR) {
				CORRUPT(&s->f, s->off, "string table holds a non-string");
				return;
			}
		s->str = o;
	}
	const uint8_t *kind = (const uint8_t *)k->via.bin.ptr;

	for (i = 0; i < n; i++) {
		if (kind[i] >= PW_EV__COUNT) {
			CORRUPT(&s->f, s->off, "unknown event kind %u in row %" PRIu32,
				kind[i], i);
			return;
		}
		count[pw_kind_group[kind[i]]]++;
	}
	if (slot_room(s, n ? n : 1)) {
		FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
		return;
	}
	// each group's rows in order: the rows a group's loop below fills
	uint32_t at[PW_G__COUNT];

	s->gstart[0] = 0;
	for (unsigned g = 0; g < PW_G__COUNT; g++) {
		at[g] = s->gstart[g];
		s->gstart[g + 1] = s->gstart[g] + count[g];
	}
	for (i = 0; i < n; i++)
		s->rows[at[pw_kind_group[kind[i]]]++] = i;
	int64_t *dt = s->cols, *cpu = dt + n, *next = cpu + n;

	if (get_column(m, "dt", n, version, dt) || get_column(m, "cpu", n, version, cpu)) {
		CORRUPT(&s->f, s->off, "time or cpu column missing or malformed");
		return;
	}
	for (unsigned g = 0; g < PW_G__COUNT; g++)
		for (unsigned c = 0; c < pw_groups[g].ncols; c++) {
			gcol[g][c] = next;
			if (!count[g])
				continue;
			if (get_column(m, pw_groups[g].cols[c], count[g], version, next)) {
				CORRUPT(&s->f, s->off, "column '%s' missing or malformed",
					pw_groups[g].cols[c]);
				return;
			}
			next += count[g];
		}

	uint64_t t = (uint64_t)obj_uint(t0);
	// the first bad row (n: none) and why: a time or cpu error in it wins
	// over a field error, as the checks of one row go
	uint32_t bad = n;
	enum { OK, BAD_TIME, BAD_CPU, BAD_FIELD } why = OK;

	// what every row has, in one pass: time, cpu, kind, the rest zero
	for (i = 0; i < n; i++) {
		if (i == 0 ? dt[i] != 0 : (dt[i] < 0 && (uint64_t)-dt[i] > t)) {
			bad = i, why = BAD_TIME;
			break;
		}
		t += (uint64_t)dt[i];
		if (cpu[i] < 0 || cpu[i] >= PW_MAX_CPUS) {
			bad = i, why = BAD_CPU;
			break;
		}
		s->ev[i] = (struct pw_event){ .time = t, .cpu = (int32_t)cpu[i], .kind = kind[i] };
		maxcpu = (uint32_t)cpu[i] > maxcpu ? (uint32_t)cpu[i] : maxcpu;
	}
	// then each group's fields straight from its columns, a loop a group:
	// kinds interleave, and one loop over every row mispredicted its
	// switch on the group at nearly every row (docs/bench.md)
#define COL(c) (gcol[g][(c)][j])
	for (unsigned g = 0; g < PW_G__COUNT; g++) {
		const uint32_t *rw = s->rows + s->gstart[g];

		for (uint32_t j = 0; j < count[g] && rw[j] < bad; j++) {
			struct pw_event *ev = &s->ev[rw[j]];
			int64_t a = COL(0), b = 0, c = 0, d = 0;
			int ok = pw_in_i32(a);

			if (g != PW_G_SW)	// a switch's tid: the caller's, from the elision
				ev->tid = (int32_t)a;
			switch (g) {
			case PW_G_SW:
				b = COL(1), c = COL(2);
				ok = pw_in_i32(b) && pw_in_u32(c);
				ev->sw.next_tid = (int32_t)b;
				ev->sw.prev_state = (uint32_t)c;
				break;
			case PW_G_WK:
				b = COL(1);
				ok &= pw_in_i32(b);
				ev->wk.target_cpu = (int32_t)b;
				break;
			case PW_G_MG:
				b = COL(1), c = COL(2);
				ok &= pw_in_i32(b) && pw_in_i32(c);
				ev->mg.orig_cpu = (int32_t)b;
				ev->mg.dest_cpu = (int32_t)c;
				break;
			case PW_G_KX:
				b = COL(1), c = COL(2);
				ok &= pw_in_u32(b) && pw_in_u32(c);
				ev->kx.reason = (uint32_t)b;
				ev->kx.isa = (uint32_t)c;
				break;
			case PW_G_KE:
				b = COL(1);
				ok &= pw_in_u32(b);
				ev->ke.vcpu_id = (uint32_t)b;
				break;
			case PW_G_KU:
				b = COL(1);
				ok &= pw_in_u32(b);
				ev->kx.reason = (uint32_t)b;
				break;
			case PW_G_TK:
				b = COL(1), c = COL(2);
				ok &= pw_in_i32(b) && pw_in_u32(c);
				ev->task.pid = (int32_t)b;
				ev->task.name = (uint32_t)c;
				break;
			case PW_G_FK:
				b = COL(1), c = COL(2), d = COL(3);
				ok &= pw_in_i32(b) && pw_in_i32(c) && pw_in_u32(d);
				ev->fk.child_tid = (int32_t)b;
				ev->fk.child_pid = (int32_t)c;
				ev->fk.child_name = (uint32_t)d;
				break;
			case PW_G_EX:
				break;
			case PW_G_ST:
				b = COL(1);
				ok &= b >= 0;
				ev->st.delay_ns = (uint64_t)b;
				break;
			}
			if (!ok) {	// rows after it are not handed out
				bad = rw[j], why = BAD_FIELD;
				break;
			}
		}
	}
#undef COL
	switch (why) {
	case OK:
		break;
	case BAD_TIME:
		CORRUPT(&s->f, s->off, "time delta out of range in row %" PRIu32, bad);
		break;
	case BAD_CPU:
		CORRUPT(&s->f, s->off, "cpu %" PRId64 " out of range", cpu[bad]);
		break;
	case BAD_FIELD:
		if (pw_kind_group[kind[bad]] == PW_G_SW)
			CORRUPT(&s->f, s->off, "switch field out of range");
		else
			CORRUPT(&s->f, s->off, "%s field out of range in row %" PRIu32,
				pw_event_name(kind[bad]), bad);
		break;
	}
	s->nev = bad;
	derive_chunk(s, count[PW_G_SW] ? gcol[PW_G_SW][0] : NULL, maxcpu);
}

static int parse_trailer(struct slot *s, const msgpack_object *m)
{
	struct pw_trailer *tr = &s->tr;
	const msgpack_object *o;
	struct {
		const char *key;
		uint64_t *dst;
	} nums[] = {
		{ "rows", &tr->rows },		 { "tasks", &tr->tasks },
		{ "first_ns", &tr->first_ns },	 { "last_ns", &tr->last_ns },
		{ "chunks", &tr->chunks },
	};

	trailer_release(tr);
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		int64_t v = obj_uint(map_get(m, nums[i].key));

		if (v < 0)
			return CORRUPT(&s->f, s->off, "trailer '%s' missing", nums[i].key);
		*nums[i].dst = (uint64_t)v;
	}
	if ((o = map_get(m, "events"))) {
		if (o->type != MSGPACK_OBJECT_MAP)
			return CORRUPT(&s->f, s->off, "trailer events is not a map");
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			char *name = obj_strdup(&o->via.map.ptr[i].key);
			int kind = name ? pw_event_kind_by_name(name) : -1;
			int64_t v = obj_uint(&o->via.map.ptr[i].val);

			free(name);
			if (kind >= 0 && v >= 0)
				tr->events[kind] = (uint64_t)v;
		}
	}
	if ((o = map_get(m, "top"))) {	// minor version 1
		if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size > PW_TRAILER_TOP)
			return CORRUPT(&s->f, s->off, "trailer top is not a list of at most %d",
				       PW_TRAILER_TOP);
		if (o->via.array.size &&
		    !(tr->top = calloc(o->via.array.size, sizeof(*tr->top))))
			return FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			const msgpack_object *e = &o->via.array.ptr[i];
			const msgpack_object *v = e->via.array.ptr;
			int64_t ns = -1;
			struct pw_top *p = &tr->top[i];

			if (e->type == MSGPACK_OBJECT_ARRAY && e->via.array.size == 2 &&
			    (v[0].type == MSGPACK_OBJECT_POSITIVE_INTEGER ? v[0].via.u64 <= INT32_MAX
			     : v[0].type == MSGPACK_OBJECT_NEGATIVE_INTEGER && v[0].via.i64 >= INT32_MIN))
				ns = obj_uint(&v[1]);
			if (ns < 0)
				return CORRUPT(&s->f, s->off, "trailer top entry %" PRIu32
					       " is not [tid, runtime]", i);
			p->tid = (int32_t)v[0].via.i64;
			p->runtime_ns = (uint64_t)ns;
			if (i && (p->runtime_ns > p[-1].runtime_ns ||
				  (p->runtime_ns == p[-1].runtime_ns && p->tid <= p[-1].tid)))
				return CORRUPT(&s->f, s->off, "trailer top is not in order at entry %"
					       PRIu32, i);
			tr->nr_top = i + 1;
		}
	}
	if ((o = map_get(m, "stats")) && o->type == MSGPACK_OBJECT_MAP) {
		size_t total = 0;

		for (uint32_t i = 0; i < o->via.map.size; i++)
			if (o->via.map.ptr[i].val.type == MSGPACK_OBJECT_MAP)
				total += o->via.map.ptr[i].val.via.map.size;
		if (!(tr->stats = calloc(total + 1, sizeof(*tr->stats))))
			return FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object *g = &o->via.map.ptr[i].val;

			if (g->type != MSGPACK_OBJECT_MAP)
				continue;
			for (uint32_t j = 0; j < g->via.map.size; j++) {
				struct pw_stat *st = &tr->stats[tr->nr_stats];
				int64_t v = obj_uint(&g->via.map.ptr[j].val);

				st->group = obj_strdup(&o->via.map.ptr[i].key);
				st->name = obj_strdup(&g->via.map.ptr[j].key);
				if (!st->group || !st->name || v < 0) {
					free(st->group);
					free(st->name);
					return CORRUPT(&s->f, s->off, "trailer stats malformed");
				}
				st->value = (uint64_t)v;
				tr->nr_stats++;
			}
		}
	}
	return 0;
}

// Everything about a read chunk that needs no earlier chunk.
static void decode_slot(struct slot *s, unsigned version)
{
	if (s->type != CH_SKIP)	// nothing was read: EOF or a read error
		return;
	s->type = unpack_slot(s);
	switch (s->type) {
	case CH_EV:
		decode_events(s, &s->upk.data, version);
		break;
	case CH_END:
		if (parse_trailer(s, &s->upk.data))
			s->type = CH_ERR;
		break;
	case CH_META:
		if (s->seq)	// the first chunk is read by pw_reader_open
			CORRUPT(&s->f, s->off, "a second metadata chunk");
		break;
	}
}

/* ---- the pipeline ------------------------------------------------------ */

// A read that ends the input: nothing after it is worth reading.
static int slot_stops(const struct slot *s)
{
	return s->type == CH_EOF || s->type == CH_ERR || s->type == CH_END ||
	       s->f.err || (s->type == CH_META && s->seq);
}

static void *worker(void *arg)
{
	struct pw_reader *r = arg;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->quit && (r->read_stop || r->next_read >= r->next_take + r->nslots ||
				    r->slots[r->next_read % r->nslots].held))
			pthread_cond_wait(&r->work, &r->mu);
		if (r->quit)
			break;
		struct slot *s = &r->slots[r->next_read % r->nslots];

		s->seq = r->next_read++;
		read_slot(r, s);	// in file order: under the lock
		if (s->type == CH_EOF || s->type == CH_ERR)
			r->read_stop = 1;
		pthread_mutex_unlock(&r->mu);
		decode_slot(s, r->version);
		pthread_mutex_lock(&r->mu);
		if (slot_stops(s))
			r->read_stop = 1;
		s->ready = 1;
		pthread_cond_broadcast(&r->ready);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static void stop_threads(struct pw_reader *r)
{
	if (!r->running)
		return;
	pthread_mutex_lock(&r->mu);
	r->quit = 1;
	pthread_cond_broadcast(&r->work);
	pthread_mutex_unlock(&r->mu);
	for (unsigned i = 0; i < r->running; i++)
		pthread_join(r->threads[i], NULL);
	r->running = 0;
}

// The first pw_reader_next: the slots, and the threads (all signals blocked:
// they stay the caller's). Without threads, one slot.
static int start_pipeline(struct pw_reader *r)
{

	r->started = 1;
	// a slot per thread, the caller's, one to spare; and the lent ones
	// less one, since the slot lent is the one the caller just finished
	// with. One more slot made both pages 2-5 % slower (the chunks leave
	// the cache sooner: docs/bench.md).
	r->nslots = r->nthreads ? r->nthreads + 2 + (r->holds ? r->holds - 1 : 0) : 1;
	if (!(r->slots = calloc(r->nslots, sizeof(*r->slots))))
		return FAIL(&r->f, PW_ENOMEM, r->off, "out of memory");
	for (unsigned i = 0; i < r->nslots; i++)
		msgpack_unpacked_init(&r->slots[i].upk);
	r->next_read = r->next_take = 1;	// chunk 0 was the metadata
	if (!r->nthreads)
		return 0;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->ready, NULL);
	for (unsigned i = 0; i < r->nthreads; i++) {
		if (pw_thread_start(&r->threads[i], worker, r))
			break;
		r->running++;
	}
	return 0;
}

// The slot of chunk r->next_take, read and decoded.
static struct slot *get_slot(struct pw_reader *r)
{
	struct slot *s = &r->slots[r->next_take % r->nslots];

	if (!r->running) {	// no thread: the caller reads and decodes
		s->seq = r->next_take;
		if (r->read_stop) {	// cannot happen: a stop is always taken last
			s->type = CH_EOF;
			return s;
		}
		read_slot(r, s);
		decode_slot(s, r->version);
		if (slot_stops(s))
			r->read_stop = 1;
		return s;
	}
	pthread_mutex_lock(&r->mu);
	while (!(s->ready && s->seq == r->next_take))
		pthread_cond_wait(&r->ready, &r->mu);
	pthread_mutex_unlock(&r->mu);
	return s;
}

// Done with the slot in hand: its room goes back to the readers.
static void put_slot(struct pw_reader *r)
{
	if (!r->cur)
		return;
	r->cur = NULL;
	if (!r->running) {
		r->next_take++;
		return;
	}
	pthread_mutex_lock(&r->mu);
	r->slots[r->next_take % r->nslots].ready = 0;
	r->next_take++;
	pthread_cond_broadcast(&r->work);
	pthread_mutex_unlock(&r->mu);
}

/* ---- the metadata ---------------------------------------------------------- */

static int strlist(struct fail *f, uint64_t off, const msgpack_object *o,
		   char ***out, size_t *nout)
{
	if (!o)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return CORRUPT(f, off, "metadata list is not an array");
	if (!(*out = calloc(o->via.array.size + 1, sizeof(char *))))
		return FAIL(f, PW_ENOMEM, off, "out of memory");
	for (uint32_t i = 0; i < o->via.array.size; i++)
		if (!((*out)[i] = obj_strdup(&o->via.array.ptr[i])))
			return CORRUPT(f, off, "metadata list holds a non-string");
	*nout = o->via.array.size;
	return 0;
}

static int intlist(struct fail *f, uint64_t off, const msgpack_object *o,
		   int32_t **out, size_t n)
{
	if (!o || o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != n)
		return CORRUPT(f, off, "topology list of the wrong length");
	if (!(*out = calloc(n + 1, sizeof(int32_t))))
		return FAIL(f, PW_ENOMEM, off, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const msgpack_object *e = &o->via.array.ptr[i];

		if (!obj_is_int(e) || e->via.i64 < INT32_MIN || e->via.i64 > INT32_MAX)
			return CORRUPT(f, off, "topology id is not an integer");
		(*out)[i] = (int32_t)e->via.i64;
	}
	return 0;
}

static int parse_meta(struct pw_reader *r, const msgpack_object *m, uint64_t off)
{
	struct pw_meta *meta = &r->meta;
	struct fail *f = &r->f;
	struct {
		const char *key;
		char **dst;
	} strs[] = {
		{ "perfwhiz", &meta->perfwhiz },     { "hostname", &meta->hostname },
		{ "kernel", &meta->kernel },	     { "arch", &meta->arch },
		{ "cpu_desc", &meta->cpu_desc },     { "cpuid", &meta->cpuid },
		{ "perf_version", &meta->perf_version },
		{ "cmdline", &meta->cmdline },	     { "source", &meta->source },
	};
	const msgpack_object *o;
	int64_t v;
	int err;

	if ((o = map_get(m, "format")) && obj_uint(o) != (int64_t)r->version)
		return FAIL(f, PW_EVERSION, off, "metadata says format %" PRId64
			    " in a version %u file", obj_uint(o), r->version);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if ((o = map_get(m, strs[i].key)) && !(*strs[i].dst = obj_strdup(o)))
			return CORRUPT(f, off, "metadata '%s' is not a string", strs[i].key);
	if ((o = map_get(m, "nr_cpus"))) {
		if ((v = obj_uint(o)) < 0 || v > PW_MAX_CPUS)
			return CORRUPT(f, off, "metadata nr_cpus out of range");
		meta->nr_cpus = (uint32_t)v;
	}
	if ((o = map_get(m, "nr_cpus_avail"))) {
		if ((v = obj_uint(o)) < 0 || v > PW_MAX_CPUS)
			return CORRUPT(f, off, "metadata nr_cpus_avail out of range");
		meta->nr_cpus_avail = (uint32_t)v;
	}
	if ((o = map_get(m, "capture_time"))) {
		if (!obj_is_int(o))
			return CORRUPT(f, off, "metadata capture_time is not an integer");
		meta->capture_time = o->via.i64;
	}
	if ((err = strlist(f, off, map_get(m, "tracepoints"), &meta->tracepoints,
			   &meta->nr_tracepoints)))
		return err;
	if ((o = map_get(m, "topology"))) {
		const msgpack_object *ci, *si;

		if (o->type != MSGPACK_OBJECT_MAP)
			return CORRUPT(f, off, "metadata topology is not a map");
		if ((err = strlist(f, off, map_get(o, "cores"), &meta->core_siblings,
				   &meta->nr_core_siblings)) ||
		    (err = strlist(f, off, map_get(o, "threads"), &meta->thread_siblings,
				   &meta->nr_thread_siblings)))
			return err;
		ci = map_get(o, "core_id");
		si = map_get(o, "socket_id");
		if (ci && si && ci->type == MSGPACK_OBJECT_ARRAY &&
		    ci->via.array.size <= PW_MAX_CPUS && ci->via.array.size) {
			meta->nr_topo_cpus = ci->via.array.size;
			if ((err = intlist(f, off, ci, &meta->core_id, meta->nr_topo_cpus)) ||
			    (err = intlist(f, off, si, &meta->socket_id, meta->nr_topo_cpus)))
				return err;
		}
	}
	if ((o = map_get(m, "extra"))) {
		if (o->type != MSGPACK_OBJECT_MAP)
			return CORRUPT(f, off, "metadata extra is not a map");
		meta->extra = calloc(o->via.map.size + 1, sizeof(*meta->extra));
		if (!meta->extra)
			return FAIL(f, PW_ENOMEM, off, "out of memory");
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			struct pw_kv *kv = &meta->extra[meta->nr_extra++];

			kv->key = obj_strdup(&o->via.map.ptr[i].key);
			kv->value = obj_strdup(&o->via.map.ptr[i].val);
			if (!kv->key || !kv->value)
				return CORRUPT(f, off, "metadata extra holds a non-string");
		}
	}
	return 0;
}

static void slot_release(struct slot *s)
{
	free(s->zbuf);
	free(s->raw);
	libdeflate_free_decompressor(s->inflater);
	msgpack_unpacked_destroy(&s->upk);
	free(s->ev);
	free(s->cols);
	free(s->first);
	free(s->last);
	free(s->refs);
	free(s->rows);
	free(s->cpu_next);
	free(s->cpu_last);
	trailer_release(&s->tr);
}

// After the file header: the metadata chunk, read here, before any thread.
static int open_cdict(struct pw_reader *r, const uint8_t *hdr)
{
	struct slot s;
	int err;

	r->version = pw_get_le16(hdr + 8);
	if (r->version < PW_CDICT_VERSION_MIN || r->version > PW_CDICT_VERSION)
		return FAIL(&r->f, PW_EVERSION, 8, "version %u, this reader knows %u to %u",
			    r->version, PW_CDICT_VERSION_MIN, PW_CDICT_VERSION);
	memset(&s, 0, sizeof(s));
	msgpack_unpacked_init(&s.upk);
	read_slot(r, &s);
	decode_slot(&s, r->version);
	if (s.type == CH_EOF)
		err = FAIL(&r->f, PW_ETRUNC, r->off, "no metadata chunk after the header");
	else if (s.type == CH_ERR || s.f.err)
		err = fail_copy(r, &s.f);
	else if (s.type != CH_META)
		err = CORRUPT(&r->f, s.off, "first chunk is not the metadata");
	else
		err = parse_meta(r, &s.upk.data, s.off);
	slot_release(&s);
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
	r->fd = fd;
	if (!(r->name = strdup(name ? name : "-")))
		return FAIL(&r->f, PW_ENOMEM, 0, "out of memory");
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		r->file_size = (uint64_t)st.st_size;
	if (r->file_size >= PW_READ_THREADED_MIN)
		r->nthreads = pw_cpus_usable() > 1 ? 2 : 0;
	n = read_full(r, hdr, 2);
	if (n < 0)
		return FAIL(&r->f, PW_EIO, 0, "%s", strerror(errno));
	if (n == 0)
		return FAIL(&r->f, PW_EEMPTY, 0, "file is empty");
	if (n == 2 && pw_legacy_sniff(hdr)) {
		int err = pw_legacy_open(&r->legacy, fd, hdr, r->file_size, r);

		return err ? FAIL(&r->f, err, pw_legacy_err_off(r->legacy), "%s",
				  pw_legacy_detail(r->legacy)) : 0;
	}
	n += read_full(r, hdr + n, sizeof(hdr) - (size_t)n);
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
		r->fd = -1;
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

void pw_trailer_release(struct pw_trailer *tr)
{
	trailer_release(tr);
}

int pw_reader_peek_trailer(struct pw_reader *r, struct pw_trailer *tr)
{
	uint64_t size = r->file_size, tail;
	unsigned char *buf;
	struct slot s;
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
		ssize_t n = pread(r->fd, buf + got, tail - got, (off_t)(size - tail + got));

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
		memset(&s, 0, sizeof(s));
		msgpack_unpacked_init(&s.upk);
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
			s.type = unpack_slot(&s);
			if (s.type == CH_END && !parse_trailer(&s, &s.upk.data)) {
				*tr = s.tr;	// moved
				memset(&s.tr, 0, sizeof(s.tr));
				err = 0;
			} else if (s.type == CH_END || s.type == CH_ERR) {
				err = s.f.err;	// damaged
			}		// else a whole chunk, not the trailer: cut short
		}
		slot_release(&s);
		break;
	}
	free(buf);
	return err;
}

int pw_reader_set_threads(struct pw_reader *r, unsigned n)
{
	if (r->started || n > PW_READ_THREADS_MAX)
		return PW_EINVAL;
	r->nthreads = r->file_size ? n : 0;	// never on a pipe: see pw_reader_free
	return 0;
}

int pw_reader_set_holds(struct pw_reader *r, unsigned n)
{
	if (r->started || n > PW_READ_HOLDS_MAX)
		return PW_EINVAL;
	r->holds = n;
	return 0;
}

int pw_reader_hold(struct pw_reader *r)
{
	int n = 0;

	if (!r->running || !r->cur || r->cur->type != CH_EV)
		return -1;
	pthread_mutex_lock(&r->mu);
	for (unsigned i = 0; i < r->nslots; i++)
		n += r->slots[i].held;
	int token = (unsigned)n < r->holds ? (int)(r->cur - r->slots) : -1;
	if (token >= 0)
		r->cur->held = 1;
	pthread_mutex_unlock(&r->mu);
	return token;
}

void pw_reader_release(struct pw_reader *r, int token)
{
	if (token < 0 || (unsigned)token >= r->nslots)
		return;
	pthread_mutex_lock(&r->mu);
	r->slots[token].held = 0;
	pthread_cond_broadcast(&r->work);
	pthread_mutex_unlock(&r->mu);
}

/* ---- what depends on earlier chunks (the caller's thread) ----------------- */

static int cpu_state(struct pw_reader *r, uint32_t cpu)
{
	if (cpu < r->ncpu)
		return 0;
	uint32_t n = cpu + 1;
	uint64_t *nl = realloc(r->cpu_last, n * sizeof(*nl));

	if (!nl)
		return PW_ENOMEM;
	r->cpu_last = nl;
	int64_t *nn = realloc(r->cpu_next, n * sizeof(*nn));

	if (!nn)
		return PW_ENOMEM;
	r->cpu_next = nn;
	memset(nl + r->ncpu, 0, (n - r->ncpu) * sizeof(*nl));
	memset(nn + r->ncpu, 0, (n - r->ncpu) * sizeof(*nn));
	r->ncpu = n;
	return 0;
}

// Reader-derived switch fields: prev from the elision, and the runtime of
// the slice that ended (clipped to the first event's time).
static int derive_switch(struct pw_reader *r, struct pw_event *ev, int64_t prev,
			 struct fail *f, uint64_t off)
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
		if (prev - 1 > INT32_MAX || prev - 1 < INT32_MIN)
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
static void take_events(struct pw_reader *r, struct slot *s)
{
	uint32_t deliver = s->nev;

	memset(&r->pending, 0, sizeof(r->pending));
	r->pos = r->deliver = 0;
	for (uint32_t k = 0; s->str && k < s->str->via.array.size; k++) {
		const msgpack_object *o = &s->str->via.array.ptr[k];

		if (add_string(r, o->via.str.ptr, o->via.str.size)) {
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
		struct fixup *x = &s->first[k];

		if (derive_switch(r, &s->ev[x->row], x->v, &r->pending, s->off)) {
			deliver = x->row;
			break;
		}
	}
	for (uint32_t k = 0; k < s->nrefs && s->refs[k].row < deliver; k++)
		if (s->refs[k].id >= r->nstrs) {
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
		r->pending = s->f;
	}
	r->deliver = deliver;
}

// The trailer, taken in file order: the last chunk of a whole file.
static int take_trailer(struct pw_reader *r, struct slot *s)
{
	uint8_t extra;

	if (s->tr.rows != r->events)
		return CORRUPT(&r->f, s->off,
			       "trailer counts %" PRIu64 " events, the chunks hold %" PRIu64,
			       s->tr.rows, r->events);
	if (r->file_size ? r->file_size > s->end : read_full(r, &extra, 1) != 0)
		return CORRUPT(&r->f, s->end, "data after the trailer");
	trailer_release(&r->tr);
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
	if (!r->started && start_pipeline(r))
		return r->f.err;
	for (;;) {
		put_slot(r);
		struct slot *s = get_slot(r);
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
		// legacy switches carry a tid and no elision: derive the
		// runtime exactly as for .cdict files
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
	return id < r->nstrs ? r->strs[id] : NULL;
}

uint32_t pw_reader_nr_strings(const struct pw_reader *r)
{
	return r->nstrs;
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
		if (err == PW_EIO || err == PW_EEMPTY || err == PW_ENOMEM)
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

void pw_meta_release(struct pw_meta *m)
{
	if (!m)
		return;
	free(m->perfwhiz);
	free(m->hostname);
	free(m->kernel);
	free(m->arch);
	free(m->cpu_desc);
	free(m->cpuid);
	free(m->perf_version);
	free(m->cmdline);
	free(m->source);
	for (size_t i = 0; m->tracepoints && i < m->nr_tracepoints; i++)
		free(m->tracepoints[i]);
	free(m->tracepoints);
	for (size_t i = 0; m->core_siblings && i < m->nr_core_siblings; i++)
		free(m->core_siblings[i]);
	free(m->core_siblings);
	for (size_t i = 0; m->thread_siblings && i < m->nr_thread_siblings; i++)
		free(m->thread_siblings[i]);
	free(m->thread_siblings);
	free(m->core_id);
	free(m->socket_id);
	for (size_t i = 0; m->extra && i < m->nr_extra; i++) {
		free(m->extra[i].key);
		free(m->extra[i].value);
	}
	free(m->extra);
	memset(m, 0, sizeof(*m));
}

void pw_reader_free(struct pw_reader *r)
{
	if (!r)
		return;
	// the threads only ever block on the lock, never in read(): they are
	// used on regular files only
	stop_threads(r);
	if (r->nslots && r->nthreads) {
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->work);
		pthread_cond_destroy(&r->ready);
	}
	for (unsigned i = 0; i < r->nslots; i++)
		slot_release(&r->slots[i]);
	free(r->slots);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	pw_legacy_free(r->legacy);
	pw_meta_release(&r->meta);
	trailer_release(&r->tr);
	for (uint32_t i = 0; i < r->nstrs; i++)
		free(r->strs[i]);
	free(r->strs);
	free(r->cpu_last);
	free(r->cpu_next);
	free(r->name);
	free(r);
}
