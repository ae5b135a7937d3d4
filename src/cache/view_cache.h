/*
 * Read-through cache of GET responses in Redis, and how a cached GET is
 * served without PostgreSQL.
 *
 * Generation.  Every committed command of a tenant raises the tenant's
 * generation (command_lock.generation in PostgreSQL) in its own
 * transaction.  So does every change to credentials, API keys and session
 * secrets, through the triggers of sql/tenant/014_credentials_generation.sql.
 * Those changes are logout, user commands, and perfimmo-admin superuser
 * create, password set, key create, key revoke, secret add and tenant
 * create.  perfimmo-admin rebuild raises the generation too.  A
 * view is keyed by the generation and the user it was computed for, so a
 * write makes every older view unreachable at once, on every worker, and
 * no scope ever sees a view computed for another user.  A slow reader that
 * fills the cache after a newer write stores its view under the older
 * generation, which readers stop using once they see the newer one.
 *
 * Mirror.  Redis keeps a copy of each tenant's generation
 * (generation_mirror.h).  Every writer raises it right after its COMMIT,
 * before it sends its response, with a set-if-greater script, so the next
 * GET on any worker uses the new generation.  A reader that finds no mirror reads the
 * generation from PostgreSQL and raises the mirror to it.  The mirror
 * expires after generation_mirror_ttl_ms (1 s by default).  That TTL
 * bounds how long readers may keep an older generation when a raise is
 * lost while Redis stays reachable.  A raise is lost on a Redis time-out at
 * that moment, when perfimmo-admin runs without access to Redis, for SQL
 * run by hand, for a COMMIT of unknown outcome, or when a reader stalls for
 * longer than the TTL between its PostgreSQL read and its raise.  It also costs about one PostgreSQL
 * read per tenant and TTL, which is why it is not shorter.
 *
 * Actors.  The credentials row of an API key or of a session's user is
 * cached under the generation that the same SQL statement read
 * (actor_cache.h), and each worker keeps the tenant's session secrets in
 * memory with the generation they were read at (auth/session.h).  Since
 * every change to them raises the generation, a revoked key, a disabled
 * user or a logout is refused on the next request, from any worker.
 *
 * A cached GET with an API key, or with a session whose secrets the worker
 * holds, so costs one Redis round trip (actor_cache_lookup: mirror,
 * actor and view), then the same actor and session checks as a
 * PostgreSQL lookup before the view is sent.  A miss of any part falls
 * back to PostgreSQL and fills what was missing.  When Redis is down,
 * every request reads PostgreSQL as if there were no cache, and writes
 * made meanwhile are seen when it returns: the mirror has expired by then,
 * or the writers raised it.  TTLs bound how long unreachable views and
 * actors stay.
 */
#ifndef PERFIMMO_VIEW_CACHE_H
#define PERFIMMO_VIEW_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

#define VIEW_CACHE_KEY_SIZE 200
#define VIEW_CACHE_HASH_SIZE 65
#define VIEW_CACHE_TTL_SECONDS 300

/* Writes the lowercase hex SHA-256 of REQ's method, path and query string into HASH. */
void view_cache_request_hash(const struct request *req, char hash[VIEW_CACHE_HASH_SIZE]);

/* Builds the key of the view of REQUEST_HASH for TENANT, GENERATION and USER_UID into KEY. */
void view_cache_key(const char *tenant, long long generation, const char *user_uid,
    const char *request_hash, char key[VIEW_CACHE_KEY_SIZE]);

/* Sends the cached view of KEY, if any; true when a response was sent. */
bool view_cache_serve(struct request *req, const char *key);

/* Sends the LEN bytes of a stored view read by the caller; true when it was well formed. */
bool view_cache_serve_value(struct request *req, const char *value, size_t len);

/*
 * Takes the right to compute KEY's view (a short Redis lock), so that one
 * missed hot key does not send every worker to PostgreSQL.  When another
 * worker has the lock, waits a little for its view and sends it.  Returns
 * true when a response was sent.
 */
bool view_cache_wait_for_other(struct request *req, const char *key);

/* Stores the captured 200/206 response of REQ under KEY and drops the lock. */
void view_cache_store(const char *key, const struct request *req);

/* Counters for metrics and tests. */
unsigned long view_cache_hits(void);
unsigned long view_cache_misses(void);

#endif
