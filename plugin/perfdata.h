// SPDX-License-Identifier: GPL-2.0-only
// perfdata.h: a bounds-checked parser of a perf.data file's header, attrs and
// feature sections (tracing data, host strings, topology, event names).
//
// Invariants:
// - The parser reads only the PERFILE2 header, the attr array with its id
//   arrays, and the feature sections; never the data section, so a
//   multi-gigabyte perf.data costs only what its header holds.
// - Every size read from the input is checked against what remains of its
//   section and of the buffer before use, and every allocation sized by the
//   input is capped (PW_PD_MAX_*). A section that runs past the end of the
//   buffer is PW_ETRUNC; anything else inconsistent is PW_ECORRUPT, with the
//   file offset and the parser's source line recorded (pw_perfdata_describe).
// - Everything the result holds is copied: the buffer may be freed or
//   unmapped once pw_perfdata_parse() returns.
// - Only little-endian files (PERFILE2 as written by an x86 or arm64 host) are
//   understood; a byte-swapped file is refused with PW_EINVAL.
//
// Usage:
//	struct pw_perfdata pd;
//	int err = pw_perfdata_load(&pd, "perf.data");   // or pw_perfdata_parse()
//	if (err) { char msg[256]; pw_perfdata_describe(&pd, err, msg, sizeof(msg)); }
//	for (size_t i = 0; i < pd.nr_formats; i++) use(pd.formats[i].system, pd.formats[i].text);
//	pw_perfdata_release(&pd);
#ifndef PW_PERFDATA_H
#define PW_PERFDATA_H

#include <stddef.h>
#include <stdint.h>

#define PW_PD_MAX_ATTRS 4096		// attrs in one file
#define PW_PD_MAX_IDS (1u << 20)	// ids of one attr
#define PW_PD_MAX_FORMATS 65536		// tracepoint formats in the tracing data
#define PW_PD_MAX_STRINGS 65536		// strings in one list (cmdline, topology)
#define PW_PD_MAX_CPUS 65536		// cpus in the topology

// perf's feature bits (tools/perf/util/header.h), those this parser reads;
// perf's own numbers, one a line (alike on purpose).
enum {
	PW_PD_FEAT_TRACING_DATA = 1,
	PW_PD_FEAT_HOSTNAME = 3,
	PW_PD_FEAT_OSRELEASE = 4,
	PW_PD_FEAT_VERSION = 5,
	PW_PD_FEAT_ARCH = 6,
	PW_PD_FEAT_NRCPUS = 7,
	PW_PD_FEAT_CPUDESC = 8,
	PW_PD_FEAT_CPUID = 9,
	PW_PD_FEAT_CMDLINE = 11,
	PW_PD_FEAT_EVENT_DESC = 12,
	PW_PD_FEAT_CPU_TOPOLOGY = 13,
	PW_PD_FEAT_BITS = 256,
};

// One attr of the file: its type and config (for a tracepoint, type 2 and
// config = the tracepoint id), its sample ids, and its name from EVENT_DESC
// ("sched:sched_switch") or NULL.
struct pw_pd_attr {
	uint32_t type;
	uint64_t config;
	uint64_t sample_type;
	uint64_t *ids;
	size_t nr_ids;
	char *name;
};

// One tracepoint format text of the tracing data ("name: sched_switch\nID:
// 372\nformat:..."), with the system it was filed under ("sched"). `text` is
// NUL-terminated; `len` excludes the NUL.
struct pw_pd_format {
	char *system;
	char *text;
	size_t len;
};

struct pw_perfdata {
	uint64_t file_size;
	uint64_t attr_size;
	uint64_t data_offset, data_size;
	uint8_t features[PW_PD_FEAT_BITS / 8];	// bitmap of feature sections

	struct pw_pd_attr *attrs;
	size_t nr_attrs;

	char *hostname, *osrelease, *version, *arch, *cpudesc, *cpuid;
	char *cmdline;			// argv joined with spaces
	uint32_t nr_cpus_avail, nr_cpus_online;

	char **core_siblings;
	size_t nr_core_siblings;
	char **thread_siblings;
	size_t nr_thread_siblings;
	int32_t *core_id, *socket_id;	// per cpu, nr_topo_cpus entries
	size_t nr_topo_cpus;

	int has_tracing_data;
	char *tracing_version;		// "0.6"
	uint8_t tracing_bigendian;
	uint8_t tracing_long_size;
	uint32_t tracing_page_size;
	struct pw_pd_format *formats;	// ftrace's own formats are skipped
	size_t nr_formats;

	// where the last PW_ECORRUPT/PW_ETRUNC was found
	uint64_t err_offset;
	int err_line;
	const char *err_what;
};

// pw_perfdata_parse: parse a whole perf.data image `buf` of `len` bytes
// (borrowed) into *pd, which is zeroed first. Returns 0, or PW_EMAGIC (not
// PERFILE2), PW_EINVAL (byte-swapped file), PW_ETRUNC, PW_ECORRUPT,
// PW_ETOOBIG (a count above its cap) or PW_ENOMEM. On error *pd holds what
// was parsed up to the failure and must be released.
int pw_perfdata_parse(struct pw_perfdata *pd, const void *buf, size_t len);

// pw_perfdata_load: map the file `path` read-only and parse it. Returns the
// codes of pw_perfdata_parse(), PW_EIO (errno says why) or PW_EEMPTY.
int pw_perfdata_load(struct pw_perfdata *pd, const char *path);

// pw_perfdata_has_feature: 1 if the feature bit is set.
int pw_perfdata_has_feature(const struct pw_perfdata *pd, unsigned bit);

// pw_perfdata_describe: one line about error `err` ("corrupt input at offset
// 0x1a4: tracing data: format size exceeds section", "not a perf.data file
// (no PERFILE2 magic at offset 0)"). Returns buf.
char *pw_perfdata_describe(const struct pw_perfdata *pd, int err, char *buf,
			   size_t size);

// pw_perfdata_release: free everything *pd holds and zero it; NULL is fine.
void pw_perfdata_release(struct pw_perfdata *pd);

#endif
