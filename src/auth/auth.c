/* API keys (and, through session.c, cookies) to an actor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "auth.h"
#include "db/pg.h"


void
auth_hash_key(const char *key, char hex[65])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_Digest(key, strlen(key), digest, &len, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < len && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	hex[64] = '\0';
}


bool
auth_key_is_well_formed(const char *key)
{
	size_t len = strlen(key);

	if (len < 32 || len > 128)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = key[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}


static bool
unauthenticated(struct error *err)
{
	return error_set(err, ERR_UNAUTHENTICATED,
	    "authentification requise : clé d'API ou session valide absente",
	    "authentication required: no valid API key or session");
}


/* Copies one row of the credentials query into ACTOR. */
static bool
fill_actor(PGresult *result, struct actor *actor, struct error *err)
{
	if (PQntuples(result) != 1 || strcmp(PQgetvalue(result, 0, 3), "t") == 0)
		return unauthenticated(err);

	actor->type = actor_type_from_name(PQgetvalue(result, 0, 1));
	if (actor->type == USER_NONE)
		return unauthenticated(err);
	snprintf(actor->uid, sizeof(actor->uid), "%s", PQgetvalue(result, 0, 0));
	snprintf(actor->company_uid, sizeof(actor->company_uid), "%s", PQgetvalue(result, 0, 2));
	actor->session_generation = atoi(PQgetvalue(result, 0, 4));
	return true;
}


static bool
authenticate_key(const char *key, struct actor *actor, struct error *err)
{
	char hash[65];
	const char *params[1] = {hash};
	PGresult *result;
	bool ok;

	if (!auth_key_is_well_formed(key))
		return unauthenticated(err);
	auth_hash_key(key, hash);

	result = pg_query(
	    "SELECT c.user_uid, c.user_type, coalesce(c.company_uid::text, ''), c.disabled, c.session_generation"
	    "  FROM api_keys k JOIN credentials c ON c.user_uid = k.user_uid"
	    " WHERE k.key_hash = $1",
	    1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	ok = fill_actor(result, actor, err);
	PQclear(result);
	return ok;
}


bool
auth_authenticate(const struct request *req, const struct config *config,
    const struct tenant *tenant, struct actor *actor, struct error *err)
{
	const char *key;

	memset(actor, 0, sizeof(*actor));
	(void)config;
	(void)tenant;

	if (req->authorization != NULL) {
		key = req->authorization;
		if (strncasecmp(key, "Bearer ", 7) == 0)
			key += 7;
		return authenticate_key(key, actor, err);
	}
	return unauthenticated(err);
}
