/*
 * Inside journal.c's batches (perfimmo-admin import): what makes many
 * commands in one transaction cheap without changing the state any command
 * reads.  The batch holds the tenant's command lock from start to end, so
 * nothing else writes meanwhile, and these shortcuts are exact:
 *
 *  - streams loaded or appended are kept in memory (journal_kept.h), and a
 *    later load of the same stream reads it from there, in this batch
 *    and in the next ones once batch_start has checked them;
 *  - the processUids of the coming commands are looked up in one query
 *    (journal_batch_prefetch), and a command whose uid that query found
 *    absent needs no look-up of its own;
 *  - a command's savepoint, its append and the release of the savepoint
 *    go to PostgreSQL in one round trip (libpq pipeline mode);
 *  - or, in a batch whose appends are deferred (journal_deferred.h), no
 *    statement at all: the appends wait in memory, and go in one
 *    journal_append_batch statement before the next statement that may
 *    read them, or when the batch commits.
 *
 * Any rollback of a write inside the batch drops the kept streams.
 */
#ifndef PERFIMMO_JOURNAL_BATCH_H
#define PERFIMMO_JOURNAL_BATCH_H

#include <stdbool.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "db/pg.h"
#include "journal.h"

/* Returns a new array of the kept events of a stream, or NULL when not kept. */
struct json_object *batch_stream_get(const char *kind, const char *uid, int *version);

/* Keeps a copy of the EVENTS (array, borrowed) of a stream at VERSION. */
void batch_stream_keep(const char *kind, const char *uid, int version,
    struct json_object *events);

/* The number journal_batch_epoch returns while a batch is open. */
unsigned long batch_epoch(void);

/* Drops every kept stream. */
void batch_forget_streams(void);

/*
 * Starts the state of a batch that holds the command lock: checks the
 * streams kept from earlier batches (kept_check).
 */
bool batch_start(struct error *err);

/* Ends a committed batch: its prefetched sets and queue go, its kept streams stay. */
void batch_end(void);

/* Ends a rolled back batch: drops its state and every kept stream. */
void batch_forget(void);

/* True when the prefetch found UID among no accepted command, and no command used it since. */
bool batch_process_uid_is_new(const char *uid);

/* Records that a command of the batch used UID, which is then no longer "new". */
void batch_process_uid_used(const char *uid);

/*
 * Appends in one round trip: SAVEPOINT, journal_append, RELEASE.  On
 * success the stream's kept events grow and the processUid params[4]
 * stops being "new".  On failure the savepoint stays for
 * batch_undo_command.  When appends are deferred, queues the append
 * instead (deferred_add).  EVENTS is the parsed array of params[3].
 */
enum journal_append_result batch_append(const char *const params[6], struct json_object *events,
    struct strbuf *stored, struct error *err);

/*
 * Rolls back to the savepoint of a failed append, if one is left; a
 * command refused before its append wrote nothing and needs no rollback.
 */
void batch_undo_command(void);

/* Appends the events column of an append's RESULT to STORED as a JSON array text. */
void journal_write_stored(PGresult *result, struct strbuf *stored);

#endif
