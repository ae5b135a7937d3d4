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


/*
 * Agencies found in the read table during the journal batches of the
 * process, each with the company that created it.  An agency stays in the
 * stream of the company that created it, so an entry stays valid until a
 * batch drops its state (journal_batch_epoch), which a rollback of that
 * company does.  Agencies not found are not kept: a later command may
 * create them.
 */
#define KNOWN_AGENCIES_MAX 256

static struct {
	unsigned long epoch;
	size_t count;
	struct {
		char uid[37];
		char company_uid[37];
	} entries[KNOWN_AGENCIES_MAX];
} known_agencies;


static const char *
known_agency_company(const char *uid)
{
	unsigned long epoch = journal_batch_epoch();

	if (epoch == 0 || epoch != known_agencies.epoch) {
		known_agencies.epoch = epoch;
		known_agencies.count = 0;
		return NULL;
	}
	for (size_t i = 0; i < known_agencies.count; i++)
		if (strcmp(known_agencies.entries[i].uid, uid) == 0)
			return known_agencies.entries[i].company_uid;
	return NULL;
}


static void
keep_known_agency(const char *uid, const char *company_uid)
{
	if (known_agencies.epoch == 0 || known_agencies.count == KNOWN_AGENCIES_MAX)
		return;
	snprintf(known_agencies.entries[known_agencies.count].uid, 37, "%s", uid);
	snprintf(known_agencies.entries[known_agencies.count].company_uid, 37, "%s", company_uid);
	known_agencies.count++;
}


/* Finds the company that created the agency UID; COMPANY_UID is "" when none did. */
static bool
find_agency_company(const char *uid, char company_uid[37], struct error *err)
{
	const char *params[1] = {uid};
	const char *known = known_agency_company(uid);
	PGresult *result;

	company_uid[0] = '\0';
	if (known != NULL) {
		snprintf(company_uid, 37, "%s", known);
		return true;
	}

	/* The read table gives the company stream that contains the agency. */
	result = pg_query("SELECT company_uid::text FROM agencies WHERE uid = $1",
	    1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	if (PQntuples(result) == 1) {
		snprintf(company_uid, 37, "%s", PQgetvalue(result, 0, 0));
		keep_known_agency(uid, company_uid);
	}
	PQclear(result);
	return true;
}


bool
facts_load_agency(const char *uid, struct agency_fact *fact, struct error *err)
{
	struct company_state company;
	const struct company_agency *agency;

	memset(fact, 0, sizeof(*fact));
	snprintf(fact->uid, sizeof(fact->uid), "%s", uid);

	if (!find_agency_company(uid, fact->company_uid, err))
		return false;
	if (fact->company_uid[0] == '\0')
		return true;

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
