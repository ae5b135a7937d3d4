/* Applies the upcaster registry to stored events. */
#include <stdio.h>
#include <string.h>

#include "upcast.h"


static const struct upcaster *
find_step(const struct upcast_registry *registry, const char *event_type, int version)
{
	for (size_t i = 0; i < registry->count; i++) {
		const struct upcaster *step = &registry->steps[i];
		if (step->from_version == version && strcmp(step->from_type, event_type) == 0)
			return step;
	}
	return NULL;
}


static bool
is_retired(const struct upcast_registry *registry, const char *event_type)
{
	for (size_t i = 0; i < registry->count; i++) {
		const struct upcaster *step = &registry->steps[i];
		if (strcmp(step->from_type, event_type) == 0 && strcmp(step->to_type, event_type) != 0)
			return true;
	}
	return false;
}


int
upcast_current_version(const struct upcast_registry *registry, const char *event_type)
{
	int current = 1;

	if (is_retired(registry, event_type))
		return 0;
	for (size_t i = 0; i < registry->count; i++) {
		const struct upcaster *step = &registry->steps[i];
		if (strcmp(step->to_type, event_type) == 0 && step->to_version > current)
			current = step->to_version;
	}
	return current;
}


bool
upcast_needed(const struct upcast_registry *registry, const char *event_type, int version)
{
	return version != upcast_current_version(registry, event_type);
}


/* Fails on an event this release cannot bring to its current shape. */
static bool
reject_version(const struct upcast_registry *registry, const char *event_type, int version,
    struct error *err)
{
	int current = upcast_current_version(registry, event_type);

	if (current > 0 && version > current)
		return error_set(err, ERR_SERVICE_UNAVAILABLE,
		    "événement %s stocké en version %d par une version plus récente du serveur, "
		    "qui lit jusqu'à la version %d : réessayez après la mise à jour",
		    "event %s stored at version %d by a newer server release, which reads up to "
		    "version %d: try again after the upgrade", event_type, version, current);
	return error_set(err, ERR_SERVICE_UNAVAILABLE,
	    "événement %s stocké en version %d : aucune conversion connue vers la version courante",
	    "event %s stored at version %d: no known conversion to the current version",
	    event_type, version);
}


bool
upcast_event_with(const struct upcast_registry *registry, struct json_object *event,
    int version, struct error *err)
{
	struct json_object *type_value;
	char event_type[64];

	if (!json_object_object_get_ex(event, "eventType", &type_value) ||
	    !json_object_is_type(type_value, json_type_string))
		return error_set(err, ERR_INTERNAL, "événement stocké sans eventType",
		    "stored event without an eventType");
	snprintf(event_type, sizeof(event_type), "%s", json_object_get_string(type_value));

	for (int steps = 0; steps < UPCAST_MAX_STEPS; steps++) {
		const struct upcaster *step;

		if (!upcast_needed(registry, event_type, version))
			return true;
		step = find_step(registry, event_type, version);
		if (step == NULL)
			return reject_version(registry, event_type, version, err);
		if (!step->rewrite(event, err))
			return false;

		/* The registry owns the name, so a renaming step cannot forget it. */
		json_object_object_add(event, "eventType", json_object_new_string(step->to_type));
		snprintf(event_type, sizeof(event_type), "%s", step->to_type);
		version = step->to_version;
	}
	return error_set(err, ERR_INTERNAL,
	    "conversion de l'événement %s : plus de %d étapes",
	    "upcasting of event %s: more than %d steps", event_type, UPCAST_MAX_STEPS);
}


bool
upcast_event(struct json_object *event, int version, struct error *err)
{
	return upcast_event_with(&upcast_registry, event, version, err);
}


bool
upcast_text(const char *event_type, int version, const char *payload,
    struct strbuf *out, struct error *err)
{
	struct json_object *event;
	bool ok;

	if (!upcast_needed(&upcast_registry, event_type, version)) {
		strbuf_puts(out, payload);
		return true;
	}
	event = json_tokener_parse(payload);
	if (event == NULL)
		return error_set(err, ERR_INTERNAL, "événement stocké illisible : %s",
		    "stored event is not JSON: %s", event_type);
	ok = upcast_event(event, version, err);
	if (ok)
		strbuf_puts(out, json_object_to_json_string_ext(event,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(event);
	return ok;
}


static bool
contains(const char **names, const char *name)
{
	for (size_t i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}


bool
upcast_add_former_names(const char **names, size_t max)
{
	size_t count = 0;
	bool added = true;

	while (names[count] != NULL)
		count++;

	/* Passes until nothing is added, so that a chain of renames is followed back to its start. */
	for (size_t pass = 0; added && pass <= upcast_registry.count; pass++) {
		added = false;
		for (size_t i = 0; i < upcast_registry.count; i++) {
			const struct upcaster *step = &upcast_registry.steps[i];
			if (strcmp(step->from_type, step->to_type) == 0 ||
			    !contains(names, step->to_type) || contains(names, step->from_type))
				continue;
			if (count + 1 >= max)
				return false;
			names[count++] = step->from_type;
			names[count] = NULL;
			added = true;
		}
	}
	return true;
}


const char *
upcast_current_type(const struct upcast_registry *registry, const char *event_type)
{
	/* Bounded like upcast_event_with(), so a loop in the registry cannot hang a reader. */
	for (int steps = 0; steps < UPCAST_MAX_STEPS; steps++) {
		const char *renamed = NULL;

		for (size_t i = 0; i < registry->count && renamed == NULL; i++) {
			const struct upcaster *step = &registry->steps[i];
			if (strcmp(step->from_type, event_type) == 0 &&
			    strcmp(step->to_type, event_type) != 0)
				renamed = step->to_type;
		}
		if (renamed == NULL)
			break;
		event_type = renamed;
	}
	return event_type;
}


/* Whether a step before INDEX in REGISTRY already renames the type that step INDEX renames. */
static bool
renamed_earlier(const struct upcast_registry *registry, size_t index)
{
	for (size_t i = 0; i < index; i++) {
		const struct upcaster *step = &registry->steps[i];
		if (strcmp(step->from_type, registry->steps[index].from_type) == 0 &&
		    strcmp(step->from_type, step->to_type) != 0)
			return true;
	}
	return false;
}


size_t
upcast_renames(const struct upcast_registry *registry, const char **former,
    const char **current)
{
	size_t count = 0;

	for (size_t i = 0; i < registry->count; i++) {
		const struct upcaster *step = &registry->steps[i];

		if (strcmp(step->from_type, step->to_type) == 0 || renamed_earlier(registry, i))
			continue;
		former[count] = step->from_type;
		current[count] = upcast_current_type(registry, step->from_type);
		count++;
	}
	return count;
}
