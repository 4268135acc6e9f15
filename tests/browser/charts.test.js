// SPDX-License-Identifier: Apache-2.0
// charts.test.js: opens NAME-charts.html pages in Debian's headless chromium and checks them against their --json.
//
//	node charts.test.js SHOTDIR NAME=PAGE.html:DOC.json[:big] ...
//
// One browser for every page. For each page it prints "ok NAME: check" or
// "not ok NAME: check: why" lines (tests/e2e/t6000-charts.sh asserts them),
// saves one screenshot per tab as SHOTDIR/NAME-TAB.png, and exits 1 when
// any check failed. Figures on the page are compared with the JSON
// document the page was made from (the oracle), formatted as the page says
// it formats them (docs/dashboards.md).
'use strict';

const fs = require('fs');
const path = require('path');

const { report, assert, eq, runPages } = require('./harness');

// the page's formats (common.js), re-stated here as the spec
const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fmt = {
	int: function (v) { return nf.format(v); },
	pct: function (v, d) { return (+v).toFixed(d); },
	ms: function (ns) { return (ns / 1e6).toFixed(3); },
	msExact: function (ns) {
		const w = Math.floor(ns / 1e6);
		return nf.format(w) + '.' + String(ns - w * 1e6).padStart(6, '0') + ' ms';
	},
	date: function (s) {
		return s ? new Date(s * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : 'unknown';
	},
};
const QUALITY_KEYS = ['truncated', 'legacy', 'failed_validation', 'unknown_state_switches', 'switch_mismatch',
	'kvm_exits_without_entry', 'kvm_entries_without_exit', 'tid_reuse', 'legacy_skipped'];

async function checkPage(browser, shots, name, html, jsonPath, big) {
	const doc = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
	const runs = doc.runs, multi = runs.length > 1;
	const url = 'file://' + path.resolve(html);
	const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
	const page = await ctx.newPage();
	const errors = [], requests = [];
	page.on('console', function (m) { if (m.type() === 'error' || m.type() === 'warning') errors.push('console ' + m.type() + ': ' + m.text()); });
	page.on('pageerror', function (e) { errors.push('page error: ' + e.message); });
	page.on('request', function (r) { requests.push(r.url()); });
	// nothing may leave the page: anything but the page itself is refused (and counted)
	await ctx.route('**/*', function (route) {
		const u = route.request().url();
		if (u === url || u.startsWith('data:')) return route.continue();
		return route.abort();
	});
	// an injected onerror=alert(1) would call alert: make that visible
	await ctx.addInitScript(function () { window.alert = function () { window.__pwned = (window.__pwned || 0) + 1; }; });

	async function check(what, f) {
		try { await f(); report(name, what); } catch (e) { report(name, what, e); }
	}
	async function tipText() {
		await page.waitForSelector('#pw-tooltip:not([hidden])', { timeout: 3000 });
		return page.$eval('#pw-tooltip', function (e) { return e.innerText; });
	}
	// the page's labels: the name, "name:tid" when several tasks of the run
	// share it (idle tasks excepted), ".run" appended with several runs
	function labelOf(r, t) {
		const n = r.tasks.filter(function (x) { return x.name === t.name; }).length;
		const name = n > 1 && t.idle_cpu === undefined ? t.name + ':' + t.tid : t.name;
		return multi ? name + '.' + r.name : name;
	}
	function findTask(runName, tid, label) {
		const r = runs.find(function (x) { return x.name === runName; });
		assert(r, 'no run ' + runName);
		const t = r.tasks.find(function (x) { return x.tid === tid && labelOf(r, x) === label; });
		assert(t, 'no task ' + label + ' (tid ' + tid + ') in run ' + runName);
		return t;
	}

	const t0 = Date.now();
	await page.goto(url);
	await check('the page renders', async function () {
		await page.waitForSelector('body[data-ready="1"]', { timeout: big ? 30000 : 10000 });
	});
	const loadMs = Date.now() - t0;

	await check('the header shows each run\'s metadata', async function () {
		const rows = await page.$$eval('#pw-header tr.pw-run', function (trs) {
			return trs.map(function (tr) {
				const o = {};
				tr.querySelectorAll('td').forEach(function (td) { o[td.dataset.col] = td.textContent; });
				return o;
			});
		});
		eq(rows.length, runs.length, 'runs in the header');
		runs.forEach(function (r, i) {
			eq(rows[i].run, r.name, 'run name');
			eq(rows[i].host, r.meta.hostname || 'unknown', 'host');
			eq(rows[i].kernel, r.meta.kernel || 'unknown', 'kernel');
			eq(rows[i].nr_cpus, String(r.nr_cpus), 'nr_cpus');
			eq(rows[i].captured, fmt.date(r.meta.capture_time), 'capture date');
		});
		const h1 = await page.$eval('#pw-header h1', function (e) { return e.textContent; });
		assert(h1.indexOf('perfwhiz ' + doc.perfwhiz) >= 0, 'no perfwhiz version in "' + h1 + '"');
		if (doc.label) assert(h1.indexOf(doc.label) === 0, 'no label in "' + h1 + '"');
	});

	await check('a data-quality note exactly when the analysis reported one', async function () {
		const want = runs.some(function (r) {
			return QUALITY_KEYS.some(function (k) { const v = r.quality[k]; return v === true || (typeof v === 'number' && v > 0); }) ||
				r.scale > 1.000001;
		});
		const got = await page.$('#pw-quality') !== null;
		eq(got, want, 'quality note shown');
		if (want) {
			const text = await page.$eval('#pw-quality', function (e) { return e.textContent; });
			runs.forEach(function (r) {
				if (r.quality.kvm_exits_without_entry)
					assert(text.indexOf(fmt.int(r.quality.kvm_exits_without_entry) + ' KVM exits without') >= 0, 'exit count missing: ' + text);
				if (r.quality.truncated) assert(text.indexOf('stops short') >= 0, 'truncation missing');
			});
		}
	});

	const hasKvm = runs.some(function (r) { return r.tasks.some(function (t) { return t.kvm && t.kvm.count > 0; }); });
	await check('the tabs are CPU, ' + (hasKvm ? 'KVM, ' : '(no KVM: no KVM tab) ') + 'CoreMap', async function () {
		const tabs = await page.$$eval('#pw-tabs button', function (b) { return b.map(function (x) { return x.dataset.tab; }); });
		eq(tabs.join(','), hasKvm ? 'cpu,kvm,coremap' : 'cpu,coremap', 'tabs');
	});

	// ---- tab 1 ----
	const shown = [];
	runs.forEach(function (r) { r.tasks.forEach(function (t) { if (t.idle_cpu === undefined) shown.push([r, t]); }); });
	await check('every task row of the CPU table equals the JSON', async function () {
		const rows = await page.$$eval('#cpu-table tbody tr', function (trs) {
			return trs.map(function (tr) {
				const o = {};
				tr.querySelectorAll('td').forEach(function (td) { o[td.dataset.key] = td.textContent; });
				return o;
			});
		});
		eq(rows.length, Math.min(100, shown.length), 'rows shown');
		rows.forEach(function (o) {
			const t = findTask(multi ? o.run : runs[0].name, +o.tid, o.label);
			eq(o.pid, String(t.pid), o.label + ' pid');
			eq(o.cpu, fmt.pct(t.cpu_pct, 2), o.label + ' CPU %');
			eq(o.runtime, fmt.ms(t.runtime_ns), o.label + ' runtime');
			['switches', 'voluntary', 'involuntary', 'sched_in', 'migrations'].forEach(function (k) {
				eq(o[k], fmt.int(t[k]), o.label + ' ' + k);
			});
			eq(o.wait, fmt.ms(t.wait_ns), o.label + ' wait');
			eq(o.preempted, fmt.ms(t.preempted_ns), o.label + ' preempted');
		});
		const total = await page.$eval('#cpu-table tfoot td[data-key="switches"]', function (e) { return e.textContent; });
		let sum = 0;
		shown.forEach(function (p) { sum += p[1].switches; });
		eq(total, fmt.int(sum), 'switches total');
	});

	await check('the CPU table sorts by a column, both ways', async function () {
		async function col() {
			return page.$$eval('#cpu-table tbody td[data-key="switches"]', function (tds) {
				return tds.map(function (td) { return +td.textContent.replace(/,/g, ''); });
			});
		}
		await page.click('#cpu-table thead th[data-key="switches"]');
		let v = await col();
		for (let i = 1; i < v.length; i++) assert(v[i - 1] >= v[i], 'not descending at row ' + i);
		const best = Math.max.apply(null, shown.map(function (p) { return p[1].switches; }));
		eq(v[0], best, 'top switches');
		await page.click('#cpu-table thead th[data-key="switches"]');
		v = await col();
		for (let i = 1; i < v.length; i++) assert(v[i - 1] <= v[i], 'not ascending at row ' + i);
		await page.click('#cpu-table thead th[data-key="cpu"]');
	});

	await check('the CPU table filters by name', async function () {
		const name = shown[0][1].name;
		await page.fill('#cpu-table-filter', name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
		const labels = await page.$$eval('#cpu-table tbody td[data-key="label"]', function (tds) { return tds.map(function (td) { return td.textContent; }); });
		assert(labels.length >= 1, 'no row left');
		labels.forEach(function (l) { assert(l.indexOf(name) >= 0, 'row ' + l + ' does not match ' + name); });
		await page.fill('#cpu-table-filter', '');
	});

	await check('the sort control reorders the chart', async function () {
		await page.selectOption('#cpu-sort', 'involuntary');
		const first = await page.$eval('#cpu-chart rect.bar-cpu', function (e) { return [e.dataset.run, +e.dataset.tid, e.dataset.task]; });
		const t = findTask(first[0], first[1], first[2]);
		// tasks are grouped by name (their runs side by side): the first
		// group is the one holding the most involuntary switches
		const best = Math.max.apply(null, shown.map(function (p) { return p[1].involuntary; }));
		const names = shown.filter(function (p) { return p[1].involuntary === best; }).map(function (p) { return p[1].name; });
		assert(names.indexOf(t.name) >= 0, 'first bar ' + t.name + ' is not among ' + names.join(', ') + ' (' + best + ' involuntary switches)');
		if (!multi) eq(t.involuntary, best, 'first bar involuntary switches');
		await page.selectOption('#cpu-sort', 'cpu');
	});

	await check('a tooltip with the exact figures appears on a CPU bar', async function () {
		const bar = page.locator('#cpu-chart rect.bar-cpu').first();
		const d = await bar.evaluate(function (e) { return [e.dataset.run, +e.dataset.tid, e.dataset.task]; });
		const t = findTask(d[0], d[1], d[2]);
		await bar.hover();
		const text = await tipText();
		assert(text.indexOf(d[2]) === 0, 'title: ' + text.split('\n')[0]);
		assert(text.indexOf(fmt.pct(t.cpu_pct, 3) + ' %') >= 0, 'no CPU % ' + t.cpu_pct + ' in: ' + text);
		assert(text.indexOf(fmt.msExact(t.runtime_ns)) >= 0, 'no runtime ' + fmt.msExact(t.runtime_ns) + ' in: ' + text);
		assert(text.indexOf(fmt.int(t.voluntary)) >= 0, 'no voluntary count');
		// the tasks drawn: a segment per kind of switch they have, none
		// for a kind they have none of (an idle machine may preempt nobody)
		const drawn = await page.$$eval('#cpu-chart rect.bar-cpu', function (r) {
			return r.map(function (e) { return [e.dataset.run, +e.dataset.tid, e.dataset.task]; });
		});
		const want = drawn.filter(function (d) { return findTask(d[0], d[1], d[2]).involuntary > 0; }).length;
		const segs = page.locator('#cpu-chart rect.bar-involuntary');
		eq(await segs.count(), want, 'involuntary segments (one per drawn task with an involuntary switch)');
		if (!want) return;
		const sw = segs.first();
		const ds = await sw.evaluate(function (e) { return [e.dataset.run, +e.dataset.tid, e.dataset.task]; });
		await sw.hover();
		const text2 = await tipText();
		assert(text2.indexOf('involuntary switches\t' + fmt.int(findTask(ds[0], ds[1], ds[2]).involuntary)) >= 0, 'switch tooltip: ' + text2);
	});
	await page.mouse.move(1, 1);
	await page.screenshot({ path: path.join(shots, name + '-cpu.png'), fullPage: !big });

	if (big) {
		await check('"show all" draws every task (' + shown.length + ')', async function () {
			const t1 = Date.now();
			await page.click('#panel-cpu .pw-more button.pw-show-all');
			const n = await page.$$eval('#cpu-chart rect.bar-cpu', function (r) { return r.length; });
			eq(n, shown.length, 'bars');
			console.log('# ' + name + ': ' + n + ' CPU bars drawn in ' + (Date.now() - t1) + ' ms');
		});
	}

	// ---- tab 2 ----
	if (hasKvm) {
		await check('the KVM tab shows, and hides the CPU tab', async function () {
			await page.click('#tab-kvm');
			assert(await page.isVisible('#kvm-chart'), 'KVM chart not visible');
			assert(!(await page.isVisible('#cpu-chart')), 'CPU chart still visible');
		});
		const kt = [];
		runs.forEach(function (r) { r.tasks.forEach(function (t) { if (t.kvm && t.kvm.count > 0) kt.push([r, t]); }); });
		await check('one legend key per exit reason, one fixed distinct color per reason', async function () {
			const want = new Set();
			kt.forEach(function (p) { Object.keys(p[1].kvm.exits).forEach(function (n) { want.add(n); }); });
			const keys = await page.$$eval('#kvm-legend .pw-key', function (ks) { return ks.map(function (k) { return k.dataset.reason; }); });
			eq(keys.slice().sort().join(','), Array.from(want).sort().join(','), 'legend');
			const segs = await page.$$eval('#kvm-chart rect.seg', function (s) { return s.map(function (r) { return [r.dataset.reason, r.getAttribute('fill')]; }); });
			const color = new Map();
			segs.forEach(function (s) {
				if (color.has(s[0])) eq(s[1], color.get(s[0]), 'color of ' + s[0]);
				color.set(s[0], s[1]);
			});
			const fills = new Set(color.values());
			eq(fills.size, color.size, 'distinct colors');
			// the commonest reasons: one color on every page, whatever else
			// is present (docs/dashboards.md)
			const FIXED = [['EXTERNAL_INTERRUPT', 'interrupt'], ['HLT', 'hlt'], ['EPT_VIOLATION', 'npf'],
				['MSR_WRITE', 'msr'], ['IO_INSTRUCTION', 'io'], ['PAUSE_INSTRUCTION', 'pause'],
				['PREEMPTION_TIMER'], ['EPT_MISCONFIG'], ['MSR_READ'], ['APIC_WRITE'], ['EOI_INDUCED'],
				['CPUID', 'cpuid'], ['INTERRUPT_WINDOW', 'vintr'], ['EXCEPTION_NMI', 'nmi']];
			const PAL = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7',
				'#9c755f', '#bab0ac', '#1f77b4', '#aec7e8', '#98df8a', '#ff9896'];
			let fixed = 0;
			FIXED.forEach(function (names, i) {
				names.forEach(function (n) {
					if (!color.has(n)) return;
					eq(color.get(n), PAL[i], 'fixed color of ' + n);
					fixed++;
				});
			});
			if (want.has('EPT_VIOLATION') || want.has('HLT'))
				assert(fixed > 0, 'no fixed-color reason checked');
		});
		await check('the KVM table equals the JSON, with totals', async function () {
			const rows = await page.$$eval('#kvm-table tbody tr', function (trs) {
				return trs.map(function (tr) {
					const o = {};
					tr.querySelectorAll('td').forEach(function (td) { o[td.dataset.key] = td.textContent; });
					return o;
				});
			});
			eq(rows.length, Math.min(100, kt.length), 'rows');
			rows.forEach(function (o) {
				const t = findTask(multi ? o.run : runs[0].name, +o.tid, o.label);
				eq(o.exits, fmt.int(t.kvm.count), o.label + ' exits');
				eq(o.host, fmt.ms(t.kvm.host_ns), o.label + ' host ms');
				Object.keys(t.kvm.exits).forEach(function (n) { eq(o['r:' + n], fmt.int(t.kvm.exits[n]), o.label + ' ' + n); });
			});
			let sum = 0;
			kt.forEach(function (p) { sum += p[1].kvm.count; });
			eq(await page.$eval('#kvm-table tfoot td[data-key="exits"]', function (e) { return e.textContent; }), fmt.int(sum), 'exits total');
		});
		await check('a tooltip on an exit segment gives the count', async function () {
			const seg = page.locator('#kvm-chart rect.seg').first();
			const d = await seg.evaluate(function (e) { return [e.dataset.run, +e.dataset.tid, e.dataset.task, e.dataset.reason]; });
			const t = findTask(d[0], d[1], d[2]);
			await seg.hover();
			const text = await tipText();
			assert(text.indexOf(d[2] + ' · ' + d[3]) === 0, 'title: ' + text.split('\n')[0]);
			assert(text.indexOf('exits\t' + fmt.int(t.kvm.exits[d[3]])) >= 0, 'count: ' + text);
		});
		await page.mouse.move(1, 1);
		await page.screenshot({ path: path.join(shots, name + '-kvm.png'), fullPage: !big });
	}

	// ---- tab 3 ----
	await check('the CoreMap tab shows the grid', async function () {
		await page.click('#tab-coremap');
		await page.waitForSelector('#coremap-canvas', { state: 'visible', timeout: 5000 });
		assert(!(await page.isVisible('#cpu-chart')), 'CPU chart still visible');
	});
	async function coremapCell(ri) {
		const g = JSON.parse(await page.getAttribute('#coremap-canvas', 'data-geometry'));
		const tids = JSON.parse(await page.getAttribute('#coremap', 'data-rows'));
		const r = runs[ri];
		const ranked = r.tasks.filter(function (t) { return t.idle_cpu === undefined; }).slice()
			.sort(function (a, b) { return b.runtime_ns - a.runtime_ns; });
		eq(tids[0], ranked[0].tid, 'first CoreMap row of run ' + r.name);
		const t = ranked[0], c = t.cpus.slice().sort(function (a, b) { return b.runtime_ns - a.runtime_ns; })[0];
		const box = await page.locator('#coremap-canvas').boundingBox();
		return { g: g, t: t, c: c, r: r, box: box };
	}
	await check('a CoreMap cell\'s tooltip gives the task\'s runtime and switches on that CPU', async function () {
		const k = await coremapCell(0);
		await page.mouse.move(k.box.x + k.g.x0 + k.c.cpu * k.g.cw + k.g.cw / 2, k.box.y + k.g.y0 + k.g.rh / 4);
		const text = await tipText();
		assert(text.indexOf(' · CPU ' + k.c.cpu) > 0, 'title: ' + text.split('\n')[0]);
		assert(text.indexOf(fmt.msExact(k.c.runtime_ns)) >= 0, 'no runtime ' + fmt.msExact(k.c.runtime_ns) + ' in: ' + text);
		assert(text.indexOf('switches\t' + fmt.int(k.c.switches)) >= 0, 'no switches in: ' + text);
		const pc = k.r.cpus.find(function (x) { return x.cpu === k.c.cpu; });
		await page.mouse.move(k.box.x + k.g.x0 + k.c.cpu * k.g.cw + k.g.cw / 2, k.box.y + k.g.head + k.g.rh / 2);
		const text2 = await tipText();
		assert(text2.indexOf('CPU ' + k.c.cpu + ' · all tasks') === 0, 'title: ' + text2.split('\n')[0]);
		assert(text2.indexOf(fmt.msExact(pc.busy_ns)) >= 0, 'no busy time in: ' + text2);
		await page.mouse.move(k.box.x + k.g.lw + k.g.tw / 2, k.box.y + k.g.y0 + k.g.rh / 2);
		const text3 = await tipText();
		assert(text3.indexOf('all cores') > 0 && text3.indexOf(fmt.pct(k.t.cpu_pct, 3) + ' %') >= 0, 'all cores: ' + text3);
	});
	await page.mouse.move(1, 1);
	await page.screenshot({ path: path.join(shots, name + '-coremap.png'), fullPage: !big });
	if (multi) {
		await check('the CoreMap run selector shows another run', async function () {
			await page.selectOption('#coremap-run', '1');
			const k = await coremapCell(1);
			await page.mouse.move(k.box.x + k.g.x0 + k.c.cpu * k.g.cw + k.g.cw / 2, k.box.y + k.g.y0 + k.g.rh / 4);
			const text = await tipText();
			assert(text.indexOf(fmt.msExact(k.c.runtime_ns)) >= 0, 'no runtime of run ' + runs[1].name + ' in: ' + text);
			await page.mouse.move(1, 1);
		});
	}
	if (big) {
		await check('CoreMap "show all" draws every task', async function () {
			const t1 = Date.now();
			await page.click('#panel-coremap .pw-more button.pw-show-all');
			const g = JSON.parse(await page.getAttribute('#coremap-canvas', 'data-geometry'));
			eq(g.rows, shown.length, 'rows');
			console.log('# ' + name + ': CoreMap of ' + g.rows + ' tasks x ' + g.ncpu + ' CPUs drawn in ' + (Date.now() - t1) + ' ms');
		});
	}

	// ---- untrusted names ----
	const evil = [];
	runs.forEach(function (r) { r.tasks.forEach(function (t) { if (/[<>&"]/.test(t.name)) evil.push(t.name); }); });
	if (evil.length) {
		await check('task names with markup show as text, nothing is injected', async function () {
			await page.click('#tab-cpu');
			const tds = await page.$$eval('#cpu-table td[data-key="label"]', function (t) { return t.map(function (x) { return x.textContent; }); });
			evil.forEach(function (n) {
				assert(tds.some(function (s) { return s === n || s.indexOf(n + '.') === 0; }), 'name not shown as text: ' + n);
			});
			eq(await page.evaluate(function () { return window.__pwned; }), undefined, 'alert called');
			eq(await page.$$eval('img', function (i) { return i.length; }), 0, '<img> elements');
			eq(await page.$$eval('script', function (s) { return s.length; }), 4, '<script> elements');
			eq(await page.$$eval('b', function (s) { return s.length; }), await page.$$eval('#pw-quality > b', function (s) { return s.length; }), '<b> elements');
		});
	}

	await check('no console error, no page error', async function () {
		assert(!errors.length, errors.join('; '));
	});
	await check('no network request (only the page itself)', async function () {
		const other = requests.filter(function (u) { return u !== url && !u.startsWith('data:'); });
		assert(!other.length, other.length + ' requests: ' + other.slice(0, 3).join(' '));
		assert(requests.indexOf(url) >= 0, 'the page itself was not seen');
	});
	console.log('# ' + name + ': loaded in ' + loadMs + ' ms, ' + (fs.statSync(html).size / 1024).toFixed(0) + ' KiB');
	await ctx.close();
}

async function main() {
	const shots = process.argv[2];
	const pages = process.argv.slice(3);
	if (!shots || !pages.length) {
		console.error('usage: node charts.test.js SHOTDIR NAME=PAGE.html:DOC.json[:big]...');
		process.exit(2);
	}
	fs.mkdirSync(shots, { recursive: true });
	await runPages(pages, /^([^=]+)=([^:]+):([^:]+)(:big)?$/, function (browser, m) {
		return checkPage(browser, shots, m[1], m[2], m[3], !!m[4]);
	});
}

main().catch(function (e) { console.log('not ok browser: ' + e.message); process.exit(1); });
