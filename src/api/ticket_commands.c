/*
 * Ticket commands (POST/PATCH /api/vEvent/tickets...): loading the facts
 * their decisions need from the journal, then ticket_decide().  The
 * ticket's own state, its location and the assignee contact come from
 * their streams (facts.c).  The rules of auth/scope.h judge whether the
 * user may see them.
 */
#include <string.h>

#include "command.h"
#include "command_endpoints.h"
#include "domain/ticket.h"
#include "facts.h"
#include "handlers.h"
#include "journal/journal.h"
#include "ticket_schemas.h"

/* A location (an agency or a patrimony) as its streams tell it. */
struct place {
	enum ticket_location_kind kind;
	struct agency_fact agency;		/* an agency location */
	struct patrimony_fact patrimony;	/* a patrimony location */
	struct uid_list agencies;		/* the location's agencies */
};


static bool
load_place(const struct ticket_location *location, struct place *place, struct error *err)
{
	memset(place, 0, sizeof(*place));
	place->kind = location->kind;
	patrimony_init(&place->patrimony.state, "");
	if (location->kind == TICKET_LOCATION_AGENCY) {
		uid_list_add(&place->agencies, location->uid);
		return facts_load_agency(location->uid, &place->agency, err);
	}
	if (location->kind != TICKET_LOCATION_PATRIMONY)
		return true;
	patrimony_free(&place->patrimony.state);
	return facts_load_patrimony(location->uid, &place->patrimony, NULL, err);
}


static void
place_free(struct place *place)
{
	patrimony_free(&place->patrimony.state);
	uid_list_free(&place->agencies);
}


/* The ClientAccount a place belongs to, and its call center. */
static struct scope_company
place_company(const struct place *place)
{
	if (place->kind == TICKET_LOCATION_PATRIMONY)
		return (struct scope_company){place->patrimony.company_uid,
		    place->patrimony.call_center_uid};
	return (struct scope_company){place->agency.company_uid, place->agency.call_center_uid};
}


/* The location named by the command: exists and visible, deleted, role allowed. */
static bool
location_facts(const struct command *cmd, const struct scope *scope,
    struct ticket_location_facts *facts, struct error *err)
{
	struct ticket_location location;
	struct scope_target target = {"", false, false};
	struct place place;

	if (!ticket_read_location(ticket_command_location(cmd), &location))
		return true;
	if (!load_place(&location, &place, err)) {
		place_free(&place);
		return false;
	}
	if (location.kind == TICKET_LOCATION_PATRIMONY) {
		facts->exists = patrimony_visible(scope, &place.patrimony);
	} else {
		facts->exists = company_agency_visible(scope, &place.agency);
		facts->deleted = place.agency.deleted;
	}
	target.company_uid = place_company(&place).uid;
	target.patrimony_location = location.kind == TICKET_LOCATION_PATRIMONY;
	facts->role_allowed = scope_may_send(cmd->actor, cmd->type, &target);
	place_free(&place);
	return true;
}


/* A ReferencedProviderContact assignee: its stream exists and the user sees it. */
static bool
contact_facts(const struct command *cmd, const struct scope *scope, bool *visible,
    struct error *err)
{
	const char *uid = domain_string(ticket_command_assignee(cmd), "providerUid");
	const char *type = domain_string(ticket_command_assignee(cmd), "assigneeType");
	struct provider_contact_state contact;
	struct uid_list call_centers;
	bool ok;

	*visible = false;
	if (uid == NULL || type == NULL || strcmp(type, "ReferencedProviderContact") != 0)
		return true;

	/* Only a call-center user sees contacts through the call centers of their companies. */
	uid_list_init(&call_centers);
	ok = facts_load_contact(uid, &contact, NULL, err) &&
	    (cmd->actor->type != USER_CALL_CENTER ||
	    facts_load_call_centers(&contact.companies, &call_centers, err));
	if (ok)
		*visible = provider_contact_visible(scope, &contact, &call_centers);
	uid_list_free(&call_centers);
	provider_contact_free(&contact);
	return ok;
}


/* Whether the user sees the target ticket, judged on its current location. */
static bool
ticket_facts_visible(const struct command *cmd, const struct ticket_state *ticket,
    const struct scope *scope, bool *visible, struct error *err)
{
	struct scope_company company;
	struct place place;
	const struct uid_list *agencies;

	*visible = cmd->actor->type == USER_SUPER;
	if (*visible || !ticket->exists)
		return true;
	if (!load_place(&ticket->location, &place, err)) {
		place_free(&place);
		return false;
	}
	company = place_company(&place);
	agencies = place.kind == TICKET_LOCATION_PATRIMONY ? &place.patrimony.state.agencies :
	    &place.agencies;
	*visible = scope_sees_ticket(scope, &company, agencies,
	    place.kind == TICKET_LOCATION_PATRIMONY ? ticket->location.uid : NULL);
	place_free(&place);
	return true;
}


bool
ticket_execute(struct command_run *run, struct error *err)
{
	const struct command *cmd = &run->cmd;
	struct ticket_state ticket;
	struct ticket_facts facts;
	struct json_object *events;
	struct scope scope;
	bool ok;

	memset(&facts, 0, sizeof(facts));
	events = journal_load("ticket", cmd->aggregate_uid, &run->expected_version, err);
	if (events == NULL)
		return false;
	ticket_init(&ticket, cmd->aggregate_uid);
	ticket_fold(&ticket, events);
	json_object_put(events);
	facts.ticket = &ticket;

	ok = scope_load(cmd->actor, &scope, err) &&
	    ticket_facts_visible(cmd, &ticket, &scope, &facts.ticket_visible, err) &&
	    location_facts(cmd, &scope, &facts.location, err) &&
	    contact_facts(cmd, &scope, &facts.contact_exists, err);
	if (ok)
		ok = ticket_decide(cmd, &facts, run->events, err);

	scope_free(&scope);
	ticket_free(&ticket);
	return ok;
}


const struct command_endpoint ticket_open_endpoint = {"ticket", true, -1, ticket_open_specs, true};
const struct command_endpoint ticket_update_endpoint = {"ticket", false, 0, ticket_increment_specs, true};
