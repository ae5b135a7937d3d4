/* GET /api/v1/providercontacts/{uid}/stats: a provider contact's statistics. */
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "handlers.h"
#include "http/query.h"
#include "http/response.h"
#include "journal/upcast.h"
#include "readmodel/contact_stats.h"
#include "readmodel/scope_sql.h"
#include "readmodel/ticket_query.h"


/* Sets *VISIBLE when the contact exists and is in the actor's scope. */
static bool
contact_visible(struct context *ctx, const char *uid, bool *visible, struct error *err)
{
	struct sql_builder sql;
	PGresult *result;

	sql_builder_init(&sql);
	sql_builder_puts(&sql, "SELECT 1 FROM provider_contacts c WHERE c.uid = ");
	sql_builder_param(&sql, uid, "uuid");
	scope_sql_contact(&sql, &ctx->actor, "c");
	result = sql_builder_query(&sql, err);
	sql_builder_free(&sql);
	if (result == NULL)
		return false;
	*visible = PQntuples(result) > 0;
	PQclear(result);
	return true;
}


static bool
read_period(const struct query *query, char from[TYPES_DATE_SIZE], bool *has_from,
    char to[TYPES_DATE_SIZE], bool *has_to, struct error *err)
{
	struct types_date date;

	if (!query_local_date(query, "from", &date, has_from, err))
		return false;
	if (*has_from)
		types_format_local_date(&date, from);
	if (!query_local_date(query, "to", &date, has_to, err))
		return false;
	if (*has_to)
		types_format_local_date(&date, to);
	if (*has_from && *has_to && strcmp(to, from) < 0)
		return error_set(err, ERR_BAD_REQUEST, "paramètre « to » : ne doit pas précéder « from »",
		    "parameter \"to\": must not be before \"from\"");
	return true;
}


/* The visible tickets naming the contact, created in the period, with their events. */
static PGresult *
load_tickets(struct context *ctx, const char *uid, const char *from, const char *to,
    struct error *err)
{
	struct sql_builder sql;
	PGresult *result;
	int tz;

	sql_builder_init(&sql);
	strbuf_puts(&sql.sql, "SELECT to_char((t.created AT TIME ZONE ");
	sql_builder_param(&sql, ctx->tenant.timezone, NULL);
	tz = sql.count;
	strbuf_puts(&sql.sql, ")::date, 'YYYY-MM-DD'), (SELECT jsonb_agg(jsonb_build_array(e.schema_version, e.payload) ORDER BY e.version)"
	    " FROM events e WHERE e.aggregate_type = 'ticket' AND e.aggregate_uid = t.uid)::text"
	    " FROM tickets t WHERE t.provider_uids @> ARRAY[");
	sql_builder_param(&sql, uid, NULL);
	strbuf_puts(&sql.sql, "::uuid]");
	scope_sql_ticket(&sql, &ctx->actor, "t");
	if (from != NULL) {
		strbuf_puts(&sql.sql, " AND t.created >= (");
		sql_builder_param(&sql, from, NULL);
		strbuf_printf(&sql.sql, "::date::timestamp AT TIME ZONE $%d)", tz);
	}
	strbuf_puts(&sql.sql, " AND t.created < ((coalesce(");
	sql_builder_param(&sql, to, NULL);
	strbuf_printf(&sql.sql, "::date, (now() AT TIME ZONE $%d)::date) + 1)::timestamp"
	    " AT TIME ZONE $%d) ORDER BY t.created, t.uid", tz, tz);
	result = sql_builder_query(&sql, err);
	sql_builder_free(&sql);
	return result;
}


/*
 * Parses TEXT, the [schemaVersion, event] pairs of one ticket, into a new
 * array of its events in their current shape, or NULL with ERR.
 */
static struct json_object *
current_events(const char *text, struct error *err)
{
	struct json_object *pairs = json_tokener_parse(text);
	size_t count = json_object_is_type(pairs, json_type_array) ? json_object_array_length(pairs) : 0;
	struct json_object *events = json_object_new_array_ext((int)count);

	for (size_t i = 0; i < count; i++) {
		struct json_object *pair = json_object_array_get_idx(pairs, i);
		struct json_object *event = json_object_get(json_object_array_get_idx(pair, 1));

		json_object_array_add(events, event);
		if (event == NULL ||
		    !upcast_event(event, json_object_get_int(json_object_array_get_idx(pair, 0)), err)) {
			if (event == NULL)
				error_set(err, ERR_INTERNAL, "erreur interne", "internal error");
			json_object_put(events);
			json_object_put(pairs);
			return NULL;
		}
	}
	json_object_put(pairs);
	return events;
}


static void
reply_stats(struct context *ctx, const char *uid, PGresult *rows)
{
	int count = PQntuples(rows), parsed = 0;
	struct contact_stats_ticket *tickets = calloc((size_t)count + 1, sizeof(*tickets));
	struct json_object *stats;
	struct error err;

	if (tickets == NULL)
		abort();
	for (; parsed < count; parsed++) {
		tickets[parsed].day = PQgetvalue(rows, parsed, 0);
		tickets[parsed].events = current_events(PQgetvalue(rows, parsed, 1), &err);
		if (tickets[parsed].events == NULL)
			break;
	}
	if (parsed == count) {
		stats = contact_stats_compute(uid, tickets, (size_t)count);
		response_json(ctx->req, 200, stats);
		json_object_put(stats);
	} else {
		response_error(ctx->req, &err);
	}
	for (int i = 0; i < parsed; i++)
		json_object_put(tickets[i].events);
	free(tickets);
}


void
provider_contact_stats_get(void *opaque)
{
	struct context *ctx = opaque;
	const char *uid = ctx->req->params[0];
	char from[TYPES_DATE_SIZE], to[TYPES_DATE_SIZE];
	bool has_from, has_to, visible = false;
	struct query *query;
	PGresult *rows = NULL;
	struct error err;

	query = query_parse(ctx->req->query, &err);
	if (query == NULL || !read_period(query, from, &has_from, to, &has_to, &err) ||
	    !contact_visible(ctx, uid, &visible, &err)) {
		response_error(ctx->req, &err);
	} else if (!visible) {
		error_set(&err, ERR_NOT_FOUND, "aucun contact prestataire %s",
		    "no provider contact %s", uid);
		response_error(ctx->req, &err);
	} else if ((rows = load_tickets(ctx, uid, has_from ? from : NULL,
	    has_to ? to : NULL, &err)) == NULL) {
		response_error(ctx->req, &err);
	} else {
		reply_stats(ctx, uid, rows);
	}
	PQclear(rows);
	query_free(query);
}
