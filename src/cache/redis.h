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

/* Arguments after the script's name that redis_script_run accepts. */
#define REDIS_SCRIPT_ARGS_MAX 8

/* A Lua script run with EVALSHA.  Declare it static with sha1 empty. */
struct redis_script {
	const char *source;
	char sha1[41];		/* computed at first use */
};

/*
 * Runs SCRIPT with the ARGC arguments of EVALSHA that follow its SHA-1:
 * the number of keys, the keys, then the other arguments.  Returns the
 * reply like redis_command does.
 */
redisReply *redis_script_run(struct redis_script *script, int argc, const char *const *argv);

/* True when Redis answers PING. */
bool redis_ping(void);

/* Closes the connection, if any. */
void redis_close(void);

/* Number of connection failures since start, for metrics. */
unsigned long redis_failures(void);

#endif
