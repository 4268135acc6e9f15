// SPDX-License-Identifier: Apache-2.0
// replay.c: runs a fuzz target over every file of its corpus without
// libFuzzer (SQLite's fuzzcheck model): built with ASan and UBSan in the
// normal test run, where only a crash, a sanitizer report or a leak fails.
//
//   replay-NAME [DIR...]   default: $SRCDIR/tests/fuzz/corpus/NAME
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pw_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_dir(const char *dir, unsigned *nfiles)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		pw_msg("replay", "cannot open corpus '%s'", dir);
		return 1;
	}
	while ((e = readdir(d))) {
		char path[4096];
		FILE *f;
		uint8_t *buf;
		long n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		buf = malloc(n > 0 ? (size_t)n : 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
			LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
		fclose(f);
		(*nfiles)++;
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '-');
	unsigned nfiles = 0;
	int bad = 0;

	name = name ? name + 1 : argv[0];
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			bad |= replay_dir(argv[i], &nfiles);
	} else {
		const char *src = getenv("SRCDIR");
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src ? src : ".", name);
		bad |= replay_dir(dir, &nfiles);
	}
	// reaching here means no crash; sanitizers abort on their own
	printf("%s %d - fuzz corpus %s replayed (%u files)\n", bad || !nfiles ? "not ok" : "ok",
	       1, name, nfiles);
	return bad || !nfiles;
}
