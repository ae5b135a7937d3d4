/*
 * Tenants: one per client host.  nginx names the tenant of each server
 * block.  The worker checks it against the meta schema before serving
 * anything, then derives the tenant's schema and database role from it.
 */
#ifndef PERFIMMO_TENANT_H
#define PERFIMMO_TENANT_H

#include <stdbool.h>

#include "common/error.h"

#define TENANT_NAME_MAX 31

struct tenant {
	char name[TENANT_NAME_MAX + 1];
	char schema[TENANT_NAME_MAX + 3];	/* "t_" + name */
	char role[TENANT_NAME_MAX + 12];	/* "perfimmo_t_" + name */
	char host[256];
	char timezone[64];
};

/* True when NAME matches ^[a-z][a-z0-9_]{0,30}$, the shape of a schema name. */
bool tenant_name_is_valid(const char *name);

/* Fills the derived schema and role names of NAME (which must be valid). */
void tenant_derive_names(struct tenant *tenant, const char *name);

/*
 * Looks NAME up in the meta schema (results kept a few seconds per
 * process).  Unknown or malformed names give 421 MisdirectedRequest.
 */
bool tenant_lookup(const char *name, struct tenant *tenant, struct error *err);

#endif
