// SPDX-License-Identifier: Apache-2.0
// cdict_schema.c: what the writer and the reader share (cdict_int.h): event
// kinds, their names, how each kind's fields map to the columns of an event
// chunk, byte planes, the string table; and pw_crc32 (cdict.h).
#include <libdeflate.h>

#include "pw_array.h"
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

static const char *const end_names[PW_END__COUNT] = {
	[PW_END_UNKNOWN] = "unknown",
	[PW_END_COMPLETE] = "complete",
	[PW_END_INTERRUPTED] = "interrupted",
	[PW_END_PERF_FAILED] = "perf_failed",
	[PW_END_UNCHECKED] = "unchecked",
};

const char *pw_end_name(int end)
{
	return end_names[end >= 0 && end < PW_END__COUNT ? end : PW_END_UNKNOWN];
}

int pw_end_by_name(const char *name)
{
	for (int e = 0; name && e < PW_END__COUNT; e++)
		if (!strcmp(end_names[e], name))
			return e;
	return PW_END_UNKNOWN;
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


unsigned pw_planes_width(const int64_t *v, uint32_t n)
{
	uint64_t all = 0;
	unsigned w = 0;

	for (uint32_t i = 0; i < n; i++)
		all |= pw_zigzag(v[i]);
	while (all) {
		w++;
		all >>= 8;
	}
	return w;
}

size_t pw_planes_encode(uint8_t *out, const int64_t *v, uint32_t n, unsigned width)
{
	uint8_t *p = out + 1;

	out[0] = (uint8_t)width;
	// plane by plane: each pass writes one contiguous run of n bytes
	for (unsigned b = 0; b < width; b++, p += n)
		for (uint32_t i = 0; i < n; i++)
			p[i] = (uint8_t)(pw_zigzag(v[i]) >> (8 * b));
	return 1 + (size_t)width * n;
}

int pw_planes_decode(const uint8_t *bin, size_t len, uint32_t n, int64_t *v)
{
	unsigned w;

	if (len < 1 || (w = bin[0]) > 8 || len - 1 != (size_t)w * n)
		return -1;
	const uint8_t *p = bin + 1;

	switch (w) {	// the common widths without an inner loop
	case 0:
		memset(v, 0, (size_t)n * sizeof(*v));
		return 0;
	case 1:
		for (uint32_t i = 0; i < n; i++)
			v[i] = pw_unzigzag(p[i]);
		return 0;
	case 2:
		for (uint32_t i = 0; i < n; i++)
			v[i] = pw_unzigzag(p[i] | (uint64_t)p[n + i] << 8);
		return 0;
	case 3:
		for (uint32_t i = 0; i < n; i++)
			v[i] = pw_unzigzag(p[i] | (uint64_t)p[n + i] << 8 |
					   (uint64_t)p[2 * (size_t)n + i] << 16);
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t z = 0;

		for (unsigned b = 0; b < w; b++)
			z |= (uint64_t)p[(size_t)b * n + i] << (8 * b);
		v[i] = pw_unzigzag(z);
	}
	return 0;
}

int pw_strs_add(struct pw_strs *t, const char *p, size_t len)
{
	char *s;

	if (pw_grow(&t->s, &t->cap, t->n, sizeof(*t->s), 256))
		return PW_ENOMEM;
	if (len > PW_NAME_MAX)
		len = PW_NAME_MAX;
	if (!(s = malloc(len + 1)))
		return PW_ENOMEM;
	memcpy(s, p, len);
	s[len] = '\0';
	t->s[t->n++] = s;
	return 0;
}

void pw_strs_release(struct pw_strs *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	memset(t, 0, sizeof(*t));
}

uint32_t pw_crc32(uint32_t crc, const void *buf, size_t len)
{
	// the same CRC-32 as zlib's crc32() (and Python's zlib.crc32), in a
	// fraction of its time: it is computed over every chunk read
	// (docs/decisions.md, "CRC-32 from libdeflate")
	return libdeflate_crc32(crc, buf, len);
}
