// SPDX-License-Identifier: Apache-2.0
// cdict_int.h: what the .cdict writer and reader share: the column schema of
// event chunks and the little-endian helpers. Private to common/.
#ifndef PW_CDICT_INT_H
#define PW_CDICT_INT_H

#include <stdint.h>
#include <string.h>

#include "cdict.h"

// Event chunks hold one column per row for the kind, time and cpu, then one
// column group per family of kinds; a group's columns have one value per row
// of its kinds, in row order. See docs/cdict-format.md, "Event chunks".
enum pw_group {
	PW_G_SW,	// sched_switch
	PW_G_WK,	// sched_wakeup, sched_waking, sched_wakeup_new
	PW_G_MG,	// sched_migrate_task
	PW_G_KX,	// kvm_exit
	PW_G_KE,	// kvm_entry
	PW_G_KU,	// kvm_userspace_exit
	PW_G_TK,	// task, sched_process_exec
	PW_G_FK,	// sched_process_fork
	PW_G_EX,	// sched_process_exit
	PW_G_ST,	// sched_stat_sleep, sched_stat_iowait, sched_stat_runtime
	PW_G__COUNT
};

#define PW_GROUP_MAXCOLS 4

struct pw_group_desc {
	const char *cols[PW_GROUP_MAXCOLS];	// msgpack keys, "sw.prev", ...
	unsigned ncols;
};

extern const struct pw_group_desc pw_groups[PW_G__COUNT];
extern const uint8_t pw_kind_group[PW_EV__COUNT];

// pw_ev_to_cols: the group column values of an event (sw.prev is stored as
// written here, the writer applies its elision on top).
void pw_ev_to_cols(const struct pw_event *ev, int64_t v[PW_GROUP_MAXCOLS]);

// pw_ev_from_cols: fill the kind-specific fields from column values; returns
// 0, or -1 when a value is out of its field's range.
int pw_ev_from_cols(struct pw_event *ev, const int64_t v[PW_GROUP_MAXCOLS]);

static inline void pw_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t pw_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void pw_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline uint16_t pw_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#endif
