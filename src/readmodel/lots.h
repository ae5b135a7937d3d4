/* Queries behind the lot reads (GET /api/v1/lots...). */
#ifndef PERFIMMO_LOTS_H
#define PERFIMMO_LOTS_H

#include <stdbool.h>

#include "auth/actor.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "page.h"

/*
 * Fetches the requested page of the live lots of the patrimony PATRIMONY_UID,
 * keeping those with an address in one of BUILDING_UIDS when given.
 * BASE_URL ("https://<tenant host>") prefixes the links.
 */
bool lots_list(const char *patrimony_uid, char **building_uids, const char *base_url,
    struct page *page, struct error *err);

/*
 * Appends the LotDetailQueryView of UID to OUT, or sets *FOUND to false
 * when the lot is deleted or ACTOR cannot see its patrimony.
 */
bool lot_detail(const char *uid, const struct actor *actor, const char *base_url,
    struct strbuf *out, bool *found, struct error *err);

#endif
