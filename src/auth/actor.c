/* User type names on the wire. */
#include <string.h>

#include "actor.h"

static const char *const type_names[USER__MAX] = {
	[USER_NONE] = "",
	[USER_SUPER] = "superUser",
	[USER_CALL_CENTER] = "callCenterUser",
	[USER_CLIENT_ACCOUNT_MANAGER] = "clientAccountManager",
	[USER_EXECUTIVE] = "executive",
	[USER_PATRIMONY_MANAGER] = "patrimonyManager",
};


const char *
actor_type_name(enum user_type type)
{
	return type > USER_NONE && type < USER__MAX ? type_names[type] : "";
}


enum user_type
actor_type_from_name(const char *name)
{
	for (int i = USER_NONE + 1; i < USER__MAX; i++)
		if (strcmp(type_names[i], name) == 0)
			return (enum user_type)i;
	return USER_NONE;
}
