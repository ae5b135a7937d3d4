/*
 * The progress of an import: on a terminal one line redrawn in place (a
 * bar, the lines done, the rate and the time left), otherwise a plain line
 * every five seconds for logs.
 */
#include <stdio.h>

#include "import.h"

#define BAR_WIDTH 24


static long
lines_done(const struct import_session *session)
{
	const struct import_counts *a = &session->committed, *b = &session->pending;

	return a->accepted + a->present + a->rejected + b->accepted + b->present + b->rejected;
}


/* Formats the seconds left as M:SS or H:MM:SS. */
static void
format_duration(double seconds, char *out, size_t size)
{
	long total = seconds < 0 ? 0 : (long)(seconds + 0.5);

	if (total >= 3600)
		snprintf(out, size, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
	else
		snprintf(out, size, "%ld:%02ld", total / 60, total % 60);
}


void
import_progress_show(struct import_session *session, bool force)
{
	struct import_progress *p = &session->progress;
	double now = import_now(), elapsed = now - p->started;
	double share = p->bytes_total > 0 ? (double)p->bytes_done / (double)p->bytes_total : 1.0;
	long done = lines_done(session);
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	char left[32], bar[BAR_WIDTH + 1];
	int filled = (int)(share * BAR_WIDTH);

	if (!force && now - p->last_shown < (p->terminal ? 0.1 : 5.0))
		return;
	p->last_shown = now;
	format_duration(share > 0.001 ? elapsed / share - elapsed : 0, left, sizeof(left));

	if (!p->terminal) {
		fprintf(stderr, session->english ?
		    "import: %ld lines, %.0f lines/s, %.0f%%, %s left\n" :
		    "import : %ld lignes, %.0f lignes/s, %.0f %%, reste %s\n",
		    done, rate, share * 100, left);
		return;
	}
	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < filled ? '#' : '-';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, session->english ?
	    "\r[%s] %3.0f%%  %ld lines  %.0f/s  %s left \033[K" :
	    "\r[%s] %3.0f %%  %ld lignes  %.0f/s  reste %s \033[K",
	    bar, share * 100, done, rate, left);
	p->drawn = true;
}


void
import_progress_clear(struct import_session *session)
{
	if (session->progress.drawn) {
		fputs("\r\033[K", stderr);
		session->progress.drawn = false;
	}
}
