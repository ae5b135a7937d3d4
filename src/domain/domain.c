/* Event construction shared by the aggregates. */
#include <string.h>

#include "domain.h"


struct json_object *
domain_event_open(const struct command *cmd)
{
	struct json_object *event = json_object_new_object();

	json_object_object_add(event, "processUid", json_object_new_string(cmd->process_uid));
	json_object_object_add(event, "aggregateUid", json_object_new_string(cmd->aggregate_uid));
	return event;
}


void
domain_event_close(struct json_object *events, struct json_object *event,
    const struct command *cmd, const char *event_type)
{
	json_object_object_add(event, "sentDate", json_object_new_string(cmd->sent_date));
	json_object_object_add(event, "eventType", json_object_new_string(event_type));
	json_object_array_add(events, event);
}


void
domain_copy(struct json_object *event, const struct command *cmd,
    const char *name)
{
	struct json_object *value;

	if (json_object_object_get_ex(cmd->body, name, &value))
		json_object_object_add(event, name, json_object_get(value));
}


bool
domain_emit(const struct command *cmd, struct json_object *events, const char *event_type,
    const char *const *fields)
{
	struct json_object *event = domain_event_open(cmd);

	for (; *fields != NULL; fields++)
		domain_copy(event, cmd, *fields);
	domain_event_close(events, event, cmd, event_type);
	return true;
}


const char *
domain_string(struct json_object *object, const char *name)
{
	struct json_object *value;

	if (object == NULL || !json_object_object_get_ex(object, name, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	return json_object_get_string(value);
}


bool
domain_forbidden(struct error *err, const struct command *cmd)
{
	return error_set(err, ERR_FORBIDDEN,
	    "votre rôle ne permet pas d'envoyer la commande %s sur cette cible",
	    "your role may not send %s on this target", cmd->type);
}
