// SPDX-License-Identifier: Apache-2.0
// pw_map.h: the task map CSV of the original perfwhiz (perfcap --map), which
// names tasks at capture time (perfwhiz.so map=) or at report time
// (perfwhiz-dash --map).
//
// Format, one task per line, seven comma-separated fields:
//	tid,libvirt-name,type,uuid,group-type,group-id,task-name
//	4242,instance-00000001,vcpu0,5b0c…,tenant,3,web
// gives tid 4242 the name "web.03.vcpu0": task-name, group-id on at least two
// digits, type. Empty lines and lines starting with '#' are skipped, and so is
// a first line whose first field is "tid" (a header). A field may be quoted
// as in RFC 4180 ("a, b" holds a comma, "say ""hi""" quotes); an unquoted
// field is taken as it is. A line with another field count, a quote left
// open or followed by more than a comma, a tid that is not a positive
// integer, or a group-id that is not a non-negative integer is refused,
// with its line number. A quoted field cannot hold a line break.
//
// Limits: a line of at most PW_MAP_LINE_MAX bytes (so a name is at most
// that long), PW_MAP_MAX_ENTRIES entries, PW_MAP_MAX_BYTES bytes; past
// one, the map is refused (PW_ETOOBIG), naming the line where there is one.
//
// Invariants: the entries are sorted by tid and tids are unique (a tid given
// twice is refused, with the line that gives it again), so lookups are
// binary searches.
//
// Usage:
//	struct pw_map map;
//	size_t line;
//	int err = pw_map_load(&map, "map.csv", &line);
//	if (err) fprintf(stderr, "prog: bad map 'map.csv': line %zu: %s\n", line, pw_strerror(err));
//	const char *name = pw_map_name(&map, 4242);    // NULL when not mapped
//	pw_map_release(&map);
#ifndef PW_MAP_H
#define PW_MAP_H

#include <stddef.h>
#include <stdint.h>

#define PW_MAP_MAX_ENTRIES (1u << 20)
#define PW_MAP_MAX_BYTES (64u << 20)
#define PW_MAP_LINE_MAX 4096	// bytes of a line, its end of line left out

struct pw_map_entry {
	int32_t tid;
	char *name;		// "task-name.GG.type"
	char *libvirt_name;
	char *type;
	char *uuid;
	char *group_type;
	int32_t group_id;
	char *task_name;
	size_t line;		// the line it was on (1-based)
};

struct pw_map {
	struct pw_map_entry *entries;	// sorted by tid
	size_t nr;
};

// pw_map_parse: parse `len` bytes of CSV text (borrowed) into *map, which is
// zeroed first. Returns 0, or PW_ECORRUPT with *bad_line set to the 1-based
// line number of the first bad line, PW_EINVAL with *bad_line the first
// line that gives a tid an earlier line gave, PW_ETOOBIG with *bad_line a
// line longer than PW_MAP_LINE_MAX (0: more than PW_MAP_MAX_ENTRIES
// entries or PW_MAP_MAX_BYTES bytes), or PW_ENOMEM. On error *map is
// empty. bad_line may be NULL.
int pw_map_parse(struct pw_map *map, const char *text, size_t len,
		 size_t *bad_line);

// pw_map_load: read the file `path` and parse it. Also returns PW_EIO
// (errno says why).
int pw_map_load(struct pw_map *map, const char *path, size_t *bad_line);

// pw_map_describe: the one wording of a pw_map_load() failure, for the
// plugin and perfwhiz-dash alike, into buf (size bytes, always
// NUL-terminated): "cannot read map 'PATH': why" (err_no: the errno of
// PW_EIO), "bad map 'PATH': line N: want tid,libvirt-name,type,uuid,
// group-type,group-id,task-name", "bad map 'PATH': line N: its tid is
// given on an earlier line too", "bad map 'PATH': line N: longer than 4096
// bytes (the limit)", "bad map 'PATH': more than 1048576 entries or 64 MiB
// (the limits)" or "bad map 'PATH': " and pw_strerror(err). Returns buf.
char *pw_map_describe(int err, const char *path, size_t bad_line, int err_no,
		      char *buf, size_t size);

// pw_map_find: the entry of `tid` (borrowed), or NULL.
const struct pw_map_entry *pw_map_find(const struct pw_map *map, int32_t tid);

// pw_map_name: the mapped name of `tid` (borrowed), or NULL.
const char *pw_map_name(const struct pw_map *map, int32_t tid);

// pw_map_release: free the entries and zero *map; NULL is fine.
void pw_map_release(struct pw_map *map);

#endif
