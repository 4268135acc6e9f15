// SPDX-License-Identifier: GPL-2.0-only
// signals.c: SIGINT, SIGTERM and SIGXFSZ around perf's own handling
// (signals.h says how and why).
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "signals.h"

static volatile sig_atomic_t interrupted;	// the signal that stopped us
static volatile sig_atomic_t chained;		// perf's SIGINT handler is behind ours
static volatile sig_atomic_t no_perf_int;	// perf has no SIGINT handler
static struct sigaction old_int, perf_int, old_term, old_xfsz;
static int set_int, set_term, set_xfsz;
// the temporary output, for on_term(): a copy of its own, as a handler
// may touch no state of the plugin
static char term_unlink[4096];

static void on_int(int sig, siginfo_t *si, void *uc)
{
	if (!interrupted)
		interrupted = sig;
	if (!chained)
		return;		// before the first sample: raised again there
	if (perf_int.sa_flags & SA_SIGINFO)
		perf_int.sa_sigaction(sig, si, uc);
	else if (perf_int.sa_handler != SIG_DFL && perf_int.sa_handler != SIG_IGN)
		perf_int.sa_handler(sig);
}

static void on_term(int sig)
{
	int e = errno;

	interrupted = sig;
	if (chained) {
		kill(getpid(), SIGINT);
	} else if (no_perf_int) {
		// perf cannot be stopped cleanly: leave no output at all
		if (term_unlink[0])
			unlink(term_unlink);
		signal(SIGTERM, SIG_DFL);
		raise(SIGTERM);
	}
	errno = e;
}

static int is_dfl(const struct sigaction *sa)
{
	return !(sa->sa_flags & SA_SIGINFO) && sa->sa_handler == SIG_DFL;
}

static int is_ours(const struct sigaction *sa)
{
	return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == on_int;
}

static int is_handler(const struct sigaction *sa)
{
	return (sa->sa_flags & SA_SIGINFO) ||
	       (sa->sa_handler != SIG_DFL && sa->sa_handler != SIG_IGN);
}

void pw_sig_start(void)
{
	struct sigaction sa;

	interrupted = 0;
	chained = 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGXFSZ, NULL, &old_xfsz) == 0 && is_dfl(&old_xfsz))
		set_xfsz = sigaction(SIGXFSZ, &sa, NULL) == 0;
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGTERM, NULL, &old_term) == 0 && is_dfl(&old_term))
		set_term = sigaction(SIGTERM, &sa, NULL) == 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_int;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	if (sigaction(SIGINT, NULL, &old_int) == 0 && is_dfl(&old_int))
		set_int = sigaction(SIGINT, &sa, NULL) == 0;
}

void pw_sig_set_unlink(const char *path)
{
	if (strlen(path) < sizeof(term_unlink))
		strcpy(term_unlink, path);
}

void pw_sig_run(void)
{
	struct sigaction sa;

	if (chained || sigaction(SIGINT, NULL, &perf_int))
		return;
	if (is_ours(&perf_int) || !is_handler(&perf_int)) {
		// no handler of perf's: SIGTERM and SIGINT act as they
		// would without us, but a SIGTERM first removes the
		// temporary file (on_term)
		if (set_int && is_ours(&perf_int))
			sigaction(SIGINT, &old_int, NULL);
		set_int = 0;
		no_perf_int = 1;
		if (interrupted == SIGTERM)
			on_term(SIGTERM);
		else if (interrupted)
			raise(interrupted);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_int;
	sa.sa_flags = (perf_int.sa_flags & ~SA_RESETHAND) | SA_SIGINFO;
	sa.sa_mask = perf_int.sa_mask;
	if (sigaction(SIGINT, &sa, NULL))
		return;
	chained = 1;
	if (interrupted)
		kill(getpid(), SIGINT);
}

void pw_sig_block_term(void)
{
	sigset_t term;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
}

void pw_sig_stop(void)
{
	struct sigaction cur;

	if (set_term)
		sigaction(SIGTERM, &old_term, NULL);
	if (chained)
		sigaction(SIGINT, &perf_int, NULL);
	else if (set_int && sigaction(SIGINT, NULL, &cur) == 0 && is_ours(&cur))
		sigaction(SIGINT, &old_int, NULL);
	if (set_xfsz)
		sigaction(SIGXFSZ, &old_xfsz, NULL);
	set_term = set_int = set_xfsz = 0;
	chained = no_perf_int = 0;
	term_unlink[0] = '\0';
}

int pw_sig_interrupted(void)
{
	return interrupted;
}
