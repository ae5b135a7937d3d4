/*
 * Counters of failed attempts per key (a login, a client address) over a
 * fixed window, kept in Redis (INCR, then EXPIRE NX) so that every worker
 * shares them.  When Redis does not respond, each worker counts in its own
 * memory instead: a weaker limit, never none.
 */
#ifndef PERFIMMO_RATELIMIT_H
#define PERFIMMO_RATELIMIT_H

#include <stdbool.h>

/*
 * True when KEY has reached MAX failures in its current window; then
 * *RETRY_AFTER gets the seconds until the window ends (at least 1).
 */
bool ratelimit_blocked(const char *key, int max, int *retry_after);

/* Counts one failure of KEY; the window of WINDOW seconds starts at the first. */
void ratelimit_fail(const char *key, int window);

/* Forgets the failures of KEY (after a success). */
void ratelimit_reset(const char *key);

/*
 * The per-worker fallback table, exposed for its unit tests.  NOW_MS is a
 * monotonic clock in milliseconds.
 */
bool ratelimit_memory_blocked(const char *key, int max, long long now_ms, int *retry_after);
void ratelimit_memory_fail(const char *key, int window, long long now_ms);
void ratelimit_memory_reset(const char *key);
void ratelimit_memory_clear(void);

#endif
