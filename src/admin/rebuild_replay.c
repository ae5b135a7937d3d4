/*
 * The journal replay of perfimmo-admin rebuild: every event, in position
 * order, upcast to its current shape (journal/upcast.h) and then projected
 * through project_<kind>(), the same SQL functions that commands use.  The
 * projections therefore never see an old event shape.
 */
#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "common/strbuf.h"
#include "journal/upcast.h"

/* Events read, upcast and projected per round trip. */
#define REPLAY_CHUNK "1000"


/* Appends the projection items of ROWS to ITEMS as a JSON array; *LAST gets the last position. */
static bool
chunk_items(PGresult *rows, struct strbuf *items, char last[24])
{
	struct error err;

	strbuf_puts(items, "[");
	for (int i = 0; i < PQntuples(rows); i++) {
		strbuf_printf(items, "%s{\"position\":%s,\"kind\":\"%s\",\"event\":", i > 0 ? "," : "",
		    PQgetvalue(rows, i, 0), PQgetvalue(rows, i, 1));
		if (!upcast_text(PQgetvalue(rows, i, 2), atoi(PQgetvalue(rows, i, 3)),
		    PQgetvalue(rows, i, 4), items, &err)) {
			admin_fail("event at position %s cannot be replayed: %s", PQgetvalue(rows, i, 0),
			    err.message_en);
			return false;
		}
		strbuf_puts(items, "}");
		snprintf(last, 24, "%s", PQgetvalue(rows, i, 0));
	}
	strbuf_puts(items, "]");
	if (items->failed)
		return admin_fail("out of memory while replaying the journal"), false;
	return true;
}


bool
rebuild_replay(struct admin *admin, const char *after, char last[24])
{
	char until[24], from[24];
	PGresult *result;
	bool ok = true;

	/* Commands go on during the first replay: stop at the journal's end as it is now. */
	result = admin_query(admin, "SELECT coalesce(max(position), 0)::text FROM events", 0, NULL);
	if (result == NULL)
		return false;
	snprintf(until, sizeof(until), "%s", PQgetvalue(result, 0, 0));
	PQclear(result);
	snprintf(last, 24, "%s", after);

	/* Each round moves LAST forward by at least one event, up to UNTIL. */
	while (ok) {
		const char *params[3] = {from, until, REPLAY_CHUNK};
		struct strbuf items;
		const char *item_params[1];
		int rows;

		snprintf(from, sizeof(from), "%s", last);
		result = admin_query(admin, "SELECT position, aggregate_type, event_type, schema_version,"
		    " payload::text FROM events WHERE position > $1::bigint AND position <= $2::bigint"
		    " ORDER BY position LIMIT $3::integer", 3, params);
		if (result == NULL)
			return false;
		rows = PQntuples(result);
		if (rows == 0) {
			PQclear(result);
			break;
		}

		strbuf_init(&items);
		ok = chunk_items(result, &items, last);
		PQclear(result);
		item_params[0] = items.data;
		ok = ok && admin_exec(admin, "SELECT journal_project_items($1::jsonb)", 1, item_params);
		strbuf_free(&items);
	}
	return ok;
}
