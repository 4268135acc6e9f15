// SPDX-License-Identifier: GPL-2.0-only
// autoname.h: names for the threads of the QEMU processes alive at start()
// (the plugin's autoname dlarg): "VM.vcpuN" for a vCPU thread ("CPU N/KVM"),
// "VM.emu" for any other thread of the process, VM being the QEMU command
// line's -name. Read from /proc once; a task keeps the name for the run.
// Usage:
//	struct pw_autonames an = { 0 };
//	pw_autoname_scan(&an);
//	const char *name = pw_autoname_find(&an, 4242);	// NULL: none
//	use(name);
//	pw_autoname_release(&an);
#ifndef PW_PLUGIN_AUTONAME_H
#define PW_PLUGIN_AUTONAME_H

#include <stddef.h>
#include <stdint.h>

struct pw_autoname {
	int32_t tid;
	char *name;
};

struct pw_autonames {
	struct pw_autoname *v;
	size_t n;
};

// pw_autoname_scan: add the threads of every QEMU process in /proc to an.
// Best effort: a process that goes away, or no memory, ends with the names
// found so far.
void pw_autoname_scan(struct pw_autonames *an);

// pw_autoname_find: tid's name (borrowed from an), or NULL.
const char *pw_autoname_find(const struct pw_autonames *an, int32_t tid);

// pw_autoname_release: free the names; an is empty after it. A zeroed an
// is fine.
void pw_autoname_release(struct pw_autonames *an);

#endif
