// SPDX-License-Identifier: Apache-2.0
// cdict_meta.c: the metadata chunk of a .cdict file into a pw_meta, every
// field checked (cdict_meta.h), and pw_meta_release() (cdict.h).
#include <inttypes.h>
#include <stdlib.h>

#include "cdict_meta.h"

// A list of strings (o: NULL when absent) into *out, *nout.
static int strlist(struct pw_fail *f, uint64_t off, const msgpack_object *o,
		   char ***out, size_t *nout)
{
	if (!o)
		return 0;
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return CORRUPT(f, off, "metadata list is not an array");
	if (!(*out = calloc(o->via.array.size + 1, sizeof(char *))))
		return FAIL(f, PW_ENOMEM, off, "out of memory");
	for (uint32_t i = 0; i < o->via.array.size; i++) {
		if (!((*out)[i] = pw_mp_strdup(&o->via.array.ptr[i])))
			return CORRUPT(f, off, "metadata list holds a non-string");
		*nout = i + 1;	// what pw_meta_release() frees, after a failure too
	}
	return 0;
}

// A list of n int32 (the topology's ids per cpu) into *out.
static int intlist(struct pw_fail *f, uint64_t off, const msgpack_object *o,
		   int32_t **out, size_t n)
{
	if (!o || o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != n)
		return CORRUPT(f, off, "topology list of the wrong length");
	if (!(*out = calloc(n + 1, sizeof(int32_t))))
		return FAIL(f, PW_ENOMEM, off, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const msgpack_object *e = &o->via.array.ptr[i];

		if (!pw_mp_is_int(e) || e->via.i64 < INT32_MIN || e->via.i64 > INT32_MAX)
			return CORRUPT(f, off, "topology id is not an integer");
		(*out)[i] = (int32_t)e->via.i64;
	}
	return 0;
}

int pw_meta_parse(struct pw_meta *meta, struct pw_fail *f, const msgpack_object *m,
		  unsigned version, uint64_t off)
{
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

	if ((o = pw_mp_get(m, "format")) && pw_mp_uint(o) != (int64_t)version)
		return FAIL(f, PW_EVERSION, off, "metadata says format %" PRId64
			    " in a version %u file", pw_mp_uint(o), version);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if ((o = pw_mp_get(m, strs[i].key)) && !(*strs[i].dst = pw_mp_strdup(o)))
			return CORRUPT(f, off, "metadata '%s' is not a string", strs[i].key);
	if ((o = pw_mp_get(m, "nr_cpus"))) {
		if ((v = pw_mp_uint(o)) < 0 || v > PW_MAX_CPUS)
			return CORRUPT(f, off, "metadata nr_cpus out of range");
		meta->nr_cpus = (uint32_t)v;
	}
	if ((o = pw_mp_get(m, "nr_cpus_avail"))) {
		if ((v = pw_mp_uint(o)) < 0 || v > PW_MAX_CPUS)
			return CORRUPT(f, off, "metadata nr_cpus_avail out of range");
		meta->nr_cpus_avail = (uint32_t)v;
	}
	if ((o = pw_mp_get(m, "capture_time"))) {
		if (!pw_mp_is_int(o))
			return CORRUPT(f, off, "metadata capture_time is not an integer");
		meta->capture_time = o->via.i64;
	}
	if ((err = strlist(f, off, pw_mp_get(m, "tracepoints"), &meta->tracepoints,
			   &meta->nr_tracepoints)))
		return err;
	if ((o = pw_mp_get(m, "topology"))) {
		const msgpack_object *ci, *si;

		if (o->type != MSGPACK_OBJECT_MAP)
			return CORRUPT(f, off, "metadata topology is not a map");
		if ((err = strlist(f, off, pw_mp_get(o, "cores"), &meta->core_siblings,
				   &meta->nr_core_siblings)) ||
		    (err = strlist(f, off, pw_mp_get(o, "threads"), &meta->thread_siblings,
				   &meta->nr_thread_siblings)))
			return err;
		ci = pw_mp_get(o, "core_id");
		si = pw_mp_get(o, "socket_id");
		if (ci && si && ci->type == MSGPACK_OBJECT_ARRAY &&
		    ci->via.array.size <= PW_MAX_CPUS && ci->via.array.size) {
			meta->nr_topo_cpus = ci->via.array.size;
			if ((err = intlist(f, off, ci, &meta->core_id, meta->nr_topo_cpus)) ||
			    (err = intlist(f, off, si, &meta->socket_id, meta->nr_topo_cpus)))
				return err;
		}
	}
	if ((o = pw_mp_get(m, "extra"))) {
		if (o->type != MSGPACK_OBJECT_MAP)
			return CORRUPT(f, off, "metadata extra is not a map");
		meta->extra = calloc(o->via.map.size + 1, sizeof(*meta->extra));
		if (!meta->extra)
			return FAIL(f, PW_ENOMEM, off, "out of memory");
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			struct pw_kv *kv = &meta->extra[meta->nr_extra++];

			kv->key = pw_mp_strdup(&o->via.map.ptr[i].key);
			kv->value = pw_mp_strdup(&o->via.map.ptr[i].val);
			if (!kv->key || !kv->value)
				return CORRUPT(f, off, "metadata extra holds a non-string");
		}
	}
	return 0;
}

// (a release: one free() a member, alike in shape to every other on purpose)
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
