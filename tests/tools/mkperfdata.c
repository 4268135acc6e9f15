// SPDX-License-Identifier: Apache-2.0
// mkperfdata: writes a synthetic perf.data of sched and KVM tracepoints that perf reads, and the scenario's exact ground truth as JSON.
//
// The generator simulates a host forward in time: CPUs with runqueues,
// ordinary tasks with duty cycles, per-CPU kernel threads, and QEMU VMs whose
// vCPU threads alternate kvm_entry / kvm_exit while switched in. Every timer
// (a task's wakeup, a CPU's next action) sits in one indexed min-heap, so
// samples come out in global time order and memory stays proportional to the
// number of tasks and CPUs, whatever the number of events. The truth is
// accounted as each sample is written, from the simulation's own records
// (never by parsing the file), so it describes exactly what the file holds.
// docs/mkperfdata.md describes the scenario model and the truth keys.
//
// It writes the perf.data bytes itself, from perf's documented layout
// (tools/perf/Documentation/perf.data-file-format.txt), and shares no code
// with the plugin on purpose: an independent writer is an oracle for the
// plugin's perf.data parser (plugin/perfdata.c) and tracepoint decoding, so
// that a misreading of the layout in one is not repeated in the other.
// It links only pw_msg (libpwcommon.a) for its messages.

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkperfdata-formats.h"
#include "pw_msg.h"

#define PROG "mkperfdata"

// ---------------------------------------------------------------- options --

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

static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " [options]\n"
"Write a synthetic perf.data of sched and KVM tracepoints (perf 6.1 reads it)\n"
"and, with --truth, the scenario's exact ground truth as JSON.\n"
"\n"
"  -o, --output FILE        perf.data to write (default: perf.data)\n"
"  -t, --truth FILE         write the ground truth JSON to FILE\n"
"  -c, --cpus N             CPUs (1..4096, default 4)\n"
"      --vms N              QEMU VMs (0..64, default 1); each is a process\n"
"                           'qemu-system-x86' with its main thread, an\n"
"                           'IO mon_iothread' thread and its vCPU threads\n"
"      --vcpus N            vCPU threads per VM, named 'CPU 0/KVM'..\n"
"                           (1..256, default 2)\n"
"      --tasks N            ordinary tasks with duty cycles (0..100000,\n"
"                           default 4), besides per-CPU kernel threads\n"
"  -d, --duration MS        simulated time in ms (1..10000000); default 50\n"
"                           when --events is not given\n"
"  -n, --events N           total samples to write (1..10000000000), streamed\n"
"                           in constant memory; with --duration, the model's\n"
"                           pace is scaled so that N samples span about MS\n"
"      --isa vmx|svm        exit-reason names and CPUID vendor (default vmx)\n"
"      --exit-mix LIST      exit reasons and weights, by perf kvm stat's names:\n"
"                           REASON:W,REASON:W,.. (default for vmx:\n"
"                           EXTERNAL_INTERRUPT:35,MSR_WRITE:20,HLT:15,\n"
"                           EPT_VIOLATION:10,EPT_MISCONFIG:6,IO_INSTRUCTION:5,\n"
"                           PAUSE_INSTRUCTION:4,CPUID:3,PREEMPTION_TIMER:2;\n"
"                           for svm: interrupt:35,msr:22,hlt:15,npf:16,io:5,\n"
"                           pause:4,cpuid:3)\n"
"      --kvm-exit-format new|old\n"
"                           kvm_exit layout: new (with intr_info, error_code,\n"
"                           vcpu_id, requests; default) or old (kernels up to\n"
"                           5.3: exit_reason, guest_rip, isa, info1, info2)\n"
"      --no-kvm             record no kvm:* tracepoints (VM threads still run)\n"
"      --only-switch        record sched:sched_switch only\n"
"  -s, --seed N             random seed (default 1); same seed and options,\n"
"                           same bytes\n"
"  -h, --help               show this help\n"
"\n"
"exit status: 0 ok, 1 runtime error, 2 usage error\n");
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+')
		pw_die(PROG, 2, "bad value for %s '%s': want %" PRIu64 "..%" PRIu64, opt, s ? s : "", lo, hi);
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		pw_die(PROG, 2, "bad value for %s '%s': want %" PRIu64 "..%" PRIu64, opt, s, lo, hi);
	return v;
}

// ------------------------------------------------------------------ random --

static uint64_t rng_s[4];

static uint64_t rng_next(void)
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

static void rng_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++) {	// splitmix64
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		rng_s[i] = z ^ (z >> 31);
	}
}

static double rnd(void)	// [0, 1)
{
	return (rng_next() >> 11) * 0x1.0p-53;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rng_next() % n : 0;
}

// ------------------------------------------------------- exit-reason names --

struct reason {
	const char *name;
	uint32_t code;
};

// perf kvm stat's names (tools/arch/x86/include/uapi/asm/{vmx,svm}.h).
static const struct reason vmx_reasons[] = {
	{ "EXCEPTION_NMI", 0 }, { "EXTERNAL_INTERRUPT", 1 }, { "TRIPLE_FAULT", 2 },
	{ "INIT_SIGNAL", 3 }, { "INTERRUPT_WINDOW", 7 }, { "NMI_WINDOW", 8 },
	{ "TASK_SWITCH", 9 }, { "CPUID", 10 }, { "HLT", 12 }, { "INVD", 13 },
	{ "INVLPG", 14 }, { "RDPMC", 15 }, { "RDTSC", 16 }, { "VMCALL", 18 },
	{ "CR_ACCESS", 28 }, { "DR_ACCESS", 29 }, { "IO_INSTRUCTION", 30 },
	{ "MSR_READ", 31 }, { "MSR_WRITE", 32 }, { "MWAIT_INSTRUCTION", 36 },
	{ "MONITOR_TRAP_FLAG", 37 }, { "MONITOR_INSTRUCTION", 39 },
	{ "PAUSE_INSTRUCTION", 40 }, { "TPR_BELOW_THRESHOLD", 43 },
	{ "APIC_ACCESS", 44 }, { "EOI_INDUCED", 45 }, { "GDTR_IDTR", 46 },
	{ "LDTR_TR", 47 }, { "EPT_VIOLATION", 48 }, { "EPT_MISCONFIG", 49 },
	{ "RDTSCP", 51 }, { "PREEMPTION_TIMER", 52 }, { "WBINVD", 54 },
	{ "XSETBV", 55 }, { "APIC_WRITE", 56 }, { "RDRAND", 57 }, { "INVPCID", 58 },
	{ "RDSEED", 61 }, { "PML_FULL", 62 }, { "XSAVES", 63 }, { "XRSTORS", 64 },
	{ NULL, 0 }
};

static const struct reason svm_reasons[] = {
	{ "read_cr0", 0x000 }, { "read_cr3", 0x003 }, { "read_cr4", 0x004 },
	{ "read_cr8", 0x008 }, { "write_cr0", 0x010 }, { "write_cr3", 0x013 },
	{ "write_cr4", 0x014 }, { "write_cr8", 0x018 }, { "read_dr7", 0x027 },
	{ "write_dr7", 0x037 }, { "interrupt", 0x060 }, { "nmi", 0x061 },
	{ "smi", 0x062 }, { "init", 0x063 }, { "vintr", 0x064 }, { "rdtsc", 0x06e },
	{ "rdpmc", 0x06f }, { "cpuid", 0x072 }, { "iret", 0x074 }, { "pause", 0x077 },
	{ "hlt", 0x078 }, { "invlpg", 0x079 }, { "io", 0x07b }, { "msr", 0x07c },
	{ "shutdown", 0x07f }, { "hypercall", 0x081 }, { "rdtscp", 0x087 },
	{ "wbinvd", 0x089 }, { "monitor", 0x08a }, { "mwait", 0x08b },
	{ "xsetbv", 0x08d }, { "npf", 0x400 }, { "avic_incomplete_ipi", 0x401 },
	{ "avic_unaccelerated_access", 0x402 },
	{ NULL, 0 }
};

static const char default_vmx_mix[] =
	"EXTERNAL_INTERRUPT:35,MSR_WRITE:20,HLT:15,EPT_VIOLATION:10,EPT_MISCONFIG:6,"
	"IO_INSTRUCTION:5,PAUSE_INSTRUCTION:4,CPUID:3,PREEMPTION_TIMER:2";
static const char default_svm_mix[] = "interrupt:35,msr:22,hlt:15,npf:16,io:5,pause:4,cpuid:3";

enum { RK_OTHER, RK_HLT, RK_IO };

struct mix {
	int n;
	const char *name[64];
	uint32_t code[64];
	int kind[64];
	double host_mean[64];	// ns, before --duration scaling
	uint64_t cum[64], total;
};

static void parse_mix(struct mix *m, const char *s, int svm)
{
	const struct reason *tab = svm ? svm_reasons : vmx_reasons;
	char buf[2048];
	char *save = NULL;

	if (strlen(s) >= sizeof(buf))
		pw_die(PROG, 2, "bad value for --exit-mix: too long");
	strcpy(buf, s);
	memset(m, 0, sizeof(*m));
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		const struct reason *r;
		uint64_t w;

		if (!colon)
			pw_die(PROG, 2, "bad value for --exit-mix '%s': want REASON:WEIGHT,..", item);
		*colon = 0;
		for (r = tab; r->name && strcmp(r->name, item); r++)
			;
		if (!r->name)
			pw_die(PROG, 2, "bad value for --exit-mix: unknown %s exit reason '%s'", svm ? "svm" : "vmx", item);
		for (int i = 0; i < m->n; i++)
			if (!strcmp(m->name[i], r->name))
				pw_die(PROG, 2, "bad value for --exit-mix: reason '%s' given twice", item);
		w = parse_u64("--exit-mix weight", colon + 1, 1, 1000000);
		if (m->n == 64)
			pw_die(PROG, 2, "bad value for --exit-mix: more than 64 reasons");
		m->name[m->n] = r->name;
		m->code[m->n] = r->code;
		m->total += w;
		m->cum[m->n] = m->total;
		if (!strcmp(r->name, "HLT") || !strcmp(r->name, "hlt"))
			m->kind[m->n] = RK_HLT;
		else if (!strcmp(r->name, "IO_INSTRUCTION") || !strcmp(r->name, "io"))
			m->kind[m->n] = RK_IO;
		// host handling time: short for interrupts and MSRs, longer for
		// page faults and MMIO, longest for exits to QEMU (IO)
		if (m->kind[m->n] == RK_IO)
			m->host_mean[m->n] = 18000;
		else if (strstr(r->name, "EPT") || !strcmp(r->name, "npf"))
			m->host_mean[m->n] = 4000;
		else if (m->kind[m->n] == RK_HLT)
			m->host_mean[m->n] = 2500;
		else
			m->host_mean[m->n] = 1200;
		m->n++;
	}
	if (!m->n)
		pw_die(PROG, 2, "bad value for --exit-mix: no reason given");
}

// ----------------------------------------------------------- trace formats --

enum { EV_SWITCH, EV_WAKEUP, EV_MIGRATE, EV_ENTRY, EV_EXIT, EV_UEXIT, NR_EV };

static const char *const ev_sys[NR_EV] = { "sched", "sched", "sched", "kvm", "kvm", "kvm" };
static const char *const ev_name[NR_EV] = {
	"sched_switch", "sched_wakeup", "sched_migrate_task", "kvm_entry", "kvm_exit", "kvm_userspace_exit"
};
// kernel text addresses for the samples' IP (a plausible __schedule etc.)
static const uint64_t ev_ip[NR_EV] = {
	0xffffffff81f3c6a2ULL, 0xffffffff810d8c1eULL, 0xffffffff810d41a5ULL,
	0xffffffff8102f39bULL, 0xffffffff8102fa77ULL, 0xffffffff8100d3e1ULL
};

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

static const struct { int ev; const char *name; bool required; } fdefs[NR_F] = {
	[F_TYPE] = { -1, "common_type", true }, [F_PID] = { -1, "common_pid", true },
	[F_SW_PCOMM] = { EV_SWITCH, "prev_comm", true }, [F_SW_PPID] = { EV_SWITCH, "prev_pid", true },
	[F_SW_PPRIO] = { EV_SWITCH, "prev_prio", false }, [F_SW_PSTATE] = { EV_SWITCH, "prev_state", true },
	[F_SW_NCOMM] = { EV_SWITCH, "next_comm", true }, [F_SW_NPID] = { EV_SWITCH, "next_pid", true },
	[F_SW_NPRIO] = { EV_SWITCH, "next_prio", false },
	[F_WK_COMM] = { EV_WAKEUP, "comm", true }, [F_WK_PID] = { EV_WAKEUP, "pid", true },
	[F_WK_PRIO] = { EV_WAKEUP, "prio", false }, [F_WK_SUCCESS] = { EV_WAKEUP, "success", false },
	[F_WK_TARGET] = { EV_WAKEUP, "target_cpu", false },
	[F_MG_COMM] = { EV_MIGRATE, "comm", true }, [F_MG_PID] = { EV_MIGRATE, "pid", true },
	[F_MG_PRIO] = { EV_MIGRATE, "prio", false }, [F_MG_ORIG] = { EV_MIGRATE, "orig_cpu", true },
	[F_MG_DEST] = { EV_MIGRATE, "dest_cpu", true },
	[F_EN_VCPU] = { EV_ENTRY, "vcpu_id", true }, [F_EN_RIP] = { EV_ENTRY, "rip", false },
	[F_EN_IMM] = { EV_ENTRY, "immediate_exit", false }, [F_EN_INTR] = { EV_ENTRY, "intr_info", false },
	[F_EN_ERR] = { EV_ENTRY, "error_code", false },
	[F_EX_REASON] = { EV_EXIT, "exit_reason", true }, [F_EX_RIP] = { EV_EXIT, "guest_rip", false },
	[F_EX_ISA] = { EV_EXIT, "isa", false }, [F_EX_INFO1] = { EV_EXIT, "info1", false },
	[F_EX_INFO2] = { EV_EXIT, "info2", false }, [F_EX_INTR] = { EV_EXIT, "intr_info", false },
	[F_EX_ERR] = { EV_EXIT, "error_code", false }, [F_EX_VCPU] = { EV_EXIT, "vcpu_id", false },
	[F_EX_REQ] = { EV_EXIT, "requests", false },
	[F_UE_REASON] = { EV_UEXIT, "reason", true }, [F_UE_ERRNO] = { EV_UEXIT, "errno", false },
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

static const struct pw_mkpd_format *find_format(const char *name)
{
	for (const struct pw_mkpd_format *f = pw_mkpd_formats; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	pw_die(PROG, 1, "missing embedded format '%s'", name);
}

// Reads "ID: n" and the "field:TYPE NAME;\toffset:N;\tsize:M;" lines.
static void parse_format(struct evfmt *e, int ev)
{
	const char *p = (const char *)e->fmt->text, *id = strstr(p, "\nID: ");

	if (!id) {
		pw_die(PROG, 1, "embedded format '%s' has no ID", e->fmt->name);
	}
	e->id = (uint32_t)strtoul(id + 5, NULL, 10);
	for (const char *l = strstr(p, "field:"); l; l = strstr(l + 1, "\tfield:")) {
		const char *semi = strchr(l, ';'), *off = strstr(l, "offset:"), *sz = strstr(l, "size:");
		const char *name_end, *name;
		char nm[64];
		int o, s;

		if (!semi || !off || !sz)
			break;
		name_end = semi;
		if (name_end > l && name_end[-1] == ']')
			while (name_end > l && *name_end != '[')
				name_end--;
		name = name_end;
		while (name > l && name[-1] != ' ')
			name--;
		if (name_end - name >= (long)sizeof(nm))
			continue;
		memcpy(nm, name, name_end - name);
		nm[name_end - name] = 0;
		o = atoi(off + 7);
		s = atoi(sz + 5);
		if (o + s > e->fixed)
			e->fixed = o + s;
		for (int i = 0; i < NR_F; i++) {
			if ((fdefs[i].ev == ev || fdefs[i].ev == -1) && !strcmp(fdefs[i].name, nm)) {
				e->f[i].off = o;
				e->f[i].size = s;
				e->f[i].dataloc = memmem(l, semi - l, "__data_loc", 10) != NULL;
			}
		}
	}
	for (int i = 0; i < NR_F; i++)
		if ((fdefs[i].ev == ev || fdefs[i].ev == -1) && fdefs[i].required && !e->f[i].size) {
			pw_die(PROG, 1, "embedded format '%s' has no field '%s'", e->fmt->name, fdefs[i].name);
		}
}

// ---------------------------------------------------------------- the model --

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
#define ROUND_EVERY 10000		// samples between PERF_RECORD_FINISHED_ROUND

static uint64_t dur(struct gen *g, double mean)	// exponential, scaled, >= 1 ns
{
	double d = -log(1.0 - rnd()) * mean * g->scale;

	if (d < 1)
		return 1;
	if (d > 1e15)
		return 1000000000000000ULL;
	return (uint64_t)d;
}

static uint64_t dur_min(struct gen *g, double lo, double mean)	// lo + exponential
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

// ----------------------------------------------------------- record output --

static void out_flush(struct gen *g)
{
	if (g->blen && fwrite(g->buf, 1, g->blen, g->f) != g->blen) {
		pw_die(PROG, 1, "cannot write '%s': %s", g->o.out, strerror(errno));
	}
	g->blen = 0;
}

static void out_bytes(struct gen *g, const void *p, size_t n)
{
	if (g->blen + n > BUFSZ)
		out_flush(g);
	memcpy(g->buf + g->blen, p, n);
	g->blen += n;
}

static void put_le(unsigned char *p, uint64_t v, int size)
{
	for (int i = 0; i < size; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void out_u64(struct gen *g, uint64_t v)
{
	unsigned char b[8];

	put_le(b, v, 8);
	out_bytes(g, b, 8);
}

// raw tracepoint record being built
struct raw {
	unsigned char b[256];
	int len;
	const struct evfmt *e;
};

static void raw_init(struct raw *r, const struct evfmt *e, int common_pid)
{
	memset(r->b, 0, sizeof(r->b));
	r->e = e;
	r->len = e->fixed;
	put_le(r->b + e->f[F_TYPE].off, e->id, e->f[F_TYPE].size);
	put_le(r->b + e->f[F_PID].off, (uint32_t)common_pid, e->f[F_PID].size);
}

static void raw_num(struct raw *r, int f, uint64_t v)
{
	const struct field *fl = &r->e->f[f];

	if (fl->size && !fl->dataloc)
		put_le(r->b + fl->off, v, fl->size > 8 ? 8 : fl->size);
}

static void raw_str(struct raw *r, int f, const char *s)
{
	const struct field *fl = &r->e->f[f];
	size_t n = strlen(s);

	if (!fl->size)
		return;
	if (fl->dataloc) {	// __data_loc: u32 (len << 16 | offset), string after the fixed part
		put_le(r->b + fl->off, (uint32_t)((n + 1) << 16 | (uint32_t)r->len), 4);
		memcpy(r->b + r->len, s, n + 1);
		r->len += (int)n + 1;
	} else {
		if (n > (size_t)fl->size - 1)
			n = fl->size - 1;
		memcpy(r->b + fl->off, s, n);
	}
}

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

static void sample_write(struct gen *g, int ev, int cpu, uint64_t t, int cur, const struct raw *r)
{
	int raw_size = ((r->len + 4 + 7) & ~7) - 4;	// the kernel pads RAW so the record stays 8-aligned
	unsigned char h[56 + 4];
	const struct task *ct = cur >= 0 ? &g->t[cur] : NULL;

	if (g->dry)
		return;
	put_le(h, 9, 4);					// PERF_RECORD_SAMPLE
	put_le(h + 4, 1, 2);					// PERF_RECORD_MISC_KERNEL
	put_le(h + 6, 56 + 4 + raw_size, 2);
	put_le(h + 8, g->ev[ev].first_id + cpu, 8);		// IDENTIFIER
	put_le(h + 16, ev_ip[ev], 8);				// IP
	put_le(h + 24, ct ? ct->pid : 0, 4);			// TID: pid, tid
	put_le(h + 28, ct ? ct->tid : 0, 4);
	put_le(h + 32, t, 8);					// TIME
	put_le(h + 40, cpu, 8);					// CPU, reserved
	put_le(h + 48, 1, 8);					// PERIOD
	put_le(h + 56, raw_size, 4);				// RAW size, then bytes
	out_bytes(g, h, 60);
	out_bytes(g, r->b, raw_size);
	if (++g->since_round >= ROUND_EVERY) {
		static const unsigned char fr[8] = { 68, 0, 0, 0, 0, 0, 8, 0 };	// FINISHED_ROUND

		out_bytes(g, fr, 8);
		g->since_round = 0;
	}
}

static void seen(struct gen *g, int ti)
{
	if (ti >= 0)
		g->t[ti].seen = true;
}

static void emit_switch(struct gen *g, int cpu, uint64_t t, int prev, uint64_t state, int next)
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

static void emit_wakeup(struct gen *g, int cpu, uint64_t t, int ti, int target)
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

static void emit_migrate(struct gen *g, int cpu, uint64_t t, int ti, int orig, int dest)
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

static void emit_entry(struct gen *g, int cpu, uint64_t t, int ti)
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

static void emit_exit(struct gen *g, int cpu, uint64_t t, int ti, int reason)
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

static void emit_uexit(struct gen *g, int cpu, uint64_t t, int ti)
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

static int count_tasks(const struct opts *o)
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
static void sim_init(struct gen *g)
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

static void sim_run(struct gen *g)
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

// ------------------------------------------------------ perf.data framing --

// perf_event_attr, 128 bytes (PERF_ATTR_SIZE_VER7), as perf record writes
// it for a tracepoint: sample_type IP|TID|TIME|CPU|PERIOD|RAW|IDENTIFIER.
#define ATTR_SIZE 128
#define SAMPLE_TYPE 0x10587ULL
#define READ_FORMAT 0x14ULL			// ID | LOST
#define ATTR_FLAGS ((1ULL << 0) | (1ULL << 1) | (1ULL << 18) | (1ULL << 20))	// disabled inherit sample_id_all exclude_guest

static void attr_bytes(unsigned char *a, uint32_t id)
{
	memset(a, 0, ATTR_SIZE);
	put_le(a + 0, 2, 4);		// PERF_TYPE_TRACEPOINT
	put_le(a + 4, ATTR_SIZE, 4);
	put_le(a + 8, id, 8);		// config: tracepoint id
	put_le(a + 16, 1, 8);		// sample_period
	put_le(a + 24, SAMPLE_TYPE, 8);
	put_le(a + 32, READ_FORMAT, 8);
	put_le(a + 40, ATTR_FLAGS, 8);
}

static void fwrite_all(struct gen *g, const void *p, size_t n)
{
	if (fwrite(p, 1, n, g->f) != n) {
		pw_die(PROG, 1, "cannot write '%s': %s", g->o.out, strerror(errno));
	}
}

// feature section builder: a growable byte string
struct sb {
	unsigned char *p;
	size_t len, cap;
};

static void sb_add(struct sb *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		size_t cap = (s->len + n) * 2 + 256;
		unsigned char *np = realloc(s->p, cap);

		if (!np) {
			pw_die(PROG, 1, "out of memory");
		}
		s->p = np;
		s->cap = cap;
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
}

static void sb_u32(struct sb *s, uint32_t v)
{
	unsigned char b[4];

	put_le(b, v, 4);
	sb_add(s, b, 4);
}

static void sb_u64(struct sb *s, uint64_t v)
{
	unsigned char b[8];

	put_le(b, v, 8);
	sb_add(s, b, 8);
}

static void sb_cstr(struct sb *s, const char *str)	// NUL-terminated (tracing data)
{
	sb_add(s, str, strlen(str) + 1);
}

static void sb_hstr(struct sb *s, const char *str)	// perf header string: u32 len (64-aligned), bytes
{
	size_t n = strlen(str) + 1, padded = (n + 63) / 64 * 64;
	static const char zero[64];

	sb_u32(s, (uint32_t)padded);
	sb_add(s, str, n);
	sb_add(s, zero, padded - n);
}

enum {
	HF_TRACING_DATA = 1, HF_HOSTNAME = 3, HF_OSRELEASE = 4, HF_VERSION = 5, HF_ARCH = 6,
	HF_NRCPUS = 7, HF_CPUDESC = 8, HF_CPUID = 9, HF_TOTAL_MEM = 10, HF_CMDLINE = 11,
	HF_EVENT_DESC = 12, HF_CPU_TOPOLOGY = 13, HF_SAMPLE_TIME = 21, HF_MAX = 22
};

static void feature(struct gen *g, int f, struct sb *s)
{
	char buf[256];

	switch (f) {
	case HF_TRACING_DATA: {
		const struct pw_mkpd_format *hp = find_format("header_page"), *he = find_format("header_event");
		const char *sys = NULL;
		int nsys = 0;

		sb_add(s, "\x17\x08\x44tracing", 10);
		sb_cstr(s, "0.6");
		sb_add(s, "\0\x08", 2);		// little endian, sizeof(long) 8
		sb_u32(s, 4096);		// page size
		sb_cstr(s, "header_page");
		sb_u64(s, hp->len);
		sb_add(s, hp->text, hp->len);
		sb_cstr(s, "header_event");
		sb_u64(s, he->len);
		sb_add(s, he->text, he->len);
		sb_u32(s, 0);			// no ftrace formats
		for (int e = 0; e < NR_EV; e++)
			if (g->ev[e].on && (!sys || strcmp(sys, ev_sys[e]))) {
				nsys++;
				sys = ev_sys[e];
			}
		sb_u32(s, nsys);
		sys = NULL;
		for (int e = 0; e < NR_EV; e++) {
			int n = 0;

			if (!g->ev[e].on || (sys && !strcmp(sys, ev_sys[e])))
				continue;
			sys = ev_sys[e];
			for (int k = e; k < NR_EV; k++)
				n += g->ev[k].on && !strcmp(ev_sys[k], sys);
			sb_cstr(s, sys);
			sb_u32(s, n);
			for (int k = e; k < NR_EV; k++)
				if (g->ev[k].on && !strcmp(ev_sys[k], sys)) {
					sb_u64(s, g->ev[k].fmt->len);
					sb_add(s, g->ev[k].fmt->text, g->ev[k].fmt->len);
				}
		}
		sb_u32(s, 0);			// kallsyms
		sb_u32(s, 0);			// printk formats
		sb_u64(s, 0);			// saved cmdlines
		break;
	}
	case HF_HOSTNAME:
		sb_hstr(s, "mkperfdata");
		break;
	case HF_OSRELEASE:
		sb_hstr(s, g->o.old_exit ? "5.3.0-mkperfdata" : "6.1.0-mkperfdata");
		break;
	case HF_VERSION:
		sb_hstr(s, "6.1.0");
		break;
	case HF_ARCH:
		sb_hstr(s, "x86_64");
		break;
	case HF_NRCPUS:
		sb_u32(s, g->ncpu);	// available
		sb_u32(s, g->ncpu);	// online
		break;
	case HF_CPUDESC:
		sb_hstr(s, g->o.svm ? "AMD EPYC 7543 32-Core Processor" : "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz");
		break;
	case HF_CPUID:	// perf kvm stat picks VMX or SVM names from the vendor
		sb_hstr(s, g->o.svm ? "AuthenticAMD,25,1,1" : "GenuineIntel,6,85,7");
		break;
	case HF_TOTAL_MEM:
		sb_u64(s, 16ULL << 20);	// kB
		break;
	case HF_CMDLINE: {
		int n = 3;

		for (int e = 0; e < NR_EV; e++)
			n += 2 * g->ev[e].on;
		sb_u32(s, n + 2);
		sb_hstr(s, "/usr/bin/perf");
		sb_hstr(s, "record");
		sb_hstr(s, "-a");
		for (int e = 0; e < NR_EV; e++)
			if (g->ev[e].on) {
				snprintf(buf, sizeof(buf), "%s:%s", ev_sys[e], ev_name[e]);
				sb_hstr(s, "-e");
				sb_hstr(s, buf);
			}
		sb_hstr(s, "--");
		sb_hstr(s, PROG);
		break;
	}
	case HF_EVENT_DESC: {
		unsigned char a[ATTR_SIZE];
		int n = 0;

		for (int e = 0; e < NR_EV; e++)
			n += g->ev[e].on;
		sb_u32(s, n);
		sb_u32(s, ATTR_SIZE);
		for (int e = 0; e < NR_EV; e++) {
			if (!g->ev[e].on)
				continue;
			attr_bytes(a, g->ev[e].id);
			sb_add(s, a, ATTR_SIZE);
			sb_u32(s, g->ncpu);
			snprintf(buf, sizeof(buf), "%s:%s", ev_sys[e], ev_name[e]);
			sb_hstr(s, buf);
			for (int c = 0; c < g->ncpu; c++)
				sb_u64(s, g->ev[e].first_id + c);
		}
		break;
	}
	case HF_CPU_TOPOLOGY:	// one socket, one die, one thread per core
		sb_u32(s, 1);
		snprintf(buf, sizeof(buf), g->ncpu > 1 ? "0-%d" : "%d", g->ncpu - 1);
		sb_hstr(s, buf);
		sb_u32(s, g->ncpu);
		for (int c = 0; c < g->ncpu; c++) {
			char one[16];

			snprintf(one, sizeof(one), "%d", c);
			sb_hstr(s, one);
		}
		for (int c = 0; c < g->ncpu; c++) {
			sb_u32(s, c);	// core id
			sb_u32(s, 0);	// socket id
		}
		sb_u32(s, 1);
		sb_hstr(s, buf);
		for (int c = 0; c < g->ncpu; c++)
			sb_u32(s, 0);	// die id
		break;
	case HF_SAMPLE_TIME:
		sb_u64(s, g->first_ns);
		sb_u64(s, g->last_ns);
		break;
	}
}

static const int features[] = {
	HF_TRACING_DATA, HF_HOSTNAME, HF_OSRELEASE, HF_VERSION, HF_ARCH, HF_NRCPUS, HF_CPUDESC,
	HF_CPUID, HF_TOTAL_MEM, HF_CMDLINE, HF_EVENT_DESC, HF_CPU_TOPOLOGY, HF_SAMPLE_TIME
};
#define NFEAT ((int)(sizeof(features) / sizeof(features[0])))

static int nr_on(const struct gen *g)
{
	int n = 0;

	for (int e = 0; e < NR_EV; e++)
		n += g->ev[e].on;
	return n;
}

// File layout: header (104), id arrays, attrs (128 + ids section 16 each),
// data, feature index (offset, size per feature bit), feature bodies.
static void write_header(struct gen *g, uint64_t attrs_off, uint64_t nattr)
{
	unsigned char h[104];
	uint64_t bits = 0;

	for (int i = 0; i < NFEAT; i++)
		bits |= 1ULL << features[i];
	memset(h, 0, sizeof(h));
	memcpy(h, "PERFILE2", 8);
	put_le(h + 8, 104, 8);
	put_le(h + 16, ATTR_SIZE + 16, 8);
	put_le(h + 24, attrs_off, 8);
	put_le(h + 32, nattr * (ATTR_SIZE + 16), 8);
	put_le(h + 40, g->data_off, 8);
	put_le(h + 48, g->data_size, 8);
	put_le(h + 72, bits, 8);
	if (fseek(g->f, 0, SEEK_SET))
		pw_die(PROG, 1, "cannot seek in '%s': %s", g->o.out, strerror(errno));
	fwrite_all(g, h, sizeof(h));
}

static void write_prologue(struct gen *g)
{
	uint64_t off = 104, attrs_off, nattr = nr_on(g);
	unsigned char a[ATTR_SIZE];
	uint64_t id = 100;

	for (int e = 0; e < NR_EV; e++)
		if (g->ev[e].on) {
			g->ev[e].first_id = id;
			id += g->ncpu;
		}
	write_header(g, 0, 0);
	for (int e = 0; e < NR_EV; e++)	// ids, per event and CPU
		if (g->ev[e].on)
			for (int c = 0; c < g->ncpu; c++)
				out_u64(g, g->ev[e].first_id + c);
	attrs_off = off + nattr * g->ncpu * 8;
	for (int e = 0; e < NR_EV; e++) {
		if (!g->ev[e].on)
			continue;
		attr_bytes(a, g->ev[e].id);
		out_bytes(g, a, ATTR_SIZE);
		out_u64(g, off);			// ids section
		out_u64(g, (uint64_t)g->ncpu * 8);
		off += (uint64_t)g->ncpu * 8;
	}
	g->data_off = attrs_off + nattr * (ATTR_SIZE + 16);
	// COMM of every task (time 0, as perf record synthesizes them), with a
	// sample_id_all trailer: TID, TIME, CPU, IDENTIFIER
	for (int i = 0; i < g->ntask; i++) {
		const struct task *T = &g->t[i];
		size_t n = strlen(T->comm) + 1, pad = (n + 7) / 8 * 8;
		unsigned char rec[8 + 8 + 24 + 32];

		memset(rec, 0, sizeof(rec));
		put_le(rec, 3, 4);				// PERF_RECORD_COMM
		put_le(rec + 6, 8 + 8 + pad + 32, 2);
		put_le(rec + 8, T->pid, 4);
		put_le(rec + 12, T->tid, 4);
		memcpy(rec + 16, T->comm, n - 1);
		put_le(rec + 16 + pad, T->pid, 4);
		put_le(rec + 20 + pad, T->tid, 4);
		put_le(rec + 40 + pad, g->ev[EV_SWITCH].first_id, 8);
		out_bytes(g, rec, 8 + 8 + pad + 32);
	}
}

static void write_epilogue(struct gen *g)
{
	struct sb body = { 0 }, idx = { 0 };
	uint64_t attrs_off = 104 + (uint64_t)nr_on(g) * g->ncpu * 8;
	uint64_t feat_off;

	out_flush(g);
	g->data_size = (uint64_t)ftello(g->f) - g->data_off;
	feat_off = g->data_off + g->data_size;
	for (int i = 0; i < NFEAT; i++) {
		size_t at = body.len;

		feature(g, features[i], &body);
		sb_u64(&idx, feat_off + NFEAT * 16 + at);
		sb_u64(&idx, body.len - at);
	}
	fwrite_all(g, idx.p, idx.len);
	fwrite_all(g, body.p, body.len);
	free(idx.p);
	free(body.p);
	write_header(g, attrs_off, nr_on(g));
	if (fclose(g->f)) {
		pw_die(PROG, 1, "cannot write '%s': %s", g->o.out, strerror(errno));
	}
	g->f = NULL;
}

// -------------------------------------------------------------- truth JSON --

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == '<' || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void write_truth(struct gen *g, const char *path)
{
	FILE *f = fopen(path, "w");
	const struct opts *o = &g->o;
	bool first = true;

	if (!f) {
		pw_die(PROG, 1, "cannot create '%s': %s", path, strerror(errno));
	}
	// the open slice on each CPU runs until the last sample
	for (int c = 0; c < g->ncpu; c++) {
		struct cpu *cp = &g->c[c];

		if (!cp->seen)
			continue;
		if (cp->tcur >= 0)
			g->t[cp->tcur].runtime += g->last_ns - cp->tsince;
		else
			cp->idle_runtime += g->last_ns - cp->tsince;
	}
	fprintf(f, "{\n  \"generator\": {\"cpus\": %d, \"vms\": %d, \"vcpus\": %d, \"tasks\": %d, ",
		o->cpus, o->vms, o->vcpus, o->tasks);
	fprintf(f, "\"duration_ms\": %" PRIu64 ", \"events\": %" PRIu64 ", \"isa\": \"%s\", \"exit_mix\": ",
		o->duration_ms, o->events, o->svm ? "svm" : "vmx");
	json_str(f, o->exit_mix);
	fprintf(f, ", \"kvm_exit_format\": \"%s\", \"kvm\": %s, \"only_switch\": %s, \"seed\": %" PRIu64
		", \"scale\": %.9g},\n", o->old_exit ? "old" : "new", o->no_kvm ? "false" : "true",
		o->only_switch ? "true" : "false", o->seed, g->scale);
	fprintf(f, "  \"first_ns\": %" PRIu64 ",\n  \"last_ns\": %" PRIu64 ",\n  \"window_ns\": %" PRIu64
		",\n  \"nr_cpus\": %d,\n  \"samples\": %" PRIu64 ",\n  \"events\": {",
		g->first_ns, g->last_ns, g->last_ns - g->first_ns, g->ncpu, g->nwritten);
	for (int e = 0; e < NR_EV; e++) {
		if (!g->ev[e].on)
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", ev_name[e], g->nsamples[e]);
		first = false;
	}
	fprintf(f, "},\n  \"tasks\": [");
	first = true;
	for (int i = 0; i < g->ntask; i++) {
		const struct task *T = &g->t[i];

		if (!T->seen)
			continue;
		fprintf(f, "%s\n    {\"tid\": %d, \"pid\": %d, \"name\": ", first ? "" : ",", T->tid, T->pid);
		first = false;
		json_str(f, T->comm);
		fprintf(f, ", \"runtime_ns\": %" PRIu64 ", \"switches\": %" PRIu64 ", \"voluntary\": %" PRIu64
			", \"involuntary\": %" PRIu64 ", \"sched_in\": %" PRIu64 ", \"migrations\": %" PRIu64,
			T->runtime, T->switches, T->vol, T->invol, T->sched_in, T->migrations);
		if (T->has_kvm) {
			bool f2 = true;

			fprintf(f, ",\n     \"kvm\": {\"exits\": {");
			for (int r = 0; r < g->mix.n; r++)
				if (T->exits[r]) {
					fprintf(f, "%s\"%s\": %" PRIu64, f2 ? "" : ", ", g->mix.name[r], T->exits[r]);
					f2 = false;
				}
			fprintf(f, "}, \"host_ns\": %" PRIu64 ", \"guest_ns\": %" PRIu64 "}", T->host_ns, T->guest_ns);
		}
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n  \"idle\": [");
	first = true;
	for (int c = 0; c < g->ncpu; c++) {
		if (!g->c[c].idle_seen)
			continue;
		fprintf(f, "%s\n    {\"cpu\": %d, \"runtime_ns\": %" PRIu64 "}", first ? "" : ",", c, g->c[c].idle_runtime);
		first = false;
	}
	// what the independent oracles print for this file (docs/mkperfdata.md)
	fprintf(f, "\n  ],\n  \"oracles\": {\n    \"perf_sched_timehist\": [");
	first = true;
	for (int i = 0; i < g->ntask; i++) {
		const struct task *T = &g->t[i];

		if (!T->th_sched_in)
			continue;
		fprintf(f, "%s\n      {\"tid\": %d, \"sched_in\": %" PRIu64 ", \"runtime_ns\": %" PRIu64 "}",
			first ? "" : ",", T->tid, T->th_sched_in, T->th_runtime);
		first = false;
	}
	fprintf(f, "\n    ],\n    \"perf_kvm_stat\": {\"exits\": {");
	first = true;
	for (int r = 0; r < g->mix.n; r++)
		if (g->ks_exits_total[r]) {
			fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", g->mix.name[r], g->ks_exits_total[r]);
			first = false;
		}
	fprintf(f, "}, \"time_ns\": %" PRIu64 "}\n  }\n}\n", g->ks_ns_total);
	if (ferror(f) | fclose(f)) {
		pw_die(PROG, 1, "cannot write '%s': %s", path, strerror(errno));
	}
}

// -------------------------------------------------------------------- main --

static void parse_args(struct opts *o, int argc, char **argv)
{
	enum { O_VMS = 256, O_VCPUS, O_TASKS, O_ISA, O_MIX, O_EXITFMT, O_NOKVM, O_ONLYSW };
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' }, { "truth", required_argument, NULL, 't' },
		{ "cpus", required_argument, NULL, 'c' }, { "vms", required_argument, NULL, O_VMS },
		{ "vcpus", required_argument, NULL, O_VCPUS }, { "tasks", required_argument, NULL, O_TASKS },
		{ "duration", required_argument, NULL, 'd' }, { "events", required_argument, NULL, 'n' },
		{ "isa", required_argument, NULL, O_ISA }, { "exit-mix", required_argument, NULL, O_MIX },
		{ "kvm-exit-format", required_argument, NULL, O_EXITFMT },
		{ "no-kvm", no_argument, NULL, O_NOKVM }, { "only-switch", no_argument, NULL, O_ONLYSW },
		{ "seed", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->cpus = 4;
	o->vms = 1;
	o->vcpus = 2;
	o->tasks = 4;
	o->seed = 1;
	o->out = "perf.data";
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:t:c:d:n:s:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'o': o->out = optarg; break;
		case 't': o->truth = optarg; break;
		case 'c': o->cpus = (int)parse_u64("--cpus", optarg, 1, 4096); break;
		case O_VMS: o->vms = (int)parse_u64("--vms", optarg, 0, 64); break;
		case O_VCPUS: o->vcpus = (int)parse_u64("--vcpus", optarg, 1, 256); break;
		case O_TASKS: o->tasks = (int)parse_u64("--tasks", optarg, 0, 100000); break;
		case 'd': o->duration_ms = parse_u64("--duration", optarg, 1, 10000000); break;
		case 'n': o->events = parse_u64("--events", optarg, 1, 10000000000ULL); break;
		case 's': o->seed = parse_u64("--seed", optarg, 0, UINT64_MAX); break;
		case O_ISA:
			if (!strcmp(optarg, "vmx"))
				o->svm = 0;
			else if (!strcmp(optarg, "svm"))
				o->svm = 1;
			else
				pw_die(PROG, 2, "bad value for --isa '%s': want vmx or svm", optarg);
			break;
		case O_MIX: o->exit_mix = optarg; break;
		case O_EXITFMT:
			if (!strcmp(optarg, "new"))
				o->old_exit = 0;
			else if (!strcmp(optarg, "old"))
				o->old_exit = 1;
			else
				pw_die(PROG, 2, "bad value for --kvm-exit-format '%s': want new or old", optarg);
			break;
		case O_NOKVM: o->no_kvm = 1; break;
		case O_ONLYSW: o->only_switch = 1; break;
		case 'h': usage(stdout); exit(0);
		case ':': pw_die(PROG, 2, "option '%s' needs a value (see --help)", argv[optind - 1]);
		default:
			if (optopt)
				pw_die(PROG, 2, "unknown option '-%c' (see --help)", optopt);
			pw_die(PROG, 2, "unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		pw_die(PROG, 2, "unexpected argument '%s' (see --help)", argv[optind]);
	if (!*o->out)
		pw_die(PROG, 2, "bad value for --output: empty");
	if (!o->exit_mix)
		o->exit_mix = o->svm ? default_svm_mix : default_vmx_mix;
}

int main(int argc, char **argv)
{
	struct gen *g = calloc(1, sizeof(*g));
	int ntask;

	if (!g) {
		pw_die(PROG, 1, "out of memory");
	}
	parse_args(&g->o, argc, argv);
	parse_mix(&g->mix, g->o.exit_mix, g->o.svm);
	g->ncpu = g->o.cpus;
	for (int e = 0; e < NR_EV; e++) {
		g->ev[e].on = !(g->o.only_switch && e != EV_SWITCH) && !(g->o.no_kvm && e >= EV_ENTRY);
		g->ev[e].fmt = find_format(e == EV_EXIT && g->o.old_exit ? "kvm_exit-old" : ev_name[e]);
		parse_format(&g->ev[e], e);
	}
	if (!g->o.vms || !g->o.vcpus) {	// no vCPU threads: no KVM event can occur
		for (int e = EV_ENTRY; e < NR_EV; e++)
			g->ev[e].on = g->ev[e].on && g->o.vms > 0;
	}
	ntask = count_tasks(&g->o);
	g->t = calloc(ntask ? ntask : 1, sizeof(*g->t));
	g->c = calloc(g->ncpu, sizeof(*g->c));
	g->heap = calloc(ntask + g->ncpu, sizeof(int));
	g->pos = calloc(ntask + g->ncpu, sizeof(int));
	g->key = calloc(ntask + g->ncpu, sizeof(uint64_t));
	g->ks_exits_total = calloc(g->mix.n, sizeof(uint64_t));
	g->buf = malloc(BUFSZ);
	if (!g->t || !g->c || !g->heap || !g->pos || !g->key || !g->ks_exits_total || !g->buf) {
		pw_die(PROG, 1, "out of memory");
	}
	g->start = START_NS;
	g->scale = 1.0;
	if (!g->o.duration_ms && !g->o.events)
		g->o.duration_ms = 50;
	if (g->o.events && g->o.duration_ms) {
		// calibration: the model's natural pace, from a dry run of the same
		// scenario, sets the scale so that N samples span about MS
		uint64_t span = g->o.duration_ms * 1000000ULL;

		g->dry = true;
		g->end = g->start + span;
		g->limit = 200000;
		sim_init(g);
		sim_run(g);
		if (g->nwritten && g->last_ns > g->start) {
			double rate = (double)g->nwritten / (double)(g->last_ns - g->start);

			g->scale = rate * (double)span / (double)g->o.events;
		}
		for (int i = 0; i < g->ntask; i++) {
			free(g->t[i].exits);
			free(g->t[i].ks_exits);
		}
		g->dry = false;
	}
	g->end = g->o.events ? 0 : g->start + g->o.duration_ms * 1000000ULL;
	g->limit = g->o.events;
	sim_init(g);
	g->f = fopen(g->o.out, "w+b");
	if (!g->f) {
		pw_die(PROG, 1, "cannot create '%s': %s", g->o.out, strerror(errno));
	}
	write_prologue(g);
	sim_run(g);
	write_epilogue(g);
	if (g->o.truth)
		write_truth(g, g->o.truth);
	for (int i = 0; i < g->ntask; i++) {
		free(g->t[i].exits);
		free(g->t[i].ks_exits);
	}
	free(g->t);
	free(g->c);
	free(g->heap);
	free(g->pos);
	free(g->key);
	free(g->ks_exits_total);
	free(g->buf);
	free(g);
	return 0;
}
