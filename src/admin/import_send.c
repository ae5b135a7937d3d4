/*
 * Running the lines of an import in batches: many commands per transaction
 * under one take of the tenant's command lock, each through the write
 * API's pipeline on its own savepoint.  A line of several commands (a sheet
 * row) gets a savepoint of its own, so its commands are kept or undone
 * together.  The counts and rejects of a batch only count once it commits.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/command.h"
#include "cache/generation_mirror.h"
#include "common/types.h"
#include "import.h"
#include "journal/journal.h"


double
import_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}


void
import_say(struct import_session *session, const char *fr, const char *en, ...)
{
	va_list ap;

	import_progress_clear(session);
	va_start(ap, en);
	vfprintf(stderr, session->english ? en : fr, ap);
	va_end(ap);
	fputc('\n', stderr);
}


/* Writes VALUE as one CSV cell, quoted when it contains a separator, a quote or a line break. */
static void
reject_cell(struct strbuf *out, const char *value, bool last)
{
	if (strpbrk(value, ";\"\r\n") == NULL) {
		strbuf_puts(out, value);
	} else {
		strbuf_puts(out, "\"");
		for (const char *s = value; *s != '\0'; s++) {
			if (*s == '"')
				strbuf_puts(out, "\"");
			strbuf_append(out, s, 1);
		}
		strbuf_puts(out, "\"");
	}
	strbuf_puts(out, last ? "\n" : ";");
}


/*
 * Splits the pipeline's "field: reason" message into FIELD and REASON,
 * since the reject file gives the field a column of its own.
 */
static const char *
split_field(const char *message, const char *separator, char *field, size_t size)
{
	const char *end = strstr(message, separator);
	size_t len;

	field[0] = '\0';
	if (end == NULL)
		return message;
	len = (size_t)(end - message);
	if (len == 0 || len >= size || strcspn(message, " ") < len)
		return message;
	memcpy(field, message, len);
	field[len] = '\0';
	return end + strlen(separator);
}


/* Queues the reject line of LINE for the commit: file, line, field, errorType, reason. */
static void
record_reject(struct import_session *session, const char *file, const struct import_line *line)
{
	const char *message = session->english ? line->err.message_en : line->err.message_fr;
	char field[128], number[24], both[256];
	const char *reason = split_field(message, session->english ? ": " : " : ", field, sizeof(field));
	struct strbuf *out = &session->pending_rejects;

	if (line->column != NULL && line->column[0] != '\0') {
		if (field[0] != '\0')
			snprintf(both, sizeof(both), "%s (%s)", line->column, field);
		else
			snprintf(both, sizeof(both), "%s", line->column);
	} else {
		snprintf(both, sizeof(both), "%s", field);
	}
	snprintf(number, sizeof(number), "%ld", line->line);
	reject_cell(out, file, false);
	reject_cell(out, number, false);
	reject_cell(out, both, false);
	reject_cell(out, error_name(line->err.type), false);
	reject_cell(out, reason, true);
	session->pending.rejected++;
}


/* Opens a batch unless one is open.  DEFERRED defers its appends (journal_batch_begin_deferred). */
static bool
open_batch(struct import_session *session, bool deferred)
{
	struct error err;

	if (session->batch_open)
		return true;
	if (!(deferred ? journal_batch_begin_deferred(&err) : journal_batch_begin(&err))) {
		import_say(session, "perfimmo-admin: base de données : %s",
		    "perfimmo-admin: database: %s", session->english ? err.message_en : err.message_fr);
		return false;
	}
	session->batch_open = true;
	session->batch_commands = 0;
	return true;
}


static void
add_counts(struct import_counts *to, const struct import_counts *from)
{
	to->accepted += from->accepted;
	to->present += from->present;
	to->rejected += from->rejected;
	to->commands += from->commands;
}


/* Writes the queued reject lines to the reject file, or to stderr as FILE:LINE: lines. */
static void
flush_rejects(struct import_session *session)
{
	struct strbuf *queued = &session->pending_rejects;

	if (queued->len == 0)
		return;
	if (session->rejects != NULL) {
		fwrite(queued->data, 1, queued->len, session->rejects);
		fflush(session->rejects);
	} else {
		import_progress_clear(session);
		fwrite(queued->data, 1, queued->len, stderr);
	}
	strbuf_reset(queued);
}


/* Raises the tenant's generation mirror in Redis to the generation the batch committed. */
static void
raise_mirror(struct import_session *session)
{
	long long generation;

	if (!journal_take_committed_generation(&generation) ||
	    generation_mirror_raise(session->ctx.tenant.name, generation))
		return;
	import_say(session, "perfimmo-admin: avertissement : génération du client %s non relevée "
	    "dans Redis : les lectures en cache peuvent garder la précédente %d ms au plus",
	    "perfimmo-admin: warning: could not raise the generation of tenant %s in Redis: "
	    "cached reads may use the previous generation for up to %d ms",
	    session->ctx.tenant.name, generation_mirror_ttl_ms());
}


/* Commits the open batch, if any.  On failure its counts and rejects are dropped and ERR is set. */
static bool
commit_batch(struct import_session *session, struct error *err)
{
	if (!session->batch_open)
		return true;
	session->batch_open = false;
	if (!journal_batch_commit(err)) {
		memset(&session->pending, 0, sizeof(session->pending));
		strbuf_reset(&session->pending_rejects);
		return false;
	}
	raise_mirror(session);
	add_counts(&session->committed, &session->pending);
	memset(&session->pending, 0, sizeof(session->pending));
	flush_rejects(session);
	return true;
}


bool
import_commit(struct import_session *session)
{
	struct error err;

	if (commit_batch(session, &err))
		return true;
	import_say(session, "perfimmo-admin: validation du lot impossible : %s",
	    "perfimmo-admin: could not commit the batch: %s",
	    session->english ? err.message_en : err.message_fr);
	return false;
}


void
import_abort(struct import_session *session)
{
	if (session->batch_open)
		journal_batch_rollback();
	session->batch_open = false;
	memset(&session->pending, 0, sizeof(session->pending));
	strbuf_reset(&session->pending_rejects);
}


/*
 * True for the outcomes where the database failed rather than the line: a
 * 503, or a 500 that left the batch's transaction aborted.  A 500 whose
 * statement was rolled back to its savepoint, such as an append that
 * PostgreSQL refused, only rejects its line.
 */
static bool
is_fault(const struct command_outcome *out)
{
	return out->status >= 500 && (out->status != 500 || !journal_batch_usable());
}


/*
 * Runs the commands of LINE in order; the first refusal ends the line.
 * Returns false on a database fault, with LINE->err set.
 */
static bool
run_commands(struct import_session *session, struct import_line *line, long *stored,
    long *duplicates)
{
	struct command_outcome out;
	bool fault;

	for (size_t i = 0; i < line->count && !line->rejected; i++) {
		struct import_command *command = &line->commands[i];
		size_t len;
		const char *body = json_object_to_json_string_length(command->body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

		command_outcome_init(&out);
		command_run_body(&session->ctx, command->method, command->path, body, len, &out);
		session->pending.commands++;
		session->batch_commands++;
		if (out.status < 300)
			(*stored)++;
		else if (out.duplicate)
			(*duplicates)++;
		else {
			line->rejected = true;
			line->column = command->column;
			line->err = out.err;
		}
		fault = line->rejected && is_fault(&out);
		command_outcome_free(&out);
		if (fault)
			return false;
	}
	return true;
}


/* Sends LINE in the open batch and counts it; false on a database fault, with ERR set. */
static bool
run_line(struct import_session *session, const char *file, struct import_line *line,
    struct error *err)
{
	bool grouped = line->count > 1;
	long stored = 0, duplicates = 0;

	if (line->rejected) {
		record_reject(session, file, line);
		return true;
	}
	if (grouped && !journal_group_mark(err))
		return false;
	if (!run_commands(session, line, &stored, &duplicates)) {
		*err = line->err;
		return false;
	}
	if (grouped && !(line->rejected ? journal_group_undo(err) : journal_group_keep(err)))
		return false;

	if (line->rejected)
		record_reject(session, file, line);
	else if (stored > 0)
		session->pending.accepted++;
	else
		session->pending.present++;
	return true;
}


static void
say_fault(struct import_session *session, const char *file, const struct import_line *line,
    const struct error *err)
{
	import_say(session, "perfimmo-admin: %s, ligne %ld : %s",
	    "perfimmo-admin: %s, line %ld: %s", file, line->line,
	    session->english ? err->message_en : err->message_fr);
}


/* Sends LINE in the open batch; false on a database fault, reported. */
static bool
send_in_batch(struct import_session *session, const char *file, struct import_line *line)
{
	struct error err;

	if (run_line(session, file, line, &err))
		return true;
	say_fault(session, file, line, &err);
	return false;
}


bool
import_send_line(struct import_session *session, const char *file,
    struct import_line *line)
{
	if (!open_batch(session, false) || !send_in_batch(session, file, line))
		return false;
	if (session->batch_commands >= session->batch_max)
		return import_commit(session);
	return true;
}


/* Copies the processUid of each command of LINES that has a well-formed one into UIDS. */
static size_t
collect_process_uids(struct import_line *lines, size_t count, char (**uids)[37])
{
	size_t total = 0, room = 0;

	for (size_t i = 0; i < count; i++)
		room += lines[i].count;
	*uids = calloc(room + 1, sizeof(**uids));
	if (*uids == NULL)
		abort();
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < lines[i].count; j++) {
			struct json_object *value;
			struct error ignored;

			if (json_object_object_get_ex(lines[i].commands[j].body, "processUid", &value) &&
			    json_object_is_type(value, json_type_string) &&
			    types_parse_uuid(json_object_get_string(value),
			    (size_t)json_object_get_string_len(value), (*uids)[total], &ignored))
				total++;
		}
	}
	return total;
}


/* Copies the stream each command of LINES targets, when the command names it, into KINDS and UIDS. */
static size_t
collect_targets(struct import_line *lines, size_t count, char (**kinds)[24], char (**uids)[37])
{
	size_t total = 0, room = 0;

	for (size_t i = 0; i < count; i++)
		room += lines[i].count;
	*kinds = calloc(room + 1, sizeof(**kinds));
	*uids = calloc(room + 1, sizeof(**uids));
	if (*kinds == NULL || *uids == NULL)
		abort();
	for (size_t i = 0; i < count; i++)
		for (size_t j = 0; j < lines[i].count; j++)
			if (command_target(lines[i].commands[j].method, lines[i].commands[j].path,
			    lines[i].commands[j].body, (*kinds)[total], (*uids)[total]))
				total++;
	return total;
}


/*
 * Looks up, in one query each, which processUids of the chunk are new and
 * which streams it targets have no event yet, so that most commands need
 * no look-up of their own.
 */
static bool
prefetch_chunk(struct import_line *lines, size_t count, struct error *err)
{
	char (*uids)[37], (*kinds)[24], (*targets)[37];
	size_t uid_count = collect_process_uids(lines, count, &uids);
	size_t target_count = collect_targets(lines, count, &kinds, &targets);
	bool ok;

	ok = journal_batch_prefetch((const char (*)[37])uids, uid_count, err) &&
	    journal_batch_prefetch_streams((const char (*)[24])kinds,
	    (const char (*)[37])targets, target_count, err);
	free(uids);
	free(kinds);
	free(targets);
	return ok;
}


/* Opens a batch for a chunk and looks its processUids and streams up; false when reported. */
static bool
open_chunk(struct import_session *session, struct import_line *lines, size_t count, bool deferred)
{
	struct error err;

	/* A sheet's rows may have left a batch of their own open. */
	if (!import_commit(session) || !open_batch(session, deferred))
		return false;
	if (prefetch_chunk(lines, count, &err))
		return true;
	import_say(session, "perfimmo-admin: base de données : %s",
	    "perfimmo-admin: database: %s", session->english ? err.message_en : err.message_fr);
	return false;
}


/* Sends the lines of a chunk one command at a time, each on its own savepoint. */
static bool
send_chunk_one_by_one(struct import_session *session, const char *file,
    struct import_line *lines, size_t count)
{
	bool ok = open_chunk(session, lines, count, false);

	/* A stop request ends the chunk between two lines; what was sent is committed. */
	for (size_t i = 0; ok && i < count && !*session->stop; i++)
		ok = send_in_batch(session, file, &lines[i]);
	return ok && import_commit(session);
}


enum chunk_outcome {
	CHUNK_STORED,		/* committed */
	CHUNK_FAULT,		/* a database fault, reported */
	CHUNK_AGAIN,		/* the deferred appends failed: rolled back, to send one by one */
};


/*
 * Sends the lines of a chunk in a batch whose appends are deferred
 * (journal_batch_begin_deferred).  When those appends fail, the batch is
 * rolled back with its counts and rejects, and ERR gives the reason.
 */
static enum chunk_outcome
send_chunk_deferred(struct import_session *session, const char *file,
    struct import_line *lines, size_t count, struct error *err)
{
	bool ok = true;

	if (!open_chunk(session, lines, count, true))
		return CHUNK_FAULT;
	for (size_t i = 0; ok && i < count && !*session->stop; i++) {
		ok = run_line(session, file, &lines[i], err);
		if (!ok && !journal_batch_deferred_failed()) {
			say_fault(session, file, &lines[i], err);
			return CHUNK_FAULT;
		}
	}
	if (ok && commit_batch(session, err))
		return CHUNK_STORED;
	if (!journal_batch_deferred_failed()) {
		import_say(session, "perfimmo-admin: validation du lot impossible : %s",
		    "perfimmo-admin: could not commit the batch: %s",
		    session->english ? err->message_en : err->message_fr);
		return CHUNK_FAULT;
	}
	import_abort(session);
	return CHUNK_AGAIN;
}


/* Notes which LINES the mapping rejected, before they are sent. */
static bool *
note_mapping_rejects(const struct import_line *lines, size_t count)
{
	bool *rejected = calloc(count + 1, sizeof(*rejected));

	if (rejected == NULL)
		abort();
	for (size_t i = 0; i < count; i++)
		rejected[i] = lines[i].rejected;
	return rejected;
}


/* Brings LINES back to their state before they were sent: only the mapping's rejects stay. */
static void
restore_lines(struct import_line *lines, size_t count, const bool *mapping_rejected)
{
	for (size_t i = 0; i < count; i++) {
		if (mapping_rejected[i])
			continue;
		lines[i].rejected = false;
		lines[i].column = NULL;
		error_clear(&lines[i].err);
	}
}


bool
import_send_chunk(struct import_session *session, const char *file,
    struct import_line *lines, size_t count)
{
	struct error err;
	enum chunk_outcome outcome;
	bool *mapping_rejected;

	if (session->one_by_one || count == 0)
		return send_chunk_one_by_one(session, file, lines, count);

	mapping_rejected = note_mapping_rejects(lines, count);
	outcome = send_chunk_deferred(session, file, lines, count, &err);
	if (outcome == CHUNK_AGAIN) {
		/*
		 * Nothing of the chunk is stored.  Sent again one command at a
		 * time, each line gets the outcome it would have had alone.
		 */
		import_say(session, "perfimmo-admin: %s, lignes %ld à %ld : échec de l'enregistrement "
		    "groupé (%s), nouvel envoi commande par commande",
		    "perfimmo-admin: %s, lines %ld to %ld: storing them together failed (%s),"
		    " sending them again one command at a time", file, lines[0].line,
		    lines[count - 1].line, session->english ? err.message_en : err.message_fr);
		restore_lines(lines, count, mapping_rejected);
	}
	free(mapping_rejected);
	if (outcome == CHUNK_AGAIN)
		return send_chunk_one_by_one(session, file, lines, count);
	return outcome == CHUNK_STORED;
}
