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
 * tickets of each spelling but the most frequent are read by the
 * ticket_facets_city_spelling index to find their lowest position, and
 * the most frequent spelling wins if one of its tickets has a lower one.
 * NOTE: that EXISTS reads every ticket of the most frequent spelling when
 * none has a lower position, as the scan would.
 */
static const char buckets_head_sql[] =
    ", l AS (SELECT value AS folded, spelling, sum(n)::bigint AS n FROM s"
    " WHERE kind = 'locations' GROUP BY value, spelling)"
    ", lk AS (SELECT folded, sum(n)::bigint AS n,"
    " array_agg(spelling ORDER BY n DESC, spelling) AS spellings FROM l GROUP BY folded)"
    ", b AS ("
    " SELECT 'status' AS k, status AS v, NULL AS label, sum(n)::bigint AS n FROM s"
    "  WHERE kind = 'tickets' GROUP BY status"
    " UNION ALL SELECT 'agencies', a.uid::text, (SELECT g.label FROM agencies g WHERE g.uid = a.uid),"
    "  sum(a.n)::bigint FROM (SELECT unnest(agency_uids) AS uid, n FROM s WHERE kind = 'tickets') a"
    "  GROUP BY a.uid"
    " UNION ALL SELECT 'callPurposes', value, NULL, sum(n)::bigint FROM s"
    "  WHERE kind = 'callPurposes' GROUP BY value"
    " UNION ALL SELECT 'locations', CASE WHEN cardinality(lk.spellings) = 1 THEN lk.spellings[1]"
    "  ELSE (SELECT CASE WHEN EXISTS (SELECT FROM ticket_facets t";

/* Between the filters of the EXISTS and those of the other spellings' tickets. */
static const char buckets_middle_sql[] =
    " AND t.city = lk.spellings[1] AND t.position < o.position)"
    "   THEN lk.spellings[1] ELSE o.city END"
    "  FROM (SELECT f.city, f.position FROM unnest(lk.spellings[2:]) AS other (city)"
    "   CROSS JOIN LATERAL (SELECT t.city, t.position FROM ticket_facets t";

static const char buckets_tail_sql[] =
    " AND t.city = other.city ORDER BY t.position LIMIT 1) f"
    "   ORDER BY f.position LIMIT 1) o) END, NULL, lk.n FROM lk"
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
	sql_builder_puts(sql, buckets_middle_sql);
	ticket_filter_where(filter, actor, timezone, true, sql);
	sql_builder_puts(sql, buckets_tail_sql);
}
