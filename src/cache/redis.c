/* One Redis connection per process, with a retry delay after failures. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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


redisReply *
redis_command(const char *format, ...)
{
	redisReply *reply;
	bool reused = context != NULL;
	va_list ap;

	if (!connect_if_needed(false))
		return NULL;

	va_start(ap, format);
	reply = redisvCommand(context, format, ap);
	va_end(ap);

	/*
	 * A connection that the server closed while this worker was idle is
	 * only noticed now: reconnect and send the command once more, so the
	 * first request after a Redis restart is served like the others.
	 */
	if (reply == NULL && reused && closed_by_server(context)) {
		log_warn("Redis connection closed by the server: reconnecting once");
		redis_close();
		if (!connect_if_needed(true))
			return NULL;
		va_start(ap, format);
		reply = redisvCommand(context, format, ap);
		va_end(ap);
	}

	/* After a failed command the hiredis context is dead and must be dropped. */
	if (reply == NULL) {
		fail(context->errstr);
		return NULL;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		log_warn("Redis error reply: %.200s", reply->str);
		freeReplyObject(reply);
		return NULL;
	}
	return reply;
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
