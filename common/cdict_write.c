// SPDX-License-Identifier: Apache-2.0
// cdict_write.c: the streaming .cdict v2 writer: events are buffered in
// columns, one chunk at a time, then packed (msgpack), compressed (zlib),
// checksummed and appended to a temporary file renamed into place at the end.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <msgpack.h>
#include <zlib.h>

#include "cdict_int.h"

// zlib level: 6 balances size and speed on real captures (see the bench)
#define PW_ZLEVEL 6

struct col {
	int64_t *v;
	uint32_t n, cap;
};

// A string table: open addressing over ids, strings kept in insertion order.
struct strtab {
	char **s;
	uint32_t n, cap;
	uint32_t *slots;	// id + 1, 0 = empty
	uint32_t nslots;	// power of two
};

// A set of tids seen, for the trailer's task count.
struct tidset {
	int64_t *slots;		// tid + 1, 0 = empty
	uint32_t n, nslots;
};

struct pw_writer {
	int fd;
	int finished;
	int err_no;
	char *path, *tmp;
	uint64_t bytes;

	// the chunk being filled
	uint32_t rows;
	uint8_t *kind;
	struct col dt, cpu;
	struct col cols[PW_G__COUNT][PW_GROUP_MAXCOLS];
	uint64_t t0, last_time;
	int have_time;
	uint32_t str_flushed;	// strings already written in earlier chunks

	// sw.prev elision: the next_tid of the last switch written per cpu
	int64_t *cpu_next;	// tid + 1, 0 = none
	uint32_t ncpu;

	struct strtab strs;
	struct tidset tids;

	// trailer
	struct pw_trailer tr;
	uint64_t first_ns;
	int have_first;

	msgpack_sbuffer sbuf;
	msgpack_packer pk;
	unsigned char *zbuf;
	size_t zcap;
};

static int col_push(struct col *c, int64_t v)
{
	if (c->n == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 1024;
		int64_t *nv = realloc(c->v, (size_t)cap * sizeof(*nv));

		if (!nv)
			return PW_ENOMEM;
		c->v = nv;
		c->cap = cap;
	}
	c->v[c->n++] = v;
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
	for (uint32_t id = 0; id < t->n; id++) {
		uint32_t i = hash_str(t->s[id]) & (nslots - 1);

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
	if ((uint64_t)(t->n + 1) * 2 > t->nslots && strtab_grow(t))
		return PW_ENOMEM;
	for (i = hash_str(s) & (t->nslots - 1); t->slots[i];
	     i = (i + 1) & (t->nslots - 1))
		if (!strcmp(t->s[t->slots[i] - 1], s))
			return t->slots[i] - 1;
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 256;
		char **ns = realloc(t->s, (size_t)cap * sizeof(*ns));

		if (!ns)
			return PW_ENOMEM;
		t->s = ns;
		t->cap = cap;
	}
	if (!(t->s[t->n] = strdup(s)))
		return PW_ENOMEM;
	t->slots[i] = t->n + 1;
	return t->n++;
}

static int tidset_add(struct tidset *t, int32_t tid)
{
	int64_t key = (int64_t)tid + 1;	// tid -1 would be 0: keep it apart
	uint32_t i;

	if (key == 0)
		key = INT64_MIN;
	if ((uint64_t)(t->n + 1) * 2 > t->nslots) {
		uint32_t nslots = t->nslots ? t->nslots * 2 : 1024;
		int64_t *slots = calloc(nslots, sizeof(*slots));

		if (!slots)
			return PW_ENOMEM;
		for (uint32_t j = 0; j < t->nslots; j++) {
			if (!t->slots[j])
				continue;
			i = ((uint32_t)t->slots[j] * 2654435761u) & (nslots - 1);
			while (slots[i])
				i = (i + 1) & (nslots - 1);
			slots[i] = t->slots[j];
		}
		free(t->slots);
		t->slots = slots;
		t->nslots = nslots;
	}
	for (i = ((uint32_t)key * 2654435761u) & (t->nslots - 1); t->slots[i];
	     i = (i + 1) & (t->nslots - 1))
		if (t->slots[i] == key)
			return 0;
	t->slots[i] = key;
	t->n++;
	return 0;
}

static int write_all(struct pw_writer *w, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			w->err_no = errno;
			return PW_EIO;
		}
		p += n;
		len -= (size_t)n;
		w->bytes += (uint64_t)n;
	}
	return 0;
}

// Compress the packed map in w->sbuf and append it as one chunk.
static int emit_chunk(struct pw_writer *w)
{
	uint8_t hdr[PW_CHUNK_HEADER_SIZE];
	size_t raw = w->sbuf.size;
	uLongf zlen;
	int err;

	if (raw > PW_CHUNK_MAX)
		return PW_ETOOBIG;
	if (compressBound(raw) > w->zcap) {
		size_t cap = compressBound(raw);
		unsigned char *nb = realloc(w->zbuf, cap);

		if (!nb)
			return PW_ENOMEM;
		w->zbuf = nb;
		w->zcap = cap;
	}
	zlen = (uLongf)w->zcap;
	if (compress2(w->zbuf, &zlen, (const Bytef *)w->sbuf.data, raw,
		      PW_ZLEVEL) != Z_OK)
		return PW_ENOMEM;
	if (zlen > PW_CHUNK_MAX)
		return PW_ETOOBIG;
	pw_put_le32(hdr, (uint32_t)zlen);
	pw_put_le32(hdr + 4, (uint32_t)raw);
	pw_put_le32(hdr + 8, pw_crc32(0, w->zbuf, zlen));
	pw_put_le32(hdr + 12, pw_crc32(0, hdr, 12));
	if ((err = write_all(w, hdr, sizeof(hdr))) ||
	    (err = write_all(w, w->zbuf, zlen)))
		return err;
	msgpack_sbuffer_clear(&w->sbuf);
	return 0;
}

static void pack_str(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);

	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

static void pack_kv_str(msgpack_packer *pk, const char *k, const char *v)
{
	pack_str(pk, k);
	pack_str(pk, v);
}

static void pack_kv_u64(msgpack_packer *pk, const char *k, uint64_t v)
{
	pack_str(pk, k);
	msgpack_pack_uint64(pk, v);
}

static void pack_col(msgpack_packer *pk, const char *key, const struct col *c)
{
	pack_str(pk, key);
	msgpack_pack_array(pk, c->n);
	for (uint32_t i = 0; i < c->n; i++)
		msgpack_pack_int64(pk, c->v[i]);
}

static void pack_strlist(msgpack_packer *pk, const char *key, char **v, size_t n)
{
	pack_str(pk, key);
	msgpack_pack_array(pk, n);
	for (size_t i = 0; i < n; i++)
		pack_str(pk, v[i] ? v[i] : "");
}

static void pack_intlist(msgpack_packer *pk, const char *key, const int32_t *v,
			 size_t n)
{
	pack_str(pk, key);
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
	pack_kv_str(&w->pk, "t", "meta");
	pack_kv_u64(&w->pk, "format", PW_CDICT_VERSION);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i].val)
			pack_kv_str(&w->pk, strs[i].key, strs[i].val);
	if (m->nr_cpus)
		pack_kv_u64(&w->pk, "nr_cpus", m->nr_cpus);
	if (m->nr_cpus_avail)
		pack_kv_u64(&w->pk, "nr_cpus_avail", m->nr_cpus_avail);
	if (m->capture_time) {
		pack_str(&w->pk, "capture_time");
		msgpack_pack_int64(&w->pk, m->capture_time);
	}
	if (m->nr_tracepoints)
		pack_strlist(&w->pk, "tracepoints", m->tracepoints,
			     m->nr_tracepoints);
	if (m->nr_core_siblings || m->nr_thread_siblings || m->nr_topo_cpus) {
		pack_str(&w->pk, "topology");
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
		pack_str(&w->pk, "extra");
		msgpack_pack_map(&w->pk, m->nr_extra);
		for (size_t i = 0; i < m->nr_extra; i++)
			pack_kv_str(&w->pk, m->extra[i].key ? m->extra[i].key : "",
				    m->extra[i].value ? m->extra[i].value : "");
	}
	return emit_chunk(w);
}

int pw_writer_open(struct pw_writer **out, const char *path,
		   const struct pw_meta *meta)
{
	struct pw_writer *w;
	uint8_t hdr[PW_HEADER_SIZE] = { 0 };
	const char *slash;
	int err;

	*out = NULL;
	if (!path || !*path)
		return PW_EINVAL;
	if (!(w = calloc(1, sizeof(*w))))
		return PW_ENOMEM;
	w->fd = -1;
	msgpack_sbuffer_init(&w->sbuf);
	msgpack_packer_init(&w->pk, &w->sbuf, msgpack_sbuffer_write);
	slash = strrchr(path, '/');
	// the temporary file sits beside the destination, so rename() is atomic
	if (!(w->path = strdup(path)) ||
	    asprintf(&w->tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0,
		     path, slash ? slash + 1 : path) < 0) {
		w->tmp = NULL;
		pw_writer_free(w);
		return PW_ENOMEM;
	}
	w->fd = mkostemp(w->tmp, O_CLOEXEC);	// O_CREAT|O_EXCL: never follows a link
	if (w->fd < 0) {
		w->err_no = errno;
		free(w->tmp);
		w->tmp = NULL;
		*out = w;
		return PW_EIO;
	}
	fchmod(w->fd, 0644);
	if (!(w->kind = malloc(PW_CHUNK_ROWS))) {
		pw_writer_free(w);
		return PW_ENOMEM;
	}
	memcpy(hdr, PW_CDICT_MAGIC, 8);
	pw_put_le16(hdr + 8, PW_CDICT_VERSION);
	pw_put_le16(hdr + 10, PW_CDICT_MINOR);
	*out = w;
	if ((err = write_all(w, hdr, sizeof(hdr))) || (err = write_meta(w, meta)))
		return err;
	return 0;
}

int64_t pw_writer_intern(struct pw_writer *w, const char *s)
{
	return strtab_intern(&w->strs, s ? s : "");
}

static int flush_events(struct pw_writer *w)
{
	uint32_t nstr = w->strs.n - w->str_flushed;
	size_t n = 5 + !!nstr;	// t, n, t0, k, dt, cpu (+ str)

	if (!w->rows)
		return 0;
	for (unsigned g = 0; g < PW_G__COUNT; g++)
		if (w->cols[g][0].n)
			n += pw_groups[g].ncols;
	msgpack_pack_map(&w->pk, n + 1);
	pack_kv_str(&w->pk, "t", "ev");
	pack_kv_u64(&w->pk, "n", w->rows);
	pack_kv_u64(&w->pk, "t0", w->t0);
	if (nstr)
		pack_strlist(&w->pk, "str", w->strs.s + w->str_flushed, nstr);
	pack_str(&w->pk, "k");
	msgpack_pack_bin(&w->pk, w->rows);
	msgpack_pack_bin_body(&w->pk, w->kind, w->rows);
	pack_col(&w->pk, "dt", &w->dt);
	pack_col(&w->pk, "cpu", &w->cpu);
	for (unsigned g = 0; g < PW_G__COUNT; g++)
		for (unsigned c = 0; w->cols[g][0].n && c < pw_groups[g].ncols; c++)
			pack_col(&w->pk, pw_groups[g].cols[c], &w->cols[g][c]);
	w->str_flushed = w->strs.n;
	w->rows = 0;
	w->dt.n = w->cpu.n = 0;
	for (unsigned g = 0; g < PW_G__COUNT; g++)
		for (unsigned c = 0; c < PW_GROUP_MAXCOLS; c++)
			w->cols[g][c].n = 0;
	w->tr.chunks++;
	return emit_chunk(w);
}

int pw_writer_add(struct pw_writer *w, const struct pw_event *ev)
{
	int64_t v[PW_GROUP_MAXCOLS];
	unsigned g;
	int err;

	if (ev->kind >= PW_EV__COUNT || ev->cpu < 0 || ev->cpu >= PW_MAX_CPUS)
		return PW_EINVAL;
	pw_ev_to_cols(ev, v);
	g = pw_kind_group[ev->kind];
	if ((g == PW_G_TK && v[2] >= w->strs.n) ||
	    (g == PW_G_FK && v[3] >= w->strs.n))
		return PW_EINVAL;
	if (g == PW_G_SW) {
		// prev is almost always the task the cpu's last switch ran:
		// store 0 then, tid + 1 otherwise (see the format spec)
		if ((uint32_t)ev->cpu >= w->ncpu) {
			uint32_t n = (uint32_t)ev->cpu + 1;
			int64_t *nc = realloc(w->cpu_next, n * sizeof(*nc));

			if (!nc)
				return PW_ENOMEM;
			memset(nc + w->ncpu, 0, (n - w->ncpu) * sizeof(*nc));
			w->cpu_next = nc;
			w->ncpu = n;
		}
		int64_t *last = &w->cpu_next[ev->cpu];

		v[0] = *last == (int64_t)ev->tid + 1 ? 0 : (int64_t)ev->tid + 1;
		*last = (int64_t)ev->sw.next_tid + 1;
		if ((err = tidset_add(&w->tids, ev->sw.next_tid)))
			return err;
	}
	if (!w->rows) {
		w->t0 = ev->time;
		w->last_time = ev->time;
	}
	if ((err = col_push(&w->dt, (int64_t)(ev->time - w->last_time))) ||
	    (err = col_push(&w->cpu, ev->cpu)))
		return err;
	for (unsigned c = 0; c < pw_groups[g].ncols; c++)
		if ((err = col_push(&w->cols[g][c], v[c])))
			return err;
	if ((err = tidset_add(&w->tids, ev->tid)))
		return err;
	w->kind[w->rows++] = ev->kind;
	w->last_time = ev->time;
	if (!w->have_first) {
		w->tr.first_ns = ev->time;
		w->have_first = 1;
	}
	if (ev->time > w->tr.last_ns)
		w->tr.last_ns = ev->time;
	w->tr.rows++;
	w->tr.events[ev->kind]++;
	if (w->rows == PW_CHUNK_ROWS)
		return flush_events(w);
	return 0;
}

int pw_writer_set_stat(struct pw_writer *w, const char *group,
		       const char *name, uint64_t value)
{
	struct pw_stat *s;

	for (size_t i = 0; i < w->tr.nr_stats; i++) {
		s = &w->tr.stats[i];
		if (!strcmp(s->group, group) && !strcmp(s->name, name)) {
			s->value = value;
			return 0;
		}
	}
	s = realloc(w->tr.stats, (w->tr.nr_stats + 1) * sizeof(*s));
	if (!s)
		return PW_ENOMEM;
	w->tr.stats = s;
	s += w->tr.nr_stats;
	s->group = strdup(group);
	s->name = strdup(name);
	s->value = value;
	if (!s->group || !s->name) {
		free(s->group);
		free(s->name);
		return PW_ENOMEM;
	}
	w->tr.nr_stats++;
	return 0;
}

static int cmp_stat(const void *a, const void *b)
{
	const struct pw_stat *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	return c ? c : strcmp(x->name, y->name);
}

static int write_trailer(struct pw_writer *w)
{
	struct pw_trailer *tr = &w->tr;
	size_t nev = 0, ngroups = 0;

	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		nev += tr->events[k] != 0;
	// sorted, so the same stats give the same bytes whatever their order
	qsort(tr->stats, tr->nr_stats, sizeof(*tr->stats), cmp_stat);
	for (size_t i = 0; i < tr->nr_stats; i++)
		ngroups += !i || strcmp(tr->stats[i].group, tr->stats[i - 1].group);

	msgpack_pack_map(&w->pk, 8);
	pack_kv_str(&w->pk, "t", "end");
	pack_kv_u64(&w->pk, "rows", tr->rows);
	pack_str(&w->pk, "events");
	msgpack_pack_map(&w->pk, nev);
	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		if (tr->events[k])
			pack_kv_u64(&w->pk, pw_event_name(k), tr->events[k]);
	pack_kv_u64(&w->pk, "tasks", w->tids.n);
	pack_kv_u64(&w->pk, "first_ns", tr->first_ns);
	pack_kv_u64(&w->pk, "last_ns", tr->last_ns);
	pack_kv_u64(&w->pk, "chunks", tr->chunks);
	pack_str(&w->pk, "stats");
	msgpack_pack_map(&w->pk, ngroups);
	for (size_t i = 0, j; i < tr->nr_stats; i = j) {
		for (j = i; j < tr->nr_stats && !strcmp(tr->stats[j].group,
							tr->stats[i].group); j++)
			;
		pack_str(&w->pk, tr->stats[i].group);
		msgpack_pack_map(&w->pk, j - i);
		for (size_t x = i; x < j; x++)
			pack_kv_u64(&w->pk, tr->stats[x].name, tr->stats[x].value);
	}
	return emit_chunk(w);
}

int pw_writer_finish(struct pw_writer *w)
{
	int err;

	if (w->fd < 0 || w->finished)
		return PW_EINVAL;
	if ((err = flush_events(w)) || (err = write_trailer(w)))
		return err;
	if (fsync(w->fd) < 0 && errno != EINVAL) {
		w->err_no = errno;
		return PW_EIO;
	}
	if (close(w->fd) < 0) {
		w->fd = -1;
		w->err_no = errno;
		return PW_EIO;
	}
	w->fd = -1;
	if (rename(w->tmp, w->path) < 0) {
		w->err_no = errno;
		return PW_EIO;
	}
	w->finished = 1;
	return 0;
}

uint64_t pw_writer_bytes(const struct pw_writer *w)
{
	return w->bytes;
}

int pw_writer_errno(const struct pw_writer *w)
{
	return w->err_no;
}

void pw_writer_free(struct pw_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (!w->finished && w->tmp)
		unlink(w->tmp);
	free(w->path);
	free(w->tmp);
	free(w->kind);
	free(w->dt.v);
	free(w->cpu.v);
	for (unsigned g = 0; g < PW_G__COUNT; g++)
		for (unsigned c = 0; c < PW_GROUP_MAXCOLS; c++)
			free(w->cols[g][c].v);
	free(w->cpu_next);
	for (uint32_t i = 0; i < w->strs.n; i++)
		free(w->strs.s[i]);
	free(w->strs.s);
	free(w->strs.slots);
	free(w->tids.slots);
	for (size_t i = 0; i < w->tr.nr_stats; i++) {
		free(w->tr.stats[i].group);
		free(w->tr.stats[i].name);
	}
	free(w->tr.stats);
	msgpack_sbuffer_destroy(&w->sbuf);
	free(w->zbuf);
	free(w);
}
