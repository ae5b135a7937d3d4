/*
 * Ticket reads: the list, the export, the stats, the detail and the ticket
 * event feed.  Views come from the tickets read table; the
 * detail's journal comes from the ticket's stored events.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/types.h"
#include "domain/domain.h"
#include "db/pg.h"
#include "handlers.h"
#include "http/query.h"
#include "http/response.h"
#include "journal/upcast.h"
#include "readmodel/ticket_journal.h"
#include "readmodel/ticket_list.h"
#include "readmodel/page.h"
#include "readmodel/scope_sql.h"
#include "readmodel/ticket_query.h"

#define LIST_MAX 100
#define EXPORT_MAX 20000
#define FEED_MAX 100


/* Fetches into PAGE the ITEMs of the rows that SQL ("FROM ... WHERE ...") selects, by ORDER. */
static bool
fetch_page(struct page *page, const struct sql_builder *sql, const char *item,
    const char *order, struct error *err)
{
	struct page_query query = {0};

	query.item = item;
	query.order = order;
	return page_fetch_from(page, sql, &query, err);
}


static void
where_clause(struct context *ctx, const struct ticket_filter *filter, bool with_dates,
    struct sql_builder *sql)
{
	ticket_filter_where(filter, &ctx->actor, ctx->tenant.timezone, with_dates, sql);
}


/* The list and the export share everything but the item, the order, the size and the aggregations. */
struct listing {
	unsigned max;
	bool active_providers;
	bool aggregations;
	const char *item;		/* SQL of the item of the ticket_facets row `t` */
	const char *order;
};


static void
serve_listing(struct context *ctx, const struct listing *listing)
{
	struct ticket_filter filter;
	struct sql_builder sql;
	struct page page;
	struct query *query;
	struct strbuf aggregations;
	struct error err;
	bool ok;

	page_begin(&page, ctx->req, listing->max);
	memset(&filter, 0, sizeof(filter));
	strbuf_init(&aggregations);
	query = query_parse(ctx->req->query, &err);
	ok = query != NULL && page_read_range(&page, query, &err) &&
	    ticket_filter_parse(query, listing->active_providers, &filter, &err);

	if (ok && listing->aggregations) {
		strbuf_puts(&aggregations, ",");
		ok = ticket_list_fetch(&filter, &ctx->actor, ctx->tenant.timezone, &page,
		    &aggregations, &err);
	} else if (ok) {
		sql_builder_init(&sql);
		strbuf_puts(&sql.sql, "FROM ticket_facets t");
		where_clause(ctx, &filter, true, &sql);
		ok = fetch_page(&page, &sql, listing->item, listing->order, &err);
		sql_builder_free(&sql);
	}

	if (ok)
		page_send(&page, ctx->req, "result", aggregations.data);
	else
		response_error(ctx->req, &err);
	ticket_filter_free(&filter);
	query_free(query);
	strbuf_free(&aggregations);
	page_free(&page);
}


void
ticket_list_get(void *context)
{
	static const struct listing list = {LIST_MAX, true, true, NULL, NULL};

	serve_listing(context, &list);
}


void
ticket_export_get(void *context)
{
	/* Only the rows of the page, after the sort and LIMIT, read their ticket. */
	static const struct listing export = {EXPORT_MAX, true, false,
	    "SELECT item FROM tickets x CROSS JOIN LATERAL ticket_export_item(x) AS item"
	    " WHERE x.uid = t.uid", "t.created, t.uid"};

	serve_listing(context, &export);
}


/* ---------------------------------------------------------------- stats */

/* N / D rounded to 2 decimals, as the shortest JSON number. */
static void
format_frequency(unsigned long tickets, long days, char out[32])
{
	double value = 0;

	if (tickets > 0 && days > 0)
		value = round((double)tickets * 100.0 / (double)days) / 100.0;
	snprintf(out, 32, "%.15g", value);
}


/*
 * Builds the stats statement, whose one row is (lastSevenDays, lastMonth,
 * currentMonth, N, D) with N and D those of byDay.  It reads the tickets
 * that match every filter but `from` and `to` once: newTickets counts them
 * all, byDay those that also match `from` and `to`.  Months and days are
 * those of the tenant's time zone.
 */
static void
build_stats_statement(struct context *ctx, const struct ticket_filter *filter,
    struct sql_builder *sql)
{
	int tz;

	strbuf_puts(&sql->sql, "SELECT last_seven_days, last_month, current_month, n, coalesce(");
	sql_builder_param(sql, filter->has_to ? filter->to : NULL, NULL);
	strbuf_puts(&sql->sql, "::date, today) - coalesce(");
	sql_builder_param(sql, filter->has_from ? filter->from : NULL, NULL);
	strbuf_puts(&sql->sql, "::date, (first AT TIME ZONE ");
	sql_builder_param(sql, ctx->tenant.timezone, NULL);
	tz = sql->count;
	strbuf_printf(&sql->sql, ")::date, today) + 1"
	    " FROM (SELECT count(*) FILTER (WHERE t.created >= now() - interval '168 hours'"
	    "  AND t.created <= now()) AS last_seven_days,"
	    " count(*) FILTER (WHERE t.created >= m.last AND t.created < m.current) AS last_month,"
	    " count(*) FILTER (WHERE t.created >= m.current AND t.created <= now()) AS current_month,"
	    " (now() AT TIME ZONE $%d)::date AS today", tz);

	strbuf_puts(&sql->sql, ", count(*) FILTER (WHERE true");
	ticket_filter_dates(filter, ctx->tenant.timezone, sql);
	strbuf_puts(&sql->sql, ") AS n, min(t.created) FILTER (WHERE true");
	ticket_filter_dates(filter, ctx->tenant.timezone, sql);
	strbuf_printf(&sql->sql, ") AS first"
	    " FROM (SELECT date_trunc('month', now() AT TIME ZONE $%d) AT TIME ZONE $%d AS current,"
	    " (date_trunc('month', now() AT TIME ZONE $%d) - interval '1 month') AT TIME ZONE $%d AS last) m,"
	    " ticket_facets t", tz, tz, tz, tz);
	where_clause(ctx, filter, false, sql);
	strbuf_puts(&sql->sql, ") x");
}


void
ticket_stats_get(void *opaque)
{
	struct context *ctx = opaque;
	struct ticket_filter filter;
	struct sql_builder sql;
	struct query *query;
	struct strbuf body;
	struct error err;
	PGresult *result;
	char by_day[32];

	query = query_parse(ctx->req->query, &err);
	if (query == NULL || !ticket_filter_parse(query, false, &filter, &err)) {
		response_error(ctx->req, &err);
		query_free(query);
		return;
	}

	sql_builder_init(&sql);
	build_stats_statement(ctx, &filter, &sql);
	result = sql_builder_query(&sql, &err);
	sql_builder_free(&sql);

	strbuf_init(&body);
	if (result == NULL) {
		response_error(ctx->req, &err);
	} else {
		format_frequency(strtoul(PQgetvalue(result, 0, 3), NULL, 10),
		    strtol(PQgetvalue(result, 0, 4), NULL, 10), by_day);
		strbuf_printf(&body, "{\"newTickets\":{\"lastSevenDays\":%s,\"lastMonth\":%s,"
		    "\"currentMonth\":%s},\"ticketCreationFrequency\":{\"byDay\":%s}}",
		    PQgetvalue(result, 0, 0), PQgetvalue(result, 0, 1), PQgetvalue(result, 0, 2), by_day);
		response_raw(ctx->req, 200, body.data, body.len);
	}
	PQclear(result);
	ticket_filter_free(&filter);
	query_free(query);
	strbuf_free(&body);
}


/* ---------------------------------------------------------------- detail */

/* Labels of the provider contacts the ticket's events name, as {uid: label}. */
static struct json_object *
contact_labels(const char *uid, struct error *err)
{
	const char *params[1] = {uid};
	struct json_object *labels;
	PGresult *result;

	result = pg_query("SELECT c.uid::text, c.label FROM ticket_contact_refs c"
	    " WHERE c.uid::text IN (SELECT jsonb_path_query(e.payload, 'lax $.**.providerUid') #>> '{}'"
	    "  FROM events e WHERE e.aggregate_type = 'ticket' AND e.aggregate_uid = $1)",
	    1, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return NULL;
	labels = json_object_new_object();
	for (int i = 0; i < PQntuples(result); i++)
		json_object_object_add(labels, PQgetvalue(result, i, 0),
		    json_object_new_string(PQgetvalue(result, i, 1)));
	PQclear(result);
	return labels;
}


/*
 * Parses the event of every row (column 0, stored at the schema version of
 * column 4) in its current shape.  Returns a new array, or NULL with ERR.
 */
static struct json_object *
current_events(PGresult *rows, struct error *err)
{
	struct json_object *events = json_object_new_array_ext(PQntuples(rows));

	for (int i = 0; i < PQntuples(rows); i++) {
		struct json_object *event = json_tokener_parse(PQgetvalue(rows, i, 0));

		if (event == NULL) {
			json_object_put(events);
			error_set(err, ERR_INTERNAL, "erreur interne", "internal error");
			return NULL;
		}
		json_object_array_add(events, event);
		if (!upcast_event(event, atoi(PQgetvalue(rows, i, 4)), err)) {
			json_object_put(events);
			return NULL;
		}
	}
	return events;
}


/* The latest correction text aimed at each processUid: {processUid: text}. */
static struct json_object *
latest_corrections(PGresult *rows, struct json_object *events)
{
	struct json_object *texts = json_object_new_object();
	struct json_object *versions = json_object_new_object();

	/* Rows come in journal order, not storage order: the highest version wins. */
	for (int i = 0; i < PQntuples(rows); i++) {
		struct json_object *event = json_object_array_get_idx(events, (size_t)i);
		const char *type = domain_string(event, "eventType");
		const char *target = domain_string(event, "targetedEvent");
		int version = atoi(PQgetvalue(rows, i, 3));
		struct json_object *seen;

		if (type != NULL && strcmp(type, "TicketEventInformationsCorrected") == 0 &&
		    target != NULL && (!json_object_object_get_ex(versions, target, &seen) ||
		    json_object_get_int(seen) < version)) {
			json_object_object_add(versions, target, json_object_new_int(version));
			json_object_object_add(texts, target,
			    json_object_new_string(domain_string(event, "text")));
		}
	}
	json_object_put(versions);
	return texts;
}


/* Array[DayEvent]: rows and EVENTS are sorted by local day, business date, version. */
static struct json_object *
build_journal(PGresult *rows, struct json_object *events, struct json_object *labels)
{
	struct json_object *journal = json_object_new_array();
	struct json_object *corrections = latest_corrections(rows, events);
	struct json_object *day_events = NULL;
	const char *current_day = "";

	for (int i = 0; i < PQntuples(rows); i++) {
		struct json_object *event = json_object_array_get_idx(events, (size_t)i);
		const char *process_uid = domain_string(event, "processUid");
		const char *day = PQgetvalue(rows, i, 1);
		struct json_object *item = json_object_new_object();

		if (strcmp(day, current_day) != 0) {
			struct json_object *group = json_object_new_object();
			day_events = json_object_new_array();
			json_object_object_add(group, "day", json_object_new_string(day));
			json_object_object_add(group, "events", day_events);
			json_object_array_add(journal, group);
			current_day = day;
		}
		json_object_object_add(item, "processUid", json_object_new_string(process_uid));
		json_object_object_add(item, "eventName",
		    json_object_new_string(domain_string(event, "eventType")));
		json_object_object_add(item, "date", json_object_new_string(PQgetvalue(rows, i, 2)));
		json_object_object_add(item, "data", ticket_journal_data(event, labels,
		    domain_string(corrections, process_uid)));
		json_object_array_add(day_events, item);
	}
	json_object_put(corrections);
	return journal;
}


static bool
load_journal(struct context *ctx, const char *uid, struct json_object **journal,
    struct error *err)
{
	const char *params[2] = {uid, ctx->tenant.timezone};
	struct json_object *labels, *events;
	PGresult *rows;

	/*
	 * NOTE: the business date is read in SQL from the stored payload, so an
	 * upcaster must keep the date fields where they are.  The former
	 * assignee events keep `date`.
	 */
	rows = pg_query("SELECT payload::text, to_char((d AT TIME ZONE $2)::date, 'YYYY-MM-DD'),"
	    " ticket_iso(d), version, schema_version FROM (SELECT payload, version, schema_version,"
	    "  ticket_business_date(payload) AS d"
	    "  FROM events WHERE aggregate_type = 'ticket' AND aggregate_uid = $1) e"
	    " ORDER BY 2, d, version", 2, params, PGRES_TUPLES_OK, err);
	if (rows == NULL)
		return false;
	events = current_events(rows, err);
	labels = events != NULL ? contact_labels(uid, err) : NULL;
	if (labels == NULL) {
		json_object_put(events);
		PQclear(rows);
		return false;
	}
	*journal = build_journal(rows, events, labels);
	json_object_put(labels);
	json_object_put(events);
	PQclear(rows);
	return true;
}


void
ticket_detail_get(void *opaque)
{
	struct context *ctx = opaque;
	const char *uid = ctx->req->params[0];
	struct json_object *view = NULL, *journal = NULL;
	struct sql_builder sql;
	PGresult *result;
	struct error err;

	sql_builder_init(&sql);
	strbuf_puts(&sql.sql, "SELECT ticket_detail_view(t, ");
	sql_builder_param(&sql, ctx->tenant.host, NULL);
	strbuf_puts(&sql.sql, ")::text FROM tickets t WHERE t.uid = ");
	sql_builder_param(&sql, uid, NULL);
	strbuf_puts(&sql.sql, "::uuid");
	scope_sql_ticket(&sql, &ctx->actor, "t");
	result = sql_builder_query(&sql, &err);
	sql_builder_free(&sql);
	if (result == NULL) {
		response_error(ctx->req, &err);
		return;
	}
	if (PQntuples(result) == 0) {
		PQclear(result);
		error_set(&err, ERR_NOT_FOUND, "aucun ticket %s", "no ticket %s", uid);
		response_error(ctx->req, &err);
		return;
	}
	view = json_tokener_parse(PQgetvalue(result, 0, 0));
	PQclear(result);

	if (!load_journal(ctx, uid, &journal, &err)) {
		response_error(ctx->req, &err);
	} else {
		json_object_object_add(view, "journal", journal);
		response_json(ctx->req, 200, view);
	}
	json_object_put(view);
}


/* ---------------------------------------------------------------- ticket event feed */

static bool
feed_bounds(const struct query *query, char from[TYPES_DATETIME_SIZE],
    char to[TYPES_DATETIME_SIZE], struct error *err)
{
	int64_t from_ms, to_ms;
	bool has_from, has_to;

	if (!query_datetime(query, "from", &from_ms, &has_from, err) ||
	    !query_datetime(query, "to", &to_ms, &has_to, err))
		return false;
	if (!has_from || !has_to)
		return error_set(err, ERR_BAD_REQUEST, "les paramètres « from » et « to » sont obligatoires",
		    "parameters \"from\" and \"to\" are required");
	if (to_ms < from_ms)
		return error_set(err, ERR_BAD_REQUEST, "paramètre « to » : ne doit pas précéder « from »",
		    "parameter \"to\": must not be before \"from\"");
	types_format_datetime(from_ms, from);
	types_format_datetime(to_ms, to);
	return true;
}


/* FROM and WHERE of the feed: ticket events in [from, to] of visible tickets. */
static void
feed_where(struct context *ctx, const char *from, const char *to, struct sql_builder *sql)
{
	strbuf_puts(&sql->sql, " FROM events e JOIN tickets t ON t.uid = e.aggregate_uid"
	    " WHERE e.aggregate_type = 'ticket' AND e.payload ->> 'sentDate' >= ");
	sql_builder_param(sql, from, NULL);
	strbuf_puts(&sql->sql, " AND e.payload ->> 'sentDate' <= ");
	sql_builder_param(sql, to, NULL);
	scope_sql_ticket(sql, &ctx->actor, "t");
}


/* Renders one row of the ticket event feed: the stored event in its current shape. */
static bool
render_feed_event(PGresult *rows, int row, struct strbuf *out, struct error *err)
{
	return upcast_text(PQgetvalue(rows, row, 1), atoi(PQgetvalue(rows, row, 2)),
	    PQgetvalue(rows, row, 0), out, err);
}


void
ticket_feed_get(void *opaque)
{
	struct page_query feed_query = {.item = "e.payload",
	    .order = "e.payload ->> 'sentDate', e.position",
	    .columns = "e.event_type, e.schema_version", .render = render_feed_event};
	struct context *ctx = opaque;
	char from[TYPES_DATETIME_SIZE], to[TYPES_DATETIME_SIZE];
	struct sql_builder sql;
	struct query *query;
	struct page page;
	struct error err;
	bool ok;

	page_begin(&page, ctx->req, FEED_MAX);
	query = query_parse(ctx->req->query, &err);
	ok = query != NULL && page_read_range(&page, query, &err) &&
	    feed_bounds(query, from, to, &err);
	if (ok) {
		sql_builder_init(&sql);
		feed_where(ctx, from, to, &sql);
		ok = page_fetch_from(&page, &sql, &feed_query, &err);
		sql_builder_free(&sql);
	}
	if (ok)
		page_send(&page, ctx->req, "events", NULL);
	else
		response_error(ctx->req, &err);
	query_free(query);
	page_free(&page);
}
