# SPDX-License-Identifier: Apache-2.0
# perfwhiz: top-level build. Everything goes to build/; sources are never written.
#
#   make            build build/perfwhiz.so and build/perfwhiz-dash (the product only)
#   make test-build the product and every test program and tool
#   make deps       install what build and tests need (Debian packages, npm)
#   make test       deps, build, then the whole suite: "N passed, M failed"
#   make bench      speed and memory table (never part of make test)
#   make golden     rewrite the reference hashes of t1000 after an intended output change
#   make install    PREFIX=/usr/local DESTDIR=  (uninstall removes the same files)

VERSION     := 0.1.0
B           := build
CC          ?= cc
CFLAGS      ?= -O2 -g
LDFLAGS     ?=
PW_CFLAGS   := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
               -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
               -Icommon -DPW_VERSION='"$(VERSION)"' -MMD -MP
LDLIBS_ZM   := -lz -ldeflate -lmsgpackc
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/perfwhiz

ALL_CFLAGS   = $(PW_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
# the sanitizer build (build/asan) that make test runs the suite on again
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_B      := $(B)/asan
# the plugin and perfwhiz-dash under ThreadSanitizer (build/tsan): the
# plugin's two threads (t3003); the dashboard's decoding, heatmap and
# output threads (t7002)
TSAN_FLAGS  := -fsanitize=thread -fno-omit-frame-pointer -g
TSAN_B      := $(B)/tsan

.PHONY: all deps test test-build bench install uninstall clean check-spdx
all:
test-build: all

# ---- common/: the .cdict format and what both sides share ------------------
COMMON_SRC  := $(wildcard common/*.c)
COMMON_OBJ  := $(COMMON_SRC:%.c=$(B)/%.o)
COMMON_PIC  := $(COMMON_SRC:%.c=$(B)/pic/%.o)
$(B)/libpwcommon.a: $(COMMON_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^
$(B)/libpwcommon-pic.a: $(COMMON_PIC)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(B)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

# ---- the parts, each with its own fragment, in dependency order ----------
# The product (plugin, perfwhiz-dash and its embedded pages), then what
# only the tests build: `make all` builds the product, `make test-build`
# the product and every test program and tool.
include plugin/plugin.mk
include dashgen/web/web.mk
include dashgen/dashgen.mk
include tests/unit/unit.mk
include tests/tools/tools.mk
include tests/format/format.mk
include tests/browser/browser.mk
include tests/workload/workload.mk
include tests/bench/bench.mk
include tests/fuzz/fuzz.mk

# ---- targets ----------------------------------------------------------------
deps:
	@scripts/deps

test: deps
	$(MAKE) all test-build
	$(MAKE) test-asan-build
	$(MAKE) test-tsan-build
	PW_ASAN_BUILD=$(CURDIR)/$(ASAN_B) PW_TSAN_BUILD=$(CURDIR)/$(TSAN_B) tests/run

# rewrite tests/golden/SHA256SUMS after an intended change of output
.PHONY: golden
golden: all test-build
	PW_GOLDEN_UPDATE=1 bash tests/e2e/t1000-golden.sh

# the same build under ASan + UBSan (its own tree, never mixed with build/)
.PHONY: test-asan test-asan-build test-tsan-build
test-tsan-build:
	$(MAKE) B=$(TSAN_B) EXTRA_CFLAGS="$(TSAN_FLAGS)" $(TSAN_B)/perfwhiz.so $(TSAN_B)/perfwhiz-dash
test-asan-build:
	$(MAKE) B=$(ASAN_B) EXTRA_CFLAGS="$(SAN_FLAGS)" all test-build
test-asan: test-asan-build
	BUILD=$(CURDIR)/$(ASAN_B) PW_SANITIZE=1 ASAN_OPTIONS=abort_on_error=1 \
		UBSAN_OPTIONS=abort_on_error=1:print_stacktrace=1 tests/run

bench: deps
	$(MAKE) all test-build
	@if [ -x tests/bench/run ]; then tests/bench/run; else echo "bench: no benchmark yet" >&2; exit 1; fi

check-spdx:
	@bad=$$(git ls-files | grep -E '\.(c|h|sh|js|css|mk|py)$$|Makefile|scripts/|tests/run|\.ci/' | \
		while read -r f; do head -n 3 "$$f" | grep -q SPDX-License-Identifier || echo "$$f"; done); \
	if [ -n "$$bad" ]; then echo "no SPDX line in: $$bad" >&2; exit 1; fi

# perf finds dlfilters by name in $(perf --exec-path)/dlfilters and lists
# scripts/*/bin/*-report for `perf script -l`: install there, or under
# PREFIX/libexec/perf-core when PREFIX is given (PERFDIR overrides both).
PERFDIR ?= $(if $(filter command line environment,$(origin PREFIX)),$(PREFIX)/libexec/perf-core,$(or $(shell perf --exec-path 2>/dev/null),$(PREFIX)/libexec/perf-core))
# the docs, laid out as in the tree so that their links hold
DOC_FILES := README.md LICENSE LICENSES/Apache-2.0.txt LICENSES/GPL-2.0-only.txt \
	tests/README $(wildcard docs/*.md)
INSTALLED := $(BINDIR)/perfwhiz-dash $(PERFDIR)/dlfilters/perfwhiz.so \
	$(PERFDIR)/scripts/perfwhiz/bin/perfwhiz-record \
	$(PERFDIR)/scripts/perfwhiz/bin/perfwhiz-report \
	$(MANDIR)/man1/perfwhiz-dash.1 $(MANDIR)/man7/perfwhiz.7 \
	$(addprefix $(DOCDIR)/,$(DOC_FILES))

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PERFDIR)/dlfilters \
		$(DESTDIR)$(PERFDIR)/scripts/perfwhiz/bin $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/LICENSES \
		$(DESTDIR)$(DOCDIR)/tests
	install -m 755 $(B)/perfwhiz-dash $(DESTDIR)$(BINDIR)/
	install -m 755 $(B)/perfwhiz.so $(DESTDIR)$(PERFDIR)/dlfilters/
	install -m 755 perf-scripts/perfwhiz-record perf-scripts/perfwhiz-report \
		$(DESTDIR)$(PERFDIR)/scripts/perfwhiz/bin/
	install -m 644 docs/man/perfwhiz-dash.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 docs/man/perfwhiz.7 $(DESTDIR)$(MANDIR)/man7/
	for f in $(DOC_FILES); do install -m 644 $$f $(DESTDIR)$(DOCDIR)/$$f || exit 1; done

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(PERFDIR)/scripts/perfwhiz/bin $(DESTDIR)$(PERFDIR)/scripts/perfwhiz \
		$(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/LICENSES $(DESTDIR)$(DOCDIR)/tests \
		$(DESTDIR)$(DOCDIR) 2>/dev/null

# list what install puts where (the install test checks it file by file)
.PHONY: install-list demo
install-list:
	@printf '%s\n' $(INSTALLED)

# the README's first command: capture, convert, both dashboards
demo: deps
	$(MAKE) all $(B)/mkperfdata $(B)/pw-workload
	@scripts/demo

clean:
	rm -rf $(B)

-include $(shell find $(B) -path $(ASAN_B) -prune -o -name '*.d' -type f -print 2>/dev/null)
