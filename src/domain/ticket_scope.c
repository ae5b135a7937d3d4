/* Visibility rules of tickets, of the locations ticket commands name, and of contacts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ticket.h"


static bool
contains(const char (*items)[37], size_t count, const char *uid)
{
	for (size_t i = 0; uid != NULL && i < count; i++)
		if (strcmp(items[i], uid) == 0)
			return true;
	return false;
}


static bool
intersects(const char (*a)[37], size_t a_count, const char (*b)[37], size_t b_count)
{
	for (size_t i = 0; i < a_count; i++)
		if (contains(b, b_count, a[i]))
			return true;
	return false;
}


/* The rules every user type shares for tickets and locations, all but the PM's. */
static bool
company_rules(const struct actor *actor, const struct ticket_actor_scope *mine,
    const struct ticket_scope *scope, bool *decided)
{
	*decided = true;
	switch (actor->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return scope->call_center_uid != NULL && scope->call_center_uid[0] != '\0' &&
		    strcmp(scope->call_center_uid, actor->company_uid) == 0;
	case USER_CLIENT_ACCOUNT_MANAGER:
		return scope->company_uid != NULL && scope->company_uid[0] != '\0' &&
		    strcmp(scope->company_uid, actor->company_uid) == 0;
	case USER_EXECUTIVE:
		return intersects(scope->agencies, scope->agency_count,
		    mine->agencies, mine->agency_count);
	case USER_PATRIMONY_MANAGER:
		*decided = false;
		return false;
	default:
		return false;
	}
}


bool
ticket_visible(const struct actor *actor, const struct ticket_actor_scope *mine,
    const struct ticket_scope *scope)
{
	bool decided;
	bool visible = company_rules(actor, mine, scope, &decided);

	if (decided)
		return visible;
	return contains(mine->patrimonies, mine->patrimony_count, scope->patrimony_uid);
}


bool
ticket_location_visible(const struct actor *actor,
    const struct ticket_actor_scope *mine, const struct ticket_scope *scope)
{
	bool decided;
	bool visible = company_rules(actor, mine, scope, &decided);

	if (decided)
		return visible;
	if (scope->patrimony_uid != NULL)
		return contains(mine->patrimonies, mine->patrimony_count, scope->patrimony_uid);
	return intersects(scope->agencies, scope->agency_count,
	    mine->patrimony_agencies, mine->patrimony_agency_count);
}


/* Appends UID to the set LIST of COUNT uids, unless already there. */
static void
add_uid(char (**list)[37], size_t *count, const char *uid)
{
	char (*grown)[37];

	if (uid == NULL)
		return;
	for (size_t i = 0; i < *count; i++)
		if (strcmp((*list)[i], uid) == 0)
			return;
	grown = realloc(*list, (*count + 1) * sizeof(*grown));
	if (grown == NULL)
		abort();
	*list = grown;
	snprintf(grown[*count], 37, "%s", uid);
	(*count)++;
}


static void
remove_uid(char (*list)[37], size_t *count, const char *uid)
{
	for (size_t i = 0; uid != NULL && i < *count; i++) {
		if (strcmp(list[i], uid) != 0)
			continue;
		memmove(&list[i], &list[i + 1], (*count - i - 1) * sizeof(*list));
		(*count)--;
		return;
	}
}


void
ticket_patrimony_fold(struct ticket_patrimony *out, struct json_object *events)
{
	size_t count = json_object_array_length(events);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < count; i++) {
		struct json_object *event = json_object_array_get_idx(events, i);
		const char *type = domain_string(event, "eventType");
		struct json_object *agencies;

		if (type == NULL)
			continue;
		if (strcmp(type, "PatrimonyReferenced") == 0) {
			out->exists = true;
			if (json_object_object_get_ex(event, "agencies", &agencies))
				for (size_t j = 0; j < json_object_array_length(agencies); j++)
					add_uid(&out->agencies, &out->agency_count,
					    json_object_get_string(json_object_array_get_idx(agencies, j)));
		} else if (strcmp(type, "PatrimonyAssociatedInAgency") == 0) {
			add_uid(&out->agencies, &out->agency_count, domain_string(event, "agencyUid"));
		} else if (strcmp(type, "PatrimonyDissociatedFromAgency") == 0) {
			remove_uid(out->agencies, &out->agency_count, domain_string(event, "agencyUid"));
		}
	}
}


void
ticket_patrimony_free(struct ticket_patrimony *patrimony)
{
	free(patrimony->agencies);
	memset(patrimony, 0, sizeof(*patrimony));
}


void
ticket_contact_fold(struct ticket_contact *out, struct json_object *events)
{
	size_t count = json_object_array_length(events);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < count; i++) {
		struct json_object *event = json_object_array_get_idx(events, i);
		const char *type = domain_string(event, "eventType");

		if (type == NULL)
			continue;
		if (strcmp(type, "ProviderContactAdded") == 0)
			out->exists = true;
		else if (strcmp(type, "ProviderContactAssociatedToCallCenter") == 0)
			add_uid(&out->call_centers, &out->call_center_count,
			    domain_string(event, "callCenterUid"));
		else if (strcmp(type, "ProviderContactAssociatedToCompany") == 0)
			add_uid(&out->companies, &out->company_count, domain_string(event, "companyUid"));
	}
}


void
ticket_contact_free(struct ticket_contact *contact)
{
	free(contact->call_centers);
	free(contact->companies);
	memset(contact, 0, sizeof(*contact));
}


bool
ticket_contact_visible(const struct actor *actor, const struct ticket_contact *contact,
    const char *const *company_call_centers)
{
	if (!contact->exists)
		return false;
	if (actor->type == USER_SUPER)
		return true;
	for (size_t i = 0; i < contact->company_count; i++) {
		if (strcmp(contact->companies[i], actor->company_uid) == 0)
			return true;
		if (actor->type == USER_CALL_CENTER && company_call_centers != NULL &&
		    strcmp(company_call_centers[i], actor->company_uid) == 0)
			return true;
	}
	if (actor->type != USER_CALL_CENTER)
		return false;
	for (size_t i = 0; i < contact->call_center_count; i++)
		if (strcmp(contact->call_centers[i], actor->company_uid) == 0)
			return true;
	return false;
}
