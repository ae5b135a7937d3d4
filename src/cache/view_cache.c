/* GET responses cached in Redis, keyed by tenant generation and user. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/digest.h"
#include "common/log.h"
#include "metrics/metrics.h"
#include "http/response.h"
#include "redis.h"
#include "view_cache.h"

/* How long a worker waits for another one computing the same view. */
#define FILL_WAIT_MS 60
#define FILL_POLL_MS 5
#define FILL_LOCK_MS 2000

static unsigned long hit_count;
static unsigned long miss_count;


void
view_cache_request_hash(const struct request *req, char hash[VIEW_CACHE_HASH_SIZE])
{
	const char *parts[5] = {req->method, " ", req->path, "?", req->query};

	digest_sha256_hex(parts, 5, hash);
}


void
view_cache_key(const char *tenant, long long generation, const char *user_uid,
    const char *request_hash, char key[VIEW_CACHE_KEY_SIZE])
{
	/* actor_cache.c's lookup script builds the same key around the generation and user. */
	snprintf(key, VIEW_CACHE_KEY_SIZE, "pi:view:%s:%lld:%s:%s", tenant, generation, user_uid,
	    request_hash);
}


/*
 * A stored view is "<status> <header bytes>\n<headers><body>": the status,
 * the extra headers exactly as sent (Content-Range...), then the body.
 */
static bool
replay(struct request *req, const char *value, size_t len)
{
	const char *newline = memchr(value, '\n', len);
	unsigned long header_len;
	int status;
	char *copy;

	if (newline == NULL || sscanf(value, "%d %lu", &status, &header_len) != 2)
		return false;
	newline++;
	if ((size_t)(newline - value) + header_len > len)
		return false;

	strbuf_append(&req->headers, newline, header_len);
	copy = (char *)newline + header_len;
	response_raw(req, status, copy, len - (size_t)(copy - value));
	return true;
}


bool
view_cache_serve_value(struct request *req, const char *value, size_t len)
{
	if (!replay(req, value, len))
		return false;
	hit_count++;
	metrics_count(METRICS_VIEW_CACHE_HITS);
	return true;
}


bool
view_cache_serve(struct request *req, const char *key)
{
	redisReply *reply = redis_command("GET %s", key);
	bool served = false;

	if (reply != NULL && reply->type == REDIS_REPLY_STRING)
		served = view_cache_serve_value(req, reply->str, reply->len);
	if (reply != NULL)
		freeReplyObject(reply);
	return served;
}


static void
sleep_ms(long ms)
{
	struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&pause, NULL);
}


bool
view_cache_wait_for_other(struct request *req, const char *key)
{
	redisReply *reply = redis_command("SET %s:fill 1 NX PX %d", key, FILL_LOCK_MS);
	bool mine = reply != NULL && reply->type == REDIS_REPLY_STATUS;

	if (reply != NULL)
		freeReplyObject(reply);
	miss_count++;
	metrics_count(METRICS_VIEW_CACHE_MISSES);

	/* Redis down (reply NULL) also lands here: compute without waiting. */
	if (mine || reply == NULL)
		return false;

	for (long waited = 0; waited < FILL_WAIT_MS; waited += FILL_POLL_MS) {
		sleep_ms(FILL_POLL_MS);
		if (view_cache_serve(req, key))
			return true;
	}
	return false;
}


void
view_cache_store(const char *key, const struct request *req)
{
	struct strbuf value;
	redisReply *reply;

	if (req->status != 200 && req->status != 206)
		return;

	strbuf_init(&value);
	strbuf_printf(&value, "%d %zu\n", req->status, req->captured_headers.len);
	if (req->captured_headers.len > 0)
		strbuf_append(&value, req->captured_headers.data, req->captured_headers.len);
	if (req->captured_body.len > 0)
		strbuf_append(&value, req->captured_body.data, req->captured_body.len);
	if (value.failed) {
		strbuf_free(&value);
		return;
	}

	reply = redis_command("SET %s %b EX %d", key, value.data, value.len, VIEW_CACHE_TTL_SECONDS);
	if (reply != NULL)
		freeReplyObject(reply);
	reply = redis_command("DEL %s:fill", key);
	if (reply != NULL)
		freeReplyObject(reply);
	strbuf_free(&value);
}


unsigned long
view_cache_hits(void)
{
	return hit_count;
}


unsigned long
view_cache_misses(void)
{
	return miss_count;
}
