/* Failure counters in Redis, with a per-worker table when Redis is down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/redis.h"
#include "ratelimit.h"

/* Keys the fallback table holds; beyond it the entry nearest its end is replaced. */
#define MEMORY_SLOTS 1024
#define KEY_MAX 160

struct slot {
	char key[KEY_MAX];
	int count;
	long long ends_ms;		/* 0: free */
};

static struct slot slots[MEMORY_SLOTS];


static long long
monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}


static struct slot *
find_slot(const char *key, long long now_ms)
{
	for (size_t i = 0; i < MEMORY_SLOTS; i++)
		if (slots[i].ends_ms > now_ms && strcmp(slots[i].key, key) == 0)
			return &slots[i];
	return NULL;
}


/* A free or expired slot, else the one whose window ends first. */
static struct slot *
claim_slot(long long now_ms)
{
	struct slot *victim = &slots[0];

	for (size_t i = 0; i < MEMORY_SLOTS; i++) {
		if (slots[i].ends_ms <= now_ms)
			return &slots[i];
		if (slots[i].ends_ms < victim->ends_ms)
			victim = &slots[i];
	}
	return victim;
}


static int
seconds_left(long long ends_ms, long long now_ms)
{
	long long left = (ends_ms - now_ms + 999) / 1000;

	return left >= 1 ? (int)left : 1;
}


bool
ratelimit_memory_blocked(const char *key, int max, long long now_ms, int *retry_after)
{
	struct slot *slot = find_slot(key, now_ms);

	if (slot == NULL || slot->count < max)
		return false;
	*retry_after = seconds_left(slot->ends_ms, now_ms);
	return true;
}


void
ratelimit_memory_fail(const char *key, int window, long long now_ms)
{
	struct slot *slot = find_slot(key, now_ms);

	if (slot == NULL) {
		slot = claim_slot(now_ms);
		snprintf(slot->key, sizeof(slot->key), "%s", key);
		slot->count = 0;
		slot->ends_ms = now_ms + (long long)window * 1000;
	}
	slot->count++;
}


void
ratelimit_memory_reset(const char *key)
{
	for (size_t i = 0; i < MEMORY_SLOTS; i++)
		if (strcmp(slots[i].key, key) == 0)
			slots[i].ends_ms = 0;
}


void
ratelimit_memory_clear(void)
{
	memset(slots, 0, sizeof(slots));
}


/* Reads the count and the seconds left of KEY in Redis; false when Redis fails. */
static bool
redis_counter(const char *key, long long *count, long long *ttl)
{
	redisReply *reply = redis_command("GET %s", key);

	if (reply == NULL)
		return false;
	*count = reply->type == REDIS_REPLY_STRING ? strtoll(reply->str, NULL, 10) : 0;
	freeReplyObject(reply);
	if (*count == 0)
		return true;

	reply = redis_command("TTL %s", key);
	if (reply == NULL)
		return false;
	*ttl = reply->type == REDIS_REPLY_INTEGER ? reply->integer : -1;
	freeReplyObject(reply);
	return true;
}


bool
ratelimit_blocked(const char *key, int max, int *retry_after)
{
	long long count = 0, ttl = -1;

	/* The worker's own count also applies, so a Redis outage cannot lift a block. */
	if (ratelimit_memory_blocked(key, max, monotonic_ms(), retry_after))
		return true;
	if (!redis_counter(key, &count, &ttl))
		return false;
	if (count < max)
		return false;
	*retry_after = ttl >= 1 ? (int)ttl : 1;
	return true;
}


void
ratelimit_fail(const char *key, int window)
{
	redisReply *reply = redis_command("INCR %s", key);

	if (reply == NULL) {
		ratelimit_memory_fail(key, window, monotonic_ms());
		return;
	}
	freeReplyObject(reply);

	/* NX keeps the window of the first failure; a lost EXPIRE is retried next time. */
	reply = redis_command("EXPIRE %s %d NX", key, window);
	if (reply != NULL)
		freeReplyObject(reply);
}


void
ratelimit_reset(const char *key)
{
	redisReply *reply = redis_command("DEL %s", key);

	if (reply != NULL)
		freeReplyObject(reply);
	ratelimit_memory_reset(key);
}
