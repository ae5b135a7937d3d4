/* JournalEventData of each ticket event, names resolved at read time. */
#include <stdio.h>
#include <string.h>

#include "domain/domain.h"
#include "ticket_journal.h"


/* The display name of a Name into BUFFER: the value, or "firstName lastName". */
static const char *
display_name(struct json_object *name, char *buffer, size_t size)
{
	const char *type = domain_string(name, "nameType");
	const char *first, *last;

	if (type == NULL)
		return NULL;
	if (strcmp(type, "PoorName") == 0)
		return domain_string(name, "value");
	first = domain_string(name, "firstName");
	last = domain_string(name, "lastName");
	if (last == NULL)
		return NULL;
	if (first == NULL || first[0] == '\0')
		return last;
	snprintf(buffer, size, "%s %s", first, last);
	return buffer;
}


static struct json_object *
member(struct json_object *object, const char *name)
{
	struct json_object *value = NULL;

	json_object_object_get_ex(object, name, &value);
	return value;
}


/* The label of contact UID, or NULL when no such contact exists. */
static const char *
contact_label(struct json_object *labels, const char *uid)
{
	return uid != NULL ? domain_string(labels, uid) : NULL;
}


const char *
ticket_provider_name(struct json_object *provider, struct json_object *labels,
    char *buffer, size_t size)
{
	const char *type = domain_string(provider, "providerType");

	if (type == NULL)
		type = domain_string(provider, "assigneeType");
	if (type == NULL)
		return NULL;
	if (strcmp(type, "ReferencedProvider") == 0 || strcmp(type, "ReferencedProviderContact") == 0)
		return contact_label(labels, domain_string(provider, "providerUid"));
	return display_name(member(provider, "name"), buffer, size);
}


static void
add_string(struct json_object *data, const char *name, const char *value)
{
	if (value != NULL)
		json_object_object_add(data, name, json_object_new_string(value));
}


/* medium and identifier of a ContactMedium (ContactMediumView fields). */
static void
add_medium(struct json_object *data, struct json_object *medium)
{
	const char *type = domain_string(medium, "contactMediumType");
	const char *view = "SMS", *identifier = domain_string(medium, "phone");

	if (type == NULL)
		return;
	if (strcmp(type, "Phone") == 0)
		view = "PHONE";
	else if (strcmp(type, "Fax") == 0) {
		view = "FAX";
		identifier = domain_string(medium, "fax");
	} else if (strcmp(type, "Mail") == 0) {
		view = "MAIL";
		identifier = domain_string(medium, "mail");
	}
	add_string(data, "medium", view);
	add_string(data, "identifier", identifier);
}


static const char *
recipient_name(struct json_object *recipient, struct json_object *labels,
    char *buffer, size_t size)
{
	const char *type = domain_string(recipient, "personaType");

	if (type != NULL && strcmp(type, "ProviderPersona") == 0)
		return ticket_provider_name(member(recipient, "provider"), labels, buffer, size);
	return display_name(member(recipient, "name"), buffer, size);
}


static bool
is_one_of(const char *type, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(type, *names) == 0)
			return true;
	return false;
}


struct json_object *
ticket_journal_data(struct json_object *event, struct json_object *labels,
    const char *corrected)
{
	static const char *const assignee_events[] = {"AssigneeIdentified", "InterventionAccepted",
	    "InterventionRefused", "ArrivedOnSite", "GoneFromSite", NULL};
	static const char *const provider_calls[] = {"CallAnsweredByProvider",
	    "CallNotAnsweredByProvider", NULL};
	static const char *const fixes[] = {"TicketClosed", "PermanentlyFixed", "PartiallyFixed",
	    "TicketClosedImpossibleRepair", "PostponedFix", NULL};
	struct json_object *data = json_object_new_object();
	const char *type = domain_string(event, "eventType");
	char buffer[512];

	if (type == NULL)
		return data;
	if (strcmp(type, "CallEmittedTo") == 0 || strcmp(type, "CallReceived") == 0) {
		if (strcmp(type, "CallEmittedTo") == 0)
			add_string(data, "called", recipient_name(member(event, "recipient"), labels,
			    buffer, sizeof(buffer)));
		else
			add_string(data, "caller", domain_string(event, "caller"));
		add_medium(data, member(event, "medium"));
		add_string(data, "comment", corrected != NULL ? corrected : domain_string(event, "comment"));
	} else if (is_one_of(type, assignee_events)) {
		add_string(data, "assignee", ticket_provider_name(member(event, "assignee"), labels,
		    buffer, sizeof(buffer)));
	} else if (is_one_of(type, provider_calls)) {
		add_string(data, "provider", ticket_provider_name(member(event, "provider"), labels,
		    buffer, sizeof(buffer)));
	} else if (strcmp(type, "LogTrialAdded") == 0) {
		add_string(data, "trialLabel", domain_string(member(event, "logTrial"), "trialLabel"));
	} else if (strcmp(type, "MessageAdded") == 0) {
		add_string(data, "message", corrected != NULL ? corrected : domain_string(event, "message"));
	} else if (is_one_of(type, fixes)) {
		add_string(data, "brakedownNature", domain_string(event, "brakedownNature"));
	}
	return data;
}
