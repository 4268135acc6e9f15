// SPDX-License-Identifier: GPL-2.0-only
// unit-plugin.c: the perf.data parser on a hand-built perf.data (whole,
// truncated at every length, corrupted), and a fake perf host that dlopen()s
// build/perfwhiz.so and feeds it synthetic samples, short ones included (the
// model of perf's dlfilter-test-api-v0.c).
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <perf/perf_dlfilter.h>

#include "cdict.h"
#include "check.h"
#include "perfdata.h"
#include "pw_map.h"
#include "tpformat.h"

// sched_switch's format as Linux 6.x writes it (tracefs .../format)
static const char switch_fmt[] =
	"name: sched_switch\nID: 372\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
	"\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
	"\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"prev_pid=%d next_pid=%d\", REC->prev_pid, REC->next_pid\n";

static uint8_t img[8192];
static size_t img_len;

static void put32(size_t off, uint32_t v) { memcpy(img + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(img + off, &v, 8); }
static size_t app(const void *p, size_t n) { memcpy(img + img_len, p, n); img_len += n; return img_len - n; }
static size_t app32(uint32_t v) { return app(&v, 4); }
static size_t app64(uint64_t v) { return app(&v, 8); }

// A perf.data: header, one tracepoint attr (config 372) with one id, an
// empty data section, features TRACING_DATA (sched_switch), HOSTNAME, NRCPUS.
static void build_perfdata(void)
{
	memset(img, 0, sizeof(img));
	img_len = 0;
	app("PERFILE2", 8);
	app64(104);			// header size
	app64(144);			// attr_size: 128-byte attr + ids section
	app64(104); app64(144);		// attrs
	app64(0); app64(0);		// data, set below
	app64(0); app64(0);		// event_types
	uint8_t feat[32] = { 0 };
	feat[0] = 1 << 1 | 1 << 3 | 1 << 7;	// TRACING_DATA, HOSTNAME, NRCPUS
	app(feat, 32);
	// attr at 104
	size_t a = img_len;
	img_len += 144;
	put32(a, 2);			// PERF_TYPE_TRACEPOINT
	put32(a + 4, 128);
	put64(a + 8, 372);		// config = tracepoint id
	put64(a + 24, 0x10587);		// sample_type
	put64(a + 128, 248);		// ids offset
	put64(a + 136, 8);		// ids size
	app64(77);			// the id, at 248
	put64(40, img_len);		// data: empty, at 256
	put64(48, 0);
	size_t table = img_len;
	img_len += 3 * 16;		// feature table
	// TRACING_DATA
	size_t t0 = img_len;
	app("\x17\x08\x44tracing", 10);
	app("0.6", 4);
	app("\0\x08", 2);		// little-endian, long size 8
	app32(4096);
	app("header_page", 12); app64(0);
	app("header_event", 13); app64(0);
	app32(0);			// ftrace formats
	app32(1);			// systems
	app("sched", 6);
	app32(1);
	app64(sizeof(switch_fmt) - 1);
	app(switch_fmt, sizeof(switch_fmt) - 1);
	app32(0); app32(0); app64(0);	// kallsyms, printk, cmdlines
	put64(table, t0);
	put64(table + 8, img_len - t0);
	// HOSTNAME
	size_t h0 = img_len;
	app32(16);
	app("fakehost\0\0\0\0\0\0\0", 16);
	put64(table + 16, h0);
	put64(table + 24, img_len - h0);
	// NRCPUS
	size_t n0 = img_len;
	app32(4); app32(2);
	put64(table + 32, n0);
	put64(table + 40, img_len - n0);
}

static void test_parse_whole(void)
{
	struct pw_perfdata pd;

	build_perfdata();
	check_int(pw_perfdata_parse(&pd, img, img_len), ==, 0);
	check_uint(pd.nr_attrs, ==, 1);
	check_uint(pd.attrs[0].config, ==, 372);
	check_uint(pd.attrs[0].nr_ids, ==, 1);
	check_uint(pd.attrs[0].ids[0], ==, 77);
	check_str(pd.hostname, "fakehost");
	check_uint(pd.nr_cpus_avail, ==, 4);
	check_uint(pd.nr_cpus_online, ==, 2);
	check_int(pd.has_tracing_data, ==, 1);
	check_str(pd.tracing_version, "0.6");
	check_uint(pd.tracing_long_size, ==, 8);
	check_uint(pd.nr_formats, ==, 1);
	if (pd.nr_formats) {
		check_str(pd.formats[0].system, "sched");
		check_str(pd.formats[0].text, switch_fmt);
	}
	pw_perfdata_release(&pd);
}

// Cut short at every length: never a crash, always an error (valgrind and
// sanitizers see the reads: the buffer is copied to an exact-size block).
static void test_parse_truncated(void)
{
	build_perfdata();
	for (size_t n = 0; n < img_len; n++) {
		struct pw_perfdata pd;
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, img, n);
		int err = pw_perfdata_parse(&pd, b, n);
		if (err == 0) {
			fprintf(stderr, "accepted a perf.data cut at %zu of %zu\n", n, img_len);
			check_failed_now = 1;
		}
		pw_perfdata_release(&pd);
		free(b);
	}
}

// Every byte flipped in turn: errors or success, never a crash or a leak.
static void test_parse_corrupt(void)
{
	int corrupt = 0;

	build_perfdata();
	for (size_t i = 0; i < img_len; i++) {
		struct pw_perfdata pd;
		uint8_t *b = malloc(img_len);
		memcpy(b, img, img_len);
		b[i] ^= 0xff;
		if (pw_perfdata_parse(&pd, b, img_len) == PW_ECORRUPT)
			corrupt++;
		pw_perfdata_release(&pd);
		free(b);
	}
	check_int(corrupt, >, 20);
	// a huge declared count is refused before any allocation
	build_perfdata();
	struct pw_perfdata pd;
	put64(16, 1u << 20);		// attr_size
	check_int(pw_perfdata_parse(&pd, img, img_len), ==, PW_ECORRUPT);
	check_uint(pd.err_offset, ==, 16);
	pw_perfdata_release(&pd);
	check_int(pw_perfdata_parse(&pd, "PERFILE1xxxxxxxx", 16), ==, PW_EMAGIC);
	pw_perfdata_release(&pd);
}

static void test_tpformat(void)
{
	struct pw_tpfmts *set;
	struct pw_field f;

	check_int(pw_tpfmts_new(&set, 8), ==, 0);
	check_int(pw_tpfmts_add(set, "sched", switch_fmt, sizeof(switch_fmt) - 1), ==, 0);
	check_int(pw_tpfmts_add(set, "sched", "garbage", 7), ==, PW_EINVAL);
	const struct pw_tpevent *ev = pw_tpfmts_find_id(set, 372);
	check(ev != NULL);
	check_int(pw_tpevent_field(ev, "prev_state", &f), ==, 0);
	check_uint(f.offset, ==, 32);
	check_uint(f.size, ==, 8);
	check_uint(f.flags & PW_FLD_SIGNED, ==, PW_FLD_SIGNED);
	check_int(pw_tpevent_field(ev, "next_pid", &f), ==, 0);
	check_uint(pw_field_end(&f), ==, 60);
	check_int(pw_tpevent_field(ev, "vruntime", &f), ==, PW_EINVAL);
	check_uint(f.size, ==, 0);
	pw_tpfmts_free(set);

	// pw_field_u32 (one load for sizes 4 and 8) gives the low 32 bits of
	// pw_field_int for every size and signedness
	static const char num_fmt[] =
		"name: nums\nID: 900\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:u8 a;\toffset:2;\tsize:1;\tsigned:0;\n"
		"\tfield:s8 b;\toffset:3;\tsize:1;\tsigned:1;\n"
		"\tfield:u16 c;\toffset:4;\tsize:2;\tsigned:0;\n"
		"\tfield:s16 d;\toffset:6;\tsize:2;\tsigned:1;\n"
		"\tfield:u32 e;\toffset:8;\tsize:4;\tsigned:0;\n"
		"\tfield:s32 g;\toffset:12;\tsize:4;\tsigned:1;\n"
		"\tfield:u64 h;\toffset:16;\tsize:8;\tsigned:0;\n"
		"\tfield:s64 i;\toffset:24;\tsize:8;\tsigned:1;\n\n"
		"print fmt: \"a=%u\", REC->a\n";
	static const char *const names[] = { "a", "b", "c", "d", "e", "g", "h", "i" };
	check_int(pw_tpfmts_new(&set, 8), ==, 0);
	check_int(pw_tpfmts_add(set, "test", num_fmt, sizeof(num_fmt) - 1), ==, 0);
	ev = pw_tpfmts_find_id(set, 900);
	check(ev != NULL);
	uint8_t raw[32];
	for (unsigned seed = 0; ev && seed < 64; seed++) {
		for (size_t k = 0; k < sizeof(raw); k++)
			raw[k] = (uint8_t)((seed * 37 + k * 91) ^ (seed & 1 ? 0x80 : 0));
		for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
			check_int(pw_tpevent_field(ev, names[n], &f), ==, 0);
			check_uint(!!(f.flags & PW_FLD_LO32), ==, f.size >= 4);
			check_uint(pw_field_u32(&f, raw), ==, (uint32_t)pw_field_int(&f, raw));
		}
	}
	pw_tpfmts_free(set);
}

static void test_map(void)
{
	struct pw_map m;
	size_t line;
	const char ok[] = "tid,libvirt-name,type,uuid,group-type,group-id,task-name\n"
			  "# comment\n\n20,inst-2,emulator,u2,tenant,12,db\r\n"
			  "10,inst-1,vcpu0,u1,tenant,3,web\n";

	check_int(pw_map_parse(&m, ok, sizeof(ok) - 1, &line), ==, 0);
	check_uint(m.nr, ==, 2);
	check_str(pw_map_name(&m, 10), "web.03.vcpu0");
	check_str(pw_map_name(&m, 20), "db.12.emulator");
	check(pw_map_name(&m, 30) == NULL);
	pw_map_release(&m);
	const char bad[] = "10,a,vcpu0,u,g,1,x\n11,a,vcpu1,u,g,z,y\n";
	check_int(pw_map_parse(&m, bad, sizeof(bad) - 1, &line), ==, PW_ECORRUPT);
	check_uint(line, ==, 2);
	check_uint(m.nr, ==, 0);
	const char few[] = "10,a,vcpu0,u,g,1\n";
	check_int(pw_map_parse(&m, few, sizeof(few) - 1, &line), ==, PW_ECORRUPT);
	check_uint(line, ==, 1);

	// RFC 4180 quoting: commas and doubled quotes inside, empty quoted
	// fields, a quoted tid; the raw fields are kept unquoted too
	const char quoted[] = "\"10\",\"inst, 1\",vcpu0,\"\",tenant,3,\"web, \"\"a\"\"\"\n"
			      "11,b,\"vcpu,1\",u,g,4,\"\"\"\"\r\n";
	check_int(pw_map_parse(&m, quoted, sizeof(quoted) - 1, &line), ==, 0);
	check_uint(m.nr, ==, 2);
	check_str(pw_map_name(&m, 10), "web, \"a\".03.vcpu0");
	check_str(pw_map_find(&m, 10)->libvirt_name, "inst, 1");
	check_str(pw_map_find(&m, 10)->uuid, "");
	check_str(pw_map_name(&m, 11), "\".04.vcpu,1");
	pw_map_release(&m);
	// a quote left open, text after a closing quote, too many fields once
	// a quoted comma is not one
	const char *refused[] = {
		"10,a,vcpu0,u,g,1,x\n11,\"a,vcpu0,u,g,1,x\n",
		"10,a,vcpu0,u,g,1,x\n11,\"a\"b,vcpu0,u,g,1,x\n",
		"10,a,vcpu0,u,g,1,x\n11,a,vcpu0,u,g,1,\"x\",y\n",
		"10,a,vcpu0,u,g,1,x\n11,a,vcpu0,u,g,1,\"x\n\"\n",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		check_int(pw_map_parse(&m, refused[i], strlen(refused[i]), &line), ==, PW_ECORRUPT);
		check_uint(line, ==, 2);
		check_uint(m.nr, ==, 0);
	}
}

/* ---- the fake perf host --------------------------------------------------- */

static struct perf_event_attr cur_attr;
static char *host_argv[4];
static int host_argc;

static char **host_args(void *ctx, int *argc)
{
	(void)ctx;
	*argc = host_argc;
	return host_argv;
}

static struct perf_event_attr *host_cur;	// NULL: cur_attr

static struct perf_event_attr *host_attr(void *ctx)
{
	(void)ctx;
	return host_cur ? host_cur : &cur_attr;
}

struct swrec {
	uint16_t common_type;
	uint8_t flags, preempt;
	int32_t common_pid;
	char prev_comm[16];
	int32_t prev_pid, prev_prio;
	int64_t prev_state;
	char next_comm[16];
	int32_t next_pid, next_prio;
};

static struct perf_dlfilter_sample mk_sample(uint64_t time, int cpu, const void *raw,
					     uint32_t raw_size, const char *event)
{
	struct perf_dlfilter_sample s;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.time = time;
	s.cpu = cpu;
	s.pid = s.tid = 100;
	s.raw_data = raw;
	s.raw_size = raw_size;
	s.event = event;
	return s;
}

static void test_fake_host(void)
{
	void *h = dlopen("./perfwhiz.so", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		check_failed_now = 1;
		return;
	}
	int (*p_start)(void **, void *) = (int (*)(void **, void *))dlsym(h, "start");
	int (*p_stop)(void *, void *) = (int (*)(void *, void *))dlsym(h, "stop");
	int (*p_filter)(void *, const struct perf_dlfilter_sample *, void *) =
		(int (*)(void *, const struct perf_dlfilter_sample *, void *))dlsym(h, "filter_event");
	const char *(*p_desc)(const char **) = (const char *(*)(const char **))dlsym(h, "filter_description");
	struct perf_dlfilter_fns *fns = dlsym(h, "perf_dlfilter_fns");
	check(p_start && p_stop && p_filter && p_desc && fns);
	check(dlsym(h, "pw_writer_open") == NULL);	// only perf's entry points
	check(dlsym(h, "tep_alloc") == NULL);
	if (!p_start || !p_stop || !p_filter || !fns)
		return;
	const char *longd = NULL;
	check(strstr(p_desc(&longd), "perfwhiz") != NULL);
	check(longd != NULL);

	build_perfdata();
	FILE *f = fopen("unit-plugin.data", "wb");
	fwrite(img, 1, img_len, f);
	fclose(f);
	fns->args = host_args;
	fns->attr = host_attr;
	host_argv[0] = "input=unit-plugin.data";
	host_argv[1] = "out=unit-plugin.cdict";
	host_argv[2] = "quiet";
	host_argc = 3;

	void *data = NULL;
	check_int(p_start(&data, NULL), ==, 0);
	cur_attr.type = 2;
	cur_attr.config = 372;
	struct swrec r = { .common_type = 372, .prev_pid = 100, .prev_state = 1,
			   .next_pid = 200 };
	memcpy(r.prev_comm, "alpha", 6);
	memcpy(r.next_comm, "beta", 5);
	struct perf_dlfilter_sample s = mk_sample(1000, 1, &r, sizeof(r), "sched:sched_switch");
	check_int(p_filter(data, &s, NULL), ==, 1);
	// back: 200 -> 100, preempted
	struct swrec r2 = r;
	r2.prev_pid = 200; r2.next_pid = 100; r2.prev_state = 0;
	memcpy(r2.prev_comm, "beta", 5);
	memcpy(r2.next_comm, "alpha", 6);
	s = mk_sample(3000, 1, &r2, sizeof(r2), "sched:sched_switch");
	s.tid = 200;
	check_int(p_filter(data, &s, NULL), ==, 1);
	// short raw records: counted invalid, never read past the end
	for (uint32_t n = 0; n < 60; n += 7) {
		uint8_t *shortbuf = malloc(n ? n : 1);
		memcpy(shortbuf, &r, n);
		s = mk_sample(4000, 1, shortbuf, n, "sched:sched_switch");
		check_int(p_filter(data, &s, NULL), ==, 1);
		free(shortbuf);
	}
	// a record larger than the decoding thread's batches (256 KiB): decoded
	// on this thread once the thread has decoded the batches before it,
	// then a small one again: the events keep their order
	size_t bigsz = 300 * 1024;
	uint8_t *big = calloc(1, bigsz);
	struct swrec r3 = r;
	r3.next_pid = 300;
	memcpy(r3.next_comm, "gamma", 6);
	memcpy(big, &r3, sizeof(r3));
	s = mk_sample(4500, 1, big, (uint32_t)bigsz, "sched:sched_switch");
	check_int(p_filter(data, &s, NULL), ==, 1);
	free(big);
	struct swrec r4 = r;
	r4.prev_pid = 300; r4.next_pid = 100; r4.prev_state = 0;
	memcpy(r4.prev_comm, "gamma", 6);
	memcpy(r4.next_comm, "alpha", 6);
	s = mk_sample(4600, 1, &r4, sizeof(r4), "sched:sched_switch");
	check_int(p_filter(data, &s, NULL), ==, 1);
	// a record of another event under this attr (common_type differs)
	struct swrec bad = r;
	bad.common_type = 999;
	s = mk_sample(5000, 0, &bad, sizeof(bad), "sched:sched_switch");
	p_filter(data, &s, NULL);
	// a cpu out of range
	s = mk_sample(5000, -1, &r, sizeof(r), "sched:sched_switch");
	p_filter(data, &s, NULL);
	// negative pids (no kernel gives one): failed validation, not stored
	struct swrec neg = r;
	neg.prev_pid = -1;
	s = mk_sample(5000, 1, &neg, sizeof(neg), "sched:sched_switch");
	p_filter(data, &s, NULL);
	neg = r;
	neg.next_pid = -7;
	s = mk_sample(5000, 1, &neg, sizeof(neg), "sched:sched_switch");
	p_filter(data, &s, NULL);
	// an event we do not decode: ignored, by name
	cur_attr.config = 12;
	s = mk_sample(6000, 0, &r, sizeof(r), "irq:irq_handler_entry");
	p_filter(data, &s, NULL);
	p_filter(data, &s, NULL);
	check_int(p_stop(data, NULL), ==, 0);
	dlclose(h);

	struct pw_reader *rd;
	struct pw_event ev;
	int err = pw_reader_open(&rd, "unit-plugin.cdict");
	check_int(err, ==, 0);
	if (err) {
		pw_reader_free(rd);
		return;
	}
	int sw = 0, tasks = 0;
	while ((err = pw_reader_next(rd, &ev)) > 0) {
		if (ev.kind == PW_EV_SWITCH) {
			sw++;
			if (sw == 1) {
				check_int(ev.tid, ==, 100);
				check_int(ev.sw.next_tid, ==, 200);
				check_uint(ev.sw.prev_state, ==, 1);
				check_uint(ev.time, ==, 1000);
			} else if (sw == 2) {
				check_int(ev.tid, ==, 200);
				check_uint(ev.sw.prev_state, ==, 0);
				check_uint(ev.sw.runtime_ns, ==, 2000);
			} else if (sw == 3) {	// the large record
				check_int(ev.tid, ==, 100);
				check_int(ev.sw.next_tid, ==, 300);
				check_uint(ev.time, ==, 4500);
				check_uint(ev.sw.runtime_ns, ==, 1500);
			} else {
				check_int(ev.tid, ==, 300);
				check_int(ev.sw.next_tid, ==, 100);
				check_uint(ev.time, ==, 4600);
				check_uint(ev.sw.runtime_ns, ==, 100);
			}
		} else if (ev.kind == PW_EV_TASK) {
			tasks++;
			check_str(pw_reader_string(rd, ev.task.name),
				  ev.tid == 100 ? "alpha" : ev.tid == 200 ? "beta" : "gamma");
			if (ev.tid == 100 && ev.task.pid != -1)
				check_int(ev.task.pid, ==, 100);
		}
	}
	check_int(err, ==, 0);
	check_int(sw, ==, 4);
	check_int(tasks, >=, 3);
	const struct pw_trailer *tr = pw_reader_trailer(rd);
	uint64_t invalid = 0, ignored = 0, samples = 0;
	for (size_t i = 0; tr && i < tr->nr_stats; i++) {
		const struct pw_stat *st = &tr->stats[i];
		if (!strcmp(st->group, "invalid") && !strcmp(st->name, "sched:sched_switch"))
			invalid = st->value;
		if (!strcmp(st->group, "ignored") && !strcmp(st->name, "irq:irq_handler_entry"))
			ignored = st->value;
		if (!strcmp(st->group, "plugin") && !strcmp(st->name, "samples"))
			samples = st->value;
	}
	check_uint(invalid, ==, 9 + 2 + 2);	// 9 short, 1 wrong type, 1 bad cpu, 2 negative pids
	check_uint(ignored, ==, 2);
	check_uint(samples, ==, 19);
	check_str(pw_reader_meta(rd)->hostname, "fakehost");
	pw_reader_free(rd);
	unlink("unit-plugin.data");
	unlink("unit-plugin.cdict");
}

// Like perf: every attr samples PERF_SAMPLE_IDENTIFIER and each sample
// carries the id of its event, several ids per attr (one per cpu), and two
// events of the same tracepoint; more attrs come mid-stream than the
// plugin's first table of routes holds; and samples with id 0 under
// different attrs. Every sample must still be counted under its own attr. The comms: one with bytes after its NUL (the same
// name), one of 16 bytes without a NUL (cut to 15).
static void test_fake_host_ids(void)
{
	void *h = dlopen("./perfwhiz.so", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		check_failed_now = 1;
		return;
	}
	int (*p_start)(void **, void *) = (int (*)(void **, void *))dlsym(h, "start");
	int (*p_stop)(void *, void *) = (int (*)(void *, void *))dlsym(h, "stop");
	int (*p_filter)(void *, const struct perf_dlfilter_sample *, void *) =
		(int (*)(void *, const struct perf_dlfilter_sample *, void *))dlsym(h, "filter_event");
	struct perf_dlfilter_fns *fns = dlsym(h, "perf_dlfilter_fns");
	check(p_start && p_stop && p_filter && fns);
	if (!p_start || !p_stop || !p_filter || !fns)
		return;
	build_perfdata();
	FILE *f = fopen("unit-plugin-ids.data", "wb");
	fwrite(img, 1, img_len, f);
	fclose(f);
	fns->args = host_args;
	fns->attr = host_attr;
	host_argv[0] = "input=unit-plugin-ids.data";
	host_argv[1] = "out=unit-plugin-ids.cdict";
	host_argv[2] = "quiet";
	host_argc = 3;

	static struct perf_event_attr sw1, sw2, irq, extra[20];
	static char names[20][16];
	sw1.type = sw2.type = irq.type = 2;
	sw1.config = sw2.config = 372;
	irq.config = 12;
	sw1.sample_type = sw2.sample_type = irq.sample_type = 0x10587;
	for (int i = 0; i < 20; i++) {
		extra[i].type = 2;
		extra[i].config = 100 + (uint64_t)i;
		extra[i].sample_type = 0x10587;
		snprintf(names[i], sizeof(names[i]), "irq:e%02d", i);
	}
	struct swrec r = { .common_type = 372, .prev_pid = 300, .prev_state = 1,
			   .next_pid = 301 };
	memcpy(r.prev_comm, "alpha\0zzzzzzzzzz", 16);	// bytes after the NUL
	memcpy(r.next_comm, "0123456789abcdef", 16);	// no NUL at all
	void *data = NULL;
	check_int(p_start(&data, NULL), ==, 0);
	uint64_t t = 1000;
	int nsw = 0;
	for (int round = 0; round < 30; round++) {
		for (int cpu = 0; cpu < 2; cpu++) {
			struct perf_dlfilter_sample s = mk_sample(t++, cpu, &r, sizeof(r),
								  "sched:sched_switch");
			host_cur = cpu ? &sw2 : &sw1;
			s.id = 10 + (uint64_t)cpu * 2 + (uint64_t)(round & 1);	// 10..13
			check_int(p_filter(data, &s, NULL), ==, 1);
			nsw++;
			s = mk_sample(t++, cpu, &r, sizeof(r), "irq:irq_handler_entry");
			host_cur = &irq;
			s.id = 20 + (uint64_t)cpu;
			check_int(p_filter(data, &s, NULL), ==, 1);
		}
		// id 0 (a host that leaves it unset): by attr alone
		struct perf_dlfilter_sample s0 = mk_sample(t++, 0, &r, sizeof(r),
							   "sched:sched_switch");
		host_cur = &sw1;
		check_int(p_filter(data, &s0, NULL), ==, 1);
		nsw++;
		s0 = mk_sample(t++, 0, &r, sizeof(r), "irq:irq_handler_entry");
		host_cur = &irq;
		check_int(p_filter(data, &s0, NULL), ==, 1);
		for (int i = 0; round >= 10 && i < 20; i++) {
			struct perf_dlfilter_sample s = mk_sample(t++, 0, &r, sizeof(r),
								  names[i]);
			host_cur = &extra[i];
			s.id = 100 + (uint64_t)i;
			check_int(p_filter(data, &s, NULL), ==, 1);
		}
	}
	host_cur = NULL;
	check_int(p_stop(data, NULL), ==, 0);
	dlclose(h);

	struct pw_reader *rd;
	struct pw_event ev;
	int err = pw_reader_open(&rd, "unit-plugin-ids.cdict");
	check_int(err, ==, 0);
	if (err) {
		pw_reader_free(rd);
		return;
	}
	int sw = 0, tasks = 0;
	while ((err = pw_reader_next(rd, &ev)) > 0) {
		if (ev.kind == PW_EV_SWITCH) {
			sw++;
			check_int(ev.tid, ==, 300);
			check_int(ev.sw.next_tid, ==, 301);
		} else if (ev.kind == PW_EV_TASK) {
			tasks++;
			check_str(pw_reader_string(rd, ev.task.name),
				  ev.tid == 300 ? "alpha" : "0123456789abcde");
		}
	}
	check_int(err, ==, 0);
	check_int(sw, ==, nsw);
	check_int(tasks, ==, 2);	// the comms never changed
	const struct pw_trailer *tr = pw_reader_trailer(rd);
	uint64_t ignored = 0, extras = 0, nextra = 0;
	for (size_t i = 0; tr && i < tr->nr_stats; i++) {
		const struct pw_stat *st = &tr->stats[i];
		if (strcmp(st->group, "ignored"))
			continue;
		if (!strcmp(st->name, "irq:irq_handler_entry")) {
			ignored = st->value;
		} else if (!strncmp(st->name, "irq:e", 5)) {
			check_uint(st->value, ==, 20);
			extras += st->value;
			nextra++;
		}
	}
	check_uint(ignored, ==, 90);
	check_uint(nextra, ==, 20);
	check_uint(extras, ==, 400);
	pw_reader_free(rd);
	unlink("unit-plugin-ids.data");
	unlink("unit-plugin-ids.cdict");
}

int main(void)
{
	TEST(test_parse_whole(), "perfdata: a whole hand-built perf.data");
	TEST(test_parse_truncated(), "perfdata: cut at every length is refused");
	TEST(test_parse_corrupt(), "perfdata: flipped bytes never crash");
	TEST(test_tpformat(), "tpformat: offsets and sizes from a format text");
	TEST(test_map(), "pw_map: names, quoted fields, bad lines with their number");
	TEST(test_fake_host(), "fake perf host: start, filter_event, stop");
	TEST(test_fake_host_ids(), "fake perf host: samples routed by id, many attrs");
	return check_done();
}
