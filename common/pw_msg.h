// SPDX-License-Identifier: Apache-2.0
// pw_msg.h: the one way perfwhiz's programs speak to people on stderr: the
// plugin, perfwhiz-dash and the test generator mkperfdata.
//
// One line a message, "PROG: what failed 'the file': why", lowercase, no
// full stop (docs/architecture.md, "Errors"). Library code never calls these
// (it returns PW_E* codes); programs do, with their own name. Usage:
//	pw_msg("perfwhiz-dash", "cannot read '%s': %s", "x.cdict", "truncated input");
//	if (0)
//		pw_die("perfwhiz-dash", 2, "unknown option '%s'", "--frob");
#ifndef PW_MSG_H
#define PW_MSG_H

#include <stdarg.h>

// pw_vmsg: "prog: " fmt "\n" on stderr, in one write so that lines of two
// processes (perf's and ours) do not interleave.
void pw_vmsg(const char *prog, const char *fmt, va_list ap);

void pw_msg(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

// pw_die: pw_msg, then exit(code) (1: input or runtime error, 2: usage).
void pw_die(const char *prog, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#endif
