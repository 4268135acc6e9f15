// SPDX-License-Identifier: GPL-2.0-only
// perfdata.c: bounds-checked parser of a perf.data header and its feature
// sections (layout: tools/perf/Documentation/perf.data-file-format.txt).
#include "perfdata.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pw_bounds.h"
#include "pw_error.h"

#define PD_HEADER_SIZE 104
#define PD_SECTION_SIZE 16
#define PD_ATTR_MIN 64		// PERF_ATTR_SIZE_VER0
#define PD_ATTR_MAX 4096

// A window [pos, end) of the buffer: a section being read.
struct cur {
	const uint8_t *buf;
	uint64_t pos, end;
	const char *what;	// section name, for messages
};

// Every bad-input path goes through these two: one breakpoint for all.
static int pd_bad(struct pw_perfdata *pd, int err, uint64_t off,
		  const char *what, int line)
{
	pd->err_offset = off;
	pd->err_line = line;
	pd->err_what = what;
	return err;
}
#define PD_CORRUPT(pd, off, what) pd_bad(pd, PW_ECORRUPT, off, what, __LINE__)
#define PD_TRUNC(pd, off, what) pd_bad(pd, PW_ETRUNC, off, what, __LINE__)

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint64_t left(const struct cur *c)
{
	return c->end - c->pos;
}

static int cur_u32(struct pw_perfdata *pd, struct cur *c, uint32_t *v)
{
	if (!pw_fits(1, 4, left(c)))
		return PD_CORRUPT(pd, c->pos, c->what);
	*v = rd32(c->buf + c->pos);
	c->pos += 4;
	return 0;
}

static int cur_u64(struct pw_perfdata *pd, struct cur *c, uint64_t *v)
{
	if (!pw_fits(1, 8, left(c)))
		return PD_CORRUPT(pd, c->pos, c->what);
	*v = rd64(c->buf + c->pos);
	c->pos += 8;
	return 0;
}

static int cur_skip(struct pw_perfdata *pd, struct cur *c, uint64_t n)
{
	if (!pw_fits(n, 1, left(c)))
		return PD_CORRUPT(pd, c->pos, c->what);
	c->pos += n;
	return 0;
}

// A u32 count of items of at least `size` bytes each: corrupt when they
// cannot fit in what remains of the section (said at the count).
static int cur_count(struct pw_perfdata *pd, struct cur *c, uint64_t size, uint32_t *n)
{
	int err = cur_u32(pd, c, n);

	if (err)
		return err;
	if (!pw_fits(*n, size, left(c)))
		return PD_CORRUPT(pd, c->pos - 4, c->what);
	return 0;
}

// A copy of n bytes cut at the first NUL, NUL-terminated.
static char *dup_bytes(const uint8_t *p, uint64_t n)
{
	const uint8_t *nul = memchr(p, 0, n);
	size_t len = nul ? (size_t)(nul - p) : (size_t)n;
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	memcpy(s, p, len);
	s[len] = 0;
	return s;
}

// perf's header string: u32 length (padded, NUL included), then the bytes.
static int cur_pstring(struct pw_perfdata *pd, struct cur *c, char **out)
{
	uint32_t len;
	int err = cur_count(pd, c, 1, &len);

	if (err)
		return err;
	free(*out);
	*out = dup_bytes(c->buf + c->pos, len);
	if (!*out)
		return PW_ENOMEM;
	c->pos += len;
	return 0;
}

// The tracing data's strings: NUL-terminated, no length.
static int cur_cstring(struct pw_perfdata *pd, struct cur *c, char **out)
{
	const uint8_t *p = c->buf + c->pos;
	const uint8_t *nul = memchr(p, 0, left(c));

	if (!nul)
		return PD_CORRUPT(pd, c->pos, c->what);
	*out = dup_bytes(p, (uint64_t)(nul - p) + 1);
	if (!*out)
		return PW_ENOMEM;
	c->pos += (uint64_t)(nul - p) + 1;
	return 0;
}

// A list of perf strings: u32 count, then the strings.
static int cur_strlist(struct pw_perfdata *pd, struct cur *c, char ***out,
		       size_t *nr)
{
	uint32_t n;
	// each string takes at least its 4-byte length
	int err = cur_count(pd, c, 4, &n);

	if (err)
		return err;
	if (n > PW_PD_MAX_STRINGS)
		return pd_bad(pd, PW_ETOOBIG, c->pos - 4, c->what, __LINE__);
	*out = calloc(n ? n : 1, sizeof(char *));
	if (!*out)
		return PW_ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		err = cur_pstring(pd, c, &(*out)[i]);
		if (err)
			return err;
		*nr = i + 1;
	}
	return 0;
}

int pw_perfdata_has_feature(const struct pw_perfdata *pd, unsigned bit)
{
	return bit < PW_PD_FEAT_BITS && (pd->features[bit / 8] >> (bit % 8) & 1);
}

static int parse_attrs(struct pw_perfdata *pd, const uint8_t *buf, size_t len,
		       uint64_t off, uint64_t size)
{
	uint64_t asz = pd->attr_size;

	if (asz < PD_ATTR_MIN + PD_SECTION_SIZE || asz > PD_ATTR_MAX)
		return PD_CORRUPT(pd, 16, "header: attr size");
	if (!pw_span_fits(off, size, len))
		return PD_TRUNC(pd, off, "attrs");
	if (size % asz)
		return PD_CORRUPT(pd, 40, "header: attrs size");
	uint64_t n = size / asz;
	if (n > PW_PD_MAX_ATTRS)
		return pd_bad(pd, PW_ETOOBIG, 40, "attrs", __LINE__);
	pd->attrs = calloc(n ? n : 1, sizeof(*pd->attrs));
	if (!pd->attrs)
		return PW_ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *a = buf + off + i * asz;
		struct pw_pd_attr *at = &pd->attrs[i];
		const uint8_t *ids = a + asz - PD_SECTION_SIZE;
		uint64_t ioff = rd64(ids), isz = rd64(ids + 8);

		at->type = rd32(a);
		at->config = rd64(a + 8);
		at->sample_type = rd64(a + 24);
		pd->nr_attrs = i + 1;
		if (!pw_span_fits(ioff, isz, len))
			return PD_TRUNC(pd, off + i * asz + asz - 16, "attr ids");
		if (isz % 8)
			return PD_CORRUPT(pd, off + i * asz + asz - 8, "attr ids");
		if (isz / 8 > PW_PD_MAX_IDS)
			return pd_bad(pd, PW_ETOOBIG, off + i * asz, "attr ids",
				      __LINE__);
		at->ids = calloc(isz / 8 ? isz / 8 : 1, 8);
		if (!at->ids)
			return PW_ENOMEM;
		for (uint64_t k = 0; k < isz / 8; k++)
			at->ids[k] = rd64(buf + ioff + k * 8);
		at->nr_ids = isz / 8;
	}
	return 0;
}

static int parse_nrcpus(struct pw_perfdata *pd, struct cur *c)
{
	int err = cur_u32(pd, c, &pd->nr_cpus_avail);

	return err ? err : cur_u32(pd, c, &pd->nr_cpus_online);
}

static int parse_cmdline(struct pw_perfdata *pd, struct cur *c)
{
	char **argv = NULL;
	size_t argc = 0, total = 1;
	int err = cur_strlist(pd, c, &argv, &argc);

	if (!err) {
		for (size_t i = 0; i < argc; i++)
			total += strlen(argv[i]) + 1;
		free(pd->cmdline);
		pd->cmdline = malloc(total);
		if (!pd->cmdline) {
			err = PW_ENOMEM;
		} else {
			char *p = pd->cmdline;
			for (size_t i = 0; i < argc; i++) {
				size_t l = strlen(argv[i]);
				if (i)
					*p++ = ' ';
				memcpy(p, argv[i], l);
				p += l;
			}
			*p = 0;
		}
	}
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	return err;
}

static int parse_topology(struct pw_perfdata *pd, struct cur *c)
{
	int err = cur_strlist(pd, c, &pd->core_siblings, &pd->nr_core_siblings);

	if (!err)
		err = cur_strlist(pd, c, &pd->thread_siblings,
				  &pd->nr_thread_siblings);
	if (err)
		return err;
	// per-cpu core and socket ids follow in newer files (perf >= 4.x)
	uint64_t n = pd->nr_cpus_avail;
	if (!n || n > PW_PD_MAX_CPUS || !pw_fits(n, 8, left(c)))
		return 0;
	pd->core_id = calloc(n, sizeof(int32_t));
	pd->socket_id = calloc(n, sizeof(int32_t));
	if (!pd->core_id || !pd->socket_id)
		return PW_ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t core, sock;
		if ((err = cur_u32(pd, c, &core)) || (err = cur_u32(pd, c, &sock)))
			return err;
		pd->core_id[i] = (int32_t)core;
		pd->socket_id[i] = (int32_t)sock;
	}
	pd->nr_topo_cpus = n;
	return 0;
}

static struct pw_pd_attr *attr_by_id(struct pw_perfdata *pd, uint64_t id)
{
	for (size_t i = 0; i < pd->nr_attrs; i++)
		for (size_t k = 0; k < pd->attrs[i].nr_ids; k++)
			if (pd->attrs[i].ids[k] == id)
				return &pd->attrs[i];
	return NULL;
}

static int parse_event_desc(struct pw_perfdata *pd, struct cur *c)
{
	uint32_t nre, sz;
	int err;

	if ((err = cur_u32(pd, c, &nre)) || (err = cur_u32(pd, c, &sz)))
		return err;
	if (sz < PD_ATTR_MIN || sz > PD_ATTR_MAX)
		return PD_CORRUPT(pd, c->pos - 4, c->what);
	if (!pw_fits(nre, sz, left(c)))
		return PD_CORRUPT(pd, c->pos - 8, c->what);
	for (uint32_t i = 0; i < nre; i++) {
		uint64_t config;
		uint32_t nr_ids;
		char *name = NULL;
		uint64_t first_id = 0;

		if (!pw_fits(1, sz, left(c)))
			return PD_CORRUPT(pd, c->pos, c->what);
		config = rd64(c->buf + c->pos + 8);
		c->pos += sz;
		if ((err = cur_u32(pd, c, &nr_ids)))
			return err;
		if ((err = cur_pstring(pd, c, &name)))
			return err;
		if (!pw_fits(nr_ids, 8, left(c))) {
			free(name);
			return PD_CORRUPT(pd, c->pos, c->what);
		}
		if (nr_ids)
			first_id = rd64(c->buf + c->pos);
		c->pos += (uint64_t)nr_ids * 8;

		struct pw_pd_attr *at = nr_ids ? attr_by_id(pd, first_id) : NULL;
		if (!at && i < pd->nr_attrs && pd->attrs[i].config == config)
			at = &pd->attrs[i];
		if (at && !at->name)
			at->name = name;
		else
			free(name);
	}
	return 0;
}

static const uint8_t tracing_magic[10] = { 0x17, 0x08, 0x44, 't', 'r',
					   'a',  'c',  'i',  'n', 'g' };

// One "u64 size, text" record of the tracing data, kept as a format.
static int tracing_format(struct pw_perfdata *pd, struct cur *c,
			  const char *system, int keep)
{
	uint64_t size;
	int err = cur_u64(pd, c, &size);

	if (err)
		return err;
	if (!pw_fits(size, 1, left(c)))
		return PD_CORRUPT(pd, c->pos - 8, c->what);
	if (keep) {
		struct pw_pd_format *f = &pd->formats[pd->nr_formats];
		f->system = strdup(system);
		f->text = malloc(size + 1);
		if (!f->system || !f->text) {
			free(f->system);
			free(f->text);
			return PW_ENOMEM;
		}
		memcpy(f->text, c->buf + c->pos, size);
		f->text[size] = 0;
		f->len = size;
		pd->nr_formats++;
	}
	c->pos += size;
	return 0;
}

// A "name\0 u64 size text" header block (header_page, header_event).
static int tracing_header_block(struct pw_perfdata *pd, struct cur *c,
				const char *want)
{
	char *name = NULL;
	uint64_t size;
	int err = cur_cstring(pd, c, &name);

	if (err)
		return err;
	int ok = !strcmp(name, want);
	free(name);
	if (!ok)
		return PD_CORRUPT(pd, c->pos, c->what);
	if ((err = cur_u64(pd, c, &size)))
		return err;
	return cur_skip(pd, c, size);
}

static int parse_tracing(struct pw_perfdata *pd, struct cur *c)
{
	uint32_t n, nsys;
	int err;

	if (!pw_fits(1, sizeof(tracing_magic), left(c)) ||
	    memcmp(c->buf + c->pos, tracing_magic, sizeof(tracing_magic)))
		return PD_CORRUPT(pd, c->pos, "tracing data: magic");
	c->pos += sizeof(tracing_magic);
	if ((err = cur_cstring(pd, c, &pd->tracing_version)))
		return err;
	if (!pw_fits(2, 1, left(c)))
		return PD_CORRUPT(pd, c->pos, c->what);
	pd->tracing_bigendian = c->buf[c->pos];
	pd->tracing_long_size = c->buf[c->pos + 1];
	c->pos += 2;
	if (pd->tracing_bigendian)
		return pd_bad(pd, PW_EINVAL, c->pos - 2,
			      "tracing data: big-endian", __LINE__);
	if ((err = cur_u32(pd, c, &pd->tracing_page_size)))
		return err;
	if ((err = tracing_header_block(pd, c, "header_page")) ||
	    (err = tracing_header_block(pd, c, "header_event")))
		return err;
	// ftrace's own formats: skipped, but checked
	if ((err = cur_count(pd, c, 8, &n)))
		return err;
	for (uint32_t i = 0; i < n; i++)
		if ((err = tracing_format(pd, c, "ftrace", 0)))
			return err;
	if ((err = cur_count(pd, c, 5, &nsys)))
		return err;
	for (uint32_t s = 0; s < nsys; s++) {
		char *system = NULL;
		if ((err = cur_cstring(pd, c, &system)))
			return err;
		if ((err = cur_count(pd, c, 8, &n))) {
			free(system);
			return err;
		}
		if (n > PW_PD_MAX_FORMATS - pd->nr_formats) {
			free(system);
			return pd_bad(pd, PW_ETOOBIG, c->pos - 4, c->what,
				      __LINE__);
		}
		struct pw_pd_format *f = realloc(pd->formats,
			(pd->nr_formats + n + 1) * sizeof(*f));
		if (!f) {
			free(system);
			return PW_ENOMEM;
		}
		pd->formats = f;
		for (uint32_t i = 0; i < n && !err; i++)
			err = tracing_format(pd, c, system, 1);
		free(system);
		if (err)
			return err;
	}
	// kallsyms, printk formats and saved cmdlines follow: not needed
	pd->has_tracing_data = 1;
	return 0;
}

// What is read of each feature section: a perf string into a field of
// pw_perfdata, or a parser of its own. `what` names the section in messages.
static const struct feature {
	unsigned bit;
	const char *what;
	size_t field;		// offsetof the char * of the string, or 0
	int (*parse)(struct pw_perfdata *pd, struct cur *c);
} features[] = {
	{ PW_PD_FEAT_TRACING_DATA, "tracing data", 0, parse_tracing },
	{ PW_PD_FEAT_HOSTNAME, "hostname", offsetof(struct pw_perfdata, hostname), NULL },
	{ PW_PD_FEAT_OSRELEASE, "osrelease", offsetof(struct pw_perfdata, osrelease), NULL },
	{ PW_PD_FEAT_VERSION, "version", offsetof(struct pw_perfdata, version), NULL },
	{ PW_PD_FEAT_ARCH, "arch", offsetof(struct pw_perfdata, arch), NULL },
	{ PW_PD_FEAT_NRCPUS, "nrcpus", 0, parse_nrcpus },
	{ PW_PD_FEAT_CPUDESC, "cpudesc", offsetof(struct pw_perfdata, cpudesc), NULL },
	{ PW_PD_FEAT_CPUID, "cpuid", offsetof(struct pw_perfdata, cpuid), NULL },
	{ PW_PD_FEAT_CMDLINE, "cmdline", 0, parse_cmdline },
	{ PW_PD_FEAT_EVENT_DESC, "event desc", 0, parse_event_desc },
	{ PW_PD_FEAT_CPU_TOPOLOGY, "cpu topology", 0, parse_topology },
};

static int parse_feature(struct pw_perfdata *pd, unsigned bit, struct cur *c)
{
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		const struct feature *f = &features[i];

		if (f->bit != bit)
			continue;
		c->what = f->what;
		return f->parse ? f->parse(pd, c)
				: cur_pstring(pd, c, (char **)((char *)pd + f->field));
	}
	return 0;	// a section this parser does not read
}

int pw_perfdata_parse(struct pw_perfdata *pd, const void *vbuf, size_t len)
{
	const uint8_t *buf = vbuf;
	int err;

	memset(pd, 0, sizeof(*pd));
	pd->file_size = len;
	if (len < 8)
		return len ? PD_TRUNC(pd, 0, "header") : PW_EEMPTY;
	if (!memcmp(buf, "2ELIFREP", 8))
		return pd_bad(pd, PW_EINVAL, 0, "byte-swapped perf.data",
			      __LINE__);
	if (memcmp(buf, "PERFILE2", 8))
		return pd_bad(pd, PW_EMAGIC, 0, "not a perf.data file", __LINE__);
	if (len < PD_HEADER_SIZE)
		return PD_TRUNC(pd, len, "header");
	uint64_t hsize = rd64(buf + 8);
	if (hsize != PD_HEADER_SIZE)
		return PD_CORRUPT(pd, 8, "header size (a pipe-mode header?)");
	pd->attr_size = rd64(buf + 16);
	uint64_t aoff = rd64(buf + 24), asize = rd64(buf + 32);
	pd->data_offset = rd64(buf + 40);
	pd->data_size = rd64(buf + 48);
	memcpy(pd->features, buf + 72, sizeof(pd->features));

	if ((err = parse_attrs(pd, buf, len, aoff, asize)))
		return err;

	// the feature sections' table follows the data section
	if (!pw_span_fits(pd->data_offset, pd->data_size, len))
		return PD_TRUNC(pd, 40, "data section");
	uint64_t table = pd->data_offset + pd->data_size;
	for (unsigned bit = 0, idx = 0; bit < PW_PD_FEAT_BITS; bit++) {
		if (!pw_perfdata_has_feature(pd, bit))
			continue;
		uint64_t ent = table + (uint64_t)idx++ * PD_SECTION_SIZE;
		if (!pw_span_fits(ent, PD_SECTION_SIZE, len))
			return PD_TRUNC(pd, ent, "feature table");
		uint64_t off = rd64(buf + ent), size = rd64(buf + ent + 8);
		if (!pw_span_fits(off, size, len))
			return PD_TRUNC(pd, ent, "feature section");
		struct cur c = { buf, off, off + size, "feature" };
		if ((err = parse_feature(pd, bit, &c)))
			return err;
	}
	return 0;
}

int pw_perfdata_load(struct pw_perfdata *pd, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(pd, 0, sizeof(*pd));
	if (fd < 0)
		return PW_EIO;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = errno ? errno : EINVAL;
		close(fd);
		errno = S_ISREG(st.st_mode) ? e : EINVAL;
		return PW_EIO;
	}
	if (st.st_size == 0) {
		close(fd);
		return PW_EEMPTY;
	}
	// mapped, not read: only the header and feature pages are touched
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	int e = errno;
	close(fd);
	if (map == MAP_FAILED) {
		errno = e;
		return PW_EIO;
	}
	int err = pw_perfdata_parse(pd, map, (size_t)st.st_size);
	munmap(map, (size_t)st.st_size);
	return err;
}

char *pw_perfdata_describe(const struct pw_perfdata *pd, int err, char *buf,
			   size_t size)
{
	// PW_EMAGIC's and PW_EINVAL's own texts are about .cdict files and
	// arguments: a perf.data is named for what it is not
	if (err == PW_EMAGIC)
		snprintf(buf, size, "not a perf.data file (no PERFILE2 magic at offset 0)");
	else if (err == PW_EINVAL)
		snprintf(buf, size, "unsupported perf.data at offset 0x%llx: %s",
			 (unsigned long long)pd->err_offset, pd->err_what ? pd->err_what : "?");
	else if (err == PW_ECORRUPT || err == PW_ETRUNC || err == PW_ETOOBIG)
		snprintf(buf, size, "%s at offset 0x%llx: %s", pw_strerror(err),
			 (unsigned long long)pd->err_offset,
			 pd->err_what ? pd->err_what : "?");
	else if (err == PW_EIO)
		snprintf(buf, size, "%s", strerror(errno));
	else
		snprintf(buf, size, "%s", pw_strerror(err));
	return buf;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

// (a release: one free() a member, alike in shape to every other on purpose)
void pw_perfdata_release(struct pw_perfdata *pd)
{
	if (!pd)
		return;
	for (size_t i = 0; i < pd->nr_attrs; i++) {
		free(pd->attrs[i].ids);
		free(pd->attrs[i].name);
	}
	free(pd->attrs);
	free(pd->hostname);
	free(pd->osrelease);
	free(pd->version);
	free(pd->arch);
	free(pd->cpudesc);
	free(pd->cpuid);
	free(pd->cmdline);
	free_list(pd->core_siblings, pd->nr_core_siblings);
	free_list(pd->thread_siblings, pd->nr_thread_siblings);
	free(pd->core_id);
	free(pd->socket_id);
	free(pd->tracing_version);
	for (size_t i = 0; i < pd->nr_formats; i++) {
		free(pd->formats[i].system);
		free(pd->formats[i].text);
	}
	free(pd->formats);
	memset(pd, 0, sizeof(*pd));
}
