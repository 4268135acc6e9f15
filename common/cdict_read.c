// SPDX-License-Identifier: Apache-2.0
// cdict_read.c: the streaming .cdict v2 reader: one chunk in memory at a time,
// every checksum and length checked before use; legacy files are handed to
// cdict_legacy.c behind the same interface.
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

// Every corrupt-input path goes through here: one breakpoint for bad input.
#define CORRUPT(r, off, ...) reader_fail((r), PW_ECORRUPT, (off), __LINE__, __VA_ARGS__)
#define FAIL(r, err, off, ...) reader_fail((r), (err), (off), __LINE__, __VA_ARGS__)

struct pw_reader {
	int fd;
	int own_fd;
	char *name;
	uint64_t file_size;	// 0 when not a regular file
	uint64_t off;		// bytes consumed

	int err;		// sticky: once failed, stays failed
	int done;
	uint64_t err_off;
	int err_line;
	char detail[192];

	struct pw_meta meta;
	struct pw_trailer tr;
	int have_trailer;

	char **strs;
	uint32_t nstrs, capstrs;

	// the current event chunk
	unsigned char *zbuf, *raw;
	size_t zcap, rawcap;
	msgpack_unpacked upk;
	uint64_t chunk_off;
	uint32_t rows, row;
	const uint8_t *kind;
	const msgpack_object *dt, *cpu;
	const msgpack_object *cols[PW_G__COUNT][PW_GROUP_MAXCOLS];
	uint32_t cur[PW_G__COUNT];
	uint64_t time;

	// derived state, per cpu
	uint64_t *cpu_last;	// time of the last switch + 1, 0 = none
	int64_t *cpu_next;	// next_tid of the last switch + 1, 0 = none
	uint32_t ncpu;
	uint64_t first_ns;
	int have_first;

	uint64_t events;
	struct pw_legacy *legacy;
	struct libdeflate_decompressor *inflater;
};

static int reader_fail(struct pw_reader *r, int err, uint64_t off, int line,
		       const char *fmt, ...)
{
	va_list ap;

	if (r->err)
		return r->err;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
	r->err = err;
	r->err_off = off;
	r->err_line = line;
	return err;
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

static int grow(unsigned char **buf, size_t *cap, size_t need)
{
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

// Read the next chunk into r->upk. Returns 1, 0 at a clean end of input (no
// byte after the last chunk), or an error.
static int read_chunk(struct pw_reader *r)
{
	uint8_t hdr[PW_CHUNK_HEADER_SIZE];
	uint32_t zlen, rawlen;
	uint64_t off = r->off;
	ssize_t n;
	size_t outlen = 0;
	size_t used = 0;

	r->chunk_off = off;
	n = read_full(r, hdr, sizeof(hdr));
	if (n < 0)
		return FAIL(r, PW_EIO, off, "%s", strerror(errno));
	if (n == 0)
		return 0;
	if ((size_t)n < sizeof(hdr))
		return FAIL(r, PW_ETRUNC, off, "chunk header cut short");
	if (pw_get_le32(hdr + 12) != pw_crc32(0, hdr, 12))
		return FAIL(r, PW_ECRC, off, "chunk header checksum mismatch");
	zlen = pw_get_le32(hdr);
	rawlen = pw_get_le32(hdr + 4);
	if (zlen > PW_CHUNK_MAX || rawlen > PW_CHUNK_MAX)
		return FAIL(r, PW_ETOOBIG, off,
			    "chunk claims %" PRIu32 " bytes (%" PRIu32
			    " decompressed), limit is %u",
			    zlen, rawlen, PW_CHUNK_MAX);
	if (r->file_size && zlen > r->file_size - r->off)
		return FAIL(r, PW_ETRUNC, off,
			    "chunk of %" PRIu32 " bytes cut short at end of file", zlen);
	if (grow(&r->zbuf, &r->zcap, zlen ? zlen : 1) ||
	    grow(&r->raw, &r->rawcap, rawlen ? rawlen : 1))
		return FAIL(r, PW_ENOMEM, off, "out of memory");
	n = read_full(r, r->zbuf, zlen);
	if (n < 0)
		return FAIL(r, PW_EIO, off, "%s", strerror(errno));
	if ((size_t)n < zlen)
		return FAIL(r, PW_ETRUNC, off,
			    "chunk of %" PRIu32 " bytes cut short at end of file", zlen);
	if (pw_get_le32(hdr + 8) != pw_crc32(0, r->zbuf, zlen))
		return FAIL(r, PW_ECRC, off, "chunk checksum mismatch");
	// libdeflate inflates into exactly the declared room, never past it
	if (!r->inflater && !(r->inflater = libdeflate_alloc_decompressor()))
		return FAIL(r, PW_ENOMEM, off, "out of memory");
	if (libdeflate_zlib_decompress(r->inflater, r->zbuf, zlen, r->raw, rawlen,
				       &outlen) != LIBDEFLATE_SUCCESS || outlen != rawlen)
		return CORRUPT(r, off, "chunk does not inflate to its declared %" PRIu32
			       " bytes", rawlen);
	msgpack_unpacked_destroy(&r->upk);
	msgpack_unpacked_init(&r->upk);
	// bound what msgpack-c allocates: rows * columns, with room to spare
	if (pw_msgpack_check(r->raw, rawlen, PW_CHUNK_ROWS * 64ull))
		return CORRUPT(r, off, "chunk is not one well-formed msgpack map");
	if (msgpack_unpack_next(&r->upk, (const char *)r->raw, rawlen, &used) !=
		    MSGPACK_UNPACK_SUCCESS ||
	    used != rawlen || r->upk.data.type != MSGPACK_OBJECT_MAP)
		return CORRUPT(r, off, "chunk is not one msgpack map");
	return 1;
}

static const char *chunk_type(const msgpack_object *map)
{
	const msgpack_object *t = map_get(map, "t");

	if (!t || t->type != MSGPACK_OBJECT_STR)
		return "";
	if (t->via.str.size == 4 && !memcmp(t->via.str.ptr, "meta", 4))
		return "meta";
	if (t->via.str.size == 2 && !memcmp(t->via.str.ptr, "ev", 2))
		return "ev";
	if (t->via.str.size == 3 && !memcmp(t->via.str.ptr, "end", 3))
		return "end";
	return "?";
}

static int strlist(struct pw_reader *r, const msgpack_object *o, char ***out,
		   size_t *nout)
{
	if (!o)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return CORRUPT(r, r->chunk_off, "metadata list is not an array");
	if (!(*out = calloc(o->via.array.size + 1, sizeof(char *))))
		return FAIL(r, PW_ENOMEM, r->chunk_off, "out of memory");
	for (uint32_t i = 0; i < o->via.array.size; i++)
		if (!((*out)[i] = obj_strdup(&o->via.array.ptr[i])))
			return CORRUPT(r, r->chunk_off, "metadata list holds a non-string");
	*nout = o->via.array.size;
	return 0;
}

static int intlist(struct pw_reader *r, const msgpack_object *o, int32_t **out,
		   size_t n)
{
	if (!o || o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != n)
		return CORRUPT(r, r->chunk_off, "topology list of the wrong length");
	if (!(*out = calloc(n + 1, sizeof(int32_t))))
		return FAIL(r, PW_ENOMEM, r->chunk_off, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const msgpack_object *e = &o->via.array.ptr[i];

		if (!obj_is_int(e) || e->via.i64 < INT32_MIN || e->via.i64 > INT32_MAX)
			return CORRUPT(r, r->chunk_off, "topology id is not an integer");
		(*out)[i] = (int32_t)e->via.i64;
	}
	return 0;
}

static int parse_meta(struct pw_reader *r, const msgpack_object *m)
{
	struct pw_meta *meta = &r->meta;
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

	if ((o = map_get(m, "format")) && obj_uint(o) != PW_CDICT_VERSION)
		return FAIL(r, PW_EVERSION, r->chunk_off,
			    "metadata says format %" PRId64, obj_uint(o));
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if ((o = map_get(m, strs[i].key)) && !(*strs[i].dst = obj_strdup(o)))
			return CORRUPT(r, r->chunk_off, "metadata '%s' is not a string",
				       strs[i].key);
	if ((o = map_get(m, "nr_cpus"))) {
		if ((v = obj_uint(o)) < 0 || v > PW_MAX_CPUS)
			return CORRUPT(r, r->chunk_off, "metadata nr_cpus out of range");
		meta->nr_cpus = (uint32_t)v;
	}
	if ((o = map_get(m, "nr_cpus_avail"))) {
		if ((v = obj_uint(o)) < 0 || v > PW_MAX_CPUS)
			return CORRUPT(r, r->chunk_off, "metadata nr_cpus_avail out of range");
		meta->nr_cpus_avail = (uint32_t)v;
	}
	if ((o = map_get(m, "capture_time"))) {
		if (!obj_is_int(o))
			return CORRUPT(r, r->chunk_off, "metadata capture_time is not an integer");
		meta->capture_time = o->via.i64;
	}
	if ((err = strlist(r, map_get(m, "tracepoints"), &meta->tracepoints,
			   &meta->nr_tracepoints)))
		return err;
	if ((o = map_get(m, "topology"))) {
		const msgpack_object *ci, *si;

		if (o->type != MSGPACK_OBJECT_MAP)
			return CORRUPT(r, r->chunk_off, "metadata topology is not a map");
		if ((err = strlist(r, map_get(o, "cores"), &meta->core_siblings,
				   &meta->nr_core_siblings)) ||
		    (err = strlist(r, map_get(o, "threads"), &meta->thread_siblings,
				   &meta->nr_thread_siblings)))
			return err;
		ci = map_get(o, "core_id");
		si = map_get(o, "socket_id");
		if (ci && si && ci->type == MSGPACK_OBJECT_ARRAY &&
		    ci->via.array.size <= PW_MAX_CPUS && ci->via.array.size) {
			meta->nr_topo_cpus = ci->via.array.size;
			if ((err = intlist(r, ci, &meta->core_id, meta->nr_topo_cpus)) ||
			    (err = intlist(r, si, &meta->socket_id, meta->nr_topo_cpus)))
				return err;
		}
	}
	if ((o = map_get(m, "extra"))) {
		if (o->type != MSGPACK_OBJECT_MAP)
			return CORRUPT(r, r->chunk_off, "metadata extra is not a map");
		meta->extra = calloc(o->via.map.size + 1, sizeof(*meta->extra));
		if (!meta->extra)
			return FAIL(r, PW_ENOMEM, r->chunk_off, "out of memory");
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			struct pw_kv *kv = &meta->extra[meta->nr_extra++];

			kv->key = obj_strdup(&o->via.map.ptr[i].key);
			kv->value = obj_strdup(&o->via.map.ptr[i].val);
			if (!kv->key || !kv->value)
				return CORRUPT(r, r->chunk_off, "metadata extra holds a non-string");
		}
	}
	return 0;
}

// An array of `n` integers, or NULL.
static const msgpack_object *int_column(const msgpack_object *map,
					const char *key, uint32_t n)
{
	const msgpack_object *o = map_get(map, key);

	if (!o || o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != n)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		if (!obj_is_int(&o->via.array.ptr[i]))
			return NULL;
	return o;
}

static int load_events(struct pw_reader *r, const msgpack_object *m)
{
	const msgpack_object *o, *k, *t0;
	uint32_t count[PW_G__COUNT] = { 0 };
	int64_t n;
	int err;

	if ((n = obj_uint(map_get(m, "n"))) < 0 || n > PW_CHUNK_MAX)
		return CORRUPT(r, r->chunk_off, "event chunk has no row count");
	k = map_get(m, "k");
	if (!k || k->type != MSGPACK_OBJECT_BIN || k->via.bin.size != n)
		return CORRUPT(r, r->chunk_off, "event chunk kind column has the wrong length");
	t0 = map_get(m, "t0");
	if (!t0 || obj_uint(t0) < 0)
		return CORRUPT(r, r->chunk_off, "event chunk has no base time");
	if ((o = map_get(m, "str"))) {
		if (o->type != MSGPACK_OBJECT_ARRAY)
			return CORRUPT(r, r->chunk_off, "string table is not an array");
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			const msgpack_object *s = &o->via.array.ptr[i];

			if (s->type != MSGPACK_OBJECT_STR)
				return CORRUPT(r, r->chunk_off, "string table holds a non-string");
			if ((err = add_string(r, s->via.str.ptr, s->via.str.size)))
				return FAIL(r, err, r->chunk_off, "out of memory");
		}
	}
	r->kind = (const uint8_t *)k->via.bin.ptr;
	for (uint32_t i = 0; i < n; i++) {
		if (r->kind[i] >= PW_EV__COUNT)
			return CORRUPT(r, r->chunk_off, "unknown event kind %u in row %" PRIu32,
				       r->kind[i], i);
		count[pw_kind_group[r->kind[i]]]++;
	}
	if (!(r->dt = int_column(m, "dt", (uint32_t)n)) ||
	    !(r->cpu = int_column(m, "cpu", (uint32_t)n)))
		return CORRUPT(r, r->chunk_off, "time or cpu column missing or malformed");
	for (unsigned g = 0; g < PW_G__COUNT; g++) {
		for (unsigned c = 0; c < pw_groups[g].ncols; c++) {
			r->cols[g][c] = NULL;
			if (count[g] && !(r->cols[g][c] = int_column(m, pw_groups[g].cols[c],
								     count[g])))
				return CORRUPT(r, r->chunk_off, "column '%s' missing or malformed",
					       pw_groups[g].cols[c]);
		}
		r->cur[g] = 0;
	}
	r->rows = (uint32_t)n;
	r->row = 0;
	r->time = (uint64_t)obj_uint(t0);
	return 0;
}

static int parse_trailer(struct pw_reader *r, const msgpack_object *m)
{
	struct pw_trailer *tr = &r->tr;
	const msgpack_object *o;
	struct {
		const char *key;
		uint64_t *dst;
	} nums[] = {
		{ "rows", &tr->rows },		 { "tasks", &tr->tasks },
		{ "first_ns", &tr->first_ns },	 { "last_ns", &tr->last_ns },
		{ "chunks", &tr->chunks },
	};

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		int64_t v = obj_uint(map_get(m, nums[i].key));

		if (v < 0)
			return CORRUPT(r, r->chunk_off, "trailer '%s' missing", nums[i].key);
		*nums[i].dst = (uint64_t)v;
	}
	if ((o = map_get(m, "events"))) {
		if (o->type != MSGPACK_OBJECT_MAP)
			return CORRUPT(r, r->chunk_off, "trailer events is not a map");
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			char *name = obj_strdup(&o->via.map.ptr[i].key);
			int kind = name ? pw_event_kind_by_name(name) : -1;
			int64_t v = obj_uint(&o->via.map.ptr[i].val);

			free(name);
			if (kind >= 0 && v >= 0)
				tr->events[kind] = (uint64_t)v;
		}
	}
	if ((o = map_get(m, "stats")) && o->type == MSGPACK_OBJECT_MAP) {
		size_t total = 0;

		for (uint32_t i = 0; i < o->via.map.size; i++)
			if (o->via.map.ptr[i].val.type == MSGPACK_OBJECT_MAP)
				total += o->via.map.ptr[i].val.via.map.size;
		if (!(tr->stats = calloc(total + 1, sizeof(*tr->stats))))
			return FAIL(r, PW_ENOMEM, r->chunk_off, "out of memory");
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object *g = &o->via.map.ptr[i].val;

			if (g->type != MSGPACK_OBJECT_MAP)
				continue;
			for (uint32_t j = 0; j < g->via.map.size; j++) {
				struct pw_stat *s = &tr->stats[tr->nr_stats];
				int64_t v = obj_uint(&g->via.map.ptr[j].val);

				s->group = obj_strdup(&o->via.map.ptr[i].key);
				s->name = obj_strdup(&g->via.map.ptr[j].key);
				if (!s->group || !s->name || v < 0) {
					free(s->group);
					free(s->name);
					return CORRUPT(r, r->chunk_off, "trailer stats malformed");
				}
				s->value = (uint64_t)v;
				tr->nr_stats++;
			}
		}
	}
	if (tr->rows != r->events)
		return CORRUPT(r, r->chunk_off,
			       "trailer counts %" PRIu64 " events, the chunks hold %" PRIu64,
			       tr->rows, r->events);
	return 0;
}

static int open_v2(struct pw_reader *r, const uint8_t *hdr)
{
	int n;

	if (pw_get_le16(hdr + 8) != PW_CDICT_VERSION)
		return FAIL(r, PW_EVERSION, 8, "version %u, this reader knows %u",
			    pw_get_le16(hdr + 8), PW_CDICT_VERSION);
	n = read_chunk(r);
	if (n == 0)
		return FAIL(r, PW_ETRUNC, r->off, "no metadata chunk after the header");
	if (n < 0)
		return n;
	if (strcmp(chunk_type(&r->upk.data), "meta"))
		return CORRUPT(r, r->chunk_off, "first chunk is not the metadata");
	return parse_meta(r, &r->upk.data);
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
	msgpack_unpacked_init(&r->upk);
	if (!(r->name = strdup(name ? name : "-")))
		return FAIL(r, PW_ENOMEM, 0, "out of memory");
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		r->file_size = (uint64_t)st.st_size;
	n = read_full(r, hdr, 2);
	if (n < 0)
		return FAIL(r, PW_EIO, 0, "%s", strerror(errno));
	if (n == 0)
		return FAIL(r, PW_EEMPTY, 0, "file is empty");
	if (n == 2 && pw_legacy_sniff(hdr)) {
		int err = pw_legacy_open(&r->legacy, fd, hdr, r->file_size, r);

		return err ? FAIL(r, err, pw_legacy_err_off(r->legacy), "%s",
				  pw_legacy_detail(r->legacy)) : 0;
	}
	n += read_full(r, hdr + n, sizeof(hdr) - (size_t)n);
	if (memcmp(hdr, PW_CDICT_MAGIC, (size_t)n < 8 ? (size_t)n : 8))
		return FAIL(r, PW_EMAGIC, 0, "no .cdict magic");
	if ((size_t)n < sizeof(hdr))
		return FAIL(r, PW_ETRUNC, (uint64_t)n, "header cut short");
	return open_v2(r, hdr);
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
		msgpack_unpacked_init(&r->upk);
		r->name = strdup(path);
		return FAIL(r, PW_EIO, 0, "%s", strerror(errno));
	}
	err = pw_reader_open_fd(out, fd, path);
	if (*out)
		(*out)->own_fd = 1;
	else
		close(fd);
	return err;
}

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
static int derive_switch(struct pw_reader *r, struct pw_event *ev, int64_t prev)
{
	uint32_t cpu = (uint32_t)ev->cpu;

	if (cpu_state(r, cpu))
		return FAIL(r, PW_ENOMEM, r->chunk_off, "out of memory");
	if (prev == 0) {
		if (!r->cpu_next[cpu])
			return CORRUPT(r, r->chunk_off,
				       "switch on cpu %" PRIu32 " elides an unknown prev", cpu);
		ev->tid = (int32_t)(r->cpu_next[cpu] - 1);
	} else {
		if (prev - 1 > INT32_MAX || prev - 1 < INT32_MIN)
			return CORRUPT(r, r->chunk_off, "switch prev tid out of range");
		ev->tid = (int32_t)(prev - 1);
	}
	r->cpu_next[cpu] = (int64_t)ev->sw.next_tid + 1;
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

static int next_v2(struct pw_reader *r, struct pw_event *ev)
{
	int64_t v[PW_GROUP_MAXCOLS] = { 0 };
	int64_t dt, cpu;
	unsigned g;
	uint32_t i;
	int n;

	while (r->row >= r->rows) {
		n = read_chunk(r);
		if (n == 0)
			return FAIL(r, PW_ETRUNC, r->off,
				    "no trailer: %" PRIu64 " events recovered", r->events);
		if (n < 0) {
			if (r->err == PW_ETRUNC)
				snprintf(r->detail + strlen(r->detail),
					 sizeof(r->detail) - strlen(r->detail),
					 ": %" PRIu64 " events recovered", r->events);
			return n;
		}
		const char *t = chunk_type(&r->upk.data);

		if (!strcmp(t, "ev")) {
			if ((n = load_events(r, &r->upk.data)))
				return n;
		} else if (!strcmp(t, "end")) {
			uint8_t extra;

			if ((n = parse_trailer(r, &r->upk.data)))
				return n;
			if (read_full(r, &extra, 1) != 0)
				return CORRUPT(r, r->off - 1, "data after the trailer");
			r->have_trailer = 1;
			r->done = 1;
			return 0;
		} else if (!strcmp(t, "meta")) {
			return CORRUPT(r, r->chunk_off, "a second metadata chunk");
		}
		// an unknown chunk type from a later minor version: skipped
	}
	i = r->row++;
	memset(ev, 0, sizeof(*ev));
	ev->kind = r->kind[i];
	dt = r->dt->via.array.ptr[i].via.i64;
	cpu = r->cpu->via.array.ptr[i].via.i64;
	if (i == 0 ? dt != 0 : (dt < 0 && (uint64_t)-dt > r->time))
		return CORRUPT(r, r->chunk_off, "time delta out of range in row %" PRIu32, i);
	if (cpu < 0 || cpu >= PW_MAX_CPUS)
		return CORRUPT(r, r->chunk_off, "cpu %" PRId64 " out of range", cpu);
	r->time += (uint64_t)dt;
	ev->time = r->time;
	ev->cpu = (int32_t)cpu;
	if (!r->have_first) {
		r->first_ns = ev->time;
		r->have_first = 1;
	}
	g = pw_kind_group[ev->kind];
	for (unsigned c = 0; c < pw_groups[g].ncols; c++)
		v[c] = r->cols[g][c]->via.array.ptr[r->cur[g]].via.i64;
	r->cur[g]++;
	if (g == PW_G_SW) {
		int64_t prev = v[0];

		v[0] = 0;
		if (pw_ev_from_cols(ev, v) || (n = derive_switch(r, ev, prev)))
			return r->err ? r->err : CORRUPT(r, r->chunk_off,
							 "switch field out of range");
	} else if (pw_ev_from_cols(ev, v)) {
		return CORRUPT(r, r->chunk_off, "%s field out of range in row %" PRIu32,
			       pw_event_name(ev->kind), i);
	}
	if ((g == PW_G_TK && ev->task.name >= r->nstrs) ||
	    (g == PW_G_FK && ev->fk.child_name >= r->nstrs))
		return CORRUPT(r, r->chunk_off, "string id out of range in row %" PRIu32, i);
	r->events++;
	return 1;
}

int pw_reader_next(struct pw_reader *r, struct pw_event *ev)
{
	int n;

	if (r->err)
		return r->err;
	if (r->done)
		return 0;
	if (r->legacy) {
		n = pw_legacy_next(r->legacy, ev, r);
		if (n > 0) {
			if (!r->have_first) {
				r->first_ns = ev->time;
				r->have_first = 1;
			}
			// legacy switches carry a tid and no elision: derive
			// the runtime exactly as for v2 files
			if (ev->kind == PW_EV_SWITCH &&
			    derive_switch(r, ev, (int64_t)ev->tid + 1))
				return r->err;
			r->events++;
		} else if (n == 0)
			r->done = 1;
		else
			return FAIL(r, n, pw_legacy_err_off(r->legacy), "%s",
				    pw_legacy_detail(r->legacy));
		return n;
	}
	return next_v2(r, ev);
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

	if (r && r->err == err && r->detail[0]) {
		if (err == PW_EIO || err == PW_EEMPTY || err == PW_ENOMEM)
			snprintf(buf, size, "%s '%s': %s", pw_strerror(err), name,
				 r->detail);
		else
			snprintf(buf, size, "%s '%s' at offset 0x%" PRIx64 ": %s",
				 err == PW_ECRC || err == PW_ETOOBIG ||
					 err == PW_EMAGIC || err == PW_EVERSION
					 ? "corrupt input" : pw_strerror(err),
				 name, r->err_off, r->detail);
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
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	pw_legacy_free(r->legacy);
	pw_meta_release(&r->meta);
	for (size_t i = 0; i < r->tr.nr_stats; i++) {
		free(r->tr.stats[i].group);
		free(r->tr.stats[i].name);
	}
	free(r->tr.stats);
	for (uint32_t i = 0; i < r->nstrs; i++)
		free(r->strs[i]);
	free(r->strs);
	msgpack_unpacked_destroy(&r->upk);
	free(r->zbuf);
	free(r->raw);
	free(r->cpu_last);
	free(r->cpu_next);
	free(r->name);
	libdeflate_free_decompressor(r->inflater);
	free(r);
}
