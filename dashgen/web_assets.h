// SPDX-License-Identifier: Apache-2.0
// web_assets.h: the dashboards' template, CSS, JS and d3, embedded into perfwhiz-dash at build time.
//
// The bytes are the files under dashgen/web/ (and d3.min.js from
// dashgen/web/node_modules, pinned by package-lock.json), turned into C by
// dashgen/web/embed.sh through dashgen/web/web.mk; build/dashgen/web_assets.o
// defines them. Each array holds the file's bytes plus a terminating NUL;
// _len is the file's size without it. Only dashgen/html.c reads them.
//
// Adding an asset: a NAME=FILE pair in PW_WEB_ASSETS (web.mk) and its two
// declarations here.
#ifndef PW_WEB_ASSETS_H
#define PW_WEB_ASSETS_H

#include <stddef.h>

// page.html: the page shell shared by every dashboard, with <!--pw:...--> slots
extern const unsigned char pw_asset_page_html[];
extern const size_t pw_asset_page_html_len;
// dash.css: the dashboards' style
extern const unsigned char pw_asset_dash_css[];
extern const size_t pw_asset_dash_css_len;
// common.js: data loading, header, tabs, tooltips, tables, formats, colors
extern const unsigned char pw_asset_common_js[];
extern const size_t pw_asset_common_js_len;
// charts.js: the basic dashboard (NAME-charts.html)
extern const unsigned char pw_asset_charts_js[];
extern const size_t pw_asset_charts_js_len;
// heatmaps.js: the detailed dashboard (NAME-heatmaps.html)
extern const unsigned char pw_asset_heatmaps_js[];
extern const size_t pw_asset_heatmaps_js_len;
// d3.min.js (d3 v7, from npm)
extern const unsigned char pw_asset_d3_js[];
extern const size_t pw_asset_d3_js_len;

#endif
