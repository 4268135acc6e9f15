// SPDX-License-Identifier: Apache-2.0
// cdict_meta.h: the metadata chunk of a .cdict file (the first chunk after
// the header) turned into a struct pw_meta. Private to common/: callers
// get it from pw_reader_meta() (cdict.h).
#ifndef PW_CDICT_META_H
#define PW_CDICT_META_H

#include "cdict_chunk.h"

// pw_meta_parse: the unpacked metadata map m, of the chunk at file offset
// off of a file of major version `version`, into *meta (zeroed before; the
// strings and lists it gets are the caller's, freed by pw_meta_release()
// even after a failure). Returns 0, or the error recorded in f:
// PW_EVERSION when the map names another format, PW_ECORRUPT for a field
// of the wrong type or out of range, PW_ENOMEM.
int pw_meta_parse(struct pw_meta *meta, struct pw_fail *f, const msgpack_object *m,
		  unsigned version, uint64_t off);

#endif
