// SPDX-License-Identifier: Apache-2.0
// workload.c: pw-workload, named threads of known behaviour for the plugin's
// end-to-end tests (a pinned spinner, a duty-cycle sleeper, a pipe ping-pong
// pair, a thread renamed halfway with prctl).
//
//   pw-workload [-d SECONDS] [-c CPU]
//
// Threads (comm names): pw-spin (busy on CPU, default 0, created pinned there),
// pw-duty (runs ~2 ms then sleeps 8 ms), pw-ping / pw-pong (pass a byte back
// and forth through two pipes), pw-before renamed pw-after halfway (sleeps
// 5 ms in a loop). All stop after SECONDS (default 1). Exit 0, or 2 on bad
// usage.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static double duration = 1.0;
static int spin_cpu;
static int ping_pipe[2], pong_pipe[2];
static volatile int stopping;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(long ns)
{
	struct timespec ts = { ns / 1000000000L, ns % 1000000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void burn_until(double t)
{
	while (now() < t)
		;
}

static void *spin(void *arg)
{
	cpu_set_t set;
	double end = *(double *)arg;

	prctl(PR_SET_NAME, "pw-spin");
	CPU_ZERO(&set);
	CPU_SET(spin_cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	burn_until(end);
	return NULL;
}

static void *duty(void *arg)
{
	double end = *(double *)arg;

	prctl(PR_SET_NAME, "pw-duty");
	while (now() < end) {
		burn_until(now() + 0.002);
		nap(8000000);
	}
	return NULL;
}

static void *ping(void *arg)
{
	double end = *(double *)arg;
	char c = 'x';

	prctl(PR_SET_NAME, "pw-ping");
	while (now() < end) {
		if (write(ping_pipe[1], &c, 1) != 1 || read(pong_pipe[0], &c, 1) != 1)
			break;
		nap(100000);
	}
	stopping = 1;
	close(ping_pipe[1]);	// pong reads EOF and stops
	return NULL;
}

static void *pong(void *arg)
{
	char c;

	(void)arg;
	prctl(PR_SET_NAME, "pw-pong");
	while (read(ping_pipe[0], &c, 1) == 1)
		if (write(pong_pipe[1], &c, 1) != 1)
			break;
	return NULL;
}

static void *rename_half(void *arg)
{
	double end = *(double *)arg, half = end - duration / 2;
	int renamed = 0;

	prctl(PR_SET_NAME, "pw-before");
	while (now() < end) {
		if (!renamed && now() >= half) {
			prctl(PR_SET_NAME, "pw-after");
			renamed = 1;
		}
		burn_until(now() + 0.0005);
		nap(5000000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[5];
	void *(*fn[5])(void *) = { spin, duty, ping, pong, rename_half };
	int opt;
	double end;

	while ((opt = getopt(argc, argv, "d:c:h")) != -1) {
		switch (opt) {
		case 'd':
			duration = atof(optarg);
			break;
		case 'c':
			spin_cpu = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: pw-workload [-d SECONDS] [-c CPU]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (duration <= 0 || duration > 3600 || spin_cpu < 0 || spin_cpu >= CPU_SETSIZE) {
		fprintf(stderr, "pw-workload: bad -d or -c\n");
		return 2;
	}
	if (pipe(ping_pipe) || pipe(pong_pipe)) {
		perror("pw-workload: pipe");
		return 1;
	}
	prctl(PR_SET_NAME, "pw-workload");
	end = now() + duration;
	// The spinner is born pinned: main takes the one-cpu mask just for the
	// clone, so the kernel never has a chance to place or balance pw-spin
	// elsewhere before its own sched_setaffinity (a race under load, where
	// pw-spin was migrated twice).
	cpu_set_t all, one;
	int pinned = sched_getaffinity(0, sizeof(all), &all) == 0;

	CPU_ZERO(&one);
	CPU_SET(spin_cpu, &one);
	if (pinned && sched_setaffinity(0, sizeof(one), &one))
		pinned = 0;
	for (int i = 0; i < 5; i++) {
		if (pthread_create(&th[i], NULL, fn[i], &end)) {
			fprintf(stderr, "pw-workload: cannot create threads\n");
			return 1;
		}
		if (i == 0 && pinned)
			sched_setaffinity(0, sizeof(all), &all);
	}
	for (int i = 0; i < 5; i++)
		pthread_join(th[i], NULL);
	(void)stopping;
	return 0;
}
