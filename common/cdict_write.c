// SPDX-License-Identifier: Apache-2.0
// cdict_write.c: the streaming .cdict writer (format 3): events are buffered
// in columns, one chunk at a time, then encoded as byte planes, packed
// (msgpack), compressed (deflate), checksummed and appended to a temporary
// file renamed into place at the end, or written straight through to a
// character device or a FIFO (pw_outpath.h).
//
// Full event chunks are packed, compressed and written by a background
// thread, so that the caller spends its time on producing events: two
// column buffers, one being filled by pw_writer_add() while the thread works
// on the other, so at most two chunks are in memory. A caller that is
// itself a thread beside the producer (the plugin's decoding thread) packs
// each chunk in pw_writer_add() instead (pw_writer_no_thread()). The bytes
// written do not depend on the thread: same events, same file.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>
#include <msgpack.h>
#include <zlib.h>

#include "cdict_tally.h"
#include "pw_compiler.h"
#include "pw_outpath.h"
#include "pw_thread.h"

// Compression levels. The metadata and the trailer use zlib at PW_ZLEVEL.
// Event chunks are the bulk and are compressed off perf's thread, on the
// other core, which with the plugin's decoding must keep up with perf:
// libdeflate (the same zlib format, any zlib reader inflates it, in a
// fraction of zlib's time) at its fastest level, which on byte planes (see
// cdict_int.h) costs few bytes (docs/decisions.md, "Chunks compressed with
// libdeflate" and "Event chunks at deflate level 1").
#define PW_ZLEVEL 6
#define PW_ZLEVEL_EV 1

// The string table, and a hash of it: open addressing over ids.
struct strtab {
	struct pw_strs strs;
	uint32_t *slots;	// id + 1, 0 = empty
	uint32_t nslots;	// power of two
};

// What packs and compresses event chunks (the background thread's own).
struct zctx {
	msgpack_sbuffer sbuf;
	msgpack_packer pk;
	struct libdeflate_compressor *dc;
	uint8_t *planes;	// one column's byte planes
	unsigned char *zbuf;
	size_t zcap;
};

struct pw_writer {
	int fd;
	int finished;
	int err_no;
	char *path;	// the file renamed over (where links lead), or the
			// device or FIFO written straight through
	char *tmp;	// the temporary file; NULL for a device or FIFO
	_Atomic uint64_t bytes;	// the thread adds to it

	// the chunk being filled and the one the thread works on
	struct pw_wchunk buf[2];
	struct pw_wchunk *cur;
	uint64_t last_time;
	uint32_t str_flushed;	// strings handed over in earlier chunks

	// the background thread: `job` is the chunk handed to it, NULL when it
	// is idle; its first error stays in bg_err (read at the next add)
	pthread_t thread;
	int thread_on, quit;
	int no_thread;		// pw_writer_no_thread(): the caller packs
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pw_wchunk *job;
	atomic_int bg_err;
	int bg_errno;
	struct zctx ez;

	// sw.prev elision: the next_tid of the last switch written per cpu
	int64_t *cpu_next;	// tid + 1, 0 = none
	uint32_t ncpu;

	struct strtab strs;
	// the trailer's counts: the thread's (pack_events), but for the
	// chunks and the named counters, which are the caller's
	struct pw_tally tally;

	// metadata and trailer, packed on the caller's thread
	msgpack_sbuffer sbuf;
	msgpack_packer pk;
	unsigned char *zbuf;
	size_t zcap;
};

// Room for a whole chunk in each column of group g (first use of the group
// in this buffer); -1 when out of memory.
PW_COLD int group_alloc(struct pw_wchunk *c, unsigned g)
{
	for (unsigned k = 0; k < pw_groups[g].ncols; k++)
		if (!c->cols[g][k] &&
		    !(c->cols[g][k] = malloc(PW_CHUNK_ROWS * sizeof(int64_t))))
			return -1;
	return 0;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;	// FNV-1a

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int strtab_grow(struct strtab *t)
{
	uint32_t nslots = t->nslots ? t->nslots * 2 : 256;
	uint32_t *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return PW_ENOMEM;
	for (uint32_t id = 0; id < t->strs.n; id++) {
		uint32_t i = hash_str(t->strs.s[id]) & (nslots - 1);

		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

static int64_t strtab_intern(struct strtab *t, const char *s)
{
	char cut[PW_NAME_MAX + 1];
	uint32_t i;

	if (strlen(s) > PW_NAME_MAX) {
		memcpy(cut, s, PW_NAME_MAX);
		cut[PW_NAME_MAX] = '\0';
		s = cut;
	}
	if ((uint64_t)(t->strs.n + 1) * 2 > t->nslots && strtab_grow(t))
		return PW_ENOMEM;
	for (i = hash_str(s) & (t->nslots - 1); t->slots[i];
	     i = (i + 1) & (t->nslots - 1))
		if (!strcmp(t->strs.s[t->slots[i] - 1], s))
			return t->slots[i] - 1;
	if (pw_strs_add(&t->strs, s, strlen(s)))
		return PW_ENOMEM;
	t->slots[i] = t->strs.n;	// the new id + 1
	return t->strs.n - 1;
}

static int write_all(struct pw_writer *w, const void *buf, size_t len,
		     int *err_no)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			*err_no = errno;
			return PW_EIO;
		}
		p += n;
		len -= (size_t)n;
		atomic_fetch_add_explicit(&w->bytes, (uint64_t)n,
					  memory_order_relaxed);
	}
	return 0;
}

// Append one chunk: its header, then zlen bytes of zlib stream.
static int write_chunk(struct pw_writer *w, const unsigned char *z, size_t zlen,
		       size_t raw, int *err_no)
{
	uint8_t hdr[PW_CHUNK_HEADER_SIZE];
	uint64_t off = atomic_load_explicit(&w->bytes, memory_order_relaxed);
	int err;

	if (zlen > PW_CHUNK_MAX)
		return PW_ETOOBIG;
	pw_put_le32(hdr, (uint32_t)zlen);
	pw_put_le32(hdr + 4, (uint32_t)raw);
	pw_put_le32(hdr + 8, pw_crc32(0, z, zlen));
	pw_put_le32(hdr + 12, pw_crc32(0, hdr, 12));
	if ((err = write_all(w, hdr, sizeof(hdr), err_no)) ||
	    (err = write_all(w, z, zlen, err_no)))
		return err;
	// Start the chunk's writeback now, on the thread that wrote it (a
	// hint: it waits for nothing, and a failure shows in fsync()), so that
	// the fsync() in pw_writer_finish(), on perf's thread, has only the
	// tail to wait for (docs/decisions.md, "Writeback started per chunk")
	(void)sync_file_range(w->fd, (off64_t)off, (off64_t)(sizeof(hdr) + zlen),
			      SYNC_FILE_RANGE_WRITE);
	return 0;
}

// Compress the packed map in w->sbuf (metadata, trailer) and append it.
static int emit_chunk(struct pw_writer *w)
{
	size_t raw = w->sbuf.size;
	uLongf zlen;
	int err;

	if (raw > PW_CHUNK_MAX)
		return PW_ETOOBIG;
	if (pw_bytes_room(&w->zbuf, &w->zcap, compressBound(raw)))
		return PW_ENOMEM;
	zlen = (uLongf)w->zcap;
	if (compress2(w->zbuf, &zlen, (const Bytef *)w->sbuf.data, raw,
		      PW_ZLEVEL) != Z_OK)
		return PW_ENOMEM;
	if ((err = write_chunk(w, w->zbuf, zlen, raw, &w->err_no)))
		return err;
	msgpack_sbuffer_clear(&w->sbuf);
	return 0;
}

// Compress the packed event chunk in ez->sbuf and append it.
static int emit_events(struct pw_writer *w, struct zctx *ez, int *err_no)
{
	size_t raw = ez->sbuf.size, zlen;
	int err;

	if (raw > PW_CHUNK_MAX)
		return PW_ETOOBIG;
	if (!ez->dc && !(ez->dc = libdeflate_alloc_compressor(PW_ZLEVEL_EV)))
		return PW_ENOMEM;
	if (pw_bytes_room(&ez->zbuf, &ez->zcap, libdeflate_zlib_compress_bound(ez->dc, raw)))
		return PW_ENOMEM;
	zlen = libdeflate_zlib_compress(ez->dc, ez->sbuf.data, raw, ez->zbuf, ez->zcap);
	if (!zlen)
		return PW_ENOMEM;	// cannot happen with the bound's room
	err = write_chunk(w, ez->zbuf, zlen, raw, err_no);
	msgpack_sbuffer_clear(&ez->sbuf);
	return err;
}

// An integer column as byte planes (a msgpack bin, see cdict_int.h).
static int pack_col(struct zctx *ez, const char *key, const int64_t *v, uint32_t n)
{
	unsigned width = pw_planes_width(v, n);
	size_t len;

	if (!ez->planes && !(ez->planes = malloc(1 + 8 * (size_t)PW_CHUNK_ROWS)))
		return PW_ENOMEM;
	len = pw_planes_encode(ez->planes, v, n, width);
	pw_pack_str(&ez->pk, key);
	msgpack_pack_bin(&ez->pk, len);
	msgpack_pack_bin_body(&ez->pk, ez->planes, len);
	return 0;
}

static void pack_strlist(msgpack_packer *pk, const char *key, char **v, size_t n)
{
	pw_pack_str(pk, key);
	msgpack_pack_array(pk, n);
	for (size_t i = 0; i < n; i++)
		pw_pack_str(pk, v[i] ? v[i] : "");
}

static void pack_intlist(msgpack_packer *pk, const char *key, const int32_t *v,
			 size_t n)
{
	pw_pack_str(pk, key);
	msgpack_pack_array(pk, n);
	for (size_t i = 0; i < n; i++)
		msgpack_pack_int32(pk, v[i]);
}

static int write_meta(struct pw_writer *w, const struct pw_meta *meta)
{
	static const struct pw_meta none;
	const struct pw_meta *m = meta ? meta : &none;
	const struct {
		const char *key;
		const char *val;
	} strs[] = {
		{ "perfwhiz", m->perfwhiz ? m->perfwhiz : PW_VERSION },
		{ "hostname", m->hostname },	 { "kernel", m->kernel },
		{ "arch", m->arch },		 { "cpu_desc", m->cpu_desc },
		{ "cpuid", m->cpuid },		 { "perf_version", m->perf_version },
		{ "cmdline", m->cmdline },	 { "source", m->source },
	};
	size_t n = 2;	// "t" and "format"

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		n += strs[i].val != NULL;
	n += !!m->nr_cpus + !!m->nr_cpus_avail + !!m->capture_time +
	     !!m->nr_tracepoints + !!m->nr_extra;
	n += !!(m->nr_core_siblings || m->nr_thread_siblings || m->nr_topo_cpus);

	msgpack_pack_map(&w->pk, n);
	pw_pack_kv_str(&w->pk, "t", "meta");
	pw_pack_kv_u64(&w->pk, "format", PW_CDICT_VERSION);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i].val)
			pw_pack_kv_str(&w->pk, strs[i].key, strs[i].val);
	if (m->nr_cpus)
		pw_pack_kv_u64(&w->pk, "nr_cpus", m->nr_cpus);
	if (m->nr_cpus_avail)
		pw_pack_kv_u64(&w->pk, "nr_cpus_avail", m->nr_cpus_avail);
	if (m->capture_time) {
		pw_pack_str(&w->pk, "capture_time");
		msgpack_pack_int64(&w->pk, m->capture_time);
	}
	if (m->nr_tracepoints)
		pack_strlist(&w->pk, "tracepoints", m->tracepoints,
			     m->nr_tracepoints);
	if (m->nr_core_siblings || m->nr_thread_siblings || m->nr_topo_cpus) {
		pw_pack_str(&w->pk, "topology");
		msgpack_pack_map(&w->pk, m->nr_topo_cpus ? 4 : 2);
		pack_strlist(&w->pk, "cores", m->core_siblings,
			     m->nr_core_siblings);
		pack_strlist(&w->pk, "threads", m->thread_siblings,
			     m->nr_thread_siblings);
		if (m->nr_topo_cpus) {
			pack_intlist(&w->pk, "core_id", m->core_id,
				     m->core_id ? m->nr_topo_cpus : 0);
			pack_intlist(&w->pk, "socket_id", m->socket_id,
				     m->socket_id ? m->nr_topo_cpus : 0);
		}
	}
	if (m->nr_extra) {
		pw_pack_str(&w->pk, "extra");
		msgpack_pack_map(&w->pk, m->nr_extra);
		for (size_t i = 0; i < m->nr_extra; i++)
			pw_pack_kv_str(&w->pk, m->extra[i].key ? m->extra[i].key : "",
				       m->extra[i].value ? m->extra[i].value : "");
	}
	return emit_chunk(w);
}

int pw_writer_open(struct pw_writer **out, const char *path,
		   const struct pw_meta *meta)
{
	struct pw_writer *w;
	uint8_t hdr[PW_HEADER_SIZE] = { 0 };
	struct pw_outpath o;
	int err;

	*out = NULL;
	if (!path || !*path)
		return PW_EINVAL;
	if (!(w = calloc(1, sizeof(*w))))
		return PW_ENOMEM;
	w->fd = -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->cur = &w->buf[0];
	msgpack_sbuffer_init(&w->sbuf);
	msgpack_packer_init(&w->pk, &w->sbuf, msgpack_sbuffer_write);
	msgpack_sbuffer_init(&w->ez.sbuf);
	msgpack_packer_init(&w->ez.pk, &w->ez.sbuf, msgpack_sbuffer_write);
	// the output as its path says (pw_outpath.h): a temporary file beside
	// a regular file, renamed over it at the end, or straight through to a
	// device or FIFO; anything else refused here, before any byte
	err = pw_outpath_open(&o, path);
	w->err_no = errno;
	if (err == PW_ENOMEM) {
		pw_outpath_release(&o);
		pw_writer_free(w);
		return err;
	}
	if (err) {
		pw_outpath_release(&o);
		*out = w;
		return err;
	}
	w->err_no = 0;
	w->fd = o.fd;
	w->tmp = o.tmp;		// NULL for a stream
	w->path = o.tmp ? o.dest : strdup(path);
	if (!o.tmp)
		free(o.dest);
	if (!w->path) {
		pw_writer_free(w);
		return PW_ENOMEM;
	}
	if (!(w->buf[0].kind = malloc(PW_CHUNK_ROWS)) ||
	    !(w->buf[1].kind = malloc(PW_CHUNK_ROWS))) {
		pw_writer_free(w);
		return PW_ENOMEM;
	}
	memcpy(hdr, PW_CDICT_MAGIC, 8);
	pw_put_le16(hdr + 8, PW_CDICT_VERSION);
	pw_put_le16(hdr + 10, PW_CDICT_MINOR);
	*out = w;
	if ((err = write_all(w, hdr, sizeof(hdr), &w->err_no)) ||
	    (err = write_meta(w, meta)))
		return err;
	return 0;
}

int64_t pw_writer_intern(struct pw_writer *w, const char *s)
{
	return strtab_intern(&w->strs, s ? s : "");
}

// Pack an event chunk into ez->sbuf and append it; then empty the chunk.
static int pack_events(struct pw_writer *w, struct zctx *ez, struct pw_wchunk *c,
		       int *err_no)
{
	msgpack_packer *pk = &ez->pk;
	size_t n = 6 + !!c->nstr;	// t, n, t0, k, dt, cpu (+ str)
	int err = pw_tally_chunk(&w->tally, c);

	for (unsigned g = 0; g < PW_G__COUNT; g++)
		if (c->gn[g])
			n += pw_groups[g].ncols;
	msgpack_pack_map(pk, n);
	pw_pack_kv_str(pk, "t", "ev");
	pw_pack_kv_u64(pk, "n", c->rows);
	pw_pack_kv_u64(pk, "t0", c->t0);
	if (c->nstr)
		pack_strlist(pk, "str", c->str, c->nstr);
	pw_pack_str(pk, "k");
	msgpack_pack_bin(pk, c->rows);
	msgpack_pack_bin_body(pk, c->kind, c->rows);
	if (!err)
		err = pack_col(ez, "dt", c->dt, c->rows);
	if (!err)
		err = pack_col(ez, "cpu", c->cpu, c->rows);
	for (unsigned g = 0; g < PW_G__COUNT; g++)
		for (unsigned k = 0; !err && c->gn[g] && k < pw_groups[g].ncols; k++)
			err = pack_col(ez, pw_groups[g].cols[k], c->cols[g][k], c->gn[g]);
	if (!err)
		err = emit_events(w, ez, err_no);
	msgpack_sbuffer_clear(&ez->sbuf);
	c->rows = 0;
	c->nstr = 0;
	memset(c->gn, 0, sizeof(c->gn));
	return err;
}

// The background thread: packs and writes each chunk handed to it. Its
// first error stops the work; it is reported by the next add or finish.
static void *writer_thread(void *arg)
{
	struct pw_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->job && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->job)
			break;
		struct pw_wchunk *c = w->job;

		pthread_mutex_unlock(&w->mu);
		int err = atomic_load(&w->bg_err);

		if (!err)
			err = pack_events(w, &w->ez, c, &w->bg_errno);
		else
			c->rows = 0;
		pthread_mutex_lock(&w->mu);
		if (err && !atomic_load(&w->bg_err))
			atomic_store(&w->bg_err, err);
		w->job = NULL;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

// Wait until the thread has written every chunk handed to it; returns its
// error, if any (and its errno in w->err_no).
static int wait_idle(struct pw_writer *w)
{
	int err;

	if (!w->thread_on)
		return atomic_load(&w->bg_err);
	pthread_mutex_lock(&w->mu);
	while (w->job)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	err = atomic_load(&w->bg_err);
	if (err == PW_EIO)
		w->err_no = w->bg_errno;
	return err;
}

// The thread runs with every signal blocked: they stay perf's.
static int start_thread(struct pw_writer *w)
{
	if (pw_thread_start(&w->thread, writer_thread, w))
		return -1;
	w->thread_on = 1;
	return 0;
}

// Hand the chunk being filled to the thread (or, without one, write it
// here) and go on filling the other buffer.
static int flush_events(struct pw_writer *w)
{
	struct pw_wchunk *c = w->cur;
	uint32_t nstr = w->strs.strs.n - w->str_flushed;
	int err;

	if (!c->rows)
		return 0;
	if (nstr > c->str_cap) {
		char **ns = realloc(c->str, nstr * sizeof(*ns));

		if (!ns)
			return PW_ENOMEM;
		c->str = ns;
		c->str_cap = nstr;
	}
	// the strings themselves stay put until pw_writer_free()
	if (nstr)
		memcpy(c->str, w->strs.strs.s + w->str_flushed, nstr * sizeof(*c->str));
	c->nstr = nstr;
	w->str_flushed = w->strs.strs.n;
	w->tally.tr.chunks++;
	if (!w->thread_on && (w->no_thread || start_thread(w))) {
		err = pack_events(w, &w->ez, c, &w->bg_errno);
		if (err == PW_EIO)
			w->err_no = w->bg_errno;
		return err;
	}
	pthread_mutex_lock(&w->mu);
	while (w->job)
		pthread_cond_wait(&w->cv, &w->mu);
	err = atomic_load(&w->bg_err);
	if (!err) {
		w->job = c;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	if (err) {
		if (err == PW_EIO)
			w->err_no = w->bg_errno;
		return err;
	}
	w->cur = c == &w->buf[0] ? &w->buf[1] : &w->buf[0];
	return 0;
}

void pw_writer_no_thread(struct pw_writer *w)
{
	if (!w->thread_on)
		w->no_thread = 1;
}

PW_COLD int cpu_grow(struct pw_writer *w, uint32_t cpu)
{
	uint32_t n = cpu + 1;
	int64_t *nc = realloc(w->cpu_next, n * sizeof(*nc));

	if (!nc)
		return PW_ENOMEM;
	memset(nc + w->ncpu, 0, (n - w->ncpu) * sizeof(*nc));
	w->cpu_next = nc;
	w->ncpu = n;
	return 0;
}

PW_COLD int chunk_alloc(struct pw_wchunk *c)
{
	if (!c->dt && !(c->dt = malloc(PW_CHUNK_ROWS * sizeof(*c->dt))))
		return PW_ENOMEM;
	if (!c->cpu && !(c->cpu = malloc(PW_CHUNK_ROWS * sizeof(*c->cpu))))
		return PW_ENOMEM;
	return 0;
}

// The caller's hot path (the plugin's decoding thread): a few stores per
// event; everything else (tid set, encoding, compression) is the writer
// thread's, or with pw_writer_no_thread() done here once a chunk is full.
int pw_writer_add(struct pw_writer *w, const struct pw_event *ev)
{
	struct pw_wchunk *c = w->cur;
	unsigned g;
	uint32_t j;
	int err;

	if (ev->kind >= PW_EV__COUNT || ev->cpu < 0 || ev->cpu >= PW_MAX_CPUS)
		return PW_EINVAL;
	if ((err = atomic_load_explicit(&w->bg_err, memory_order_relaxed)))
		return wait_idle(w);
	g = pw_kind_group[ev->kind];
	if ((!c->dt && chunk_alloc(c)) || (!c->cols[g][0] && group_alloc(c, g)))
		return PW_ENOMEM;
	j = c->gn[g];
	if (g == PW_G_SW) {
		// prev is almost always the task the cpu's last switch ran:
		// store 0 then, tid + 1 otherwise (see the format spec)
		if ((uint32_t)ev->cpu >= w->ncpu && cpu_grow(w, (uint32_t)ev->cpu))
			return PW_ENOMEM;
		int64_t *last = &w->cpu_next[ev->cpu];	// PW_NEXT_SEEN(), 0: none
		int elided = *last == PW_NEXT_SEEN(ev->tid);

		if (!elided && ev->tid == -1)
			return PW_EINVAL;	// tid + 1 would be 0, the elision
		c->cols[g][0][j] = elided ? 0 : (int64_t)ev->tid + 1;
		c->cols[g][1][j] = ev->sw.next_tid;
		c->cols[g][2][j] = ev->sw.prev_state;
		*last = PW_NEXT_SEEN(ev->sw.next_tid);
	} else {
		int64_t v[PW_GROUP_MAXCOLS];

		pw_ev_to_cols(ev, v);
		if ((g == PW_G_TK && v[2] >= w->strs.strs.n) ||
		    (g == PW_G_FK && v[3] >= w->strs.strs.n))
			return PW_EINVAL;
		for (unsigned k = 0; k < pw_groups[g].ncols; k++)
			c->cols[g][k][j] = v[k];
	}
	c->gn[g] = j + 1;
	if (!c->rows) {
		c->t0 = ev->time;
		w->last_time = ev->time;
	}
	c->dt[c->rows] = (int64_t)(ev->time - w->last_time);
	c->cpu[c->rows] = ev->cpu;
	c->kind[c->rows++] = ev->kind;
	w->last_time = ev->time;
	if (c->rows == PW_CHUNK_ROWS)
		return flush_events(w);
	return 0;
}

int pw_writer_set_stat(struct pw_writer *w, const char *group,
		       const char *name, uint64_t value)
{
	return pw_tally_set_stat(&w->tally, group, name, value);
}

int pw_writer_set_end(struct pw_writer *w, int end, const char *why)
{
	char *s = NULL;

	if (end <= PW_END_UNKNOWN || end >= PW_END__COUNT)
		return PW_EINVAL;
	if (why && !(s = strdup(why)))
		return PW_ENOMEM;
	free(w->tally.tr.end_why);
	w->tally.tr.end = end;
	w->tally.tr.end_why = s;
	return 0;
}

// The trailer, once the thread is idle and the last chunk counted.
static int write_trailer(struct pw_writer *w)
{
	int err = pw_tally_pack(&w->tally, &w->pk);

	return err ? err : emit_chunk(w);
}

int pw_writer_events(struct pw_writer *w, uint64_t events[PW_EV__COUNT])
{
	int err = 0;

	if (!w->finished && w->fd >= 0 && !(err = flush_events(w)))
		err = wait_idle(w);
	memcpy(events, w->tally.tr.events, sizeof(w->tally.tr.events));
	return err;
}

int pw_writer_finish(struct pw_writer *w)
{
	int err;

	if (w->fd < 0 || w->finished)
		return PW_EINVAL;
	if ((err = flush_events(w)) || (err = wait_idle(w)) ||
	    (err = write_trailer(w)))
		return err;
	// a device or a FIFO (no temporary file) has nothing to make durable
	if (w->tmp && fsync(w->fd) < 0 && errno != EINVAL) {
		w->err_no = errno;
		return PW_EIO;
	}
	if (close(w->fd) < 0) {
		w->fd = -1;
		w->err_no = errno;
		return PW_EIO;
	}
	w->fd = -1;
	if (w->tmp && pw_outpath_rename(w->tmp, w->path) < 0) {
		w->err_no = errno;
		return PW_EIO;
	}
	w->finished = 1;
	return 0;
}

const char *pw_writer_tmp_path(const struct pw_writer *w)
{
	return w->finished ? NULL : w->tmp;
}

uint64_t pw_writer_bytes(const struct pw_writer *w)
{
	return atomic_load_explicit(&w->bytes, memory_order_relaxed);
}

int pw_writer_errno(const struct pw_writer *w)
{
	return w->err_no;
}

static void chunk_release(struct pw_wchunk *c)
{
	free(c->kind);
	free(c->dt);
	free(c->cpu);
	for (unsigned g = 0; g < PW_G__COUNT; g++)
		for (unsigned k = 0; k < PW_GROUP_MAXCOLS; k++)
			free(c->cols[g][k]);
	free(c->str);
}

void pw_writer_free(struct pw_writer *w)
{
	if (!w)
		return;
	if (w->thread_on) {
		pthread_mutex_lock(&w->mu);
		w->quit = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	if (w->fd >= 0)
		close(w->fd);
	if (!w->finished && w->tmp)
		unlink(w->tmp);
	free(w->path);
	free(w->tmp);
	chunk_release(&w->buf[0]);
	chunk_release(&w->buf[1]);
	free(w->cpu_next);
	pw_strs_release(&w->strs.strs);
	free(w->strs.slots);
	pw_tally_release(&w->tally);
	msgpack_sbuffer_destroy(&w->sbuf);
	free(w->zbuf);
	msgpack_sbuffer_destroy(&w->ez.sbuf);
	libdeflate_free_compressor(w->ez.dc);
	free(w->ez.zbuf);
	free(w->ez.planes);
	free(w);
}
