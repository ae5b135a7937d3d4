/*
 * The mirror of each tenant's generation in Redis, under
 * "pi:generation:<tenant>", so that a cached GET learns the generation
 * without asking PostgreSQL (view_cache.h describes the whole design).
 * Every writer raises the mirror after its COMMIT, and a reader that finds
 * no mirror raises it to the generation it read from PostgreSQL.  The
 * raise is a "set only if greater" script, so a slow reader or an earlier
 * writer never moves the mirror back.  The mirror expires after its TTL,
 * which bounds how long it can lag when a writer could not raise it.
 */
#ifndef PERFIMMO_GENERATION_MIRROR_H
#define PERFIMMO_GENERATION_MIRROR_H

#include <stdbool.h>

#define GENERATION_MIRROR_KEY_SIZE 64

/* Writes the Redis key of TENANT's mirror into KEY. */
void generation_mirror_key(const char *tenant, char key[GENERATION_MIRROR_KEY_SIZE]);

/* Sets the TTL of the mirror, in milliseconds (generation_mirror_ttl_ms in perfimmo.conf). */
void generation_mirror_setup(int ttl_ms);

/*
 * Raises TENANT's mirror to GENERATION, with a fresh TTL, unless it
 * contains GENERATION or a higher value.  Returns false when Redis is
 * unavailable, which redis.c has logged.
 */
bool generation_mirror_raise(const char *tenant, long long generation);

/* The TTL set by generation_mirror_setup, in milliseconds. */
int generation_mirror_ttl_ms(void);

#endif
