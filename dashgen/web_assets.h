// SPDX-License-Identifier: Apache-2.0
// web_assets.h: the dashboards' template, CSS, JS and d3, embedded into perfwhiz-dash at build time.
//
// The bytes are the files under dashgen/web/ (and d3.min.js from
// dashgen/web/node_modules, pinned by package-lock.json), turned into C by
// dashgen/web/embed.sh through dashgen/web/web.mk; build/dashgen/web_assets.o
// defines them. Each array holds the file's bytes plus a terminating NUL;
// _len is the file's size without it. Only dashgen/html.c reads them.
//
// Adding an asset: a NAME=FILE pair in PW_WEB_ASSETS (web.mk) and a
// PW_ASSET(NAME) line here.
#ifndef PW_WEB_ASSETS_H
#define PW_WEB_ASSETS_H

#include <stddef.h>

// pw_asset_NAME[] (the bytes and a NUL) and pw_asset_NAME_len
#define PW_ASSET(name) \
	extern const unsigned char pw_asset_##name[]; \
	extern const size_t pw_asset_##name##_len;

PW_ASSET(page_html)	// page.html: the shell of every dashboard, with <!--pw:...--> slots
PW_ASSET(dash_css)	// dash.css: the dashboards' style
PW_ASSET(common_js)	// common.js: data loading, header, tabs, tooltips, tables, formats, colors
PW_ASSET(charts_js)	// charts.js: the basic dashboard (NAME-charts.html)
PW_ASSET(heatmaps_js)	// heatmaps.js: the detailed dashboard (NAME-heatmaps.html)
PW_ASSET(d3_js)		// d3.min.js (d3 v7, from npm)

#endif
