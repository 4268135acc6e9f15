// SPDX-License-Identifier: Apache-2.0
// pw_thread.c: helper threads with every signal blocked (pw_thread.h).
#include <signal.h>

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
