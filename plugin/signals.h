// SPDX-License-Identifier: GPL-2.0-only
// signals.h: how the plugin stops on SIGINT and SIGTERM with a complete
// (shorter) file, and never leaves its temporary file behind.
//
// perf stops cleanly on SIGINT (its handler sets a flag; perf then calls
// stop(), which writes a complete, shorter file) but dies on SIGTERM, which
// would leave the writer's temporary file behind. So SIGTERM (if at its
// default) is made to raise SIGINT. perf 6.1 installs its SIGINT handler
// after start(): until the first sample, a SIGTERM or SIGINT is only noted
// (our own handlers), and at the first sample perf's SIGINT handler is
// chained behind ours and the noted signal raised again, so perf stops
// there. The handler that sees the signal records it, so that stop() can
// say the file is cut short. SIGXFSZ is ignored (if at its default) so that
// a file-size limit makes write() fail with EFBIG instead of killing perf
// mid-write. pw_sig_stop() restores every disposition changed here.
// The state is the process's (signal dispositions are): one plugin at a
// time. Usage:
//	pw_sig_start();				// in start()
//	pw_sig_set_unlink("out.cdict.tmpXXXX");	// once the file exists
//	pw_sig_run();				// at the first sample
//	pw_sig_block_term();			// in stop(), then
//	pw_sig_stop();
//	if (pw_sig_interrupted())
//		use("cut short");
#ifndef PW_PLUGIN_SIGNALS_H
#define PW_PLUGIN_SIGNALS_H

// pw_sig_start: our handlers of SIGINT and SIGTERM, SIGXFSZ ignored (each
// only when at its default).
void pw_sig_start(void);

// pw_sig_set_unlink: the temporary output (copied; a path too long is not
// kept), which a SIGTERM that perf cannot take cleanly removes.
void pw_sig_set_unlink(const char *path);

// pw_sig_run: at the first sample, chain perf's SIGINT handler (installed
// by now) behind ours and pass on a signal that came before it.
void pw_sig_run(void);

// pw_sig_block_term: block SIGTERM for good. From here the file is being
// finished (last chunk, trailer, rename): a SIGTERM now would leave a
// temporary file, so it waits; perf exits moments after stop() anyway.
void pw_sig_block_term(void);

// pw_sig_stop: restore every disposition pw_sig_start() and pw_sig_run()
// changed, and forget the temporary output.
void pw_sig_stop(void);

// pw_sig_interrupted: the signal that stopped the run (SIGINT or SIGTERM),
// or 0.
int pw_sig_interrupted(void);

#endif
