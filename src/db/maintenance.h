/*
 * Maintenance of a tenant (perfimmo-admin maintenance on|off): while it is
 * on, every write of the tenant is refused with 503 ServiceUnavailable and
 * a Retry-After header, and reads go on.  The state lives in
 * perfimmo_meta.maintenance.  The tenant's role reads its own row through
 * the view maintenance_state of its schema, so the check runs under the
 * request's tenant role (pg_enter_tenant) and needs no role switch.
 */
#ifndef PERFIMMO_MAINTENANCE_H
#define PERFIMMO_MAINTENANCE_H

#include <stdbool.h>

#include "common/error.h"

/*
 * Has the state read along with the request's next statement (the
 * credentials lookup), so that maintenance_check costs no round trip.
 */
void maintenance_prefetch(void);

/*
 * Reads the tenant's state now.  No per-process copy is kept, so every
 * worker reads `maintenance on` at its next write.  Returns false with ERR
 * set to 503 ServiceUnavailable (and its retry_after) when it is on, or
 * to the database error.
 */
bool maintenance_check(struct error *err);

/* Sets ERR to the 503 of a tenant under maintenance; returns false. */
bool maintenance_refuse(struct error *err, int retry_after);

#endif
