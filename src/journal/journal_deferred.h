/*
 * Deferred appends of a journal batch (journal_batch_begin_deferred).  A
 * command that its decision accepts is queued instead of appended, and
 * the queue goes to PostgreSQL in one journal_append_batch statement
 * before any other statement that may read what it writes, or when the
 * batch commits.  The reads of streams without a queued append do not
 * wait for it, since they cannot see it.
 */
#ifndef PERFIMMO_JOURNAL_DEFERRED_H
#define PERFIMMO_JOURNAL_DEFERRED_H

#include <stdbool.h>

#include <json-c/json.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "db/pg.h"
#include "journal.h"

/*
 * Defers the appends of the open batch until deferred_send.  That runs
 * before every statement except STREAM_READ, the read of one stream by
 * kind and uid, on a stream that has no queued append.
 */
void deferred_start(const struct pg_statement *stream_read);

/* Stops deferring and drops the queue, sent or not. */
void deferred_stop(void);

/* True while the appends of the open batch are deferred. */
bool deferred_active(void);

/*
 * Queues the append of PARAMS, the parameters of journal_append, whose
 * events params[3] are EVENTS as JSON text.  Appends that text to STORED
 * as sent, because PostgreSQL has not normalised it yet.  From then on the
 * events count as stored for the kept streams and the batch's processUids.
 */
enum journal_append_result deferred_add(const char *const params[6], struct json_object *events,
    struct strbuf *stored, struct error *err);

/*
 * Sends the queued appends, if any, in one journal_append_batch statement.
 * On failure the transaction is aborted: this and every later statement
 * of the batch fail with the same ERR.
 */
bool deferred_send(struct error *err);

/* True when sending the queue of the last batch that deferred its appends failed. */
bool deferred_failed(void);

#endif
