// SPDX-License-Identifier: Apache-2.0
// mkpd-emit.c: mkperfdata's samples (mkperfdata.h): each tracepoint's record
// built from the simulation's state, and the truth accounted as it is
// written, so that the truth describes exactly what the file holds.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mkperfdata.h"

// ---------------------------------------------------------------- emitting --

static const char *tcomm(struct gen *g, int ti, int cpu, char *buf)
{
	if (ti >= 0)
		return g->t[ti].comm;
	snprintf(buf, 24, "swapper/%d", cpu & 0xffff);
	return buf;
}

// A sample: checks the limit, accounts the window and writes the record.
// Returns false when the sample is not written (limit reached or event off).
static bool sample_begin(struct gen *g, int ev, uint64_t t)
{
	if (g->done || !g->ev[ev].on)
		return false;
	if (g->nwritten == 0)
		g->first_ns = t;
	g->last_ns = t;
	g->nwritten++;
	g->nsamples[ev]++;
	if (g->limit && g->nwritten >= g->limit)
		g->done = true;
	return true;
}

static void seen(struct gen *g, int ti)
{
	if (ti >= 0)
		g->t[ti].seen = true;
}

void emit_switch(struct gen *g, int cpu, uint64_t t, int prev, uint64_t state, int next)
{
	struct cpu *c = &g->c[cpu];
	char b1[24], b2[24];
	struct raw r;
	uint64_t from;

	if (!sample_begin(g, EV_SWITCH, t))
		return;
	// truth: the slice of prev ends (from first_ns if it is the CPU's first switch)
	from = c->seen ? c->tsince : g->first_ns;
	if (prev >= 0) {
		struct task *p = &g->t[prev];

		p->runtime += t - from;
		p->switches++;
		if (state & 0xff)
			p->vol++;
		else
			p->invol++;
		p->th_sched_in++;
		if (c->th_prev)
			p->th_runtime += t - c->th_prev;
	} else {
		c->idle_runtime += t - from;
		c->idle_seen = true;
	}
	if (next >= 0)
		g->t[next].sched_in++;
	else
		c->idle_seen = true;
	seen(g, prev);
	seen(g, next);
	c->seen = true;
	c->tcur = next;
	c->tsince = t;
	c->th_prev = t;

	raw_init(&r, &g->ev[EV_SWITCH], prev >= 0 ? g->t[prev].tid : 0);
	put_le(r.b + 2, 1, 1);	// common_flags: irqs off
	raw_str(&r, F_SW_PCOMM, tcomm(g, prev, cpu, b1));
	raw_num(&r, F_SW_PPID, prev >= 0 ? (uint64_t)g->t[prev].tid : 0);
	raw_num(&r, F_SW_PPRIO, prev >= 0 ? (uint64_t)g->t[prev].prio : 120);
	raw_num(&r, F_SW_PSTATE, state);
	raw_str(&r, F_SW_NCOMM, tcomm(g, next, cpu, b2));
	raw_num(&r, F_SW_NPID, next >= 0 ? (uint64_t)g->t[next].tid : 0);
	raw_num(&r, F_SW_NPRIO, next >= 0 ? (uint64_t)g->t[next].prio : 120);
	sample_write(g, EV_SWITCH, cpu, t, prev, &r);
}

void emit_wakeup(struct gen *g, int cpu, uint64_t t, int ti, int target)
{
	struct raw r;
	int cur = g->c[cpu].cur;

	if (!sample_begin(g, EV_WAKEUP, t))
		return;
	seen(g, ti);
	seen(g, cur);
	raw_init(&r, &g->ev[EV_WAKEUP], cur >= 0 ? g->t[cur].tid : 0);
	raw_str(&r, F_WK_COMM, g->t[ti].comm);
	raw_num(&r, F_WK_PID, g->t[ti].tid);
	raw_num(&r, F_WK_PRIO, g->t[ti].prio);
	raw_num(&r, F_WK_SUCCESS, 1);
	raw_num(&r, F_WK_TARGET, target);
	sample_write(g, EV_WAKEUP, cpu, t, cur, &r);
}

void emit_migrate(struct gen *g, int cpu, uint64_t t, int ti, int orig, int dest)
{
	struct raw r;
	int cur = g->c[cpu].cur;

	if (!sample_begin(g, EV_MIGRATE, t))
		return;
	g->t[ti].migrations++;
	seen(g, ti);
	seen(g, cur);
	raw_init(&r, &g->ev[EV_MIGRATE], cur >= 0 ? g->t[cur].tid : 0);
	put_le(r.b + 2, 1, 1);
	raw_str(&r, F_MG_COMM, g->t[ti].comm);
	raw_num(&r, F_MG_PID, g->t[ti].tid);
	raw_num(&r, F_MG_PRIO, g->t[ti].prio);
	raw_num(&r, F_MG_ORIG, orig);
	raw_num(&r, F_MG_DEST, dest);
	sample_write(g, EV_MIGRATE, cpu, t, cur, &r);
}

void emit_entry(struct gen *g, int cpu, uint64_t t, int ti)
{
	struct task *v = &g->t[ti];
	struct raw r;

	if (!sample_begin(g, EV_ENTRY, t))
		return;
	seen(g, ti);
	v->has_kvm = true;
	if (v->kvm_last == 1)
		v->host_ns += t - v->kvm_t;
	v->kvm_last = 2;
	v->kvm_t = t;
	// perf kvm stat: a thread counts from its first kvm_entry; an exit is
	// counted (with its time) when the same thread's next entry comes
	if (v->ks_pending) {
		v->ks_exits[v->ks_reason]++;
		v->ks_ns += t - v->ks_exit_t;
		g->ks_exits_total[v->ks_reason]++;
		g->ks_ns_total += t - v->ks_exit_t;
	}
	v->ks_pending = false;
	v->ks_vcpu = true;
	raw_init(&r, &g->ev[EV_ENTRY], v->tid);
	raw_num(&r, F_EN_VCPU, v->vcpu_id);
	raw_num(&r, F_EN_RIP, v->rip);
	sample_write(g, EV_ENTRY, cpu, t, ti, &r);
}

void emit_exit(struct gen *g, int cpu, uint64_t t, int ti, int reason)
{
	struct task *v = &g->t[ti];
	struct raw r;

	if (!sample_begin(g, EV_EXIT, t))
		return;
	seen(g, ti);
	v->has_kvm = true;
	v->exits[reason]++;
	if (v->kvm_last == 2)
		v->guest_ns += t - v->kvm_t;
	v->kvm_last = 1;
	v->kvm_t = t;
	if (v->ks_vcpu) {
		v->ks_pending = true;
		v->ks_reason = reason;
		v->ks_exit_t = t;
	}
	v->rip = 0xffffffff81000000ULL + (rng_next() & 0xfffff0);
	raw_init(&r, &g->ev[EV_EXIT], v->tid);
	raw_num(&r, F_EX_REASON, g->mix.code[reason]);
	raw_num(&r, F_EX_RIP, v->rip);
	raw_num(&r, F_EX_ISA, g->o.svm ? 2 : 1);
	raw_num(&r, F_EX_INFO1, g->mix.kind[reason] == RK_IO ? 0x3f80010 : 0);
	raw_num(&r, F_EX_INFO2, 0);
	raw_num(&r, F_EX_VCPU, v->vcpu_id);
	sample_write(g, EV_EXIT, cpu, t, ti, &r);
}

void emit_uexit(struct gen *g, int cpu, uint64_t t, int ti)
{
	struct raw r;

	if (!sample_begin(g, EV_UEXIT, t))
		return;
	seen(g, ti);
	raw_init(&r, &g->ev[EV_UEXIT], g->t[ti].tid);
	raw_num(&r, F_UE_REASON, 2);	// KVM_EXIT_IO
	raw_num(&r, F_UE_ERRNO, 0);
	sample_write(g, EV_UEXIT, cpu, t, ti, &r);
}

