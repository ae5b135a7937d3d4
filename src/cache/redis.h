/*
 * The process's Redis connection.  Redis is a cache: every failure is
 * logged and reported as "unavailable", the connection is dropped, and no
 * new connection is tried for a second, so a dead Redis costs one
 * time-out per second per worker instead of one per request.
 */
#ifndef PERFIMMO_REDIS_H
#define PERFIMMO_REDIS_H

#include <stdbool.h>

#include <hiredis/hiredis.h>

void redis_setup(const char *host, int port, int timeout_ms);

/*
 * Runs one command (hiredis format).  Returns the reply, which the caller
 * frees with freeReplyObject, or NULL when Redis is unavailable or
 * answered with an error.
 */
redisReply *redis_command(const char *format, ...);

/* True when Redis answers PING. */
bool redis_ping(void);

/* Closes the connection, if any. */
void redis_close(void);

/* Number of connection failures since start, for metrics. */
unsigned long redis_failures(void);

#endif
