// SPDX-License-Identifier: Apache-2.0
// mkperfdata.h: what the parts of the test generator mkperfdata share (see
// mkperfdata.c): its options, the exit-reason mix, the tracepoint formats,
// the simulated host (struct gen), and each part's entry points. Private to
// tests/tools.
#ifndef MKPERFDATA_H
#define MKPERFDATA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mkperfdata-formats.h"
#include "pw_msg.h"

#define PROG "mkperfdata"

// ---- options (mkperfdata.c)

struct opts {
	int cpus, vms, vcpus, tasks;
	uint64_t duration_ms;	// 0: not given
	uint64_t events;	// 0: not given
	int svm;		// 0 vmx, 1 svm
	const char *exit_mix;	// NULL: default for the isa
	int old_exit;		// --kvm-exit-format old
	int no_kvm, only_switch;
	uint64_t seed;
	const char *out, *truth;
};

// ---- the exit-reason mix (mkperfdata.c)

enum { RK_OTHER, RK_HLT, RK_IO };

struct mix {
	int n;
	const char *name[64];
	uint32_t code[64];
	int kind[64];
	double host_mean[64];	// ns, before --duration scaling
	uint64_t cum[64], total;
};

// ---- tracepoint formats (mkpd-file.c)

enum { EV_SWITCH, EV_WAKEUP, EV_MIGRATE, EV_ENTRY, EV_EXIT, EV_UEXIT, NR_EV };

extern const char *const ev_name[NR_EV];	// "sched_switch", ...

enum {
	F_TYPE, F_PID,
	F_SW_PCOMM, F_SW_PPID, F_SW_PPRIO, F_SW_PSTATE, F_SW_NCOMM, F_SW_NPID, F_SW_NPRIO,
	F_WK_COMM, F_WK_PID, F_WK_PRIO, F_WK_SUCCESS, F_WK_TARGET,
	F_MG_COMM, F_MG_PID, F_MG_PRIO, F_MG_ORIG, F_MG_DEST,
	F_EN_VCPU, F_EN_RIP, F_EN_IMM, F_EN_INTR, F_EN_ERR,
	F_EX_REASON, F_EX_RIP, F_EX_ISA, F_EX_INFO1, F_EX_INFO2, F_EX_INTR, F_EX_ERR, F_EX_VCPU, F_EX_REQ,
	F_UE_REASON, F_UE_ERRNO,
	NR_F
};

struct field {
	int off, size;	// size 0: absent
	bool dataloc;
};

struct evfmt {
	bool on;
	const struct pw_mkpd_format *fmt;
	uint32_t id;
	int fixed;		// bytes of the fixed part of the record
	struct field f[NR_F];	// common fields and this event's own
	uint64_t first_id;	// perf sample ids: first_id + cpu
};

// ---- the simulated host (mkpd-sim.c)

enum { K_TASK, K_KTHREAD, K_EMU, K_VCPU };
enum { S_SLEEP, S_RUNNABLE, S_RUNNING };
enum { KP_HOST, KP_GUEST, KP_EXIT };	// vCPU: before entry, in guest, handling an exit

struct task {
	int tid, pid, prio, kind, cpu, bound, state, rq_next, vm, vcpu_id;
	char comm[16];
	double run_mean, sleep_mean;	// ns, before scaling
	uint64_t burst_left, run_start;
	int kphase, reason;
	bool need_resched;
	uint64_t rip;
	// truth
	bool seen;
	uint64_t runtime, switches, vol, invol, sched_in, migrations;
	uint64_t *exits;		// [mix.n], vCPUs only
	uint64_t host_ns, guest_ns, kvm_t;
	int kvm_last;			// 0 none, 1 exit, 2 entry
	bool has_kvm;
	// what perf kvm stat and perf sched timehist report (docs/mkperfdata.md)
	uint64_t *ks_exits, ks_ns, ks_exit_t;
	int ks_reason;
	bool ks_vcpu, ks_pending;
	uint64_t th_sched_in, th_runtime;
};

struct cpu {
	int cur;			// task index, -1: idle
	int rq_head, rq_tail, rq_len;
	uint64_t slice_end, preempt_at;
	bool preempt;
	// truth
	bool seen, idle_seen;
	int tcur;
	uint64_t tsince, idle_runtime, th_prev;
};

struct gen {
	struct opts o;
	struct mix mix;
	struct evfmt ev[NR_EV];
	int ntask, ncpu;
	struct task *t;
	struct cpu *c;
	// timers: entity e < ntask is a task's wakeup, else CPU e - ntask's next action
	int *heap, *pos, nheap;
	uint64_t *key;
	double scale;
	uint64_t start, end;		// end: 0 = no time limit
	uint64_t limit, nwritten;
	bool done, dry;
	// output
	FILE *f;
	unsigned char *buf;
	size_t blen;
	uint64_t data_off, data_size, since_round;
	// truth
	uint64_t first_ns, last_ns, nsamples[NR_EV];
	uint64_t *ks_exits_total, ks_ns_total;
};

#define START_NS 1000000000000ULL	// samples start at 1000 s of "uptime"
#define BUFSZ (1 << 20)

// ---- mkpd-sim.c: random numbers, durations, the simulation

uint64_t rng_next(void);
void rng_seed(uint64_t seed);
double rnd(void);			// [0, 1)
uint64_t rnd_below(uint64_t n);
uint64_t dur(struct gen *g, double mean);	// exponential, scaled, >= 1 ns
uint64_t dur_min(struct gen *g, double lo, double mean);	// lo + exponential
int count_tasks(const struct opts *o);	// tasks of the scenario
void sim_init(struct gen *g);		// one run, scale fixed: same seed, same run
void sim_run(struct gen *g);

// ---- mkpd-emit.c: the samples, and the truth accounted as they are written

void emit_switch(struct gen *g, int cpu, uint64_t t, int prev, uint64_t state, int next);
void emit_wakeup(struct gen *g, int cpu, uint64_t t, int ti, int target);
void emit_migrate(struct gen *g, int cpu, uint64_t t, int ti, int orig, int dest);
void emit_entry(struct gen *g, int cpu, uint64_t t, int ti);
void emit_exit(struct gen *g, int cpu, uint64_t t, int ti, int reason);
void emit_uexit(struct gen *g, int cpu, uint64_t t, int ti);

// ---- mkpd-file.c: the perf.data bytes

// raw tracepoint record being built
struct raw {
	unsigned char b[256];
	int len;
	const struct evfmt *e;
};

const struct pw_mkpd_format *find_format(const char *name);
void parse_format(struct evfmt *e, int ev);	// offsets of ev's fields
void put_le(unsigned char *p, uint64_t v, int size);
void raw_init(struct raw *r, const struct evfmt *e, int common_pid);
void raw_num(struct raw *r, int f, uint64_t v);
void raw_str(struct raw *r, int f, const char *s);
void sample_write(struct gen *g, int ev, int cpu, uint64_t t, int cur, const struct raw *r);
void write_prologue(struct gen *g);	// header (to be rewritten), ids, attrs, COMMs
void write_epilogue(struct gen *g);	// feature sections, the final header

// ---- mkpd-truth.c

void write_truth(struct gen *g, const char *path);

#endif
