/* Ticket list aggregations summed from ticket_counts. */
#include "scope_sql.h"
#include "ticket_counts.h"


bool
ticket_counts_serve(const struct ticket_filter *filter, const struct actor *actor)
{
	return filter->agencies[0] == NULL && filter->locations[0] == NULL &&
	    !filter->has_from && !filter->has_to && filter->call_purposes[0] == NULL &&
	    (filter->active_providers == NULL || filter->active_providers[0] == NULL) &&
	    !filter->has_intervention && filter->fulltext_count == 0 &&
	    scope_ticket_group_exact(actor);
}


/*
 * The buckets, from the counter rows s visible to the viewer.  A location
 * (folded city) is shown with the spelling of its matching ticket of
 * lowest `position`, as the scan shows it.  Every event raises a ticket's
 * position, so no counter can keep that order.  When a location has one
 * spelling among the matching tickets, the counts give it.  Otherwise the
 * sub-select in the CASE reads the matching tickets of that location.
 * NOTE: that read grows with the location's tickets: 11 ms for the 10 027
 * tickets of one city of tests/data/gen_tickets.py with a second spelling.
 */
static const char buckets_head_sql[] =
    ", l AS (SELECT value AS folded, spelling, sum(n)::bigint AS n FROM s"
    " WHERE kind = 'locations' GROUP BY value, spelling)"
    ", b AS ("
    " SELECT 'status' AS k, status AS v, NULL AS label, sum(n)::bigint AS n FROM s"
    "  WHERE kind = 'tickets' GROUP BY status"
    " UNION ALL SELECT 'agencies', a.uid::text, (SELECT g.label FROM agencies g WHERE g.uid = a.uid),"
    "  sum(a.n)::bigint FROM (SELECT unnest(agency_uids) AS uid, n FROM s WHERE kind = 'tickets') a"
    "  GROUP BY a.uid"
    " UNION ALL SELECT 'callPurposes', value, NULL, sum(n)::bigint FROM s"
    "  WHERE kind = 'callPurposes' GROUP BY value"
    " UNION ALL SELECT 'locations', CASE WHEN count(*) = 1 THEN min(spelling)"
    "  ELSE (SELECT t.city FROM ticket_facets t";

static const char buckets_tail_sql[] =
    " AND t.city_folded = l.folded ORDER BY t.position LIMIT 1) END, NULL, sum(n)::bigint"
    "  FROM l GROUP BY folded"
    " UNION ALL SELECT 'interventions', value, NULL, sum(n)::bigint FROM s"
    "  WHERE kind = 'interventions' GROUP BY value"
    " UNION ALL SELECT 'providers', value,"
    "  (SELECT r.label FROM ticket_contact_refs r WHERE r.uid = s.value::uuid), sum(n)::bigint"
    "  FROM s WHERE kind = 'providers' GROUP BY value)";


void
ticket_counts_buckets(const struct ticket_filter *filter, const struct actor *actor,
    const char *timezone, struct sql_builder *sql)
{
	sql_builder_puts(sql, ", s AS (SELECT t.agency_uids, t.status, t.kind, t.value, t.spelling,"
	    " t.n FROM ticket_counts t WHERE true");
	scope_sql_ticket_group(sql, actor, "t");
	if (filter->status != NULL) {
		sql_builder_puts(sql, " AND t.status = ");
		sql_builder_param(sql, filter->status, NULL);
	}
	sql_builder_puts(sql, ")");

	sql_builder_puts(sql, buckets_head_sql);
	ticket_filter_where(filter, actor, timezone, true, sql);
	sql_builder_puts(sql, buckets_tail_sql);
}
