/* Provider-contact rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provider_contact.h"


void
provider_contact_init(struct provider_contact_state *state, const char *uid)
{
	memset(state, 0, sizeof(*state));
	snprintf(state->uid, sizeof(state->uid), "%s", uid);
}


static void
put_contact_fields(struct provider_contact_state *state)
{
	json_object_put(state->name);
	json_object_put(state->phones);
	json_object_put(state->fax);
	json_object_put(state->emails);
	state->name = state->phones = state->fax = state->emails = NULL;
}


void
provider_contact_free(struct provider_contact_state *state)
{
	put_contact_fields(state);
	uid_list_free(&state->companies);
	uid_list_free(&state->call_centers);
	uid_list_free(&state->agencies);
	uid_list_free(&state->patrimonies);
	for (size_t i = 0; i < state->activity_count; i++)
		uid_list_free(&state->activities[i].incident_types);
	free(state->activities);
	state->activities = NULL;
	state->activity_count = 0;
}


static struct json_object *
member(struct json_object *object, const char *name)
{
	struct json_object *value = NULL;

	json_object_object_get_ex(object, name, &value);
	return value;
}


/* Takes name, phones, fax and emails from EVENT (ProviderContactAdded or Updated). */
static void
set_contact_fields(struct provider_contact_state *state, struct json_object *event)
{
	put_contact_fields(state);
	state->name = json_object_get(member(event, "name"));
	state->phones = json_object_get(member(event, "phones"));
	state->fax = json_object_get(member(event, "fax"));
	state->emails = json_object_get(member(event, "emails"));
}


static struct provider_activity *
find_activity(const struct provider_contact_state *state, const char *uid)
{
	for (size_t i = 0; uid != NULL && i < state->activity_count; i++)
		if (strcmp(state->activities[i].uid, uid) == 0)
			return &state->activities[i];
	return NULL;
}


static void
assign_activity(struct provider_contact_state *state, struct json_object *event)
{
	const char *uid = domain_string(event, "activityUid");
	struct provider_activity *activity = find_activity(state, uid);

	if (uid == NULL)
		return;
	if (activity == NULL) {
		struct provider_activity *grown = realloc(state->activities,
		    (state->activity_count + 1) * sizeof(*grown));
		if (grown == NULL)
			abort();
		state->activities = grown;
		activity = &grown[state->activity_count++];
		snprintf(activity->uid, 37, "%s", uid);
		uid_list_init(&activity->incident_types);
	}
	uid_list_free(&activity->incident_types);
	uid_list_add_json(&activity->incident_types, member(event, "includedIncidentTypes"));
}


static void
remove_activity(struct provider_contact_state *state, const char *uid)
{
	struct provider_activity *activity = find_activity(state, uid);
	size_t index;

	if (activity == NULL)
		return;
	index = (size_t)(activity - state->activities);
	uid_list_free(&activity->incident_types);
	memmove(activity, activity + 1, (state->activity_count - index - 1) * sizeof(*activity));
	state->activity_count--;
}


void
provider_contact_evolve(struct provider_contact_state *state, struct json_object *event)
{
	const char *type = domain_string(event, "eventType");

	if (type == NULL)
		return;

	if (strcmp(type, "ProviderContactAdded") == 0) {
		state->exists = true;
		state->active = true;
		set_contact_fields(state, event);
	} else if (strcmp(type, "ProviderContactUpdated") == 0) {
		set_contact_fields(state, event);
	} else if (strcmp(type, "ProviderContactAssociatedToCallCenter") == 0) {
		uid_list_add(&state->call_centers, domain_string(event, "callCenterUid"));
	} else if (strcmp(type, "ProviderContactAssociatedToCompany") == 0) {
		uid_list_add(&state->companies, domain_string(event, "companyUid"));
	} else if (strcmp(type, "ProviderContactAssociatedWithProviderCompany") == 0) {
		const char *uid = domain_string(event, "providerCompanyUid");
		snprintf(state->provider_company, 37, "%s", uid != NULL ? uid : "");
	} else if (strcmp(type, "ProviderContactAssociatedToAgency") == 0) {
		uid_list_add(&state->agencies, domain_string(event, "agencyUid"));
	} else if (strcmp(type, "ProviderContactDissociatedFromAgency") == 0) {
		uid_list_remove(&state->agencies, domain_string(event, "agencyUid"));
	} else if (strcmp(type, "ProviderContactDisabled") == 0) {
		state->active = false;
	} else if (strcmp(type, "ProviderContactEnabled") == 0) {
		state->active = true;
	} else if (strcmp(type, "ProviderContactAssociatedWithPatrimony") == 0) {
		uid_list_add(&state->patrimonies, domain_string(event, "patrimonyUid"));
	} else if (strcmp(type, "ProviderContactDissociatedFromPatrimony") == 0) {
		uid_list_remove(&state->patrimonies, domain_string(event, "patrimonyUid"));
	} else if (strcmp(type, "ActivityAssignedToProviderContact") == 0) {
		assign_activity(state, event);
	} else if (strcmp(type, "ActivityRemovedFromProviderContact") == 0) {
		remove_activity(state, domain_string(event, "activityUid"));
	}
}


void
provider_contact_fold(struct provider_contact_state *state, struct json_object *events)
{
	size_t count = json_object_array_length(events);

	for (size_t i = 0; i < count; i++)
		provider_contact_evolve(state, json_object_array_get_idx(events, i));
}


bool
provider_contact_validate(const char *command_type, struct json_object *body,
    struct error *err)
{
	struct json_object *activities = member(body, "activities");
	struct uid_list seen;
	size_t count;
	bool ok = true;

	if (strcmp(command_type, "CrushUpdateProviderContact") != 0 || activities == NULL)
		return true;

	uid_list_init(&seen);
	count = json_object_array_length(activities);
	for (size_t i = 0; ok && i < count; i++) {
		const char *uid = domain_string(json_object_array_get_idx(activities, i), "activityUid");
		if (uid_list_has(&seen, uid)) {
			char path[48];
			snprintf(path, sizeof(path), "activities[%zu].activityUid", i);
			error_set(err, ERR_INVALID_COMMAND, "activité %s déjà présente dans la liste",
			    "activity %s is already in the list", uid);
			error_prefix_path(err, path);
			ok = false;
		}
		uid_list_add(&seen, uid);
	}
	uid_list_free(&seen);
	return ok;
}


bool
provider_contact_visible(const struct scope *scope,
    const struct provider_contact_state *state, const struct uid_list *company_call_centers)
{
	return state->exists && scope_sees_provider_contact(scope, &state->companies,
	    &state->call_centers, company_call_centers);
}


/* The permission table: patrimony managers read contacts but may send no provider-contact command. */
static bool
role_allows(const struct command *cmd)
{
	return scope_may_send(cmd->actor, cmd->type, NULL);
}


static bool
company_not_found(struct error *err, const char *uid)
{
	return error_set(err, ERR_REFERENCED_ENTITY_NOT_FOUND, "aucune société %s",
	    "no company %s", uid);
}


/* A company the contact may be associated with: visible, and a ClientAccount. */
static bool
check_company(const struct provider_contact_facts *facts, struct error *err)
{
	const struct company_state *company = facts->company;
	struct scope_company seen = {company->uid, company->call_center};

	if (company->kind == COMPANY_NONE || !scope_sees_company(facts->scope, &seen))
		return company_not_found(err, company->uid);
	if (company->kind != COMPANY_CLIENT_ACCOUNT)
		return error_set(err, ERR_INCONSISTENT_REFERENCE,
		    "la société %s n'est pas un compte client",
		    "company %s is not a ClientAccount", company->uid);
	return true;
}


/* Appends ProviderContactAssociatedTo{CallCenter,Company} dated DATE. */
static void
emit_association(const struct command *cmd, struct json_object *events, const char *date,
    const char *field, const char *uid, const char *event_type)
{
	struct json_object *event = domain_event_open(cmd);

	json_object_object_add(event, "date", json_object_new_string(date));
	json_object_object_add(event, field, json_object_new_string(uid));
	domain_event_close(events, event, cmd, event_type);
}


/* Builds ProviderContactAdded or ProviderContactUpdated from the body. */
static void
emit_contact(const struct command *cmd, struct json_object *events, const char *date,
    const char *event_type)
{
	static const char *const fields[] = {"name", "phones", "fax", "emails"};
	struct json_object *event = domain_event_open(cmd);

	json_object_object_add(event, "date", json_object_new_string(date));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		domain_copy(event, cmd, fields[i]);
	domain_event_close(events, event, cmd, event_type);
}


bool
provider_contact_decide_create(const struct command *cmd,
    const struct provider_contact_facts *facts, struct json_object *events,
    struct error *err)
{
	const struct company_state *company = facts->company;
	struct json_object *event;

	if (!check_company(facts, err))
		return false;
	if (!role_allows(cmd))
		return domain_forbidden(err, cmd);
	if (facts->target->exists)
		return error_set(err, ERR_PROVIDER_CONTACT_EXISTS,
		    "le contact prestataire %s existe déjà",
		    "provider contact %s already exists", cmd->aggregate_uid);

	emit_contact(cmd, events, domain_string(cmd->body, "date"), "ProviderContactAdded");
	emit_association(cmd, events, facts->local_date, "callCenterUid", company->call_center,
	    "ProviderContactAssociatedToCallCenter");
	emit_association(cmd, events, facts->local_date, "companyUid", company->uid,
	    "ProviderContactAssociatedToCompany");
	if (domain_string(cmd->body, "providerCompanyUid") != NULL) {
		event = domain_event_open(cmd);
		domain_copy(event, cmd, "providerCompanyUid");
		domain_event_close(events, event, cmd, "ProviderContactAssociatedWithProviderCompany");
	}
	return true;
}


static bool
decide_associate_agency(const struct command *cmd, const struct provider_contact_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct agency_fact *agency = facts->agency;
	const struct provider_contact_state *contact = facts->target;

	if (!company_agency_visible(facts->scope, agency))
		return error_set(err, ERR_REFERENCED_ENTITY_NOT_FOUND, "aucune agence %s",
		    "no agency %s", agency->uid);
	if (agency->deleted)
		return error_set(err, ERR_INCONSISTENT_REFERENCE, "l'agence %s est supprimée",
		    "agency %s is deleted", agency->uid);
	if (!uid_list_has(&contact->companies, agency->company_uid))
		return error_set(err, ERR_PROVIDER_AGENCY_COMPANY_NOT_ASSOCIATED,
		    "le contact n'est pas associé à la société %s de l'agence %s",
		    "the contact is not associated with company %s of agency %s",
		    agency->company_uid, agency->uid);
	if (uid_list_has(&contact->agencies, agency->uid))
		return error_set(err, ERR_PROVIDER_AGENCY_ALREADY_ASSOCIATED,
		    "le contact est déjà associé à l'agence %s",
		    "the contact is already associated with agency %s", agency->uid);
	return domain_emit(cmd, events, "ProviderContactAssociatedToAgency",
	    (const char *const[]){"date", "agencyUid", NULL});
}


static bool
decide_associate_company(const struct command *cmd, const struct provider_contact_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct company_state *company = facts->company;
	const char *date = domain_string(cmd->body, "date");

	if (!check_company(facts, err))
		return false;
	if (uid_list_has(&facts->target->companies, company->uid))
		return error_set(err, ERR_PROVIDER_CLIENT_COMPANY_ALREADY_ASSOCIATED,
		    "le contact est déjà associé à la société %s",
		    "the contact is already associated with company %s", company->uid);

	if (!uid_list_has(&facts->target->call_centers, company->call_center))
		emit_association(cmd, events, date, "callCenterUid", company->call_center,
		    "ProviderContactAssociatedToCallCenter");
	emit_association(cmd, events, date, "companyUid", company->uid,
	    "ProviderContactAssociatedToCompany");
	return true;
}


/* The checks of a patrimony newly associated with the contact, short of "already". */
static bool
check_patrimony(const struct provider_contact_facts *facts,
    const struct patrimony_fact *patrimony, struct error *err)
{
	if (!patrimony_visible(facts->scope, patrimony))
		return error_set(err, ERR_REFERENCED_ENTITY_NOT_FOUND, "aucun patrimoine %s",
		    "no patrimony %s", patrimony->state.uid);
	if (!uid_list_has(&facts->target->companies, patrimony->company_uid))
		return error_set(err, ERR_PROVIDER_PATRIMONY_COMPANY_NOT_ASSOCIATED,
		    "le contact n'est pas associé à la société %s du patrimoine %s",
		    "the contact is not associated with company %s of patrimony %s",
		    patrimony->company_uid, patrimony->state.uid);
	return true;
}


static bool
decide_associate_patrimony(const struct command *cmd,
    const struct provider_contact_facts *facts, struct json_object *events,
    struct error *err)
{
	const struct patrimony_fact *patrimony = &facts->patrimonies[0];

	if (!check_patrimony(facts, patrimony, err))
		return false;
	if (uid_list_has(&facts->target->patrimonies, patrimony->state.uid))
		return error_set(err, ERR_PROVIDER_PATRIMONY_ALREADY_ASSOCIATED,
		    "le contact est déjà associé au patrimoine %s",
		    "the contact is already associated with patrimony %s", patrimony->state.uid);
	return domain_emit(cmd, events, "ProviderContactAssociatedWithPatrimony",
	    (const char *const[]){"patrimonyUid", NULL});
}


/* Appends an event whose only field is NAME = UID. */
static void
emit_uid(const struct command *cmd, struct json_object *events, const char *name,
    const char *uid, const char *event_type)
{
	struct json_object *event = domain_event_open(cmd);

	json_object_object_add(event, name, json_object_new_string(uid));
	domain_event_close(events, event, cmd, event_type);
}


/* True when the JSON array of SafeUUIDs ITEMS names the same set as LIST. */
static bool
same_uid_set(struct json_object *items, const struct uid_list *list)
{
	struct uid_list wanted;
	bool same;

	uid_list_init(&wanted);
	uid_list_add_json(&wanted, items);
	same = wanted.count == list->count;
	for (size_t i = 0; same && i < wanted.count; i++)
		same = uid_list_has(list, wanted.items[i]);
	uid_list_free(&wanted);
	return same;
}


static int
compare_uids(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}


/* Copies LIST sorted by uid, for the groups of events that follow uid order. */
static struct uid_list
sorted_copy(const struct uid_list *list)
{
	struct uid_list copy;

	uid_list_init(&copy);
	for (size_t i = 0; i < list->count; i++)
		uid_list_add(&copy, list->items[i]);
	if (copy.count > 1)
		qsort(copy.items, copy.count, sizeof(copy.items[0]), compare_uids);
	return copy;
}


static bool
contact_fields_differ(const struct command *cmd, const struct provider_contact_state *contact)
{
	return !json_object_equal(member(cmd->body, "name"), contact->name) ||
	    !json_object_equal(member(cmd->body, "phones"), contact->phones) ||
	    !json_object_equal(member(cmd->body, "fax"), contact->fax) ||
	    !json_object_equal(member(cmd->body, "emails"), contact->emails);
}


/* Groups 2 and 3 of CrushUpdateProviderContact: removed, then new or changed activities. */
static void
crush_activities(const struct command *cmd, const struct provider_contact_state *contact,
    struct json_object *events)
{
	struct json_object *wanted = member(cmd->body, "activities");
	size_t count = json_object_array_length(wanted);
	struct uid_list current, listed;

	uid_list_init(&current);
	uid_list_init(&listed);
	for (size_t i = 0; i < contact->activity_count; i++)
		uid_list_add(&current, contact->activities[i].uid);
	for (size_t i = 0; i < count; i++)
		uid_list_add(&listed, domain_string(json_object_array_get_idx(wanted, i), "activityUid"));

	{
		struct uid_list sorted = sorted_copy(&current);
		for (size_t i = 0; i < sorted.count; i++)
			if (!uid_list_has(&listed, sorted.items[i]))
				emit_uid(cmd, events, "activityUid", sorted.items[i],
				    "ActivityRemovedFromProviderContact");
		uid_list_free(&sorted);
	}

	for (size_t i = 0; i < count; i++) {
		struct json_object *item = json_object_array_get_idx(wanted, i);
		struct json_object *types = member(item, "includedIncidentTypes");
		const struct provider_activity *activity =
		    find_activity(contact, domain_string(item, "activityUid"));
		struct json_object *event;

		if (activity != NULL && same_uid_set(types, &activity->incident_types))
			continue;
		event = domain_event_open(cmd);
		json_object_object_add(event, "activityUid",
		    json_object_get(member(item, "activityUid")));
		json_object_object_add(event, "includedIncidentTypes", json_object_get(types));
		domain_event_close(events, event, cmd, "ActivityAssignedToProviderContact");
	}
	uid_list_free(&current);
	uid_list_free(&listed);
}


/* Groups 4 and 5 of CrushUpdateProviderContact, after the checks of the new patrimonies. */
static bool
crush_patrimonies(const struct command *cmd, const struct provider_contact_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct provider_contact_state *contact = facts->target;
	struct uid_list listed, sorted;

	uid_list_init(&listed);
	for (size_t i = 0; i < facts->patrimony_count; i++) {
		const struct patrimony_fact *patrimony = &facts->patrimonies[i];
		if (!uid_list_has(&contact->patrimonies, patrimony->state.uid) &&
		    !check_patrimony(facts, patrimony, err)) {
			uid_list_free(&listed);
			return false;
		}
		uid_list_add(&listed, patrimony->state.uid);
	}

	sorted = sorted_copy(&contact->patrimonies);
	for (size_t i = 0; i < sorted.count; i++)
		if (!uid_list_has(&listed, sorted.items[i]))
			emit_uid(cmd, events, "patrimonyUid", sorted.items[i],
			    "ProviderContactDissociatedFromPatrimony");
	for (size_t i = 0; i < listed.count; i++)
		if (!uid_list_has(&contact->patrimonies, listed.items[i]))
			emit_uid(cmd, events, "patrimonyUid", listed.items[i],
			    "ProviderContactAssociatedWithPatrimony");
	uid_list_free(&sorted);
	uid_list_free(&listed);
	return true;
}


/*
 * CrushUpdateProviderContact: the events that turn the current state into
 * the one described, in the documented group order, checks first so that
 * a rejected command produces nothing.
 */
static bool
decide_crush(const struct command *cmd, const struct provider_contact_facts *facts,
    struct json_object *events, struct error *err)
{
	struct json_object *patrimony_events = json_object_new_array();

	if (!crush_patrimonies(cmd, facts, patrimony_events, err)) {
		json_object_put(patrimony_events);
		return false;
	}

	if (contact_fields_differ(cmd, facts->target))
		emit_contact(cmd, events, cmd->sent_date, "ProviderContactUpdated");
	crush_activities(cmd, facts->target, events);
	for (size_t i = 0; i < json_object_array_length(patrimony_events); i++)
		json_object_array_add(events,
		    json_object_get(json_object_array_get_idx(patrimony_events, i)));
	json_object_put(patrimony_events);
	return true;
}


bool
provider_contact_decide_update(const struct command *cmd,
    const struct provider_contact_facts *facts, struct json_object *events,
    struct error *err)
{
	const struct provider_contact_state *contact = facts->target;
	const char *type = cmd->type;

	if (!provider_contact_visible(facts->scope, contact, facts->company_call_centers))
		return error_set(err, ERR_PROVIDER_CONTACT_NOT_FOUND, "aucun contact prestataire %s",
		    "no provider contact %s", cmd->aggregate_uid);
	if (!role_allows(cmd))
		return domain_forbidden(err, cmd);

	if (strcmp(type, "AssociateProviderContactToAgency") == 0)
		return decide_associate_agency(cmd, facts, events, err);
	if (strcmp(type, "DissociateProviderContactFromAgency") == 0) {
		const char *agency = domain_string(cmd->body, "agencyUid");
		if (!uid_list_has(&contact->agencies, agency))
			return error_set(err, ERR_PROVIDER_AGENCY_NOT_ASSOCIATED,
			    "le contact n'est pas associé à l'agence %s",
			    "the contact is not associated with agency %s", agency);
		return domain_emit(cmd, events, "ProviderContactDissociatedFromAgency",
		    (const char *const[]){"date", "agencyUid", NULL});
	}
	if (strcmp(type, "AssociateProviderContactToCompany") == 0)
		return decide_associate_company(cmd, facts, events, err);
	if (strcmp(type, "UpdateProviderContact") == 0) {
		emit_contact(cmd, events, domain_string(cmd->body, "date"), "ProviderContactUpdated");
		return true;
	}
	if (strcmp(type, "DisableProviderContact") == 0)
		return domain_emit(cmd, events, "ProviderContactDisabled",
		    (const char *const[]){"date", NULL});
	if (strcmp(type, "EnableProviderContact") == 0)
		return domain_emit(cmd, events, "ProviderContactEnabled",
		    (const char *const[]){"date", NULL});
	if (strcmp(type, "AssociateProviderContactWithProviderCompany") == 0) {
		const char *uid = domain_string(cmd->body, "providerCompanyUid");
		if (strcmp(contact->provider_company, uid) == 0)
			return error_set(err, ERR_PROVIDER_COMPANY_ALREADY_ASSOCIATED,
			    "le contact est déjà associé à l'entreprise prestataire %s",
			    "the contact is already associated with provider company %s", uid);
		return domain_emit(cmd, events, "ProviderContactAssociatedWithProviderCompany",
		    (const char *const[]){"providerCompanyUid", NULL});
	}
	if (strcmp(type, "AssociateProviderContactWithPatrimony") == 0)
		return decide_associate_patrimony(cmd, facts, events, err);
	if (strcmp(type, "DissociateProviderContactFromPatrimony") == 0) {
		const char *patrimony = domain_string(cmd->body, "patrimonyUid");
		if (!uid_list_has(&contact->patrimonies, patrimony))
			return error_set(err, ERR_PROVIDER_PATRIMONY_NOT_ASSOCIATED,
			    "le contact n'est pas associé au patrimoine %s",
			    "the contact is not associated with patrimony %s", patrimony);
		return domain_emit(cmd, events, "ProviderContactDissociatedFromPatrimony",
		    (const char *const[]){"patrimonyUid", NULL});
	}
	if (strcmp(type, "AssignActivityToProviderContact") == 0)
		return domain_emit(cmd, events, "ActivityAssignedToProviderContact",
		    (const char *const[]){"activityUid", "includedIncidentTypes", NULL});
	if (strcmp(type, "RemoveActivityFromProviderContact") == 0) {
		const char *activity = domain_string(cmd->body, "activityUid");
		if (find_activity(contact, activity) == NULL)
			return error_set(err, ERR_PROVIDER_ACTIVITY_NOT_FOUND,
			    "le contact n'a pas l'activité %s",
			    "the contact has no activity %s", activity);
		return domain_emit(cmd, events, "ActivityRemovedFromProviderContact",
		    (const char *const[]){"activityUid", NULL});
	}
	return decide_crush(cmd, facts, events, err);
}
