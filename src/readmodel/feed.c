/* Reading the journal in position order for the feed. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "db/pg_array.h"
#include "feed.h"
#include "journal/upcast.h"


/* Writes a PostgreSQL text[] literal of ITEMS into OUT and returns it, or NULL (no filter) for no items. */
static const char *
array_literal(char *const *items, struct strbuf *out)
{
	if (items == NULL || items[0] == NULL)
		return NULL;
	pg_array_literal(out, (const char *const *)items, SIZE_MAX);
	return out->data;
}


/*
 * Writes the text[] literal of the TYPES filter with the former names of
 * those types, so that events stored under a retired name still match.
 */
static const char *
types_literal(char **types, struct strbuf *out)
{
	const char **names;
	size_t count = 0, max;

	if (types == NULL || types[0] == NULL)
		return NULL;
	while (types[count] != NULL)
		count++;
	max = count + upcast_registry.count + 1;
	names = calloc(max, sizeof(*names));
	if (names == NULL)
		abort();
	memcpy(names, types, count * sizeof(*names));
	upcast_add_former_names(names, max);
	array_literal((char *const *)names, out);
	free(names);
	return out->data;
}


bool
feed_read(const struct feed_filter *filter, const struct actor *actor,
    struct strbuf *out, struct error *err)
{
	char after[24], limit[16];
	struct strbuf types, kinds;
	const char *params[5];
	PGresult *result;
	uint64_t next = filter->after;
	int rows, written = 0;

	snprintf(after, sizeof(after), "%" PRIu64, filter->after);
	snprintf(limit, sizeof(limit), "%u", filter->limit);
	strbuf_init(&types);
	strbuf_init(&kinds);
	params[0] = after;
	params[1] = limit;
	params[2] = types_literal(filter->types, &types);
	params[3] = array_literal(filter->kinds, &kinds);
	params[4] = actor->type == USER_SUPER ? NULL : actor->uid;

	/* Visibility is judged now, on current state, for every row scanned. */
	result = pg_query(
	    "SELECT position, aggregate_type, payload::text,"
	    "       $5::uuid IS NULL OR aggregate_visible(aggregate_type, aggregate_uid, $5::uuid),"
	    "       event_type, schema_version"
	    "  FROM events"
	    " WHERE position > $1::bigint"
	    "   AND ($3::text[] IS NULL OR event_type = ANY ($3::text[]))"
	    "   AND ($4::text[] IS NULL OR aggregate_type = ANY ($4::text[]))"
	    " ORDER BY position LIMIT $2::integer",
	    5, params, PGRES_TUPLES_OK, err);
	strbuf_free(&types);
	strbuf_free(&kinds);
	if (result == NULL)
		return false;

	rows = PQntuples(result);
	strbuf_puts(out, "{\"events\":[");
	for (int i = 0; i < rows; i++) {
		next = strtoull(PQgetvalue(result, i, 0), NULL, 10);
		if (strcmp(PQgetvalue(result, i, 3), "t") != 0)
			continue;
		strbuf_printf(out, "%s{\"position\":%s,\"aggregateType\":\"%s\",\"event\":",
		    written++ > 0 ? "," : "", PQgetvalue(result, i, 0), PQgetvalue(result, i, 1));
		if (!upcast_text(PQgetvalue(result, i, 4), atoi(PQgetvalue(result, i, 5)),
		    PQgetvalue(result, i, 2), out, err)) {
			PQclear(result);
			return false;
		}
		strbuf_puts(out, "}");
	}
	strbuf_printf(out, "],\"next\":%" PRIu64 "}", next);
	PQclear(result);
	return !out->failed || error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
}
