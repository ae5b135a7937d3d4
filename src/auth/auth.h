/*
 * Authentication of a request: an API key in `Authorization` (with or
 * without "Bearer "), else a PI_SESSION cookie (session.h).  When an
 * Authorization header is present it is the only credential looked at.
 */
#ifndef PERFIMMO_AUTH_H
#define PERFIMMO_AUTH_H

#include <stdbool.h>

#include "auth/actor.h"
#include "cache/actor_cache.h"
#include "common/config.h"
#include "common/error.h"
#include "db/tenant.h"
#include "http/request.h"

/*
 * Fills ACTOR from the request's credentials, looked up in the tenant's
 * schema (the connection must already act as the tenant's role).  Returns
 * false with 401 Unauthenticated, or 503 when the database is down.
 */
bool auth_authenticate(const struct request *req, const struct config *config,
    const struct tenant *tenant, struct actor *actor, struct error *err);

/*
 * Like auth_authenticate, from the actor cache when it can (see
 * cache/view_cache.h): one Redis round trip reads the tenant's generation
 * mirror, the actor of the request's credential and, into FOUND, the
 * actor's cached view of REQUEST_HASH.  On a miss the credentials are read
 * from PostgreSQL and cached, and FOUND contains no view.  Session cookies
 * are checked with the secrets the worker keeps when they are as new as
 * the actor's generation.  ACTOR->generation is the generation to key the
 * view by.  The caller frees FOUND with actor_cache_found_free.
 */
bool auth_authenticate_cached(const struct request *req, const struct config *config,
    const struct tenant *tenant, const char *request_hash, struct actor *actor,
    struct actor_cache_found *found, struct error *err);

/*
 * Adds the Set-Cookie of a new session of USER_UID (at GENERATION) to the
 * response being built: login.
 */
bool auth_session_start(struct request *req, const struct config *config,
    const struct tenant *tenant, const char *user_uid, int generation,
    struct error *err);

/*
 * Re-issues the cookie of a session-authenticated ACTOR with lastSeen =
 * now and Max-Age = the rest of its lifetime (sliding idle time).  Does
 * nothing for an API key.
 */
bool auth_session_refresh(struct request *req, const struct config *config,
    const struct tenant *tenant, const struct actor *actor, struct error *err);

/* Adds a Set-Cookie that removes the session cookie (logout). */
void auth_session_clear(struct request *req, const struct config *config);

/* Writes the lowercase hex SHA-256 of KEY into HEX (65 bytes). */
void auth_hash_key(const char *key, char hex[65]);

/* True when KEY matches ^[A-Za-z0-9_-]{32,128}$. */
bool auth_key_is_well_formed(const char *key);

#endif
