/* The ticket list page and its aggregations in one statement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "ticket_list.h"

/* The aggregations, in the order of the response. */
static const char *const kinds[] = {"status", "agencies", "callPurposes", "locations",
    "interventions", "providers", NULL};

/*
 * The buckets of each aggregation over the matching set m, as rows
 * (k, jsonb array).  Buckets are sorted by count, then value.  A location
 * is shown with the first spelling of its folded key, by journal position.
 */
static const char buckets_sql[] =
    ", b AS ("
    " SELECT 'status' AS k, status AS v, NULL AS label, count(*) AS n FROM m GROUP BY status"
    " UNION ALL SELECT 'agencies', a::text, min(g.label), count(*) FROM m, unnest(m.agency_uids) a"
    "  LEFT JOIN agencies g ON g.uid = a GROUP BY a"
    " UNION ALL SELECT 'callPurposes', call_purpose, NULL, count(*) FROM m GROUP BY call_purpose"
    " UNION ALL SELECT 'locations', (array_agg(city ORDER BY position))[1], NULL, count(*)"
    "  FROM m GROUP BY city_folded"
    " UNION ALL SELECT 'interventions', intervention::text, NULL, count(*) FROM m GROUP BY intervention"
    " UNION ALL SELECT 'providers', assignee_provider_uid::text, min(c.label), count(*) FROM m"
    "  LEFT JOIN ticket_contact_refs c ON c.uid = m.assignee_provider_uid"
    "  WHERE assignee_provider_uid IS NOT NULL GROUP BY assignee_provider_uid)";


/*
 * Builds the statement, whose rows are (kind, text).  'count' is the number
 * of matching tickets and 'returned' the size of the page.  Each non-empty
 * aggregation has a row with its buckets.  'items' is the page's
 * TicketQueryViews joined by commas, NULL for an empty page, ordered by
 * created descending, then uid.
 */
static void
build_statement(const struct ticket_filter *filter, const struct actor *actor,
    const char *timezone, const struct page *page, struct sql_builder *sql)
{
	char number[16];

	sql_builder_puts(sql, "WITH m AS MATERIALIZED (SELECT t.uid, t.created, t.status,"
	    " t.agency_uids, t.call_purpose, t.city_folded, t.address ->> 'city' AS city, t.position,"
	    " t.intervention, t.assignee_provider_uid FROM tickets t");
	ticket_filter_where(filter, actor, timezone, true, sql);
	sql_builder_puts(sql, ")");
	sql_builder_puts(sql, buckets_sql);

	snprintf(number, sizeof(number), "%u", page->range.end - page->range.start + 1);
	sql_builder_puts(sql, ", p AS (SELECT uid, created FROM m ORDER BY created DESC, uid LIMIT ");
	sql_builder_param(sql, number, "bigint");
	snprintf(number, sizeof(number), "%u", page->range.start);
	sql_builder_puts(sql, " OFFSET ");
	sql_builder_param(sql, number, "bigint");
	sql_builder_puts(sql, ")"
	    " SELECT 'count', count(*)::text FROM m"
	    " UNION ALL SELECT 'returned', count(*)::text FROM p"
	    " UNION ALL SELECT k, jsonb_agg(jsonb_strip_nulls(jsonb_build_object('value', v, 'label',"
	    "  CASE WHEN k IN ('agencies', 'providers') THEN coalesce(label, '') END, 'count', n))"
	    "  ORDER BY n DESC, v)::text FROM b GROUP BY k"
	    " UNION ALL SELECT 'items', string_agg(ticket_query_view(t)::text, ','"
	    "  ORDER BY p.created DESC, p.uid) FROM p JOIN tickets t ON t.uid = p.uid");
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
	if (sql.failed || sql.sql.failed) {
		sql_builder_free(&sql);
		return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
	}
	result = pg_query(sql.sql.data, sql.count, (const char *const *)sql.params,
	    PGRES_TUPLES_OK, err);
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
