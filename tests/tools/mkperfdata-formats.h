// SPDX-License-Identifier: Apache-2.0
// mkperfdata-formats.h: the tracepoint format texts mkperfdata embeds, generated at build time from tests/fixtures/formats.
#ifndef MKPERFDATA_FORMATS_H
#define MKPERFDATA_FORMATS_H

// One fixture file: its name in tests/fixtures/formats (e.g. "sched_switch",
// "kvm_exit-old", "header_page") and its bytes (NUL-terminated, len excludes
// the NUL). The table ends with an entry whose name is NULL.
struct pw_mkpd_format {
	const char *name;
	const unsigned char *text;
	unsigned int len;
};

extern const struct pw_mkpd_format pw_mkpd_formats[];

#endif
