# SPDX-License-Identifier: Apache-2.0
# tests/tools/tools.mk: test tools: build/mkperfdata (synthetic perf.data +
# ground truth generator), build/tests/cdict-from-text (a .cdict from a
# text list of events) and build/pw-failthread.so (t9400).

# The format texts mkperfdata writes into HEADER_TRACING_DATA, embedded as
# byte arrays generated from the fixtures (coreutils od + sed only).
MKPD_FORMATS := header_page header_event sched_switch sched_wakeup sched_migrate_task \
                kvm_entry kvm_exit kvm_exit-old kvm_userspace_exit
MKPD_FORMAT_FILES := $(addprefix tests/fixtures/formats/,$(MKPD_FORMATS))

$(B)/gen/mkperfdata-formats.c: $(MKPD_FORMAT_FILES) tests/tools/tools.mk
	@mkdir -p $(@D)
	@{ echo '// generated from tests/fixtures/formats by tests/tools/tools.mk: do not edit'; \
	  echo '#include "mkperfdata-formats.h"'; \
	  for f in $(MKPD_FORMATS); do n=$$(echo "$$f" | tr -- - _); \
	    echo "static const unsigned char fmt_$$n[] = {"; \
	    od -An -v -tx1 "tests/fixtures/formats/$$f" | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    echo '0 };'; done; \
	  echo 'const struct pw_mkpd_format pw_mkpd_formats[] = {'; \
	  for f in $(MKPD_FORMATS); do n=$$(echo "$$f" | tr -- - _); \
	    echo "	{ \"$$f\", fmt_$$n, sizeof(fmt_$$n) - 1 },"; done; \
	  echo '	{ 0, 0, 0 }'; echo '};'; } >$@.tmp && mv $@.tmp $@

$(B)/gen/mkperfdata-formats.o: $(B)/gen/mkperfdata-formats.c tests/tools/mkperfdata-formats.h
	$(CC) $(ALL_CFLAGS) -Itests/tools -c -o $@ $<

# mkperfdata.c and its parts mkpd-*.c (mkperfdata.h)
MKPD_OBJ := $(patsubst tests/tools/%.c,$(B)/tests/tools/%.o,tests/tools/mkperfdata.c \
              $(wildcard tests/tools/mkpd-*.c))

$(MKPD_OBJ): $(B)/tests/tools/%.o: tests/tools/%.c tests/tools/mkperfdata.h tests/tools/mkperfdata-formats.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/tools -c -o $@ $<

# mkperfdata shares no code with the plugin (see mkperfdata.c's first
# comment); of libpwcommon.a it links pw_msg only
$(B)/mkperfdata: $(MKPD_OBJ) $(B)/gen/mkperfdata-formats.o $(B)/libpwcommon.a
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.h,$^) -lm

$(B)/tests/cdict-from-text: $(B)/tests/tools/cdict-from-text.o $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS_ZM)

# an LD_PRELOAD shim that refuses chosen threads (t9400: the fallbacks)
$(B)/pw-failthread.so: tests/tools/failthread.c
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -fPIC -shared -o $@ $<

test-build: $(B)/mkperfdata $(B)/tests/cdict-from-text $(B)/pw-failthread.so
