/* Session secrets from PostgreSQL, kept per tenant in the worker's memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "db/tenant.h"
#include "session_secrets.h"

/* Tenants whose secrets a worker keeps; the oldest entry makes room. */
#define KEPT_MAX 16

struct kept_secrets {
	char tenant[TENANT_NAME_MAX + 1];
	long long generation;
	struct session_secrets secrets;
};

static struct kept_secrets kept[KEPT_MAX];
static int kept_count;
static int kept_next;

/* One row per secret, newest first, or one row with no secret when the tenant has none. */
static struct pg_statement secrets_statement = {
	"perfimmo_session_secrets",
	"SELECT l.generation, encode(s.secret, 'hex') FROM command_lock l"
	"  LEFT JOIN LATERAL (SELECT secret FROM session_secrets ORDER BY id DESC LIMIT 2) s ON true",
	0
};


static struct kept_secrets *
find_kept(const char *tenant)
{
	for (int i = 0; i < kept_count; i++)
		if (strcmp(kept[i].tenant, tenant) == 0)
			return &kept[i];
	return NULL;
}


static void
keep(const char *tenant, const struct session_secrets *secrets, long long generation)
{
	struct kept_secrets *slot = find_kept(tenant);

	if (slot == NULL && kept_count < KEPT_MAX)
		slot = &kept[kept_count++];
	if (slot == NULL) {
		slot = &kept[kept_next];
		kept_next = (kept_next + 1) % KEPT_MAX;
	}
	explicit_bzero(slot, sizeof(*slot));
	snprintf(slot->tenant, sizeof(slot->tenant), "%s", tenant);
	slot->generation = generation;
	slot->secrets = *secrets;
}


/* Decodes the hex secret of one row into the next free slot of SECRETS. */
static void
add_secret(struct session_secrets *secrets, const char *hex)
{
	size_t len = strlen(hex) / 2;

	if (len > SESSION_SECRET_MAX)
		len = SESSION_SECRET_MAX;
	for (size_t j = 0; j < len; j++) {
		unsigned byte;
		sscanf(hex + 2 * j, "%2x", &byte);
		secrets->key[secrets->count][j] = (unsigned char)byte;
	}
	secrets->len[secrets->count++] = len;
}


bool
session_secrets_load(const char *tenant, struct session_secrets *secrets,
    long long *generation, struct error *err)
{
	PGresult *result = pg_query_prepared(&secrets_statement, 0, NULL, PGRES_TUPLES_OK, err);

	if (result == NULL)
		return false;
	memset(secrets, 0, sizeof(*secrets));
	*generation = PQntuples(result) > 0 ? atoll(PQgetvalue(result, 0, 0)) : 0;
	for (int i = 0; i < PQntuples(result) && i < 2; i++)
		if (!PQgetisnull(result, i, 1))
			add_secret(secrets, PQgetvalue(result, i, 1));
	PQclear(result);
	keep(tenant, secrets, *generation);
	return true;
}


bool
session_secrets_kept(const char *tenant, struct session_secrets *secrets,
    long long *generation)
{
	const struct kept_secrets *slot = find_kept(tenant);

	if (slot == NULL)
		return false;
	*secrets = slot->secrets;
	*generation = slot->generation;
	return true;
}
