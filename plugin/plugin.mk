# SPDX-License-Identifier: GPL-2.0-only
# plugin/plugin.mk: build/perfwhiz.so, the perf dlfilter, and
# build/libpwplugin.a (its perf.data and format parsers, not PIC, for the
# unit tests and the fuzz targets).
#
# libtraceevent is linked statically and its symbols kept local
# (--exclude-libs): perf 6.1 exports its own older tep_* functions, which
# would otherwise take the place of the library's (same names, other layouts).
# Only perf's entry points are exported (-fvisibility=hidden elsewhere).

PLUGIN_SRC := $(wildcard plugin/*.c)
PLUGIN_OBJ := $(PLUGIN_SRC:%.c=$(B)/pic/%.o)
PLUGIN_LIBS := -Wl,-Bstatic -ltraceevent -Wl,-Bdynamic $(LDLIBS_ZM)

$(B)/perfwhiz.so: $(PLUGIN_OBJ) $(B)/libpwcommon-pic.a
	@mkdir -p $(@D)
	$(CC) $(EXTRA_CFLAGS) $(LDFLAGS) -shared -o $@ $(PLUGIN_OBJ) $(B)/libpwcommon-pic.a $(PLUGIN_LIBS) \
		-Wl,--exclude-libs,ALL -Wl,-z,defs -Wl,-z,now

$(B)/libpwplugin.a: $(B)/plugin/perfdata.o $(B)/plugin/tpformat.o
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

all: $(B)/perfwhiz.so
