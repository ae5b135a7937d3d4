/*
 * Ticket commands (POST/PATCH /api/vEvent/tickets...): loading the facts
 * their decisions need from the journal, then ticket_decide().  The
 * ticket's own state always comes from its stream; the location and the
 * assignee contact come from their streams too (patrimony,
 * providerContact, company).  The agencies table only serves to find the
 * company stream an agency belongs to, which never changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "db/pg.h"
#include "domain/company.h"
#include "domain/ticket.h"
#include "handlers.h"
#include "journal/journal.h"
#include "ticket_schemas.h"

/* Uid lists loaded for one command, owned here. */
struct uid_list {
	char (*uids)[37];
	size_t count;
};

/* Placement of a location: what ticket_visible() and the location checks read. */
struct place {
	bool exists;
	bool deleted;
	char company_uid[37];
	char call_center_uid[37];
	char patrimony_uid[37];
	struct uid_list agencies;
};


static void
list_free(struct uid_list *list)
{
	free(list->uids);
	memset(list, 0, sizeof(*list));
}


/* Runs SQL (one uuid parameter) and collects the first column as uids. */
static bool
query_uids(const char *sql, const char *param, struct uid_list *out, struct error *err)
{
	const char *params[1] = {param};
	PGresult *result = pg_query(sql, 1, params, PGRES_TUPLES_OK, err);
	int rows;

	if (result == NULL)
		return false;
	rows = PQntuples(result);
	out->uids = calloc((size_t)rows + 1, sizeof(*out->uids));
	if (out->uids == NULL)
		abort();
	for (int i = 0; i < rows; i++)
		snprintf(out->uids[i], 37, "%s", PQgetvalue(result, i, 0));
	out->count = (size_t)rows;
	PQclear(result);
	return true;
}


static struct json_object *
load_stream(const char *kind, const char *uid, struct error *err)
{
	int version;

	return journal_load(kind, uid, &version, err);
}


/* The company of an agency and its call center; "" when the agency is unknown. */
static bool
load_agency_company(const char *agency_uid, struct place *place, struct error *err)
{
	struct uid_list owner = {0};
	struct company_state company;
	struct json_object *events;
	const struct company_agency *agency;

	if (!query_uids("SELECT company_uid::text FROM agencies WHERE uid = $1",
	    agency_uid, &owner, err))
		return false;
	if (owner.count == 0) {
		list_free(&owner);
		return true;
	}

	events = load_stream("company", owner.uids[0], err);
	if (events == NULL) {
		list_free(&owner);
		return false;
	}
	company_init(&company, owner.uids[0]);
	company_fold(&company, events);
	agency = company_agency(&company, agency_uid);
	if (agency != NULL) {
		place->exists = true;
		place->deleted = place->deleted || agency->deleted;
		snprintf(place->company_uid, 37, "%s", company.uid);
		snprintf(place->call_center_uid, 37, "%s", company.call_center);
	}
	company_free(&company);
	json_object_put(events);
	list_free(&owner);
	return true;
}


static bool
load_place(const struct ticket_location *location, struct place *place, struct error *err)
{
	struct ticket_patrimony patrimony;
	struct json_object *events;

	memset(place, 0, sizeof(*place));
	if (location->kind == TICKET_LOCATION_AGENCY) {
		place->agencies.uids = calloc(1, sizeof(*place->agencies.uids));
		if (place->agencies.uids == NULL)
			abort();
		snprintf(place->agencies.uids[0], 37, "%s", location->uid);
		place->agencies.count = 1;
		return load_agency_company(location->uid, place, err);
	}
	if (location->kind != TICKET_LOCATION_PATRIMONY)
		return true;

	events = load_stream("patrimony", location->uid, err);
	if (events == NULL)
		return false;
	ticket_patrimony_fold(&patrimony, events);
	json_object_put(events);
	snprintf(place->patrimony_uid, 37, "%s", location->uid);
	place->agencies.uids = patrimony.agencies;
	place->agencies.count = patrimony.agency_count;
	if (!patrimony.exists)
		return true;

	/* All agencies of a patrimony belong to one ClientAccount: the first one gives it. */
	if (patrimony.agency_count > 0 &&
	    !load_agency_company(patrimony.agencies[0], place, err))
		return false;
	place->exists = true;
	place->deleted = false;
	return true;
}


static void
place_scope(const struct place *place, struct ticket_scope *scope)
{
	scope->patrimony_uid = place->patrimony_uid[0] != '\0' ? place->patrimony_uid : NULL;
	scope->agencies = (const char (*)[37])place->agencies.uids;
	scope->agency_count = place->agencies.count;
	scope->company_uid = place->company_uid;
	scope->call_center_uid = place->call_center_uid;
}


/* Lists of the actor's scope: executives' agencies, patrimony managers' patrimonies. */
struct actor_lists {
	struct uid_list agencies;
	struct uid_list patrimonies;
	struct uid_list patrimony_agencies;
};


static bool
load_actor_lists(const struct actor *actor, struct actor_lists *lists,
    struct ticket_actor_scope *mine, struct error *err)
{
	memset(lists, 0, sizeof(*lists));
	memset(mine, 0, sizeof(*mine));
	if (actor->type == USER_EXECUTIVE &&
	    !query_uids("SELECT agency_uid::text FROM user_agencies WHERE user_uid = $1",
	    actor->uid, &lists->agencies, err))
		return false;
	if (actor->type == USER_PATRIMONY_MANAGER) {
		if (!query_uids("SELECT patrimony_uid::text FROM user_patrimonies WHERE user_uid = $1",
		    actor->uid, &lists->patrimonies, err))
			return false;
		if (!query_uids("SELECT DISTINCT a::text FROM user_patrimonies u"
		    " JOIN ticket_patrimony_refs p ON p.uid = u.patrimony_uid,"
		    " unnest(p.agency_uids) a WHERE u.user_uid = $1",
		    actor->uid, &lists->patrimony_agencies, err))
			return false;
	}
	mine->agencies = (const char (*)[37])lists->agencies.uids;
	mine->agency_count = lists->agencies.count;
	mine->patrimonies = (const char (*)[37])lists->patrimonies.uids;
	mine->patrimony_count = lists->patrimonies.count;
	mine->patrimony_agencies = (const char (*)[37])lists->patrimony_agencies.uids;
	mine->patrimony_agency_count = lists->patrimony_agencies.count;
	return true;
}


static void
actor_lists_free(struct actor_lists *lists)
{
	list_free(&lists->agencies);
	list_free(&lists->patrimonies);
	list_free(&lists->patrimony_agencies);
}


/* The location named by the command: exists and visible, deleted, role allowed. */
static bool
location_facts(const struct command *cmd, const struct ticket_actor_scope *mine,
    struct ticket_location_facts *facts, struct error *err)
{
	struct ticket_location location;
	struct ticket_scope scope;
	struct place place;

	if (!ticket_read_location(ticket_command_location(cmd), &location))
		return true;
	if (!load_place(&location, &place, err))
		return false;
	place_scope(&place, &scope);
	facts->exists = place.exists && ticket_location_visible(cmd->actor, mine, &scope);
	facts->deleted = place.deleted;
	facts->role_allowed = cmd->actor->type != USER_PATRIMONY_MANAGER ||
	    location.kind == TICKET_LOCATION_PATRIMONY;
	list_free(&place.agencies);
	return true;
}


/* The call center of company UID into OUT ("" when unknown). */
static bool
company_call_center(const char *uid, char out[37], struct error *err)
{
	struct json_object *events = load_stream("company", uid, err);
	struct company_state company;

	if (events == NULL)
		return false;
	company_init(&company, uid);
	company_fold(&company, events);
	snprintf(out, 37, "%s", company.call_center);
	company_free(&company);
	json_object_put(events);
	return true;
}


/* A ReferencedProviderContact assignee: its stream exists and the user sees it. */
static bool
contact_facts(const struct command *cmd, bool *visible, struct error *err)
{
	const char *uid = domain_string(ticket_command_assignee(cmd), "providerUid");
	const char *type = domain_string(ticket_command_assignee(cmd), "assigneeType");
	struct ticket_contact contact;
	struct json_object *events;
	const char **call_centers;
	char (*centers)[37];
	bool ok = true;

	*visible = false;
	if (uid == NULL || type == NULL || strcmp(type, "ReferencedProviderContact") != 0)
		return true;
	events = load_stream("providerContact", uid, err);
	if (events == NULL)
		return false;
	ticket_contact_fold(&contact, events);
	json_object_put(events);

	/* A call-center user also sees contacts of the companies under his call center. */
	call_centers = calloc(contact.company_count + 1, sizeof(*call_centers));
	centers = calloc(contact.company_count + 1, sizeof(*centers));
	if (call_centers == NULL || centers == NULL)
		abort();
	for (size_t i = 0; ok && i < contact.company_count; i++) {
		call_centers[i] = centers[i];
		if (cmd->actor->type == USER_CALL_CENTER)
			ok = company_call_center(contact.companies[i], centers[i], err);
	}
	if (ok)
		*visible = ticket_contact_visible(cmd->actor, &contact, call_centers);
	free(call_centers);
	free(centers);
	ticket_contact_free(&contact);
	return ok;
}


/* Whether the user sees the target ticket, judged on its current location. */
static bool
ticket_facts_visible(const struct command *cmd, const struct ticket_state *ticket,
    const struct ticket_actor_scope *mine, bool *visible, struct error *err)
{
	struct ticket_scope scope;
	struct place place;

	*visible = cmd->actor->type == USER_SUPER;
	if (*visible || !ticket->exists)
		return true;
	if (!load_place(&ticket->location, &place, err))
		return false;
	place_scope(&place, &scope);
	*visible = ticket_visible(cmd->actor, mine, &scope);
	list_free(&place.agencies);
	return true;
}


bool
ticket_execute(struct command_run *run, struct error *err)
{
	const struct command *cmd = &run->cmd;
	struct ticket_actor_scope mine;
	struct actor_lists lists;
	struct ticket_state ticket;
	struct ticket_facts facts;
	struct json_object *events;
	bool ok;

	memset(&facts, 0, sizeof(facts));
	events = journal_load("ticket", cmd->aggregate_uid, &run->expected_version, err);
	if (events == NULL)
		return false;
	ticket_init(&ticket, cmd->aggregate_uid);
	ticket_fold(&ticket, events);
	json_object_put(events);
	facts.ticket = &ticket;

	ok = load_actor_lists(cmd->actor, &lists, &mine, err) &&
	    ticket_facts_visible(cmd, &ticket, &mine, &facts.ticket_visible, err) &&
	    location_facts(cmd, &mine, &facts.location, err) &&
	    contact_facts(cmd, &facts.contact_exists, err);
	if (ok)
		ok = ticket_decide(cmd, &facts, run->events, err);

	actor_lists_free(&lists);
	ticket_free(&ticket);
	return ok;
}


static const struct command_endpoint open_endpoint = {"ticket", true, -1, ticket_open_specs};
static const struct command_endpoint increment_endpoint = {"ticket", false, 0, ticket_increment_specs};


void
ticket_post(void *context)
{
	command_handle(context, &open_endpoint);
}


void
ticket_patch(void *context)
{
	command_handle(context, &increment_endpoint);
}
