/* The ticket state that decisions read, folded from the ticket's events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/types.h"
#include "ticket.h"


void
ticket_init(struct ticket_state *state, const char *uid)
{
	memset(state, 0, sizeof(*state));
	snprintf(state->uid, sizeof(state->uid), "%s", uid);
}


void
ticket_free(struct ticket_state *state)
{
	free(state->events);
	state->events = NULL;
	state->event_count = 0;
}


bool
ticket_read_location(struct json_object *object, struct ticket_location *out)
{
	const char *type = domain_string(object, "locationReferenceType");
	const char *uid;

	memset(out, 0, sizeof(*out));
	if (type == NULL)
		return false;
	if (strcmp(type, "AgencyLocation") == 0) {
		out->kind = TICKET_LOCATION_AGENCY;
		uid = domain_string(object, "agencyUid");
	} else if (strcmp(type, "PatrimonyLocation") == 0) {
		out->kind = TICKET_LOCATION_PATRIMONY;
		uid = domain_string(object, "patrimonyUid");
	} else {
		return false;
	}
	if (uid == NULL) {
		out->kind = TICKET_LOCATION_NONE;
		return false;
	}
	snprintf(out->uid, sizeof(out->uid), "%s", uid);
	return true;
}


static void
remember_event(struct ticket_state *state, const char *process_uid, const char *type)
{
	struct ticket_event_ref *grown;

	grown = realloc(state->events, (state->event_count + 1) * sizeof(*grown));
	if (grown == NULL)
		abort();
	state->events = grown;
	snprintf(grown[state->event_count].process_uid, 37, "%s", process_uid);
	snprintf(grown[state->event_count].event_type, 48, "%s", type);
	state->event_count++;
}


static void
set_assignee(struct ticket_state *state, struct json_object *event)
{
	struct json_object *assignee = NULL;
	const char *type, *uid;

	json_object_object_get_ex(event, "assignee", &assignee);
	type = domain_string(assignee, "assigneeType");
	uid = domain_string(assignee, "providerUid");
	state->assignee_uid[0] = '\0';
	if (type != NULL && strcmp(type, "ReferencedProviderContact") == 0 && uid != NULL) {
		state->assignee = TICKET_ASSIGNEE_CONTACT;
		snprintf(state->assignee_uid, sizeof(state->assignee_uid), "%s", uid);
	} else {
		state->assignee = TICKET_ASSIGNEE_ANONYMOUS;
	}
}


static void
set_deadline(struct ticket_state *state, struct json_object *event)
{
	const char *deadline = domain_string(event, "deadline");
	int64_t ms;
	struct error ignored;

	if (deadline != NULL && types_parse_datetime(deadline, strlen(deadline), &ms, &ignored)) {
		state->has_deadline = true;
		state->deadline_ms = ms;
	}
}


static bool
is_closing(const char *type)
{
	static const char *const closing[] = {
		"TicketClosed", "PermanentlyFixed", "PartiallyFixed",
		"TicketClosedImpossibleRepair", "PostponedFix", "TicketCancelled",
		"TicketArchived", "ClosedBeyondCallCenterScope",
		"ClosedAfterSeveralUnsuccessfulRecalls", NULL,
	};

	for (const char *const *name = closing; *name != NULL; name++)
		if (strcmp(*name, type) == 0)
			return true;
	return false;
}


void
ticket_evolve(struct ticket_state *state, struct json_object *event)
{
	const char *type = domain_string(event, "eventType");
	const char *process_uid = domain_string(event, "processUid");
	struct json_object *location = NULL;

	if (type == NULL)
		return;
	remember_event(state, process_uid != NULL ? process_uid : "", type);

	if (strcmp(type, "TicketOpened") == 0) {
		state->exists = true;
		state->closed = false;
	}
	if ((strcmp(type, "TicketOpened") == 0 || strcmp(type, "TicketUpdated") == 0) &&
	    json_object_object_get_ex(event, "locationRef", &location))
		ticket_read_location(location, &state->location);
	else if (strcmp(type, "LocationReferenceCorrected") == 0 &&
	    json_object_object_get_ex(event, "locationReference", &location))
		ticket_read_location(location, &state->location);
	else if (strcmp(type, "AssigneeIdentified") == 0)
		set_assignee(state, event);
	else if (strcmp(type, "InterventionDeadlineDefined") == 0 ||
	    strcmp(type, "FormalNoticeForProviderReported") == 0)
		set_deadline(state, event);
	else if (strcmp(type, "TicketReopened") == 0)
		state->closed = false;
	else if (is_closing(type))
		state->closed = true;
}


void
ticket_fold(struct ticket_state *state, struct json_object *events)
{
	size_t count = json_object_array_length(events);

	for (size_t i = 0; i < count; i++)
		ticket_evolve(state, json_object_array_get_idx(events, i));
}
