/*
 * Loading the facts that the decisions of users, patrimonies, lots,
 * provider contacts and tickets need, inside the command transaction: the
 * states of the entities a command names, folded from their streams (the
 * actor's scope comes from scope_load()).  The read tables only serve as
 * indexes (which company created an agency, which live lots use a
 * reference) and are exact under the command lock.
 */
#ifndef PERFIMMO_FACTS_H
#define PERFIMMO_FACTS_H

#include <stdbool.h>

#include "domain/company.h"
#include "domain/patrimony.h"
#include "domain/provider_contact.h"

/*
 * Folds the company stream UID into STATE (freed with company_free());
 * *VERSION, when not NULL, gets the stream's version.
 */
bool facts_load_company(const char *uid, struct company_state *state, int *version,
    struct error *err);

/*
 * Folds the provider-contact stream UID into STATE (freed with
 * provider_contact_free()); *VERSION, when not NULL, gets the stream's version.
 */
bool facts_load_contact(const char *uid, struct provider_contact_state *state, int *version,
    struct error *err);

/* Fills FACT for the agency UID (exists is false when no company created it). */
bool facts_load_agency(const char *uid, struct agency_fact *fact, struct error *err);

/*
 * Folds the patrimony stream UID into FACT (freed with patrimony_free() on
 * FACT->state) and finds its client account; *VERSION, when not NULL, gets
 * the stream's version.
 */
bool facts_load_patrimony(const char *uid, struct patrimony_fact *fact, int *version,
    struct error *err);

/* Adds the call center of every company of COMPANIES to CALL_CENTERS. */
bool facts_load_call_centers(const struct uid_list *companies, struct uid_list *call_centers,
    struct error *err);

/* Writes the calendar day of the DateTime DATETIME in TIMEZONE into OUT ("YYYY-MM-DD"). */
bool facts_local_date(const char *datetime, const char *timezone, char out[11],
    struct error *err);

/* Sets *FOUND when the SQL query with NPARAMS parameters returns a row. */
bool facts_exists(const char *sql, int nparams, const char *const *params, bool *found,
    struct error *err);

#endif
