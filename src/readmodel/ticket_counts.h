/*
 * The aggregations of a ticket list summed from ticket_counts, the counts
 * that the write path keeps (sql/tenant/017_ticket_counts.sql), instead of
 * read from every matching ticket.
 */
#ifndef PERFIMMO_TICKET_COUNTS_H
#define PERFIMMO_TICKET_COUNTS_H

#include <stdbool.h>

#include "auth/actor.h"
#include "sql_builder.h"
#include "ticket_query.h"

/*
 * Whether ticket_counts gives the aggregations of the tickets visible to
 * ACTOR that match FILTER exactly: FILTER has no filter but `status`, and
 * ACTOR's scope depends on no patrimony.
 */
bool ticket_counts_serve(const struct ticket_filter *filter, const struct actor *actor);

/*
 * Appends the CTE `b` of the aggregation buckets, rows (k, v, label, n),
 * with the same rows as the scan of ticket_list.c.  Only when
 * ticket_counts_serve(FILTER, ACTOR) is true.
 */
void ticket_counts_buckets(const struct ticket_filter *filter, const struct actor *actor,
    const char *timezone, struct sql_builder *sql);

#endif
