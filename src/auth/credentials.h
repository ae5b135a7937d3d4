/*
 * One user's row of the tenant's credentials, as authentication reads it
 * from PostgreSQL or from the actor cache in Redis.  The cached form is the
 * text "<userUid>|<userType>|<companyUid>|<t or f>|<sessionGeneration>",
 * user uid first because the cache's lookup script reads it there
 * (cache/actor_cache.c).  It contains no secret.
 */
#ifndef PERFIMMO_CREDENTIALS_H
#define PERFIMMO_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

/* Maximum size of the cached form: two uids, the longest type name, a flag and an int. */
#define CREDENTIALS_TEXT_MAX 160

struct credentials {
	char user_uid[37];
	char user_type[32];		/* wire name, e.g. "callCenterUser" */
	char company_uid[37];		/* "" for the superUser */
	bool disabled;
	int session_generation;
};

/*
 * Writes the cached form of CREDENTIALS into OUT (CREDENTIALS_TEXT_MAX
 * bytes).  Returns false when a field contains a '|' or does not fit.
 */
bool credentials_encode(const struct credentials *credentials, char out[CREDENTIALS_TEXT_MAX]);

/*
 * Parses the LEN bytes of a cached form into CREDENTIALS.  Returns false
 * for anything credentials_encode could not have written.
 */
bool credentials_decode(const char *text, size_t len, struct credentials *credentials);

#endif
