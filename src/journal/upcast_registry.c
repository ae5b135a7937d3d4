/*
 * The upcasters of this release: every older event shape it still reads.
 *
 * No perfimmo release has written an event in another shape than its
 * version 1: the payloads built in src/domain only ever gained code, never
 * renamed or dropped a field.  The older shapes below come from the
 * previous incident system, whose journals may be imported.  Its own
 * history renamed the assignee events in October 2018: `ProviderAssigned`
 * became `AssigneeIdentified` and `MissionRefused` became
 * `InterventionRefused`, and their `provider` (a Provider) became
 * `assignee` (a TicketAssignee).  Events stored before that rename keep
 * their old type in events.event_type at schema_version 1.
 *
 * NOTE: the old payloads are rebuilt from that record of the rename: the
 * fields of the current event, with `provider` in place of `assignee`.  No
 * export of the previous system was available to check them against.
 *
 * To change an event's shape: add a step {type, N, type, N + 1} here with
 * its rewrite function and unit tests (tests/unit/test_upcast.c).  New
 * events are then written at N + 1 (see journal_append).
 */
#include <string.h>

#include "upcast.h"


/* Copies the variant fields of a Provider into a TicketAssignee of the same party. */
static struct json_object *
assignee_from_provider(struct json_object *provider, struct error *err)
{
	static const char *const anonymous_fields[] = {"name", "phones", "fax", "emails", NULL};
	struct json_object *kind, *assignee, *value;
	const char *name;

	if (!json_object_is_type(provider, json_type_object) ||
	    !json_object_object_get_ex(provider, "providerType", &kind))
		goto invalid;
	name = json_object_get_string(kind);

	assignee = json_object_new_object();
	if (strcmp(name, "ReferencedProvider") == 0 &&
	    json_object_object_get_ex(provider, "providerUid", &value)) {
		json_object_object_add(assignee, "providerUid", json_object_get(value));
		json_object_object_add(assignee, "assigneeType",
		    json_object_new_string("ReferencedProviderContact"));
		return assignee;
	}
	if (strcmp(name, "AnonymousProvider") == 0 &&
	    json_object_object_get_ex(provider, "name", &value)) {
		for (size_t i = 0; anonymous_fields[i] != NULL; i++)
			if (json_object_object_get_ex(provider, anonymous_fields[i], &value))
				json_object_object_add(assignee, anonymous_fields[i], json_object_get(value));
		json_object_object_add(assignee, "assigneeType",
		    json_object_new_string("AnonymousAssignee"));
		return assignee;
	}
	json_object_put(assignee);

invalid:
	error_set(err, ERR_INTERNAL, "ancien événement d'intervenant : provider invalide",
	    "former assignee event: invalid provider");
	return NULL;
}


/* ProviderAssigned and MissionRefused v1: `provider` becomes `assignee`. */
static bool
rename_provider_to_assignee(struct json_object *payload, struct error *err)
{
	struct json_object *provider, *assignee;

	if (!json_object_object_get_ex(payload, "provider", &provider))
		return error_set(err, ERR_INTERNAL, "ancien événement d'intervenant sans provider",
		    "former assignee event without a provider");
	assignee = assignee_from_provider(provider, err);
	if (assignee == NULL)
		return false;
	json_object_object_add(payload, "assignee", assignee);
	json_object_object_del(payload, "provider");
	return true;
}


static const struct upcaster steps[] = {
	{"ProviderAssigned", 1, "AssigneeIdentified", 1, rename_provider_to_assignee},
	{"MissionRefused", 1, "InterventionRefused", 1, rename_provider_to_assignee},
};

const struct upcast_registry upcast_registry = {steps, sizeof(steps) / sizeof(steps[0])};
