// SPDX-License-Identifier: Apache-2.0
// pw_map.c: parser of the original perfwhiz's task map CSV.
#include "pw_map.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pw_error.h"

#define MAP_FIELDS 7

// A strict decimal integer in [min, INT32_MAX]; -1 if not one.
static int64_t parse_int(const char *s, int64_t min)
{
	int64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > INT32_MAX)
			return -1;
	}
	return v >= min ? v : -1;
}

static void entry_release(struct pw_map_entry *e)
{
	free(e->name);
	free(e->libvirt_name);
	free(e->type);
	free(e->uuid);
	free(e->group_type);
	free(e->task_name);
}

// by tid, then line: the entries of a tid given twice in file order
static int cmp_tid(const void *a, const void *b)
{
	const struct pw_map_entry *x = a, *y = b;

	if (x->tid != y->tid)
		return (x->tid > y->tid) - (x->tid < y->tid);
	return (x->line > y->line) - (x->line < y->line);
}

// The fields of a line, in place: split at commas; a field that starts
// with a double quote runs to the closing one, "" standing for a quote
// inside it (RFC 4180), so that it may hold commas. 0, or PW_ECORRUPT: more
// than MAP_FIELDS fields, a quote left open, or text after a closing quote.
static int split_fields(char *p, char **f, size_t *nf)
{
	size_t n = 0;

	for (;;) {
		if (n == MAP_FIELDS)
			return PW_ECORRUPT;
		f[n++] = p;
		if (*p == '"') {
			char *in = p + 1, *out = p;	// out stays behind in
			for (;;) {
				if (!*in)
					return PW_ECORRUPT;
				if (*in == '"' && in[1] == '"') {
					*out++ = '"';
					in += 2;
				} else if (*in == '"') {
					in++;
					break;
				} else {
					*out++ = *in++;
				}
			}
			if (*in && *in != ',')
				return PW_ECORRUPT;
			int more = *in == ',';
			*out = 0;
			if (!more)
				break;
			p = in + 1;
		} else {
			char *comma = strchr(p, ',');
			if (!comma)
				break;
			*comma = 0;
			p = comma + 1;
		}
	}
	*nf = n;
	return 0;
}

// One line (NUL-terminated, no newline) into *e. Returns 0, 1 to skip it,
// PW_ECORRUPT or PW_ENOMEM.
static int parse_line(char *line, int first, struct pw_map_entry *e)
{
	char *f[MAP_FIELDS];
	size_t n = 0;
	char *p = line;
	size_t l = strlen(line);

	if (l && line[l - 1] == '\r')
		line[--l] = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return 1;
	if (split_fields(p, f, &n))
		return PW_ECORRUPT;
	if (first && !strcmp(f[0], "tid"))
		return 1;
	if (n != MAP_FIELDS)
		return PW_ECORRUPT;
	int64_t tid = parse_int(f[0], 1), gid = parse_int(f[5], 0);
	if (tid < 0 || gid < 0 || !*f[6] || !*f[2])
		return PW_ECORRUPT;
	memset(e, 0, sizeof(*e));
	e->tid = (int32_t)tid;
	e->group_id = (int32_t)gid;
	e->libvirt_name = strdup(f[1]);
	e->type = strdup(f[2]);
	e->uuid = strdup(f[3]);
	e->group_type = strdup(f[4]);
	e->task_name = strdup(f[6]);
	size_t sz = strlen(f[6]) + strlen(f[2]) + 16;
	e->name = malloc(sz);
	if (!e->libvirt_name || !e->type || !e->uuid || !e->group_type ||
	    !e->task_name || !e->name) {
		entry_release(e);
		return PW_ENOMEM;
	}
	snprintf(e->name, sz, "%s.%02d.%s", f[6], (int)gid, f[2]);
	return 0;
}

int pw_map_parse(struct pw_map *map, const char *text, size_t len,
		 size_t *bad_line)
{
	size_t alloc = 0, lineno = 0, pos = 0;
	char *line = NULL;
	int err = 0, first = 1;

	memset(map, 0, sizeof(*map));
	if (bad_line)
		*bad_line = 0;
	if (len > PW_MAP_MAX_BYTES)
		return PW_ETOOBIG;
	line = malloc(len + 1);
	if (!line)
		return PW_ENOMEM;
	while (pos < len && !err) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		memcpy(line, text + pos, l);
		line[l] = 0;
		pos += l + (nl ? 1 : 0);
		if (l && line[l - 1] == '\r')	// (a CRLF end of line is no byte of it)
			l--;
		if (l > PW_MAP_LINE_MAX) {	// and so no name is longer
			err = PW_ETOOBIG;
			break;
		}
		if (memchr(line, 0, l)) {	// a NUL inside the line
			err = PW_ECORRUPT;
			break;
		}
		struct pw_map_entry e;
		int r = parse_line(line, first, &e);
		if (r == 1) {
			first = 0;
			continue;
		}
		first = 0;
		if (r < 0) {
			err = r;
			break;
		}
		e.line = lineno;
		if (map->nr == alloc) {
			size_t n = alloc ? alloc * 2 : 16;
			struct pw_map_entry *v = n > PW_MAP_MAX_ENTRIES ? NULL :
				realloc(map->entries, n * sizeof(*v));
			if (!v) {
				entry_release(&e);
				err = n > PW_MAP_MAX_ENTRIES ? PW_ETOOBIG : PW_ENOMEM;
				lineno = 0;	// no line is wrong: there are too many
				break;
			}
			map->entries = v;
			alloc = n;
		}
		map->entries[map->nr++] = e;
	}
	free(line);
	if (!err && map->nr) {
		// a tid given twice: the first line that gives it again
		qsort(map->entries, map->nr, sizeof(*map->entries), cmp_tid);
		lineno = SIZE_MAX;
		for (size_t i = 1; i < map->nr; i++)
			if (map->entries[i].tid == map->entries[i - 1].tid &&
			    map->entries[i].line < lineno)
				lineno = map->entries[i].line;
		if (lineno != SIZE_MAX)
			err = PW_EINVAL;
	}
	if (err) {
		if (bad_line)
			*bad_line = lineno;
		pw_map_release(map);
	}
	return err;
}

int pw_map_load(struct pw_map *map, const char *path, size_t *bad_line)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, alloc = 0;

	memset(map, 0, sizeof(*map));
	if (bad_line)
		*bad_line = 0;
	if (!f)
		return PW_EIO;
	for (;;) {
		if (len == alloc) {
			if (alloc >= PW_MAP_MAX_BYTES + 1) {
				free(buf);
				fclose(f);
				return PW_ETOOBIG;
			}
			alloc = alloc ? alloc * 2 : 4096;
			char *b = realloc(buf, alloc);
			if (!b) {
				free(buf);
				fclose(f);
				return PW_ENOMEM;
			}
			buf = b;
		}
		size_t n = fread(buf + len, 1, alloc - len, f);
		len += n;
		if (n == 0)
			break;
	}
	int bad = ferror(f), e = errno;
	fclose(f);
	if (bad) {
		free(buf);
		errno = e;
		return PW_EIO;
	}
	int err = pw_map_parse(map, buf ? buf : "", len, bad_line);
	free(buf);
	return err;
}

const struct pw_map_entry *pw_map_find(const struct pw_map *map, int32_t tid)
{
	size_t lo = 0, hi = map ? map->nr : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int32_t t = map->entries[mid].tid;
		if (t == tid)
			return &map->entries[mid];
		if (t < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *pw_map_name(const struct pw_map *map, int32_t tid)
{
	const struct pw_map_entry *e = pw_map_find(map, tid);

	return e ? e->name : NULL;
}

void pw_map_release(struct pw_map *map)
{
	if (!map)
		return;
	for (size_t i = 0; i < map->nr; i++)
		entry_release(&map->entries[i]);
	free(map->entries);
	memset(map, 0, sizeof(*map));
}

char *pw_map_describe(int err, const char *path, size_t bad_line, int err_no,
		      char *buf, size_t size)
{
	if (err == PW_EIO)
		snprintf(buf, size, "cannot read map '%s': %s", path, strerror(err_no));
	else if (err == PW_ECORRUPT && bad_line)
		snprintf(buf, size, "bad map '%s': line %zu: want tid,libvirt-name,type,"
			 "uuid,group-type,group-id,task-name", path, bad_line);
	else if (err == PW_EINVAL && bad_line)
		snprintf(buf, size, "bad map '%s': line %zu: its tid is given on an earlier "
			 "line too", path, bad_line);
	else if (err == PW_ETOOBIG && bad_line)
		snprintf(buf, size, "bad map '%s': line %zu: longer than %u bytes (the limit)",
			 path, bad_line, PW_MAP_LINE_MAX);
	else if (err == PW_ETOOBIG)
		snprintf(buf, size, "bad map '%s': more than %u entries or %u MiB (the limits)",
			 path, PW_MAP_MAX_ENTRIES, PW_MAP_MAX_BYTES >> 20);
	else
		snprintf(buf, size, "bad map '%s': %s", path, pw_strerror(err));
	return buf;
}
