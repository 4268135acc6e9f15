# SPDX-License-Identifier: Apache-2.0
# tests/fuzz/fuzz.mk: fuzz targets. `make test` replays each corpus through a
# plain driver built with ASan + UBSan (build/tests/unit-replay-NAME);
# `make fuzz FUZZ_SECONDS=N` runs libFuzzer (clang) on each target for N s,
# on a copy of the corpus under build/fuzz/ (new inputs never land in git).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS  = cdict legacy perfdata map tpfmt
FUZZ_COMMON   = $(COMMON_SRC)
FUZZ_SRC_cdict  = tests/fuzz/fuzz-cdict.c $(FUZZ_COMMON)
FUZZ_SRC_legacy = tests/fuzz/fuzz-legacy.c $(FUZZ_COMMON)
FUZZ_SRC_perfdata = tests/fuzz/fuzz-perfdata.c plugin/perfdata.c $(FUZZ_COMMON) -Iplugin
FUZZ_SRC_map    = tests/fuzz/fuzz-map.c $(FUZZ_COMMON)
# the tracing data as the plugin takes it: perf.data, formats, field reads
FUZZ_SRC_tpfmt  = tests/fuzz/fuzz-tpfmt.c plugin/perfdata.c plugin/tpformat.c $(FUZZ_COMMON) -Iplugin
FUZZ_LIBS_tpfmt = -ltraceevent

$(B)/tests/unit-replay-%: tests/fuzz/replay.c tests/fuzz/fuzz.h $(COMMON_SRC) $(wildcard tests/fuzz/*.c plugin/perfdata.[ch] plugin/tpformat.[ch])
	@mkdir -p $(@D)
	$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -Itests/fuzz $(SAN_FLAGS) -o $@ tests/fuzz/replay.c $(FUZZ_SRC_$*) $(FUZZ_LIBS_$*) $(LDLIBS_ZM)

$(B)/fuzz/fuzz-%: $(COMMON_SRC) $(wildcard tests/fuzz/*.c plugin/perfdata.[ch] plugin/tpformat.[ch])
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Icommon -Itests/fuzz -DPW_VERSION='"$(VERSION)"' \
		-fsanitize=fuzzer,address,undefined -o $@ $(FUZZ_SRC_$*) $(FUZZ_LIBS_$*) $(LDLIBS_ZM)

test-build: $(addprefix $(B)/tests/unit-replay-,$(FUZZ_TARGETS))

.PHONY: fuzz
fuzz: $(addprefix $(B)/fuzz/fuzz-,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(B)/fuzz/corpus-$$t && cp -n tests/fuzz/corpus/$$t/* $(B)/fuzz/corpus-$$t/ 2>/dev/null; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s" >&2; \
		$(B)/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(B)/fuzz/crash-$$t- $(B)/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
			2>$(B)/fuzz/$$t.log || { tail -n 30 $(B)/fuzz/$$t.log; exit 1; }; \
		grep -E 'stat::(number_of_executed_units|average_exec_per_sec)|cov:' $(B)/fuzz/$$t.log | tail -n 3; \
	done
