/*
 * Streams that a journal batch keeps in memory: those it read or wrote,
 * and those that earlier committed batches of the process kept, which
 * kept_check compares with PostgreSQL at the start of each batch.  A
 * kept stream is exact as long as the command lock is held, and a
 * rollback drops them all (kept_forget).
 */
#ifndef PERFIMMO_JOURNAL_KEPT_H
#define PERFIMMO_JOURNAL_KEPT_H

#include <stdbool.h>

#include <json-c/json.h>

#include "common/error.h"

/* Returns a new array of the kept events of KIND/UID and sets *VERSION, or NULL when not kept. */
struct json_object *kept_get(const char *kind, const char *uid, int *version);

/* Keeps a copy of EVENTS (an array, borrowed) as the stream KIND/UID at VERSION. */
void kept_keep(const char *kind, const char *uid, int version, struct json_object *events);

/*
 * Adds EVENTS (an array, borrowed), just appended at EXPECTED, to the kept
 * stream KIND/UID, or keeps a new stream when EXPECTED is 0.  A stream kept
 * at another version is left as it is.
 */
void kept_extend(const char *kind, const char *uid, int expected, struct json_object *events);

/* Drops every kept stream and changes the epoch. */
void kept_forget(void);

/*
 * Ends a committed batch: drops the streams it appended to, which the
 * next batches rarely read (the commands of a ticket or a lot follow one
 * another), and keeps those it only read, such as patrimonies and provider
 * contacts, which many later commands decide on.
 */
void kept_end_batch(void);

/* The number journal_batch_epoch returns while a batch is open; never 0. */
unsigned long kept_epoch(void);

/*
 * Drops the kept streams that another writer extended since the last batch
 * committed: those of the events after the last position seen, in one
 * query.  Call it once a new batch holds the command lock.
 */
bool kept_check(struct error *err);

/* Records that the batch appended events up to POSITION, which kept_check then skips. */
void kept_note_position(long long position);

#endif
