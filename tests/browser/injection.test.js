// SPDX-License-Identifier: Apache-2.0
// injection.test.js: opens dashboards made from a capture with hostile task names in Debian's headless chromium and checks that every name is inert text.
//
//	node injection.test.js NAME=PAGE.html:NAMES.json ...
//
// NAMES.json is a JSON array of the task names the page must show, as the
// --json document spells them (the oracle: invalid UTF-8 already replaced by
// U+FFFD). For each page it prints "ok NAME: check" / "not ok NAME: check:
// why" lines (tests/e2e/t9300-injection.sh asserts them) and exits 1 when a
// check failed. Checks: the page renders; each name is the text of some
// text node (on the heatmaps page, of an option of the task selector);
// alert() was never called; no <img>, <iframe>, <object>, <embed> element
// and no on* attribute exists, at load or added later (a MutationObserver
// set up before the page's own scripts run); exactly the page's 4 <script>
// elements. (<b>, <i> and <svg> are the page's own, so a name's "<b>" is
// checked by finding it, literally, in a text node: parsed, it would not be
// there.) no console error or warning, no page error;
// no network request.
'use strict';

const fs = require('fs');
const path = require('path');

const { report, assert, eq, runPages } = require('./harness');

// runs in the page before its scripts: counts alert() calls and records
// every element that should never exist
function guard() {
	const BAD = /^(IMG|IFRAME|OBJECT|EMBED|FRAME|LINK|META|BASE)$/;
	window.__pwned = 0;
	window.__bad = [];
	window.alert = window.confirm = window.prompt = function () { window.__pwned++; };
	function inspect(el) {
		if (!el || el.nodeType !== 1) return;
		const tag = el.tagName.toUpperCase();
		const onattr = Array.prototype.filter.call(el.attributes || [], function (a) { return /^on/i.test(a.name); });
		if ((BAD.test(tag) && !el.closest('head')) || onattr.length)
			window.__bad.push(tag + (onattr.length ? '[' + onattr.map(function (a) { return a.name; }).join(',') + ']' : ''));
		if (tag === 'SCRIPT' && document.readyState !== 'loading') window.__bad.push('SCRIPT added later');
		if (el.children) Array.prototype.forEach.call(el.children, inspect);
	}
	new MutationObserver(function (ms) {
		ms.forEach(function (m) {
			if (m.type === 'attributes' && /^on/i.test(m.attributeName)) window.__bad.push(m.target.tagName + '[' + m.attributeName + ']');
			Array.prototype.forEach.call(m.addedNodes, inspect);
		});
	}).observe(document, { childList: true, subtree: true, attributes: true });
}

async function checkPage(browser, name, html, namesPath) {
	const names = JSON.parse(fs.readFileSync(namesPath, 'utf8'));
	const url = 'file://' + path.resolve(html);
	const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
	const page = await ctx.newPage();
	const errors = [], requests = [];
	page.on('console', function (m) { if (m.type() === 'error' || m.type() === 'warning') errors.push('console ' + m.type() + ': ' + m.text()); });
	page.on('pageerror', function (e) { errors.push('page error: ' + e.message); });
	page.on('request', function (r) { requests.push(r.url()); });
	page.on('dialog', function (d) { errors.push('dialog: ' + d.message()); d.dismiss(); });
	await ctx.route('**/*', function (route) {
		const u = route.request().url();
		if (u === url || u.startsWith('data:')) return route.continue();
		return route.abort();
	});
	await ctx.addInitScript(guard);
	async function check(what, f) {
		try { await f(); report(name, what); } catch (e) { report(name, what, e); }
	}

	await page.goto(url);
	await check('the page renders', async function () {
		await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
	});
	const heat = await page.$('#hm-task') !== null;
	if (heat && await page.$('#tab-tasks') !== null) await page.click('#tab-tasks');
	await check('every hostile name is shown as text', async function () {
		const texts = heat ?
			await page.$$eval('#hm-task option', function (o) { return o.map(function (e) { return e.textContent; }); }) :
			await page.evaluate(function () {
				const out = [];
				const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
				for (let n = w.nextNode(); n; n = w.nextNode())
					if (!n.parentElement.closest('script,style')) out.push(n.nodeValue);
				return out;
			});
		names.forEach(function (n) {
			assert(texts.some(function (t) { return t.indexOf(n) >= 0; }), 'not shown as text: ' + JSON.stringify(n));
		});
	});
	// exercise the page a little: each task of the selector, the tabs
	if (heat) {
		const n = await page.$$eval('#hm-task option', function (o) { return o.length; });
		for (let i = 0; i < n; i++) await page.selectOption('#hm-task', { index: i });
	}
	for (const b of await page.$$('#pw-tabs button')) await b.click();
	await check('alert() never called', async function () {
		eq(await page.evaluate(function () { return window.__pwned; }), 0, 'alert calls');
	});
	await check('no element or handler injected', async function () {
		const bad = await page.evaluate(function () {
			const now = [];
			document.querySelectorAll('body img, body iframe, body object, body embed').forEach(function (e) { now.push(e.tagName); });
			document.querySelectorAll('*').forEach(function (e) {
				Array.prototype.forEach.call(e.attributes, function (a) { if (/^on/i.test(a.name)) now.push(e.tagName + '[' + a.name + ']'); });
			});
			return window.__bad.concat(now);
		});
		assert(!bad.length, bad.join(' '));
		eq(await page.$$eval('script', function (s) { return s.length; }), 4, '<script> elements');
	});
	await check('no console error, no page error', async function () { assert(!errors.length, errors.join('; ')); });
	await check('no network request (only the page itself)', async function () {
		const other = requests.filter(function (u) { return u !== url && !u.startsWith('data:'); });
		assert(!other.length, other.length + ' requests: ' + other.slice(0, 3).join(' '));
	});
	await ctx.close();
}

async function main() {
	const pages = process.argv.slice(2);
	if (!pages.length) {
		console.error('usage: node injection.test.js NAME=PAGE.html:NAMES.json...');
		process.exit(2);
	}
	await runPages(pages, /^([^=]+)=([^:]+):([^:]+)$/, function (browser, m) {
		return checkPage(browser, m[1], m[2], m[3]);
	});
}

main().catch(function (e) { console.log('not ok browser: ' + e.message); process.exit(1); });
