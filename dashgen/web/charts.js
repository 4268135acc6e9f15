// SPDX-License-Identifier: Apache-2.0
// charts.js: the basic dashboard (NAME-charts.html): CPU and context switches, KVM exits by reason, CoreMap.
//
// Drawn from doc.data (the perfwhiz-dash --json document, see
// docs/json-schema.md); figures are shown as the JSON holds them. With
// several runs a task appears once per run, labelled "task.run", the runs of
// one task side by side.
'use strict';

(function () {
	const TOP = 50;		// rows drawn before "show all"
	const ROW_H = 18;

	PW.start(function (doc) {
		const runs = doc.data.runs, multi = runs.length > 1;
		PW.header(doc, multi ? 'comparison of ' + runs.length + ' runs' : 'basic dashboard');
		const rows = [];
		runs.forEach(function (r, ri) {
			// a name several tasks of the run share: "name:tid", as --append-tid
			const seen = new Map();
			r.tasks.forEach(function (t) { seen.set(t.name, (seen.get(t.name) || 0) + 1); });
			r.tasks.forEach(function (t) {
				const name = seen.get(t.name) > 1 && t.idle_cpu === undefined ? t.name + ':' + t.tid : t.name;
				rows.push({
					run: r, ri: ri, t: t, name: name,
					label: multi ? name + '.' + r.name : name,
					idle: t.idle_cpu !== undefined && t.idle_cpu !== null,
					_order: rows.length,
				});
			});
		});
		const kvmRows = rows.filter(function (r) { return r.t.kvm && r.t.kvm.count > 0; });
		const defs = [{ id: 'cpu', title: 'CPU & context switches', render: function (p) { cpuTab(p, rows, multi); } }];
		if (kvmRows.length)
			defs.push({ id: 'kvm', title: 'KVM exits', render: function (p) { kvmTab(p, doc, kvmRows, multi); } });
		defs.push({ id: 'coremap', title: 'CoreMap', render: function (p) { coremapTab(p, doc, rows); } });
		PW.tabs(defs);
	});

	// Sort rows so that the runs of one task stay together: groups (by task
	// name) ordered by their best value, runs in file order inside a group.
	function sortGrouped(rows, value, desc) {
		const best = new Map();
		rows.forEach(function (r) {
			const v = value(r), b = best.get(r.name);
			if (b === undefined || (desc ? v > b : v < b)) best.set(r.name, v);
		});
		return rows.slice().sort(function (a, b) {
			const x = best.get(a.name), y = best.get(b.name);
			if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
			if (a.name !== b.name) return a.name < b.name ? -1 : 1;
			if (a.ri !== b.ri) return a.ri - b.ri;
			const v = value(a), w = value(b);	// same name in one run: by value too
			if (v !== w) return (v < w ? -1 : 1) * (desc ? -1 : 1);
			return a._order - b._order;
		});
	}

	function control(parent, label, node) {
		const id = node.id;
		parent.appendChild(PW.el('label', { for: id }, label));
		parent.appendChild(node);
		return node;
	}
	function select(id, options, value) {
		const s = PW.el('select', { id: id });
		options.forEach(function (o) {
			const op = s.appendChild(PW.el('option', { value: o[0] }, o[1]));
			if (o[0] === value) op.selected = true;
		});
		return s;
	}
	function checkbox(parent, id, text, checked) {
		const l = parent.appendChild(PW.el('label', { for: id }));
		const c = l.appendChild(PW.el('input', { type: 'checkbox', id: id }));
		c.checked = !!checked;
		l.appendChild(document.createTextNode(' ' + text));
		return c;
	}
	function moreButton(parent, shown, total, all, onClick) {
		PW.clear(parent);
		if (total <= TOP) return;
		parent.appendChild(document.createTextNode(all ? 'All ' + PW.int(total) + ' rows shown. ' :
			'The top ' + PW.int(shown) + ' of ' + PW.int(total) + ' rows are drawn. '));
		const b = parent.appendChild(PW.el('button', { type: 'button', class: 'pw-show-all' },
			all ? 'Show the top ' + TOP : 'Show all ' + PW.int(total)));
		b.addEventListener('click', onClick);
	}
	function labelWidth(labels) {
		let n = 0;
		labels.forEach(function (l) { n = Math.max(n, l.length); });
		return Math.max(90, Math.min(320, n * 7.2 + 16));
	}
	function clip(s, max) { return s.length > max ? s.slice(0, max - 1) + '…' : s; }

	function taskTip(r) {
		const t = r.t, rows = [
			['run', r.run.name], ['tid / pid', t.tid + ' / ' + t.pid],
			['CPU', PW.pct(t.cpu_pct, 3) + ' %'], ['runtime', PW.msExact(t.runtime_ns)],
			['switches', PW.int(t.switches)], ['voluntary', PW.int(t.voluntary)], ['involuntary', PW.int(t.involuntary)],
			['sched-in', PW.int(t.sched_in)], ['migrations', PW.int(t.migrations)],
			['runqueue wait', PW.msExact(t.wait_ns)], ['max wait', PW.dur(t.max_wait_ns)],
			['preempted', PW.msExact(t.preempted_ns)],
		];
		return [r.label, rows];
	}

	// ---- tab 1: CPU and context switches ---------------------------------
	function cpuTab(panel, allRows, multi) {
		panel.appendChild(PW.el('h2', null, 'CPU usage and context switches per task'));
		panel.appendChild(PW.el('p', { class: 'pw-help' },
			'CPU % is the task\'s runtime over the window (100 % = one CPU busy all the time). A switch is the task ' +
			'leaving a CPU: voluntary when it blocked or slept, involuntary when it was preempted while still runnable.' +
			(multi ? ' Each task is shown once per run (task.run), its runs side by side.' : '')));
		const ctl = panel.appendChild(PW.el('div', { class: 'pw-controls' }));
		const sortSel = control(ctl, 'Sort by', select('cpu-sort', [['cpu', 'CPU %'], ['switches', 'switches'],
			['voluntary', 'voluntary switches'], ['involuntary', 'involuntary switches'], ['name', 'name']], 'cpu'));
		const idleBox = checkbox(ctl, 'cpu-idle', 'idle tasks (swapper)', false);
		const chart = panel.appendChild(PW.el('div', { class: 'pw-chart', id: 'cpu-chart' }));
		const more = panel.appendChild(PW.el('div', { class: 'pw-more' }));
		let all = false;

		function draw() {
			let rows = idleBox.checked ? allRows : allRows.filter(function (r) { return !r.idle; });
			const k = sortSel.value;
			rows = k === 'name' ? sortGrouped(rows, function (r) { return r.name; }, false) :
				sortGrouped(rows, function (r) { return k === 'cpu' ? r.t.cpu_pct : r.t[k]; }, true);
			const total = rows.length;
			if (!all) rows = rows.slice(0, TOP);
			moreButton(more, rows.length, total, all, function () { all = !all; draw(); });
			drawBars(chart, rows, multi);
		}
		sortSel.addEventListener('change', draw);
		idleBox.addEventListener('change', function () { draw(); drawTable(); });
		draw();

		panel.appendChild(PW.el('h2', null, 'All figures'));
		const tableBox = panel.appendChild(PW.el('div'));
		const cols = [
			{ key: 'label', title: 'task', value: function (r) { return r.label; }, cls: 'task' },
		];
		if (multi) cols.push({ key: 'run', title: 'run', value: function (r) { return r.run.name; } });
		cols.push(
			{ key: 'tid', title: 'tid', num: 1, value: function (r) { return r.t.tid; } },
			{ key: 'pid', title: 'pid', num: 1, value: function (r) { return r.t.pid; } },
			{ key: 'cpu', title: 'CPU %', num: 1, value: function (r) { return r.t.cpu_pct; }, text: function (r) { return PW.pct(r.t.cpu_pct); }, total: 'sum', fmt: function (s) { return PW.pct(s); } },
			{ key: 'runtime', title: 'runtime ms', num: 1, value: function (r) { return r.t.runtime_ns; }, text: function (r) { return PW.ms(r.t.runtime_ns); }, total: 'sum', fmt: PW.ms },
			{ key: 'switches', title: 'switches', num: 1, value: function (r) { return r.t.switches; }, text: function (r) { return PW.int(r.t.switches); }, total: 'sum' },
			{ key: 'voluntary', title: 'voluntary', num: 1, value: function (r) { return r.t.voluntary; }, text: function (r) { return PW.int(r.t.voluntary); }, total: 'sum' },
			{ key: 'involuntary', title: 'involuntary', num: 1, value: function (r) { return r.t.involuntary; }, text: function (r) { return PW.int(r.t.involuntary); }, total: 'sum' },
			{ key: 'sched_in', title: 'sched-in', num: 1, value: function (r) { return r.t.sched_in; }, text: function (r) { return PW.int(r.t.sched_in); }, total: 'sum' },
			{ key: 'migrations', title: 'migrations', num: 1, value: function (r) { return r.t.migrations; }, text: function (r) { return PW.int(r.t.migrations); }, total: 'sum' },
			{ key: 'wait', title: 'wait ms', num: 1, help: 'runqueue latency: wakeup to switch-in, total', value: function (r) { return r.t.wait_ns; }, text: function (r) { return PW.ms(r.t.wait_ns); }, total: 'sum', fmt: PW.ms },
			{ key: 'max_wait', title: 'max wait ms', num: 1, value: function (r) { return r.t.max_wait_ns; }, text: function (r) { return PW.ms(r.t.max_wait_ns); } },
			{ key: 'preempted', title: 'preempted ms', num: 1, help: 'involuntary switch-out to next switch-in, total (steal, for a vCPU)', value: function (r) { return r.t.preempted_ns; }, text: function (r) { return PW.ms(r.t.preempted_ns); }, total: 'sum', fmt: PW.ms },
		);
		function drawTable() {
			PW.table(PW.clear(tableBox), { id: 'cpu-table', columns: cols, sort: { key: 'cpu', desc: true },
				rows: idleBox.checked ? allRows : allRows.filter(function (r) { return !r.idle; }),
				filter: function (r) { return r.label; }, limit: 100 });
		}
		drawTable();
	}

	function drawBars(container, rows, multi) {
		const labels = rows.map(function (r) { return r.label; });
		const lw = labelWidth(labels);
		const width = Math.max(760, Math.min(1500, container.clientWidth || 1100));
		const gap = 40, pw = (width - lw - gap - 20) / 2;
		const top = 34, h = top + rows.length * ROW_H + 8;
		const maxCpu = Math.max(1, d3.max(rows, function (r) { return r.t.cpu_pct; }) || 0);
		const maxSw = Math.max(1, d3.max(rows, function (r) { return r.t.switches; }) || 0);
		const xc = d3.scaleLinear().domain([0, maxCpu]).nice().range([0, pw]);
		const xs = d3.scaleLinear().domain([0, maxSw]).nice().range([0, pw]);
		d3.select(container).selectAll('*').remove();
		const svg = d3.select(container).append('svg').attr('width', width).attr('height', h)
			.attr('role', 'img').attr('aria-label', 'CPU % and context switches per task');
		const y = function (i) { return top + i * ROW_H; };
		svg.append('g').selectAll('rect').data(rows).join('rect').attr('class', 'row-alt')
			.attr('x', 0).attr('width', width).attr('y', function (d, i) { return y(i); }).attr('height', ROW_H)
			.attr('fill-opacity', function (d, i) { return i % 2 ? 0 : 1; });
		if (multi) {	// a line between tasks
			svg.append('g').selectAll('line').data(rows.filter(function (r, i) { return i && rows[i - 1].name !== r.name; }))
				.join('line').attr('x1', 0).attr('x2', width).attr('stroke', '#d9e2ec')
				.attr('y1', function (r) { return y(rows.indexOf(r)) + 0.5; }).attr('y2', function (r) { return y(rows.indexOf(r)) + 0.5; });
		}
		svg.append('g').selectAll('text').data(rows).join('text').attr('class', 'task-label')
			.attr('x', lw - 8).attr('y', function (d, i) { return y(i) + ROW_H / 2; }).attr('dy', '0.35em')
			.attr('text-anchor', 'end').text(function (d) { return clip(d.label, Math.floor((lw - 14) / 7)); })
			.call(PW.tip, taskTip);

		const gc = svg.append('g').attr('transform', 'translate(' + lw + ',0)');
		gc.append('text').attr('class', 'pw-title').attr('x', 0).attr('y', 12).text('CPU %');
		gc.append('g').attr('class', 'axis').attr('transform', 'translate(0,' + (top - 2) + ')')
			.call(d3.axisTop(xc).ticks(Math.max(2, Math.floor(pw / 70))).tickSizeOuter(0));
		gc.append('g').attr('class', 'grid').selectAll('line').data(xc.ticks(Math.max(2, Math.floor(pw / 70)))).join('line')
			.attr('x1', xc).attr('x2', xc).attr('y1', top).attr('y2', h - 8);
		gc.append('g').selectAll('rect').data(rows).join('rect').attr('class', 'mark bar-cpu')
			.attr('x', 0).attr('y', function (d, i) { return y(i) + 3; }).attr('height', ROW_H - 6)
			.attr('width', function (d) { return Math.max(d.t.cpu_pct > 0 ? 1 : 0, xc(d.t.cpu_pct)); })
			.attr('fill', 'var(--cpu)').attr('data-task', function (d) { return d.label; })
			.attr('data-run', function (d) { return d.run.name; }).attr('data-tid', function (d) { return d.t.tid; })
			.call(PW.tip, taskTip);

		const gs = svg.append('g').attr('transform', 'translate(' + (lw + pw + gap) + ',0)');
		const title = gs.append('text').attr('class', 'pw-title').attr('x', 0).attr('y', 12);
		title.append('tspan').text('context switches  ');
		title.append('tspan').attr('fill', 'var(--vol)').text('■ voluntary  ');
		title.append('tspan').attr('fill', 'var(--invol)').text('■ involuntary');
		gs.append('g').attr('class', 'axis').attr('transform', 'translate(0,' + (top - 2) + ')')
			.call(d3.axisTop(xs).ticks(Math.max(2, Math.floor(pw / 70)), '~s').tickSizeOuter(0));
		gs.append('g').attr('class', 'grid').selectAll('line').data(xs.ticks(Math.max(2, Math.floor(pw / 70)))).join('line')
			.attr('x1', xs).attr('x2', xs).attr('y1', top).attr('y2', h - 8);
		const segs = [];
		rows.forEach(function (r, i) {
			const t = r.t, other = Math.max(0, t.switches - t.voluntary - t.involuntary);
			let x = 0;
			[['voluntary', t.voluntary, 'var(--vol)'], ['involuntary', t.involuntary, 'var(--invol)'], ['unknown state', other, '#9aa5b1']]
				.forEach(function (s) {
					if (!s[1]) return;
					segs.push({ r: r, i: i, kind: s[0], n: s[1], x: x, color: s[2] });
					x += s[1];
				});
		});
		gs.append('g').selectAll('rect').data(segs).join('rect')
			.attr('class', function (d) { return 'mark bar-sw bar-' + d.kind.replace(' ', '-'); })
			.attr('x', function (d) { return xs(d.x); }).attr('y', function (d) { return y(d.i) + 3; }).attr('height', ROW_H - 6)
			.attr('width', function (d) { return Math.max(1, xs(d.x + d.n) - xs(d.x)); })
			.attr('fill', function (d) { return d.color; }).attr('data-task', function (d) { return d.r.label; })
			.attr('data-run', function (d) { return d.r.run.name; }).attr('data-tid', function (d) { return d.r.t.tid; })
			.call(PW.tip, function (d) {
				const t = d.r.t;
				return [d.r.label, [['run', d.r.run.name], [d.kind + ' switches', PW.int(d.n)],
					['share of switches', PW.pct(100 * d.n / t.switches, 1) + ' %'], ['switches', PW.int(t.switches)],
					['voluntary', PW.int(t.voluntary)], ['involuntary', PW.int(t.involuntary)],
					['CPU', PW.pct(t.cpu_pct, 3) + ' %'], ['runtime', PW.msExact(t.runtime_ns)]]];
			});
	}

	// ---- tab 2: KVM exits --------------------------------------------------
	function kvmTab(panel, doc, allRows, multi) {
		const present = new Set();
		allRows.forEach(function (r) { Object.keys(r.t.kvm.exits).forEach(function (n) { present.add(n); }); });
		const rc = PW.reasonColors(doc, present);
		const totals = new Map();
		allRows.forEach(function (r) {
			rc.names.forEach(function (n) { totals.set(n, (totals.get(n) || 0) + (r.t.kvm.exits[n] || 0)); });
		});

		panel.appendChild(PW.el('h2', null, 'KVM exits by reason per task'));
		panel.appendChild(PW.el('p', { class: 'pw-help' },
			'Each bar is one vCPU thread\'s exits from the guest in the window, split by exit reason; every reason keeps ' +
			'its color in every chart and run of this page. Host time is exit to next entry (time spent in KVM and the host).'));
		const ctl = panel.appendChild(PW.el('div', { class: 'pw-controls' }));
		const sortSel = control(ctl, 'Sort by', select('kvm-sort', [['count', 'total exits'], ['host', 'host time'], ['name', 'name']]
			.concat(rc.names.map(function (n) { return ['r:' + n, n]; })), 'count'));
		const modeSel = control(ctl, 'Show', select('kvm-mode', [['count', 'exit counts'], ['pct', '% of the task\'s exits']], 'count'));
		const legend = panel.appendChild(PW.el('div', { class: 'pw-legend', id: 'kvm-legend' }));
		rc.names.forEach(function (n) {
			const k = legend.appendChild(PW.el('span', { class: 'pw-key', 'data-reason': n }));
			const sw = k.appendChild(PW.el('span', { class: 'pw-swatch' }));
			sw.style.background = rc.color(n);
			k.appendChild(PW.el('span', null, n));
			d3.select(k).datum(n).call(PW.tip, function (name) {
				return [name, [['exits, all tasks', PW.int(totals.get(name))]]];
			});
		});
		const chart = panel.appendChild(PW.el('div', { class: 'pw-chart', id: 'kvm-chart' }));
		const more = panel.appendChild(PW.el('div', { class: 'pw-more' }));
		let all = false;
		function draw() {
			const k = sortSel.value;
			let rows = k === 'name' ? sortGrouped(allRows, function (r) { return r.name; }, false) :
				sortGrouped(allRows, function (r) {
					if (k === 'count') return r.t.kvm.count;
					if (k === 'host') return r.t.kvm.host_ns;
					return r.t.kvm.exits[k.slice(2)] || 0;
				}, true);
			const total = rows.length;
			if (!all) rows = rows.slice(0, TOP);
			moreButton(more, rows.length, total, all, function () { all = !all; draw(); });
			drawStacks(chart, rows, rc, modeSel.value === 'pct');
		}
		sortSel.addEventListener('change', draw);
		modeSel.addEventListener('change', draw);
		draw();

		panel.appendChild(PW.el('h2', null, 'Exits per task and reason'));
		const cols = [{ key: 'label', title: 'task', value: function (r) { return r.label; }, cls: 'task' }];
		if (multi) cols.push({ key: 'run', title: 'run', value: function (r) { return r.run.name; } });
		cols.push(
			{ key: 'tid', title: 'tid', num: 1, value: function (r) { return r.t.tid; } },
			{ key: 'exits', title: 'exits', num: 1, value: function (r) { return r.t.kvm.count; }, text: function (r) { return PW.int(r.t.kvm.count); }, total: 'sum' },
			{ key: 'host', title: 'host ms', num: 1, value: function (r) { return r.t.kvm.host_ns; }, text: function (r) { return PW.ms(r.t.kvm.host_ns); }, total: 'sum', fmt: PW.ms },
			{ key: 'guest', title: 'guest ms', num: 1, value: function (r) { return r.t.kvm.guest_ns; }, text: function (r) { return PW.ms(r.t.kvm.guest_ns); }, total: 'sum', fmt: PW.ms },
		);
		rc.names.forEach(function (n) {
			cols.push({ key: 'r:' + n, title: n, num: 1, value: function (r) { return r.t.kvm.exits[n] || 0; },
				text: function (r) { return PW.int(r.t.kvm.exits[n] || 0); }, total: 'sum' });
		});
		PW.table(panel, { id: 'kvm-table', columns: cols, rows: allRows, sort: { key: 'exits', desc: true },
			filter: function (r) { return r.label; }, limit: 100 });
	}

	function drawStacks(container, rows, rc, asPct) {
		const lw = labelWidth(rows.map(function (r) { return r.label; }));
		const width = Math.max(760, Math.min(1500, container.clientWidth || 1100));
		const pw = width - lw - 90, top = 26, h = top + rows.length * ROW_H + 8;
		const max = asPct ? 100 : Math.max(1, d3.max(rows, function (r) { return r.t.kvm.count; }) || 0);
		const x = d3.scaleLinear().domain([0, max]).nice().range([0, pw]);
		d3.select(container).selectAll('*').remove();
		const svg = d3.select(container).append('svg').attr('width', width).attr('height', h)
			.attr('role', 'img').attr('aria-label', 'KVM exits by reason per task');
		const y = function (i) { return top + i * ROW_H; };
		svg.append('g').selectAll('rect').data(rows).join('rect').attr('class', 'row-alt')
			.attr('x', 0).attr('width', width).attr('y', function (d, i) { return y(i); }).attr('height', ROW_H)
			.attr('fill-opacity', function (d, i) { return i % 2 ? 0 : 1; });
		svg.append('g').selectAll('text').data(rows).join('text').attr('class', 'task-label')
			.attr('x', lw - 8).attr('y', function (d, i) { return y(i) + ROW_H / 2; }).attr('dy', '0.35em')
			.attr('text-anchor', 'end').text(function (d) { return clip(d.label, Math.floor((lw - 14) / 7)); })
			.call(PW.tip, taskTip);
		const g = svg.append('g').attr('transform', 'translate(' + lw + ',0)');
		g.append('g').attr('class', 'axis').attr('transform', 'translate(0,' + (top - 2) + ')')
			.call(d3.axisTop(x).ticks(Math.max(2, Math.floor(pw / 80)), asPct ? null : '~s').tickSizeOuter(0));
		g.append('g').attr('class', 'grid').selectAll('line').data(x.ticks(Math.max(2, Math.floor(pw / 80)))).join('line')
			.attr('x1', x).attr('x2', x).attr('y1', top).attr('y2', h - 8);
		const segs = [];
		rows.forEach(function (r, i) {
			let acc = 0;
			const k = r.t.kvm, scale = asPct ? 100 / k.count : 1;
			rc.names.forEach(function (n) {
				const c = k.exits[n] || 0;
				if (!c) return;
				segs.push({ r: r, i: i, n: n, c: c, x0: acc * scale, x1: (acc + c) * scale });
				acc += c;
			});
		});
		g.append('g').selectAll('rect').data(segs).join('rect').attr('class', 'mark seg')
			.attr('x', function (d) { return x(d.x0); }).attr('y', function (d) { return y(d.i) + 3; }).attr('height', ROW_H - 6)
			.attr('width', function (d) { return Math.max(0.5, x(d.x1) - x(d.x0)); })
			.attr('fill', function (d) { return rc.color(d.n); })
			.attr('data-task', function (d) { return d.r.label; }).attr('data-reason', function (d) { return d.n; })
			.attr('data-run', function (d) { return d.r.run.name; }).attr('data-tid', function (d) { return d.r.t.tid; })
			.call(PW.tip, function (d) {
				const k = d.r.t.kvm, rs = (k.reasons && k.reasons[d.n]) || {};
				const out = [['run', d.r.run.name], ['exits', PW.int(d.c)], ['share of the task\'s exits', PW.pct(100 * d.c / k.count, 1) + ' %']];
				if (rs.host_ns !== undefined) out.push(['host time', PW.msExact(rs.host_ns)]);
				if (rs.timed) out.push(['mean / p50 / p99', PW.dur(rs.mean_ns) + ' / ' + PW.dur(rs.p50_ns) + ' / ' + PW.dur(rs.p99_ns)],
					['max', PW.dur(rs.max_ns)]);
				out.push(['all exits of the task', PW.int(k.count)]);
				return [d.r.label + ' · ' + d.n, out];
			});
		g.append('g').selectAll('text').data(rows).join('text').attr('class', 'total-label')
			.attr('x', function (d) { return x(asPct ? 100 : d.t.kvm.count) + 5; })
			.attr('y', function (d, i) { return y(i) + ROW_H / 2; }).attr('dy', '0.35em').attr('fill', '#616e7c')
			.text(function (d) { return PW.int(d.t.kvm.count); });
	}

	// ---- tab 3: CoreMap ------------------------------------------------------
	function coremapTab(panel, doc, allRows) {
		const runs = doc.data.runs;
		panel.appendChild(PW.el('h2', null, 'CoreMap: where each task ran'));
		panel.appendChild(PW.el('p', { class: 'pw-help' },
			'One row per task, one column per CPU. The top half of each cell is the task\'s runtime on that CPU as a % of the ' +
			'window, the bottom half its context switches there. The "all tasks" row is each CPU\'s busy time (idle excluded) and ' +
			'switches; the "all cores" column is each task\'s total. Rows are the tasks with the most CPU first.'));
		const ctl = panel.appendChild(PW.el('div', { class: 'pw-controls' }));
		const runSel = runs.length > 1 ? control(ctl, 'Run', select('coremap-run',
			runs.map(function (r, i) { return [String(i), r.name]; }), '0')) : null;
		const idleBox = checkbox(ctl, 'coremap-idle', 'idle tasks (swapper)', false);
		const scales = panel.appendChild(PW.el('div', { class: 'pw-scales' }));
		const box = panel.appendChild(PW.el('div', { class: 'pw-coremap', id: 'coremap' }));
		const more = panel.appendChild(PW.el('div', { class: 'pw-more' }));

		// scales shared by every run, so that switching runs compares
		let maxSw = 1;
		runs.forEach(function (r) {
			r.tasks.forEach(function (t) { (t.cpus || []).forEach(function (c) { maxSw = Math.max(maxSw, c.switches); }); });
			(r.cpus || []).forEach(function (c) { maxSw = Math.max(maxSw, c.switches); });
		});
		const EMPTY = '#f1f4f8';
		const cRun = d3.scaleSequentialSqrt(d3.interpolateOranges).domain([0, 100]).clamp(true);
		const cSw = d3.scaleSequentialLog(d3.interpolateBlues).domain([1, Math.max(2, maxSw)]).clamp(true);
		const runColor = function (p) { return p > 0 ? cRun(Math.max(p, 0.4)) : EMPTY; };
		const swColor = function (n) { return n > 0 ? cSw(Math.max(n, 1)) : EMPTY; };
		scaleKey(scales, 'runtime % of the window (top half)', function (f) { return cRun(f * 100); }, '0', '100 %');
		scaleKey(scales, 'switches (bottom half, log)', function (f) { return cSw(Math.pow(Math.max(2, maxSw), f)); }, '1', PW.int(maxSw));

		let all = false;
		function draw() {
			const ri = runSel ? +runSel.value : 0, run = runs[ri];
			let rows = allRows.filter(function (r) { return r.ri === ri && (idleBox.checked || !r.idle); });
			rows = rows.slice().sort(function (a, b) { return b.t.runtime_ns - a.t.runtime_ns || a._order - b._order; });
			const total = rows.length;
			if (!all) rows = rows.slice(0, TOP);
			moreButton(more, rows.length, total, all, function () { all = !all; draw(); });
			drawCoremap(box, run, rows, runColor, swColor);
		}
		if (runSel) runSel.addEventListener('change', draw);
		idleBox.addEventListener('change', draw);
		draw();
	}

	function scaleKey(parent, text, color, lo, hi) {
		const s = parent.appendChild(PW.el('span', { class: 'pw-scale' }));
		s.appendChild(PW.el('span', null, text));
		s.appendChild(PW.el('span', null, lo));
		const c = s.appendChild(PW.el('canvas', { width: 140, height: 10 }));
		const g = c.getContext('2d');
		for (let i = 0; i < 140; i++) { g.fillStyle = color(i / 139); g.fillRect(i, 0, 1, 10); }
		s.appendChild(PW.el('span', null, hi));
	}

	function drawCoremap(box, run, rows, runColor, swColor) {
		const covered = run.covered_ns || run.window_ns || 1;
		let ncpu = run.nr_cpus || 0;
		(run.cpus || []).forEach(function (c) { ncpu = Math.max(ncpu, c.cpu + 1); });
		rows.forEach(function (r) { (r.t.cpus || []).forEach(function (c) { ncpu = Math.max(ncpu, c.cpu + 1); }); });
		ncpu = Math.max(1, ncpu);
		const perCpu = new Array(ncpu).fill(null);
		(run.cpus || []).forEach(function (c) { perCpu[c.cpu] = c; });

		const labels = rows.map(function (r) { return r.name; });
		const lw = labelWidth(labels.concat(['all tasks']));
		const avail = Math.max(600, (box.parentNode.clientWidth || 1100) - 4);
		const cw = Math.max(3, Math.min(64, Math.floor((avail - lw - 44) / ncpu)));
		// few CPUs and rows: cells big enough to print their figures
		const big = cw >= 52 && rows.length <= 200;
		const rh = big ? 30 : rows.length > 400 ? Math.max(4, Math.floor(14000 / rows.length)) : 18;
		const tw = Math.max(cw, 36);	// the 'all cores' column
		const head = 26, x0 = lw + tw + 8, y0 = head + rh + 6;	// x0/y0: first task cell
		const W = x0 + ncpu * cw + 8, H = y0 + rows.length * rh + 4;
		const dpr = window.devicePixelRatio || 1;

		PW.clear(box);
		const cv = box.appendChild(PW.el('canvas', { id: 'coremap-canvas', role: 'img', 'aria-label': 'CoreMap' }));
		cv.width = Math.round(W * dpr); cv.height = Math.round(H * dpr);
		cv.style.width = W + 'px'; cv.style.height = H + 'px';
		const g = cv.getContext('2d');
		g.scale(dpr, dpr);
		g.font = (rh >= 14 ? 11 : Math.max(6, rh - 2)) + 'px system-ui, sans-serif';
		g.textBaseline = 'middle';

		// CPU numbers, as many as fit
		const every = Math.max(1, Math.ceil(22 / cw));
		g.fillStyle = '#616e7c'; g.textAlign = 'center';
		g.fillText('all', lw + tw / 2, head - 16);
		g.fillText('cores', lw + tw / 2, head - 6);
		for (let c = 0; c < ncpu; c += every) g.fillText(String(c), x0 + c * cw + cw / 2, head - 8);
		g.textAlign = 'right';
		g.fillText('all tasks', lw - 6, head + rh / 2);
		g.fillStyle = '#1f2933';
		rows.forEach(function (r, i) {
			if (rh >= 8) g.fillText(fitText(g, r.name, lw - 10), lw - 6, y0 + i * rh + rh / 2);
		});
		function ink(color) { return d3.hsl(color).l < 0.6 ? '#fff' : '#1f2933'; }
		// colors are cached: a dense map has ~10^6 cells
		const cache1 = new Map(), cache2 = new Map();
		function col1(p) { const k = Math.round(p * 100); let c = cache1.get(k); if (!c) { c = runColor(k / 100); cache1.set(k, c); } return c; }
		function col2(n) { let c = cache2.get(n); if (!c) { c = swColor(n); cache2.set(n, c); } return c; }
		function cell(x, y, pctv, sw, w) {
			w = w || cw;
			const h1 = Math.ceil((rh - 1) / 2), c1 = col1(pctv), c2 = col2(sw);
			g.fillStyle = c1; g.fillRect(x, y, w - 1, h1);
			g.fillStyle = c2; g.fillRect(x, y + h1, w - 1, rh - 1 - h1);
			if (!big || (!pctv && !sw)) return;
			g.textAlign = 'center';
			g.font = '10px system-ui, sans-serif';
			g.fillStyle = ink(c1); g.fillText(pctv >= 10 ? PW.pct(pctv, 1) + '%' : PW.pct(pctv, 2) + '%', x + w / 2, y + h1 / 2 + 0.5);
			g.fillStyle = ink(c2); g.fillText(d3.format('.3~s')(sw), x + w / 2, y + h1 + (rh - 1 - h1) / 2 + 0.5);
		}
		// 'all tasks' row and 'all cores' column
		for (let c = 0; c < ncpu; c++) {
			const pc = perCpu[c];
			cell(x0 + c * cw, head, pc ? 100 * pc.busy_ns / covered : 0, pc ? pc.switches : 0);
		}
		// empty cells: one pattern for the whole grid; then the cells with data
		const pc = document.createElement('canvas');
		pc.width = cw; pc.height = rh;
		const pg = pc.getContext('2d');
		pg.fillStyle = '#fff'; pg.fillRect(0, 0, cw, rh);
		pg.fillStyle = runColor(0); pg.fillRect(0, 0, cw - 1, rh - 1);
		g.save(); g.translate(x0, y0);
		g.fillStyle = g.createPattern(pc, 'repeat'); g.fillRect(0, 0, ncpu * cw, rows.length * rh);
		g.restore();
		const cellRows = rows.map(function (r, i) {
			const m = new Map();
			cell(lw, y0 + i * rh, r.t.cpu_pct, r.t.switches, tw);
			(r.t.cpus || []).forEach(function (e) {
				m.set(e.cpu, e);
				if (e.runtime_ns || e.switches)
					cell(x0 + e.cpu * cw, y0 + i * rh, 100 * e.runtime_ns / covered, e.switches);
			});
			return m;
		});
		// the runs' CPU count: a line after the last online CPU when more are drawn
		g.strokeStyle = '#bcccdc'; g.lineWidth = 1;
		g.beginPath(); g.moveTo(0, y0 - 3.5); g.lineTo(W, y0 - 3.5); g.stroke();
		g.beginPath(); g.moveTo(lw + tw + 3.5, 0); g.lineTo(lw + tw + 3.5, H); g.stroke();

		// hover: exact figures; an overlay marks the cell
		const mark = box.appendChild(PW.el('div', { class: 'pw-cell-mark' }));
		mark.hidden = true;
		function hit(ev) {
			const b = cv.getBoundingClientRect(), x = ev.clientX - b.left, y = ev.clientY - b.top;
			let row = null, col = null;
			if (y >= head && y < head + rh) row = -1;
			else if (y >= y0 && y < y0 + rows.length * rh) row = Math.floor((y - y0) / rh);
			if (x >= lw && x < lw + tw) col = -1;
			else if (x >= x0 && x < x0 + ncpu * cw) col = Math.floor((x - x0) / cw);
			else if (x < lw && row !== null && row >= 0) col = -2;	// the label
			return row === null || col === null ? null : { row: row, col: col };
		}
		cv.addEventListener('mousemove', function (ev) {
			const h = hit(ev);
			if (!h || (h.row === -1 && h.col < 0)) { mark.hidden = true; PW.hideTip(); return; }
			const cx = h.col === -1 ? lw : h.col === -2 ? 0 : x0 + h.col * cw, cy = h.row === -1 ? head : y0 + h.row * rh;
			mark.style.left = (cv.offsetLeft + cx - 1) + 'px'; mark.style.top = (cv.offsetTop + cy - 1) + 'px';
			mark.style.width = ((h.col === -2 ? lw : h.col === -1 ? tw : cw) - 1) + 'px'; mark.style.height = (rh - 1) + 'px';
			mark.hidden = false;
			if (h.row === -1) {
				const pc = perCpu[h.col];
				PW.showTip(ev, 'CPU ' + h.col + ' · all tasks', [['run', run.name],
					['busy', pc ? PW.msExact(pc.busy_ns) : '0 ms'], ['busy %', PW.pct(pc ? 100 * pc.busy_ns / covered : 0, 3) + ' %'],
					['idle', pc ? PW.msExact(pc.idle_ns) : '0 ms'], ['switches', PW.int(pc ? pc.switches : 0)]]);
				return;
			}
			const r = rows[h.row];
			if (h.col < 0) { const tt = taskTip(r); PW.showTip(ev, tt[0] + ' · all cores', tt[1]); return; }
			const e = cellRows[h.row].get(h.col);
			PW.showTip(ev, r.label + ' · CPU ' + h.col, [['run', run.name], ['tid / pid', r.t.tid + ' / ' + r.t.pid],
				['runtime', e ? PW.msExact(e.runtime_ns) : '0 ms'], ['runtime %', PW.pct(e ? 100 * e.runtime_ns / covered : 0, 3) + ' %'],
				['switches', PW.int(e ? e.switches : 0)], ['sched-in', PW.int(e && e.sched_in !== undefined ? e.sched_in : 0)],
				['task CPU % (all cores)', PW.pct(r.t.cpu_pct, 3) + ' %']]);
		});
		cv.addEventListener('mouseleave', function () { mark.hidden = true; PW.hideTip(); });
		// geometry for tests and tools: cell (row i, cpu c) is at
		// (x0 + c*cw, y0 + i*rh), size cw x rh, in CSS pixels of the canvas
		cv.setAttribute('data-geometry', JSON.stringify({ x0: x0, y0: y0, cw: cw, rh: rh, head: head, lw: lw, tw: tw, ncpu: ncpu, rows: rows.length }));
		box.setAttribute('data-rows', JSON.stringify(rows.map(function (r) { return r.t.tid; })));
	}

	function fitText(g, s, w) {
		if (g.measureText(s).width <= w) return s;
		let lo = 0, hi = s.length;
		while (lo < hi) {
			const m = (lo + hi + 1) >> 1;
			if (g.measureText(s.slice(0, m) + '…').width <= w) lo = m; else hi = m - 1;
		}
		return s.slice(0, lo) + '…';
	}
})();
