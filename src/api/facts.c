/* Facts of the user, patrimony, lot, provider-contact and ticket commands. */
#include <stdio.h>
#include <string.h>

#include "db/pg.h"
#include "facts.h"
#include "journal/journal.h"


bool
facts_load_company(const char *uid, struct company_state *state, int *version,
    struct error *err)
{
	struct json_object *events;
	int ignored;

	company_init(state, uid);
	events = journal_load("company", uid, version != NULL ? version : &ignored, err);
	if (events == NULL)
		return false;
	company_fold(state, events);
	json_object_put(events);
	return true;
}


bool
facts_load_contact(const char *uid, struct provider_contact_state *state, int *version,
    struct error *err)
{
	struct json_object *events;
	int ignored;

	provider_contact_init(state, uid);
	events = journal_load("providerContact", uid, version != NULL ? version : &ignored, err);
	if (events == NULL)
		return false;
	provider_contact_fold(state, events);
	json_object_put(events);
	return true;
}


bool
facts_exists(const char *sql, int nparams, const char *const *params, bool *found,
    struct error *err)
{
	PGresult *result = pg_query(sql, nparams, params, PGRES_TUPLES_OK, err);

	if (result == NULL)
		return false;
	*found = PQntuples(result) > 0;
	PQclear(result);
	return true;
}


bool
facts_load_agency(const char *uid, struct agency_fact *fact, struct error *err)
{
	const char *params[1] = {uid};
	struct company_state company;
	const struct company_agency *agency;
	PGresult *result;

	memset(fact, 0, sizeof(*fact));
	snprintf(fact->uid, sizeof(fact->uid), "%s", uid);

	/* The read table gives the company stream that contains the agency. */
	result = pg_query("SELECT company_uid::text FROM agencies WHERE uid = $1",
	    1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	if (PQntuples(result) == 0) {
		PQclear(result);
		return true;
	}
	snprintf(fact->company_uid, sizeof(fact->company_uid), "%s", PQgetvalue(result, 0, 0));
	PQclear(result);

	if (!facts_load_company(fact->company_uid, &company, NULL, err))
		return false;
	agency = company_agency(&company, uid);
	fact->exists = agency != NULL;
	fact->deleted = agency != NULL && agency->deleted;
	snprintf(fact->call_center_uid, sizeof(fact->call_center_uid), "%s", company.call_center);
	company_free(&company);
	return true;
}


bool
facts_load_patrimony(const char *uid, struct patrimony_fact *fact, int *version,
    struct error *err)
{
	struct json_object *events;
	struct agency_fact agency;
	int ignored;

	memset(fact, 0, sizeof(*fact));
	patrimony_init(&fact->state, uid);
	events = journal_load("patrimony", uid, version != NULL ? version : &ignored, err);
	if (events == NULL)
		return false;
	patrimony_fold(&fact->state, events);
	json_object_put(events);
	if (!fact->state.exists || fact->state.agencies.count == 0)
		return true;

	/* Every agency of a patrimony belongs to the same client account. */
	if (!facts_load_agency(fact->state.agencies.items[0], &agency, err))
		return false;
	memcpy(fact->company_uid, agency.company_uid, sizeof(fact->company_uid));
	memcpy(fact->call_center_uid, agency.call_center_uid, sizeof(fact->call_center_uid));
	return true;
}


bool
facts_load_call_centers(const struct uid_list *companies, struct uid_list *call_centers,
    struct error *err)
{
	for (size_t i = 0; i < companies->count; i++) {
		struct company_state company;
		if (!facts_load_company(companies->items[i], &company, NULL, err))
			return false;
		if (company.call_center[0] != '\0')
			uid_list_add(call_centers, company.call_center);
		company_free(&company);
	}
	return true;
}


bool
facts_local_date(const char *datetime, const char *timezone, char out[11],
    struct error *err)
{
	const char *params[2] = {datetime, timezone[0] != '\0' ? timezone : "Europe/Paris"};
	PGresult *result;

	result = pg_query("SELECT to_char($1::timestamptz AT TIME ZONE $2, 'YYYY-MM-DD')",
	    2, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	snprintf(out, 11, "%s", PQgetvalue(result, 0, 0));
	PQclear(result);
	return true;
}
