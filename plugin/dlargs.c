// SPDX-License-Identifier: GPL-2.0-only
// dlargs.c: the plugin's dlargs, and perf's command line as the plugin reads
// it (dlargs.h).
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dlargs.h"
#include "procfs.h"
#include "pw_msg.h"
#include "pw_outpath.h"

static const char usage[] =
	"perfwhiz.so dlargs (each as --dlarg ARG):\n"
	"  out=FILE        the .cdict to write (default: the input's name with .cdict,\n"
	"                  perf.cdict in pipe mode)\n"
	"  input=FILE      the perf.data to take event formats and metadata from\n"
	"                  (default: perf's -i, else ./perf.data)\n"
	"  map=CSV         name tasks: tid,libvirt-name,type,uuid,group-type,group-id,task-name\n"
	"                  gives task-name.GG.type\n"
	"  tasks=REGEX     keep only tasks whose name matches (and switches involving them)\n"
	"  autoname        name QEMU vCPU and emulator threads of live VMs from /proc\n"
	"  keep            let perf print the samples too (return 0)\n"
	"  quiet           no summary on stderr\n"
	"  help            this text\n";

int pw_dlargs_parse(struct state *st, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		char **dst = NULL;
		if (!strncmp(a, "out=", 4))
			dst = &st->out_path;
		else if (!strncmp(a, "input=", 6))
			dst = &st->input;
		else if (!strncmp(a, "map=", 4))
			dst = &st->map_path;
		else if (!strncmp(a, "tasks=", 6))
			dst = &st->tasks_re;
		else if (!strcmp(a, "autoname"))
			st->autoname = 1;
		else if (!strcmp(a, "keep"))
			st->keep = 1;
		else if (!strcmp(a, "quiet"))
			st->quiet = 1;
		else if (!strcmp(a, "help")) {
			fputs(usage, stderr);
			return 1;
		} else {
			pw_msg(PW_PROG, "unknown dlarg '%s': valid ones are out=FILE, "
			       "input=FILE, map=CSV, tasks=REGEX, autoname, keep, "
			       "quiet, help", a);
			return PW_EINVAL;
		}
		if (dst) {
			const char *v = strchr(a, '=') + 1;
			if (!*v) {
				pw_msg(PW_PROG, "empty value in dlarg '%s'", a);
				return PW_EINVAL;
			}
			// which one was meant cannot be told: neither is taken
			if (*dst) {
				pw_msg(PW_PROG, "dlarg '%.*s' given twice ('%s', then '%s'): "
				       "give it once", (int)(v - a), a, *dst, v);
				return PW_EINVAL;
			}
			*dst = strdup(v);
			if (!*dst)
				return PW_ENOMEM;
		}
	}
	return 0;
}

/* ---- perf's command line ------------------------------------------------ */

// perf's own -i/--input, from our process's command line (perf's,
// NUL-separated); NULL if absent.
static char *input_from_cmdline(void)
{
	char buf[65536];
	long r = pw_read_small("/proc/self/cmdline", buf, sizeof(buf));
	size_t n = r < 0 ? 0 : (size_t)r;
	char *found = NULL;

	for (size_t i = 0; i < n;) {
		const char *a = buf + i;
		size_t l = strlen(a);
		const char *next = i + l + 1 < n ? a + l + 1 : NULL;
		if (!strcmp(a, "--"))
			break;
		if ((!strcmp(a, "-i") || !strcmp(a, "--input")) && next) {
			free(found);
			found = strdup(next);
		} else if (!strncmp(a, "--input=", 8)) {
			free(found);
			found = strdup(a + 8);
		} else if (!strncmp(a, "-i", 2) && a[2]) {
			free(found);
			found = strdup(a + 2);
		}
		i += l + 1;
	}
	return found;
}

// Is argument a (of perf script's) one that filters nothing? *i is past a;
// an option whose value follows in the next argument moves it past that.
static int harmless_option(const char *a, const char *buf, size_t n, size_t *i)
{
	static const char *const with_value[] = { "-i", "--input", "--dlfilter",
						   "--dlarg" };
	static const char *const flags[] = { "-f", "--force", "-v", "--verbose" };

	for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
		if (!strcmp(a, flags[k]))
			return 1;
	for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++) {
		size_t kl = strlen(with_value[k]);

		if (!strcmp(a, with_value[k])) {	// the value follows
			int ok = *i < n;
			*i += strlen(buf + *i) + 1;
			return ok;
		}
		if (!strncmp(a, with_value[k], kl) &&
		    (a[kl] == '=' || (kl == 2 && a[kl])))
			return 1;	// --input=X, --dlarg=X, -iX
	}
	return 0;
}

// perf calls filter_event_early() before it resolves the sample's thread,
// map and symbol (machine__resolve), which is much of perf's time on real
// captures and of no use to us (docs/decisions.md, "Samples taken in
// filter_event_early"), but also before its own sample filters (--cpu,
// --time, --comms, --pid, --tid, --symbols, --debug-mode, ...). So only
// when perf's command line holds nothing but options that filter nothing;
// anything else, known or not, and the samples are taken in
// filter_event(), after perf's filters.
int pw_dlargs_early_is_safe(void)
{
	char buf[65536];
	long r = pw_read_small("/proc/self/cmdline", buf, sizeof(buf));
	size_t n, i = 0;
	int arg = 0, safe = 1;

	if (r < 0 || (size_t)r == sizeof(buf) - 1)
		return 0;	// unreadable, or too long to be sure
	n = (size_t)r;
	for (; i < n && safe; arg++) {
		const char *a = buf + i, *base = strrchr(a, '/');

		i += strlen(a) + 1;
		if (arg == 0)		// perf itself
			safe = !strcmp(base ? base + 1 : a, "perf");
		else if (arg == 1)
			safe = !strcmp(a, "script");
		else
			safe = harmless_option(a, buf, n, &i);
	}
	return safe && arg >= 2;
}

/* ---- what the options name ---------------------------------------------- */

// The output's default name: the input's with .cdict for .data, perf.cdict
// in pipe mode. NULL when out of memory.
static char *default_out(const char *input, int pipe_mode)
{
	const char *ext = ".cdict";
	size_t n;
	char *out;

	if (pipe_mode)
		return strdup("perf.cdict");
	n = strlen(input);
	if (n > 5 && !strcmp(input + n - 5, ".data"))
		n -= 5;
	out = malloc(n + strlen(ext) + 1);
	if (out) {
		memcpy(out, input, n);
		strcpy(out + n, ext);
	}
	return out;
}

// What perf reads: its -i, else stdin when it is a pipe, else perf.data
// (perf's own choice). Caller frees; NULL when out of memory.
static char *perf_input(void)
{
	char *in = input_from_cmdline();
	struct stat sb;

	if (!in)
		in = strdup(fstat(0, &sb) == 0 && S_ISFIFO(sb.st_mode) ? "-" : "perf.data");
	return in;
}

// The output against its kind (pw_outpath.h) and against every file the
// conversion reads: the perf.data perf reads (its -i, else stdin when a
// pipe, else perf.data), input= and map=. Said on stderr; PW_EINVAL.
static int check_output(const struct state *st)
{
	const char *why = pw_outpath_refusal(st->out_path);
	const char *out = st->out_path;
	char *perf_in;
	int err = 0;

	if (why) {
		pw_msg(PW_PROG, "cannot write '%s': it is %s (an output is a regular "
		       "file, a character device or a FIFO)", out, why);
		return PW_EINVAL;
	}
	if (!(perf_in = perf_input()))
		return PW_ENOMEM;
	const char *const ins[] = { perf_in, st->input };
	for (size_t i = 0; i < 2 && !err; i++) {
		int is_stdin = !strcmp(ins[i], "-");
		if (is_stdin ? pw_outpath_same_fd(out, 0) : pw_outpath_same(out, ins[i])) {
			pw_msg(PW_PROG, "output '%s' is the input '%s'%s: refusing to "
			       "overwrite it", out, ins[i], is_stdin ? " (standard input)" : "");
			err = PW_EINVAL;
		}
	}
	if (!err && st->map_path && pw_outpath_same(out, st->map_path)) {
		pw_msg(PW_PROG, "output '%s' is the map '%s': refusing to overwrite it",
		       out, st->map_path);
		err = PW_EINVAL;
	}
	free(perf_in);
	return err;
}

int pw_dlargs_apply(struct state *st)
{
	int err;

	// the input: input=, else what perf reads
	if (!st->input)
		st->input = perf_input();
	if (!st->input)
		return PW_ENOMEM;
	st->pipe_mode = !strcmp(st->input, "-");
	if (!st->out_path)
		st->out_path = default_out(st->input, st->pipe_mode);
	if (!st->out_path)
		return PW_ENOMEM;
	// before anything is read or created
	if ((err = check_output(st)))
		return err;

	if (st->map_path) {
		size_t line;
		err = pw_map_load(&st->map, st->map_path, &line);
		if (err) {
			char e[PATH_MAX + 128];
			pw_msg(PW_PROG, "%s", pw_map_describe(err, st->map_path, line,
							      errno, e, sizeof(e)));
			return err;
		}
	}
	if (st->tasks_re) {
		int rc = regcomp(&st->re, st->tasks_re, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char e[128];
			regerror(rc, &st->re, e, sizeof(e));
			pw_msg(PW_PROG, "bad tasks= regex '%s': %s", st->tasks_re, e);
			return PW_EINVAL;
		}
		st->have_re = 1;
	}
	if (st->autoname)
		pw_autoname_scan(&st->auto_names);
	return 0;
}
