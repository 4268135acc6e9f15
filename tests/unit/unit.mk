# SPDX-License-Identifier: Apache-2.0
# tests/unit/unit.mk: the C unit tests, build/tests/unit-NAME from
# tests/unit/unit-NAME.c (tests/run runs every one). They may use the
# format library and perfwhiz-dash's parts; unit-plugin has its own rule
# (plugin/plugin.mk).

UNIT_SRC := $(filter-out tests/unit/unit-plugin.c,$(wildcard tests/unit/unit-*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

$(B)/tests/unit-%: tests/unit/unit-%.c $(B)/libpwdash.a $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Idashgen $(LDFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS_ZM) -lm

test-build: $(UNIT_BIN) $(B)/tests/unit-plugin

# unit-plugin: linked with the plugin's parsers too; it dlopen()s perfwhiz.so
$(B)/tests/unit-plugin: tests/unit/unit-plugin.c $(B)/libpwplugin.a $(B)/libpwcommon.a $(B)/perfwhiz.so
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Iplugin $(LDFLAGS) -o $@ $< $(B)/libpwplugin.a \
		$(B)/libpwcommon.a -ltraceevent $(LDLIBS_ZM) -ldl
