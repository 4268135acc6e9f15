# SPDX-License-Identifier: Apache-2.0
# dashgen/dashgen.mk: build/perfwhiz-dash, and build/libpwdash.a (all of it
# but main(): the analysis, statistics and writers, for the unit tests).
# Needs dashgen/web/web.mk (PW_HTML_OBJ) included before it.

DASH_SRC := $(filter-out dashgen/main.c,$(wildcard dashgen/*.c))
DASH_OBJ := $(DASH_SRC:%.c=$(B)/%.o) $(PW_HTML_OBJ)

$(B)/libpwdash.a: $(DASH_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/perfwhiz-dash: $(B)/dashgen/main.o $(B)/libpwdash.a $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS_ZM) -lm

all: $(B)/perfwhiz-dash
