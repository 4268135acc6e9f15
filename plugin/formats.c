// SPDX-License-Identifier: GPL-2.0-only
// formats.c: the events the plugin knows, their formats found and resolved
// into decoders, and the routes of attrs to decoders (formats.h).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pw_array.h"
#include "formats.h"
#include "pw_msg.h"

#define S(i) (1u << (i))

const struct known pw_known[NR_KNOWN] = {
	{ "sched", "sched_switch", PW_EV_SWITCH,
	  { "?prev_comm", "prev_pid", "prev_state", "?next_comm", "next_pid" },
	  S(1) | S(2) | S(4), S(0) | S(3) },
	{ "sched", "sched_wakeup", PW_EV_WAKEUP, { "?comm", "pid", "?target_cpu" },
	  S(1) | S(2), S(0) },
	{ "sched", "sched_waking", PW_EV_WAKING, { "?comm", "pid", "?target_cpu" },
	  S(1) | S(2), S(0) },
	{ "sched", "sched_wakeup_new", PW_EV_WAKEUP_NEW,
	  { "?comm", "pid", "?target_cpu" }, S(1) | S(2), S(0) },
	{ "sched", "sched_migrate_task", PW_EV_MIGRATE,
	  { "?comm", "pid", "orig_cpu", "dest_cpu" }, S(1) | S(2) | S(3), S(0) },
	{ "sched", "sched_process_exec", PW_EV_EXEC, { "?filename", "pid" },
	  S(1), 0 },
	{ "sched", "sched_process_fork", PW_EV_FORK,
	  { "?parent_comm", "parent_pid", "?child_comm", "child_pid" },
	  S(1) | S(3), S(0) | S(2) },
	{ "sched", "sched_process_exit", PW_EV_EXIT, { "?comm", "pid" }, S(1), S(0) },
	{ "sched", "sched_stat_sleep", PW_EV_STAT_SLEEP, { "?comm", "pid", "delay" },
	  S(1), S(0) },
	{ "sched", "sched_stat_iowait", PW_EV_STAT_IOWAIT,
	  { "?comm", "pid", "delay" }, S(1), S(0) },
	{ "sched", "sched_stat_runtime", PW_EV_STAT_RUNTIME,
	  { "?comm", "pid", "runtime" }, S(1), S(0) },
	{ "kvm", "kvm_exit", PW_EV_KVM_EXIT, { "exit_reason", "?isa" },
	  S(0) | S(1), 0 },
	{ "kvm", "kvm_entry", PW_EV_KVM_ENTRY, { "?vcpu_id" }, S(0), 0 },
	{ "kvm", "kvm_userspace_exit", PW_EV_KVM_USEREXIT, { "reason" }, S(0), 0 },
};

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing/events",
	"/sys/kernel/debug/tracing/events",
};

/* ---- decoders ------------------------------------------------------------- */

// The "name: X" line of a format text, copied into buf.
static int format_name(const char *text, char *buf, size_t size)
{
	if (strncmp(text, "name: ", 6))
		return -1;
	size_t n = strcspn(text + 6, "\n");
	if (n >= size)
		return -1;
	memcpy(buf, text + 6, n);
	buf[n] = 0;
	return 0;
}

// The known event `name` of `system` (any system when NULL), or NULL.
static const struct known *known_by_name(const char *system, const char *name)
{
	for (size_t i = 0; i < NR_KNOWN; i++)
		if (!strcmp(pw_known[i].name, name) &&
		    (!system || !strcmp(pw_known[i].system, system)))
			return &pw_known[i];
	return NULL;
}

// The decoder of the known event of a route's name ("sched:sched_switch",
// or a bare name), or NULL.
static const struct decoder *decoder_by_name(const struct state *st,
					     const char *event)
{
	const char *colon = strchr(event, ':');
	const struct known *k = known_by_name(NULL, colon ? colon + 1 : event);

	return k ? &st->dec[k - pw_known] : NULL;
}

// d's fields resolved in the format ev of known event k.
static void build_decoder(struct decoder *d, const struct known *k,
			  const struct pw_tpevent *ev)
{
	d->id = ev->id;
	d->usable = 1;
	if (pw_tpevent_field(ev, "common_type", &d->common_type) == 0)
		d->min_raw = pw_field_end(&d->common_type);
	d->ct_u16 = d->common_type.size == 2 &&
		    !(d->common_type.flags & PW_FLD_SIGNED);
	for (int f = 0; f < NR_FIELDS && k->fields[f]; f++) {
		const char *fname = k->fields[f];
		int optional = fname[0] == '?';
		if (optional)
			fname++;
		if (pw_tpevent_field(ev, fname, &d->f[f])) {
			if (!optional && !d->missing) {
				d->usable = 0;
				d->missing = strdup(fname);
			}
			continue;
		}
		if (d->f[f].size == COMM_LEN &&
		    !(d->f[f].flags & (PW_FLD_DYNAMIC | PW_FLD_RELATIVE)))
			d->comm16 |= (uint8_t)(1u << f);
		uint32_t end = pw_field_end(&d->f[f]);
		if (end > d->min_raw)
			d->min_raw = end;
	}
	d->fast = d->ct_u16 && (d->comm16 & k->comm) == k->comm;
	for (int f = 0; f < NR_FIELDS; f++)
		if ((k->num32 & S(f)) && d->f[f].size &&
		    !(d->f[f].flags & PW_FLD_LO32))
			d->fast = 0;
}

// Resolve the decoders; sched_switch is required (every figure is built on
// it): without it, or without a field it needs, there is nothing to reduce.
static int check_formats(struct state *st)
{
	const struct decoder *sw = &st->dec[0];	// pw_known[0] is sched_switch

	for (size_t i = 0; i < NR_KNOWN; i++) {
		const struct pw_tpevent *ev = pw_tpfmts_find(
			st->fmts, pw_known[i].system, pw_known[i].name);
		struct decoder *d = &st->dec[i];

		d->k = &pw_known[i];
		d->kind = pw_known[i].kind;
		d->id = -1;
		if (ev)
			build_decoder(d, &pw_known[i], ev);
	}
	if (sw->id < 0) {
		pw_msg(PW_PROG, "'%s' has no sched:sched_switch events: nothing to reduce",
		       st->input);
		return PW_EINVAL;
	}
	if (!sw->usable) {
		if (st->pipe_mode)
			pw_msg(PW_PROG, "sched:sched_switch in the local tracefs lacks "
			       "field '%s'", sw->missing);
		else
			pw_msg(PW_PROG, "sched:sched_switch in '%s' lacks field '%s'",
			       st->input, sw->missing);
		return PW_EINVAL;
	}
	return 0;
}

/* ---- finding the formats --------------------------------------------------- */

static int load_from_perfdata(struct state *st, struct pw_perfdata *pd)
{
	char buf[256];
	int err = pw_perfdata_load(pd, st->input);

	if (err) {
		if (err == PW_EIO)
			pw_msg(PW_PROG, "cannot read '%s': %s (tried --dlarg input=, "
			       "perf's -i, ./perf.data)", st->input, strerror(errno));
		else
			pw_msg(PW_PROG, "cannot read '%s': %s", st->input,
			       pw_perfdata_describe(pd, err, buf, sizeof(buf)));
		return err;
	}
	if (!pd->has_tracing_data) {
		pw_msg(PW_PROG, "no tracepoint formats: '%s' has no tracing data "
		       "(record tracepoints: perf record -e sched:sched_switch ...)",
		       st->input);
		return PW_EINVAL;
	}
	err = pw_tpfmts_new(&st->fmts, pd->tracing_long_size);
	for (size_t i = 0; !err && i < pd->nr_formats; i++) {
		char name[128];
		const struct pw_pd_format *f = &pd->formats[i];
		if (format_name(f->text, name, sizeof(name)) ||
		    !known_by_name(f->system, name))
			continue;
		int e = pw_tpfmts_add(st->fmts, f->system, f->text, f->len);
		if (e == PW_ENOMEM)
			err = PW_ENOMEM;
		if (e != PW_ETOOBIG && e != PW_EINVAL)
			continue;
		// refused: without sched_switch nothing can be reduced, others
		// are not decoded
		pw_msg(PW_PROG, "format of %s:%s in '%s' refused: %s", f->system, name, st->input,
		       e == PW_ETOOBIG ? "a field's offset or size is 2^31 or more"
				       : "not in the form the kernel prints");
		if (!strcmp(name, pw_known[0].name))	// sched_switch
			return PW_EINVAL;
	}
	return err ? err : check_formats(st);
}

static int load_from_tracefs(struct state *st)
{
	char path[512];
	int err = pw_tpfmts_new(&st->fmts, (int)sizeof(long));

	for (size_t d = 0; !err && d < 2 && !pw_tpfmts_count(st->fmts); d++)
		for (size_t i = 0; !err && i < NR_KNOWN; i++) {
			snprintf(path, sizeof(path), "%s/%s/%s/format",
				 tracefs_dirs[d], pw_known[i].system,
				 pw_known[i].name);
			if (pw_tpfmts_add_file(st->fmts, pw_known[i].system,
					       path) == PW_ENOMEM)
				err = PW_ENOMEM;
		}
	if (err)
		return err;
	if (!pw_tpfmts_find(st->fmts, "sched", "sched_switch")) {
		pw_msg(PW_PROG, "no tracepoint formats: pipe input has none, and neither "
		       "%s/sched/sched_switch/format nor "
		       "%s/sched/sched_switch/format is readable (mount tracefs)",
		       tracefs_dirs[0], tracefs_dirs[1]);
		return PW_EINVAL;
	}
	return check_formats(st);
}

int pw_formats_load(struct state *st, struct pw_perfdata *pd)
{
	memset(pd, 0, sizeof(*pd));
	return st->pipe_mode ? load_from_tracefs(st) : load_from_perfdata(st, pd);
}

void pw_formats_warn(const struct state *st)
{
	for (size_t i = 0; i < NR_KNOWN; i++)
		if (st->dec[i].id >= 0 && !st->dec[i].usable)
			pw_msg(PW_PROG, "format of %s:%s lacks field '%s': its samples are "
			       "not decoded", pw_known[i].system, pw_known[i].name,
			       st->dec[i].missing);
}

/* ---- routes ---------------------------------------------------------------- */

// A new route for an attr (first sample of it). NULL when out of memory.
static struct route *route_new(struct state *st, uint32_t type,
			       uint64_t config, const char *event)
{
	size_t cap = st->alloc_routes;

	if (pw_grow(&st->routes, &st->alloc_routes, st->nr_routes, sizeof(*st->routes), 16))
		return NULL;
	if (st->alloc_routes != cap) {
		// the array may have moved: drop the pointers into the old one
		st->last_route = NULL;
		memset(st->id_routes, 0, ID_ROUTES * sizeof(*st->id_routes));
	}
	struct route *r = &st->routes[st->nr_routes];
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->config = config;
	r->name = strdup(event ? event : "?");
	if (!r->name)
		return NULL;
	st->nr_routes++;
	r->what = R_IGNORE;
	if (type != PERF_TYPE_TRACEPOINT || !event)
		return r;
	const char *colon = strchr(event, ':');
	const char *name = colon ? colon + 1 : event;
	char sys[64] = "";
	if (colon && (size_t)(colon - event) < sizeof(sys)) {
		memcpy(sys, event, (size_t)(colon - event));
		sys[colon - event] = 0;
	}
	const struct known *k = known_by_name(colon ? sys : NULL, name);
	if (!k)
		return r;
	struct decoder *d = &st->dec[k - pw_known];
	if (d->id >= 0 && (uint64_t)d->id == config && d->usable) {
		r->what = R_DECODE;
		r->dec = d;
	} else {
		r->what = R_MISSING;
	}
	return r;
}

static int route_is(const struct route *r, uint32_t type, uint64_t config,
		    const struct perf_event_attr *attr, const char *event)
{
	return r->type == type && r->config == config &&
	       (attr || (event && !strcmp(r->name, event)));
}

struct route *pw_route_find(struct state *st, const struct perf_event_attr *attr,
			    const char *event)
{
	uint32_t type = attr ? attr->type : PERF_TYPE_TRACEPOINT;
	uint64_t config = attr ? attr->config : UINT64_MAX;
	struct route *r = st->last_route;

	if (r && route_is(r, type, config, attr, event))
		return r;
	for (size_t i = 0; i < st->nr_routes; i++) {
		r = &st->routes[i];
		if (route_is(r, type, config, attr, event))
			return st->last_route = r;
	}
	if (!attr && event) {
		// no attr from the host: route by name, config from the format
		const struct decoder *d = decoder_by_name(st, event);
		if (d && d->id >= 0)
			config = (uint64_t)d->id;
	}
	r = route_new(st, type, config, event);
	return st->last_route = r;
}

void pw_formats_report(const struct state *st)
{
	for (size_t i = 0; i < st->nr_routes; i++) {
		const struct route *r = &st->routes[i];
		if (r->what != R_MISSING)
			continue;
		const struct decoder *d = decoder_by_name(st, r->name);
		if (d && d->id >= 0 && !d->usable)
			pw_msg(PW_PROG, "%s: %llu samples not decoded: its format lacks "
			       "field '%s'", r->name, (unsigned long long)r->count,
			       d->missing);
		else
			pw_msg(PW_PROG, "%s: %llu samples not decoded: no format for event "
			       "id %llu in %s", r->name, (unsigned long long)r->count,
			       (unsigned long long)r->config,
			       st->pipe_mode ? "the local tracefs" :
					       "the tracing data of the input");
	}
}
