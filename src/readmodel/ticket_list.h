/*
 * The ticket list (GET /api/v1/tickets): the count, the page and the
 * aggregations of the matching tickets, read in one statement.
 */
#ifndef PERFIMMO_TICKET_LIST_H
#define PERFIMMO_TICKET_LIST_H

#include <stdbool.h>

#include "auth/actor.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "page.h"
#include "ticket_query.h"

/*
 * Fills PAGE (count, items of its range) with the tickets visible to ACTOR
 * that match FILTER, dates read in TIMEZONE, and appends to AGGREGATIONS
 * the `"aggergations":{...}` member computed over all of them, in one
 * statement.  The count and the aggregations come from the matching
 * tickets, or from ticket_counts when FILTER has no filter but `status`.
 * False with ERR on a database error.
 */
bool ticket_list_fetch(const struct ticket_filter *filter, const struct actor *actor,
    const char *timezone, struct page *page, struct strbuf *aggregations, struct error *err);

#endif
