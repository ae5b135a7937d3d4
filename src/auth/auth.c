/* API keys (and, through session.c, cookies) to an actor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "auth.h"
#include "db/pg.h"
#include "http/response.h"
#include "session.h"

/* PI_SESSION cookies looked at in one Cookie header. */
#define AUTH_MAX_COOKIES 4


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


static struct pg_statement key_statement = {
	"perfimmo_api_key",
	"SELECT c.user_uid, c.user_type, coalesce(c.company_uid::text, ''), c.disabled, c.session_generation"
	"  FROM api_keys k JOIN credentials c ON c.user_uid = k.user_uid"
	" WHERE k.key_hash = $1",
	0
};

static struct pg_statement session_statement = {
	"perfimmo_session_user",
	"SELECT user_uid, user_type, coalesce(company_uid::text, ''), disabled, session_generation"
	"  FROM credentials WHERE user_uid = $1",
	0
};


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

	result = pg_query_prepared(&key_statement, 1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	ok = fill_actor(result, actor, err);
	PQclear(result);
	return ok;
}


/*
 * Tries one PI_SESSION token: signed by this tenant, for this tenant,
 * within its lifetime and idle time, of an enabled user whose session
 * generation has not moved since.
 */
static bool
authenticate_token(const char *token, const struct config *config,
    const struct tenant *tenant, const struct session_secrets *secrets,
    struct actor *actor, struct error *err)
{
	struct session_payload payload;
	const char *params[1];
	PGresult *result;
	bool ok;

	if (!session_token_verify(token, secrets, &payload) ||
	    strcmp(payload.tenant, tenant->name) != 0 ||
	    session_age(&payload, session_now_ms(), config->session_lifetime,
	    config->session_idle) != SESSION_FRESH)
		return unauthenticated(err);

	params[0] = payload.user_uid;
	result = pg_query_prepared(&session_statement, 1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	ok = fill_actor(result, actor, err);
	PQclear(result);
	if (ok && actor->session_generation != payload.generation)
		ok = unauthenticated(err);
	actor->by_session = ok;
	actor->session_issued_ms = payload.issued_ms;
	return ok;
}


/* A browser may send several PI_SESSION cookies (other paths, domains): any valid one will do. */
static bool
authenticate_cookie(const char *header, const struct config *config,
    const struct tenant *tenant, struct actor *actor, struct error *err)
{
	struct session_secrets secrets;
	char token[SESSION_TOKEN_MAX + 1];

	if (!session_load_secrets(&secrets, err))
		return false;
	for (int i = 0; i < AUTH_MAX_COOKIES; i++) {
		if (!session_cookie_value(header, SESSION_COOKIE, i, token, sizeof(token)))
			break;
		memset(actor, 0, sizeof(*actor));
		if (authenticate_token(token, config, tenant, &secrets, actor, err))
			break;
		if (err->type != ERR_UNAUTHENTICATED)
			break;
	}
	explicit_bzero(&secrets, sizeof(secrets));
	explicit_bzero(token, sizeof(token));
	return actor->by_session || (err->type != ERR_NONE ? false : unauthenticated(err));
}


bool
auth_authenticate(const struct request *req, const struct config *config,
    const struct tenant *tenant, struct actor *actor, struct error *err)
{
	const char *key;

	memset(actor, 0, sizeof(*actor));
	error_clear(err);

	if (req->authorization != NULL) {
		key = req->authorization;
		if (strncasecmp(key, "Bearer ", 7) == 0)
			key += 7;
		return authenticate_key(key, actor, err);
	}
	if (req->cookie != NULL)
		return authenticate_cookie(req->cookie, config, tenant, actor, err);
	return unauthenticated(err);
}


/* Adds Set-Cookie for PAYLOAD, valid for the rest of its lifetime. */
static bool
set_cookie(struct request *req, const struct config *config,
    const struct session_payload *payload, struct error *err)
{
	struct session_secrets secrets;
	char token[SESSION_TOKEN_MAX + 1];
	char header[SESSION_TOKEN_MAX + 400];
	bool ok;

	if (!session_load_secrets(&secrets, err))
		return false;
	if (secrets.count == 0)
		return error_set(err, ERR_INTERNAL, "aucun secret de session pour ce client",
		    "no session secret for this tenant");
	ok = session_token_make(payload, secrets.key[0], secrets.len[0], token, sizeof(token));
	explicit_bzero(&secrets, sizeof(secrets));
	if (!ok)
		return error_set(err, ERR_INTERNAL, "jeton de session trop long", "session token too long");

	snprintf(header, sizeof(header), "%s=%s; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=%lld%s%s",
	    SESSION_COOKIE, token,
	    session_remaining_s(payload, payload->last_seen_ms, config->session_lifetime),
	    config->cookie_domain[0] != '\0' ? "; Domain=" : "", config->cookie_domain);
	response_header(req, "Set-Cookie", header);
	explicit_bzero(token, sizeof(token));
	explicit_bzero(header, sizeof(header));
	return true;
}


bool
auth_session_start(struct request *req, const struct config *config,
    const struct tenant *tenant, const char *user_uid, int generation,
    struct error *err)
{
	struct session_payload payload;

	memset(&payload, 0, sizeof(payload));
	snprintf(payload.tenant, sizeof(payload.tenant), "%s", tenant->name);
	snprintf(payload.user_uid, sizeof(payload.user_uid), "%s", user_uid);
	payload.generation = generation;
	payload.issued_ms = session_now_ms();
	payload.last_seen_ms = payload.issued_ms;
	return set_cookie(req, config, &payload, err);
}


bool
auth_session_refresh(struct request *req, const struct config *config,
    const struct tenant *tenant, const struct actor *actor, struct error *err)
{
	struct session_payload payload;

	if (!actor->by_session)
		return true;
	memset(&payload, 0, sizeof(payload));
	snprintf(payload.tenant, sizeof(payload.tenant), "%s", tenant->name);
	snprintf(payload.user_uid, sizeof(payload.user_uid), "%s", actor->uid);
	payload.generation = actor->session_generation;
	payload.issued_ms = actor->session_issued_ms;
	payload.last_seen_ms = session_now_ms();
	return set_cookie(req, config, &payload, err);
}


void
auth_session_clear(struct request *req, const struct config *config)
{
	char header[400];

	snprintf(header, sizeof(header), "%s=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0%s%s",
	    SESSION_COOKIE, config->cookie_domain[0] != '\0' ? "; Domain=" : "",
	    config->cookie_domain);
	response_header(req, "Set-Cookie", header);
}
