// SPDX-License-Identifier: Apache-2.0
// html-from-json.c: test helper: writes a dashboard page from a --json document file.
//
//	html-from-json [--title TEXT] IN.json OUT.html
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "pw_error.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			char *q = realloc(p, cap);
			if (!q) {
				free(p);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			p = q;
		}
		size_t k = fread(p + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	if (ferror(f)) {
		free(p);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return p;
}

int main(int argc, char **argv)
{
	struct pw_html_opts o = PW_HTML_OPTS_INIT;
	int i = 1;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--title"))
			o.title = argv[i + 1];
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: html-from-json [--title TEXT] IN.json OUT.html\n");
		return 2;
	}
	size_t len = 0;
	char *json = slurp(argv[i], &len);
	if (!json) {
		fprintf(stderr, "html-from-json: cannot read '%s': %s\n", argv[i],
			strerror(errno));
		return 1;
	}
	int err = pw_html_write_charts(argv[i + 1], json, len, &o);
	free(json);
	if (err) {
		fprintf(stderr, "html-from-json: cannot write '%s': %s%s%s\n",
			argv[i + 1], pw_strerror(err), err == PW_EIO ? ": " : "",
			err == PW_EIO ? strerror(errno) : "");
		return 1;
	}
	return 0;
}
