/*
 * API keys (and, through session.c, cookies) to an actor, read from
 * PostgreSQL or, for cached GETs, from the actor cache (cache/view_cache.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "cache/generation_mirror.h"
#include "common/digest.h"
#include "common/log.h"
#include "credentials.h"
#include "db/pg.h"
#include "http/response.h"
#include "session.h"
#include "session_secrets.h"

/* PI_SESSION cookies looked at in one Cookie header. */
#define AUTH_MAX_COOKIES 4


void
auth_hash_key(const char *key, char hex[65])
{
	digest_sha256_hex(&key, 1, hex);
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


/*
 * The caches one authentication may use: none for a request that must
 * read PostgreSQL (auth_authenticate), or the actor cache and kept session
 * secrets for a cached GET (auth_authenticate_cached).
 */
struct cache_use {
	const char *tenant;
	const char *request_hash;	/* the view to fetch along with the actor */
	struct actor_cache_found *found;
};


/* Checks the credentials row ROW, read at GENERATION, and copies it into ACTOR. */
static bool
fill_actor(const struct credentials *row, long long generation, struct actor *actor,
    struct error *err)
{
	if (row->disabled)
		return unauthenticated(err);

	actor->type = actor_type_from_name(row->user_type);
	if (actor->type == USER_NONE)
		return unauthenticated(err);
	snprintf(actor->uid, sizeof(actor->uid), "%s", row->user_uid);
	snprintf(actor->company_uid, sizeof(actor->company_uid), "%s", row->company_uid);
	actor->session_generation = row->session_generation;
	actor->generation = generation;
	return true;
}


/*
 * The tenant's generation is read in the same statement as the row, so
 * from the same snapshot: the row is exactly the one of that generation,
 * which is what lets it be cached under it.
 */
static struct pg_statement key_statement = {
	"perfimmo_api_key",
	"SELECT c.user_uid, c.user_type, coalesce(c.company_uid::text, ''), c.disabled, c.session_generation,"
	"       (SELECT generation FROM command_lock)"
	"  FROM api_keys k JOIN credentials c ON c.user_uid = k.user_uid"
	" WHERE k.key_hash = $1",
	0
};

static struct pg_statement session_statement = {
	"perfimmo_session_user",
	"SELECT user_uid, user_type, coalesce(company_uid::text, ''), disabled, session_generation,"
	"       (SELECT generation FROM command_lock)"
	"  FROM credentials WHERE user_uid = $1",
	0
};


/* Copies the one row of RESULT into ROW and *GENERATION; false when there is none. */
static bool
read_row(PGresult *result, struct credentials *row, long long *generation)
{
	memset(row, 0, sizeof(*row));
	if (PQntuples(result) != 1)
		return false;
	snprintf(row->user_uid, sizeof(row->user_uid), "%s", PQgetvalue(result, 0, 0));
	snprintf(row->user_type, sizeof(row->user_type), "%s", PQgetvalue(result, 0, 1));
	snprintf(row->company_uid, sizeof(row->company_uid), "%s", PQgetvalue(result, 0, 2));
	row->disabled = strcmp(PQgetvalue(result, 0, 3), "t") == 0;
	row->session_generation = atoi(PQgetvalue(result, 0, 4));
	*generation = atoll(PQgetvalue(result, 0, 5));
	return true;
}


/*
 * Finds CREDENTIAL's row in the actor cache, at the generation of the
 * tenant's mirror, along with the view that CACHE names.
 */
static bool
find_cached(struct cache_use *cache, const char *credential, struct credentials *row,
    long long *generation)
{
	struct actor_cache_found *found = cache->found;

	actor_cache_found_free(found);
	if (!actor_cache_lookup(cache->tenant, credential, cache->request_hash, found) ||
	    found->generation < 0 || found->actor == NULL)
		return false;
	if (!credentials_decode(found->actor, found->actor_len, row)) {
		log_warn("malformed cached actor at generation %lld: reading PostgreSQL instead",
		    found->generation);
		return false;
	}
	*generation = found->generation;
	return true;
}


/* Caches ROW as CREDENTIAL's actor at GENERATION, and raises the tenant's mirror to it. */
static void
remember(const struct cache_use *cache, const char *credential, const struct credentials *row,
    long long generation)
{
	char text[CREDENTIALS_TEXT_MAX];

	if (credentials_encode(row, text))
		actor_cache_store(cache->tenant, generation, credential, text, strlen(text));
	generation_mirror_raise(cache->tenant, generation);
}


/*
 * Finds the credentials row of CREDENTIAL ("key:<hash>" or "user:<uid>"):
 * in the actor cache when CACHE is not NULL, else, or on a miss, in
 * PostgreSQL with STATEMENT and its parameter PARAM, then caches it.
 * Returns false with 401 when there is no such row, or 503.
 */
static bool
find_credentials(struct cache_use *cache, const char *credential, struct pg_statement *statement,
    const char *param, struct credentials *row, long long *generation, struct error *err)
{
	PGresult *result;
	bool found;

	if (cache != NULL && find_cached(cache, credential, row, generation))
		return true;
	/* A view found at the mirror's generation does not go with a row read now. */
	if (cache != NULL)
		actor_cache_found_free(cache->found);

	result = pg_query_prepared(statement, 1, &param, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	found = read_row(result, row, generation);
	PQclear(result);
	if (!found)
		return unauthenticated(err);
	if (cache != NULL)
		remember(cache, credential, row, *generation);
	return true;
}


static bool
authenticate_key(const char *key, struct cache_use *cache, struct actor *actor,
    struct error *err)
{
	char credential[ACTOR_CACHE_CREDENTIAL_SIZE];
	struct credentials row;
	long long generation;

	if (!auth_key_is_well_formed(key))
		return unauthenticated(err);
	memcpy(credential, "key:", 4);
	auth_hash_key(key, credential + 4);

	if (!find_credentials(cache, credential, &key_statement, credential + 4, &row, &generation, err))
		return false;
	return fill_actor(&row, generation, actor, err);
}


/*
 * Tries one PI_SESSION token: signed by this tenant, for this tenant,
 * within its lifetime and idle time, of an enabled user whose session
 * generation has not moved since.
 */
static bool
authenticate_token(const char *token, const struct config *config,
    const struct tenant *tenant, const struct session_secrets *secrets,
    struct cache_use *cache, struct actor *actor, struct error *err)
{
	char credential[ACTOR_CACHE_CREDENTIAL_SIZE];
	struct session_payload payload;
	struct credentials row;
	long long generation;
	bool ok;

	if (!session_token_verify(token, secrets, &payload) ||
	    strcmp(payload.tenant, tenant->name) != 0 ||
	    session_age(&payload, session_now_ms(), config->session_lifetime,
	    config->session_idle) != SESSION_FRESH)
		return unauthenticated(err);

	snprintf(credential, sizeof(credential), "user:%s", payload.user_uid);
	if (!find_credentials(cache, credential, &session_statement, payload.user_uid, &row,
	    &generation, err))
		return false;
	ok = fill_actor(&row, generation, actor, err);
	if (ok && actor->session_generation != payload.generation)
		ok = unauthenticated(err);
	actor->by_session = ok;
	actor->session_issued_ms = payload.issued_ms;
	return ok;
}


/* A browser may send several PI_SESSION cookies (other paths, domains): any valid one will do. */
static bool
try_cookies(const char *header, const struct config *config, const struct tenant *tenant,
    const struct session_secrets *secrets, struct cache_use *cache, struct actor *actor,
    struct error *err)
{
	char token[SESSION_TOKEN_MAX + 1];

	error_clear(err);
	memset(actor, 0, sizeof(*actor));
	for (int i = 0; i < AUTH_MAX_COOKIES; i++) {
		if (!session_cookie_value(header, SESSION_COOKIE, i, token, sizeof(token)))
			break;
		memset(actor, 0, sizeof(*actor));
		if (authenticate_token(token, config, tenant, secrets, cache, actor, err))
			break;
		if (err->type != ERR_UNAUTHENTICATED)
			break;
	}
	explicit_bzero(token, sizeof(token));
	return actor->by_session || (err->type != ERR_NONE ? false : unauthenticated(err));
}


/*
 * Checks the cookies with the secrets this worker keeps, when CACHE allows
 * it and they are at least as new as the generation the actor was found
 * at.  Otherwise, or when no cookie passes with them (a secret added
 * since), checks them again with secrets read from PostgreSQL.
 */
static bool
authenticate_cookie(const char *header, const struct config *config,
    const struct tenant *tenant, struct cache_use *cache, struct actor *actor,
    struct error *err)
{
	struct session_secrets secrets;
	long long secrets_generation;
	bool ok;

	if (cache != NULL && session_secrets_kept(tenant->name, &secrets, &secrets_generation)) {
		ok = try_cookies(header, config, tenant, &secrets, cache, actor, err);
		explicit_bzero(&secrets, sizeof(secrets));
		if (ok && actor->generation <= secrets_generation)
			return true;
		if (!ok && err->type != ERR_UNAUTHENTICATED)
			return false;
	}

	if (!session_secrets_load(tenant->name, &secrets, &secrets_generation, err))
		return false;
	ok = try_cookies(header, config, tenant, &secrets, cache, actor, err);
	explicit_bzero(&secrets, sizeof(secrets));
	return ok;
}


/* Authenticates with the API key or, without one, the session cookie of REQ. */
static bool
authenticate(const struct request *req, const struct config *config,
    const struct tenant *tenant, struct cache_use *cache, struct actor *actor,
    struct error *err)
{
	const char *key;

	memset(actor, 0, sizeof(*actor));
	error_clear(err);

	if (req->authorization != NULL) {
		key = req->authorization;
		if (strncasecmp(key, "Bearer ", 7) == 0)
			key += 7;
		return authenticate_key(key, cache, actor, err);
	}
	if (req->cookie != NULL)
		return authenticate_cookie(req->cookie, config, tenant, cache, actor, err);
	return unauthenticated(err);
}


bool
auth_authenticate(const struct request *req, const struct config *config,
    const struct tenant *tenant, struct actor *actor, struct error *err)
{
	return authenticate(req, config, tenant, NULL, actor, err);
}


bool
auth_authenticate_cached(const struct request *req, const struct config *config,
    const struct tenant *tenant, const char *request_hash, struct actor *actor,
    struct actor_cache_found *found, struct error *err)
{
	struct cache_use cache = {tenant->name, request_hash, found};

	return authenticate(req, config, tenant, &cache, actor, err);
}


/*
 * Fills SECRETS with the tenant's secrets: the ones this worker keeps when
 * they were read at generation AT_LEAST or later, else from PostgreSQL.
 */
static bool
signing_secrets(const char *tenant, long long at_least, struct session_secrets *secrets,
    struct error *err)
{
	long long generation;

	if (session_secrets_kept(tenant, secrets, &generation) && generation >= at_least)
		return true;
	return session_secrets_load(tenant, secrets, &generation, err);
}


/*
 * Adds Set-Cookie for PAYLOAD, valid for the rest of its lifetime, signed
 * with secrets read at generation AT_LEAST or later.
 */
static bool
set_cookie(struct request *req, const struct config *config,
    const struct session_payload *payload, long long at_least, struct error *err)
{
	struct session_secrets secrets;
	char token[SESSION_TOKEN_MAX + 1];
	char header[SESSION_TOKEN_MAX + 400];
	bool ok;

	if (!signing_secrets(payload->tenant, at_least, &secrets, err))
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
	/* A login signs with secrets read now. */
	return set_cookie(req, config, &payload, LLONG_MAX, err);
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
	return set_cookie(req, config, &payload, actor->generation, err);
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
