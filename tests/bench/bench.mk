# SPDX-License-Identifier: GPL-2.0-only
# tests/bench/bench.mk: the benchmark's no-op dlfilter (perf's decoding floor).
$(B)/bench/noop-dlfilter.so: tests/bench/noop-dlfilter.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -shared -o $@ $<

# the least bytes the event times of a capture need (zero-order entropy)
$(B)/bench/cdict-entropy: tests/bench/cdict-entropy.c $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libpwcommon.a $(LDLIBS_ZM) -lm
