/*
 * The PostgreSQL event journal of the current tenant (the connection must
 * act as the tenant's role, see pg_enter_tenant).  It knows streams,
 * versions and positions, nothing of what an aggregate means.
 */
#ifndef PERFIMMO_JOURNAL_H
#define PERFIMMO_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/error.h"
#include "common/strbuf.h"

/*
 * Starts the command transaction and takes the tenant's command lock.
 * Inside a batch, sets a savepoint instead: the batch holds the lock.
 */
bool journal_begin(struct error *err);

/*
 * Commits; a failure here leaves the outcome unknown, reported as 503.
 * Inside a batch, releases the savepoint: the batch commits later.
 */
bool journal_commit(struct error *err);

/*
 * A batch runs many commands in one transaction under one take of the
 * command lock (perfimmo-admin import): each command still begins,
 * commits or rolls back on its own, through a savepoint, so a refused one
 * leaves the others in place.  journal_batch_commit commits them all.
 */
bool journal_batch_begin(struct error *err);
bool journal_batch_commit(struct error *err);
void journal_batch_rollback(void);

/*
 * A batch whose appends are deferred.  A command that its decision accepts
 * counts as appended at once.  The appends go to PostgreSQL together, in
 * one statement (journal_append_batch), before the next statement that may
 * read what they write, or at journal_batch_commit.  No command has a
 * savepoint of its own, so when that statement fails the whole batch is
 * lost.  journal_batch_deferred_failed is then true: roll the batch back
 * and run its commands again in a batch of journal_batch_begin, where the
 * failing command fails alone.
 */
bool journal_batch_begin_deferred(struct error *err);
bool journal_batch_deferred_failed(void);

/*
 * True while the open batch's transaction can go on: no statement failed
 * in it, or the last failure was rolled back to its savepoint (a failed
 * append).  After any other failure the transaction is aborted.
 */
bool journal_batch_usable(void);

/*
 * Inside a batch: looks the COUNT processUids of the coming commands up
 * in one query, so that the commands whose uid is not yet accepted skip
 * their own look-up (journal_batch.h lists what else a batch saves).
 */
bool journal_batch_prefetch(const char (*uids)[37], size_t count, struct error *err);

/*
 * Inside a batch: finds which of the COUNT streams KINDS[i]/UIDS[i] of the
 * coming commands have no event yet, in one query, so that their loads
 * cost no query of their own.
 */
bool journal_batch_prefetch_streams(const char (*kinds)[24], const char (*uids)[37],
    size_t count, struct error *err);

/*
 * Identifies what batches keep in memory: 0 outside a batch, else a
 * number that changes whenever a batch drops its kept streams (a rollback
 * inside it, or of it).  A committed batch keeps it for the next batch of
 * the process.  Callers that keep facts read under a batch's lock keep
 * them only while the number stays the same, and only facts that no later
 * command can change, since other writers may come between two batches.
 */
unsigned long journal_batch_epoch(void);

/*
 * A group of commands inside a batch that is kept or undone as a whole
 * (one line of an import): mark before the first, keep after the last, or
 * undo them all.
 */
bool journal_group_mark(struct error *err);
bool journal_group_keep(struct error *err);
bool journal_group_undo(struct error *err);

/*
 * Returns, once, the tenant's generation that the last COMMIT of a command
 * or batch raised (command_lock_take and command_lock_take_for_ticket in
 * the tenant's migrations): true
 * with *GENERATION set after such a COMMIT, false otherwise.  The caller
 * publishes it to the generation mirror (cache/generation_mirror.h).
 */
bool journal_take_committed_generation(long long *generation);

/*
 * journal_begin, journal_find_processed and the journal_load of the stream
 * KIND/UID in one round trip: the stream's events are kept for that load.
 * Inside a batch, only journal_find_processed.
 */
bool journal_begin_command(const char *process_uid, const char *kind, const char *uid,
    bool *found, char user_uid[37], struct strbuf *events, struct error *err);

/*
 * Like journal_begin_command, for a command that decides from its own
 * stream and from structure facts only (a ticket command): reads without
 * the lock, and without a transaction.  journal_append_commit then takes
 * the lock in its own round trip.  It returns JOURNAL_CONFLICT when the
 * stream or any structure fact moved meanwhile, and the caller then decides
 * again with journal_begin_command.  Inside a batch, same as
 * journal_begin_command.
 */
bool journal_begin_unlocked_command(const char *process_uid, const char *kind,
    const char *uid, bool *found, char user_uid[37], struct strbuf *events,
    struct error *err);

/* Rolls back the open transaction, if any (the command's savepoint in a batch). */
void journal_rollback(void);

/*
 * Looks PROCESS_UID up among accepted commands.  When found, sets *FOUND,
 * copies the user who sent it into USER_UID and appends the stored events
 * array (JSON text) to EVENTS.
 */
bool journal_find_processed(const char *process_uid, bool *found,
    char user_uid[37], struct strbuf *events, struct error *err);

/*
 * Loads the events of one aggregate (a stream: kind and uid) in version
 * order, each upcast to the current shape of its type (upcast.h).  Returns
 * a new array (caller puts it) and sets *VERSION to the stream's last
 * version (0 when the aggregate has no event), or NULL with ERR.
 */
struct json_object *journal_load(const char *aggregate_type,
    const char *aggregate_uid, int *version, struct error *err);

enum journal_append_result {
	JOURNAL_APPENDED,
	JOURNAL_CONFLICT,		/* the stream moved: decide again */
	JOURNAL_FAILED,
};

/*
 * Appends EVENTS (a JSON array) to the stream of AGGREGATE_UID at
 * EXPECTED_VERSION, records the command, projects the events into the read
 * model and queues a notification, then commits, all in one round trip.
 * Appends the stored events to STORED as a JSON array text.  On
 * JOURNAL_CONFLICT and JOURNAL_FAILED the transaction is rolled back; a
 * failed COMMIT is a JOURNAL_FAILED with ERR 503, since its outcome is
 * unknown.  Inside a batch, the append takes a savepoint of its own and
 * the batch commits later (journal_batch_commit).
 */
enum journal_append_result journal_append_commit(const char *aggregate_type,
    const char *aggregate_uid, int expected_version, struct json_object *events,
    const char *process_uid, const char *actor_uid, struct strbuf *stored,
    struct error *err);

#endif
