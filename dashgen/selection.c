// SPDX-License-Identifier: Apache-2.0
// selection.c: the short names of runs and the selection of tasks (-t) (selection.h).
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "pw_error.h"
#include "selection.h"

/* ---- names of runs ----------------------------------------------------- */

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

int pw_an_short_names(struct pw_an_run **runs, size_t n)
{
	char **full = calloc(n ? n : 1, sizeof(*full));
	int e = 0;

	if (!full)
		return PW_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *f = runs[i]->file;
		size_t len = strlen(f);
		if (len > 6 && !strcmp(f + len - 6, ".cdict"))
			len -= 6;
		if (n == 1) {		// one run: its base name
			const char *b = memrchr(f, '/', len);
			b = b ? b + 1 : f;
			len -= (size_t)(b - f);
			f = b;
		}
		if (!(full[i] = strndup(f, len))) {
			e = PW_ENOMEM;
			goto out;
		}
	}
	// common head and tail, never cutting through a digit (perfmap.py)
	size_t head = n ? strlen(full[0]) : 0, tail = head;
	for (size_t i = 1; i < n; i++) {
		size_t len = strlen(full[i]), l0 = strlen(full[0]);
		size_t max = len < head ? len : head, k;
		for (k = 0; k < max; k++)
			if (full[i][k] != full[0][k] || isdig(full[i][k]))
				break;
		if (k < max)
			head = k;
		max = len < tail ? len : tail;
		for (k = 0; k < max; k++) {
			char c = full[i][len - 1 - k];
			if (c != full[0][l0 - 1 - k] || isdig(c))
				break;
		}
		if (k < max)
			tail = k;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(full[i]);
		char *s;
		if (n > 1 && head + tail < len)
			s = strndup(full[i] + head, len - head - tail);
		else
			s = strdup(full[i]);
		if (!s) {
			e = PW_ENOMEM;
			goto out;
		}
		free(runs[i]->name);
		runs[i]->name = s;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(full[i]);
	free(full);
	return e;
}

/* ---- selection (-t) --------------------------------------------------- */

struct pw_an_select {
	int by_tid;
	int32_t tid;
	regex_t re;
};

int pw_an_select_new(struct pw_an_select **out, const char *spec, char *err,
		     size_t errsize)
{
	struct pw_an_select *s = calloc(1, sizeof(*s));
	const char *q = spec;

	*out = NULL;
	if (!s)
		return PW_ENOMEM;
	while (isdig(*q))
		q++;
	if (*spec && !*q && q - spec < 11) {
		long long v = strtoll(spec, NULL, 10);
		if (v <= INT32_MAX) {
			s->by_tid = 1;
			s->tid = (int32_t)v;
			*out = s;
			return 0;
		}
	}
	char *pat = malloc(strlen(spec) + 2);
	if (!pat) {
		free(s);
		return PW_ENOMEM;
	}
	// "*vcpu0" was a common mistake for ".*vcpu0": read it so (perfmap.py)
	sprintf(pat, "%s%s", spec[0] == '*' ? "." : "", spec);
	int rc = regcomp(&s->re, pat, REG_EXTENDED);
	free(pat);
	if (rc) {
		if (errsize)
			regerror(rc, &s->re, err, errsize);
		free(s);
		return PW_EINVAL;
	}
	*out = s;
	return 0;
}

int pw_an_select_match(const struct pw_an_select *s, const struct pw_an_task *t)
{
	regmatch_t m;

	if (s->by_tid)
		return t->tid == s->tid;
	// POSIX leftmost matching: a match at 0 exists iff the first one is
	// there. A name is at most PW_NAME_MAX bytes from the file or
	// PW_MAP_LINE_MAX from --map, and a few more for ":tid": what a regex
	// is matched against is bounded whatever the input.
	return !regexec(&s->re, t->name, 1, &m, 0) && m.rm_so == 0;
}

void pw_an_select_free(struct pw_an_select *s)
{
	if (!s)
		return;
	if (!s->by_tid)
		regfree(&s->re);
	free(s);
}

size_t pw_an_select(struct pw_an_run *run, const struct pw_an_select *s)
{
	size_t n = 0;

	for (size_t i = 0; i < run->nr_tasks; i++) {
		run->tasks[i]->selected = !s || pw_an_select_match(s, run->tasks[i]);
		n += run->tasks[i]->selected ? 1 : 0;
	}
	return n;
}

struct pw_an_task *pw_an_find(const struct pw_an_run *run, const char *name)
{
	for (size_t i = 0; i < run->nr_tasks; i++)
		if (!strcmp(run->tasks[i]->name, name))
			return run->tasks[i];
	return NULL;
}
