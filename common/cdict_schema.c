// SPDX-License-Identifier: Apache-2.0
// cdict_schema.c: event kinds, their names, and how each kind's fields map to
// the columns of an event chunk (shared by the writer and the reader).
#include <zlib.h>

#include "cdict_int.h"

static const char *const kind_names[PW_EV__COUNT] = {
#define PW_EV_NAME_(code, name) [code] = name,
	PW_EVENT_KINDS(PW_EV_NAME_)
#undef PW_EV_NAME_
};

const char *pw_event_name(unsigned kind)
{
	return kind < PW_EV__COUNT ? kind_names[kind] : NULL;
}

int pw_event_kind_by_name(const char *name)
{
	for (unsigned k = 0; k < PW_EV__COUNT; k++)
		if (!strcmp(kind_names[k], name))
			return (int)k;
	return -1;
}

const struct pw_group_desc pw_groups[PW_G__COUNT] = {
	[PW_G_SW] = { { "sw.prev", "sw.next", "sw.state" }, 3 },
	[PW_G_WK] = { { "wk.tid", "wk.tcpu" }, 2 },
	[PW_G_MG] = { { "mg.tid", "mg.from", "mg.to" }, 3 },
	[PW_G_KX] = { { "kx.tid", "kx.reason", "kx.isa" }, 3 },
	[PW_G_KE] = { { "ke.tid", "ke.vcpu" }, 2 },
	[PW_G_KU] = { { "ku.tid", "ku.reason" }, 2 },
	[PW_G_TK] = { { "tk.tid", "tk.pid", "tk.name" }, 3 },
	[PW_G_FK] = { { "fk.tid", "fk.child", "fk.cpid", "fk.name" }, 4 },
	[PW_G_EX] = { { "ex.tid" }, 1 },
	[PW_G_ST] = { { "st.tid", "st.delay" }, 2 },
};

const uint8_t pw_kind_group[PW_EV__COUNT] = {
	[PW_EV_SWITCH] = PW_G_SW,	 [PW_EV_WAKEUP] = PW_G_WK,
	[PW_EV_WAKING] = PW_G_WK,	 [PW_EV_WAKEUP_NEW] = PW_G_WK,
	[PW_EV_MIGRATE] = PW_G_MG,	 [PW_EV_EXEC] = PW_G_TK,
	[PW_EV_FORK] = PW_G_FK,		 [PW_EV_EXIT] = PW_G_EX,
	[PW_EV_STAT_SLEEP] = PW_G_ST,	 [PW_EV_STAT_IOWAIT] = PW_G_ST,
	[PW_EV_STAT_RUNTIME] = PW_G_ST,	 [PW_EV_KVM_EXIT] = PW_G_KX,
	[PW_EV_KVM_ENTRY] = PW_G_KE,	 [PW_EV_KVM_USEREXIT] = PW_G_KU,
	[PW_EV_TASK] = PW_G_TK,
};

void pw_ev_to_cols(const struct pw_event *ev, int64_t v[PW_GROUP_MAXCOLS])
{
	v[0] = ev->tid;
	v[1] = v[2] = v[3] = 0;
	switch (pw_kind_group[ev->kind]) {
	case PW_G_SW:
		v[1] = ev->sw.next_tid;
		v[2] = ev->sw.prev_state;
		break;
	case PW_G_WK:
		v[1] = ev->wk.target_cpu;
		break;
	case PW_G_MG:
		v[1] = ev->mg.orig_cpu;
		v[2] = ev->mg.dest_cpu;
		break;
	case PW_G_KX:
		v[1] = ev->kx.reason;
		v[2] = ev->kx.isa;
		break;
	case PW_G_KE:
		v[1] = ev->ke.vcpu_id;
		break;
	case PW_G_KU:
		v[1] = ev->kx.reason;
		break;
	case PW_G_TK:
		v[1] = ev->task.pid;
		v[2] = ev->task.name;
		break;
	case PW_G_FK:
		v[1] = ev->fk.child_tid;
		v[2] = ev->fk.child_pid;
		v[3] = ev->fk.child_name;
		break;
	case PW_G_EX:
		break;
	case PW_G_ST:
		v[1] = (int64_t)ev->st.delay_ns;
		break;
	}
}

static int in_i32(int64_t x)
{
	return x >= INT32_MIN && x <= INT32_MAX;
}

static int in_u32(int64_t x)
{
	return x >= 0 && x <= (int64_t)UINT32_MAX;
}

int pw_ev_from_cols(struct pw_event *ev, const int64_t v[PW_GROUP_MAXCOLS])
{
	if (!in_i32(v[0]))
		return -1;
	ev->tid = (int32_t)v[0];
	switch (pw_kind_group[ev->kind]) {
	case PW_G_SW:
		if (!in_i32(v[1]) || !in_u32(v[2]))
			return -1;
		ev->sw.next_tid = (int32_t)v[1];
		ev->sw.prev_state = (uint32_t)v[2];
		ev->sw.runtime_ns = 0;
		break;
	case PW_G_WK:
		if (!in_i32(v[1]))
			return -1;
		ev->wk.target_cpu = (int32_t)v[1];
		break;
	case PW_G_MG:
		if (!in_i32(v[1]) || !in_i32(v[2]))
			return -1;
		ev->mg.orig_cpu = (int32_t)v[1];
		ev->mg.dest_cpu = (int32_t)v[2];
		break;
	case PW_G_KX:
		if (!in_u32(v[1]) || !in_u32(v[2]))
			return -1;
		ev->kx.reason = (uint32_t)v[1];
		ev->kx.isa = (uint32_t)v[2];
		break;
	case PW_G_KE:
		if (!in_u32(v[1]))
			return -1;
		ev->ke.vcpu_id = (uint32_t)v[1];
		break;
	case PW_G_KU:
		if (!in_u32(v[1]))
			return -1;
		ev->kx.reason = (uint32_t)v[1];
		ev->kx.isa = 0;
		break;
	case PW_G_TK:
		if (!in_i32(v[1]) || !in_u32(v[2]))
			return -1;
		ev->task.pid = (int32_t)v[1];
		ev->task.name = (uint32_t)v[2];
		break;
	case PW_G_FK:
		if (!in_i32(v[1]) || !in_i32(v[2]) || !in_u32(v[3]))
			return -1;
		ev->fk.child_tid = (int32_t)v[1];
		ev->fk.child_pid = (int32_t)v[2];
		ev->fk.child_name = (uint32_t)v[3];
		break;
	case PW_G_EX:
		break;
	case PW_G_ST:
		if (v[1] < 0)
			return -1;
		ev->st.delay_ns = (uint64_t)v[1];
		break;
	}
	return 0;
}

uint32_t pw_crc32(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	// zlib's crc32 takes a uInt length: feed it in slices
	while (len > 0) {
		uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;
		crc = (uint32_t)crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
}
