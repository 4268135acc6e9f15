// SPDX-License-Identifier: Apache-2.0
// pw_thread.h: starting the helper threads of perfwhiz (the writer's, the
// reader's decoders, the plugin's decoding thread, the heatmaps' collector)
// with every signal blocked, so that signals stay with the thread that
// handles them (perf's, perfwhiz-dash's main thread); and how many cpus
// they could run on.
//
// Usage:
//	void *work(void *arg);
//	pthread_t th;
//	int arg = 1;
//	if (pw_cpus_usable() < 2 || pw_thread_start(&th, work, &arg))
//		work(&arg);			// no thread: do it here instead
//	else
//		pthread_join(th, NULL);
#ifndef PW_THREAD_H
#define PW_THREAD_H

#include <pthread.h>

// pw_thread_start: pthread_create(th, NULL, fn, arg) with every signal
// blocked in the new thread; the caller's mask is unchanged. 0, or
// pthread_create's error.
int pw_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);

// pw_cpus_usable: the cpus this process may run on (its affinity: taskset,
// a cgroup's cpuset), at least 1; the online cpus when the affinity cannot
// be read. A helper thread on the only usable cpu can only take turns with
// the thread it was to relieve: with one cpu, none is made but the
// heatmaps' collector (which saves a second reading of the file).
unsigned pw_cpus_usable(void);

#endif
