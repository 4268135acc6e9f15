# SPDX-License-Identifier: Apache-2.0
# tests/format/format.mk: the format tests' helper (writes sample .cdict files).
$(B)/tests/cdict-sample: tests/format/cdict-sample.c $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libpwcommon.a $(LDLIBS_ZM)
test-build: $(B)/tests/cdict-sample
