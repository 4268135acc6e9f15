// SPDX-License-Identifier: Apache-2.0
// heatmaps.js: the detailed dashboard (NAME-heatmaps.html): switch and KVM heatmaps, latency histograms, core maps.
//
// Drawn from doc.heat (dashgen/heatmap.h, docs/dashboards.md): per task
// series that are either exact events (t: time deltas from the window start,
// d: durations, k: KVM reason keys) or bins (cols: bin, [key,] first bucket,
// length, counts), a core map (exact slices or bin x CPU runtimes), and per
// CPU the slices or per bin the task that ran most. doc.data is the --json
// document (the header, the tasks' figures). Dense views are canvases; d3
// gives scales, axes and zoom. Every panel of the Tasks tab shares one time
// scale: zooming or panning any of them moves all.
//
// For tests and people who script the page: window.PWH.domain() is the
// visible time range [t0, t1] (ns from the window start) of the active tab,
// PWH.zoomTo(t0, t1) sets it; each canvas carries its geometry in
// data-geometry.
'use strict';

(function () {
	const PAL = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7',
		'#9c755f', '#1f77b4', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#17becf', '#bcbd22',
		'#8c564b', '#e377c2', '#7f7f7f', '#637939'];
	const LEFT = 128, RIGHT = 24;		// plot margins in every panel (aligned)
	let H = null;				// doc.heat
	let PWH_defs = [];			// the tabs, each with its zoom (api)
	let api = { domain: function () { return null; }, zoomTo: function () {} };
	window.PWH = {
		domain: function () { return api.domain(); },
		zoomTo: function (a, b) { return api.zoomTo(a, b); },
	};

	// ---- formats -----------------------------------------------------------
	function tNs(ns) {	// a time from the window start, exact
		return PW.msExact(Math.round(ns));
	}
	function unitFor(v) {
		if (v >= 1e9) return [1e9, 's'];
		if (v >= 1e6) return [1e6, 'ms'];
		if (v >= 1e3) return [1e3, 'µs'];
		return [1, 'ns'];
	}
	// ticks in the unit of the larger end (101.05 ms rather than 101050 µs),
	// with as many decimals as the step needs
	function timeTicks(scale, n) {
		const d = scale.domain(), span = d[1] - d[0], u = unitFor(Math.max(Math.abs(d[0]), Math.abs(d[1])));
		const ticks = scale.ticks(n), step = ticks.length > 1 ? ticks[1] - ticks[0] : span;
		const dec = Math.max(0, Math.min(9, -Math.floor(Math.log10(step / u[0]) + 1e-9)));
		return { ticks: ticks, fmt: function (v) { return (v / u[0]).toFixed(dec) + ' ' + u[1]; } };
	}
	function durLabel(ns) {
		if (ns >= 1e9) return +(ns / 1e9).toPrecision(3) + ' s';
		if (ns >= 1e6) return +(ns / 1e6).toPrecision(3) + ' ms';
		if (ns >= 1e3) return +(ns / 1e3).toPrecision(3) + ' µs';
		return Math.round(ns) + ' ns';
	}
	function bucketText(d) { return durLabel(H.dur_edges[d]) + ' – ' + durLabel(H.dur_edges[d + 1]); }
	function bucketOf(ns) {
		const e = H.dur_edges;
		let lo = 0, hi = e.length - 2;
		while (lo < hi) { const m = (lo + hi + 1) >> 1; if (e[m] <= ns) lo = m; else hi = m - 1; }
		return lo;
	}

	// ---- decoding ----------------------------------------------------------
	// a series: {count, mode, exact: {t: Float64Array (from window start), d, k}, cols: [...]}
	function decodeExact(s) {
		const n = s.t.length, t = new Float64Array(n), d = new Float64Array(n);
		let acc = 0;
		for (let i = 0; i < n; i++) { acc += s.t[i]; t[i] = acc; d[i] = s.d[i]; }
		return { t: t, d: d, k: s.k || null, cpu: s.cpu || null, id: s.id || null, n: n };
	}
	// bins -> {cells: [{b, d, k, n}], total} (key -1 when the series has none)
	function decodeCols(s, kvm) {
		const c = s.cols, out = [];
		let i = 0, total = 0;
		while (i < c.length) {
			const b = c[i++], k = kvm ? c[i++] : -1, lo = c[i++], len = c[i++];
			for (let j = 0; j < len; j++) {
				const n = c[i + j];
				if (n) { out.push({ b: b, d: lo + j, k: k, n: n }); total += n; }
			}
			i += len;
		}
		return { cells: out, total: total };
	}
	function prepare(s, kvm) {
		if (s.mode === 'exact') return { mode: 'exact', count: s.count, ex: decodeExact(s) };
		const c = decodeCols(s, kvm);
		return { mode: 'bins', count: s.count, cells: c.cells, total: c.total };
	}
	// the layer of a series for a reason filter (key, or -1 for all):
	// exact -> indexes; bins -> Map (b * 64 + d) -> count
	function layer(p, key) {
		if (p.mode === 'exact') {
			const idx = [];
			for (let i = 0; i < p.ex.n; i++) if (key < 0 || !p.ex.k || p.ex.k[i] === key) idx.push(i);
			return { mode: 'exact', ex: p.ex, idx: idx, count: idx.length };
		}
		const m = new Map();
		let total = 0, max = 0;
		p.cells.forEach(function (c) {
			if (key >= 0 && c.k !== key) return;
			const id = c.b * 64 + c.d, v = (m.get(id) || 0) + c.n;
			m.set(id, v);
			total += c.n;
		});
		m.forEach(function (v) { if (v > max) max = v; });
		return { mode: 'bins', map: m, count: total, max: max };
	}
	function layerBuckets(L) {	// [min, max] duration bucket present
		let lo = Infinity, hi = -Infinity;
		if (L.mode === 'exact') L.idx.forEach(function (i) { const b = bucketOf(L.ex.d[i]); lo = Math.min(lo, b); hi = Math.max(hi, b); });
		else L.map.forEach(function (v, id) { const b = id & 63; lo = Math.min(lo, b); hi = Math.max(hi, b); });
		return [lo, hi];
	}

	// ---- the page ----------------------------------------------------------
	PW.start(function (doc) {
		H = doc.heat;
		PW.header(doc, 'detailed dashboard');
		const hr = H.runs;
		const head = document.getElementById('pw-header');
		head.appendChild(binningNote(hr, doc.data.runs));
		let ri = 0;
		if (hr.length > 1) {
			const ctl = head.appendChild(PW.el('div', { class: 'pw-controls' }));
			ctl.appendChild(PW.el('label', { for: 'hm-run' }, 'Run'));
			const s = ctl.appendChild(PW.el('select', { id: 'hm-run' }));
			hr.forEach(function (r, i) { s.appendChild(PW.el('option', { value: i }, r.name)); });
			s.addEventListener('change', function () { ri = +s.value; build(); });
		}
		function build() {
			const run = hr[ri], jrun = doc.data.runs[ri];
			const kvm = run.tasks.some(function (t) { return t.host.count + t.guest.count > 0; });
			const defs = [{ id: 'tasks', title: 'Tasks: switches, KVM, cores', render: function (p) { tasksTab(p, run, jrun); } }];
			if (kvm) defs.push({ id: 'kvm', title: 'KVM exit latency', render: function (p) { kvmTab(p, run, jrun); } });
			defs.push({ id: 'cpus', title: 'CPUs over time', render: function (p) { cpusTab(p, run, jrun); } });
			const t = PW.tabs(defs);
			// the active tab's zoom answers PWH
			defs.forEach(function (d) {
				d.button.addEventListener('click', function () { if (d.api) api = d.api; });
			});
			PWH_defs = defs;
			t.show(defs[0].id);
			api = defs[0].api || api;
		}
		build();
		PW.readyMs = performance.now();
	});
	function setApi(id, a) {
		PWH_defs.forEach(function (d) { if (d.id === id) d.api = a; });
		api = a;
	}

	// What was binned, and at what resolution: never silent.
	function binningNote(hr, jruns) {
		const d = PW.el('div', { class: 'pw-note hm-binning', id: 'hm-binning', role: 'note' });
		d.appendChild(PW.el('b', null, 'Resolution: '));
		hr.forEach(function (r, i) {
			let nb = 0, ne = 0, evb = 0, eve = 0;
			r.tasks.forEach(function (t) {
				['run', 'sleep', 'host', 'guest'].forEach(function (k) {
					const s = t[k];
					if (!s.count) return;
					if (s.mode === 'bins') { nb++; evb += s.count; } else { ne++; eve += s.count; }
				});
			});
			const cb = r.cpus.filter(function (c) { return c.mode === 'bins'; }).length;
			let text = (hr.length > 1 ? 'run ' + r.name + ': ' : '') + r.tasks.length + ' tasks with heatmaps. ';
			text += nb ? nb + ' of ' + (nb + ne) + ' series (' + PW.int(evb) + ' events) are binned: ' +
				PW.dur(r.bin_ns) + ' per column × ' + H.per_decade + ' rows per decade of duration. ' :
				'Every series is exact. ';
			text += ne ? ne + ' series (' + PW.int(eve) + ' events) show each event (zoom in to separate them). ' : '';
			if (nb) text += 'A series is binned when it has more than ' + PW.int(H.limits.exact_max) + ' events or the page\'s ' +
				PW.int(H.limits.exact_total) + ' exact events are spent. ';
			text += 'CPU view: ' + (cb ? cb + ' of ' + r.cpus.length + ' CPUs binned at ' + PW.dur(r.cpu_bin_ns) + ' (the task that ran most per bin)' :
				'every slice') + '.';
			if (r.omitted) text += ' ' + PW.int(r.omitted) + ' more selected tasks have no heatmaps (at most ' + H.limits.tasks +
				' per page; select them with -t): ' + r.omitted_names.join(', ') + (r.omitted > r.omitted_names.length ? ', …' : '') + '.';
			d.appendChild(PW.el('div', { 'data-run': i }, text));
		});
		return d;
	}

	// ---- panels ------------------------------------------------------------
	// A panel: a title line, a canvas (the marks) under an SVG (axes), one
	// time scale x shared by the tab. draw(x) repaints; hit(px, py) -> tip.
	function makePanel(parent, id, title, height, opts) {
		const box = parent.appendChild(PW.el('div', { class: 'hm-panel', id: id }));
		const h = box.appendChild(PW.el('div', { class: 'hm-title' }));
		h.appendChild(PW.el('b', null, title));
		const sub = h.appendChild(PW.el('span', { class: 'hm-sub' }));
		const wrap = box.appendChild(PW.el('div', { class: 'hm-plot' }));
		const main = document.getElementById('pw-main');
		const width = Math.max(700, Math.min(1600, (main.clientWidth || 1240) - 40));
		const top = 6, bottom = opts && opts.noAxis ? 4 : 22;
		const ph = height, H2 = top + ph + bottom;
		const dpr = window.devicePixelRatio || 1;
		const cv = wrap.appendChild(PW.el('canvas', { id: id + '-canvas' }));
		cv.width = width * dpr; cv.height = H2 * dpr;
		cv.style.width = width + 'px'; cv.style.height = H2 + 'px';
		const svg = d3.select(wrap).append('svg').attr('width', width).attr('height', H2).attr('class', 'hm-axes');
		const g = { x0: LEFT, w: width - LEFT - RIGHT, y0: top, h: ph, width: width, height: H2 };
		const ctx = cv.getContext('2d');
		ctx.scale(dpr, dpr);
		return { box: box, sub: sub, cv: cv, ctx: ctx, svg: svg, g: g, wrap: wrap };
	}
	function drawTimeAxis(P, x) {
		const g = P.g, tt = timeTicks(x, Math.max(3, Math.floor(g.w / 110)));
		P.svg.selectAll('g.x').remove();
		const ax = P.svg.append('g').attr('class', 'x axis').attr('transform', 'translate(0,' + (g.y0 + g.h) + ')');
		ax.call(d3.axisBottom(x).tickValues(tt.ticks).tickFormat(tt.fmt).tickSizeOuter(0));
	}
	function clipPlot(ctx, g) {
		ctx.save();
		ctx.beginPath();
		ctx.rect(g.x0, g.y0, g.w, g.h);
		ctx.clip();
	}
	function logY(g, lo, hi) {	// duration buckets lo..hi on a log scale
		return d3.scaleLog().domain([H.dur_edges[lo], H.dur_edges[hi + 1]]).range([g.y0 + g.h, g.y0]);
	}
	function drawLogAxis(P, y) {
		P.svg.selectAll('g.y').remove();
		const d = y.domain(), ticks = [];
		for (let v = Math.pow(10, Math.ceil(Math.log10(d[0]) - 1e-9)); v <= d[1] * 1.0001; v *= 10) ticks.push(v);
		P.svg.append('g').attr('class', 'y axis').attr('transform', 'translate(' + P.g.x0 + ',0)')
			.call(d3.axisLeft(y).tickValues(ticks).tickFormat(durLabel).tickSizeOuter(0));
	}
	function setGeometry(P, extra) {
		const o = { x0: P.g.x0, w: P.g.w, y0: P.g.y0, h: P.g.h };
		for (const k in extra) o[k] = extra[k];
		P.cv.setAttribute('data-geometry', JSON.stringify(o));
	}
	// colors for counts: a log scale from 1 to max on a sequential scheme
	function countColor(max, scheme) {
		const s = d3.scaleSequentialLog(scheme).domain([1, Math.max(2, max)]);
		return function (n) { return s(Math.max(1, n)); };
	}
	function legendRamp(parent, label, scheme, max) {
		const l = parent.appendChild(PW.el('span', { class: 'pw-scale' }));
		l.appendChild(PW.el('span', null, label));
		const c = l.appendChild(PW.el('canvas', { width: 90, height: 10 }));
		const x = c.getContext('2d'), s = d3.scaleSequentialLog(scheme).domain([1, Math.max(2, max)]);
		for (let i = 0; i < 90; i++) { x.fillStyle = s(Math.exp(Math.log(Math.max(2, max)) * i / 89)); x.fillRect(i, 0, 1, 10); }
		l.appendChild(PW.el('span', null, '1 … ' + PW.int(max)));
		return l;
	}

	// The zoom of a tab: one d3.zoom on the element holding every panel;
	// only the time axis moves. onChange(x) repaints.
	function timeZoom(el, span, x0, w, onChange) {
		const base = d3.scaleLinear().domain([0, span]).range([x0, x0 + w]);
		let x = base.copy();
		const maxK = Math.max(1, span / 100);	// down to 100 ns across the plot
		// Ctrl (or Cmd, Shift) + wheel and pinch zoom; a plain wheel scrolls
		// the page; drag pans; double-click zooms in (Shift: out)
		const z = d3.zoom().scaleExtent([1, maxK]).extent([[x0, 0], [x0 + w, 1]])
			.translateExtent([[x0, 0], [x0 + w, 1]])
			.filter(function (ev) {
				if (ev.type === 'wheel') return ev.ctrlKey || ev.metaKey || ev.shiftKey;
				return !ev.ctrlKey && !ev.button;
			})
			.wheelDelta(function (ev) {
				const d = ev.deltaY || ev.deltaX;
				return -d * (ev.deltaMode === 1 ? 0.05 : ev.deltaMode ? 1 : 0.004);
			})
			.on('zoom', function (ev) {
				x = ev.transform.rescaleX(base);
				el.setAttribute('data-domain', JSON.stringify(x.domain()));
				onChange(x);
			});
		d3.select(el).call(z);
		el.setAttribute('data-domain', JSON.stringify(x.domain()));
		return {
			x: function () { return x; },
			domain: function () { return x.domain(); },
			zoomTo: function (a, b) {
				a = Math.max(0, a); b = Math.min(span, b);
				const k = Math.min(maxK, span / Math.max(1, b - a));
				const t = d3.zoomIdentity.scale(k).translate(-base(a) + x0 / k, 0);
				d3.select(el).call(z.transform, t);
				return x.domain();
			},
			reset: function () { d3.select(el).call(z.transform, d3.zoomIdentity); },
			by: function (k) { d3.select(el).call(z.scaleBy, k, [x0 + w / 2, 0]); },
		};
	}

	function rangeText(x, span) {
		const d = x.domain();
		return 'visible ' + tNs(d[0]) + ' – ' + tNs(d[1]) + ' of ' + PW.dur(span) + ' (' + PW.pct(100 * (d[1] - d[0]) / span, (d[1] - d[0]) / span < 0.01 ? 4 : 1) + ' %)';
	}

	// ---- Tasks tab ---------------------------------------------------------
	function tasksTab(panel, run, jrun) {
		const span = run.end_ns - run.start_ns;
		panel.appendChild(PW.el('h2', null, 'Per task: context switches, KVM exits and cores over time'));
		panel.appendChild(PW.el('p', { class: 'pw-help' },
			'x is time from the start of the window; every panel of the task shares it. Ctrl + scroll (or pinch, or double-click) on a ' +
			'panel zooms, drag pans, the buttons zoom about the middle and "Reset zoom" shows everything again. The heatmaps put each event at its time (y: its duration, log scale); ' +
			'color is how many events fall in a cell. "End of run": a slice on a CPU ending at a switch. "End of sleep": a voluntary ' +
			'switch-out to the wakeup. KVM: exit → entry is time in the host, entry → exit time in the guest, both at the exit.'));
		const ctl = panel.appendChild(PW.el('div', { class: 'pw-controls' }));
		ctl.appendChild(PW.el('label', { for: 'hm-task' }, 'Task'));
		const sel = ctl.appendChild(PW.el('select', { id: 'hm-task' }));
		run.tasks.forEach(function (t, i) { sel.appendChild(PW.el('option', { value: i }, t.name + ' (tid ' + t.tid + ')')); });
		const cbRun = checkbox(ctl, 'hm-show-run', 'end of run', true);
		const cbSleep = checkbox(ctl, 'hm-show-sleep', 'end of sleep', true);
		const rlab = ctl.appendChild(PW.el('label', { for: 'hm-reason' }, 'KVM exit reason'));
		const rsel = ctl.appendChild(PW.el('select', { id: 'hm-reason' }));
		const zin = ctl.appendChild(PW.el('button', { type: 'button', id: 'hm-zoom-in', title: 'zoom in (or Ctrl + scroll on a panel)' }, '+'));
		const zout = ctl.appendChild(PW.el('button', { type: 'button', id: 'hm-zoom-out', title: 'zoom out' }, '−'));
		const reset = ctl.appendChild(PW.el('button', { type: 'button', id: 'hm-reset' }, 'Reset zoom'));
		const range = ctl.appendChild(PW.el('span', { class: 'pw-count', id: 'hm-range' }));
		const summary = panel.appendChild(PW.el('div', { class: 'hm-summary', id: 'hm-summary' }));
		const legend = panel.appendChild(PW.el('div', { class: 'pw-scales', id: 'hm-legend' }));
		const panels = panel.appendChild(PW.el('div', { class: 'hm-panels', id: 'hm-panels' }));
		let state = null, zoom = null;

		function select(i) {
			const t = run.tasks[i], jt = jrun.tasks.find(function (x) { return x.tid === t.tid && x.name === t.name; }) || null;
			const hasKvm = t.host.count + t.guest.count > 0 || t.reasons.length > 0;
			const st = {
				t: t, jt: jt, hasKvm: hasKvm,
				run: prepare(t.run, false), sleep: prepare(t.sleep, false),
				host: prepare(t.host, true), guest: prepare(t.guest, true),
			};
			// reasons of this task: exits = timed + unpaired
			PW.clear(rsel);
			rsel.appendChild(PW.el('option', { value: -1 }, 'all reasons'));
			const rs = t.reasons.slice().sort(function (a, b) { return (b.timed + b.unpaired) - (a.timed + a.unpaired) || a.key - b.key; });
			rs.forEach(function (r) {
				rsel.appendChild(PW.el('option', { value: r.key, 'data-reason': run.reasons[r.key], 'data-exits': r.timed + r.unpaired },
					run.reasons[r.key] + ' (' + PW.int(r.timed + r.unpaired) + ' exits)'));
			});
			rlab.hidden = rsel.hidden = !hasKvm;
			state = st;
			summarize();
			layout();
		}
		function summarize() {
			const t = state.t;
			PW.clear(summary);
			const runL = layer(state.run, -1), sleepL = layer(state.sleep, -1);
			const hostAll = layer(state.host, -1);
			let unp = 0;
			t.reasons.forEach(function (r) { unp += r.unpaired; });
			const items = [
				['end of run', PW.int(runL.count) + ' slices' + (t.nostart ? ' + ' + PW.int(t.nostart) + ' whose start precedes the capture' : ''), 'run', runL.count + t.nostart],
				['end of sleep', PW.int(sleepL.count) + ' sleeps', 'sleep', sleepL.count],
			];
			if (state.hasKvm) items.push(['KVM exits', PW.int(hostAll.count + unp) + (unp ? ' (' + PW.int(unp) + ' without entry)' : ''), 'exits', hostAll.count + unp]);
			if (state.jt) items.push(['migrations', PW.int(state.jt.migrations), 'migrations', state.jt.migrations]);
			items.forEach(function (it) {
				const s = summary.appendChild(PW.el('span', { class: 'hm-fig', 'data-fig': it[2], 'data-value': it[3] }));
				s.appendChild(PW.el('span', { class: 'hm-k' }, it[0] + ': '));
				s.appendChild(PW.el('span', null, it[1]));
			});
			const modes = ['run', 'sleep', 'host', 'guest'].filter(function (k) { return t[k].count; })
				.map(function (k) { return (k === 'run' ? 'end of run' : k === 'sleep' ? 'end of sleep' : 'KVM ' + k) + ': ' + (t[k].mode === 'bins' ? 'binned' : 'exact'); });
			summary.appendChild(PW.el('span', { class: 'hm-fig hm-modes' }, modes.join(' · ')));
		}
		function layout() {
			PW.clear(panels);
			PW.clear(legend);
			const st = state, t = st.t;
			const P = [];
			P.push(cpuStrip(panels, run, t));
			P.push(switchPanel(panels, run, st, cbRun, cbSleep, legend));
			if (st.hasKvm) {
				P.push(kvmPanel(panels, run, st, 'host', 'KVM host time (exit → entry), at each exit', d3.interpolateYlOrRd, rsel, legend));
				P.push(kvmPanel(panels, run, st, 'guest', 'KVM guest time (entry → exit), at the exit that ends it', d3.interpolateGnBu, rsel, legend));
			}
			P.push(corePanel(panels, run, t, st.jt));
			const g = P[0].P.g;
			const prev = zoom ? zoom.domain() : null;
			zoom = timeZoom(panels, span, g.x0, g.w, function (x) { redraw(x); });
			function redraw(x) {
				P.forEach(function (p) { p.draw(x); });
				range.textContent = rangeText(x, span);
			}
			P.forEach(function (p) { hover(p); });
			redraw(zoom.x());
			if (prev && (prev[0] > 0 || prev[1] < span)) zoom.zoomTo(prev[0], prev[1]);
			setApi('tasks', zoom);
			state.panels = P;
		}
		function hover(p) {
			const cv = p.P.cv;
			cv.addEventListener('mousemove', function (ev) {
				const r = cv.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top, g = p.P.g;
				if (px < g.x0 || px > g.x0 + g.w || py < g.y0 || py > g.y0 + g.h) { PW.hideTip(); return; }
				const tip = p.hit(zoom.x(), px, py);
				if (tip) PW.showTip(ev, tip[0], tip[1]); else PW.hideTip();
			});
			cv.addEventListener('mouseleave', PW.hideTip);
		}
		sel.addEventListener('change', function () { select(+sel.value); });
		cbRun.addEventListener('change', function () { state.panels.forEach(function (p) { p.draw(zoom.x()); }); });
		cbSleep.addEventListener('change', function () { state.panels.forEach(function (p) { p.draw(zoom.x()); }); });
		rsel.addEventListener('change', function () { layout(); });
		reset.addEventListener('click', function () { zoom.reset(); });
		zin.addEventListener('click', function () { zoom.by(4); });
		zout.addEventListener('click', function () { zoom.by(0.25); });
		select(0);
	}

	function checkbox(parent, id, text, checked) {
		const l = parent.appendChild(PW.el('label', { for: id, class: 'hm-check' }));
		const c = l.appendChild(PW.el('input', { type: 'checkbox', id: id }));
		c.checked = !!checked;
		l.appendChild(document.createTextNode(' ' + text));
		return c;
	}

	// CPU % of the task over time: with exact slices (its core map), per
	// column of the visible range at any zoom; else per bin of the
	// analysis' runtime series (opts.max_bins)
	function cpuStrip(parent, run, t) {
		const P = makePanel(parent, 'hm-cpu', 'CPU %', 46, {});
		const bn = run.series_bin_ns, n = t.rt.length;
		const ex = t.core.mode === 'exact' ? decodeExact(t.core) : null;
		const COL = 4;	// px per column with exact slices
		P.sub.textContent = ex ? ' runtime per ' + COL + ' px column of the visible range, from every slice (100 % = one CPU)' :
			' runtime per ' + PW.dur(bn) + ' (100 % = one CPU)';
		let max = 0;
		t.rt.forEach(function (v) { max = Math.max(max, v / bn); });
		const y = d3.scaleLinear().domain([0, ex ? 1 : Math.max(1, max)]).range([P.g.y0 + P.g.h, P.g.y0]);
		P.svg.append('g').attr('class', 'y axis').attr('transform', 'translate(' + P.g.x0 + ',0)')
			.call(d3.axisLeft(y).ticks(2).tickFormat(function (v) { return Math.round(v * 100) + ' %'; }).tickSizeOuter(0));
		setGeometry(P, { bin_ns: ex ? 0 : bn });
		// runtime of the exact slices inside [a, b)
		function ranIn(a, b) {
			let s = 0;
			for (let i = 0; i < ex.n; i++) {
				const u = Math.max(a, ex.t[i]), v = Math.min(b, ex.t[i] + ex.d[i]);
				if (v > u) s += v - u;
			}
			return s;
		}
		function columns(x) {
			const g = P.g, cols = [], ncol = Math.ceil(g.w / COL);
			const acc = new Float64Array(ncol), d = x.domain(), w = (d[1] - d[0]) / ncol;
			for (let i = 0; i < ex.n; i++) {
				const a = Math.max(d[0], ex.t[i]), b = Math.min(d[1], ex.t[i] + ex.d[i]);
				if (b <= a) continue;
				for (let k = Math.floor((a - d[0]) / w); k < ncol && d[0] + k * w < b; k++) {
					const u = Math.max(a, d[0] + k * w), v = Math.min(b, d[0] + (k + 1) * w);
					if (v > u) acc[k] += v - u;
				}
			}
			for (let k = 0; k < ncol; k++) cols.push(acc[k] / w);
			return cols;
		}
		function draw(x) {
			const c = P.ctx, g = P.g;
			c.clearRect(0, 0, g.width, g.height);
			clipPlot(c, g);
			c.fillStyle = '#e8833a';
			if (ex) {
				columns(x).forEach(function (v, k) {
					if (!v) return;
					const yy = y(Math.min(1, v));
					c.fillRect(g.x0 + k * COL, yy, COL - 1, g.y0 + g.h - yy);
				});
			} else {
				for (let i = 0; i < n; i++) {
					if (!t.rt[i]) continue;
					const a = x(i * bn), b = x((i + 1) * bn);
					if (b < g.x0 || a > g.x0 + g.w) continue;
					const yy = y(t.rt[i] / bn);
					c.fillRect(a, yy, Math.max(1, b - a - (b - a > 3 ? 1 : 0)), g.y0 + g.h - yy);
				}
			}
			c.restore();
			drawTimeAxis(P, x);
		}
		function hit(x, px) {
			if (ex) {
				const k = Math.floor((px - P.g.x0) / COL), a = x.invert(P.g.x0 + k * COL), b = x.invert(P.g.x0 + (k + 1) * COL);
				const ran = ranIn(a, b);
				return [t.name + ' · ' + tNs(a) + ' – ' + tNs(b), [['CPU', PW.pct(100 * ran / (b - a), 3) + ' %'], ['runtime', PW.dur(Math.round(ran))]]];
			}
			const i = Math.floor(x.invert(px) / bn);
			if (i < 0 || i >= n) return null;
			return [t.name + ' · ' + tNs(i * bn) + ' + ' + PW.dur(bn), [
				['CPU', PW.pct(100 * t.rt[i] / bn, 3) + ' %'], ['runtime', PW.msExact(t.rt[i])], ['switches', PW.int(t.sw[i] || 0)]]];
		}
		return { P: P, draw: draw, hit: hit };
	}

	// heatmap layers on one panel: [{L, color, name, on()}]
	function drawHeat(P, x, y, layers, binNs) {
		const c = P.ctx, g = P.g;
		c.clearRect(0, 0, g.width, g.height);
		c.fillStyle = '#fbfcfd';
		c.fillRect(g.x0, g.y0, g.w, g.h);
		clipPlot(c, g);
		const d = x.domain();
		layers.forEach(function (l) {
			if (!l.on()) return;
			const L = l.L;
			if (L.mode === 'bins') {
				L.map.forEach(function (n, id) {
					const b = Math.floor(id / 64), k = id & 63;
					const t0 = b * binNs, t1 = t0 + binNs;
					if (t1 < d[0] || t0 > d[1]) return;
					const a = x(t0), e = x(t1), ya = y(H.dur_edges[k + 1]), yb = y(H.dur_edges[k]);
					c.fillStyle = l.color(n);
					c.fillRect(a, ya, Math.max(1, e - a), Math.max(1, yb - ya));
				});
			} else {
				c.fillStyle = l.dot;
				c.globalAlpha = 0.55;
				const ex = L.ex, r = L.idx.length < 2000 ? 2 : 1.5;
				L.idx.forEach(function (i) {
					const t = ex.t[i];
					if (t < d[0] || t > d[1]) return;
					c.fillRect(x(t) - r, y(Math.max(H.dur_edges[0], ex.d[i])) - r, 2 * r, 2 * r);
				});
				c.globalAlpha = 1;
			}
		});
		c.restore();
		c.strokeStyle = '#d9e2ec';
		c.strokeRect(g.x0 - 0.5, g.y0 - 0.5, g.w + 1, g.h + 1);
	}
	// what is under (px, py) in each layer
	function heatHit(x, y, px, py, layers, binNs) {
		const t = x.invert(px), dur = y.invert(py), k = bucketOf(dur), rows = [];
		let anyBins = false, found = 0;
		layers.forEach(function (l) {
			if (!l.on()) return;
			const L = l.L;
			if (L.mode === 'bins') {
				anyBins = true;
				const b = Math.floor(t / binNs), n = L.map.get(b * 64 + k) || 0;
				rows.push([l.name, PW.int(n) + ' ' + l.unit]);
				found += n;
			} else {
				// events within 3 px
				const ex = L.ex, hits = [];
				L.idx.forEach(function (i) {
					if (Math.abs(x(ex.t[i]) - px) <= 3 && Math.abs(y(Math.max(H.dur_edges[0], ex.d[i])) - py) <= 3) hits.push(i);
				});
				if (hits.length) {
					found += hits.length;
					rows.push([l.name, PW.int(hits.length) + ' ' + l.unit]);
					hits.slice(0, 3).forEach(function (i) {
						rows.push(['  at ' + tNs(ex.t[i]), PW.dur(ex.d[i]) + (ex.k && l.reasons ? ' · ' + l.reasons[ex.k[i]] : '')]);
					});
				}
			}
		});
		if (!found && !anyBins) return null;
		let title;
		if (anyBins) {
			const b = Math.floor(t / binNs);
			title = tNs(b * binNs) + ' – ' + tNs((b + 1) * binNs) + ' · ' + bucketText(k);
		} else {
			title = 'near ' + tNs(t) + ' · ' + durLabel(dur);
		}
		return [title, rows];
	}
	function bucketsRange(layers) {
		let lo = Infinity, hi = -Infinity;
		layers.forEach(function (l) { const r = layerBuckets(l.L); lo = Math.min(lo, r[0]); hi = Math.max(hi, r[1]); });
		if (lo === Infinity) { lo = 10; hi = 30; }
		lo = Math.max(0, lo - 1); hi = Math.min(H.dur_edges.length - 2, hi + 1);
		return [lo, hi];
	}

	function switchPanel(parent, run, st, cbRun, cbSleep, legend) {
		const P = makePanel(parent, 'hm-switch', 'Context switches', 220, {});
		const runL = layer(st.run, -1), sleepL = layer(st.sleep, -1);
		const layers = [
			{ L: sleepL, name: 'end of sleep', unit: 'sleeps', color: countColor(sleepL.max, d3.interpolateBlues), dot: '#2f6fb3', on: function () { return cbSleep.checked; } },
			{ L: runL, name: 'end of run', unit: 'slices', color: countColor(runL.max, d3.interpolateOranges), dot: '#d9480f', on: function () { return cbRun.checked; } },
		];
		P.sub.textContent = ' y: duration of the slice (end of run) or of the sleep (end of sleep), at its end';
		const br = bucketsRange(layers), y = logY(P.g, br[0], br[1]);
		drawLogAxis(P, y);
		if (runL.mode === 'bins') legendRamp(legend, 'end of run per cell', d3.interpolateOranges, runL.max);
		else legend.appendChild(keyDot('#d9480f', 'end of run: one dot per slice'));
		if (sleepL.mode === 'bins') legendRamp(legend, 'end of sleep per cell', d3.interpolateBlues, sleepL.max);
		else legend.appendChild(keyDot('#2f6fb3', 'end of sleep: one dot per sleep'));
		setGeometry(P, { ylo: H.dur_edges[br[0]], yhi: H.dur_edges[br[1] + 1], bin_ns: run.bin_ns });
		return {
			P: P,
			draw: function (x) { drawHeat(P, x, y, layers, run.bin_ns); drawTimeAxis(P, x); },
			hit: function (x, px, py) { const r = heatHit(x, y, px, py, layers, run.bin_ns); if (r) r[0] = st.t.name + ' · ' + r[0]; return r; },
		};
	}
	function keyDot(color, text) {
		const s = PW.el('span', { class: 'pw-scale' });
		s.appendChild(PW.el('span', { class: 'pw-swatch', style: 'background:' + color }));
		s.appendChild(PW.el('span', null, text));
		return s;
	}

	function kvmPanel(parent, run, st, kind, title, scheme, rsel, legend) {
		const P = makePanel(parent, 'hm-' + kind, title, 150, {});
		const key = +rsel.value, L = layer(st[kind], key);
		const reasonName = key >= 0 ? run.reasons[key] : 'all reasons';
		P.sub.textContent = ' · ' + reasonName + ' · ' + PW.int(L.count) + (kind === 'host' ? ' exits with an entry' : ' guest runs');
		const layers = [{ L: L, name: kind === 'host' ? 'host time' : 'guest time', unit: kind === 'host' ? 'exits' : 'guest runs',
			color: countColor(L.max, scheme), dot: kind === 'host' ? '#c2410c' : '#0f766e', reasons: run.reasons,
			on: function () { return true; } }];
		const br = bucketsRange(layers), y = logY(P.g, br[0], br[1]);
		drawLogAxis(P, y);
		if (L.mode === 'bins') legendRamp(legend, 'KVM ' + kind + ' per cell', scheme, L.max);
		else legend.appendChild(keyDot(layers[0].dot, 'KVM ' + kind + ': one dot per exit'));
		setGeometry(P, { ylo: H.dur_edges[br[0]], yhi: H.dur_edges[br[1] + 1], bin_ns: run.bin_ns, count: L.count });
		return {
			P: P,
			draw: function (x) { drawHeat(P, x, y, layers, run.bin_ns); drawTimeAxis(P, x); },
			hit: function (x, px, py) {
				const r = heatHit(x, y, px, py, layers, run.bin_ns);
				if (r) r[0] = st.t.name + ' · ' + reasonName + ' · ' + r[0];
				return r;
			},
		};
	}

	// which core the task ran on, over time
	function corePanel(parent, run, t, jt) {
		const ncpu = run.cpus.length;
		const core = t.core, exact = core.mode === 'exact';
		let rows = [];	// the CPUs shown: all when few, else those used
		const used = new Set();
		if (exact) core.cpu.forEach(function (c) { used.add(c); });
		else for (let i = 0; i < core.cells.length; i += 3) used.add(core.cells[i + 1]);
		if (ncpu <= 64) for (let c = 0; c < ncpu; c++) rows.push(c); else rows = Array.from(used).sort(function (a, b) { return a - b; });
		const rh = Math.max(5, Math.min(18, Math.floor(220 / Math.max(1, rows.length))));
		const P = makePanel(parent, 'hm-core', 'Core map', rows.length * rh, {});
		P.sub.textContent = ' which CPU ran ' + t.name + (jt ? ' · ' + PW.int(jt.migrations) + ' migrations' : '') +
			(exact ? ' · every slice (grey lines: moves between CPUs)' : ' · share of each ' + PW.dur(run.bin_ns) + ' bin on each CPU');
		const rowOf = new Map();
		rows.forEach(function (c, i) { rowOf.set(c, i); });
		const yr = function (c) { return P.g.y0 + rowOf.get(c) * rh; };
		P.svg.append('g').attr('class', 'y axis').selectAll('text').data(rows).join('text')
			.attr('x', P.g.x0 - 6).attr('y', function (c) { return yr(c) + rh / 2; }).attr('dy', '0.35em')
			.attr('text-anchor', 'end').style('font-size', Math.min(11, rh) + 'px')
			.text(function (c, i) { return rows.length > 24 && i % Math.ceil(rows.length / 24) ? '' : 'CPU ' + c; });
		const ex = exact ? decodeExact(core) : null;
		// bins: the share of the bin on that CPU, relative to the largest
		// share (square root: small shares stay visible)
		let maxShare = 0;
		if (!exact) for (let i = 0; i < core.cells.length; i += 3) maxShare = Math.max(maxShare, core.cells[i + 2] / run.bin_ns);
		const color = d3.scaleSequential(d3.interpolateOranges).domain([0, 1]);
		setGeometry(P, { rows: rows, rh: rh, bin_ns: run.bin_ns });
		function draw(x) {
			const c = P.ctx, g = P.g, d = x.domain();
			c.clearRect(0, 0, g.width, g.height);
			c.fillStyle = '#fbfcfd';
			c.fillRect(g.x0, g.y0, g.w, g.h);
			c.strokeStyle = '#eef2f6';
			rows.forEach(function (cpu, i) { if (i) { c.beginPath(); c.moveTo(g.x0, g.y0 + i * rh + 0.5); c.lineTo(g.x0 + g.w, g.y0 + i * rh + 0.5); c.stroke(); } });
			clipPlot(c, g);
			if (exact) {
				c.strokeStyle = 'rgba(97, 110, 124, 0.55)';
				c.lineWidth = 1;
				let prev = -1;
				for (let i = 0; i < ex.n; i++) {
					const a = ex.t[i], b = a + ex.d[i];
					if (b < d[0] || a > d[1]) { prev = i; continue; }
					if (prev >= 0 && ex.cpu[prev] !== ex.cpu[i]) {
						c.beginPath();
						c.moveTo(x(ex.t[prev] + ex.d[prev]), yr(ex.cpu[prev]) + rh / 2);
						c.lineTo(x(a), yr(ex.cpu[i]) + rh / 2);
						c.stroke();
					}
					prev = i;
				}
				c.fillStyle = '#e8833a';
				for (let i = 0; i < ex.n; i++) {
					const a = ex.t[i], b = a + ex.d[i];
					if (b < d[0] || a > d[1] || !rowOf.has(ex.cpu[i])) continue;
					c.fillRect(x(a), yr(ex.cpu[i]) + 1, Math.max(1, x(b) - x(a)), rh - 2);
				}
			} else {
				const cl = core.cells, bn = run.bin_ns;
				for (let i = 0; i < cl.length; i += 3) {
					const t0 = cl[i] * bn;
					if (t0 + bn < d[0] || t0 > d[1] || !rowOf.has(cl[i + 1])) continue;
					c.fillStyle = color(0.2 + 0.8 * Math.sqrt(Math.min(1, cl[i + 2] / bn / maxShare)));
					const a = x(t0);
					c.fillRect(a, yr(cl[i + 1]) + 1, Math.max(1, x(t0 + bn) - a), rh - 2);
				}
			}
			c.restore();
			drawTimeAxis(P, x);
		}
		function hit(x, px, py) {
			const ri = Math.floor((py - P.g.y0) / rh), cpu = rows[ri], tt = x.invert(px);
			if (cpu === undefined) return null;
			if (exact) {
				for (let i = 0; i < ex.n; i++) {
					const a = ex.t[i], b = a + ex.d[i];
					if (ex.cpu[i] === cpu && x(a) - 2 <= px && px <= x(b) + 2)
						return [t.name + ' · CPU ' + cpu, [['slice from', tNs(a)], ['ran', PW.msExact(ex.d[i])]]];
				}
				return [t.name + ' · CPU ' + cpu, [['at', tNs(tt)], ['', 'not running here']]];
			}
			const bn = run.bin_ns, b = Math.floor(tt / bn), cl = core.cells;
			let ns = 0;
			for (let i = 0; i < cl.length; i += 3) if (cl[i] === b && cl[i + 1] === cpu) { ns = cl[i + 2]; break; }
			return [t.name + ' · CPU ' + cpu + ' · ' + tNs(b * bn) + ' + ' + PW.dur(bn), [
				['ran', PW.msExact(ns)], ['share of the bin', PW.pct(100 * ns / bn, 3) + ' %']]];
		}
		return { P: P, draw: draw, hit: hit };
	}

	// ---- KVM latency tab ---------------------------------------------------
	function kvmTab(panel, run, jrun) {
		panel.appendChild(PW.el('h2', null, 'KVM exit latency per exit reason (exit → entry)'));
		panel.appendChild(PW.el('p', { class: 'pw-help' },
			'Host time of each exit, from the exit to the next entry of the same vCPU thread, as a histogram over log-spaced buckets (' +
			H.per_decade + ' per decade). The lines mark p50, p90 and p99 (within 0.8 %, as in --json). Exits without an entry have no host time and are counted apart.'));
		const ctl = panel.appendChild(PW.el('div', { class: 'pw-controls' }));
		ctl.appendChild(PW.el('label', { for: 'kvm-task' }, 'vCPU thread'));
		const sel = ctl.appendChild(PW.el('select', { id: 'kvm-task' }));
		const kt = run.tasks.filter(function (t) { return t.reasons.length; });
		kt.forEach(function (t, i) { sel.appendChild(PW.el('option', { value: i }, t.name + ' (tid ' + t.tid + ')')); });
		const grid = panel.appendChild(PW.el('div', { class: 'hm-hists', id: 'kvm-hists' }));
		function draw() {
			const t = kt[+sel.value];
			PW.clear(grid);
			const rs = t.reasons.slice().sort(function (a, b) { return (b.timed + b.unpaired) - (a.timed + a.unpaired) || a.key - b.key; });
			rs.forEach(function (r) { histogram(grid, run, t, r); });
		}
		sel.addEventListener('change', draw);
		draw();
		setApi('kvm', { domain: function () { return null; }, zoomTo: function () { return null; } });
	}
	function histogram(parent, run, t, r) {
		const name = run.reasons[r.key];
		const box = parent.appendChild(PW.el('div', { class: 'hm-hist', 'data-reason': name, 'data-timed': r.timed, 'data-unpaired': r.unpaired }));
		const title = box.appendChild(PW.el('div', { class: 'hm-title' }));
		title.appendChild(PW.el('b', null, name));
		title.appendChild(PW.el('span', { class: 'hm-sub' }, ' ' + PW.int(r.timed + r.unpaired) + ' exits' +
			(r.unpaired ? ' (' + PW.int(r.unpaired) + ' without entry)' : '') +
			(r.timed ? ' · p50 ' + PW.dur(r.p50_ns) + ' · p90 ' + PW.dur(r.p90_ns) + ' · p99 ' + PW.dur(r.p99_ns) + ' · max ' + PW.dur(r.max_ns) : '')));
		if (!r.timed) return;
		const W = 420, Ht = 150, m = { l: 52, r: 10, t: 14, b: 30 };
		const lo = Math.max(0, r.lo - 1), hi = Math.min(H.dur_edges.length - 2, r.lo + r.hist.length);
		const x = d3.scaleLog().domain([H.dur_edges[lo], H.dur_edges[hi + 1]]).range([m.l, W - m.r]);
		const bars = r.hist.map(function (n, i) { return { k: r.lo + i, n: n }; }).filter(function (b) { return b.n; });
		const y = d3.scaleLinear().domain([0, d3.max(bars, function (b) { return b.n; }) || 1]).nice().range([Ht - m.b, m.t]);
		const svg = d3.select(box).append('svg').attr('width', W).attr('height', Ht).attr('class', 'pw-chart');
		svg.append('g').attr('class', 'axis').attr('transform', 'translate(0,' + (Ht - m.b) + ')')
			.call(d3.axisBottom(x).tickValues(x.ticks().filter(function (v) { return Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-6; })).tickFormat(durLabel).tickSizeOuter(0));
		svg.append('g').attr('class', 'axis').attr('transform', 'translate(' + m.l + ',0)').call(d3.axisLeft(y).ticks(4).tickFormat(d3.format('~s')));
		svg.append('g').selectAll('rect').data(bars).join('rect').attr('class', 'mark bar')
			.attr('data-count', function (b) { return b.n; }).attr('data-bucket', function (b) { return b.k; })
			.attr('x', function (b) { return x(H.dur_edges[b.k]) + 0.5; })
			.attr('width', function (b) { return Math.max(1, x(H.dur_edges[b.k + 1]) - x(H.dur_edges[b.k]) - 1); })
			.attr('y', function (b) { return y(b.n); }).attr('height', function (b) { return y(0) - y(b.n); })
			.attr('fill', '#4c78a8')
			.call(PW.tip, function (b) {
				return [t.name + ' · ' + name + ' · ' + bucketText(b.k), [['exits', PW.int(b.n)], ['share', PW.pct(100 * b.n / r.timed, 3) + ' %']]];
			});
		[['p50', r.p50_ns, '#2f9e44'], ['p90', r.p90_ns, '#e8833a'], ['p99', r.p99_ns, '#c92a2a']].forEach(function (p, i) {
			if (!p[1]) return;
			const xx = Math.max(m.l, Math.min(W - m.r, x(Math.max(H.dur_edges[lo], p[1]))));
			const g = svg.append('g').attr('class', 'pct').attr('data-p', p[0]).attr('data-ns', p[1]).style('pointer-events', 'none');
			g.append('line').attr('x1', xx).attr('x2', xx).attr('y1', m.t - 2).attr('y2', Ht - m.b).attr('stroke', p[2]).attr('stroke-width', 1.5).attr('stroke-dasharray', '4,2');
			const right = xx > W - 90;
			g.append('text').attr('x', right ? xx - 3 : xx + 3).attr('y', m.t + 8 + i * 11).attr('text-anchor', right ? 'end' : 'start')
				.attr('fill', p[2]).style('font-size', '10.5px').text(p[0] + ' ' + PW.dur(p[1]));
		});
	}

	// ---- CPUs tab ----------------------------------------------------------
	function cpusTab(panel, run, jrun) {
		const span = run.end_ns - run.start_ns;
		panel.appendChild(PW.el('h2', null, 'Which task ran on each CPU, over time'));
		panel.appendChild(PW.el('p', { class: 'pw-help' },
			'One row per CPU. Exact CPUs show every slice in its task\'s color; binned CPUs show per bin the task that ran most, ' +
			'its opacity the bin\'s busy share. Idle time is blank. Tasks with heatmaps have colors, other tasks are grey. Ctrl + scroll (or pinch, ' +
			'or double-click) zooms, drag pans.'));
		const ctl = panel.appendChild(PW.el('div', { class: 'pw-controls' }));
		const reset = ctl.appendChild(PW.el('button', { type: 'button', id: 'cpu-reset' }, 'Reset zoom'));
		const range = ctl.appendChild(PW.el('span', { class: 'pw-count', id: 'cpu-range' }));
		const legend = panel.appendChild(PW.el('div', { class: 'pw-legend', id: 'cpu-legend' }));
		const holder = panel.appendChild(PW.el('div', { class: 'hm-panels', id: 'cpu-panels' }));
		const ids = run.ids, nHeat = run.tasks.length;
		const color = function (id) { return id >= 0 && id < nHeat ? PAL[id % PAL.length] : '#9aa5b1'; };
		// legend: the tasks with the most busy time on the CPU view
		const tot = new Map();
		run.cpus.forEach(function (c) {
			for (let i = 0; i < c.cells.length; i += 5) tot.set(c.cells[i + 1], (tot.get(c.cells[i + 1]) || 0) + c.cells[i + 2]);
		});
		Array.from(tot.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; }).slice(0, 16).forEach(function (e) {
			const k = legend.appendChild(PW.el('span', { class: 'pw-key' }));
			k.appendChild(PW.el('span', { class: 'pw-swatch', style: 'background:' + color(e[0]) }));
			k.appendChild(PW.el('span', null, ids[e[0]][1] + ' (' + ids[e[0]][0] + ')'));
		});
		const rows = run.cpus.filter(function (c) { return c.count > 0; });
		const rh = Math.max(6, Math.min(22, Math.floor(440 / Math.max(1, rows.length))));
		const P = makePanel(holder, 'cpu-view', 'CPUs', rows.length * rh, {});
		P.sub.textContent = ' ' + rows.length + ' CPUs that ran a task';
		P.svg.append('g').attr('class', 'y axis').selectAll('text').data(rows).join('text')
			.attr('x', P.g.x0 - 6).attr('y', function (c, i) { return P.g.y0 + i * rh + rh / 2; }).attr('dy', '0.35em')
			.attr('text-anchor', 'end').style('font-size', Math.min(11, rh) + 'px')
			.text(function (c, i) { return rows.length > 32 && i % Math.ceil(rows.length / 32) ? '' : 'CPU ' + c.cpu + (c.mode === 'bins' ? ' (bins)' : ''); });
		const exs = rows.map(function (c) { return c.mode === 'exact' ? decodeExact(c) : null; });
		setGeometry(P, { rh: rh, cpus: rows.map(function (c) { return c.cpu; }), bin_ns: run.cpu_bin_ns });
		const bn = run.cpu_bin_ns;
		function draw(x) {
			const c = P.ctx, g = P.g, d = x.domain();
			c.clearRect(0, 0, g.width, g.height);
			c.fillStyle = '#fbfcfd';
			c.fillRect(g.x0, g.y0, g.w, g.h);
			clipPlot(c, g);
			rows.forEach(function (cpu, r) {
				const y0 = g.y0 + r * rh + 1, hh = rh - 2, ex = exs[r];
				if (ex) {
					for (let i = 0; i < ex.n; i++) {
						const a = ex.t[i], b = a + ex.d[i];
						if (b < d[0] || a > d[1]) continue;
						c.fillStyle = color(ex.id[i]);
						c.fillRect(x(a), y0, Math.max(1, x(b) - x(a)), hh);
					}
				} else {
					const cl = cpu.cells;
					for (let i = 0; i < cl.length; i += 5) {
						const t0 = cl[i] * bn;
						if (t0 + bn < d[0] || t0 > d[1]) continue;
						c.globalAlpha = 0.25 + 0.75 * Math.min(1, cl[i + 3] / bn);
						c.fillStyle = color(cl[i + 1]);
						const a = x(t0);
						c.fillRect(a, y0, Math.max(1, x(t0 + bn) - a), hh);
					}
					c.globalAlpha = 1;
				}
			});
			c.restore();
			drawTimeAxis(P, x);
		}
		function hit(x, px, py) {
			const r = Math.floor((py - P.g.y0) / rh), cpu = rows[r], tt = x.invert(px);
			if (!cpu) return null;
			const ex = exs[r];
			if (ex) {
				for (let i = 0; i < ex.n; i++) {
					const a = ex.t[i], b = a + ex.d[i];
					if (x(a) - 1 <= px && px <= x(b) + 1)
						return ['CPU ' + cpu.cpu + ' · ' + ids[ex.id[i]][1], [['tid', ids[ex.id[i]][0]], ['from', tNs(a)], ['ran', PW.msExact(ex.d[i])]]];
				}
				return ['CPU ' + cpu.cpu, [['at', tNs(tt)], ['', 'idle']]];
			}
			const b = Math.floor(tt / bn), cl = cpu.cells;
			for (let i = 0; i < cl.length; i += 5) {
				if (cl[i] !== b) continue;
				return ['CPU ' + cpu.cpu + ' · ' + tNs(b * bn) + ' + ' + PW.dur(bn), [
					['busy', PW.msExact(cl[i + 3]) + ' (' + PW.pct(100 * cl[i + 3] / bn, 3) + ' %)'],
					['ran most', ids[cl[i + 1]][1] + ' (tid ' + ids[cl[i + 1]][0] + ')'],
					['its time', PW.msExact(cl[i + 2])], ['tasks that ran', PW.int(cl[i + 4])]]];
			}
			return ['CPU ' + cpu.cpu + ' · ' + tNs(b * bn) + ' + ' + PW.dur(bn), [['busy', '0 (idle)']]];
		}
		const zoom = timeZoom(holder, span, P.g.x0, P.g.w, function (x) { draw(x); range.textContent = rangeText(x, span); });
		P.cv.addEventListener('mousemove', function (ev) {
			const r = P.cv.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top, g = P.g;
			if (px < g.x0 || px > g.x0 + g.w || py < g.y0 || py > g.y0 + g.h) { PW.hideTip(); return; }
			const tip = hit(zoom.x(), px, py);
			if (tip) PW.showTip(ev, tip[0], tip[1]); else PW.hideTip();
		});
		P.cv.addEventListener('mouseleave', PW.hideTip);
		reset.addEventListener('click', function () { zoom.reset(); });
		draw(zoom.x());
		range.textContent = rangeText(zoom.x(), span);
		setApi('cpus', zoom);
	}
})();
