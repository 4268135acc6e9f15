// SPDX-License-Identifier: Apache-2.0
// hm_sink.h: the heatmaps' sink for the replay (replay.h): each interval to its series and views. Private to the heatmaps.
//
// Static inline, as the replay wants its sink: included by the two files
// that run the replay, heatmap.c (the second pass: pw_rp_run) and
// hm_collect.c (the single pass: pw_rp_event, pw_rp_finish), where the
// loop and these functions become one (docs/decisions.md, "The replay
// inlined with its sink"). A full task of the replay is one
// whose series are kept: its slot is >= 0 (in the second pass a thread of
// a shown task, in the single pass a task held).
#ifndef PW_HM_SINK_H
#define PW_HM_SINK_H

#include "hm_series.h"
#include "pw_compiler.h"
#include "replay.h"

// ws <= t <= we
PW_HOT int hm_in_win(const struct hm *h, uint64_t t)
{
	return t - h->ws <= h->wlen;
}

// hm_reason_key through the task's one-entry cache (key checked for the
// task's tables too: 0, or -1 out of memory)
PW_HOT int hm_task_reason_key(struct hm *h, struct hm_task *k, uint32_t isa, uint32_t reason,
			      uint32_t *key)
{
	if (k->rk_key != UINT32_MAX && k->rk_reason == reason && k->rk_isa == isa) {
		*key = k->rk_key;
		return 0;
	}
	*key = hm_reason_key(h, isa, reason);
	if (*key == UINT32_MAX || hm_task_keys(h, k, *key))
		return -1;
	if (h->collect && !k->kseq[*key])
		k->kseq[*key] = ++h->kseq;	// the task's first use
	k->rk_isa = isa;
	k->rk_reason = reason;
	k->rk_key = *key;
	return 0;
}

// a slice of t on cpu: to the CPU view (every task but the idle ones),
// and for a task kept to its core map and "run" series
PW_HOT void hm_slice(void *ctx, const struct pw_an_task *t, int32_t cpu, uint64_t start,
		     uint64_t end, uint32_t flags)
{
	struct hm *h = ctx;
	size_t idx = t->index;

	if (h->nomem)
		return;
	uint64_t a = start < h->ws ? h->ws : start;
	uint64_t b = end > h->we ? h->we : end;
	if (b > a && h->cview[idx])
		hm_cpu_add(h, cpu, hm_id_of(h, t, idx), a, b);
	int32_t slot = h->slot[idx];
	if (slot < 0)
		return;
	struct hm_task *k = &h->tasks[slot];
	if (b > a)
		hm_core_add(h, k, cpu, a, b);
	if ((flags & PW_REC_F_OPEN) || !hm_in_win(h, end))
		return;
	if (flags & PW_REC_F_NOSTART)
		k->nostart++;
	else
		hm_series_add(h, &k->s[S_RUN], end, end - start, 0);
}

// a sleep of a task kept: its "sleep" series
PW_HOT void hm_sleep(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end)
{
	struct hm *h = ctx;

	if (!h->nomem && hm_in_win(h, end))
		hm_series_add(h, &h->tasks[h->slot[t->index]].s[S_SLEEP], end, end - start, 0);
}

// the task of a KVM interval that counts (its time `at` in the window),
// and the key of its reason; NULL: none (outside, or out of memory)
PW_HOT struct hm_task *hm_kvm_task(struct hm *h, const struct pw_an_task *t, uint64_t at,
				   uint32_t isa, uint32_t reason, uint32_t *key)
{
	if (h->nomem || !hm_in_win(h, at))
		return NULL;
	struct hm_task *k = &h->tasks[h->slot[t->index]];
	return hm_task_reason_key(h, k, isa, reason, key) ? NULL : k;
}

// exit -> entry: the exit reason's histogram and the "host" series, or
// the reason's count of exits without an entry
PW_HOT void hm_kvm_host(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end,
			uint32_t reason, uint32_t isa, uint32_t flags)
{
	struct hm *h = ctx;
	uint32_t key;
	struct hm_task *k = hm_kvm_task(h, t, start, isa, reason, &key);

	if (!k)
		return;
	if (flags & PW_REC_F_UNPAIRED) {
		k->unpaired[key]++;
		return;
	}
	uint64_t d = end - start;
	unsigned bk = hm_dur_bucket(d);
	k->hist[key][bk]++;
	struct hm_series *s = &k->s[S_HOST];
	if (s->binned) {	// hm_series_add, the bucket known
		s->count++;
		hm_series_bin_k(h, s, start, bk, key);
	} else {
		hm_series_add(h, s, start, d, key);
	}
}

// entry -> exit: the "guest" series, by the exit's reason
PW_HOT void hm_kvm_guest(void *ctx, const struct pw_an_task *t, uint64_t start, uint64_t end,
			 uint32_t reason, uint32_t isa)
{
	struct hm *h = ctx;
	uint32_t key;
	struct hm_task *k = hm_kvm_task(h, t, end, isa, reason, &key);

	if (k)
		hm_series_add(h, &k->s[S_GUEST], end, end - start, key);
}

static const struct pw_rp_sink hm_sink = { hm_slice, hm_sleep, hm_kvm_host, hm_kvm_guest };

#endif
