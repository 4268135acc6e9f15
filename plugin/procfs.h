// SPDX-License-Identifier: GPL-2.0-only
// procfs.h: reading a small file of /proc whole (a command line, a comm),
// for the plugin's look at perf's command line and at live QEMU processes.
#ifndef PW_PLUGIN_PROCFS_H
#define PW_PLUGIN_PROCFS_H

#include <stddef.h>

// pw_read_small: up to size - 1 bytes of path into buf, NUL-terminated
// (size > 0). The bytes read (size - 1: the file may be longer), or -1
// when it cannot be opened.
long pw_read_small(const char *path, char *buf, size_t size);

#endif
