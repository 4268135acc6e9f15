// SPDX-License-Identifier: Apache-2.0
// pw_thread.c: helper threads with every signal blocked, the cpus they may
// use (pw_thread.h).
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "pw_thread.h"

int pw_thread_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;

	sigfillset(&all);	// the new thread inherits this mask
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return e;
}

unsigned pw_cpus_usable(void)
{
	cpu_set_t cs;
	long n = sched_getaffinity(0, sizeof(cs), &cs) ? sysconf(_SC_NPROCESSORS_ONLN)
						       : CPU_COUNT(&cs);

	return n > 1 ? (unsigned)n : 1;
}
