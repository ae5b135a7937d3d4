/*
 * The ProviderContact aggregate: state folded from its events, visibility,
 * and the pure decisions of AddProviderContact, the increments and
 * CrushUpdateProviderContact.
 */
#ifndef PERFIMMO_PROVIDER_CONTACT_H
#define PERFIMMO_PROVIDER_CONTACT_H

#include <stdbool.h>
#include <stddef.h>

#include "company.h"
#include "domain.h"
#include "patrimony.h"
#include "common/uid_list.h"

struct provider_activity {
	char uid[37];
	struct uid_list incident_types;
};

struct provider_contact_state {
	char uid[37];
	bool exists;
	bool active;
	struct json_object *name;	/* owned references; NULL before ProviderContactAdded */
	struct json_object *phones;
	struct json_object *fax;
	struct json_object *emails;
	struct uid_list companies;	/* in order of association; the first is shown as `company` */
	struct uid_list call_centers;
	struct uid_list agencies;
	struct uid_list patrimonies;
	struct provider_activity *activities;
	size_t activity_count;
	char provider_company[37];	/* "" when none */
};

/* Empties STATE (not existing) for the contact UID. */
void provider_contact_init(struct provider_contact_state *state, const char *uid);

/* Frees what STATE owns. */
void provider_contact_free(struct provider_contact_state *state);

/* Applies one stored event to STATE; events of other kinds are ignored. */
void provider_contact_evolve(struct provider_contact_state *state, struct json_object *event);

/* Applies every event of the array EVENTS, in order. */
void provider_contact_fold(struct provider_contact_state *state, struct json_object *events);

/*
 * The validation step of CrushUpdateProviderContact: the same activityUid
 * twice in `activities` is InvalidCommand.
 */
bool provider_contact_validate(const char *command_type, struct json_object *body,
    struct error *err);

/*
 * True when the contact STATE exists and is visible in SCOPE.
 * COMPANY_CALL_CENTERS contains the call centers of the contact's companies.
 */
bool provider_contact_visible(const struct scope *scope,
    const struct provider_contact_state *state, const struct uid_list *company_call_centers);

/* Facts of AddProviderContact and of the increments. */
struct provider_contact_facts {
	const struct scope *scope;
	const struct provider_contact_state *target;	/* the contact, or the aggregateUid to create */
	const struct uid_list *company_call_centers;	/* call centers of the target's companies */
	const struct company_state *company;		/* companyUid, when the command has one */
	const struct agency_fact *agency;		/* agencyUid, when the command has one */

	/* patrimonyUid, or CrushUpdateProviderContact's `patrimonies` in request order */
	const struct patrimony_fact *patrimonies;
	size_t patrimony_count;

	const char *local_date;		/* AddProviderContact: `date` as a LocalDate of the tenant */
};

/* Decides AddProviderContact, or returns false with the first failed check in ERR. */
bool provider_contact_decide_create(const struct command *cmd,
    const struct provider_contact_facts *facts, struct json_object *events,
    struct error *err);

/*
 * Decides a provider-contact increment.  CrushUpdateProviderContact may
 * append no event at all when nothing differs.
 */
bool provider_contact_decide_update(const struct command *cmd,
    const struct provider_contact_facts *facts, struct json_object *events,
    struct error *err);

#endif
