# SPDX-License-Identifier: Apache-2.0
# dashgen/web/web.mk: embeds the dashboards' shell, CSS, JS and d3 into perfwhiz-dash (PW_HTML_OBJ).
#
# Included by dashgen/dashgen.mk and tests/browser/browser.mk (the top
# Makefile includes only */*.mk); the guard makes a second include a no-op.
# perfwhiz-dash links $(PW_HTML_OBJ) (html.o + the generated assets) with
# $(B)/libpwcommon.a and -lz.
ifndef PW_WEB_MK
PW_WEB_MK := 1

PW_WEB_D3     := dashgen/web/node_modules/d3/dist/d3.min.js
PW_WEB_ASSETS := page_html=dashgen/web/page.html dash_css=dashgen/web/dash.css \
                 common_js=dashgen/web/common.js charts_js=dashgen/web/charts.js \
                 heatmaps_js=dashgen/web/heatmaps.js \
                 d3_js=$(PW_WEB_D3)
PW_WEB_FILES  := $(foreach a,$(PW_WEB_ASSETS),$(lastword $(subst =, ,$(a))))
PW_HTML_OBJ   := $(B)/dashgen/html.o $(B)/dashgen/web_assets.o

$(B)/dashgen/web_assets.c: dashgen/web/embed.sh dashgen/web/web.mk $(PW_WEB_FILES)
	@mkdir -p $(@D)
	dashgen/web/embed.sh $@ $(PW_WEB_ASSETS)

$(B)/dashgen/web_assets.o: $(B)/dashgen/web_assets.c dashgen/web_assets.h
	$(CC) $(ALL_CFLAGS) -Idashgen -c -o $@ $<

# d3 comes from npm (package-lock.json pins it); only when missing
$(PW_WEB_D3):
	scripts/deps

endif
