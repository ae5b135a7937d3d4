/* The queue of deferred appends of a journal batch and its sending. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "journal_batch.h"
#include "journal_deferred.h"
#include "journal_kept.h"

/*
 * Appends queued at once; past it they are sent, which bounds the memory
 * and the duration of one statement.
 */
#define DEFERRED_MAX 1000

/*
 * The queue: the JSON array text of the commands journal_append_batch will
 * store, without its closing bracket, and the stream each of them extends.
 */
static struct {
	bool on;
	const struct pg_statement *stream_read;	/* the journal's statement reading one stream */
	struct strbuf commands;
	size_t count;
	struct {
		char kind[24];
		char uid[37];
	} streams[DEFERRED_MAX];
} deferred;

/*
 * Whether sending the queue of the last batch that deferred its appends
 * failed, and the error, which every later statement of that batch
 * returns: its transaction is aborted.
 */
static bool send_failed;
static struct error send_error;


/* True when a queued append extends the stream KIND/UID. */
static bool
defers_stream(const char *kind, const char *uid)
{
	for (size_t i = 0; i < deferred.count; i++)
		if (strcmp(deferred.streams[i].uid, uid) == 0 && strcmp(deferred.streams[i].kind, kind) == 0)
			return true;
	return false;
}


/*
 * Sends the queue before a statement that may read what it writes.  A
 * read of one stream only needs the appends to that stream, so it lets
 * the others wait.
 */
static bool
send_before(const struct pg_statement *statement, int nparams, const char *const *values,
    struct error *err)
{
	if (statement == deferred.stream_read && nparams == 2 && !defers_stream(values[0], values[1]))
		return true;
	return deferred_send(err);
}


void
deferred_start(const struct pg_statement *stream_read)
{
	deferred_stop();
	deferred.on = true;
	deferred.stream_read = stream_read;
	send_failed = false;
	pg_set_before_statement(send_before);
}


void
deferred_stop(void)
{
	if (deferred.on)
		pg_set_before_statement(NULL);
	strbuf_free(&deferred.commands);
	memset(&deferred, 0, sizeof(deferred));
	strbuf_init(&deferred.commands);
}


bool
deferred_active(void)
{
	return deferred.on;
}


bool
deferred_send(struct error *err)
{
	struct strbuf commands = deferred.commands;
	const char *params[1];
	PGresult *result;

	if (!deferred.on)
		return true;
	if (send_failed) {
		*err = send_error;
		return false;
	}
	if (deferred.count == 0)
		return true;

	/* Emptied first: the statement below runs the before-statement function too. */
	strbuf_init(&deferred.commands);
	deferred.count = 0;
	strbuf_puts(&commands, "]");
	params[0] = commands.data;
	if (commands.failed) {
		log_error("out of memory while deferring appends");
		error_set(err, ERR_INTERNAL, "erreur interne", "internal error");
		result = NULL;
	} else {
		result = pg_query("SELECT journal_append_batch($1::jsonb)", 1, params, PGRES_TUPLES_OK, err);
	}
	strbuf_free(&commands);
	if (result == NULL) {
		send_failed = true;
		send_error = *err;
		return false;
	}
	if (PQntuples(result) == 1 && !PQgetisnull(result, 0, 0))
		kept_note_position(atoll(PQgetvalue(result, 0, 0)));
	PQclear(result);
	return true;
}


bool
deferred_failed(void)
{
	return send_failed;
}


enum journal_append_result
deferred_add(const char *const params[6], struct json_object *events, struct strbuf *stored,
    struct error *err)
{
	struct strbuf *commands = &deferred.commands;

	if (deferred.count == DEFERRED_MAX && !deferred_send(err))
		return JOURNAL_FAILED;
	if (send_failed) {
		*err = send_error;
		return JOURNAL_FAILED;
	}

	/* Kinds are the journal's own names, uids parsed SafeUUIDs, the version a number: none needs escaping. */
	strbuf_puts(commands, deferred.count == 0 ? "[" : ",");
	strbuf_printf(commands, "{\"kind\":\"%s\",\"uid\":\"%s\",\"version\":%s,\"processUid\":\"%s\","
	    "\"actor\":", params[0], params[1], params[2], params[4]);
	if (params[5] != NULL)
		strbuf_printf(commands, "\"%s\"", params[5]);
	else
		strbuf_puts(commands, "null");
	strbuf_puts(commands, ",\"events\":");
	strbuf_puts(commands, params[3]);
	strbuf_puts(commands, "}");
	snprintf(deferred.streams[deferred.count].kind, sizeof(deferred.streams[0].kind), "%s", params[0]);
	snprintf(deferred.streams[deferred.count].uid, sizeof(deferred.streams[0].uid), "%s", params[1]);
	deferred.count++;

	strbuf_puts(stored, params[3]);
	batch_process_uid_used(params[4]);
	kept_extend(params[0], params[1], atoi(params[2]), events);
	return JOURNAL_APPENDED;
}
