// SPDX-License-Identifier: GPL-2.0-only
// fuzz-tpfmt.c: libFuzzer target for the tracing data as the plugin takes
// it: the perf.data header parsed (perfdata.c), every format text of its
// HEADER_TRACING_DATA given to libtraceevent (pw_tpfmts_add: the fields,
// never the print format), the fields the plugin's decoders read looked up
// by name as formats.c does, and read out of a record of the size they
// say. An input starting with 'T' is one format text (after the 'T', of
// system "sched"), so that the fuzzer mutates the text itself without the
// perf.data around it; any other input is a perf.data.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "perfdata.h"
#include "pw_error.h"
#include "tpformat.h"

// every field name a decoder of the plugin reads (formats.c, pw_known[]),
// and the one every format has
static const char *const fields[] = {
	"common_type", "prev_comm", "prev_pid", "prev_state", "next_comm", "next_pid",
	"comm", "pid", "target_cpu", "orig_cpu", "dest_cpu", "filename", "parent_comm",
	"parent_pid", "child_comm", "child_pid", "delay", "runtime", "exit_reason", "isa",
	"vcpu_id", "reason",
};

#define RAW_MAX 65536	// the record read, at most (a sample's raw_size is u32)

// libtraceevent (1.7) leaks a token or two on some texts it refuses: not
// ours to fix, and a few bytes once per format and run in the plugin.
// LeakSanitizer reads this hook (libFuzzer's and the replay's builds).
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:tep_parse_format\n";
}

// The fields of ev resolved and read as the decoders read them: from a
// record that holds the largest of them (pw_field_end), as a sample that
// passes the plugin's size check does.
static size_t read_fields(const struct pw_tpevent *ev, unsigned char *raw)
{
	struct pw_field f[sizeof(fields) / sizeof(*fields)];
	uint32_t end = 0;
	size_t sink = 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		if (!pw_tpevent_field(ev, fields[i], &f[i]) && pw_field_end(&f[i]) > end)
			end = pw_field_end(&f[i]);
	if (end > RAW_MAX)
		return 0;	// the plugin refuses every sample of it: none fits
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		size_t len;
		if (!f[i].size)
			continue;
		if (f[i].flags & (PW_FLD_DYNAMIC | PW_FLD_RELATIVE) || f[i].size > 8) {
			const char *s = pw_field_str(&f[i], raw, end, &len);
			sink += s ? len : 0;
		} else {
			sink += (size_t)pw_field_int(&f[i], raw) + pw_field_u32(&f[i], raw);
		}
	}
	return sink;
}

static size_t one_set(const char *const *sys, const char *const *text, const size_t *len,
		      size_t n, int long_size)
{
	static unsigned char raw[RAW_MAX];
	struct pw_tpfmts *set;
	size_t sink = 0;

	if (pw_tpfmts_new(&set, long_size))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (pw_tpfmts_add(set, sys[i], text[i], len[i]) == PW_ENOMEM)
			break;
	// the events the plugin knows (formats.c, pw_known[]), as it finds them
	static const char *const known[][2] = {
		{ "sched", "sched_switch" },	   { "sched", "sched_wakeup" },
		{ "sched", "sched_waking" },	   { "sched", "sched_wakeup_new" },
		{ "sched", "sched_migrate_task" }, { "sched", "sched_process_exec" },
		{ "sched", "sched_process_fork" }, { "sched", "sched_process_exit" },
		{ "sched", "sched_stat_sleep" },   { "sched", "sched_stat_iowait" },
		{ "sched", "sched_stat_runtime" }, { "kvm", "kvm_exit" },
		{ "kvm", "kvm_entry" },		   { "kvm", "kvm_userspace_exit" },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
		const struct pw_tpevent *ev = pw_tpfmts_find(set, known[i][0], known[i][1]);
		if (ev)
			sink += read_fields(ev, raw) + (size_t)ev->id;
	}
	sink += pw_tpfmts_count(set);
	pw_tpfmts_free(set);
	return sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile size_t sink = 0;

	if (size && data[0] == 'T') {
		// the text NUL-terminated, as the perf.data parser hands it
		char *t = malloc(size);
		if (!t)
			return 0;
		memcpy(t, data + 1, size - 1);
		t[size - 1] = '\0';
		const char *sys = "sched", *text = t;
		size_t len = size - 1;
		sink += one_set(&sys, &text, &len, 1, 8);
		free(t);
		return 0;
	}
	struct pw_perfdata pd;
	char msg[256];
	int err = pw_perfdata_parse(&pd, data, size);

	if (!err && pd.nr_formats) {
		const char **sys = calloc(pd.nr_formats, sizeof(*sys));
		const char **text = calloc(pd.nr_formats, sizeof(*text));
		size_t *len = calloc(pd.nr_formats, sizeof(*len));
		for (size_t i = 0; sys && text && len && i < pd.nr_formats; i++) {
			sys[i] = pd.formats[i].system;
			text[i] = pd.formats[i].text;
			len[i] = pd.formats[i].len;
		}
		if (sys && text && len)
			sink += one_set(sys, text, len, pd.nr_formats, pd.tracing_long_size);
		free(sys);
		free(text);
		free(len);
	}
	pw_perfdata_describe(&pd, err, msg, sizeof(msg));
	sink += strlen(msg);
	pw_perfdata_release(&pd);
	(void)sink;
	return 0;
}
