// SPDX-License-Identifier: Apache-2.0
// html.c: writes the self-contained HTML dashboards (page shell, inline CSS/JS, zlib+base64 data).
//
// See html.h for the page layout. The shell (dashgen/web/page.html) holds
// slots written <!--pw:NAME-->:
//	title    the page title, HTML-escaped
//	style    dash.css, inside the shell's <style>
//	scripts  d3, common.js and the page's JS, each in its own <script>
//	data     the document, zlib -> base64 (only [A-Za-z0-9+/=])
#include "html.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>

#include "cdict.h"
#include "kvm_reasons.h"
#include "memfile.h"
#include "outfile.h"
#include "pw_error.h"
#include "pw_thread.h"
#include "web_assets.h"

// libdeflate, zlib format (what DecompressionStream('deflate') reads). The
// level depends on the document's size only, so the same input gives the
// same bytes: small documents get the better ratio, big ones the speed
// (docs/decisions.md, "Page data at deflate level 6, or 1 past 1 MiB").
#define PW_HTML_ZLEVEL_SMALL 6
#define PW_HTML_ZLEVEL_BIG 1
#define PW_HTML_ZSMALL (1u << 20)	// up to this size, _SMALL
// A big document is deflated in parts of about PW_HTML_ZPART bytes, each
// its own zlib stream, on up to PW_HTML_ZTHREADS threads (the number of
// parts, hence the bytes, depends on the size only): the page joins their
// inflated bytes. A part ends before an ASCII byte, so no UTF-8 sequence
// is cut (docs/decisions.md, "Work after the pass on both cores").
#define PW_HTML_ZPART (2u << 20)
#define PW_HTML_ZTHREADS 4

// A JSON string of the page's own text (its kind, title and the reason
// names): the bytes as they are, but for '"' and '\\' escaped, and control
// characters, '<', '>', '&' and DEL as \u00XX, so that the text stays inert
// wherever it ends up. Deliberately not pw_json_string (export.h), which
// also repairs UTF-8 and writes \n, \t and \r short: a title with such
// bytes would give other bytes (the same page once parsed).
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&' || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

// The document into f: {"page": {...}, "data": json} and the page's own
// member, if it has one.
static void make_doc(FILE *f, const struct pw_html_page *page, const char *title,
		     const char *json, size_t json_len)
{
	static const uint32_t isas[] = { PW_ISA_VMX, PW_ISA_SVM };

	fputs("{\"page\":{\"kind\":", f);
	json_str(f, page->kind);
	fputs(",\"title\":", f);
	json_str(f, title);
	fputs(",\"reason_order\":[", f);
	int first = 1;
	for (size_t k = 0; k < sizeof(isas) / sizeof(*isas); k++) {
		size_t n = pw_kvm_reason_table(isas[k], 0, NULL);
		for (size_t i = 0; i < n; i++) {
			uint32_t code;
			pw_kvm_reason_table(isas[k], i, &code);
			const char *name = pw_kvm_reason_known(isas[k], code);
			if (!name)
				continue;
			if (!first)
				fputc(',', f);
			first = 0;
			json_str(f, name);
		}
	}
	fputs("]},\"data\":", f);
	fwrite(json, 1, json_len, f);
	if (page->extra_key && page->extra) {
		fputc(',', f);
		json_str(f, page->extra_key);
		fputc(':', f);
		fwrite(page->extra, 1, page->extra_len, f);
	}
	fputc('}', f);
}

static void put(struct pw_out *o, const void *p, size_t n)
{
	if (n)
		fwrite(p, 1, n, o->f);
}

static void put_s(struct pw_out *o, const char *s)
{
	put(o, s, strlen(s));
}

// HTML text: & < > " ' escaped.
static void put_html(struct pw_out *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': put_s(o, "&amp;"); break;
		case '<': put_s(o, "&lt;"); break;
		case '>': put_s(o, "&gt;"); break;
		case '"': put_s(o, "&quot;"); break;
		case '\'': put_s(o, "&#39;"); break;
		default: put(o, s, 1);
		}
	}
}

// JS or CSS inside <script>/<style>: "</" -> "<\/" and "<!--" -> "<\!--",
// so no byte sequence can close the element or open an HTML comment. Both
// are the same text inside JS strings and regexes (and CSS strings), which
// is the only place our sources and d3 have them.
static void put_raw_text(struct pw_out *o, const unsigned char *p, size_t n)
{
	size_t from = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '<')
			continue;
		if (p[i + 1] == '/' ||
		    (p[i + 1] == '!' && i + 3 < n && p[i + 2] == '-' &&
		     p[i + 3] == '-')) {
			put(o, p + from, i + 1);
			put(o, "\\", 1);
			from = i + 1;
		}
	}
	put(o, p + from, n - from);
}

static void put_script(struct pw_out *o, const unsigned char *js, size_t n)
{
	put_s(o, "<script>");
	put_raw_text(o, js, n);
	put_s(o, "</script>\n");
}

// base64 of p[0..n) into out (4 * ceil(n / 3) bytes); its length
static size_t base64(const unsigned char *p, size_t n, char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t k = 0, i = 0;

	// whole groups of 3 bytes, then the padded tail
	for (; i + 3 <= n; i += 3, k += 4) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[k] = tab[v >> 18];
		out[k + 1] = tab[v >> 12 & 63];
		out[k + 2] = tab[v >> 6 & 63];
		out[k + 3] = tab[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
		out[k++] = tab[v >> 18];
		out[k++] = tab[v >> 12 & 63];
		out[k++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[k++] = '=';
	}
	return k;
}

// One part of the document: deflated, then base64, by whichever thread
// takes it.
struct zpart {
	const unsigned char *p;
	size_t n;
	char *b64;		// malloc'd; NULL: not done (out of memory)
	size_t b64_len;
};

struct zjob {
	struct zpart *parts;
	size_t nparts;
	int level;
	atomic_size_t next;	// the next part to take
};

static void zpart_do(struct zpart *z, struct libdeflate_compressor *c)
{
	size_t bound = libdeflate_zlib_compress_bound(c, z->n);
	unsigned char *d = malloc(bound);
	// 0 only when the output does not fit, which the bound rules out
	size_t dn = d ? libdeflate_zlib_compress(c, z->p, z->n, d, bound) : 0;

	if (dn && (z->b64 = malloc((dn + 2) / 3 * 4)))
		z->b64_len = base64(d, dn, z->b64);
	free(d);
}

static void *zwork(void *arg)
{
	struct zjob *j = arg;
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(j->level);

	for (size_t i; c && (i = atomic_fetch_add(&j->next, 1)) < j->nparts;)
		zpart_do(&j->parts[i], c);
	libdeflate_free_compressor(c);
	return NULL;
}

static void zparts_free(struct zpart *z, size_t n)
{
	for (size_t i = 0; z && i < n; i++)
		free(z[i].b64);
	free(z);
}

// doc deflated and base64'd into *parts (*nparts of them): 0, or
// PW_ENOMEM (*parts NULL)
static int deflate_doc(const char *doc, size_t len, struct zpart **parts, size_t *nparts)
{
	const unsigned char *p = (const unsigned char *)doc;
	int small = len <= PW_HTML_ZSMALL;
	size_t n = small ? 1 : (len + PW_HTML_ZPART - 1) / PW_HTML_ZPART;
	struct zjob j = { .level = small ? PW_HTML_ZLEVEL_SMALL : PW_HTML_ZLEVEL_BIG };
	struct zpart *z = calloc(n, sizeof(*z));

	*parts = NULL;
	*nparts = 0;
	if (!z)
		return PW_ENOMEM;
	size_t at = 0, k = 0;
	for (; k < n && at < len; k++) {	// cut before an ASCII byte
		size_t end = k + 1 == n ? len : (k + 1) * (len / n);
		if (end <= at)
			end = at + 1;
		while (end < len && p[end] >= 0x80)
			end++;
		z[k].p = p + at;
		z[k].n = end - at;
		at = end;
	}
	j.parts = z;
	j.nparts = k;
	atomic_init(&j.next, 0);

	size_t nth = k < PW_HTML_ZTHREADS ? k : PW_HTML_ZTHREADS, ncpu = pw_cpus_usable();
	if (ncpu < nth)
		nth = ncpu;
	pthread_t th[PW_HTML_ZTHREADS];
	size_t started = 0;
	for (; started + 1 < nth; started++)	// this thread is one of them
		if (pw_thread_start(&th[started], zwork, &j))
			break;	// fewer threads: the same parts, the same bytes
	zwork(&j);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);

	for (size_t i = 0; i < k; i++)
		if (!z[i].b64) {
			zparts_free(z, k);
			return PW_ENOMEM;
		}
	*parts = z;
	*nparts = k;
	return 0;
}

// The shell with its slots filled (see the top of this file): 0, or
// PW_EINVAL when the shell is broken (our own, so: say so).
static int put_page(struct pw_out *out, const char *title, const struct pw_html_page *page,
		    const struct zpart *z, size_t nz)
{
	const char *tpl = (const char *)pw_asset_page_html;
	const char *end = tpl + pw_asset_page_html_len;

	while (tpl < end) {
		const char *slot = strstr(tpl, "<!--pw:");
		if (!slot) {
			put(out, tpl, (size_t)(end - tpl));
			break;
		}
		put(out, tpl, (size_t)(slot - tpl));
		const char *name = slot + 7;
		const char *close = strstr(name, "-->");
		if (!close)
			return PW_EINVAL;
		size_t nlen = (size_t)(close - name);
		if (nlen == 5 && !memcmp(name, "title", 5)) {
			put_html(out, title);
		} else if (nlen == 5 && !memcmp(name, "style", 5)) {
			put_raw_text(out, pw_asset_dash_css, pw_asset_dash_css_len);
		} else if (nlen == 7 && !memcmp(name, "scripts", 7)) {
			put_script(out, pw_asset_d3_js, pw_asset_d3_js_len);
			put_script(out, pw_asset_common_js, pw_asset_common_js_len);
			put_script(out, page->js, page->js_len);
		} else if (nlen == 4 && !memcmp(name, "data", 4)) {
			for (size_t i = 0; i < nz; i++) {	// the parts, ',' between
				if (i)
					put(out, ",", 1);
				put(out, z[i].b64, z[i].b64_len);
			}
		} else {
			return PW_EINVAL;
		}
		tpl = close + 3;
	}
	return 0;
}

int pw_html_write_page(const char *out_path, const struct pw_html_page *page,
		       const char *json, size_t json_len,
		       const struct pw_html_opts *o)
{
	const char *title = o && o->title ? o->title : "perfwhiz";
	struct zpart *z = NULL;
	size_t nz = 0, doc_len;
	struct pw_out out;
	char *doc;
	int err;

	if (!json || !json_len || !page || !page->kind || !page->js)
		return PW_EINVAL;
	FILE *df = pw_memfile_open(&doc, &doc_len);
	if (!df)
		return PW_ENOMEM;
	make_doc(df, page, title, json, json_len);
	if (ferror(df) | fclose(df)) {
		pw_memfile_free(doc);
		return PW_ENOMEM;
	}
	err = deflate_doc(doc, doc_len, &z, &nz);
	pw_memfile_free(doc);
	if (err)
		return err;
	err = pw_out_open(&out, out_path);
	if (err) {
		zparts_free(z, nz);
		return err;
	}
	err = put_page(&out, title, page, z, nz);
	zparts_free(z, nz);
	if (!err)
		err = pw_out_commit(&out);
	pw_out_release(&out);
	return err;
}

int pw_html_write_heatmaps(const char *out_path, const char *json,
			   size_t json_len, const char *heat, size_t heat_len,
			   const struct pw_html_opts *o)
{
	struct pw_html_page page = {
		.kind = "heatmaps",
		.js = pw_asset_heatmaps_js,
		.js_len = pw_asset_heatmaps_js_len,
		.extra_key = "heat",
		.extra = heat,
		.extra_len = heat_len,
	};

	return pw_html_write_page(out_path, &page, json, json_len, o);
}

int pw_html_write_charts(const char *out_path, const char *json,
			 size_t json_len, const struct pw_html_opts *o)
{
	struct pw_html_page page = {
		.kind = "charts",
		.js = pw_asset_charts_js,
		.js_len = pw_asset_charts_js_len,
	};

	return pw_html_write_page(out_path, &page, json, json_len, o);
}

char *pw_html_out_path(const char *outdir, const char *first_file,
		       const char *name, const char *kind)
{
	const char *dir = outdir, *slash = NULL;
	size_t dlen;

	if (!dir) {	// beside the first file; no folder: the current one
		slash = first_file ? strrchr(first_file, '/') : NULL;
		dir = slash ? first_file : "";
	}
	dlen = slash ? (size_t)(slash - first_file) : strlen(dir);
	if (slash && dlen == 0)
		dlen = 1;	// "/x.cdict": the root
	size_t n = dlen + 1 + strlen(name) + 1 + strlen(kind) + sizeof(".html");
	char *p = malloc(n);
	if (!p)
		return NULL;
	memcpy(p, dir, dlen);
	size_t k = dlen;
	if (k && p[k - 1] != '/')
		p[k++] = '/';
	for (const char *q = name; *q; q++)
		p[k++] = (*q == '/' || (unsigned char)*q < 0x20 || *q == 0x7f) ? '_' : *q;
	snprintf(p + k, n - k, "-%s.html", kind);
	return p;
}

extern char **environ;

int pw_html_open(const char *path)
{
	const char *d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
	char *argv[] = { (char *)"xdg-open", (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	if ((!d || !*d) && (!w || !*w))
		return PW_EINVAL;
	if (posix_spawn_file_actions_init(&fa))
		return PW_EIO;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	// xdg-open returns once the browser is started; it is not waited
	// for (a SIGCHLD default disposition leaves a zombie until we exit,
	// which is right after)
	return rc ? PW_EIO : 0;
}
