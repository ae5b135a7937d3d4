/* The command pipeline shared by every write endpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "cache/generation_mirror.h"
#include "command.h"
#include "common/json_strict.h"
#include "common/log.h"
#include "common/types.h"
#include "http/response.h"
#include "journal/journal.h"

/* A conflict after the lock is taken "should never happen": one retry, then 503. */
#define MAX_ATTEMPTS 2


void
command_new_uid(char out[37])
{
	unsigned char bytes[16];

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		abort();
	bytes[6] = (unsigned char)((bytes[6] & 0x0f) | 0x40);
	bytes[8] = (unsigned char)((bytes[8] & 0x3f) | 0x80);
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
	    bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
}


static bool
invalid(struct error *err, const char *field, const char *fr, const char *en)
{
	error_set_text(err, ERR_INVALID_COMMAND, fr, en);
	error_prefix_path(err, field);
	return false;
}


/* Reads a required or optional SafeUUID of the envelope into OUT. */
static bool
envelope_uid(struct json_object *body, const char *name, bool required,
    char out[37], struct error *err)
{
	struct json_object *value;

	out[0] = '\0';
	if (!json_object_object_get_ex(body, name, &value) || value == NULL) {
		if (required)
			return invalid(err, name, "champ obligatoire absent", "required field missing");
		return true;
	}
	if (!json_object_is_type(value, json_type_string))
		return invalid(err, name, "doit être une chaîne SafeUUID", "must be a SafeUUID string");
	if (!types_parse_uuid(json_object_get_string(value),
	    (size_t)json_object_get_string_len(value), out, err)) {
		error_prefix_path(err, name);
		return false;
	}
	return true;
}


static const struct command_spec *
find_spec(const struct command_endpoint *endpoint, struct json_object *body,
    struct error *err)
{
	struct json_object *value;
	const char *type;

	if (!json_object_object_get_ex(body, "commandType", &value) || value == NULL) {
		invalid(err, "commandType", "champ obligatoire absent", "required field missing");
		return NULL;
	}
	if (!json_object_is_type(value, json_type_string)) {
		invalid(err, "commandType", "doit être une chaîne de caractères", "must be a string");
		return NULL;
	}
	type = json_object_get_string(value);
	for (const struct command_spec *spec = endpoint->specs; spec->type != NULL; spec++)
		if (strcmp(spec->type, type) == 0 &&
		    strlen(type) == (size_t)json_object_get_string_len(value))
			return spec;
	/* The value shows a typo or a command sent to the wrong path.  error_set drops a character that %.80s cuts. */
	error_set(err, ERR_INVALID_COMMAND, "« %.80s » n'est pas accepté sur ce chemin",
	    "\"%.80s\" is not accepted on this path", type);
	error_prefix_path(err, "commandType");
	return NULL;
}


/* Steps 4 and 5 of the order of checks: JSON, envelope, schema. */
static struct json_object *
decode(struct command_run *run, const struct command_endpoint *endpoint,
    const struct command_spec **spec, struct error *err)
{
	struct request *req = run->ctx->req;
	struct json_object *body, *normalised;
	char body_uid[37];

	body = json_strict_parse(req->body, req->body_len, err);
	if (body == NULL)
		return NULL;

	normalised = NULL;
	if (!envelope_uid(body, "processUid", true, run->cmd.process_uid, err) ||
	    !envelope_uid(body, "aggregateUid", false, body_uid, err) ||
	    (*spec = find_spec(endpoint, body, err)) == NULL)
		goto done;

	normalised = schema_validate(body, (*spec)->fields, err);
	if (normalised == NULL)
		goto done;
	if ((*spec)->validate != NULL && !(*spec)->validate((*spec)->type, normalised, err)) {
		json_object_put(normalised);
		normalised = NULL;
		goto done;
	}

	if (endpoint->target_param < 0) {
		if (body_uid[0] != '\0')
			memcpy(run->cmd.aggregate_uid, body_uid, sizeof(body_uid));
		else
			command_new_uid(run->cmd.aggregate_uid);
	} else {
		memcpy(run->cmd.aggregate_uid, req->params[endpoint->target_param], 37);
		if (body_uid[0] != '\0' && strcmp(body_uid, run->cmd.aggregate_uid) != 0) {
			invalid(err, "aggregateUid", "différent de l'identifiant du chemin",
			    "differs from the uid in the path");
			json_object_put(normalised);
			normalised = NULL;
		}
	}

done:
	json_object_put(body);
	return normalised;
}


static void
set_sent_date(struct command *cmd)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	types_format_datetime((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, cmd->sent_date);
}


/* Records the 409 of a duplicate processUid, with the stored events for the same user. */
static void
note_duplicate(struct command_run *run, const char *user_uid, struct strbuf *events,
    struct command_outcome *out)
{
	error_set(&out->err, ERR_COMMAND_ALREADY_SENT,
	    "une commande avec le processUid %s a déjà été acceptée",
	    "a command with processUid %s was already accepted", run->cmd.process_uid);
	log_info("%s: %s", error_name(out->err.type), out->err.message_en);
	out->status = error_status(out->err.type);
	out->duplicate = true;
	out->same_user = strcmp(user_uid, run->cmd.actor->uid) == 0;
	if (out->same_user)
		strbuf_append(&out->events, events->data, events->len);
}


enum attempt_result {
	ATTEMPT_DONE,		/* committed, or found a duplicate */
	ATTEMPT_FAILED,		/* ERR is set */
	ATTEMPT_CONFLICT,	/* decide again on fresh state */
};


/* Reads the processUid's record and the target's stream, for execute, with the lock or without. */
static bool
begin(struct command_run *run, const struct command_endpoint *endpoint, bool lock_late,
    bool *found, char user_uid[37], struct strbuf *previous, struct error *err)
{
	if (lock_late)
		return journal_begin_unlocked_command(run->cmd.process_uid, endpoint->aggregate_type,
		    run->cmd.aggregate_uid, found, user_uid, previous, err);
	return journal_begin_command(run->cmd.process_uid, endpoint->aggregate_type,
	    run->cmd.aggregate_uid, found, user_uid, previous, err);
}


static enum attempt_result
attempt(struct command_run *run, const struct command_endpoint *endpoint,
    const struct command_spec *spec, bool lock_late, struct command_outcome *out)
{
	struct error *err = &out->err;
	struct strbuf previous;
	char user_uid[37] = "";
	bool found = false;
	enum journal_append_result appended;

	strbuf_init(&previous);
	if (!begin(run, endpoint, lock_late, &found, user_uid, &previous, err)) {
		strbuf_free(&previous);
		return ATTEMPT_FAILED;
	}
	if (found) {
		journal_rollback();
		note_duplicate(run, user_uid, &previous, out);
		strbuf_free(&previous);
		return ATTEMPT_DONE;
	}

	run->events = json_object_new_array();
	run->expected_version = 0;
	set_sent_date(&run->cmd);
	if (!spec->execute(run, err))
		goto fail;

	appended = journal_append_commit(endpoint->aggregate_type, run->cmd.aggregate_uid,
	    run->expected_version, run->events, run->cmd.process_uid,
	    run->cmd.actor->uid, &out->events, err);
	if (appended == JOURNAL_CONFLICT) {
		strbuf_free(&previous);
		return ATTEMPT_CONFLICT;
	}
	if (appended == JOURNAL_FAILED)
		goto fail;

	out->status = endpoint->creates ? 201 : 200;
	strbuf_free(&previous);
	return ATTEMPT_DONE;

fail:
	journal_rollback();
	strbuf_free(&previous);
	return ATTEMPT_FAILED;
}


void
command_outcome_init(struct command_outcome *out)
{
	memset(out, 0, sizeof(*out));
	error_clear(&out->err);
	strbuf_init(&out->events);
}


void
command_outcome_free(struct command_outcome *out)
{
	strbuf_free(&out->events);
}


static void
refuse(struct command_outcome *out)
{
	out->status = error_status(out->err.type);
	strbuf_reset(&out->events);
}


void
command_run(struct context *ctx, const struct command_endpoint *endpoint,
    struct command_outcome *out)
{
	const struct command_spec *spec = NULL;
	struct command_run run;
	enum attempt_result result = ATTEMPT_CONFLICT;
	long long generation;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.cmd.actor = &ctx->actor;

	run.cmd.body = decode(&run, endpoint, &spec, &out->err);
	if (run.cmd.body == NULL) {
		refuse(out);
		return;
	}
	run.cmd.type = spec->type;
	if (spec->check != NULL && !spec->check(&run, &out->err)) {
		refuse(out);
		json_object_put(run.cmd.body);
		return;
	}

	for (int i = 0; i < MAX_ATTEMPTS && result == ATTEMPT_CONFLICT; i++) {
		strbuf_reset(&out->events);
		json_object_put(run.events);
		run.events = NULL;
		/* A second attempt holds the lock from the start, so it cannot conflict again. */
		result = attempt(&run, endpoint, spec, endpoint->lock_late && i == 0, out);
		if (result == ATTEMPT_CONFLICT)
			log_warn("stream %s or the structure facts moved before the command lock:"
			    " deciding again", run.cmd.aggregate_uid);
	}

	/*
	 * Before the response, so that the client's next GET, on any worker, uses
	 * the new generation.  Inside a batch nothing is committed yet: the
	 * batch raises the mirror when it commits.
	 */
	if (journal_take_committed_generation(&generation))
		generation_mirror_raise(ctx->tenant.name, generation);

	if (result == ATTEMPT_CONFLICT)
		error_set(&out->err, ERR_SERVICE_UNAVAILABLE,
		    "conflit d'écriture persistant, réessayez avec le même processUid",
		    "persistent write conflict, retry with the same processUid");
	if (result != ATTEMPT_DONE)
		refuse(out);

	json_object_put(run.events);
	json_object_put(run.cmd.body);
}


/* Sends the 409 of a duplicate: the error body, plus the stored events for the same user. */
static void
reply_duplicate(struct request *req, const struct command_outcome *out)
{
	struct strbuf body;
	char *error_body = response_error_body(&out->err, req->english);

	strbuf_init(&body);
	strbuf_append(&body, error_body, strlen(error_body) - 1);
	if (out->same_user) {
		strbuf_puts(&body, ",\"events\":");
		strbuf_append(&body, out->events.data, out->events.len);
	}
	strbuf_puts(&body, "}");
	response_raw(req, out->status, body.data, body.len);
	req->error_type = out->err.type;
	strbuf_free(&body);
	free(error_body);
}


void
command_handle(struct context *ctx, const struct command_endpoint *endpoint)
{
	struct command_outcome out;
	struct strbuf body;

	command_outcome_init(&out);
	command_run(ctx, endpoint, &out);

	if (out.duplicate) {
		reply_duplicate(ctx->req, &out);
	} else if (out.status >= 400) {
		response_error(ctx->req, &out.err);
	} else {
		strbuf_init(&body);
		strbuf_puts(&body, "{\"events\":");
		strbuf_append(&body, out.events.data, out.events.len);
		strbuf_puts(&body, "}");
		response_raw(ctx->req, out.status, body.data, body.len);
		strbuf_free(&body);
	}
	command_outcome_free(&out);
}


void
command_route(void *context)
{
	struct context *ctx = context;

	command_handle(ctx, ctx->route->data);
}
