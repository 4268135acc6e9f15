# SPDX-License-Identifier: GPL-2.0-only
# plugin/plugin.mk: build/perfwhiz.so, the perf dlfilter, and its unit tests.
#
# libtraceevent is linked statically and its symbols kept local
# (--exclude-libs): perf 6.1 exports its own older tep_* functions, which
# would otherwise take the place of the library's (same names, other layouts).
# Only perf's entry points are exported (-fvisibility=hidden elsewhere).

PLUGIN_SRC := plugin/perfwhiz.c plugin/perfdata.c plugin/tpformat.c
PLUGIN_OBJ := $(PLUGIN_SRC:%.c=$(B)/pic/%.o)
PLUGIN_LIBS := -Wl,-Bstatic -ltraceevent -Wl,-Bdynamic $(LDLIBS_ZM)

$(B)/perfwhiz.so: $(PLUGIN_OBJ) $(B)/libpwcommon-pic.a
	@mkdir -p $(@D)
	$(CC) $(EXTRA_CFLAGS) -shared -o $@ $(PLUGIN_OBJ) $(B)/libpwcommon-pic.a $(PLUGIN_LIBS) \
		-Wl,--exclude-libs,ALL -Wl,-z,defs -Wl,-z,now

# the parser and the formats, for unit tests and fuzzing (not PIC)
$(B)/libpwplugin.a: $(B)/plugin/perfdata.o $(B)/plugin/tpformat.o
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# unit-plugin: linked with the plugin's own objects too; it dlopen()s perfwhiz.so
$(B)/tests/unit-plugin: tests/unit/unit-plugin.c $(B)/libpwplugin.a $(B)/libpwcommon.a $(B)/perfwhiz.so
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Iplugin -o $@ $< $(B)/libpwplugin.a \
		$(B)/libpwcommon.a -ltraceevent $(LDLIBS_ZM) -ldl
all: $(B)/perfwhiz.so
