/* The maintenance check of writes. */
#include <stdlib.h>

#include "maintenance.h"
#include "pg.h"

static struct pg_statement state_statement = {
	"perfimmo_maintenance", "SELECT retry_after FROM maintenance_state", 0
};


void
maintenance_prefetch(void)
{
	pg_prefetch(&state_statement);
}


bool
maintenance_check(struct error *err)
{
	PGresult *result = pg_query_prepared(&state_statement, 0, NULL, PGRES_TUPLES_OK, err);
	int retry_after;

	if (result == NULL)
		return false;
	if (PQntuples(result) == 0) {
		PQclear(result);
		return true;
	}
	retry_after = atoi(PQgetvalue(result, 0, 0));
	PQclear(result);
	return maintenance_refuse(err, retry_after);
}


bool
maintenance_refuse(struct error *err, int retry_after)
{
	error_set(err, ERR_SERVICE_UNAVAILABLE,
	    "maintenance en cours : les écritures sont suspendues, rien n'a été enregistré. "
	    "Les lectures restent possibles. Réessayez dans %d s.",
	    "maintenance in progress: writes are suspended and nothing was stored. "
	    "Reads still work. Retry in %d s.",
	    retry_after);
	err->retry_after = retry_after > 0 ? retry_after : 1;
	return false;
}
