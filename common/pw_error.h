// SPDX-License-Identifier: Apache-2.0
// pw_error.h: the error codes every perfwhiz library function returns.
//
// Library code never prints and never exits: it returns 0 (or a count) on
// success and a negative PW_E* code on failure; pw_strerror() names the code.
// One X-macro list makes both the enum and the strings.
#ifndef PW_ERROR_H
#define PW_ERROR_H

#define PW_ERRORS(_)                                                           \
	_(PW_ENOMEM, "out of memory")                                          \
	_(PW_EIO, "i/o error")                                                 \
	_(PW_EINVAL, "invalid argument")                                       \
	_(PW_EEMPTY, "empty file")                                             \
	_(PW_EMAGIC, "not a .cdict file")                                      \
	_(PW_EVERSION, "unsupported .cdict version")                           \
	_(PW_ETRUNC, "truncated input")                                        \
	_(PW_ECORRUPT, "corrupt input")                                        \
	_(PW_ECRC, "checksum mismatch")                                        \
	_(PW_ETOOBIG, "size limit exceeded")

// Positions in the list, from 1; the codes are their negatives.
enum pw_error_index_ {
	PW_ERR_NONE_,
#define PW_ERR_INDEX_(code, text) code##_INDEX_,
	PW_ERRORS(PW_ERR_INDEX_)
#undef PW_ERR_INDEX_
};

enum pw_error {
	PW_OK = 0,
#define PW_ERR_CODE_(code, text) code = -code##_INDEX_,
	PW_ERRORS(PW_ERR_CODE_)
#undef PW_ERR_CODE_
};

// pw_strerror: text for a PW_E* code (or "success" for 0); never NULL.
const char *pw_strerror(int err);

#endif
