// SPDX-License-Identifier: Apache-2.0
// failthread.c: an LD_PRELOAD shim for the tests: pthread_create() fails
// with EAGAIN for the threads whose start routine is in a given object, so
// that the fallback of every helper thread (the plugin's writer and
// decoding threads, perfwhiz-dash's decoders and heatmap collector) can be
// run on purpose.
//
//   PW_FAIL_THREAD_IN  a substring of the object's path (dladdr of the start
//                      routine: "perfwhiz.so", "perfwhiz-dash")
//   PW_FAIL_THREAD     "all", or N: only the N-th thread that object starts
//   PW_FAIL_THREAD_LOG a file: one line per thread the object starts,
//                      "N started" or "N refused"
//
// Other threads, and every thread when the variables are unset, are made
// as usual.
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

static atomic_uint nth;

static void log_line(unsigned n, const char *what)
{
	const char *path = getenv("PW_FAIL_THREAD_LOG");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (f) {
		fprintf(f, "%u %s\n", n, what);
		fclose(f);
	}
}

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	create_fn real;
	void *sym = dlsym(RTLD_NEXT, "pthread_create");
	const char *in = getenv("PW_FAIL_THREAD_IN"), *which = getenv("PW_FAIL_THREAD");
	Dl_info di;

	if (!sym)
		return EAGAIN;
	memcpy(&real, &sym, sizeof(real));
	if (!in || !which || !dladdr((void *)(size_t)fn, &di) || !di.dli_fname ||
	    !strstr(di.dli_fname, in))
		return real(th, attr, fn, arg);
	unsigned n = atomic_fetch_add(&nth, 1) + 1;
	if (!strcmp(which, "all") || strtoul(which, NULL, 10) == n) {
		log_line(n, "refused");
		return EAGAIN;
	}
	log_line(n, "started");
	return real(th, attr, fn, arg);
}
