/* Tenant lookup with a short per-process memory. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pg.h"
#include "tenant.h"

#define CACHE_SIZE 64
#define CACHE_SECONDS 5

struct cached_tenant {
	struct tenant tenant;
	time_t fetched;
};

static struct cached_tenant cache[CACHE_SIZE];
static int cache_count;


bool
tenant_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > TENANT_NAME_MAX || name[0] < 'a' || name[0] > 'z')
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}


void
tenant_derive_names(struct tenant *tenant, const char *name)
{
	snprintf(tenant->name, sizeof(tenant->name), "%s", name);
	snprintf(tenant->schema, sizeof(tenant->schema), "t_%s", name);
	snprintf(tenant->role, sizeof(tenant->role), "perfimmo_t_%s", name);
}


static bool
misdirected(struct error *err)
{
	return error_set(err, ERR_MISDIRECTED_REQUEST,
	    "cet hôte ne correspond à aucun client",
	    "this host is not a known tenant");
}


static struct cached_tenant *
find_cached(const char *name)
{
	for (int i = 0; i < cache_count; i++)
		if (strcmp(cache[i].tenant.name, name) == 0)
			return &cache[i];
	return NULL;
}


static void
remember(const struct tenant *tenant)
{
	struct cached_tenant *slot = find_cached(tenant->name);

	if (slot == NULL)
		slot = &cache[cache_count < CACHE_SIZE ? cache_count++ : 0];
	slot->tenant = *tenant;
	slot->fetched = time(NULL);
}


bool
tenant_lookup(const char *name, struct tenant *tenant, struct error *err)
{
	const char *params[1] = {name};
	struct cached_tenant *cached;
	PGresult *result;

	if (!tenant_name_is_valid(name))
		return misdirected(err);

	cached = find_cached(name);
	if (cached != NULL && time(NULL) - cached->fetched < CACHE_SECONDS) {
		*tenant = cached->tenant;
		return true;
	}

	result = pg_query("SELECT host, timezone FROM perfimmo_meta.tenants WHERE name = $1",
	    1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	if (PQntuples(result) != 1) {
		PQclear(result);
		return misdirected(err);
	}

	tenant_derive_names(tenant, name);
	snprintf(tenant->host, sizeof(tenant->host), "%s", PQgetvalue(result, 0, 0));
	snprintf(tenant->timezone, sizeof(tenant->timezone), "%s", PQgetvalue(result, 0, 1));
	PQclear(result);

	remember(tenant);
	return true;
}
