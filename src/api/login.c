/*
 * POST /api/v1/login and POST /api/v1/logout (conventions §5.1).  A failed
 * login gives one answer whatever failed (unknown login, wrong password,
 * disabled user) and costs the same work; failures are counted per login
 * and per client address, and past the limit the login is not even tried.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/password.h"
#include "auth/ratelimit.h"
#include "cache/generation_mirror.h"
#include "common/json_strict.h"
#include "common/schema.h"
#include "common/types.h"
#include "db/pg.h"
#include "handlers.h"
#include "http/response.h"
#include "journal/journal.h"

static const struct schema_field login_fields[] = {
	{"login", SCHEMA_REQUIRED, {.type = SCHEMA_STRING}},
	{"password", SCHEMA_REQUIRED, {.type = SCHEMA_STRING}},
	{NULL, 0, {0}},
};

/* The credentials a login names; hash NULL when unknown. */
struct stored_login {
	char user_uid[37];
	char *hash;
	bool disabled;
	int generation;
};

/* Rate-limit keys of one attempt: a hash of the login, the client address. */
struct limit_keys {
	char login[128];
	char address[128];
};


static void
limit_keys_of(const struct context *ctx, const char *login, struct limit_keys *keys)
{
	char hash[65];

	/* Hashed, so that any login text makes a short, plain key. */
	auth_hash_key(login, hash);
	snprintf(keys->login, sizeof(keys->login), "perfimmo:%s:login-failures:login:%s",
	    ctx->tenant.name, hash);
	snprintf(keys->address, sizeof(keys->address), "perfimmo:%s:login-failures:address:%.60s",
	    ctx->tenant.name, ctx->req->remote_addr != NULL ? ctx->req->remote_addr : "");
}


static bool
too_many(struct context *ctx, const struct limit_keys *keys, struct error *err)
{
	const struct config *config = ctx->config;
	int retry_after = 0;
	char seconds[16];

	if (!ratelimit_blocked(keys->login, config->login_max_failures, &retry_after) &&
	    !ratelimit_blocked(keys->address, config->login_max_failures_per_address, &retry_after))
		return false;
	snprintf(seconds, sizeof(seconds), "%d", retry_after);
	response_header(ctx->req, "Retry-After", seconds);
	error_set(err, ERR_TOO_MANY_REQUESTS,
	    "trop de tentatives de connexion échouées, réessayez dans %d s",
	    "too many failed logins, retry in %d s", retry_after);
	return true;
}


/* Looks LOGIN up; an unknown login leaves STORED with no hash. */
static bool
find_login(const char *login, struct stored_login *stored, struct error *err)
{
	const char *params[1] = {login};
	PGresult *result;

	memset(stored, 0, sizeof(*stored));
	result = pg_query("SELECT user_uid, password_hash, disabled, session_generation"
	    "  FROM credentials WHERE login = $1",
	    1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	if (PQntuples(result) == 1) {
		snprintf(stored->user_uid, sizeof(stored->user_uid), "%s", PQgetvalue(result, 0, 0));
		if (!PQgetisnull(result, 0, 1))
			stored->hash = strdup(PQgetvalue(result, 0, 1));
		stored->disabled = strcmp(PQgetvalue(result, 0, 2), "t") == 0;
		stored->generation = atoi(PQgetvalue(result, 0, 3));
	}
	PQclear(result);
	return true;
}


/* The stored form of a login (lowercase e-mail), or NULL when it cannot be one. */
static char *
normalise_login(struct json_object *body)
{
	struct json_object *value;
	struct error ignored;

	json_object_object_get_ex(body, "login", &value);
	return types_parse_email(json_object_get_string(value),
	    (size_t)json_object_get_string_len(value), &ignored);
}


/*
 * Checks the password; every path runs exactly one hash.  Returns false
 * with ERR set only when the database failed.
 */
static bool
check_credentials(struct json_object *body, const char *login, struct stored_login *stored,
    bool *accepted, struct error *err)
{
	struct json_object *value;
	const char *password;
	bool match;

	json_object_object_get_ex(body, "password", &value);
	password = json_object_get_string(value);

	if (login != NULL && !find_login(login, stored, err))
		return false;
	/* A password with a NUL byte cannot match a C-string hash: same work, same refusal. */
	match = password_verify(password, stored->hash) &&
	    strlen(password) == (size_t)json_object_get_string_len(value);
	*accepted = match && !stored->disabled;
	return true;
}


static void
reject_login(struct context *ctx, const struct limit_keys *keys)
{
	struct error err;

	ratelimit_fail(keys->login, ctx->config->login_failure_window);
	ratelimit_fail(keys->address, ctx->config->login_failure_window);
	error_set(&err, ERR_INVALID_CREDENTIALS, "identifiant ou mot de passe incorrect",
	    "invalid login or password");
	response_error(ctx->req, &err);
}


void
login_post(void *opaque)
{
	struct context *ctx = opaque;
	struct json_object *parsed = NULL, *body = NULL;
	struct stored_login stored;
	struct limit_keys keys;
	struct error err;
	char *login = NULL;
	bool accepted = false;

	memset(&stored, 0, sizeof(stored));
	error_clear(&err);

	parsed = json_strict_parse(ctx->req->body, ctx->req->body_len, &err);
	if (parsed == NULL || (body = schema_validate(parsed, login_fields, &err)) == NULL)
		goto fail;

	login = normalise_login(body);
	{
		struct json_object *raw;
		json_object_object_get_ex(body, "login", &raw);
		limit_keys_of(ctx, login != NULL ? login : json_object_get_string(raw), &keys);
	}
	if (too_many(ctx, &keys, &err))
		goto fail;
	if (!check_credentials(body, login, &stored, &accepted, &err))
		goto fail;
	if (!accepted) {
		reject_login(ctx, &keys);
		goto done;
	}

	ratelimit_reset(keys.login);
	if (!auth_session_start(ctx->req, ctx->config, &ctx->tenant, stored.user_uid,
	    stored.generation, &err))
		goto fail;
	response_raw(ctx->req, 200, NULL, 0);
	goto done;

fail:
	response_error(ctx->req, &err);
done:
	/* The body held the password: wipe it before it goes back to the allocator. */
	if (ctx->req->body != NULL)
		explicit_bzero(ctx->req->body, ctx->req->body_len);
	json_object_put(parsed);
	json_object_put(body);
	free(login);
	free(stored.hash);
}


/*
 * Ends every session of USER_UID by raising its session generation.  The
 * tenant's generation is raised first, in the same transaction, so that
 * cached actors of the user are not used again (cache/view_cache.h);
 * *GENERATION gets its new value.
 */
static bool
end_sessions(const char *user_uid, long long *generation, struct error *err)
{
	const char *params[1] = {user_uid};
	const struct pg_pipelined statements[4] = {
		{NULL, "BEGIN", 0, NULL},
		{NULL, "SELECT generation_raise()", 0, NULL},
		{NULL, "UPDATE credentials SET session_generation = session_generation + 1"
		    " WHERE user_uid = $1", 1, params},
		{NULL, "COMMIT", 0, NULL},
	};
	PGresult *results[4];
	bool ok;

	if (!pg_pipeline(statements, 4, results, err))
		return false;
	ok = pg_pipeline_check(results[0], PGRES_COMMAND_OK, err) &&
	    pg_pipeline_check(results[1], PGRES_TUPLES_OK, err) &&
	    pg_pipeline_check(results[2], PGRES_COMMAND_OK, err) &&
	    pg_pipeline_check(results[3], PGRES_COMMAND_OK, err);
	if (ok)
		*generation = atoll(PQgetvalue(results[1], 0, 0));
	for (int i = 0; i < 4; i++)
		PQclear(results[i]);
	/* A failed statement leaves the transaction open and aborted. */
	if (!ok)
		journal_rollback();
	return ok;
}


void
logout_post(void *opaque)
{
	struct context *ctx = opaque;
	struct json_object *body;
	long long generation;
	struct error err;

	/* An empty body is allowed; a body that is there must be a JSON object. */
	if (ctx->req->body != NULL && ctx->req->body_len > 0) {
		body = json_strict_parse(ctx->req->body, ctx->req->body_len, &err);
		if (body == NULL) {
			response_error(ctx->req, &err);
			return;
		}
		json_object_put(body);
	}

	if (!end_sessions(ctx->actor.uid, &generation, &err)) {
		response_error(ctx->req, &err);
		return;
	}
	/* Before the response, so that the very next request with the old cookie is rejected. */
	generation_mirror_raise(ctx->tenant.name, generation);
	if (ctx->actor.by_session)
		auth_session_clear(ctx->req, ctx->config);
	response_raw(ctx->req, 204, NULL, 0);
}
