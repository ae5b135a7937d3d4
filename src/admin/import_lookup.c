/*
 * The questions the onboarding sheets ask of the stored data, answered
 * from the tenant's read tables on the import's own connection, inside
 * the open batch (so rows stored earlier in the same run are seen).
 */
#include <stdlib.h>
#include <string.h>

#include "common/fold.h"
#include "common/types.h"
#include "db/pg.h"
#include "import.h"


/* Counts the uids the query returns (at most two are asked for) and keeps the first. */
static enum lookup_result
first_of(PGresult *result, char uid[37])
{
	int rows;

	if (result == NULL)
		return LOOKUP_FAILED;
	rows = PQntuples(result);
	if (rows == 1)
		memcpy(uid, PQgetvalue(result, 0, 0), 37);
	PQclear(result);
	if (rows == 0)
		return LOOKUP_UNKNOWN;
	return rows == 1 ? LOOKUP_FOUND : LOOKUP_AMBIGUOUS;
}


static enum lookup_result
agency_by_uid(const char *company, const char *uid, struct error *err)
{
	const char *params[1] = {uid};
	PGresult *result = pg_query("SELECT company_uid::text FROM agencies WHERE uid = $1",
	    1, params, PGRES_TUPLES_OK, err);
	enum lookup_result found;

	if (result == NULL)
		return LOOKUP_FAILED;
	if (PQntuples(result) == 0)
		found = LOOKUP_UNKNOWN;
	else
		found = strcmp(PQgetvalue(result, 0, 0), company) == 0 ?
		    LOOKUP_FOUND : LOOKUP_OTHER_COMPANY;
	PQclear(result);
	return found;
}


/* An agency by uid, or by its ref or name among the company's active agencies. */
static enum lookup_result
lookup_agency(void *data, const char *company, const char *text, char uid[37],
    struct error *err)
{
	char *folded;
	const char *params[2];
	PGresult *result;

	(void)data;
	if (types_parse_uuid(text, strlen(text), uid, err)) {
		error_clear(err);
		return agency_by_uid(company, uid, err);
	}
	error_clear(err);

	folded = fold_text(text, strlen(text));
	if (folded == NULL)
		return LOOKUP_UNKNOWN;
	params[0] = company;
	params[1] = folded;
	result = pg_query("SELECT uid::text FROM agencies"
	    " WHERE company_uid = $1 AND is_active"
	    "   AND (label_folded = $2 OR perfimmo_ext.fold(agency ->> 'ref') = $2)"
	    " LIMIT 2", 2, params, PGRES_TUPLES_OK, err);
	free(folded);
	return first_of(result, uid);
}


static enum lookup_result
lookup_patrimony(void *data, const char *company, const char *ref, char uid[37],
    struct error *err)
{
	char *folded = fold_text(ref, strlen(ref));
	const char *params[2] = {company, folded};
	PGresult *result;

	(void)data;
	if (folded == NULL)
		return LOOKUP_UNKNOWN;
	result = pg_query("SELECT uid::text FROM patrimonies"
	    " WHERE company_uid = $1 AND ref_folded = $2 LIMIT 2",
	    2, params, PGRES_TUPLES_OK, err);
	free(folded);
	return first_of(result, uid);
}


const struct csv_lookup import_lookup = {NULL, lookup_agency, lookup_patrimony};
