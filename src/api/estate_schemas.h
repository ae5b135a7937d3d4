/* Schemas of the models shared by the patrimony, lot and provider-contact commands. */
#ifndef PERFIMMO_ESTATE_SCHEMAS_H
#define PERFIMMO_ESTATE_SCHEMAS_H

#include "common/schema.h"

/* PatrimonyAddressInput (complementary addresses). */
extern const struct schema_field estate_patrimony_address_fields[];

/*
 * LotAddressInput.  Blank texts, the zip code shape, coordinates out of
 * range and the checker's keys are left to lot_check_address(), because
 * they are AddressNotConform rather than InvalidCommand.
 */
extern const struct schema_field estate_lot_address_fields[];

/* Variants of Name (PoorName, CivilName), a union tagged by nameType. */
extern const struct schema_variant estate_name_variants[];

#endif
