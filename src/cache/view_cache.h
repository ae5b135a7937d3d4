/*
 * Read-through cache of GET responses in Redis.
 *
 * Invalidation by generation: every committed command of a tenant raises
 * the tenant's generation, kept in PostgreSQL (command_lock.generation) in
 * the command's own transaction.  A cached view is keyed by the generation
 * it was computed at, so a write makes every older view unreachable at
 * once, on every worker.  A slow reader that fills the cache after a newer
 * write stores its view under the old generation, which no reader uses any
 * more.  Because the generation is read from PostgreSQL, not Redis, a
 * write made while Redis was down is still seen the moment it returns.
 *
 * Keys also carry the user, so no scope ever sees a view computed for
 * another; TTLs bound how long unreachable views stay.
 */
#ifndef PERFIMMO_VIEW_CACHE_H
#define PERFIMMO_VIEW_CACHE_H

#include <stdbool.h>

#include "http/request.h"

#define VIEW_CACHE_KEY_SIZE 200
#define VIEW_CACHE_TTL_SECONDS 300

/*
 * Builds the key of REQ's view for TENANT, USER_UID and GENERATION into
 * KEY.  The method, path and query string are hashed (SHA-256).
 */
void view_cache_key(const struct request *req, const char *tenant,
    const char *user_uid, long long generation, char key[VIEW_CACHE_KEY_SIZE]);

/* Sends the cached view of KEY, if any; true when a response was sent. */
bool view_cache_serve(struct request *req, const char *key);

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
