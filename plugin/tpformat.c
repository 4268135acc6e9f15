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

// 1 for a byte of one of libtraceevent's item tokens
static int item_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

// The numbers of the fields' "offset:N" and "size:N" in text[0..len), as
// libtraceevent reads them (strtoul of the item, base 0): 0 when each fits
// its int, PW_ETOOBIG when one does not (libtraceevent would keep it cut to
// 32 bits, and the wrong bytes would be read).
static int check_field_numbers(const char *text, size_t len)
{
	static const char *const keys[] = { "offset", "size" };

	for (size_t i = 0; i < len; i++) {
		for (size_t k = 0; k < 2; k++) {
			size_t kl = strlen(keys[k]), j = i + kl;
			if (j > len || memcmp(text + i, keys[k], kl) ||
			    (i && item_char(text[i - 1])))
				continue;
			while (j < len && (text[j] == ' ' || text[j] == '\t'))
				j++;
			if (j >= len || text[j] != ':')
				continue;
			for (j++; j < len && (text[j] == ' ' || text[j] == '\t'); j++)
				;
			char tok[32];
			size_t n = 0;
			while (j + n < len && item_char(text[j + n]))
				n++;
			if (!n)
				continue;
			if (n >= sizeof(tok))
				return PW_ETOOBIG;	// (no int has 31 digits)
			memcpy(tok, text + j, n);
			tok[n] = '\0';
			errno = 0;
			unsigned long long v = strtoull(tok, NULL, 0);
			if (errno == ERANGE || v > INT32_MAX)
				return PW_ETOOBIG;
		}
	}
	return 0;
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
	int err = check_field_numbers(text, keep);
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
