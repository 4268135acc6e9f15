// SPDX-License-Identifier: Apache-2.0
// cli.c: perfwhiz-dash's options, their parsing and the --help text (cli.h).
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "pw_msg.h"

#define PROG PW_DASH_PROG

static const char usage_text[] =
	"usage: " PROG " [options] FILE.cdict [FILE2.cdict ...]\n"
	"\n"
	"Reduce perfwhiz captures (.cdict, or files of the original perfwhiz) to\n"
	"per-task scheduler and KVM figures: JSON, CSV, task lists, dashboards.\n"
	"The .cdict suffix may be omitted.\n"
	"\n"
	"  -t, --task REGEX       select tasks: POSIX extended regex matched at the\n"
	"                         start of the name; a number selects a tid; a\n"
	"                         leading '*' is read as '.*'\n"
	"  -f, --from MSEC        start the analysis MSEC after the first event\n"
	"  -c, --cap MSEC         analyse MSEC from the start (default: all; with\n"
	"                         several files, the shortest capture)\n"
	"      --label TEXT       label for the title and output names\n"
	"      --map CSV          name tasks from a mapping CSV\n"
	"                         (tid,libvirt-name,type,uuid,group-type,group-id,name)\n"
	"      --output-dir DIR   write dashboards into DIR\n"
	"      --merge-sys-tasks  fold per-CPU kernel threads (swapper/0 -> swapper)\n"
	"      --append-tid       name tasks name:tid\n"
	"      --list             list every task with tid, name and event count\n"
	"      --successors-of TASK\n"
	"                         which tasks ran next after TASK (tid or name)\n"
	"                         switched out, with counts and percentages\n"
	"      --json             write the analysis as JSON on stdout\n"
	"      --csv DIR          write the analysis as CSV tables into DIR\n"
	"      --charts           write NAME-charts.html, the basic dashboard (the\n"
	"                         default when no other output is asked for)\n"
	"      --heatmaps         write NAME-heatmaps.html, the detailed dashboard\n"
	"                         (with --charts: both, from one reading)\n"
	"      --headless         do not open the dashboard in a browser\n"
	"  -q, --quiet            no progress and no summary on stderr\n"
	"  -v, --verbose          the data-quality figures of every run on stderr\n"
	"      --version          print the version and exit\n"
	"  -h, --help             print this help and exit\n"
	"\n"
	"Exit status: 0 success, 1 input or runtime error, 2 usage error.\n";

// the long options without a short one
enum {
	OPT_LABEL = 256, OPT_MAP, OPT_OUTDIR, OPT_MERGE, OPT_APPEND, OPT_LIST,
	OPT_SUCC, OPT_HEADLESS, OPT_CHARTS, OPT_HEATMAPS, OPT_JSON, OPT_CSV, OPT_VERSION,
};

// a table, its rows alike on purpose (t8000 holds it to --help and the man page)
static const struct option long_opts[] = {
	{ "task", required_argument, NULL, 't' },
	{ "from", required_argument, NULL, 'f' },
	{ "cap", required_argument, NULL, 'c' },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "output-dir", required_argument, NULL, OPT_OUTDIR },
	{ "merge-sys-tasks", no_argument, NULL, OPT_MERGE },
	{ "append-tid", no_argument, NULL, OPT_APPEND },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "successors-of", required_argument, NULL, OPT_SUCC },
	{ "headless", no_argument, NULL, OPT_HEADLESS },
	{ "charts", no_argument, NULL, OPT_CHARTS },
	{ "heatmaps", no_argument, NULL, OPT_HEATMAPS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

// MSEC: a non-negative decimal number of milliseconds.
static uint64_t parse_msec(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);

	if (!*s || *end || errno || !(v >= 0) || v > 1e12 || !isfinite(v))
		pw_die(PROG, 2, "bad %s value '%s': want a number of milliseconds", opt, s);
	return (uint64_t)llround(v * 1e6);
}

// One option o (getopt_long's answer) into c; argv for the messages.
static void take_option(struct pw_cli *c, int o, char **argv)
{
	switch (o) {
	case 't': c->task = optarg; break;
	case 'f': c->from_ns = parse_msec("--from", optarg); break;
	case 'c':
		c->cap_ns = parse_msec("--cap", optarg);
		if (!c->cap_ns)
			pw_die(PROG, 2, "bad --cap value '%s': want more than 0 ms", optarg);
		break;
	case OPT_LABEL: c->label = optarg; break;
	case OPT_MAP: c->map = optarg; break;
	case OPT_OUTDIR: c->outdir = optarg; break;
	case OPT_MERGE: c->merge = 1; break;
	case OPT_APPEND: c->append = 1; break;
	case OPT_LIST: c->list = 1; break;
	case OPT_SUCC: c->succ = optarg; break;
	case OPT_HEADLESS: c->headless = 1; break;
	case OPT_CHARTS: c->charts = 1; break;
	case OPT_HEATMAPS: c->heatmaps = 1; break;
	case OPT_JSON: c->json = 1; break;
	case OPT_CSV: c->csv = optarg; break;
	case 'q': c->quiet = 1; break;
	case 'v': c->verbose = 1; break;
	case OPT_VERSION:
		printf(PROG " %s\n", PW_VERSION);
		exit(0);
	case 'h':
		fputs(usage_text, stdout);
		exit(0);
	case ':':
		pw_die(PROG, 2, "option '%s' needs a value (see --help)", argv[optind - 1]);
	default:
		if (optopt)
			pw_die(PROG, 2, "unknown option '-%c' (see --help)", optopt);
		pw_die(PROG, 2, "unknown option '%s' (see --help)", argv[optind - 1]);
	}
}

void pw_cli_parse(struct pw_cli *c, int argc, char **argv)
{
	int o;

	opterr = 0;
	while ((o = getopt_long(argc, argv, ":t:f:c:qvh", long_opts, NULL)) != -1)
		take_option(c, o, argv);
	if (optind >= argc)
		pw_die(PROG, 2, "no input file (see --help)");
	c->files = argv + optind;
	c->nr_files = (size_t)(argc - optind);
	if (c->list && c->succ)
		pw_die(PROG, 2, "--list and --successors-of cannot be used together");
	if ((c->list || c->succ) && (c->charts || c->heatmaps))
		pw_die(PROG, 2, "%s writes no dashboard: drop --charts and --heatmaps",
		       c->list ? "--list" : "--successors-of");
	// the basic page when no output at all is asked for
	if (!c->heatmaps && !c->json && !c->csv && !c->list && !c->succ)
		c->charts = 1;
}
