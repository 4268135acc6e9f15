# SPDX-License-Identifier: GPL-2.0-only
# tests/bench/bench.mk: the benchmark's no-op dlfilters (perf's decoding
# floors, in filter_event_early and in filter_event) and its entropy tool.
$(B)/bench/noop-dlfilter.so: tests/bench/noop-dlfilter.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -fPIC -shared -o $@ $<

$(B)/bench/noop-early-dlfilter.so: tests/bench/noop-early-dlfilter.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -fPIC -shared -o $@ $<

# the least bytes the event times of a capture need (zero-order entropy)
$(B)/bench/cdict-entropy: tests/bench/cdict-entropy.c $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libpwcommon.a $(LDLIBS_ZM) -lm
