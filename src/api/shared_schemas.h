/*
 * Schemas of the input models that the commands of several aggregates
 * share: the addresses of agencies, patrimonies, lots and tickets,
 * GeoLocation, AddressChecker and Name.  Each is defined here only.
 */
#ifndef PERFIMMO_SHARED_SCHEMAS_H
#define PERFIMMO_SHARED_SCHEMAS_H

#include "common/schema.h"

/* GeoLocation: lat in [-90, 90], lng in [-180, 180]. */
extern const struct schema_field shared_geolocation_fields[];

/* AddressChecker: no discriminator, the variant is the key that is present. */
extern const struct schema_variant shared_checker_variants[];

/* AgencyAddress, in CreateAgency and UpdateAgency. */
extern const struct schema_field shared_agency_address_fields[];

/* PatrimonyAddressInput (complementary addresses). */
extern const struct schema_field shared_patrimony_address_fields[];

/*
 * LotAddressInput.  Blank texts, the zip code shape, coordinates out of
 * range and the checker's keys are left to lot_check_address(), because
 * they are AddressNotConform rather than InvalidCommand.
 */
extern const struct schema_field shared_lot_address_fields[];

/* BasicAddress, the address of a ticket. */
extern const struct schema_field shared_basic_address_fields[];

/* Variants of Name (PoorName, CivilName), a union tagged by nameType. */
extern const struct schema_variant shared_name_variants[];

#endif
