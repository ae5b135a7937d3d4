/* The ticket list page and its aggregations in one statement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "ticket_counts.h"
#include "ticket_list.h"

/* The aggregations, in the order of the response. */
static const char *const kinds[] = {"status", "agencies", "callPurposes", "locations",
    "interventions", "providers", NULL};

/*
 * The buckets of each aggregation over the matching set m, as rows (k, v,
 * label, n).  One pass over m counts them all with grouping sets.  A row of
 * c belongs to the set whose columns are not NULL, because those columns
 * are NOT NULL in ticket_facets, except assignee_provider_uid, whose NULL
 * bucket is not shown.  Agencies are counted by agency_uids first, then
 * each distinct list is unnested with its count.  Locations are counted by
 * folded key and spelling: a key is shown with the spelling of its matching
 * ticket of lowest `position`, and counts the tickets of all its spellings.
 */
static const char scan_buckets_sql[] =
    ", c AS ("
    " SELECT status, call_purpose, city_folded, city, intervention, assignee_provider_uid,"
    "  agency_uids, count(*) AS n, min(position) AS first FROM m"
    " GROUP BY GROUPING SETS (status, call_purpose, (city_folded, city), intervention,"
    "  assignee_provider_uid, agency_uids))"
    ", b AS ("
    " SELECT 'status' AS k, status AS v, NULL AS label, n FROM c WHERE status IS NOT NULL"
    " UNION ALL SELECT 'agencies', a.uid::text, (SELECT g.label FROM agencies g WHERE g.uid = a.uid),"
    "  sum(a.n)::bigint FROM (SELECT unnest(agency_uids) AS uid, n FROM c WHERE agency_uids IS NOT NULL) a"
    "  GROUP BY a.uid"
    " UNION ALL SELECT 'callPurposes', call_purpose, NULL, n FROM c WHERE call_purpose IS NOT NULL"
    " UNION ALL (SELECT DISTINCT ON (city_folded) 'locations', city, NULL,"
    "  sum(n) OVER (PARTITION BY city_folded)::bigint FROM c WHERE city_folded IS NOT NULL"
    "  ORDER BY city_folded, first)"
    " UNION ALL SELECT 'interventions', intervention::text, NULL, n FROM c WHERE intervention IS NOT NULL"
    " UNION ALL SELECT 'providers', assignee_provider_uid::text,"
    "  (SELECT r.label FROM ticket_contact_refs r WHERE r.uid = c.assignee_provider_uid), n"
    "  FROM c WHERE assignee_provider_uid IS NOT NULL)";


/*
 * Builds the statement, whose rows are (kind, text).  'count' is the number
 * of matching tickets and 'returned' the size of the page.  Each non-empty
 * aggregation has a row with its buckets.  'items' is the page's
 * TicketQueryViews joined by commas, NULL for an empty page, ordered by
 * created descending, then uid.  The filters read the narrow
 * ticket_facets, and only the page's items read `tickets`.  The
 * aggregations are summed from ticket_counts when those give them exactly
 * (no filter but `status`, a viewer whose scope has no patrimony), else
 * counted from m.
 *
 * With a selective filter, the matching set m is read once and
 * materialized, then grouped and sorted: walking the `created` index for
 * the page would visit many tickets for each match.  Without one, m contains
 * a large part of the tenant and copying it costs more than reading it twice,
 * so it is not materialized: the aggregations read ticket_facets in one
 * pass, and the page walks the `created` index and stops after its rows.
 */
static void
build_statement(const struct ticket_filter *filter, const struct actor *actor,
    const char *timezone, const struct page *page, struct sql_builder *sql)
{
	char number[16];

	sql_builder_puts(sql, ticket_filter_is_selective(filter) ? "WITH m AS MATERIALIZED" :
	    "WITH m AS NOT MATERIALIZED");
	sql_builder_puts(sql, " (SELECT t.uid, t.created, t.status,"
	    " t.agency_uids, t.call_purpose, t.city_folded, t.city, t.position,"
	    " t.intervention, t.assignee_provider_uid FROM ticket_facets t");
	ticket_filter_where(filter, actor, timezone, true, sql);
	sql_builder_puts(sql, ")");
	if (ticket_counts_serve(filter, actor))
		ticket_counts_buckets(filter, actor, timezone, sql);
	else
		sql_builder_puts(sql, scan_buckets_sql);

	snprintf(number, sizeof(number), "%u", page->range.end - page->range.start + 1);
	sql_builder_puts(sql, ", p AS (SELECT uid, created FROM m ORDER BY created DESC, uid LIMIT ");
	sql_builder_param(sql, number, "bigint");
	snprintf(number, sizeof(number), "%u", page->range.start);
	sql_builder_puts(sql, " OFFSET ");
	sql_builder_param(sql, number, "bigint");
	sql_builder_puts(sql, ")"
	    " SELECT 'count', coalesce(sum(n), 0)::text FROM b WHERE k = 'status'"
	    " UNION ALL SELECT 'returned', count(*)::text FROM p"
	    " UNION ALL SELECT k, jsonb_agg(jsonb_strip_nulls(jsonb_build_object('value', v, 'label',"
	    "  CASE WHEN k IN ('agencies', 'providers') THEN coalesce(label, '') END, 'count', n))"
	    "  ORDER BY n DESC, v)::text FROM b GROUP BY k"
	    " UNION ALL SELECT 'items', string_agg(item::text, ',' ORDER BY p.created DESC, p.uid)"
	    "  FROM p JOIN tickets t ON t.uid = p.uid CROSS JOIN LATERAL ticket_list_item(t) AS item");
}


/* Returns the value of the row of kind KIND in RESULT, or NULL. */
static const char *
row_value(PGresult *result, const char *kind)
{
	for (int i = 0; i < PQntuples(result); i++)
		if (strcmp(PQgetvalue(result, i, 0), kind) == 0)
			return PQgetisnull(result, i, 1) ? NULL : PQgetvalue(result, i, 1);
	return NULL;
}


static void
append_aggregations(PGresult *result, struct strbuf *out)
{
	strbuf_puts(out, "\"aggergations\":{");
	for (int k = 0; kinds[k] != NULL; k++) {
		const char *buckets = row_value(result, kinds[k]);

		strbuf_printf(out, "%s\"%s\":%s", k > 0 ? "," : "", kinds[k],
		    buckets != NULL ? buckets : "[]");
	}
	strbuf_puts(out, "}");
}


bool
ticket_list_fetch(const struct ticket_filter *filter, const struct actor *actor,
    const char *timezone, struct page *page, struct strbuf *aggregations, struct error *err)
{
	struct sql_builder sql;
	PGresult *result;
	const char *items;

	sql_builder_init(&sql);
	build_statement(filter, actor, timezone, page, &sql);
	result = sql_builder_query(&sql, err);
	sql_builder_free(&sql);
	if (result == NULL)
		return false;

	page->count = strtoull(row_value(result, "count"), NULL, 10);
	items = row_value(result, "items");
	page->returned = (unsigned)strtoul(row_value(result, "returned"), NULL, 10);
	if (items != NULL)
		strbuf_puts(&page->items, items);
	append_aggregations(result, aggregations);
	PQclear(result);
	return !page->items.failed && !aggregations->failed ? true :
	    error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
}
