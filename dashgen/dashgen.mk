# SPDX-License-Identifier: Apache-2.0
# dashgen/dashgen.mk: build/perfwhiz-dash and its test tool build/tests/cdict-from-text.

DASH_SRC := dashgen/main.c dashgen/analysis.c dashgen/export.c dashgen/heatmap.c dashgen/memfile.c
include dashgen/web/web.mk	# issue 6: PW_HTML_OBJ, the HTML writer and the embedded web assets
DASH_OBJ := $(DASH_SRC:%.c=$(B)/%.o) $(PW_HTML_OBJ)

$(B)/perfwhiz-dash: $(DASH_OBJ) $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(DASH_OBJ) $(B)/libpwcommon.a $(LDLIBS_ZM) -lm

$(B)/tests/cdict-from-text: $(B)/dashgen/testtool-cdict-from-text.o $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libpwcommon.a $(LDLIBS_ZM)

all: $(B)/perfwhiz-dash $(B)/tests/cdict-from-text
test-unit: $(B)/tests/cdict-from-text
