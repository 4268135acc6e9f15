// SPDX-License-Identifier: Apache-2.0
// pw_thread.h: starting the helper threads of perfwhiz (the writer's, the
// reader's decoders, the plugin's decoding thread, the heatmaps' collector)
// with every signal blocked, so that signals stay with the thread that
// handles them (perf's, perfwhiz-dash's main thread).
//
//	pthread_t th;
//	if (pw_thread_start(&th, work, arg))
//		do_it_here_instead();
#ifndef PW_THREAD_H
#define PW_THREAD_H

#include <pthread.h>

// pw_thread_start: pthread_create(th, NULL, fn, arg) with every signal
// blocked in the new thread; the caller's mask is unchanged. 0, or
// pthread_create's error.
int pw_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);

#endif
