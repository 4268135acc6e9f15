// SPDX-License-Identifier: Apache-2.0
// cli.h: perfwhiz-dash's command line: its options, their parsing and the --help text.
//
// The options follow the original perfmap.py where they overlap; the man
// page docs/man/perfwhiz-dash.1 lists the same ones as --help (t8000 holds
// them to each other). Parsing is part of the program, not a library: it
// exits by itself, 0 after --help or --version, 2 with one line on stderr
// on a usage error.
//
// Usage:
//	char *argv[] = { "perfwhiz-dash", "--json", "run.cdict", NULL };
//	struct pw_cli c = PW_CLI_INIT;
//	pw_cli_parse(&c, 3, argv);
//	use(c.files[0], c.json, c.charts);	// "run.cdict", 1, 0
#ifndef PW_CLI_H
#define PW_CLI_H

#include <stddef.h>
#include <stdint.h>

// The name every line perfwhiz-dash writes on stderr starts with (pw_msg.h).
#define PW_DASH_PROG "perfwhiz-dash"

struct pw_cli {
	const char *task;	// -t REGEX, or NULL: every task
	const char *label;	// --label, or NULL
	const char *map;	// --map CSV, or NULL
	const char *outdir;	// --output-dir, or NULL: beside the first file
	const char *succ;	// --successors-of TASK, or NULL
	const char *csv;	// --csv DIR, or NULL
	uint64_t from_ns;	// --from; 0: from the first event
	uint64_t cap_ns;	// --cap; 0: to the end (several files: the shortest)
	int merge, append;	// --merge-sys-tasks, --append-tid
	int list, json;		// --list, --json
	int charts;		// --charts, or set because no output was asked for
	int heatmaps;		// --heatmaps
	int headless, quiet, verbose;
	char **files;		// the input names (argv's; at least one)
	size_t nr_files;
};

// nothing asked for yet: every task, from the first event to the last
#define PW_CLI_INIT { .task = NULL, .from_ns = 0, .cap_ns = 0 }

// pw_cli_parse: fill c from argv (getopt_long: argv may be permuted; c
// borrows its strings). Exits instead of returning on --help, --version
// and on a usage error: an unknown option, a missing or bad value, no input
// file, or outputs that do not go together (--list with --successors-of;
// either of them with a page).
void pw_cli_parse(struct pw_cli *c, int argc, char **argv);

#endif
