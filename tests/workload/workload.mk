# SPDX-License-Identifier: Apache-2.0
# tests/workload/workload.mk: build/pw-workload (threads of known behaviour)
# and build/tests/cdict-dump (per-task aggregates of a .cdict as JSON), the
# plugin's end-to-end test helpers.

$(B)/pw-workload: tests/workload/workload.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -pthread

$(B)/tests/cdict-dump: tests/workload/cdict-dump.c $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libpwcommon.a $(LDLIBS_ZM)
all: $(B)/pw-workload $(B)/tests/cdict-dump
