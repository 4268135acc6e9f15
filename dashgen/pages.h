// SPDX-License-Identifier: Apache-2.0
// pages.h: perfwhiz-dash's dashboards: NAME-charts.html and NAME-heatmaps.html written from the runs read.
//
// Both pages embed the --json document of the runs (html.h); the heatmaps
// page adds the heatmap document of every run (heatmap.h). With both pages
// and a second cpu, the charts page is written on a thread while the
// heatmaps are made; what stderr is told keeps its order either way.
// Part of the program: on an error it says so on stderr (pw_msg.h) and
// exits 1; nothing is left half-written.
//
// Usage:
//	struct pw_cli c = PW_CLI_INIT;
//	struct pw_inputs in = PW_INPUTS_INIT;
//	char *files[] = { "run.cdict" };
//	c.files = files;
//	c.nr_files = 1;
//	c.charts = c.headless = 1;
//	pw_inputs_read(&in, &c, NULL);
//	struct pw_export_info info = { .label = c.label };
//	pw_pages_write(&c, &in, in.runs[0]->name, &info);
//	pw_inputs_release(&in);
#ifndef PW_PAGES_H
#define PW_PAGES_H

#include "cli.h"
#include "export.h"
#include "inputs.h"

// pw_pages_write: the pages c asks for (c->charts, c->heatmaps) from the
// runs of in (their tasks selected), titled label, their JSON document made
// with info; into c->outdir, else beside the first file. Each page is said
// on stderr unless c->quiet and opened in a browser unless c->headless.
void pw_pages_write(const struct pw_cli *c, struct pw_inputs *in, const char *label,
		    const struct pw_export_info *info);

#endif
