/*
 * The tenant's generation around perfimmo-admin's changes to credentials,
 * API keys, session secrets and the read model.  The API caches actors,
 * secrets and views under the generation (cache/view_cache.h), so each of
 * those changes raises it in its own transaction, then raises the
 * generation mirror in Redis once committed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "cache/generation_mirror.h"


bool
admin_begin_raise(struct admin *admin, long long *generation)
{
	PGresult *result;

	if (!admin_exec(admin, "BEGIN", 0, NULL))
		return false;
	result = admin_query(admin, "SELECT generation_raise()", 0, NULL);
	if (result == NULL) {
		admin_rollback(admin);
		return false;
	}
	*generation = atoll(PQgetvalue(result, 0, 0));
	PQclear(result);
	return true;
}


bool
admin_commit_raise(struct admin *admin, const struct tenant *tenant, long long generation)
{
	if (!admin_exec(admin, "COMMIT", 0, NULL)) {
		admin_rollback(admin);
		return false;
	}
	if (!generation_mirror_raise(tenant->name, generation))
		fprintf(stderr, "perfimmo-admin: warning: could not raise the generation of tenant %s"
		    " in Redis: cached reads may use the previous generation for up to %d ms"
		    " (generation_mirror_ttl_ms)\n", tenant->name, generation_mirror_ttl_ms());
	return true;
}


void
admin_rollback(struct admin *admin)
{
	if (PQtransactionStatus(admin->db) != PQTRANS_IDLE)
		PQclear(PQexec(admin->db, "ROLLBACK"));
}
