/*
 * perfimmo-admin import: files of commands sent through the write API's
 * own pipeline (src/api/command.h), many per transaction.  import.c reads
 * the options and the files, import_send.c runs the lines in batches and
 * keeps the counts and the rejects, import_lookup.c answers the sheets'
 * questions about agencies and patrimonies.
 */
#ifndef PERFIMMO_ADMIN_IMPORT_H
#define PERFIMMO_ADMIN_IMPORT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "api/handlers.h"
#include "common/strbuf.h"
#include "import/csv_map.h"

struct import_counts {
	long accepted;			/* lines whose commands were stored */
	long present;			/* lines stored by an earlier run (409 CommandAlreadySent) */
	long rejected;
	long commands;			/* commands sent through the pipeline */
};

struct import_progress {
	bool terminal;			/* stderr is a terminal: redraw one line */
	double started;			/* monotonic seconds */
	double last_shown;
	long long bytes_total;		/* of every file, for the share done and the time left */
	long long bytes_done;
	bool drawn;			/* a progress line is on the terminal */
};

struct import_session {
	struct context ctx;		/* config, tenant and actor of every command */
	bool english;
	int batch_max;			/* commands per transaction */
	bool one_by_one;		/* JSON Lines too are sent one command at a time (--one-by-one) */

	bool batch_open;
	long batch_commands;
	struct import_counts committed;	/* stored for good */
	struct import_counts pending;	/* in the open transaction */
	struct strbuf pending_rejects;	/* reject lines waiting for the commit */

	FILE *rejects;			/* --rejects file, or NULL: rejects go to stderr */
	struct import_progress progress;
	volatile sig_atomic_t *stop;	/* set by SIGINT or SIGTERM */
};

/* Prints the French or the English text on stderr, after clearing the progress line. */
void import_say(struct import_session *session, const char *fr, const char *en, ...)
    __attribute__((format(printf, 2, 4)));

/*
 * Sends the commands of LINE (from FILE) in the open batch, opening one if
 * needed; a rejected line is recorded with its reason.  Returns false when
 * the database failed: the run must stop (import_abort).
 */
bool import_send_line(struct import_session *session, const char *file,
    struct import_line *line);

/*
 * Sends the COUNT LINES, of one command each, in one batch of their own,
 * their processUids looked up together first, then commits.  The appends
 * are deferred and stored together (journal_batch_begin_deferred), unless
 * the session sends one command at a time.  When storing them together
 * fails, nothing of the batch is kept and its lines are sent again one
 * command at a time, each on its own savepoint.  Returns false as
 * import_send_line does.
 */
bool import_send_chunk(struct import_session *session, const char *file,
    struct import_line *lines, size_t count);

/* Commits the open batch, if any; false when the database failed. */
bool import_commit(struct import_session *session);

/* Rolls back the open batch after a database failure; its lines count as not done. */
void import_abort(struct import_session *session);

/* Shows progress: at most ten times a second on a terminal, every five seconds otherwise. */
void import_progress_show(struct import_session *session, bool force);

/* Clears the progress line from the terminal. */
void import_progress_clear(struct import_session *session);

double import_now(void);

/* The lookups of the sheets, run on the tenant's read tables. */
extern const struct csv_lookup import_lookup;

#endif
