/* The tenant's generation in Redis, raised with a set-if-greater script. */
#include <stdio.h>

#include "generation_mirror.h"
#include "redis.h"

/* perfimmo.conf's default, repeated for programs that skip generation_mirror_setup. */
static int ttl_ms = 1000;

/*
 * KEYS[1] the mirror, ARGV[1] the generation, ARGV[2] the TTL in ms.
 * Generations are compared as Lua numbers (doubles), exact up to 2^53.
 */
static struct redis_script raise_script = {
	"local stored = tonumber(redis.call('GET', KEYS[1]))\n"
	"if stored ~= nil and stored >= tonumber(ARGV[1]) then\n"
	"  return 0\n"
	"end\n"
	"redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
	"return 1\n",
	""
};


void
generation_mirror_key(const char *tenant, char key[GENERATION_MIRROR_KEY_SIZE])
{
	snprintf(key, GENERATION_MIRROR_KEY_SIZE, "pi:generation:%s", tenant);
}


void
generation_mirror_setup(int ttl)
{
	ttl_ms = ttl;
}


int
generation_mirror_ttl_ms(void)
{
	return ttl_ms;
}


bool
generation_mirror_raise(const char *tenant, long long generation)
{
	char key[GENERATION_MIRROR_KEY_SIZE];
	char generation_text[24], ttl_text[16];
	const char *argv[4] = {"1", key, generation_text, ttl_text};
	redisReply *reply;

	generation_mirror_key(tenant, key);
	snprintf(generation_text, sizeof(generation_text), "%lld", generation);
	snprintf(ttl_text, sizeof(ttl_text), "%d", ttl_ms);
	reply = redis_script_run(&raise_script, 4, argv);
	if (reply == NULL)
		return false;
	freeReplyObject(reply);
	return true;
}
