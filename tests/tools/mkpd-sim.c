// SPDX-License-Identifier: Apache-2.0
// mkpd-sim.c: mkperfdata's simulated host (mkperfdata.h): random numbers,
// timers in one indexed min-heap, CPUs with runqueues, tasks that run and
// sleep, vCPU threads entering and leaving the guest, and the scenario.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mkperfdata.h"

// ------------------------------------------------------------------ random --

static uint64_t rng_s[4];

uint64_t rng_next(void)
{
	uint64_t *s = rng_s;
	uint64_t r = ((s[1] * 5) << 7 | (s[1] * 5) >> 57) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = s[3] << 45 | s[3] >> 19;
	return r;
}

void rng_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++) {	// splitmix64
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		rng_s[i] = z ^ (z >> 31);
	}
}

double rnd(void)	// [0, 1)
{
	return (rng_next() >> 11) * 0x1.0p-53;
}

uint64_t rnd_below(uint64_t n)
{
	return n ? rng_next() % n : 0;
}

// ---------------------------------------------------------------- the model --

uint64_t dur(struct gen *g, double mean)	// exponential, scaled, >= 1 ns
{
	double d = -log(1.0 - rnd()) * mean * g->scale;

	if (d < 1)
		return 1;
	if (d > 1e15)
		return 1000000000000000ULL;
	return (uint64_t)d;
}

uint64_t dur_min(struct gen *g, double lo, double mean)	// lo + exponential
{
	double d = (lo + -log(1.0 - rnd()) * mean) * g->scale;

	return d < 1 ? 1 : (uint64_t)d;
}

// ----- indexed min-heap of timers, ordered by (time, entity)

static bool hless(struct gen *g, int a, int b)
{
	return g->key[a] < g->key[b] || (g->key[a] == g->key[b] && a < b);
}

static void hswap(struct gen *g, int i, int j)
{
	int a = g->heap[i], b = g->heap[j];

	g->heap[i] = b;
	g->heap[j] = a;
	g->pos[b] = i;
	g->pos[a] = j;
}

static void hfix(struct gen *g, int i)
{
	while (i > 0 && hless(g, g->heap[i], g->heap[(i - 1) / 2])) {
		hswap(g, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;

		if (l < g->nheap && hless(g, g->heap[l], g->heap[m]))
			m = l;
		if (r < g->nheap && hless(g, g->heap[r], g->heap[m]))
			m = r;
		if (m == i)
			break;
		hswap(g, i, m);
		i = m;
	}
}

static void timer_set(struct gen *g, int e, uint64_t t)
{
	g->key[e] = t;
	if (g->pos[e] < 0) {
		g->heap[g->nheap] = e;
		g->pos[e] = g->nheap++;
	}
	hfix(g, g->pos[e]);
}

static void timer_del(struct gen *g, int e)
{
	int i = g->pos[e];

	if (i < 0)
		return;
	g->nheap--;
	if (i != g->nheap) {
		hswap(g, i, g->nheap);
		g->pos[e] = -1;
		hfix(g, i);
	}
	g->pos[e] = -1;
}

#define CPU_E(g, c) ((g)->ntask + (c))

// ------------------------------------------------------------- scheduling --

#define SLICE_NS 3000000.0
#define ENTRY_DELAY_NS 2500.0
#define GUEST_MEAN_NS 30000.0
#define HALT_MEAN_NS 400000.0

static void rq_push(struct gen *g, int cpu, int ti)
{
	struct cpu *c = &g->c[cpu];

	g->t[ti].rq_next = -1;
	g->t[ti].state = S_RUNNABLE;
	g->t[ti].cpu = cpu;
	if (c->rq_tail >= 0)
		g->t[c->rq_tail].rq_next = ti;
	else
		c->rq_head = ti;
	c->rq_tail = ti;
	c->rq_len++;
}

// Removes the first task of cpu's runqueue that may run on another CPU
// (any task when anywhere is false); -1 when there is none.
static int rq_take(struct gen *g, int cpu, bool anywhere)
{
	struct cpu *c = &g->c[cpu];
	int prev = -1;

	for (int ti = c->rq_head; ti >= 0; prev = ti, ti = g->t[ti].rq_next) {
		if (anywhere && g->t[ti].bound >= 0)
			continue;
		if (prev >= 0)
			g->t[prev].rq_next = g->t[ti].rq_next;
		else
			c->rq_head = g->t[ti].rq_next;
		if (c->rq_tail == ti)
			c->rq_tail = prev;
		c->rq_len--;
		g->t[ti].rq_next = -1;
		return ti;
	}
	return -1;
}

// Sets the CPU's next action for an ordinary running task: end of its burst,
// end of its slice when others wait, or a requested preemption.
static void cpu_rearm(struct gen *g, int cpu, uint64_t now)
{
	struct cpu *c = &g->c[cpu];
	struct task *T;
	uint64_t t;

	if (c->cur < 0) {
		if (c->rq_len && g->pos[CPU_E(g, cpu)] < 0)
			timer_set(g, CPU_E(g, cpu), now + dur_min(g, 1500, 4000));
		return;
	}
	T = &g->t[c->cur];
	if (T->kind == K_VCPU)
		return;		// vCPU timers follow the entry/exit phases
	t = T->run_start + T->burst_left;
	if (c->rq_len && c->slice_end < t)
		t = c->slice_end > now ? c->slice_end : now;
	if (c->preempt && c->preempt_at < t)
		t = c->preempt_at;
	timer_set(g, CPU_E(g, cpu), t);
}

static void new_burst(struct gen *g, struct task *T)
{
	T->burst_left = dur(g, T->run_mean);
}

static void switch_in(struct gen *g, int cpu, uint64_t t, int ti)
{
	struct cpu *c = &g->c[cpu];
	struct task *T = &g->t[ti];

	c->cur = ti;
	c->slice_end = t + (uint64_t)(SLICE_NS * g->scale + 1);
	c->preempt = false;
	T->state = S_RUNNING;
	T->cpu = cpu;
	T->run_start = t;
	T->need_resched = false;
	if (T->kind == K_VCPU) {
		T->kphase = KP_HOST;
		timer_set(g, CPU_E(g, cpu), t + dur_min(g, 800, ENTRY_DELAY_NS));
	} else {
		if (!T->burst_left)
			new_burst(g, T);
		cpu_rearm(g, cpu, t);
	}
}

// The running task (or idle) leaves the CPU in state; the next task comes
// from the CPU's runqueue, else is pulled from the busiest other runqueue
// (idle balancing: sched_migrate_task, then the switch), else idle.
static void switch_out(struct gen *g, int cpu, uint64_t t, uint64_t state)
{
	struct cpu *c = &g->c[cpu];
	int prev = c->cur, next = rq_take(g, cpu, false);

	if (next < 0 && g->ncpu > 1 && rnd() < 0.8) {
		int best = -1;

		for (int k = 1; k < g->ncpu; k++) {
			int o = (cpu + k) % g->ncpu;

			if (g->c[o].rq_len > 0 && (best < 0 || g->c[o].rq_len > g->c[best].rq_len))
				best = o;
		}
		if (best >= 0) {
			next = rq_take(g, best, true);
			if (next >= 0) {
				emit_migrate(g, cpu, t, next, best, cpu);
				g->t[next].cpu = cpu;
				cpu_rearm(g, best, t);
			}
		}
	}
	emit_switch(g, cpu, t, prev, state, next);
	if (prev >= 0)
		g->t[prev].need_resched = false;
	c->preempt = false;
	if (next >= 0) {
		switch_in(g, cpu, t, next);
	} else {
		c->cur = -1;
		timer_del(g, CPU_E(g, cpu));
	}
}

static void go_sleep(struct gen *g, int ti, uint64_t t, double mean)
{
	struct task *T = &g->t[ti];

	T->state = S_SLEEP;
	T->burst_left = 0;
	timer_set(g, ti, t + dur(g, mean));
}

static uint64_t preempt_state(void)
{
	return rnd() < 0.5 ? 0x100 : 0;	// R+ (preempted) or R
}

static void cpu_action(struct gen *g, int cpu, uint64_t t)
{
	struct cpu *c = &g->c[cpu];
	struct task *T;

	if (c->cur < 0) {
		if (c->rq_len)
			switch_out(g, cpu, t, 0);
		return;
	}
	T = &g->t[c->cur];
	if (T->kind == K_VCPU) {
		int ti = c->cur;

		switch (T->kphase) {
		case KP_HOST:
			emit_entry(g, cpu, t, ti);
			T->kphase = KP_GUEST;
			timer_set(g, CPU_E(g, cpu), t + dur(g, GUEST_MEAN_NS));
			return;
		case KP_GUEST: {
			uint64_t w = rnd_below(g->mix.total);
			int r = 0;

			while (g->mix.cum[r] <= w)
				r++;
			T->reason = r;
			emit_exit(g, cpu, t, ti, r);
			if (g->mix.kind[r] == RK_IO)
				emit_uexit(g, cpu, t, ti);
			T->kphase = KP_EXIT;
			timer_set(g, CPU_E(g, cpu), t + dur_min(g, g->mix.host_mean[r] / 4, g->mix.host_mean[r]));
			return;
		}
		default:
			if (g->mix.kind[T->reason] == RK_HLT && rnd() < 0.85) {
				T->kphase = KP_HOST;
				go_sleep(g, ti, t, HALT_MEAN_NS);
				switch_out(g, cpu, t, 1);
			} else if (c->rq_len && (T->need_resched || t >= c->slice_end)) {
				T->kphase = KP_HOST;
				rq_push(g, cpu, ti);
				switch_out(g, cpu, t, preempt_state());
			} else {
				emit_entry(g, cpu, t, ti);
				T->kphase = KP_GUEST;
				timer_set(g, CPU_E(g, cpu), t + dur(g, GUEST_MEAN_NS));
			}
			return;
		}
	}
	if (t >= T->run_start + T->burst_left) {	// burst done: sleeps
		int ti = c->cur;
		uint64_t st = T->kind == K_KTHREAD ? 0x80 : rnd() < 0.1 ? 2 : 1;	// I, D or S

		go_sleep(g, ti, t, T->sleep_mean);
		switch_out(g, cpu, t, st);
	} else if (c->rq_len && (c->preempt || t >= c->slice_end)) {	// preempted or slice over
		int ti = c->cur;

		T->burst_left -= t - T->run_start;
		T->run_start = t;
		rq_push(g, cpu, ti);
		switch_out(g, cpu, t, preempt_state());
	} else {	// whoever was waiting went elsewhere: run on
		c->preempt = false;
		c->slice_end = t + (uint64_t)(SLICE_NS * g->scale + 1);
		cpu_rearm(g, cpu, t);
	}
}

static void task_wake(struct gen *g, int ti, uint64_t t)
{
	struct task *T = &g->t[ti];
	int target = T->cpu;
	struct cpu *c;

	if (T->bound >= 0) {
		target = T->bound;
	} else if (g->ncpu > 1) {
		if (g->c[target].cur >= 0 && rnd() < 0.6) {	// prefer an idle CPU
			int start = (int)rnd_below(g->ncpu);

			for (int k = 0; k < g->ncpu; k++) {
				int o = (start + k) % g->ncpu;

				if (g->c[o].cur < 0 && !g->c[o].rq_len) {
					target = o;
					break;
				}
			}
		} else if (rnd() < 0.05) {
			target = (int)rnd_below(g->ncpu);
		}
	}
	c = &g->c[target];
	if (target != T->cpu) {
		emit_migrate(g, target, t, ti, T->cpu, target);
		T->cpu = target;
	}
	emit_wakeup(g, target, t, ti, target);
	rq_push(g, target, ti);
	if (c->cur < 0) {
		cpu_rearm(g, target, t);
		return;
	}
	if (rnd() < (T->kind == K_TASK ? 0.25 : 0.6)) {	// wakeup preemption
		if (g->t[c->cur].kind == K_VCPU) {
			g->t[c->cur].need_resched = true;
		} else if (!c->preempt) {
			c->preempt = true;
			c->preempt_at = t + dur_min(g, 300, 1000);
		}
	}
	cpu_rearm(g, target, t);
}

// ---------------------------------------------------------------- scenario --

static const char *const app_names[] = {
	"nginx", "postgres", "java", "redis-server", "python3", "memcached", "node", "stress-ng"
};

static struct task *add_task(struct gen *g, int *tid, int pid, int kind, const char *comm)
{
	struct task *T = &g->t[g->ntask++];

	memset(T, 0, sizeof(*T));
	T->tid = (*tid)++;
	T->pid = pid ? pid : T->tid;
	T->prio = 120;
	T->kind = kind;
	T->bound = -1;
	T->rq_next = -1;
	T->vm = -1;
	snprintf(T->comm, sizeof(T->comm), "%s", comm);
	return T;
}

int count_tasks(const struct opts *o)
{
	return 2 * o->cpus + o->tasks + o->vms * (2 + o->vcpus);
}

static void scenario(struct gen *g)
{
	const struct opts *o = &g->o;
	int tid = 10;
	char name[32];

	g->ntask = 0;
	for (int c = 0; c < o->cpus; c++) {	// per-CPU kernel threads
		struct task *T;

		snprintf(name, sizeof(name), "kworker/%d:1", c);
		T = add_task(g, &tid, 0, K_KTHREAD, name);
		T->bound = c;
		T->run_mean = 6000;
		T->sleep_mean = 3e6;
		snprintf(name, sizeof(name), "ksoftirqd/%d", c);
		T = add_task(g, &tid, 0, K_KTHREAD, name);
		T->bound = c;
		T->run_mean = 4000;
		T->sleep_mean = 12e6;
	}
	tid = tid < 1000 ? 1000 : tid + 100;
	for (int i = 0, p = 0; i < o->tasks; p++) {	// processes of 1..4 threads
		int nthr = 1 + (int)rnd_below(4), pid = tid;

		for (int k = 0; k < nthr && i < o->tasks; k++, i++) {
			struct task *T = add_task(g, &tid, pid, K_TASK, app_names[p % 8]);
			double duty = 0.05 + 0.85 * rnd();

			T->run_mean = 50000 + 1950000 * rnd();
			T->sleep_mean = T->run_mean * (1 - duty) / duty;
		}
	}
	for (int v = 0; v < o->vms; v++) {
		int pid;
		struct task *T;

		tid = (tid / 1000 + 1) * 1000;
		pid = tid;
		T = add_task(g, &tid, 0, K_EMU, "qemu-system-x86");
		T->run_mean = 15000;
		T->sleep_mean = 900000;
		T->vm = v;
		T = add_task(g, &tid, pid, K_EMU, "IO mon_iothread");
		T->run_mean = 8000;
		T->sleep_mean = 2e6;
		T->vm = v;
		for (int k = 0; k < o->vcpus; k++) {
			snprintf(name, sizeof(name), "CPU %d/KVM", k);
			T = add_task(g, &tid, pid, K_VCPU, name);
			T->vm = v;
			T->vcpu_id = k;
			T->run_mean = 0;
			T->sleep_mean = HALT_MEAN_NS;
			T->exits = calloc(g->mix.n, sizeof(uint64_t));
			T->ks_exits = calloc(g->mix.n, sizeof(uint64_t));
			if (!T->exits || !T->ks_exits) {
				pw_die(PROG, 1, "out of memory");
			}
		}
	}
}

// Sets up the simulation for one run (scale fixed): same seed, same run.
void sim_init(struct gen *g)
{
	rng_seed(g->o.seed);
	scenario(g);
	g->nheap = 0;
	for (int e = 0; e < g->ntask + g->ncpu; e++)
		g->pos[e] = -1;
	memset(g->c, 0, g->ncpu * sizeof(*g->c));
	for (int c = 0; c < g->ncpu; c++) {
		g->c[c].cur = -1;
		g->c[c].rq_head = g->c[c].rq_tail = -1;
		g->c[c].tcur = -1;
	}
	g->nwritten = 0;
	g->done = false;
	g->first_ns = g->last_ns = 0;
	memset(g->nsamples, 0, sizeof(g->nsamples));
	memset(g->ks_exits_total, 0, g->mix.n * sizeof(uint64_t));
	g->ks_ns_total = 0;
	g->since_round = 0;
	// everyone sleeps, on a CPU of its own choosing ...
	for (int i = 0; i < g->ntask; i++) {
		struct task *T = &g->t[i];

		T->cpu = T->bound >= 0 ? T->bound : (int)rnd_below(g->ncpu);
		T->state = S_SLEEP;
		timer_set(g, i, g->start + dur(g, T->sleep_mean ? T->sleep_mean * rnd() + 1 : 1000));
	}
	// ... but most CPUs already run something when the capture starts
	for (int c = 0; c < g->ncpu; c++) {
		int ti;

		if (!g->ntask || rnd() < 0.25)
			continue;
		ti = (int)rnd_below(g->ntask);
		if (g->t[ti].state != S_SLEEP || (g->t[ti].bound >= 0 && g->t[ti].bound != c))
			continue;
		timer_del(g, ti);
		switch_in(g, c, g->start, ti);
		if (g->t[ti].kind == K_VCPU) {	// in guest mode: its first event is an exit
			g->t[ti].kphase = KP_GUEST;
			timer_set(g, CPU_E(g, c), g->start + dur(g, GUEST_MEAN_NS));
		}
	}
}

void sim_run(struct gen *g)
{
	while (!g->done && g->nheap > 0) {
		int e = g->heap[0];
		uint64_t t = g->key[e];

		if (g->end && t > g->end)
			break;
		timer_del(g, e);
		if (e < g->ntask)
			task_wake(g, e, t);
		else
			cpu_action(g, e - g->ntask, t);
	}
}

