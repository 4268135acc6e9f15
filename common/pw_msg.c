// SPDX-License-Identifier: Apache-2.0
// pw_msg.c: messages on stderr (pw_msg.h).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pw_msg.h"

static void write_all(const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(STDERR_FILENO, p, len);
		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

void pw_vmsg(const char *prog, const char *fmt, va_list ap)
{
	char stack[1024], *buf = stack;
	size_t plen = strlen(prog) + 2;
	va_list aq;

	va_copy(aq, ap);
	int m = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (m < 0)
		m = 0;
	size_t len = plen + (size_t)m + 1;
	if (len + 1 > sizeof(stack) && !(buf = malloc(len + 1))) {
		// no memory for the line: the same text, in pieces
		fprintf(stderr, "%s: ", prog);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		return;
	}
	memcpy(buf, prog, plen - 2);
	memcpy(buf + plen - 2, ": ", 2);
	vsnprintf(buf + plen, (size_t)m + 1, fmt, ap);
	buf[len - 1] = '\n';
	fflush(stderr);
	write_all(buf, len);
	if (buf != stack)
		free(buf);
}

void pw_msg(const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pw_vmsg(prog, fmt, ap);
	va_end(ap);
}

void pw_die(const char *prog, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pw_vmsg(prog, fmt, ap);
	va_end(ap);
	exit(code);
}
