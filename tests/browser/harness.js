// SPDX-License-Identifier: Apache-2.0
// harness.js: what the browser tests share: Debian's chromium started as
// this machine needs it (no network, a fresh profile), one browser for every
// page, and the "ok NAME: check" / "not ok NAME: check: why" report lines the
// e2e scripts assert.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

let failed = 0;

// why: the error's first line and, for a Playwright timeout, the last step
// of its call log (what it was still waiting for: "element is not visible",
// "... intercepts pointer events"), so that a failure in CI explains itself
function why(err) {
	const lines = String(err && err.message || err).split('\n');
	const log = lines.indexOf('Call log:');
	const steps = log < 0 ? [] : lines.slice(log + 1)
		.map(function (l) { return l.replace(/\u001b\[[0-9;]*m/g, '').trim(); })
		.filter(function (l) { return l && !/^-? ?(waiting \d+ms|retrying )/.test(l); });
	return lines[0] + (steps.length ? ' [last step: ' + steps[steps.length - 1] + ']' : '');
}

function report(name, what, err) {
	if (err) {
		failed++;
		console.log('not ok ' + name + ': ' + what + ': ' + why(err));
	} else {
		console.log('ok ' + name + ': ' + what);
	}
}

function assert(cond, msg) { if (!cond) throw new Error(msg); }

function eq(got, want, what) {
	if (got !== want) throw new Error(what + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
}

// runPages(specs, re, check): one browser; for each spec matching `re`,
// await check(browser, match); then exit 1 if any check failed, else 0.
async function runPages(specs, re, check) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-chromium-'));
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium', headless: true,
		args: ARGS.concat(['--user-data-dir=' + dir]),
	}).catch(function (e) {
		// playwright refuses --user-data-dir in launch(): fall back to its own fresh profile
		if (!/user-data-dir/.test(String(e))) throw e;
		return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
	});
	try {
		for (const spec of specs) {
			const m = re.exec(spec);
			if (!m) throw new Error('bad page spec ' + spec);
			try {
				await check(browser, m);
			} catch (e) {
				report(m[1], 'the page could be checked', e);
			}
		}
	} finally {
		await browser.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
	process.exit(failed ? 1 : 0);
}

module.exports = { report, assert, eq, runPages };
