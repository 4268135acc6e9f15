// SPDX-License-Identifier: GPL-2.0-only
// tpformat.c: tracepoint format texts handed to libtraceevent, and the field
// offsets resolved from them.
#include "pw_array.h"
#include "tpformat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "pw_error.h"

#define FORMAT_FILE_MAX (1u << 20)	// a tracefs format file is a few KiB

struct pw_tpfmts {
	struct tep_handle *tep;
	struct pw_tpevent *ev;
	size_t nr, alloc;
};

int pw_tpfmts_new(struct pw_tpfmts **out, int long_size)
{
	struct pw_tpfmts *set = calloc(1, sizeof(*set));

	*out = NULL;
	if (!set)
		return PW_ENOMEM;
	set->tep = tep_alloc();
	if (!set->tep) {
		free(set);
		return PW_ENOMEM;
	}
	tep_set_loglevel(TEP_LOG_NONE);	// errors are returned, never printed
	tep_set_long_size(set->tep, long_size > 0 ? long_size : 8);
	tep_set_file_bigendian(set->tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(set->tep, TEP_LITTLE_ENDIAN);
	*out = set;
	return 0;
}

// Where the "print fmt:" line of a format text starts (len: none).
static size_t print_fmt_at(const char *text, size_t len)
{
	static const char key[] = "print fmt:";
	const size_t k = sizeof(key) - 1;

	for (size_t i = 0; i + k <= len; i++)
		if ((i == 0 || text[i - 1] == '\n') && !memcmp(text + i, key, k))
			return i;
	return len;
}

// A decimal number at *p (up to end) and the ';' after it: 0 with *p past
// them, PW_ETOOBIG when it passes INT32_MAX (libtraceevent keeps an int:
// 2^32 + 24 would become 24), PW_EINVAL when it is not one.
static int number(const char **p, const char *end)
{
	uint64_t v = 0;
	const char *q = *p;

	if (q == end || *q < '0' || *q > '9')
		return PW_EINVAL;
	for (; q < end && *q >= '0' && *q <= '9'; q++)
		if ((v = v * 10 + (uint64_t)(*q - '0')) > INT32_MAX)
			return PW_ETOOBIG;
	if (q == end || *q != ';')
		return PW_EINVAL;
	*p = q + 1;
	return 0;
}

// *p starts with s: 0 with *p past it, else PW_EINVAL
static int word(const char **p, const char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - *p) < n || memcmp(*p, s, n))
		return PW_EINVAL;
	*p += n;
	return 0;
}

// One field line, as the kernel prints it: "\tfield:TYPE NAME;\toffset:N;
// \tsize:N;\tsigned:N;" (signed absent before 2.6.33), TYPE NAME of
// letters, digits, '_', ' ', '*' and "[N]" (N decimal, or none).
static int field_line(const char *p, const char *end)
{
	int e;

	if ((e = word(&p, end, "\tfield:")))
		return e;
	const char *tn = p;
	while (p < end && *p != ';') {
		char c = *p++;
		if (c == '[') {
			while (p < end && *p >= '0' && *p <= '9')
				p++;
			if (p == end || *p++ != ']')
				return PW_EINVAL;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '_' || c == ' ' || c == '*')) {
			return PW_EINVAL;
		}
	}
	if (p == tn || p == end)
		return PW_EINVAL;
	p++;
	if ((e = word(&p, end, "\toffset:")) || (e = number(&p, end)) ||
	    (e = word(&p, end, "\tsize:")) || (e = number(&p, end)))
		return e;
	if (p < end && ((e = word(&p, end, "\tsigned:")) || (e = number(&p, end))))
		return e;
	return p == end ? 0 : PW_EINVAL;
}

// The part of a format text libtraceevent is given (text[0..len), up to
// its print format) in the form the kernel prints it, and nothing else:
// "name: NAME", "ID: N", "format:", then field lines and empty lines.
// libtraceevent's own parsers crashed on texts outside it (the fuzz target
// tpfmt), and field offsets and sizes past INT32_MAX would be cut to 32
// bits. 0, PW_ETOOBIG (a number past INT32_MAX) or PW_EINVAL.
static int check_format(const char *text, size_t len)
{
	const char *end = text + len;
	unsigned n = 0;

	for (const char *p = text; p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p;
		int e = 0;

		if (n == 0) {
			if (!(e = word(&q, le, "name: ")) && q == le)
				e = PW_EINVAL;
			for (; !e && q < le; q++)
				if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
				      (*q >= '0' && *q <= '9') || *q == '_'))
					e = PW_EINVAL;
		} else if (n == 1) {
			if (!(e = word(&q, le, "ID: ")) && (q == le || (size_t)(le - q) > 9))
				e = PW_EINVAL;
			for (; !e && q < le; q++)
				if (*q < '0' || *q > '9')
					e = PW_EINVAL;
		} else if (n == 2) {
			if (le - p != 7 || memcmp(p, "format:", 7))
				e = PW_EINVAL;
		} else if (le != p) {
			e = field_line(p, le);
		}
		if (e)
			return e;
		p = nl ? nl + 1 : end;
	}
	return n >= 3 ? 0 : PW_EINVAL;
}

int pw_tpfmts_add(struct pw_tpfmts *set, const char *system, const char *text,
		  size_t len)
{
	struct tep_event *event = NULL;
	static const char no_print[] = "print fmt: \"\"\n";

	if (pw_grow(&set->ev, &set->alloc, set->nr, sizeof(*set->ev), 16))
		return PW_ENOMEM;
	// libtraceevent is given the fields only: the plugin never needs the
	// print format, and libtraceevent's parser of it is what hostile
	// texts crashed (a NULL dereference, a stack overflow at 10^5 nested
	// parentheses); an empty print format stands for it
	size_t keep = print_fmt_at(text, len);
	int err = check_format(text, keep);
	if (err)
		return err;
	char *fields = malloc(keep + sizeof(no_print) + 1);
	if (!fields)
		return PW_ENOMEM;
	size_t n = keep;
	memcpy(fields, text, keep);
	if (n && fields[n - 1] != '\n')
		fields[n++] = '\n';
	memcpy(fields + n, no_print, sizeof(no_print));
	n += sizeof(no_print) - 1;
	err = tep_parse_format(set->tep, &event, fields, n, system) != 0 || !event;
	free(fields);
	if (err)
		return PW_EINVAL;
	struct pw_tpevent *e = &set->ev[set->nr++];
	e->id = event->id;
	e->system = event->system;
	e->name = event->name;
	e->tep_event = event;
	return 0;
}

int pw_tpfmts_add_file(struct pw_tpfmts *set, const char *system,
		       const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (!f)
		return PW_EIO;
	buf = malloc(FORMAT_FILE_MAX);
	if (!buf) {
		fclose(f);
		return PW_ENOMEM;
	}
	n = fread(buf, 1, FORMAT_FILE_MAX - 1, f);
	int bad = ferror(f);
	int e = errno;
	fclose(f);
	if (bad) {
		free(buf);
		errno = e;
		return PW_EIO;
	}
	buf[n] = 0;
	int err = pw_tpfmts_add(set, system, buf, n);
	free(buf);
	return err;
}

const struct pw_tpevent *pw_tpfmts_find(const struct pw_tpfmts *set,
					const char *system, const char *name)
{
	for (size_t i = 0; set && i < set->nr; i++)
		if (!strcmp(set->ev[i].name, name) &&
		    (!system || !strcmp(set->ev[i].system, system)))
			return &set->ev[i];
	return NULL;
}

const struct pw_tpevent *pw_tpfmts_find_id(const struct pw_tpfmts *set, int id)
{
	for (size_t i = 0; set && i < set->nr; i++)
		if (set->ev[i].id == id)
			return &set->ev[i];
	return NULL;
}

size_t pw_tpfmts_count(const struct pw_tpfmts *set)
{
	return set ? set->nr : 0;
}

int pw_tpevent_field(const struct pw_tpevent *ev, const char *name,
		     struct pw_field *f)
{
	struct tep_format_field *tf;

	memset(f, 0, sizeof(*f));
	if (!ev)
		return PW_EINVAL;
	tf = tep_find_any_field(ev->tep_event, name);
	if (!tf || tf->size <= 0 || tf->offset < 0)
		return PW_EINVAL;
	f->offset = (uint32_t)tf->offset;
	f->size = (uint32_t)tf->size;
	if (f->size == 4 || f->size == 8)
		f->flags |= PW_FLD_LO32;
	if (tf->flags & TEP_FIELD_IS_SIGNED)
		f->flags |= PW_FLD_SIGNED;
	if (tf->flags & TEP_FIELD_IS_ARRAY)
		f->flags |= PW_FLD_ARRAY;
	if (tf->flags & TEP_FIELD_IS_DYNAMIC) {
		f->flags |= PW_FLD_DYNAMIC;
		if (tf->flags & TEP_FIELD_IS_RELATIVE)
			f->flags |= PW_FLD_RELATIVE;
		if (f->size != 4)
			return PW_EINVAL;
	}
	return 0;
}

// (a release: one free() a member, alike in shape to every other on purpose)
void pw_tpfmts_free(struct pw_tpfmts *set)
{
	if (!set)
		return;
	tep_free(set->tep);
	free(set->ev);
	free(set);
}
