/* One Redis connection per process, with a retry delay after failures. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "common/log.h"
#include "metrics/metrics.h"
#include "redis.h"

#define RETRY_DELAY_MS 1000

static redisContext *context;
static char saved_host[256];
static int saved_port;
static int saved_timeout_ms;
static struct timespec retry_after;
static unsigned long failure_count;
/* Whether this process had a connection before: the next one is a reconnect. */
static bool connected_before;


void
redis_setup(const char *host, int port, int timeout_ms)
{
	snprintf(saved_host, sizeof(saved_host), "%s", host);
	saved_port = port;
	saved_timeout_ms = timeout_ms;
}


void
redis_close(void)
{
	if (context != NULL) {
		redisFree(context);
		context = NULL;
	}
}


unsigned long
redis_failures(void)
{
	return failure_count;
}


static long long
now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}


static void
fail(const char *reason)
{
	long long until = now_ms() + RETRY_DELAY_MS;

	failure_count++;
	log_warn("Redis unavailable: %s", reason);
	redis_close();
	retry_after.tv_sec = until / 1000;
	retry_after.tv_nsec = (until % 1000) * 1000000;
}


static bool
connect_if_needed(bool ignore_delay)
{
	struct timeval timeout;

	if (context != NULL)
		return true;
	if (!ignore_delay &&
	    now_ms() < (long long)retry_after.tv_sec * 1000 + retry_after.tv_nsec / 1000000)
		return false;

	timeout.tv_sec = saved_timeout_ms / 1000;
	timeout.tv_usec = (saved_timeout_ms % 1000) * 1000;
	context = redisConnectWithTimeout(saved_host, saved_port, timeout);
	if (context == NULL || context->err != 0) {
		metrics_count(METRICS_REDIS_CONNECT_FAILURES);
		fail(context != NULL ? context->errstr : "out of memory");
		return false;
	}
	if (redisSetTimeout(context, timeout) != REDIS_OK) {
		metrics_count(METRICS_REDIS_CONNECT_FAILURES);
		fail("could not set the command time-out");
		return false;
	}
	if (connected_before)
		metrics_count(METRICS_REDIS_RECONNECTS);
	connected_before = true;
	return true;
}


/*
 * True when the command failed because the server closed a connection
 * opened earlier (a Redis restart): not a time-out, which a second try
 * would only double.
 */
static bool
closed_by_server(const redisContext *failed)
{
	return failed->err == REDIS_ERR_EOF ||
	    (failed->err == REDIS_ERR_IO && (errno == ECONNRESET || errno == EPIPE));
}


/* Appends the COUNT commands, then reads their replies; false when the link failed. */
static bool
send_and_read(char *const *commands, const int *lens, int count, redisReply **replies)
{
	int received = 0;

	for (int i = 0; i < count; i++)
		if (redisAppendFormattedCommand(context, commands[i], (size_t)lens[i]) != REDIS_OK)
			return false;
	for (; received < count; received++) {
		void *reply = NULL;

		if (redisGetReply(context, &reply) != REDIS_OK || reply == NULL)
			break;
		replies[received] = reply;
	}
	if (received == count)
		return true;
	for (int i = 0; i < received; i++) {
		freeReplyObject(replies[i]);
		replies[i] = NULL;
	}
	return false;
}


/*
 * Sends the COUNT formatted COMMANDS in one round trip and reads one reply
 * for each into REPLIES.  Returns false, with no reply kept, when Redis is
 * unavailable; error replies are returned like the others.
 */
static bool
exchange(char *const *commands, const int *lens, int count, redisReply **replies)
{
	bool reused = context != NULL;

	if (!connect_if_needed(false))
		return false;
	if (send_and_read(commands, lens, count, replies))
		return true;

	/*
	 * A connection that the server closed while this worker was idle is
	 * only noticed now: reconnect and send the commands once more, so the
	 * first request after a Redis restart is served like the others.
	 */
	if (reused && closed_by_server(context)) {
		log_warn("Redis connection closed by the server: reconnecting once");
		redis_close();
		if (!connect_if_needed(true))
			return false;
		if (send_and_read(commands, lens, count, replies))
			return true;
	}

	/* After a failed command the hiredis context is dead and must be dropped. */
	fail(context->errstr);
	return false;
}


/* Frees REPLY and returns NULL when it is an error reply, which it logs. */
static redisReply *
drop_error(redisReply *reply)
{
	if (reply == NULL || reply->type != REDIS_REPLY_ERROR)
		return reply;
	log_warn("Redis error reply: %.200s", reply->str);
	freeReplyObject(reply);
	return NULL;
}


redisReply *
redis_command(const char *format, ...)
{
	redisReply *reply = NULL;
	char *command;
	int len;
	va_list ap;

	va_start(ap, format);
	len = redisvFormatCommand(&command, format, ap);
	va_end(ap);
	if (len < 0) {
		log_error("could not format a Redis command: out of memory");
		return NULL;
	}

	if (!exchange(&command, &len, 1, &reply))
		reply = NULL;
	redisFreeCommand(command);
	return drop_error(reply);
}


/* The lowercase hex SHA-1 of the script's source, which names it in EVALSHA. */
static const char *
script_sha1(struct redis_script *script)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (script->sha1[0] != '\0')
		return script->sha1;
	EVP_Digest(script->source, strlen(script->source), digest, &len, EVP_sha1(), NULL);
	for (unsigned int i = 0; i < len && i < 20; i++)
		snprintf(script->sha1 + 2 * i, 3, "%02x", digest[i]);
	return script->sha1;
}


static bool
is_noscript(const redisReply *reply)
{
	return reply != NULL && reply->type == REDIS_REPLY_ERROR &&
	    strncmp(reply->str, "NOSCRIPT", 8) == 0;
}


/*
 * Runs EVALSHA, and when Redis does not know the script, SCRIPT LOAD then
 * EVALSHA again in one more round trip.  Redis keeps a loaded script for
 * every connection until it restarts, fails over or runs SCRIPT FLUSH
 * (NOSCRIPT in the Redis manual), so the source is sent about once per
 * Redis start.
 */
redisReply *
redis_script_run(struct redis_script *script, int argc, const char *const *argv)
{
	const char *evalsha[REDIS_SCRIPT_ARGS_MAX + 2];
	const char *load[3] = {"SCRIPT", "LOAD", script->source};
	redisReply *replies[2] = {NULL, NULL};
	char *commands[2] = {NULL, NULL};
	int lens[2];

	if (argc > REDIS_SCRIPT_ARGS_MAX)
		abort();
	evalsha[0] = "EVALSHA";
	evalsha[1] = script_sha1(script);
	memcpy(evalsha + 2, argv, (size_t)argc * sizeof(*argv));

	lens[0] = redisFormatCommandArgv(&commands[0], argc + 2, evalsha, NULL);
	if (lens[0] < 0)
		goto out_of_memory;
	if (!exchange(commands, lens, 1, replies))
		replies[0] = NULL;
	if (is_noscript(replies[0])) {
		freeReplyObject(replies[0]);
		replies[0] = NULL;
		lens[1] = lens[0];
		commands[1] = commands[0];
		lens[0] = redisFormatCommandArgv(&commands[0], 3, load, NULL);
		if (lens[0] < 0) {
			commands[0] = NULL;
			goto out_of_memory;
		}
		if (exchange(commands, lens, 2, replies)) {
			freeReplyObject(drop_error(replies[0]));
			replies[0] = replies[1];
		}
	}
	redisFreeCommand(commands[0]);
	redisFreeCommand(commands[1]);
	return drop_error(replies[0]);

out_of_memory:
	redisFreeCommand(commands[0]);
	redisFreeCommand(commands[1]);
	log_error("could not format a Redis command: out of memory");
	return NULL;
}


/* Health reports the state of Redis now, so it skips the retry delay. */
bool
redis_ping(void)
{
	redisReply *reply;

	if (!connect_if_needed(true))
		return false;
	reply = redis_command("PING");
	bool ok = reply != NULL && reply->type == REDIS_REPLY_STATUS;

	if (reply != NULL)
		freeReplyObject(reply);
	return ok;
}
