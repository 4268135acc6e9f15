# SPDX-License-Identifier: Apache-2.0
# tests/workload/workload.mk: the plugin's end-to-end test helpers:
# build/pw-workload (threads of known behaviour), build/pw-evilnames
# (threads with hostile names, t9300) and build/tests/cdict-dump (per-task
# aggregates of a .cdict as JSON).

$(B)/pw-workload: tests/workload/workload.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -pthread

$(B)/pw-evilnames: tests/workload/evilnames.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -pthread

$(B)/tests/cdict-dump: tests/workload/cdict-dump.c $(B)/libpwdash.a $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Idashgen $(LDFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS_ZM) -lm

test-build: $(B)/pw-workload $(B)/pw-evilnames $(B)/tests/cdict-dump
