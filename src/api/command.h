/*
 * The command pipeline, one path for every command endpoint.  It decodes
 * and validates the body.  Then, in one transaction under the tenant's
 * command lock, it checks the processUid, lets the aggregate load what it
 * needs and decide, appends and projects the events, and commits.
 */
#ifndef PERFIMMO_COMMAND_H
#define PERFIMMO_COMMAND_H

#include <stdbool.h>

#include <json-c/json.h>

#include "common/schema.h"
#include "common/strbuf.h"
#include "domain/domain.h"
#include "handlers.h"

struct command_run {
	struct context *ctx;
	struct command cmd;
	int expected_version;		/* set by execute: the stream's version it decided on */
	struct json_object *events;	/* array execute appends to */
};

struct command_spec {
	const char *type;			/* commandType; NULL ends a table */
	const struct schema_field *fields;	/* command-specific fields */

	/*
	 * Loads the target and the entities the command names, checks them in
	 * the documented order and decides.  Runs inside the transaction.
	 * Returns false with ERR set when the command is rejected.
	 */
	bool (*execute)(struct command_run *run, struct error *err);

	/*
	 * Optional value rules beyond the schema, checked on the normalised
	 * body before any stored state is read (a 400 that needs no state).
	 * Returns false with ERR set when the body breaks one.
	 */
	bool (*validate)(const char *type, struct json_object *body, struct error *err);

	/*
	 * Optional value rules that need the path but no stored state, such as
	 * a body uid that must equal a path uid.  Runs before the transaction,
	 * so its 400 InvalidCommand comes before a duplicate processUid's 409.
	 */
	bool (*check)(const struct command_run *run, struct error *err);
};

struct command_endpoint {
	const char *aggregate_type;	/* journal kind: "company", "ticket"... */
	bool creates;			/* POST: answers 201 instead of 200 */

	/*
	 * Index of the target's uid among the path parameters, or -1 when the
	 * command creates its aggregate: then the body's aggregateUid, or a
	 * new uid when absent.  A body aggregateUid must equal a path uid.
	 */
	int target_param;
	const struct command_spec *specs;

	/*
	 * The decisions read only the target's stream and structure facts, so
	 * the first attempt takes the command lock just for its append
	 * (journal_begin_unlocked_command).
	 */
	bool lock_late;
};

/*
 * What one command came to, without any response sent: the status of the
 * API's response and, on success, the stored events.  A duplicate processUid
 * is a 409 CommandAlreadySent; EVENTS then holds the events stored the
 * first time when the same user sent it.
 */
struct command_outcome {
	int status;			/* 200 or 201, else the status of ERR */
	struct error err;		/* set when status >= 400 */
	bool duplicate;			/* 409 CommandAlreadySent */
	bool same_user;			/* duplicate sent by the same user */
	struct strbuf events;		/* JSON array text of the stored events */
};

/* Prepares OUT for a run; command_outcome_free releases it. */
void command_outcome_init(struct command_outcome *out);
void command_outcome_free(struct command_outcome *out);

/*
 * Runs the command in CTX's request body (req->body, req->params) against
 * ENDPOINT: decoding, validation, then decide and append in a transaction
 * under the tenant's command lock (a savepoint when journal_batch_begin
 * opened a batch).  Fills OUT; sends nothing.
 */
void command_run(struct context *ctx, const struct command_endpoint *endpoint,
    struct command_outcome *out);

/* Runs the command in the request body against ENDPOINT and sends the response. */
void command_handle(struct context *ctx, const struct command_endpoint *endpoint);

/*
 * Runs a command given as METHOD, PATH and BODY (LEN bytes) outside
 * FastCGI, as the write API would.  PATH finds its endpoint in the API's
 * route table, else 404, 405 or 400 (and 404 for a path that takes no
 * command).  BODY must fit the configured size limit (413).  CTX gives
 * the config, the tenant and the actor; its request is filled here.
 */
void command_run_body(struct context *ctx, const char *method, const char *path,
    const char *body, size_t len, struct command_outcome *out);

/*
 * Finds the stream a command given as METHOD, PATH and BODY targets, as
 * command_run_body would: its aggregate KIND and UID.  False when the path
 * takes no command or the command creates an aggregate without a body
 * aggregateUid.
 */
bool command_target(const char *method, const char *path, struct json_object *body,
    char kind[24], char uid[37]);

/* Writes a new random (version 4) SafeUUID into OUT. */
void command_new_uid(char out[37]);

#endif
