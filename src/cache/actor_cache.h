/*
 * Authenticated actors cached in Redis, and the lookup that reads, in one
 * round trip, a tenant's generation mirror, the actor of a credential at
 * that generation, and the actor's cached view of the request.  The design
 * and its guarantees are described in view_cache.h.
 *
 * An actor is stored under "pi:actor:<tenant>:<generation>:<credential>",
 * where the credential is "key:<SHA-256 of the API key>" or
 * "user:<user uid>" for a session; the key itself never reaches Redis.
 * The value is the credentials row that PostgreSQL returned at that
 * generation (auth/credentials.h), user uid first.
 */
#ifndef PERFIMMO_ACTOR_CACHE_H
#define PERFIMMO_ACTOR_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <hiredis/hiredis.h>

/* Maximum size of a credential, "user:" and a uid or "key:" and 64 hex digits, with its NUL. */
#define ACTOR_CACHE_CREDENTIAL_SIZE 72

/* Result of actor_cache_lookup, of which each part may be missing. */
struct actor_cache_found {
	long long generation;		/* the mirror's value, or -1 */
	const char *actor;		/* cached credentials row, or NULL */
	size_t actor_len;
	const char *view;		/* cached view (view_cache.c format), or NULL */
	size_t view_len;
	redisReply *reply;		/* owns actor and view */
};

/*
 * Reads TENANT's generation mirror, the actor of CREDENTIAL at that
 * generation and, when REQUEST_HASH is not NULL, the actor's view of the
 * request (view_cache_request_hash), in one script run.  Returns false
 * when Redis is unavailable, and FOUND then contains nothing.  The caller
 * frees FOUND with actor_cache_found_free in every case.
 */
bool actor_cache_lookup(const char *tenant, const char *credential,
    const char *request_hash, struct actor_cache_found *found);

void actor_cache_found_free(struct actor_cache_found *found);

/*
 * Stores the LEN bytes of ACTOR (a credentials row) as CREDENTIAL's actor
 * at TENANT's GENERATION, for VIEW_CACHE_TTL_SECONDS.  A failure only
 * costs the next request a PostgreSQL lookup, so it is logged by redis.c
 * and not reported.
 */
void actor_cache_store(const char *tenant, long long generation, const char *credential,
    const char *actor, size_t len);

#endif
