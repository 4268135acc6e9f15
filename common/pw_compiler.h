// SPDX-License-Identifier: Apache-2.0
// pw_compiler.h: the two function attributes every hot loop of perfwhiz uses.
//
// A per-event (or per-sample) path is written as small functions that must
// be inlined into the loop whatever the compiler's size heuristics say
// (GCC and clang), and what that path seldom needs is kept out of line, so
// that the loop's registers and instruction cache stay the hot path's:
//
//	PW_HOT int on_event(struct state *s, const struct pw_event *ev);
//	PW_COLD int grow_table(struct state *s);
#ifndef PW_COMPILER_H
#define PW_COMPILER_H

#define PW_HOT static inline __attribute__((always_inline))
#define PW_COLD static __attribute__((noinline))

#endif
