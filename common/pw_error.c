// SPDX-License-Identifier: Apache-2.0
// pw_error.c: the texts of the PW_E* codes.
#include "pw_error.h"

const char *pw_strerror(int err)
{
	static const char *const texts[] = {
		"success",
#define PW_ERR_TEXT_(code, text) text,
		PW_ERRORS(PW_ERR_TEXT_)
#undef PW_ERR_TEXT_
	};
	unsigned idx = err <= 0 ? (unsigned)-err : 0;

	if (err > 0 || idx >= sizeof(texts) / sizeof(texts[0]))
		return "unknown error";
	return texts[idx];
}
