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
//
// The parts: this file (options, the exit-reason mix, main), mkpd-sim.c (the
// simulated host), mkpd-emit.c (its samples and the truth accounted as they
// are written), mkpd-file.c (the perf.data bytes), mkpd-truth.c (the truth
// JSON); mkperfdata.h is what they share.

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkperfdata.h"

// ---------------------------------------------------------------- options --

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

