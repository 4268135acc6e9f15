// SPDX-License-Identifier: Apache-2.0
// export.h: --json and --csv output of analysed runs, and the escapers for untrusted trace strings.
//
// The JSON schema is docs/json-schema.md. Output is deterministic: the same
// runs give the same bytes (tasks in analysis order, keys in a fixed order).
// Every string from a trace is untrusted: the JSON escaper writes control
// characters, '<', '>', '&', U+2028 and U+2029 as \uXXXX (safe inside an HTML
// <script>), and replaces each byte of invalid UTF-8 with U+FFFD; the CSV
// writer quotes as RFC 4180 says, makes the same UTF-8 repair, and puts a
// ' before a text a spreadsheet would read as a formula (=, +, -, @, TAB,
// CR first: OWASP's guidance on CSV injection).
#ifndef PW_EXPORT_H
#define PW_EXPORT_H

#include <stdio.h>

#include "analysis.h"

struct pw_export_info {
	const char *label;		// --label, or NULL
	const char *task_spec;		// -t as given, or NULL
	int merge_sys_tasks, append_tid;
	uint64_t from_ns, cap_ns;	// as asked
};

// pw_json_string: write s as a JSON string literal (quotes included).
void pw_json_string(FILE *f, const char *s);

// pw_utf8_repair: a copy of s with each invalid UTF-8 byte replaced by
// U+FFFD; caller frees. NULL on allocation failure.
char *pw_utf8_repair(const char *s);

// pw_export_json: the whole document for runs[0..n) (only selected tasks).
// Returns 0 or PW_EIO when writing failed.
int pw_export_json(FILE *f, struct pw_an_run **runs, size_t n,
		   const struct pw_export_info *info);

// The tables --csv writes, and their names (NULL past the last).
#define PW_CSV_TABLES 7
const char *pw_export_csv_table(size_t i);

// pw_export_csv: runs.csv, tasks.csv, task_cpus.csv, cpus.csv, kvm.csv,
// events.csv and quality.csv into dir (which must exist), each written to a
// temporary file (O_EXCL) in dir and renamed into place only when every
// table was written: on failure nothing appears (outfile.h; a table that is
// a device or a FIFO is written straight through). Returns 0 or PW_EIO with
// err set ("cannot write 'dir/tasks.csv': No space left on device").
int pw_export_csv(const char *dir, struct pw_an_run **runs, size_t n,
		  const struct pw_export_info *info, char *err, size_t errsize);

#endif
