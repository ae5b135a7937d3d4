/*
 * The Patrimony aggregate: state folded from its events, visibility, and
 * the pure decisions of ReferencePatrimony and the patrimony increments.
 */
#ifndef PERFIMMO_PATRIMONY_H
#define PERFIMMO_PATRIMONY_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/scope.h"
#include "common/uid_list.h"
#include "company.h"
#include "domain.h"

/* A building, with the key its label is compared by. */
struct patrimony_building {
	char uid[37];
	char *label_key;		/* patrimony_building_key() of its label */
};

/* A complementary address, with the key it is compared by. */
struct patrimony_address {
	char uid[37];
	char *key;			/* patrimony_address_key() of the address */
};

struct patrimony_state {
	char uid[37];
	bool exists;
	struct uid_list agencies;	/* in order of association */
	struct patrimony_building *buildings;
	size_t building_count;
	struct patrimony_address *addresses;
	size_t address_count;
};

/* A patrimony with the client account its agencies belong to. */
struct patrimony_fact {
	struct patrimony_state state;
	char company_uid[37];		/* "" when the patrimony does not exist */
	char call_center_uid[37];
};

/* Empties STATE (not existing) for the patrimony UID. */
void patrimony_init(struct patrimony_state *state, const char *uid);

/* Frees what STATE owns. */
void patrimony_free(struct patrimony_state *state);

/* Applies one stored event to STATE; events of other kinds are ignored. */
void patrimony_evolve(struct patrimony_state *state, struct json_object *event);

/* Applies every event of the array EVENTS, in order. */
void patrimony_fold(struct patrimony_state *state, struct json_object *events);

/*
 * Returns the key buildings are compared by: the label without leading and
 * trailing spaces, tabs, CR and LF, then folded.  The caller frees it; NULL
 * when the label is not valid UTF-8.
 */
char *patrimony_building_key(const char *label);

/*
 * Returns the key complementary addresses are compared by: the folded
 * number, street, zipCode and city of ADDRESS (an absent number counts as
 * empty).  The caller frees it.
 */
char *patrimony_address_key(struct json_object *address);

/* True when STATE has the building UID. */
bool patrimony_has_building(const struct patrimony_state *state, const char *uid);

/* True when PATRIMONY exists and is visible in SCOPE. */
bool patrimony_visible(const struct scope *scope, const struct patrimony_fact *patrimony);

/* Facts of ReferencePatrimony. */
struct patrimony_create_facts {
	const struct scope *scope;
	const struct agency_fact *agencies;	/* agencyUids, in request order */
	size_t agency_count;
	bool uid_used;				/* aggregateUid is already a patrimony */
};

/* Facts of the patrimony increments. */
struct patrimony_update_facts {
	const struct scope *scope;
	const struct patrimony_fact *target;
	const struct agency_fact *agency;	/* the agencyUid of (Dis)AssociatePatrimony... */
	const char *new_uid;			/* uid of a new building or complementary address */
};

/*
 * Decides ReferencePatrimony, appending PatrimonyReferenced to EVENTS, or
 * returns false with the first failed check in ERR.
 */
bool patrimony_decide_create(const struct command *cmd,
    const struct patrimony_create_facts *facts, struct json_object *events,
    struct error *err);

/* Decides a patrimony increment (PATCH /api/vEvent/patrimonies/{uid}). */
bool patrimony_decide_update(const struct command *cmd,
    const struct patrimony_update_facts *facts, struct json_object *events,
    struct error *err);

#endif
