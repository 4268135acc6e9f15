// SPDX-License-Identifier: Apache-2.0
// evilnames.c: build/pw-evilnames, threads that name themselves with hostile
// 15-byte names (HTML/JS metacharacters, quotes, a comma, a newline, an
// invalid UTF-8 byte) and then sleep and spin, for the injection tests.
//
//	pw-evilnames [-d SECONDS]
//
// Prints one line per thread on stdout, "TID HEX-OF-NAME", before the
// threads start working, then runs for SECONDS (default 0.3).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static const char *const names[] = {
	"<b>\"'&x",		// markup, both quotes, an ampersand
	"ev\nil<i>x",		// a newline
	"bad\xffname",		// an invalid UTF-8 byte
	"</script><svg>",	// closes a script, opens an element
	"a,\"b\",'c'",		// a comma and quotes: CSV
	"plain-one",		// renamed by the test's --map
	"plain-two",
};
#define NR (sizeof(names) / sizeof(names[0]))

static pthread_barrier_t ready, go;
static double seconds = 0.3;
static pid_t tids[NR];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	size_t i = (size_t)arg;
	volatile unsigned long x = 0;

	prctl(PR_SET_NAME, (unsigned long)names[i], 0, 0, 0);
	tids[i] = gettid();
	pthread_barrier_wait(&ready);
	pthread_barrier_wait(&go);
	for (double end = now() + seconds; now() < end;) {
		for (int k = 0; k < 200000; k++)	// run a little
			x += (unsigned long)k;
		usleep(1000);				// and sleep a little
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NR];

	if (argc == 3 && !strcmp(argv[1], "-d"))
		seconds = atof(argv[2]);
	else if (argc != 1) {
		fprintf(stderr, "usage: pw-evilnames [-d SECONDS]\n");
		return 2;
	}
	pthread_barrier_init(&ready, NULL, NR + 1);
	pthread_barrier_init(&go, NULL, NR + 1);
	for (size_t i = 0; i < NR; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i)) {
			fprintf(stderr, "pw-evilnames: cannot create a thread\n");
			return 1;
		}
	pthread_barrier_wait(&ready);
	for (size_t i = 0; i < NR; i++) {
		printf("%d ", (int)tids[i]);
		for (const char *p = names[i]; *p; p++)
			printf("%02x", (unsigned char)*p);
		putchar('\n');
	}
	fflush(stdout);
	pthread_barrier_wait(&go);
	for (size_t i = 0; i < NR; i++)
		pthread_join(th[i], NULL);
	return 0;
}
