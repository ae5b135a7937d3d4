/*
 * The values the pure domain code works on: a validated command and the
 * events it produces.  Nothing here does I/O; the command pipeline loads states
 * and facts, then calls an aggregate's decide function.
 */
#ifndef PERFIMMO_DOMAIN_H
#define PERFIMMO_DOMAIN_H

#include <stdbool.h>

#include <json-c/json.h>

#include "auth/actor.h"
#include "common/error.h"

struct command {
	const char *type;		/* commandType */
	struct json_object *body;	/* normalised by schema_validate (borrowed) */
	char aggregate_uid[37];		/* target, or uid of the new aggregate */
	char process_uid[37];
	char sent_date[40];		/* server clock, "YYYY-MM-DDTHH:MM:SS.sssZ" */
	const struct actor *actor;
};

/* Starts an event of CMD: {"processUid", "aggregateUid"}; caller adds fields. */
struct json_object *domain_event_open(const struct command *cmd);

/*
 * Ends EVENT with sentDate and eventType (in that order, after the fields)
 * and appends it to EVENTS, which takes the reference.
 */
void domain_event_close(struct json_object *events, struct json_object *event,
    const struct command *cmd, const char *event_type);

/* Copies field NAME of the command body into EVENT when present. */
void domain_copy(struct json_object *event, const struct command *cmd,
    const char *name);

/*
 * Appends to EVENTS an event EVENT_TYPE of CMD with the NULL-terminated
 * FIELDS of its body, in that order, those absent left out.  Returns true,
 * so that a decide function can return it.
 */
bool domain_emit(const struct command *cmd, struct json_object *events, const char *event_type,
    const char *const *fields);

/* Returns field NAME of OBJECT as a string, or NULL when absent or not a string. */
const char *domain_string(struct json_object *object, const char *name);

/* Returns the role error of the permission table (403 Forbidden). */
bool domain_forbidden(struct error *err, const struct command *cmd);

#endif
