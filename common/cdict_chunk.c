// SPDX-License-Identifier: Apache-2.0
// cdict_chunk.c: one chunk of a .cdict file decoded, on any thread
// (cdict_chunk.h): checksum, inflate, unpack, then an event chunk's columns
// into pw_events, every value checked, or the trailer into a pw_trailer.
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cdict_chunk.h"
#include "msgpack_guard.h"

int pw_fail_set(struct pw_fail *f, int err, uint64_t off, int line,
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

const msgpack_object *pw_mp_get(const msgpack_object *map, const char *key)
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

int pw_mp_is_int(const msgpack_object *o)
{
	return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER ||
	       o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER;
}

// A non-negative integer that fits int64, or -1.
int64_t pw_mp_uint(const msgpack_object *o)
{
	if (!o || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    o->via.u64 > INT64_MAX)
		return -1;
	return (int64_t)o->via.u64;
}

char *pw_mp_strdup(const msgpack_object *o)
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

void pw_slot_init(struct pw_slot *s)
{
	memset(s, 0, sizeof(*s));
	msgpack_unpacked_init(&s->upk);
}

/* ---- decoding a chunk (any thread) --------------------------------------- */

static int chunk_type(const msgpack_object *map)
{
	const msgpack_object *t = pw_mp_get(map, "t");

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

// The objects msgpack-c may build for one chunk (24 bytes each): an event
// chunk's columns, its new strings (no more than its rows in any file a
// writer makes: each is interned for a row) and, in format 2, one object a
// value; a metadata chunk's lists, a few per cpu; with room to spare.
static uint64_t max_objects(unsigned version)
{
	uint64_t n = (uint64_t)PW_READ_ROWS_MAX + 4ull * PW_MAX_CPUS + 65536;

	return version >= 3 ? n : n + 8ull * PW_READ_ROWS_MAX;
}

// Check, inflate and unpack the payload read into s; returns its type
// (CH_ERR with s->f set on failure).
int pw_slot_unpack(struct pw_slot *s, unsigned version)
{
	size_t outlen = 0, used = 0;

	if (pw_get_le32(s->hdr + 8) != pw_crc32(0, s->zbuf, s->zlen)) {
		FAIL(&s->f, PW_ECRC, s->off, "chunk checksum mismatch");
		return CH_ERR;
	}
	if (pw_bytes_room(&s->raw, &s->rawcap, s->rawlen ? s->rawlen : 1) ||
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
	// bound what msgpack-c allocates before it does
	if (pw_msgpack_check(s->raw, s->rawlen, max_objects(version))) {
		CORRUPT(&s->f, s->off, "chunk is not one well-formed msgpack map "
			"of at most %" PRIu64 " values", max_objects(version));
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

static int slot_room(struct pw_slot *s, uint32_t n)
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
	struct pw_strref *refs = realloc(s->refs, (size_t)n * sizeof(*refs));

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
	const msgpack_object *o = pw_mp_get(m, key);

	if (!o)
		return -1;
	if (version >= 3)
		return o->type == MSGPACK_OBJECT_BIN ?
			pw_planes_decode((const uint8_t *)o->via.bin.ptr,
					 o->via.bin.size, n, v) : -1;
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != n)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		if (!pw_mp_is_int(&o->via.array.ptr[i]))
			return -1;
		v[i] = o->via.array.ptr[i].via.i64;
	}
	return 0;
}

// What of the switches a chunk can derive alone: every switch but each cpu's
// first gets its prev (the sw.prev elision) and the runtime of the slice it
// ends from the switch before it on that cpu; the first ones are left to
// the caller (s->first), with each cpu's last switch (s->last) for the next
// chunk, and each cpu's first and last event time (s->span). Task rows'
// string ids are listed (s->refs) for the caller to check against the
// string table. Off the caller's thread; it costs the chunk's rows and
// cpus (s->nspan, listed by decode_rows), and leaves the per-cpu arrays
// clean.
static void derive_chunk(struct pw_slot *s, const int64_t *prev)
{
	uint32_t i, n = s->nev, nc = s->nspan;

	s->nfirst = s->nlast = s->nrefs = 0;
	if (nc > s->capcpu) {
		struct pw_fixup *fa = realloc(s->first, nc * sizeof(*fa));

		if (fa)
			s->first = fa;
		struct pw_fixup *la = fa ? realloc(s->last, nc * sizeof(*la)) : NULL;

		if (!la) {
			FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
			s->nev = n = 0;
		} else {
			s->last = la;
			s->capcpu = nc;
		}
	}
	// the switches in row order: the j-th has sw.prev[j]
	const uint32_t *rows = s->rows + s->gstart[PW_G_SW];
	uint32_t nsw = s->gstart[PW_G_SW + 1] - s->gstart[PW_G_SW];
	for (uint32_t j = 0; j < nsw && (i = rows[j]) < n; j++) {
		struct pw_event *ev = &s->ev[i];
		int64_t p = prev[j];
		uint32_t c = (uint32_t)ev->cpu;

		if (!s->cpu_next[c]) {
			s->first[s->nfirst++] = (struct pw_fixup){ i, (int32_t)c, p, 0 };
		} else {
			// tid + 1 in int32 (written so that it cannot overflow)
			if (p != 0 && (p > (int64_t)INT32_MAX + 1 || p < (int64_t)INT32_MIN + 1)) {
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
		s->refs[s->nrefs++] = (struct pw_strref){ i, take_tk ? ev->task.name : ev->fk.child_name };
	}
	// each cpu's last switch, its event times; the arrays made clean
	for (uint32_t k = 0; k < nc; k++) {
		struct pw_cpuspan *sp = &s->span[k];
		uint32_t c = sp->cpu;

		if (s->cpu_next[c] && s->nlast < s->capcpu)
			s->last[s->nlast++] = (struct pw_fixup){ 0, (int32_t)c, s->cpu_next[c],
							       s->cpu_last[c] };
		sp->first = s->cpu_tf[c] - 1;
		sp->last = s->cpu_tl[c] - 1;
		s->cpu_next[c] = 0;
		s->cpu_last[c] = s->cpu_tf[c] = s->cpu_tl[c] = 0;
	}
}

// An event chunk's columns, checked at chunk level: each row's kind, time
// delta and cpu, and each group's columns, a value per row of its kinds.
struct evcols {
	uint32_t n;
	const uint8_t *kind;
	uint64_t t0;
	const int64_t *dt, *cpu;
	uint32_t count[PW_G__COUNT];	// rows of each group
	const int64_t *g[PW_G__COUNT][PW_GROUP_MAXCOLS];
};

// Why the first bad row of an event chunk is bad.
enum { ROW_OK, ROW_BAD_TIME, ROW_BAD_CPU, ROW_BAD_FIELD, ROW_NOMEM };

// The chunk-level checks of an event chunk, and its columns decoded into
// s->cols (each group's rows listed in s->rows): 0, or -1 with s->f set.
// Damage found here fails the whole chunk.
static int load_columns(struct pw_slot *s, const msgpack_object *m, unsigned version,
			struct evcols *c)
{
	const msgpack_object *o, *k, *t0;
	uint32_t n, i;
	int64_t v;

	if ((v = pw_mp_uint(pw_mp_get(m, "n"))) < 0 || v > PW_READ_ROWS_MAX) {
		CORRUPT(&s->f, s->off, "event chunk has no row count (or over %u rows)",
			PW_READ_ROWS_MAX);
		return -1;
	}
	n = (uint32_t)v;
	k = pw_mp_get(m, "k");
	if (!k || k->type != MSGPACK_OBJECT_BIN || k->via.bin.size != n) {
		CORRUPT(&s->f, s->off, "event chunk kind column has the wrong length");
		return -1;
	}
	t0 = pw_mp_get(m, "t0");
	if (!t0 || pw_mp_uint(t0) < 0) {
		CORRUPT(&s->f, s->off, "event chunk has no base time");
		return -1;
	}
	if ((o = pw_mp_get(m, "str"))) {
		if (o->type != MSGPACK_OBJECT_ARRAY) {
			CORRUPT(&s->f, s->off, "string table is not an array");
			return -1;
		}
		for (i = 0; i < o->via.array.size; i++)
			if (o->via.array.ptr[i].type != MSGPACK_OBJECT_STR) {
				CORRUPT(&s->f, s->off, "string table holds a non-string");
				return -1;
			}
		s->str = o;
	}
	const uint8_t *kind = (const uint8_t *)k->via.bin.ptr;

	memset(c->count, 0, sizeof(c->count));
	for (i = 0; i < n; i++) {
		if (kind[i] >= PW_EV__COUNT) {
			CORRUPT(&s->f, s->off, "unknown event kind %u in row %" PRIu32,
				kind[i], i);
			return -1;
		}
		c->count[pw_kind_group[kind[i]]]++;
	}
	if (slot_room(s, n ? n : 1)) {
		FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
		return -1;
	}
	// each group's rows in order: the rows a group's loop fills
	uint32_t at[PW_G__COUNT];

	s->gstart[0] = 0;
	for (unsigned g = 0; g < PW_G__COUNT; g++) {
		at[g] = s->gstart[g];
		s->gstart[g + 1] = s->gstart[g] + c->count[g];
	}
	for (i = 0; i < n; i++)
		s->rows[at[pw_kind_group[kind[i]]]++] = i;
	int64_t *dt = s->cols, *cpu = dt + n, *next = cpu + n;

	if (get_column(m, "dt", n, version, dt) || get_column(m, "cpu", n, version, cpu)) {
		CORRUPT(&s->f, s->off, "time or cpu column missing or malformed");
		return -1;
	}
	for (unsigned g = 0; g < PW_G__COUNT; g++)
		for (unsigned j = 0; j < pw_groups[g].ncols; j++) {
			c->g[g][j] = next;
			if (!c->count[g])
				continue;
			if (get_column(m, pw_groups[g].cols[j], c->count[g], version, next)) {
				CORRUPT(&s->f, s->off, "column '%s' missing or malformed",
					pw_groups[g].cols[j]);
				return -1;
			}
			next += c->count[g];
		}
	c->n = n;
	c->kind = kind;
	c->t0 = (uint64_t)pw_mp_uint(t0);
	c->dt = dt;
	c->cpu = cpu;
	return 0;
}

// The per-cpu arrays of s for cpus below n (new entries 0), and room for
// n cpus in s->span. 0, or PW_ENOMEM.
static int cpu_room(struct pw_slot *s, uint32_t n)
{
	uint32_t cap = s->ncpu ? s->ncpu : 64;

	if (n <= s->ncpu)
		return 0;
	while (cap < n)
		cap *= 2;	// n <= PW_MAX_CPUS: a power of two that holds it
	int64_t *nx = realloc(s->cpu_next, cap * sizeof(*nx));
	if (nx)
		s->cpu_next = nx;
	uint64_t *ls = nx ? realloc(s->cpu_last, cap * sizeof(*ls)) : NULL;
	if (ls)
		s->cpu_last = ls;
	uint64_t *tf = ls ? realloc(s->cpu_tf, cap * sizeof(*tf)) : NULL;
	if (tf)
		s->cpu_tf = tf;
	uint64_t *tl = tf ? realloc(s->cpu_tl, cap * sizeof(*tl)) : NULL;
	if (tl)
		s->cpu_tl = tl;
	struct pw_cpuspan *sp = tl ? realloc(s->span, cap * sizeof(*sp)) : NULL;
	if (!sp)
		return PW_ENOMEM;
	s->span = sp;
	size_t old = s->ncpu, k = cap - old;
	memset(s->cpu_next + old, 0, k * sizeof(*s->cpu_next));
	memset(s->cpu_last + old, 0, k * sizeof(*s->cpu_last));
	memset(s->cpu_tf + old, 0, k * sizeof(*s->cpu_tf));
	memset(s->cpu_tl + old, 0, k * sizeof(*s->cpu_tl));
	s->ncpu = cap;
	return 0;
}

// What every row has, in one pass: time, cpu, kind, the rest zero; each
// cpu's first and last time (s->span lists the cpus), and the rows earlier
// than the one before on their cpu (s->backwards). Returns the first bad
// row (c->n: none) with *why. A row's time is checked before its cpu.
static uint32_t decode_rows(struct pw_slot *s, const struct evcols *c, int *why)
{
	const int64_t *dt = c->dt, *cpu = c->cpu;
	const uint8_t *kind = c->kind;
	struct pw_event *ev = s->ev;
	uint32_t n = c->n, i, nspan = 0, ncpu = s->ncpu;
	uint64_t t = c->t0, back = 0;
	uint64_t *tf = s->cpu_tf, *tl = s->cpu_tl;

	for (i = 0; i < n; i++) {
		int64_t d = dt[i];

		// t <= PW_TIME_MAX, t0 included: the sum cannot wrap, and a
		// negative delta is negated in unsigned arithmetic
		if (i == 0 ? d != 0 : d < 0 ? (uint64_t)0 - (uint64_t)d > t
					: (uint64_t)d > PW_TIME_MAX - t) {
			*why = ROW_BAD_TIME;
			break;
		}
		uint64_t cp = (uint64_t)cpu[i];
		if (__builtin_expect(cp >= ncpu, 0)) {	// the per-cpu arrays grow
			if (cp >= PW_MAX_CPUS) {
				*why = ROW_BAD_CPU;
				break;
			}
			if (cpu_room(s, (uint32_t)cp + 1)) {
				FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
				*why = ROW_NOMEM;
				break;
			}
			ncpu = s->ncpu;
			tf = s->cpu_tf;
			tl = s->cpu_tl;
		}
		t += (uint64_t)d;
		uint64_t p = tl[cp];
		if (!p) {
			s->span[nspan++].cpu = (uint32_t)cp;
			tf[cp] = t + 1;
		}
		back += t + 1 < p;
		tl[cp] = t + 1;
		ev[i] = (struct pw_event){ .time = t, .cpu = (int32_t)cp, .kind = kind[i] };
	}
	s->nspan = nspan;
	s->backwards = back;
	return i;
}

// Then each group's fields straight from its columns, a loop a group: kinds
// interleave, and one loop over every row mispredicted its switch on the
// group at nearly every row (docs/decisions.md, "Decoding a chunk group by
// group"). Rows from `bad` on are not looked at; returns the first bad row,
// with *why ROW_BAD_FIELD when a field made it so (a time or cpu error in a
// row wins over a field error, as the checks of one row go).
//
// One case per group: the inverse of pw_ev_to_cols() (cdict_int.h), the
// two kept as switches on purpose: they are the reader's and the writer's
// hot loops, and a table of field offsets and types costs a branch a value.
static uint32_t decode_fields(struct pw_slot *s, const struct evcols *cols, uint32_t bad,
			      int *why)
{
#define COL(c) (gc[(c)][j])
	for (unsigned g = 0; g < PW_G__COUNT; g++) {
		const uint32_t *rw = s->rows + s->gstart[g];
		const int64_t *const *gc = cols->g[g];

		for (uint32_t j = 0; j < cols->count[g] && rw[j] < bad; j++) {
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
				bad = rw[j];
				*why = ROW_BAD_FIELD;
				break;
			}
		}
	}
#undef COL
	return bad;
}

// Decode an event chunk into s->ev: every column first (chunk-level damage
// fails the whole chunk), then the events row by row, in one sequential
// pass, and their fields a group at a time; a bad value stops at its row
// (the rows before it stay good).
static void decode_events(struct pw_slot *s, const msgpack_object *m, unsigned version)
{
	struct evcols c;
	uint32_t bad;
	int why = ROW_OK;

	// an early return hands out nothing
	s->nev = s->nfirst = s->nlast = s->nrefs = s->nspan = 0;
	s->backwards = 0;
	s->str = NULL;
	if (load_columns(s, m, version, &c))
		return;
	bad = decode_rows(s, &c, &why);
	if (why == ROW_NOMEM) {	// the cpus listed so far made clean
		for (uint32_t k = 0; k < s->nspan; k++)
			s->cpu_tf[s->span[k].cpu] = s->cpu_tl[s->span[k].cpu] = 0;
		s->nspan = 0;
		return;
	}
	bad = decode_fields(s, &c, bad, &why);
	switch (why) {
	case ROW_OK:
		break;
	case ROW_BAD_TIME:
		CORRUPT(&s->f, s->off, "event time out of range (0 to %" PRIu64
			" ns) in row %" PRIu32, PW_TIME_MAX, bad);
		break;
	case ROW_BAD_CPU:
		CORRUPT(&s->f, s->off, "cpu %" PRId64 " out of range", c.cpu[bad]);
		break;
	case ROW_BAD_FIELD:
		if (pw_kind_group[c.kind[bad]] == PW_G_SW)
			CORRUPT(&s->f, s->off, "switch field out of range");
		else
			CORRUPT(&s->f, s->off, "%s field out of range in row %" PRIu32,
				pw_event_name(c.kind[bad]), bad);
		break;
	}
	s->nev = bad;
	derive_chunk(s, c.count[PW_G_SW] ? c.g[PW_G_SW][0] : NULL);
}

int pw_slot_parse_trailer(struct pw_slot *s, const msgpack_object *m)
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

	pw_trailer_release(tr);
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		int64_t v = pw_mp_uint(pw_mp_get(m, nums[i].key));

		if (v < 0)
			return CORRUPT(&s->f, s->off, "trailer '%s' missing", nums[i].key);
		*nums[i].dst = (uint64_t)v;
	}
	if ((o = pw_mp_get(m, "events"))) {
		if (o->type != MSGPACK_OBJECT_MAP)
			return CORRUPT(&s->f, s->off, "trailer events is not a map");
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			char *name = pw_mp_strdup(&o->via.map.ptr[i].key);
			int kind = name ? pw_event_kind_by_name(name) : -1;
			int64_t v = pw_mp_uint(&o->via.map.ptr[i].val);

			free(name);
			if (kind >= 0 && v >= 0)
				tr->events[kind] = (uint64_t)v;
		}
	}
	if ((o = pw_mp_get(m, "top"))) {	// minor version 1
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
				ns = pw_mp_uint(&v[1]);
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
	if ((o = pw_mp_get(m, "ended"))) {	// minor version 2
		const msgpack_object *how = o->type == MSGPACK_OBJECT_MAP ? pw_mp_get(o, "how") : NULL;
		const msgpack_object *why = how ? pw_mp_get(o, "why") : NULL;

		if (!how || how->type != MSGPACK_OBJECT_STR ||
		    (why && why->type != MSGPACK_OBJECT_STR))
			return CORRUPT(&s->f, s->off, "trailer ended is not {how, why}");
		char *h = pw_mp_strdup(how);
		if (!h || (why && !(tr->end_why = pw_mp_strdup(why)))) {
			free(h);
			return FAIL(&s->f, PW_ENOMEM, s->off, "out of memory");
		}
		// a state a later writer knows and this reader does not: unknown
		tr->end = pw_end_by_name(h);
		free(h);
	}
	if ((o = pw_mp_get(m, "stats")) && o->type == MSGPACK_OBJECT_MAP) {
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
				int64_t v = pw_mp_uint(&g->via.map.ptr[j].val);

				st->group = pw_mp_strdup(&o->via.map.ptr[i].key);
				st->name = pw_mp_strdup(&g->via.map.ptr[j].key);
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
void pw_slot_decode(struct pw_slot *s, unsigned version)
{
	if (s->type != CH_SKIP)	// nothing was read: EOF or a read error
		return;
	s->type = pw_slot_unpack(s, version);
	switch (s->type) {
	case CH_EV:
		decode_events(s, &s->upk.data, version);
		break;
	case CH_END:
		if (pw_slot_parse_trailer(s, &s->upk.data))
			s->type = CH_ERR;
		break;
	case CH_META:
		if (s->seq)	// the first chunk is read by pw_reader_open
			CORRUPT(&s->f, s->off, "a second metadata chunk");
		break;
	}
}

void pw_slot_release(struct pw_slot *s)
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
	free(s->cpu_tf);
	free(s->cpu_tl);
	free(s->span);
	pw_trailer_release(&s->tr);
}
