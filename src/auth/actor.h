/* The authenticated user a request acts as. */
#ifndef PERFIMMO_ACTOR_H
#define PERFIMMO_ACTOR_H

#include <stdbool.h>

enum user_type {
	USER_NONE = 0,
	USER_SUPER,
	USER_CALL_CENTER,
	USER_CLIENT_ACCOUNT_MANAGER,
	USER_EXECUTIVE,
	USER_PATRIMONY_MANAGER,
	USER__MAX
};

struct actor {
	enum user_type type;
	char uid[37];
	char company_uid[37];		/* "" for the superUser */
	bool by_session;		/* cookie rather than API key */
	long long session_issued_ms;	/* cookie sessions only */
	int session_generation;
	long long generation;		/* the tenant's, when the credentials were read */
};

/* Returns the wire name of a user type, e.g. "callCenterUser". */
const char *actor_type_name(enum user_type type);

/* Returns the type named NAME, or USER_NONE. */
enum user_type actor_type_from_name(const char *name);

#endif
