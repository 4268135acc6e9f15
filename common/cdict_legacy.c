// SPDX-License-Identifier: Apache-2.0
// cdict_legacy.c: the original Python perfwhiz's .cdict files, turned into
// pw_events: zlib(msgpack({event: [...], cpu: [...], usecs: [...], pid: [...],
// task_name: [...], duration: [...], next_pid: [...], next_comm: [...]})).
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <msgpack.h>
#include <zlib.h>

#include "pw_array.h"
#include "cdict_legacy.h"
#include "msgpack_guard.h"
#include "pw_tidhash.h"

enum { C_EVENT, C_CPU, C_USECS, C_PID, C_NAME, C_DURATION, C_NEXT_PID,
       C_NEXT_COMM, C__COUNT };

static const char *const col_names[C__COUNT] = {
	"event", "cpu", "usecs", "pid", "task_name", "duration", "next_pid", "next_comm",
};

struct pw_legacy {
	unsigned char *raw;
	size_t rawlen;
	msgpack_unpacked upk;
	const msgpack_object *cols[C__COUNT];
	uint32_t rows, row;
	uint64_t skipped;
	uint64_t err_off;
	char detail[160];

	// the last name id of each tid, in order of first sight
	struct pw_tidhash tids;	// tid -> index in names
	uint32_t *names;	// UINT32_MAX: none yet
	uint32_t nnames;
	size_t capnames;

	struct pw_event pending[3];	// TASK events first, then the row
	unsigned npending, next_pending;
};

static int legacy_fail(struct pw_legacy *l, int err, uint64_t off,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->detail, sizeof(l->detail), fmt, ap);
	va_end(ap);
	l->err_off = off;
	return err;
}

int pw_legacy_sniff(const uint8_t b[2])
{
	// RFC 1950: deflate method, a window of at most 32 KiB, FCHECK
	return (b[0] & 0x0f) == 8 && (b[0] >> 4) <= 7 &&
	       ((unsigned)b[0] << 8 | b[1]) % 31 == 0;
}

// Inflate all of fd (after its first two bytes) into l->raw, capped.
static int inflate_all(struct pw_legacy *l, int fd, const uint8_t first[2])
{
	unsigned char in[65536];
	size_t cap = 1 << 16;	// doubled as needed, up to PW_LEGACY_MAX
	z_stream zs = { 0 };
	uint64_t consumed = 0;
	int zr = Z_OK, first_round = 1;

	if (inflateInit(&zs) != Z_OK || !(l->raw = malloc(cap)))
		return legacy_fail(l, PW_ENOMEM, 0, "out of memory");
	while (zr != Z_STREAM_END) {
		ssize_t n;

		if (first_round) {
			memcpy(in, first, 2);
			n = read(fd, in + 2, sizeof(in) - 2);
			if (n >= 0)
				n += 2;
			first_round = 0;
		} else {
			n = read(fd, in, sizeof(in));
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			inflateEnd(&zs);
			return legacy_fail(l, PW_EIO, consumed, "%s", strerror(errno));
		}
		if (n == 0) {
			inflateEnd(&zs);
			return legacy_fail(l, PW_ETRUNC, consumed,
					   "legacy file cut short (its zlib stream does not end)");
		}
		zs.next_in = in;
		zs.avail_in = (uInt)n;
		while (zs.avail_in > 0 && zr != Z_STREAM_END) {
			if (l->rawlen == cap) {
				unsigned char *nb;

				if (cap >= PW_LEGACY_MAX) {
					inflateEnd(&zs);
					return legacy_fail(l, PW_ETOOBIG, consumed,
							   "legacy file inflates beyond %u bytes",
							   PW_LEGACY_MAX);
				}
				cap *= 2;
				if (!(nb = realloc(l->raw, cap))) {
					inflateEnd(&zs);
					return legacy_fail(l, PW_ENOMEM, 0, "out of memory");
				}
				l->raw = nb;
			}
			zs.next_out = l->raw + l->rawlen;
			zs.avail_out = (uInt)(cap - l->rawlen);
			zr = inflate(&zs, Z_NO_FLUSH);
			l->rawlen = cap - zs.avail_out;
			if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
				inflateEnd(&zs);
				return legacy_fail(l, PW_ECORRUPT, consumed + (uint64_t)n - zs.avail_in,
						   "legacy zlib stream is corrupt");
			}
		}
		consumed += (uint64_t)n;
		if (zr == Z_STREAM_END && zs.avail_in > 0) {
			inflateEnd(&zs);
			return legacy_fail(l, PW_ECORRUPT, consumed - zs.avail_in,
					   "data after the legacy zlib stream");
		}
	}
	inflateEnd(&zs);
	return 0;
}

static int is_str(const msgpack_object *o)
{
	return o->type == MSGPACK_OBJECT_STR || o->type == MSGPACK_OBJECT_BIN;
}

// A string or bin object's bytes (msgpack-c lays both out the same way).
static const char *str_ptr(const msgpack_object *o, size_t *n)
{
	if (o->type == MSGPACK_OBJECT_STR) {
		*n = o->via.str.size;
		return o->via.str.ptr;
	}
	*n = o->via.bin.size;
	return o->via.bin.ptr;
}

static int str_eq(const msgpack_object *o, const char *s)
{
	size_t n, len = strlen(s);
	const char *p;

	if (!is_str(o))
		return 0;
	p = str_ptr(o, &n);
	return n == len && !memcmp(p, s, n);
}

// A number of a legacy column: integers, or floats (Python 3 divisions).
static int num(const msgpack_object *o, int64_t *v)
{
	switch (o->type) {
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > INT64_MAX)
			return -1;
		*v = (int64_t)o->via.u64;
		return 0;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		*v = o->via.i64;
		return 0;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		if (!(o->via.f64 > -9.2e18 && o->via.f64 < 9.2e18))
			return -1;
		*v = (int64_t)o->via.f64;
		return 0;
	case MSGPACK_OBJECT_NIL:
		*v = 0;
		return 0;
	default:
		return -1;
	}
}

int pw_legacy_open(struct pw_legacy **out, int fd, const uint8_t first[2],
		   uint64_t file_size, struct pw_reader *r)
{
	struct pw_legacy *l = calloc(1, sizeof(*l));
	const msgpack_object *m;
	size_t used = 0;
	int err;

	(void)r;
	*out = l;
	if (!l)
		return PW_ENOMEM;
	msgpack_unpacked_init(&l->upk);
	if (file_size > PW_LEGACY_MAX)
		return legacy_fail(l, PW_ETOOBIG, 0, "legacy file larger than %u bytes",
				   PW_LEGACY_MAX);
	if ((err = inflate_all(l, fd, first)))
		return err;
	// msgpack-c takes 24 bytes per object: 48 M objects (6 M rows) is the cap
	if (pw_msgpack_check(l->raw, l->rawlen, 48u << 20))
		return legacy_fail(l, PW_ECORRUPT, 0,
				   "legacy file is not one well-formed msgpack map of at most 48 M values");
	if (msgpack_unpack_next(&l->upk, (const char *)l->raw, l->rawlen, &used) !=
		    MSGPACK_UNPACK_SUCCESS ||
	    used != l->rawlen || l->upk.data.type != MSGPACK_OBJECT_MAP)
		return legacy_fail(l, PW_ECORRUPT, 0,
				   "legacy file does not hold one msgpack map");
	m = &l->upk.data;
	for (unsigned c = 0; c < C__COUNT; c++) {
		for (uint32_t i = 0; i < m->via.map.size; i++)
			if (str_eq(&m->via.map.ptr[i].key, col_names[c]))
				l->cols[c] = &m->via.map.ptr[i].val;
		if (!l->cols[c] || l->cols[c]->type != MSGPACK_OBJECT_ARRAY)
			return legacy_fail(l, PW_ECORRUPT, 0,
					   "legacy file has no '%s' column", col_names[c]);
		if (l->cols[c]->via.array.size != l->cols[0]->via.array.size)
			return legacy_fail(l, PW_ECORRUPT, 0,
					   "legacy columns of unequal length: event has %" PRIu32
					   ", %s has %" PRIu32,
					   l->cols[0]->via.array.size, col_names[c],
					   l->cols[c]->via.array.size);
	}
	l->rows = l->cols[0]->via.array.size;
	return 0;
}

// Where the name id last given to tid is kept (UINT32_MAX: none yet), or
// NULL when out of memory. Valid until the next call.
static uint32_t *name_slot(struct pw_legacy *l, int32_t tid)
{
	int64_t i = pw_tidhash_find(&l->tids, tid);

	if (i >= 0)
		return &l->names[i];
	if (pw_grow(&l->names, &l->capnames, l->nnames, sizeof(*l->names), 1024))
		return NULL;
	if (pw_tidhash_put(&l->tids, tid, l->nnames))
		return NULL;
	l->names[l->nnames] = UINT32_MAX;
	return &l->names[l->nnames++];
}

// Queue a TASK event when tid's name differs from the last one seen.
static int note_name(struct pw_legacy *l, struct pw_reader *r, int32_t tid,
		     const msgpack_object *name, const struct pw_event *row)
{
	uint32_t *slot, id;
	const char *p;
	size_t n;

	if (!is_str(name))
		return 0;
	p = str_ptr(name, &n);
	if (!(slot = name_slot(l, tid)))
		return PW_ENOMEM;
	if (*slot != UINT32_MAX) {
		const char *old = pw_reader_string(r, *slot);

		if (old && strlen(old) == n && !memcmp(old, p, n))
			return 0;
	}
	int e = pw_reader_intern_(r, p, n, &id);

	if (e)
		return e;
	*slot = id;
	struct pw_event *t = &l->pending[l->npending++];

	memset(t, 0, sizeof(*t));
	t->kind = PW_EV_TASK;
	t->time = row->time;
	t->cpu = row->cpu;
	t->flags = PW_EVF_LEGACY;
	t->tid = tid;
	t->task.pid = -1;
	t->task.name = id;
	return 0;
}

// A name that could not join the string table (note_name's error).
static int name_fail(struct pw_legacy *l, int err)
{
	if (err == PW_ETOOBIG)
		return legacy_fail(l, err, 0, "legacy row %" PRIu32 ": the string table passes "
				   "its limit of %u strings or %u bytes", l->row - 1,
				   PW_STRINGS_MAX, PW_STRINGS_BYTES_MAX);
	return legacy_fail(l, PW_ENOMEM, 0, "out of memory");
}

int pw_legacy_next(struct pw_legacy *l, struct pw_event *ev, struct pw_reader *r)
{
	while (l->next_pending >= l->npending) {
		const msgpack_object *o[C__COUNT];
		struct pw_event row;
		int64_t cpu, usecs, pid, dur, next_pid;
		uint32_t i;
		int err;

		if (l->row >= l->rows)
			return 0;
		i = l->row++;
		for (unsigned c = 0; c < C__COUNT; c++)
			o[c] = &l->cols[c]->via.array.ptr[i];
		l->npending = l->next_pending = 0;
		if (num(o[C_CPU], &cpu) || num(o[C_USECS], &usecs) ||
		    num(o[C_PID], &pid) || num(o[C_DURATION], &dur) ||
		    num(o[C_NEXT_PID], &next_pid))
			return legacy_fail(l, PW_ECORRUPT, 0,
					   "legacy row %" PRIu32 " holds a non-number", i);
		if (cpu < 0 || cpu >= PW_MAX_CPUS || usecs < 0 ||
		    usecs > INT64_MAX / 1000 || pid < INT32_MIN || pid > INT32_MAX ||
		    next_pid < INT32_MIN || next_pid > INT32_MAX || dur < 0 ||
		    dur > INT64_MAX / 1000)
			return legacy_fail(l, PW_ECORRUPT, 0,
					   "legacy row %" PRIu32 " holds a value out of range", i);
		memset(&row, 0, sizeof(row));
		row.time = (uint64_t)usecs * 1000;
		row.cpu = (int32_t)cpu;
		row.tid = (int32_t)pid;
		row.flags = PW_EVF_LEGACY;
		if (str_eq(o[C_EVENT], "sched__sched_switch")) {
			// the reader takes prev + 1 = 0 for an elided prev
			if (pid == -1)
				return legacy_fail(l, PW_ECORRUPT, 0, "legacy row %" PRIu32
						   ": a sched_switch from pid -1 (no task)", i);
			row.kind = PW_EV_SWITCH;
			row.sw.next_tid = (int32_t)next_pid;
			row.sw.prev_state = PW_STATE_UNKNOWN;
			if ((err = note_name(l, r, row.sw.next_tid, o[C_NEXT_COMM], &row)))
				return name_fail(l, err);
		} else if (str_eq(o[C_EVENT], "sched__sched_stat_sleep") ||
			   str_eq(o[C_EVENT], "sched__sched_stat_iowait")) {
			row.kind = str_eq(o[C_EVENT], "sched__sched_stat_sleep")
					   ? PW_EV_STAT_SLEEP : PW_EV_STAT_IOWAIT;
			row.st.delay_ns = (uint64_t)dur * 1000;
		} else if (str_eq(o[C_EVENT], "kvm_exit")) {
			int64_t reason = 0;

			row.kind = PW_EV_KVM_EXIT;
			row.kx.isa = PW_ISA_VMX;
			if (is_str(o[C_NEXT_COMM])) {
				// some captures stored the reason as text
				char buf[16];
				size_t n;
				const char *p = str_ptr(o[C_NEXT_COMM], &n);

				if (n == 0 || n >= sizeof(buf))
					return legacy_fail(l, PW_ECORRUPT, 0,
							   "legacy row %" PRIu32 " has a bad exit reason", i);
				memcpy(buf, p, n);
				buf[n] = '\0';
				char *end;

				reason = strtoll(buf, &end, 10);
				if (*end)
					return legacy_fail(l, PW_ECORRUPT, 0,
							   "legacy row %" PRIu32 " has a bad exit reason", i);
			} else if (num(o[C_NEXT_COMM], &reason)) {
				return legacy_fail(l, PW_ECORRUPT, 0,
						   "legacy row %" PRIu32 " has a bad exit reason", i);
			}
			if (reason < 0 || reason > UINT32_MAX)
				return legacy_fail(l, PW_ECORRUPT, 0,
						   "legacy row %" PRIu32 " has a bad exit reason", i);
			row.kx.reason = (uint32_t)reason;
		} else if (str_eq(o[C_EVENT], "kvm_entry")) {
			row.kind = PW_EV_KVM_ENTRY;
		} else {
			l->skipped++;
			continue;
		}
		if ((err = note_name(l, r, row.tid, o[C_NAME], &row)))
			return name_fail(l, err);
		l->pending[l->npending++] = row;
	}
	*ev = l->pending[l->next_pending++];
	return 1;
}

uint64_t pw_legacy_err_off(const struct pw_legacy *l)
{
	return l ? l->err_off : 0;
}

const char *pw_legacy_detail(const struct pw_legacy *l)
{
	return l ? l->detail : "out of memory";
}

uint64_t pw_legacy_skipped(const struct pw_legacy *l)
{
	return l->skipped;
}

void pw_legacy_free(struct pw_legacy *l)
{
	if (!l)
		return;
	msgpack_unpacked_destroy(&l->upk);
	free(l->raw);
	pw_tidhash_release(&l->tids);
	free(l->names);
	free(l);
}
