// SPDX-License-Identifier: Apache-2.0
// replay.h: the intervals the detailed dashboard bins, from a second pass over a .cdict or the first pass' batches, handed to a sink inlined into the loop.
//
// After pw_an_run_file() gave a run (window, tasks, selection), the
// heatmaps need the intervals themselves, which the first pass does not
// keep: pw_rp_run() reads the file again (or pw_rp_event() takes the first
// pass' events one by one, then pw_rp_finish()) and hands them, as they
// complete and in event order, to the sink's functions:
// - slice(t, cpu, start, end, flags): every sched_switch's prev ran on cpu
//   from start to the switch (end); flags PW_REC_F_NOSTART: the cpu's first
//   switch, whose slice began before the capture (start is the first
//   event, a lower bound); at the window's end, the slices still running
//   (PW_REC_F_OPEN, end = the window's end), cpu by cpu;
// and, for the "full" tasks only (full[t->index] set, full has
// run->nr_all_tasks entries), with the state only they keep:
// - sleep(t, start, end): voluntary switch-out -> next wakeup or switch-in;
// - kvm_host(t, start, end, reason, isa, flags): kvm_exit -> kvm_entry
//   (reason, isa: the exit's); flags PW_REC_F_UNPAIRED: no entry came
//   (another exit did: end = it; or the data ended: PW_REC_F_OPEN too, end
//   = the window's end, given task by task after the slices);
// - kvm_guest(t, start, end, reason, isa): kvm_entry -> kvm_exit (reason,
//   isa: of the exit that ends it).
// t is the run's own task (run->all_tasks; a thread folded by merging has
// merged_into set). Times are unclipped: every sched_switch gives one slice
// and every kvm_exit one kvm_host whatever the window, so a sink that keeps
// what has its event time inside the window counts what the figures count
// (switches; exits by reason). No figure is computed again.
//
// The loop is inlined into its caller with the sink's functions (give a
// static const struct pw_rp_sink of static inline functions): no call per
// event or per interval. Memory: tasks x 40 bytes + cpus x 16 + the tid
// table, whatever the number of events.
//
// Usage (the sink's functions, static inline in the caller, only declared here):
//	void my_slice(void *ctx, const struct pw_an_task *t, int32_t cpu, uint64_t start,
//		      uint64_t end, uint32_t flags);
//	void my_sleep(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end);
//	void my_host(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end,
//		     uint32_t reason, uint32_t isa, uint32_t flags);
//	void my_guest(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end,
//		      uint32_t reason, uint32_t isa);
//	static const struct pw_rp_sink sink = { my_slice, my_sleep, my_host, my_guest };
//	const struct pw_an_run *run = NULL;	// pw_an_run_file's
//	const unsigned char *full = NULL;	// run->nr_all_tasks flags
//	void *ctx = NULL;			// the sink's
//	char err[512];
//	struct pw_replay x;
//	int e = pw_rp_open(&x, run, full, err, sizeof(err));
//	if (!e)
//		e = pw_rp_run(&x, &sink, ctx, err, sizeof(err));
//	pw_rp_close(&x);
//	if (e)
//		die("%s", err);
#ifndef PW_REPLAY_H
#define PW_REPLAY_H

#include "analysis.h"
#include "pw_compiler.h"
#include "tidmap.h"

struct pw_rp_sink {
	void (*slice)(void *ctx, const struct pw_an_task *t, int32_t cpu, uint64_t start,
		      uint64_t end, uint32_t flags);
	void (*sleep)(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end);
	void (*kvm_host)(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end,
			 uint32_t reason, uint32_t isa, uint32_t flags);
	void (*kvm_guest)(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end,
			  uint32_t reason, uint32_t isa);
};

// a full task's state: what its sleep and KVM intervals need
struct pw_rp_task {
	uint64_t sleep, preempt, kvm_t;
	uint32_t kvm_reason, kvm_isa;
	int32_t on_cpu;
	uint8_t kvm;			// 0 unknown, 1 in guest, 2 in host
};

struct pw_rp_cpu {
	const struct pw_an_task *cur;	// running, NULL before the first switch
	uint64_t since;
};

struct pw_replay {
	const struct pw_an_run *run;
	const unsigned char *full;
	struct pw_tid_map *map;		// trace tids -> run's tasks
	const struct pw_an_task **idle;	// per cpu slot: its swapper/N, or NULL
	struct pw_rp_task *st;		// per run->all_tasks index
	struct pw_rp_cpu *cpus;		// per cpu slot of the run
	uint32_t ncpu;
	int use_waking;			// sched_waking stands for the wakeup
	struct pw_reader *r;
	int fd;
	uint64_t nread, last;
};

// pw_rp_open: set x up for run (borrowed, as full, until pw_rp_close) and
// open its file. 0, or a PW_E* code with err set (cannot open, out of
// memory); pw_rp_close(x) is right either way.
int pw_rp_open(struct pw_replay *x, const struct pw_an_run *run,
	       const unsigned char *full, char *err, size_t errsize);

// pw_rp_check: after the last event (n: pw_reader_next's last answer): 0
// when the file gave the run again; a reader error (n), or PW_EINVAL when
// the file changed ("'x.cdict' changed while it was read"), err set.
int pw_rp_check(struct pw_replay *x, int n, char *err, size_t errsize);

// pw_rp_changed: PW_EINVAL, err set: an event names a task or cpu the
// first pass did not see.
int pw_rp_changed(struct pw_replay *x, char *err, size_t errsize);

// pw_rp_use_waking: sched_waking stands for the wakeup in a run of meta m.
int pw_rp_use_waking(const struct pw_meta *m);

// pw_rp_close: release what pw_rp_open took; safe on a zeroed x.
void pw_rp_close(struct pw_replay *x);

// the end of an interval from start to an event at t: t, or start when the
// time went back (an interval is never negative: the sinks take end - start)
#define PW_RP_AFTER(start, t) ((t) > (start) ? (t) : (start))

// the first pass' task of a tid (the cpu's swapper for 0), NULL when it had
// none: the file is not the one it read
PW_HOT const struct pw_an_task *pw_rp_find(const struct pw_replay *x, int32_t tid,
					      int32_t cpu)
{
	if (tid)
		return pw_tid_map_find(x->map, tid);
	return (uint32_t)cpu < x->ncpu ? x->idle[cpu] : NULL;
}

// pw_rp_event: one event into the replay (pw_rp_run's loop body; the
// single-pass heatmaps feed it the first pass' batches). 0, or
// pw_rp_changed's error when the event names a task or cpu the run has not.
PW_HOT int pw_rp_event(struct pw_replay *x, const struct pw_rp_sink *sink, void *ctx,
			  const struct pw_event *evp, char *err, size_t errsize)
{
	const struct pw_an_run *run = x->run;
	const unsigned char *full = x->full;
	const uint32_t ncpu = x->ncpu;
	struct pw_rp_cpu *cpus = x->cpus;
	struct pw_rp_task *st = x->st;
	const struct pw_event ev = *evp;	// fields in registers
	const struct pw_an_task *t, *next;
	struct pw_rp_task *s;
	unsigned kind = ev.kind;

	// the common kinds first, tested in turn
	if (kind == PW_EV_SWITCH) {
		if ((uint32_t)ev.cpu >= ncpu)
			return pw_rp_changed(x, err, errsize);
		struct pw_rp_cpu *c = &cpus[ev.cpu];
		t = c->cur && c->cur->trace_tid == ev.tid ? c->cur
							  : pw_rp_find(x, ev.tid, ev.cpu);
		next = pw_rp_find(x, ev.sw.next_tid, ev.cpu);
		if (!t || !next)
			return pw_rp_changed(x, err, errsize);
		// a switch earlier than the one before on its cpu ends a slice
		// of 0, the next one starting where it did (as the analysis
		// takes it: an_events.c, on_switch)
		uint64_t start = c->cur ? c->since : run->first_ns;
		uint64_t end = ev.time > start ? ev.time : start;
		sink->slice(ctx, t, ev.cpu, start, end, c->cur ? 0 : PW_REC_F_NOSTART);
		if (full[t->index]) {
			uint32_t state = ev.sw.prev_state;
			s = &st[t->index];
			s->on_cpu = -1;
			if (state != PW_STATE_UNKNOWN && (state & 0xff))
				s->sleep = ev.time;
			else if (state != PW_STATE_UNKNOWN && t->trace_tid)
				s->preempt = ev.time;
		}
		if (full[next->index]) {
			s = &st[next->index];
			s->preempt = 0;
			if (s->sleep) {
				sink->sleep(ctx, next, s->sleep, PW_RP_AFTER(s->sleep, ev.time));
				s->sleep = 0;
			}
			s->on_cpu = ev.cpu;
		}
		c->cur = next;
		c->since = end;
	} else if (kind == PW_EV_KVM_EXIT || kind == PW_EV_KVM_ENTRY) {
		// the vCPU thread is the one its cpu runs
		t = (uint32_t)ev.cpu < ncpu && cpus[ev.cpu].cur &&
				    cpus[ev.cpu].cur->trace_tid == ev.tid
			    ? cpus[ev.cpu].cur : pw_rp_find(x, ev.tid, ev.cpu);
		if (!t)
			return pw_rp_changed(x, err, errsize);
		if (!full[t->index])
			return 0;
		s = &st[t->index];
		uint64_t at = PW_RP_AFTER(s->kvm_t, ev.time);
		if (kind == PW_EV_KVM_EXIT) {
			if (s->kvm == 2)
				sink->kvm_host(ctx, t, s->kvm_t, at, s->kvm_reason,
					       s->kvm_isa, PW_REC_F_UNPAIRED);
			else if (s->kvm == 1)
				sink->kvm_guest(ctx, t, s->kvm_t, at, ev.kx.reason,
						ev.kx.isa);
			s->kvm = 2;
			s->kvm_reason = ev.kx.reason;
			s->kvm_isa = ev.kx.isa;
		} else {
			if (s->kvm == 2)
				sink->kvm_host(ctx, t, s->kvm_t, at, s->kvm_reason,
					       s->kvm_isa, 0);
			s->kvm = 1;
		}
		s->kvm_t = ev.time;
	} else if (kind == PW_EV_WAKEUP || kind == PW_EV_WAKEUP_NEW ||
		   (kind == PW_EV_WAKING && x->use_waking)) {
		if (!ev.tid)
			return 0;
		if (!(t = pw_tid_map_find(x->map, ev.tid)))
			return pw_rp_changed(x, err, errsize);
		s = &st[t->index];
		// a running or preempted (runnable) task does not wake
		if (!full[t->index] || s->on_cpu >= 0 || s->preempt)
			return 0;
		if (s->sleep) {
			sink->sleep(ctx, t, s->sleep, PW_RP_AFTER(s->sleep, ev.time));
			s->sleep = 0;
		}
	}
	return 0;
}

// pw_rp_finish: what is still open at the window's end (as pw_an_run_file
// closes it), once the run is final.
PW_HOT void pw_rp_finish(struct pw_replay *x, const struct pw_rp_sink *sink, void *ctx)
{
	const struct pw_an_run *run = x->run;
	uint64_t end = run->win_end;

	for (uint32_t c = 0; c < x->ncpu; c++)
		if (x->cpus[c].cur)
			sink->slice(ctx, x->cpus[c].cur, (int32_t)c, x->cpus[c].since, end,
				    PW_REC_F_OPEN);
	for (size_t i = 0; i < run->nr_all_tasks; i++)
		if (x->full[i] && x->st[i].kvm == 2)
			sink->kvm_host(ctx, run->all_tasks[i], x->st[i].kvm_t,
				       end > x->st[i].kvm_t ? end : x->st[i].kvm_t,
				       x->st[i].kvm_reason, x->st[i].kvm_isa,
				       PW_REC_F_UNPAIRED | PW_REC_F_OPEN);
}

// pw_rp_run: every event, then what is open at the window's end. 0, or as
// pw_rp_check and pw_rp_changed.
PW_HOT int pw_rp_run(struct pw_replay *x, const struct pw_rp_sink *sink, void *ctx,
			char *err, size_t errsize)
{
	const struct pw_an_run *run = x->run;
	struct pw_cursor cur = PW_CURSOR_INIT(x->r);
	uint64_t nread = 0, last = 0;
	const struct pw_event *evp;
	int n = pw_cursor_next(&cur, &evp);

	if (n > 0 && evp->time != run->first_ns)
		return pw_rp_changed(x, err, errsize);
	for (; n > 0; n = pw_cursor_next(&cur, &evp)) {
		nread++;
		if (evp->time > last)
			last = evp->time;
		int e = pw_rp_event(x, sink, ctx, evp, err, errsize);
		if (e)
			return e;
	}
	x->nread = nread;
	x->last = last;
	int e = pw_rp_check(x, n, err, errsize);
	if (e)
		return e;
	pw_rp_finish(x, sink, ctx);
	return 0;
}

#endif
