# SPDX-License-Identifier: Apache-2.0
# tests/workload/evilnames.mk: build/pw-evilnames (threads with hostile names)
# for tests/e2e/t9300-injection.sh.

$(B)/pw-evilnames: tests/workload/evilnames.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -pthread
all: $(B)/pw-evilnames
