/* Actors per credential and generation, looked up with the mirror and the view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor_cache.h"
#include "generation_mirror.h"
#include "redis.h"
#include "view_cache.h"

#define KEY_PREFIX_SIZE 64

/*
 * KEYS[1] the generation mirror.  ARGV[1] and ARGV[2] surround the
 * generation in the actor's key, ARGV[3] and ARGV[4] surround
 * "<generation>:<user uid>" in the view's key; ARGV[4] "" skips the view.
 * Returns {generation, actor, view}, each nil when missing.
 * NOTE: the actor and view keys are built here, not passed in KEYS, which
 * standalone Redis allows and Redis Cluster would not.
 */
static struct redis_script lookup_script = {
	"local generation = redis.call('GET', KEYS[1])\n"
	"if not generation then\n"
	"  return {false, false, false}\n"
	"end\n"
	"local actor = redis.call('GET', ARGV[1] .. generation .. ARGV[2])\n"
	"if not actor or ARGV[4] == '' then\n"
	"  return {generation, actor, false}\n"
	"end\n"
	"local user = string.match(actor, '^[^|]*')\n"
	"return {generation, actor, redis.call('GET', ARGV[3] .. generation .. ':' .. user .. ARGV[4])}\n",
	""
};


static void
actor_key_parts(const char *tenant, const char *credential, char prefix[KEY_PREFIX_SIZE],
    char suffix[ACTOR_CACHE_CREDENTIAL_SIZE + 1])
{
	snprintf(prefix, KEY_PREFIX_SIZE, "pi:actor:%s:", tenant);
	snprintf(suffix, ACTOR_CACHE_CREDENTIAL_SIZE + 1, ":%s", credential);
}


/* The string element I of REPLY, or NULL when it is nil or not a string. */
static const char *
element(const redisReply *reply, size_t i, size_t *len)
{
	const redisReply *item = reply->element[i];

	if (item->type != REDIS_REPLY_STRING)
		return NULL;
	*len = item->len;
	return item->str;
}


/* A mirror someone set by hand to anything but a positive integer counts as missing. */
static bool
parse_generation(const char *text, size_t len, long long *generation)
{
	char digits[20];
	char *end;
	long long value;

	if (len == 0 || len >= sizeof(digits) || text[0] < '1' || text[0] > '9')
		return false;
	memcpy(digits, text, len);
	digits[len] = '\0';
	value = strtoll(digits, &end, 10);
	if (*end != '\0')
		return false;
	*generation = value;
	return true;
}


bool
actor_cache_lookup(const char *tenant, const char *credential, const char *request_hash,
    struct actor_cache_found *found)
{
	char mirror[GENERATION_MIRROR_KEY_SIZE];
	char actor_prefix[KEY_PREFIX_SIZE], actor_suffix[ACTOR_CACHE_CREDENTIAL_SIZE + 1];
	char view_prefix[KEY_PREFIX_SIZE], view_suffix[VIEW_CACHE_HASH_SIZE + 1];
	const char *argv[6] = {"1", mirror, actor_prefix, actor_suffix, view_prefix, view_suffix};
	const char *generation;
	size_t len;
	redisReply *reply;

	memset(found, 0, sizeof(*found));
	found->generation = -1;

	generation_mirror_key(tenant, mirror);
	actor_key_parts(tenant, credential, actor_prefix, actor_suffix);
	snprintf(view_prefix, sizeof(view_prefix), "pi:view:%s:", tenant);
	snprintf(view_suffix, sizeof(view_suffix), "%s%s", request_hash != NULL ? ":" : "",
	    request_hash != NULL ? request_hash : "");

	reply = redis_script_run(&lookup_script, 6, argv);
	if (reply == NULL)
		return false;
	found->reply = reply;
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
		return true;

	generation = element(reply, 0, &len);
	if (generation == NULL || !parse_generation(generation, len, &found->generation))
		return true;
	found->actor = element(reply, 1, &found->actor_len);
	found->view = element(reply, 2, &found->view_len);
	return true;
}


void
actor_cache_found_free(struct actor_cache_found *found)
{
	if (found->reply != NULL)
		freeReplyObject(found->reply);
	memset(found, 0, sizeof(*found));
	found->generation = -1;
}


void
actor_cache_store(const char *tenant, long long generation, const char *credential,
    const char *actor, size_t len)
{
	char prefix[KEY_PREFIX_SIZE], suffix[ACTOR_CACHE_CREDENTIAL_SIZE + 1];
	redisReply *reply;

	actor_key_parts(tenant, credential, prefix, suffix);
	reply = redis_command("SET %s%lld%s %b EX %d", prefix, generation, suffix, actor, len,
	    VIEW_CACHE_TTL_SECONDS);
	if (reply != NULL)
		freeReplyObject(reply);
}
