// SPDX-License-Identifier: Apache-2.0
// common.js: what every perfwhiz dashboard shares: data loading, header, tabs, tooltips, tables, formats, colors.
//
// A page script (charts.js, heatmaps.js) calls
//	PW.start(function (doc) { ... PW.tabs([...]); });
// doc is the embedded document: doc.page (kind, title, reason_order) and
// doc.data (the perfwhiz-dash --json document).
//
// Every text that comes from a trace (task names, comms, host names, the
// label) is set with textContent or d3's .text(), never as HTML: PW.el()
// takes text only.
'use strict';

const PW = (function () {
	const nfInt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

	// ---- formats -------------------------------------------------------
	// counts: 12,345; percentages: 12.35 (2 decimals); times from ns.
	function int(v) { return nfInt.format(v); }
	function pct(v, d) { return (+v).toFixed(d === undefined ? 2 : d); }
	// ms with 3 decimals (µs): what tables show
	function ms(ns) { return (ns / 1e6).toFixed(3); }
	// exact: ns as ms with 6 decimals, grouped ("1,234.567890 ms")
	function msExact(ns) {
		const whole = Math.floor(ns / 1e6), frac = ns - whole * 1e6;
		return nfInt.format(whole) + '.' + String(frac).padStart(6, '0') + ' ms';
	}
	// a duration for people: 850 ns, 12.3 µs, 4.56 ms, 1.234 s
	function dur(ns) {
		if (ns < 1e3) return ns + ' ns';
		if (ns < 1e6) return (ns / 1e3).toFixed(ns < 1e4 ? 2 : 1) + ' µs';
		if (ns < 1e9) return (ns / 1e6).toFixed(ns < 1e7 ? 3 : 2) + ' ms';
		return (ns / 1e9).toFixed(3) + ' s';
	}
	function date(unixSeconds) {
		if (!unixSeconds) return 'unknown';
		return new Date(unixSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
	}

	// ---- DOM -----------------------------------------------------------
	// el('td', {class: 'num'}, '12'): text is always text
	function el(tag, attrs, text) {
		const e = document.createElement(tag);
		if (attrs) for (const k in attrs) {
			if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
		}
		if (text !== undefined && text !== null) e.textContent = String(text);
		return e;
	}
	function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }

	// ---- loading -------------------------------------------------------
	// the data: one or more zlib streams in base64, ',' between them (a
	// big document is deflated in parts: dashgen/html.c); their inflated
	// bytes, joined, are the document's UTF-8 text
	function inflatePart(b64) {
		const bin = atob(b64);
		const bytes = new Uint8Array(bin.length);
		for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
		const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
		return new Response(stream).arrayBuffer();
	}
	async function inflate(text) {
		const parts = await Promise.all(text.replace(/\s+/g, '').split(',').map(inflatePart));
		return new Blob(parts).text();
	}

	function fail(err) {
		const main = document.getElementById('pw-main');
		clear(main).appendChild(el('p', { class: 'pw-error' }, 'cannot show this dashboard: ' + err));
		throw err;
	}

	function start(render) {
		const node = document.getElementById('pw-data');
		inflate(node.textContent).then(function (text) {
			const doc = JSON.parse(text);
			PW.doc = doc;
			render(doc);
			document.body.setAttribute('data-ready', '1');
		}).catch(fail);
	}

	// ---- header --------------------------------------------------------
	function header(doc, what) {
		const h = clear(document.getElementById('pw-header'));
		const data = doc.data, runs = data.runs;
		const title = data.label || runs.map(function (r) { return r.name; }).join(' vs ');
		document.title = title + ' · perfwhiz';
		const h1 = el('h1', null, title);
		h1.appendChild(el('span', { class: 'pw-sub' }, what + ' · perfwhiz ' + data.perfwhiz));
		h.appendChild(h1);
		const t = el('table', { class: 'pw-runs' });
		const cols = [
			['run', function (r) { return r.name; }],
			['window', function (r) {
				let s = dur(r.window_ns);
				if (r.covered_ns && r.covered_ns < r.window_ns) s += ' (data covers ' + dur(r.covered_ns) + ')';
				return s;
			}],
			['host', function (r) { return r.meta.hostname || 'unknown'; }],
			['kernel', function (r) { return r.meta.kernel || 'unknown'; }],
			['nr_cpus', function (r) { return r.nr_cpus; }],
			['captured', function (r) { return date(r.meta.capture_time); }],
			['written by', function (r) {
				const w = r.meta.writer;
				if (w) return /^perfwhiz/.test(w) ? w : 'perfwhiz ' + w;
				return r.quality.legacy ? 'perfwhiz (legacy)' : 'unknown';
			}],
			['file', function (r) { return r.file; }],
		];
		const hr = t.appendChild(el('thead')).appendChild(el('tr'));
		cols.forEach(function (c) { hr.appendChild(el('th', null, c[0])); });
		const tb = t.appendChild(el('tbody'));
		runs.forEach(function (r) {
			const tr = tb.appendChild(el('tr', { class: 'pw-run' }));
			cols.forEach(function (c) { tr.appendChild(el('td', { 'data-col': c[0] }, c[1](r))); });
		});
		h.appendChild(t);
		const note = qualityNote(doc);
		if (note) h.appendChild(note);
	}

	// What makes figures less than exact. Slices clipped at the window edges
	// and events outside the window are normal and not reported.
	const QUALITY = [
		['truncated', 'the file stops short of its end (capture cut short): figures cover what was written'],
		['legacy', 'a legacy perfwhiz file: no switch states, no KVM data'],
		['failed_validation', 'samples the plugin refused (malformed records)'],
		['unknown_state_switches', 'switches without a previous state: counted, but neither voluntary nor involuntary'],
		['switch_mismatch', 'switches whose previous task differs from the task switched in before (lost events?)'],
		['kvm_exits_without_entry', 'KVM exits without a matching entry'],
		['kvm_entries_without_exit', 'KVM entries without a matching exit'],
		['tid_reuse', 'thread ids reused by another process'],
		['legacy_skipped', 'legacy rows of unknown event types skipped'],
		['time_backwards', 'events earlier than the one before them on their CPU: their time is taken as it is'],
	];
	// how the conversion ended, when it says something is missing
	const CONVERSION = {
		interrupted: 'the conversion was interrupted by a signal: figures cover what was converted',
		perf_failed: 'perf stopped before the end of the capture: figures cover part of it',
		unchecked: 'whether the conversion saw the whole capture was not checked',
	};
	function qualityNote(doc) {
		const items = [];
		doc.data.runs.forEach(function (r) {
			const q = r.quality || {};
			const where = doc.data.runs.length > 1 ? 'run ' + r.name + ': ' : '';
			QUALITY.forEach(function (k) {
				const v = q[k[0]];
				if (v === true) items.push(where + k[1]);
				else if (typeof v === 'number' && v > 0) items.push(where + int(v) + ' ' + k[1]);
			});
			if (Object.prototype.hasOwnProperty.call(CONVERSION, q.conversion))
				items.push(where + CONVERSION[q.conversion] + (q.conversion_detail ? ' (' + q.conversion_detail + ')' : ''));
			if (r.scale && r.scale > 1.000001)
				items.push(where + 'the capture (' + dur(r.covered_ns) + ') is shorter than the window asked (' +
					dur(r.window_ns) + '): percentages are of the covered time, counts are not scaled');
		});
		if (!items.length) return null;
		const d = el('div', { class: 'pw-note', id: 'pw-quality', role: 'note' });
		d.appendChild(el('b', null, 'Data quality: '));
		d.appendChild(document.createTextNode(items.length + (items.length === 1 ? ' issue' : ' issues')));
		const ul = d.appendChild(el('ul'));
		items.forEach(function (s) { ul.appendChild(el('li', null, s)); });
		return d;
	}

	// ---- tabs ----------------------------------------------------------
	// defs: [{id, title, render(panel)}]; each panel is drawn the first time
	// it is shown (its size is known then).
	function tabs(defs) {
		const nav = clear(document.getElementById('pw-tabs'));
		const main = clear(document.getElementById('pw-main'));
		const panels = {};
		function show(id) {
			defs.forEach(function (d) {
				const on = d.id === id;
				d.button.setAttribute('aria-selected', on ? 'true' : 'false');
				panels[d.id].hidden = !on;
				if (on && !d.drawn) { d.drawn = true; d.render(panels[d.id]); }
			});
			hideTip();
		}
		defs.forEach(function (d) {
			d.button = nav.appendChild(el('button', { role: 'tab', id: 'tab-' + d.id, 'data-tab': d.id }, d.title));
			d.button.addEventListener('click', function () { show(d.id); });
			panels[d.id] = main.appendChild(el('section', { class: 'pw-panel', id: 'panel-' + d.id, role: 'tabpanel' }));
			panels[d.id].hidden = true;
		});
		if (defs.length) show(defs[0].id);
		return { show: show };
	}

	// ---- tooltip -------------------------------------------------------
	// showTip(event, title, [[label, value], ...])
	function showTip(ev, title, rows) {
		const tt = clear(document.getElementById('pw-tooltip'));
		tt.appendChild(el('div', { class: 'tt-title' }, title));
		const t = tt.appendChild(el('table'));
		(rows || []).forEach(function (r) {
			const tr = t.appendChild(el('tr'));
			tr.appendChild(el('td', null, r[0]));
			tr.appendChild(el('td', { class: 'v' }, r[1]));
		});
		tt.hidden = false;
		moveTip(ev);
	}
	function moveTip(ev) {
		const tt = document.getElementById('pw-tooltip');
		if (tt.hidden) return;
		const w = tt.offsetWidth, h = tt.offsetHeight;
		let x = ev.clientX + 14, y = ev.clientY + 14;
		if (x + w > window.innerWidth - 4) x = Math.max(4, ev.clientX - w - 14);
		if (y + h > window.innerHeight - 4) y = Math.max(4, ev.clientY - h - 14);
		tt.style.left = x + 'px';
		tt.style.top = y + 'px';
	}
	function hideTip() { document.getElementById('pw-tooltip').hidden = true; }
	// d3 selection helper: tip(sel, d => [title, rows])
	function tip(sel, f) {
		sel.on('mouseenter', function (ev, d) { const r = f(d); showTip(ev, r[0], r[1]); })
			.on('mousemove', moveTip)
			.on('mouseleave', hideTip);
		return sel;
	}

	// ---- table ---------------------------------------------------------
	// table(parent, {id, columns: [{key, title, value(row), text(row)?, num?,
	// total?: 'sum' | function(rows)}], rows, sort: {key, desc}, filter:
	// row -> text to match, limit: rows shown before "show all"})
	function table(parent, opt) {
		const wrapTop = parent.appendChild(el('div', { class: 'pw-controls' }));
		let filterText = '';
		if (opt.filter) {
			wrapTop.appendChild(el('label', { for: opt.id + '-filter' }, 'Filter'));
			const inp = wrapTop.appendChild(el('input', { type: 'search', id: opt.id + '-filter', placeholder: 'task name or regex', 'aria-label': 'filter rows' }));
			inp.addEventListener('input', function () { filterText = inp.value; draw(); });
		}
		const count = wrapTop.appendChild(el('span', { class: 'pw-count' }));
		const wrap = parent.appendChild(el('div', { class: 'pw-table-wrap' }));
		const t = wrap.appendChild(el('table', { class: 'pw-table', id: opt.id }));
		const more = parent.appendChild(el('div', { class: 'pw-more' }));
		const thr = t.appendChild(el('thead')).appendChild(el('tr'));
		const tbody = t.appendChild(el('tbody'));
		const tfoot = t.appendChild(el('tfoot'));
		let sort = opt.sort || { key: opt.columns[0].key, desc: false };
		let all = false;
		opt.columns.forEach(function (c) {
			const th = thr.appendChild(el('th', { class: c.num ? 'num' : null, 'data-key': c.key, title: c.help || 'sort by ' + c.title }, c.title));
			th.addEventListener('click', function () {
				if (sort.key === c.key) sort = { key: c.key, desc: !sort.desc };
				else sort = { key: c.key, desc: !!c.num };
				draw();
			});
		});
		function matcher() {
			if (!filterText) return null;
			let re = null;
			try { re = new RegExp(filterText, 'i'); } catch (e) { re = null; }
			const low = filterText.toLowerCase();
			return function (s) { return re ? re.test(s) : s.toLowerCase().indexOf(low) >= 0; };
		}
		function draw() {
			const m = matcher();
			let rows = m ? opt.rows.filter(function (r) { return m(opt.filter(r)); }) : opt.rows.slice();
			const col = opt.columns.find(function (c) { return c.key === sort.key; });
			rows.sort(function (a, b) {
				const x = col.value(a), y = col.value(b);
				let c = x < y ? -1 : x > y ? 1 : 0;
				if (sort.desc) c = -c;
				return c || a._order - b._order;
			});
			thr.childNodes.forEach(function (th) {
				const k = th.getAttribute('data-key');
				if (k === sort.key) th.setAttribute('aria-sort', sort.desc ? 'descending' : 'ascending');
				else th.removeAttribute('aria-sort');
			});
			const shown = all || !opt.limit ? rows : rows.slice(0, opt.limit);
			clear(tbody);
			const frag = document.createDocumentFragment();
			shown.forEach(function (r) {
				const tr = frag.appendChild(el('tr'));
				opt.columns.forEach(function (c) {
					const v = c.text ? c.text(r) : c.value(r);
					tr.appendChild(el('td', { class: c.num ? 'num' : c.cls || null, 'data-key': c.key }, v));
				});
			});
			tbody.appendChild(frag);
			clear(tfoot);
			if (opt.columns.some(function (c) { return c.total; })) {
				const tr = tfoot.appendChild(el('tr', { class: 'pw-total' }));
				opt.columns.forEach(function (c, i) {
					let v = '';
					if (i === 0) v = 'total (' + int(rows.length) + (rows.length === 1 ? ' row)' : ' rows)');
					else if (c.total === 'sum') {
						let s = 0; rows.forEach(function (r) { s += c.value(r); });
						v = c.fmt ? c.fmt(s) : int(s);
					} else if (typeof c.total === 'function') v = c.total(rows);
					tr.appendChild(el('td', { class: c.num ? 'num' : null, 'data-key': c.key }, v));
				});
			}
			count.textContent = int(rows.length) + ' of ' + int(opt.rows.length) + ' rows' +
				(shown.length < rows.length ? ', ' + int(shown.length) + ' shown' : '');
			clear(more);
			if (opt.limit && rows.length > opt.limit) {
				const b = more.appendChild(el('button', { type: 'button', class: 'pw-show-all' },
					all ? 'Show the first ' + int(opt.limit) : 'Show all ' + int(rows.length) + ' rows'));
				b.addEventListener('click', function () { all = !all; draw(); });
			}
		}
		draw();
		return { redraw: draw, element: t };
	}

	// ---- colors --------------------------------------------------------
	// One color per KVM exit reason. The commonest reasons have a color of
	// their own on every page (a VMX reason and its SVM counterpart share
	// it), so that pages of separate runs can be read side by side; the
	// other reasons present take the remaining palette colors in the fixed
	// global order (doc.page.reason_order: VMX reasons by number, then SVM;
	// names it lacks after them by name), then colors off the palette. No
	// two reasons of a page share a color.
	const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7',
		'#9c755f', '#bab0ac', '#1f77b4', '#aec7e8', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94',
		'#f7b6d2', '#dbdb8d', '#9edae5', '#637939'];
	const FIXED = [['EXTERNAL_INTERRUPT', 'interrupt'], ['HLT', 'hlt'], ['EPT_VIOLATION', 'npf'],
		['MSR_WRITE', 'msr'], ['IO_INSTRUCTION', 'io'], ['PAUSE_INSTRUCTION', 'pause'],
		['PREEMPTION_TIMER'], ['EPT_MISCONFIG'], ['MSR_READ'], ['APIC_WRITE'], ['EOI_INDUCED'],
		['CPUID', 'cpuid'], ['INTERRUPT_WINDOW', 'vintr'], ['EXCEPTION_NMI', 'nmi']];
	const FIXED_SLOT = new Map();
	FIXED.forEach(function (names, i) { names.forEach(function (n) { FIXED_SLOT.set(n, i); }); });
	function reasonColors(doc, present) {
		const order = new Map();
		(doc.page.reason_order || []).forEach(function (n, i) { if (!order.has(n)) order.set(n, i); });
		const names = Array.from(present).sort(function (a, b) {
			const x = order.has(a) ? order.get(a) : Infinity, y = order.has(b) ? order.get(b) : Infinity;
			if (x !== y) return x < y ? -1 : 1;
			return a.localeCompare(b, 'en', { numeric: true });
		});
		const colors = new Map();
		let next = FIXED.length, off = 0;
		names.forEach(function (n) {
			if (FIXED_SLOT.has(n))
				colors.set(n, PALETTE[FIXED_SLOT.get(n)]);
			else if (next < PALETTE.length)
				colors.set(n, PALETTE[next++]);
			else
				colors.set(n, d3.interpolateSinebow((off++ * 0.618034) % 1));
		});
		return { names: names, color: function (n) { return colors.get(n) || '#888'; } };
	}

	return {
		int: int, pct: pct, ms: ms, msExact: msExact, dur: dur, date: date,
		el: el, clear: clear, start: start, header: header, tabs: tabs,
		showTip: showTip, moveTip: moveTip, hideTip: hideTip, tip: tip,
		table: table, reasonColors: reasonColors, doc: null,
	};
})();
