# SPDX-License-Identifier: Apache-2.0
# dashgen/web/web.mk: embeds the dashboards' shell, CSS, JS and d3 into
# perfwhiz-dash (PW_HTML_OBJ: html.o and the generated assets).
#
# d3 comes from npm through `make deps` (package-lock.json pins it); a build
# never reaches the network: without it, the build stops and says so.

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

$(PW_WEB_D3):
	@echo "missing '$@': run 'make deps' (it installs d3 from npm)" >&2; exit 1
