/*
 * The session secrets of the tenant a request acts in: read from
 * PostgreSQL along with the tenant's generation, and kept in the worker's
 * memory with that generation.  Adding or removing a secret raises the
 * generation (sql/tenant/014_credentials_generation.sql), so kept secrets
 * are current for any generation up to the one they were read at.
 */
#ifndef PERFIMMO_SESSION_SECRETS_H
#define PERFIMMO_SESSION_SECRETS_H

#include <stdbool.h>

#include "auth/session.h"
#include "common/error.h"

/*
 * Loads the current tenant's two newest secrets into SECRETS and the
 * generation the same statement read into *GENERATION, and keeps both
 * for TENANT.
 */
bool session_secrets_load(const char *tenant, struct session_secrets *secrets,
    long long *generation, struct error *err);

/*
 * Copies the secrets last loaded for TENANT into SECRETS and their
 * generation into *GENERATION; false when none are kept.
 */
bool session_secrets_kept(const char *tenant, struct session_secrets *secrets,
    long long *generation);

#endif
