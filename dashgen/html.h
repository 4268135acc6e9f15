// SPDX-License-Identifier: Apache-2.0
// html.h: writes perfwhiz's self-contained HTML dashboards from the --json document.
//
// A dashboard is one file: the page shell (dashgen/web/page.html) with the
// CSS, d3 and the page's JS inline, and one data document embedded as
// zlib (libdeflate; level 6, 1 past 1 MiB, in parts of ~2 MiB past 1 MiB,
// each its own stream) -> base64 (the parts' texts joined by ",") in a
// <script type="application/octet-stream">,
// inflated by the browser's DecompressionStream('deflate'). The page renders
// itself from that document; nothing is fetched, ever.
//
// The embedded document is
//	{"page": {"kind": "charts", "title": ..., "reason_order": [...]},
//	 "data": <the --json document, byte for byte>}
// and a page may add one member of its own (the heatmaps page: "heat").
// where reason_order lists every KVM exit reason name common/kvm_reasons
// knows (VMX table order, then SVM): the fixed global order the page ranks
// reasons by to give each one the same color in every chart and run.
//
// Invariants:
// - Same input, same bytes: no clock, no random value, the zlib level a
//   function of the document's size.
// - Nothing trace-derived can end a <script>: the data is base64, the JS and
//   CSS assets have every "</" written "<\/", the title is HTML-escaped.
// - The file appears complete or not at all: written to an O_EXCL temporary
//   file beside out_path, then renamed over it.
//
// Usage:
//	const char *json = "{\"runs\":[]}";	// the --json document
//	struct pw_html_opts o = PW_HTML_OPTS_INIT;
//	o.title = "x";
//	if (pw_html_write_charts("x-charts.html", json, strlen(json), &o))
//		die("cannot write 'x-charts.html': %s", strerror(errno));
#ifndef PW_HTML_H
#define PW_HTML_H

#include <stddef.h>

struct pw_html_opts {
	const char *title;	// the page's <title> (borrowed; NULL: "perfwhiz");
				// trace-derived text is fine: it is escaped
};

#define PW_HTML_OPTS_INIT { .title = NULL }

// pw_html_write_charts: write the basic dashboard (CPU and switches, KVM
// exits, CoreMap) to out_path from json (json_len bytes, the --json
// document; borrowed, need not be NUL-terminated). o may be NULL.
// Returns 0, PW_ENOMEM, PW_EINVAL (empty json) or PW_EIO (errno says why;
// nothing is left under out_path or beside it).
int pw_html_write_charts(const char *out_path, const char *json,
			 size_t json_len, const struct pw_html_opts *o);

// The building block of every dashboard: the shell with one page script.
// kind names the page ("charts", "heatmaps"): the page JS reads it back
// from the document's "page".
struct pw_html_page {
	const char *kind;
	const unsigned char *js;	// the page's own JS (an asset)
	size_t js_len;
	const char *extra_key;		// NULL, or a third member of the
	const char *extra;		// document: "extra_key": extra (JSON,
	size_t extra_len;		// extra_len bytes; borrowed)
};

// pw_html_write_page: as pw_html_write_charts, for any page.
int pw_html_write_page(const char *out_path, const struct pw_html_page *page,
		       const char *json, size_t json_len,
		       const struct pw_html_opts *o);

// pw_html_write_heatmaps: the detailed dashboard (heatmaps.js) from the
// --json document and the heatmap document (heat, heat_len bytes: the
// {"version", ..., "runs": [...]} object of dashgen/heatmap.h; borrowed).
// Same returns as pw_html_write_charts.
int pw_html_write_heatmaps(const char *out_path, const char *json,
			   size_t json_len, const char *heat, size_t heat_len,
			   const struct pw_html_opts *o);

// pw_html_out_path: where perfwhiz-dash writes a dashboard:
// "DIR/NAME-KIND.html", DIR = outdir, else the folder of first_file ("." when
// it has none). '/' and control characters of name (a --label, a run name)
// become '_'. Caller frees with free(); NULL when out of memory.
char *pw_html_out_path(const char *outdir, const char *first_file,
		       const char *name, const char *kind);

// pw_html_open: open path in the desktop's browser (xdg-open, detached,
// its output discarded) when there is a display (DISPLAY or
// WAYLAND_DISPLAY). Returns 0 when started, PW_EINVAL without a display,
// PW_EIO when it could not be started. Never waits for the browser.
int pw_html_open(const char *path);

#endif
