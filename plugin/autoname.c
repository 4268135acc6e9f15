// SPDX-License-Identifier: GPL-2.0-only
// autoname.c: QEMU threads of processes still alive, named from /proc
// (autoname.h).
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoname.h"
#include "procfs.h"

// The VM name of a QEMU command line: `-name guest=NAME,...` or `-name NAME`.
static int qemu_vm_name(const char *cmd, int n, char *name, size_t size)
{
	if (!strstr(cmd, "qemu"))
		return -1;
	for (int i = 0; i < n;) {
		const char *a = cmd + i;
		int l = (int)strlen(a);
		if (!strcmp(a, "-name") && i + l + 1 < n) {
			const char *v = a + l + 1;
			if (!strncmp(v, "guest=", 6))
				v += 6;
			size_t k = strcspn(v, ",");
			if (!k || k >= size)
				return -1;
			memcpy(name, v, k);
			name[k] = 0;
			return 0;
		}
		i += l + 1;
	}
	return -1;
}

// The threads of process pid, a QEMU running VM vm.
static void scan_threads(struct pw_autonames *an, const char *pid, const char *vm)
{
	char path[640], comm[64], name[200];
	struct dirent *te;
	DIR *td;

	snprintf(path, sizeof(path), "/proc/%s/task", pid);
	if (!(td = opendir(path)))
		return;
	while ((te = readdir(td))) {
		if (te->d_name[0] < '1' || te->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task/%s/comm", pid,
			 te->d_name);
		if (pw_read_small(path, comm, sizeof(comm)) <= 0)
			continue;
		comm[strcspn(comm, "\n")] = 0;
		unsigned vcpu;
		if (sscanf(comm, "CPU %u/KVM", &vcpu) == 1)
			snprintf(name, sizeof(name), "%s.vcpu%u", vm, vcpu);
		else
			snprintf(name, sizeof(name), "%s.emu", vm);
		struct pw_autoname *v = realloc(an->v, (an->n + 1) * sizeof(*v));
		if (!v)
			break;
		an->v = v;
		v[an->n].tid = atoi(te->d_name);
		v[an->n].name = strdup(name);
		if (v[an->n].name)
			an->n++;
	}
	closedir(td);
}

void pw_autoname_scan(struct pw_autonames *an)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	char path[640], cmd[8192], vm[128];

	if (!proc)
		return;
	while ((de = readdir(proc))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		int n = (int)pw_read_small(path, cmd, sizeof(cmd));
		if (n <= 0 || qemu_vm_name(cmd, n, vm, sizeof(vm)))
			continue;
		scan_threads(an, de->d_name, vm);
	}
	closedir(proc);
}

const char *pw_autoname_find(const struct pw_autonames *an, int32_t tid)
{
	for (size_t i = 0; i < an->n; i++)
		if (an->v[i].tid == tid)
			return an->v[i].name;
	return NULL;
}

void pw_autoname_release(struct pw_autonames *an)
{
	for (size_t i = 0; i < an->n; i++)
		free(an->v[i].name);
	free(an->v);
	*an = (struct pw_autonames){ 0 };
}
