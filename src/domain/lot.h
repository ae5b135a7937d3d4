/*
 * The Lot aggregate: state folded from its events, the address rules, and
 * the pure decisions of ReferenceLot and the lot increments.
 */
#ifndef PERFIMMO_LOT_H
#define PERFIMMO_LOT_H

#include <stdbool.h>

#include "domain.h"
#include "patrimony.h"
#include "common/uid_list.h"

struct lot_state {
	char uid[37];
	bool exists;			/* LotReferenced was stored, deleted or not */
	bool deleted;
	char patrimony_uid[37];
	struct uid_list addresses;	/* address uids */
};

/* Empties STATE (not existing) for the lot UID. */
void lot_init(struct lot_state *state, const char *uid);

/* Frees what STATE owns. */
void lot_free(struct lot_state *state);

/* Applies one stored event to STATE; events of other kinds are ignored. */
void lot_evolve(struct lot_state *state, struct json_object *event);

/* Applies every event of the array EVENTS, in order. */
void lot_fold(struct lot_state *state, struct json_object *events);

/*
 * Checks the rules of one schema-valid LotAddressInput: street, zipCode
 * and city not blank, zipCode matching ^[0-9A-Za-z][0-9A-Za-z -]{1,9}$,
 * geoLocation within -90..90 and -180..180, checker with exactly one key.
 * Fails with AddressNotConform naming PATH and the field.
 */
bool lot_check_address(struct json_object *address, const char *path,
    struct error *err);

/*
 * The validation step of the lot commands that carry addresses
 * (ReferenceLot, AddAddressToLot): checks every address of BODY.
 */
bool lot_validate(const char *command_type, struct json_object *body,
    struct error *err);

/* Facts of ReferenceLot. */
struct lot_create_facts {
	const struct scope *scope;
	const struct patrimony_fact *patrimony;	/* patrimonyUid */
	bool uid_used;			/* aggregateUid already a lot, even deleted */
	bool ref_used;			/* a live lot of the patrimony's company has this ref */
	bool number_used;		/* a live lot of the patrimony has this lotNumber */
	const char (*address_uids)[37];	/* one new uid per address, in order */
};

/* Facts of the lot increments. */
struct lot_update_facts {
	const struct scope *scope;
	const struct lot_state *target;
	const struct patrimony_fact *patrimony;	/* the lot's patrimony */
	bool ref_used;			/* UpdateLotReference: another live lot of the company has it */
	bool number_used;		/* UpdateLotNumber: another live lot of the patrimony has it */
	const char *new_uid;		/* AddAddressToLot: uid of the new address */
};

/*
 * Decides ReferenceLot, appending LotReferenced and LotNumberUpdated to
 * EVENTS, or returns false with the first failed check in ERR.
 */
bool lot_decide_create(const struct command *cmd, const struct lot_create_facts *facts,
    struct json_object *events, struct error *err);

/* Decides a lot increment (PATCH /api/vEvent/lots/{uid}). */
bool lot_decide_update(const struct command *cmd, const struct lot_update_facts *facts,
    struct json_object *events, struct error *err);

#endif
