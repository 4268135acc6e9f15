// SPDX-License-Identifier: Apache-2.0
// cdict-entropy.c: build/bench/cdict-entropy FILE.cdict: how many bytes the
// event times of a capture need at the least, for `make bench`.
//
// Prints "events E switches S dt_bits B dt_bytes_per_switch D": B is the
// zero-order empirical entropy of the time deltas between consecutive events
// (in bits per event, over the whole file: what any coder that treats the
// deltas as independent needs at the least), D = E * B / 8 / S. The .cdict
// stores exactly these deltas, so D is the part of "bytes per sched_switch"
// that no encoding of the other columns can remove.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cdict.h"

struct slot {
	uint64_t key;	// delta + 1, 0 = empty
	uint64_t count;
};

static struct slot *tab;
static size_t nslots, used;

static void count(uint64_t key)
{
	if ((used + 1) * 2 > nslots) {
		size_t n = nslots ? nslots * 2 : 1 << 16;
		struct slot *t = calloc(n, sizeof(*t));

		if (!t) {
			fputs("cdict-entropy: out of memory\n", stderr);
			exit(1);
		}
		for (size_t i = 0; i < nslots; i++) {
			if (!tab[i].key)
				continue;
			size_t j = (tab[i].key * 0x9e3779b97f4a7c15ull) >> 20 & (n - 1);

			while (t[j].key)
				j = (j + 1) & (n - 1);
			t[j] = tab[i];
		}
		free(tab);
		tab = t;
		nslots = n;
	}
	size_t j = (key * 0x9e3779b97f4a7c15ull) >> 20 & (nslots - 1);

	while (tab[j].key && tab[j].key != key)
		j = (j + 1) & (nslots - 1);
	if (!tab[j].key) {
		tab[j].key = key;
		used++;
	}
	tab[j].count++;
}

int main(int argc, char **argv)
{
	struct pw_reader *r;
	const struct pw_event *v;
	uint64_t events = 0, switches = 0, last = 0;
	char msg[512];
	size_t n;
	int err;

	if (argc != 2) {
		fputs("usage: cdict-entropy FILE.cdict\n", stderr);
		return 2;
	}
	if ((err = pw_reader_open(&r, argv[1]))) {
		fprintf(stderr, "cdict-entropy: %s\n", pw_reader_describe(r, err, msg, sizeof(msg)));
		pw_reader_free(r);
		return 1;
	}
	while ((err = pw_reader_next_batch(r, &v, &n)) > 0)
		for (size_t i = 0; i < n; i++) {
			if (events++)
				count(v[i].time - last + 1);
			last = v[i].time;
			switches += v[i].kind == PW_EV_SWITCH;
		}
	if (err < 0) {
		fprintf(stderr, "cdict-entropy: %s\n", pw_reader_describe(r, err, msg, sizeof(msg)));
		pw_reader_free(r);
		return 1;
	}
	double h = 0, total = (double)(events > 1 ? events - 1 : 1);

	for (size_t i = 0; i < nslots; i++)
		if (tab[i].key) {
			double p = (double)tab[i].count / total;

			h -= p * log2(p);
		}
	printf("events %llu switches %llu dt_bits %.2f dt_bytes_per_switch %.3f\n",
	       (unsigned long long)events, (unsigned long long)switches, h,
	       switches ? (double)events * h / 8 / (double)switches : 0.0);
	free(tab);
	pw_reader_free(r);
	return 0;
}
