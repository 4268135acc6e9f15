// SPDX-License-Identifier: Apache-2.0
// heatmaps.test.js: opens NAME-heatmaps.html pages in Debian's headless chromium and checks them against their --json.
//
//	node heatmaps.test.js SHOTDIR NAME=PAGE.html:DOC.json[:big] ...
//
// One browser for every page. Prints "ok NAME: check" / "not ok NAME: check:
// why" lines (tests/e2e/t7000-heatmaps.sh and t7099 assert them) and "# NAME:
// first paint N ms, page N KiB" lines, saves screenshots as
// SHOTDIR/NAME-zoom{1,2,3}.png, NAME-kvm.png, NAME-cpus.png, and exits 1
// when any check failed. The oracle is the --json document the page was
// made with (DOC.json) and, for the positions of cells and events, the
// page's own embedded document decoded here with zlib (independently of
// the page's JS).
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const { report, assert, eq, runPages } = require('./harness');

// the page's formats (common.js), re-stated as the spec
const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fmt = {
	int: function (v) { return nf.format(v); },
	msExact: function (ns) {
		const w = Math.floor(ns / 1e6);
		return nf.format(w) + '.' + String(ns - w * 1e6).padStart(6, '0') + ' ms';
	},
};

function embedded(html) {
	const m = /<script type="application\/octet-stream" id="pw-data">([A-Za-z0-9+/=,]*)<\/script>/.exec(fs.readFileSync(html, 'utf8'));
	const parts = m[1].split(',').map(function (b) { return zlib.inflateSync(Buffer.from(b, 'base64')); });
	return JSON.parse(Buffer.concat(parts).toString('utf8'));
}
function cumul(a) { const o = []; let s = 0; a.forEach(function (v) { s += v; o.push(s); }); return o; }
// bins -> [{b, d, k, n}]
function cols(s, kvm) {
	const c = s.cols, out = [];
	let i = 0;
	while (i < c.length) {
		const b = c[i++], k = kvm ? c[i++] : -1, lo = c[i++], len = c[i++];
		for (let j = 0; j < len; j++) if (c[i + j]) out.push({ b: b, d: lo + j, k: k, n: c[i + j] });
		i += len;
	}
	return out;
}
// the bin a tooltip is about: its title holds the bin's start, exact to the ns
function hoveredBin(text, binNs) {
	const m = /([0-9,]+)\.([0-9]{6}) ms/.exec(text.split('\n')[0]);
	assert(m, 'no time in: ' + text);
	return Math.round((+m[1].replace(/,/g, '') * 1e6 + +m[2]) / binNs);
}
// the page's duration labels (heatmaps.js durLabel)
function durText(ns) {
	if (ns >= 1e9) return +(ns / 1e9).toPrecision(3) + ' s';
	if (ns >= 1e6) return +(ns / 1e6).toPrecision(3) + ' ms';
	if (ns >= 1e3) return +(ns / 1e3).toPrecision(3) + ' µs';
	return Math.round(ns) + ' ns';
}
function seriesTotal(s, kvm) {
	if (s.mode === 'exact') return s.t.length;
	return cols(s, kvm).reduce(function (a, c) { return a + c.n; }, 0);
}

async function checkPage(browser, shots, name, html, jsonPath, big) {
	const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
	const doc = embedded(html), heat = doc.heat, H = heat.runs[0], J = json.runs[0];
	const url = 'file://' + path.resolve(html);
	const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
	const page = await ctx.newPage();
	const errors = [], requests = [];
	page.on('console', function (m) { if (m.type() === 'error' || m.type() === 'warning') errors.push('console ' + m.type() + ': ' + m.text()); });
	page.on('pageerror', function (e) { errors.push('page error: ' + e.message); });
	page.on('request', function (r) { requests.push(r.url()); });
	await ctx.route('**/*', function (route) {
		const u = route.request().url();
		if (u === url || u.startsWith('data:')) return route.continue();
		return route.abort();
	});
	await ctx.addInitScript(function () { window.alert = function () { window.__pwned = (window.__pwned || 0) + 1; }; });
	async function check(what, f) {
		try { await f(); report(name, what); } catch (e) { report(name, what, e); }
	}
	async function tipText() {
		await page.waitForSelector('#pw-tooltip:not([hidden])', { timeout: 3000 });
		return page.$eval('#pw-tooltip', function (e) { return e.innerText; });
	}
	function jtask(t) {
		const x = J.tasks.find(function (u) { return u.tid === t.tid && u.name === t.name; });
		assert(x, 'task ' + t.name + ' (' + t.tid + ') not in the JSON');
		return x;
	}
	async function geometry(id) {
		const g = JSON.parse(await page.getAttribute('#' + id + '-canvas', 'data-geometry'));
		const box = await page.locator('#' + id + '-canvas').boundingBox();
		g.bx = box.x; g.by = box.y;
		return g;
	}
	async function domain() { return page.evaluate(function () { return PWH.domain(); }); }
	function px(g, d, t) { return g.bx + g.x0 + (t - d[0]) / (d[1] - d[0]) * g.w; }
	function py(g, dur) { return g.by + g.y0 + g.h * (1 - (Math.log(dur) - Math.log(g.ylo)) / (Math.log(g.yhi) - Math.log(g.ylo))); }

	let t0 = Date.now();
	await page.goto(url);
	await check('the page renders', async function () {
		await page.waitForSelector('body[data-ready="1"]', { timeout: big ? 60000 : 15000 });
	});
	const loadMs = Date.now() - t0;
	const paintMs = await page.evaluate(function () { return PW.readyMs; }).catch(function () { return -1; });
	const span = H.end_ns - H.start_ns;

	await check('the window is the --json window', async function () {
		eq(H.start_ns, J.start_ns, 'start');
		eq(H.end_ns, J.end_ns, 'end');
	});
	await check('the resolution note says what was binned and at what resolution', async function () {
		const text = await page.$eval('#hm-binning', function (e) { return e.textContent; });
		let nb = 0;
		H.tasks.forEach(function (t) { ['run', 'sleep', 'host', 'guest'].forEach(function (k) { if (t[k].count && t[k].mode === 'bins') nb++; }); });
		if (nb) assert(text.indexOf(nb + ' of ') >= 0 && text.indexOf(' per column') >= 0, 'no binned series count in: ' + text);
		else assert(text.indexOf('Every series is exact') >= 0, 'not said exact: ' + text);
		if (H.omitted) assert(text.indexOf(fmt.int(H.omitted) + ' more selected tasks') >= 0, 'omitted tasks not said: ' + text);
	});
	await check('every selected task but idle ones has heatmaps (up to the limit), in --json order', async function () {
		const want = J.tasks.filter(function (t) { return t.idle_cpu === undefined; }).map(function (t) { return t.tid + ' ' + t.name; });
		const got = H.tasks.map(function (t) { return t.tid + ' ' + t.name; });
		eq(got.join('|'), want.slice(0, heat.limits.tasks).join('|'), 'tasks');
		eq(H.omitted, Math.max(0, want.length - heat.limits.tasks), 'omitted');
	});

	// ---- the embedded heatmaps against --json (bins and exact events) ----
	await check('per task, the heatmap events add up to --json: slices = switches, KVM exits per reason, runtime', async function () {
		H.tasks.forEach(function (t) {
			const j = jtask(t);
			eq(seriesTotal(t.run, false), t.run.count, t.name + ' run cells');
			eq(t.run.count + t.nostart, j.switches, t.name + ' slices + unknown start = switches');
			eq(seriesTotal(t.host, true), t.host.count, t.name + ' host cells');
			eq(seriesTotal(t.guest, true), t.guest.count, t.name + ' guest cells');
			const per = {};
			if (t.host.mode === 'bins') cols(t.host, true).forEach(function (c) { per[c.k] = (per[c.k] || 0) + c.n; });
			else t.host.k.forEach(function (k) { per[k] = (per[k] || 0) + 1; });
			let exits = 0;
			t.reasons.forEach(function (r) {
				const n = H.reasons[r.key], jr = j.kvm.reasons[n];
				eq((per[r.key] || 0), r.timed, t.name + ' ' + n + ' host events');
				eq(r.timed + r.unpaired, j.kvm.exits[n], t.name + ' ' + n + ' exits');
				eq(r.timed, jr.timed, t.name + ' ' + n + ' timed');
				eq(r.hist.reduce(function (a, v) { return a + v; }, 0), r.timed, t.name + ' ' + n + ' histogram total');
				if (r.timed) { eq(r.p50_ns, jr.p50_ns, n + ' p50'); eq(r.p99_ns, jr.p99_ns, n + ' p99'); eq(r.max_ns, jr.max_ns, n + ' max'); }
				exits += r.timed + r.unpaired;
			});
			eq(exits, j.kvm.count, t.name + ' exits');
			eq(t.rt.reduce(function (a, v) { return a + v; }, 0), j.runtime_ns, t.name + ' runtime series');
			eq(t.sw.reduce(function (a, v) { return a + v; }, 0), j.switches, t.name + ' switch series');
			let core = 0;
			if (t.core.mode === 'exact') core = t.core.d.reduce(function (a, v) { return a + v; }, 0);
			else for (let i = 0; i < t.core.cells.length; i += 3) core += t.core.cells[i + 2];
			eq(core, j.runtime_ns, t.name + ' core map runtime');
		});
	});
	await check('per CPU, the CPU view\'s busy time equals --json busy_ns', async function () {
		H.cpus.forEach(function (c) {
			const jc = J.cpus.find(function (x) { return x.cpu === c.cpu; });
			let busy = 0;
			for (let i = 0; i < c.cells.length; i += 5) busy += c.cells[i + 3];
			eq(busy, jc ? jc.busy_ns : 0, 'CPU ' + c.cpu + ' busy (bins)');
			if (c.mode === 'exact') eq(c.d.reduce(function (a, v) { return a + v; }, 0), busy, 'CPU ' + c.cpu + ' busy (slices)');
			const s = c.busy.reduce(function (a, v) { return a + v; }, 0);
			eq(s, jc ? jc.busy_ns : 0, 'CPU ' + c.cpu + ' busy series');
		});
	});

	// ---- what the page shows ----
	const sample = H.tasks.slice(0, big ? 3 : 8);
	await check('the page\'s per-task totals (summed over its bins) equal --json', async function () {
		for (let i = 0; i < sample.length; i++) {
			const t = sample[i], j = jtask(t);
			await page.selectOption('#hm-task', String(i));
			const figs = await page.$$eval('#hm-summary .hm-fig[data-fig]', function (f) {
				const o = {}; f.forEach(function (e) { o[e.dataset.fig] = +e.dataset.value; }); return o;
			});
			eq(figs.run, j.switches, t.name + ' end of run + unknown start');
			if (j.kvm.count) {
				eq(figs.exits, j.kvm.count, t.name + ' KVM exits');
				const opts = await page.$$eval('#hm-reason option[data-reason]', function (o) {
					return o.map(function (e) { return [e.dataset.reason, +e.dataset.exits]; });
				});
				eq(opts.length, Object.keys(j.kvm.exits).length, t.name + ' reasons');
				opts.forEach(function (o) { eq(o[1], j.kvm.exits[o[0]], t.name + ' ' + o[0] + ' exits'); });
			}
		}
		await page.selectOption('#hm-task', '0');
	});

	// a task with the most switches (and KVM when there is some)
	let ti = 0;
	H.tasks.forEach(function (t, i) { if ((t.host.count > 0) - (H.tasks[ti].host.count > 0) > 0 || ((t.host.count > 0) === (H.tasks[ti].host.count > 0) && t.run.count > H.tasks[ti].run.count)) ti = i; });
	const T = H.tasks[ti];
	await page.selectOption('#hm-task', String(ti));

	await check('a heatmap cell\'s tooltip gives its exact count', async function () {
		const g = await geometry('hm-switch'), d = await domain();
		let t, dur, want;
		if (T.run.mode === 'bins') {
			const c = cols(T.run, false).sort(function (a, b) { return b.n - a.n || a.b - b.b; })[0];
			t = (c.b + 0.5) * H.bin_ns;
			dur = Math.sqrt(heat.dur_edges[c.d] * heat.dur_edges[c.d + 1]);
			await page.mouse.move(px(g, d, t), py(g, dur));
			const text = await tipText();
			// the cell hovered (a pixel may fall in the next one): its bin
			// and bucket from the title, its count from the document
			const b = hoveredBin(text, H.bin_ns), k = heat.dur_edges.findIndex(function (e) { return text.indexOf(' · ' + durText(e) + ' – ') >= 0; });
			assert(k >= 0, 'no duration bucket in: ' + text);
			const cell = cols(T.run, false).find(function (x) { return x.b === b && x.d === k; });
			want = 'end of run\t' + fmt.int(cell ? cell.n : 0) + ' slices';
			assert(Math.abs(b - c.b) <= 1 && Math.abs(k - c.d) <= 1, 'hovered bin ' + b + '/' + k + ', aimed at ' + c.b + '/' + c.d);
			assert(text.indexOf(want) >= 0, 'want "' + want + '" in: ' + text);
		} else {
			// an event with no other within 8 px
			const ts = cumul(T.run.t), ds = T.run.d;
			const pts = ts.map(function (v, i) { return [px(g, d, v), py(g, Math.max(heat.dur_edges[0], ds[i])), i]; });
			const p = pts.find(function (a) {
				return a[1] > g.by + g.y0 + 4 && a[1] < g.by + g.y0 + g.h - 4 && pts.every(function (b) { return b === a || Math.abs(a[0] - b[0]) > 8 || Math.abs(a[1] - b[1]) > 8; });
			});
			assert(p, 'no isolated event');
			await page.mouse.move(p[0], p[1]);
			const text = await tipText();
			assert(text.indexOf('at ' + fmt.msExact(ts[p[2]])) >= 0, 'no time ' + fmt.msExact(ts[p[2]]) + ' in: ' + text);
		}
	});
	if (T.core.mode === 'bins') {
		await check('the CPU % strip\'s tooltip gives the runtime series\' exact figure', async function () {
			const g = await geometry('hm-cpu'), d = await domain(), bn = H.series_bin_ns;
			let i = 0;
			T.rt.forEach(function (v, k) { if (v > T.rt[i]) i = k; });
			await page.mouse.move(px(g, d, (i + 0.5) * bn), g.by + g.y0 + g.h / 2);
			const text = await tipText(), b = hoveredBin(text, bn);
			assert(Math.abs(b - i) <= 1, 'hovered bin ' + b + ', aimed at ' + i);
			assert(text.indexOf('runtime\t' + fmt.msExact(T.rt[b])) >= 0, 'no runtime ' + fmt.msExact(T.rt[b]) + ' in: ' + text);
			assert(text.indexOf('switches\t' + fmt.int(T.sw[b])) >= 0, 'no switches in: ' + text);
		});
	}
	await check('the "end of sleep" toggle takes sleeps off the heatmap', async function () {
		if (T.run.mode !== 'bins' || T.sleep.mode !== 'bins') return;
		const g = await geometry('hm-switch'), d = await domain();
		const c = cols(T.sleep, false).sort(function (a, b) { return b.n - a.n || a.b - b.b; })[0];
		const x = px(g, d, (c.b + 0.5) * H.bin_ns), y = py(g, Math.sqrt(heat.dur_edges[c.d] * heat.dur_edges[c.d + 1]));
		await page.mouse.move(x, y);
		assert((await tipText()).indexOf('end of sleep\t' + fmt.int(c.n) + ' sleeps') >= 0, 'sleep count not shown');
		await page.uncheck('#hm-show-sleep');
		await page.mouse.move(x + 1, y);
		assert((await tipText()).indexOf('end of sleep') < 0, 'sleeps still listed');
		await page.check('#hm-show-sleep');
	});
	if (T.host.count) {
		await check('the KVM reason filter shows one reason\'s exits', async function () {
			const j = jtask(T);
			const r = T.reasons.slice().sort(function (a, b) { return b.timed - a.timed; })[0];
			await page.selectOption('#hm-reason', String(r.key));
			const g = await geometry('hm-host');
			eq(g.count, r.timed, 'host events of ' + H.reasons[r.key]);
			eq(r.timed, j.kvm.reasons[H.reasons[r.key]].timed, 'JSON timed');
			await page.selectOption('#hm-reason', '-1');
			eq((await geometry('hm-host')).count, T.host.count, 'all reasons');
		});
	}

	// ---- zoom ----
	await page.mouse.move(1, 1);
	await page.screenshot({ path: path.join(shots, name + '-zoom1.png'), fullPage: true });
	await check('a wheel on a panel zooms every panel of the task alike', async function () {
		const before = await domain();
		eq(before[0], 0, 'full view start');
		eq(before[1], span, 'full view end');
		const g = await geometry('hm-switch');
		await page.mouse.move(g.bx + g.x0 + g.w * 0.4, g.by + g.y0 + g.h / 2);
		// a plain wheel scrolls the page, Ctrl + wheel zooms
		await page.mouse.wheel(0, -300);
		await page.waitForTimeout(200);
		eq((await domain())[1] - (await domain())[0], span, 'a plain wheel zoomed');
		await page.keyboard.down('Control');
		for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -300);
		await page.keyboard.up('Control');
		await page.waitForTimeout(300);
		const after = await domain();
		assert(after[1] - after[0] < (before[1] - before[0]) * 0.9, 'not zoomed: ' + JSON.stringify(after));
		assert(after[0] > 0 || after[1] < span, 'domain unchanged');
		const ticks = await page.$$eval('.hm-panel .x.axis', function (a) {
			return a.map(function (e) { return Array.from(e.querySelectorAll('.tick text')).map(function (t) { return t.textContent; }).join(','); });
		});
		assert(ticks.length >= 3, 'panels: ' + ticks.length);
		ticks.forEach(function (s) { eq(s, ticks[0], 'axis ticks of every panel'); });
		const dd = JSON.parse(await page.getAttribute('#hm-panels', 'data-domain'));
		eq(dd[0], after[0], 'data-domain');
	});
	await page.mouse.move(1, 1);
	const mid = (T.run.count ? (function () {
		if (T.run.mode === 'exact') { const ts = cumul(T.run.t); return ts[ts.length >> 1]; }
		const c = cols(T.run, false); return (c[c.length >> 1].b + 0.5) * H.bin_ns;
	})() : span / 2);
	await check('a programmatic zoom shows the asked range, and the range text says it', async function () {
		const w = span / 8, a = Math.max(0, Math.min(span - w, mid - w / 2));
		const got = await page.evaluate(function (r) { return PWH.zoomTo(r[0], r[1]); }, [a, a + w]);
		assert(Math.abs(got[0] - a) < w * 1e-6 + 1 && Math.abs(got[1] - (a + w)) < w * 1e-6 + 1, 'domain ' + JSON.stringify(got) + ' want ' + [a, a + w]);
		const text = await page.$eval('#hm-range', function (e) { return e.textContent; });
		assert(text.indexOf('12.5 %') >= 0, 'range text: ' + text);
	});
	await page.screenshot({ path: path.join(shots, name + '-zoom2.png'), fullPage: true });
	await check('a deep zoom keeps the panels aligned and can be reset', async function () {
		// exact events: 1/400 of the window; bins: 6 bins
		const binned = T.run.mode === 'bins';
		const w = binned ? 6 * H.bin_ns : Math.max(200, span / 400), a = Math.max(0, Math.min(span - w, mid - w / 2));
		const got = await page.evaluate(function (r) { return PWH.zoomTo(r[0], r[1]); }, [a, a + w]);
		assert(got[1] - got[0] <= w * 1.001 + 1 && got[1] - got[0] < span / 20, 'not deep: ' + JSON.stringify(got));
		const ticks = await page.$$eval('.hm-panel .x.axis', function (ax) {
			return ax.map(function (e) { return Array.from(e.querySelectorAll('.tick text')).map(function (t) { return t.textContent; }).join(','); });
		});
		ticks.forEach(function (s) { eq(s, ticks[0], 'axis ticks of every panel'); });
		await page.screenshot({ path: path.join(shots, name + '-zoom3.png'), fullPage: true });
		await page.click('#hm-reset');
		const d = await domain();
		eq(d[1] - d[0], span, 'reset');
		await page.click('#hm-zoom-in');
		const d2 = await domain();
		assert(Math.abs((d2[1] - d2[0]) * 4 - span) < span * 1e-6, 'the + button: ' + JSON.stringify(d2));
		await page.click('#hm-reset');
	});

	// ---- KVM latency ----
	const kt = H.tasks.filter(function (t) { return t.reasons.length; });
	if (kt.length) {
		await check('KVM histograms: per reason, bars add up to the timed exits, p50/p99 are --json\'s', async function () {
			await page.click('#tab-kvm');
			for (let i = 0; i < Math.min(kt.length, 3); i++) {
				await page.selectOption('#kvm-task', String(i));
				const j = jtask(kt[i]);
				const hs = await page.$$eval('.hm-hist', function (b) {
					return b.map(function (e) {
						const o = { reason: e.dataset.reason, timed: +e.dataset.timed, unpaired: +e.dataset.unpaired, bars: 0, p: {} };
						e.querySelectorAll('rect.bar').forEach(function (r) { o.bars += +r.dataset.count; });
						e.querySelectorAll('g.pct').forEach(function (g) { o.p[g.dataset.p] = +g.dataset.ns; });
						return o;
					});
				});
				eq(hs.length, Object.keys(j.kvm.exits).length, kt[i].name + ' histograms');
				hs.forEach(function (h) {
					const jr = j.kvm.reasons[h.reason];
					eq(h.timed + h.unpaired, j.kvm.exits[h.reason], h.reason + ' exits');
					eq(h.bars, h.timed, h.reason + ' bars');
					eq(h.timed, jr.timed, h.reason + ' timed');
					if (h.timed) { eq(h.p.p50, jr.p50_ns, h.reason + ' p50'); eq(h.p.p99, jr.p99_ns, h.reason + ' p99'); assert(h.p.p90 >= h.p.p50 && h.p.p90 <= h.p.p99, 'p90 between'); }
				});
			}
			await page.selectOption('#kvm-task', '0');
			const bar = page.locator('.hm-hist rect.bar').first();
			const n = await bar.getAttribute('data-count');
			await bar.hover();
			assert((await tipText()).indexOf('exits\t' + fmt.int(+n)) >= 0, 'bar tooltip');
		});
		await page.mouse.move(1, 1);
		await page.screenshot({ path: path.join(shots, name + '-kvm.png'), fullPage: true });
	}

	// ---- CPUs ----
	await check('the CPU view: a bin\'s tooltip gives its busy time and the task that ran most', async function () {
		await page.click('#tab-cpus');
		await page.waitForSelector('#cpu-view-canvas', { state: 'visible' });
		const g = await geometry('cpu-view'), d = await domain();
		eq(d[1], span, 'own zoom, full');
		const ri = 0, c = H.cpus.find(function (x) { return x.cpu === g.cpus[ri]; });
		const y = g.by + g.y0 + ri * g.rh + g.rh / 2;
		if (c.mode === 'exact') {
			const ts = cumul(c.t);
			let k = 0;
			c.d.forEach(function (v, i) { if (v > c.d[k]) k = i; });
			await page.mouse.move(px(g, d, ts[k] + c.d[k] / 2), y);
			const text = await tipText();
			assert(text.indexOf(H.ids[c.id[k]][1]) >= 0 && text.indexOf(fmt.msExact(c.d[k])) >= 0, 'slice tooltip: ' + text);
		} else {
			let k = 0;
			for (let i = 0; i < c.cells.length; i += 5) if (c.cells[i + 3] > c.cells[k + 3]) k = i;
			await page.mouse.move(px(g, d, (c.cells[k] + 0.5) * H.cpu_bin_ns), y);
			const text = await tipText();
			const b = hoveredBin(text, H.cpu_bin_ns);
			assert(Math.abs(b - c.cells[k]) <= 1, 'hovered bin ' + b + ', aimed at ' + c.cells[k]);
			let j = -1;
			for (let i = 0; i < c.cells.length; i += 5) if (c.cells[i] === b) j = i;
			if (j < 0) assert(text.indexOf('0 (idle)') >= 0, 'bin ' + b + ' is idle, tooltip: ' + text);
			else {
				assert(text.indexOf(fmt.msExact(c.cells[j + 3])) >= 0, 'no busy ' + fmt.msExact(c.cells[j + 3]) + ' in: ' + text);
				assert(text.indexOf(H.ids[c.cells[j + 1]][1]) >= 0, 'no top task in: ' + text);
				assert(text.indexOf('tasks that ran\t' + c.cells[j + 4]) >= 0, 'no task count in: ' + text);
			}
		}
		await page.mouse.move(g.bx + g.x0 + g.w / 2, y);
		await page.keyboard.down('Control');
		await page.mouse.wheel(0, -400);
		await page.keyboard.up('Control');
		await page.waitForTimeout(200);
		const z = await domain();
		assert(z[1] - z[0] < span, 'CPU view did not zoom');
		await page.click('#cpu-reset');
	});
	await page.mouse.move(1, 1);
	await page.screenshot({ path: path.join(shots, name + '-cpus.png'), fullPage: true });

	const evil = H.ids.filter(function (x) { return /[<>&"]/.test(x[1]); });
	if (evil.length) {
		await check('task names with markup show as text, nothing is injected', async function () {
			await page.click('#tab-tasks');
			const opts = await page.$$eval('#hm-task option', function (o) { return o.map(function (e) { return e.textContent; }); });
			evil.forEach(function (x) { assert(opts.some(function (o) { return o.indexOf(x[1]) === 0; }), 'not shown as text: ' + x[1]); });
			eq(await page.evaluate(function () { return window.__pwned; }), undefined, 'alert called');
			eq(await page.$$eval('img', function (i) { return i.length; }), 0, '<img> elements');
			eq(await page.$$eval('script', function (s) { return s.length; }), 4, '<script> elements');
		});
	}
	await check('no console error, no page error', async function () { assert(!errors.length, errors.join('; ')); });
	await check('no network request (only the page itself)', async function () {
		const other = requests.filter(function (u) { return u !== url && !u.startsWith('data:'); });
		assert(!other.length, other.length + ' requests: ' + other.slice(0, 3).join(' '));
	});
	console.log('# ' + name + ': first paint ' + Math.round(paintMs) + ' ms (load to ready ' + loadMs + ' ms), page ' +
		(fs.statSync(html).size / 1024).toFixed(0) + ' KiB');
	await ctx.close();
}

async function main() {
	const shots = process.argv[2];
	const pages = process.argv.slice(3);
	if (!shots || !pages.length) {
		console.error('usage: node heatmaps.test.js SHOTDIR NAME=PAGE.html:DOC.json[:big]...');
		process.exit(2);
	}
	fs.mkdirSync(shots, { recursive: true });
	await runPages(pages, /^([^=]+)=([^:]+):([^:]+)(:big)?$/, function (browser, m) {
		return checkPage(browser, shots, m[1], m[2], m[3], !!m[4]);
	});
}

main().catch(function (e) { console.log('not ok browser: ' + e.message); process.exit(1); });
