/* Lot reads. */
#include <stdio.h>

#include "db/pg.h"
#include "lots.h"
#include "scope_sql.h"

/* Every user who sees a patrimony may send the lot commands on its lots. */
#define LOT_ITEM_FORMAT "lot_view(l.uid, $%d::text, true)"


bool
lots_list(const char *patrimony_uid, char **building_uids, const char *base_url,
    struct page *page, struct error *err)
{
	const char *extra[1] = {base_url};
	struct sql_builder b;
	struct page_query query = {0};
	char item[64];
	bool ok;

	sql_builder_init(&b);
	sql_builder_puts(&b, "FROM lots l WHERE NOT l.deleted AND l.patrimony_uid = ");
	sql_builder_param(&b, patrimony_uid, "uuid");
	if (building_uids != NULL && building_uids[0] != NULL) {
		sql_builder_puts(&b, " AND EXISTS (SELECT 1 FROM lot_addresses a"
		    " WHERE a.lot_uid = l.uid AND a.building_uid = ANY (");
		sql_builder_uuid_array(&b, building_uids);
		sql_builder_puts(&b, "))");
	}

	snprintf(item, sizeof(item), LOT_ITEM_FORMAT, page_extra_param(b.count, 0));
	query.item = item;
	query.extra = extra;
	query.extra_count = 1;
	query.order = "left(l.ref_folded, 256), l.ref_folded, l.uid";
	ok = page_fetch_from(page, &b, &query, err);
	sql_builder_free(&b);
	return ok;
}


bool
lot_detail(const char *uid, const struct actor *actor, const char *base_url,
    struct strbuf *out, bool *found, struct error *err)
{
	struct sql_builder b;
	PGresult *result;

	sql_builder_init(&b);
	sql_builder_puts(&b, "SELECT lot_view(l.uid, ");
	sql_builder_param(&b, base_url, "text");
	sql_builder_puts(&b, ", true)::text FROM lots l JOIN patrimonies p ON p.uid = l.patrimony_uid"
	    " WHERE NOT l.deleted AND l.uid = ");
	sql_builder_param(&b, uid, "uuid");
	scope_sql_patrimony(&b, actor, "p");
	result = sql_builder_query(&b, err);
	sql_builder_free(&b);
	if (result == NULL)
		return false;
	*found = PQntuples(result) > 0;
	if (*found)
		strbuf_puts(out, PQgetvalue(result, 0, 0));
	PQclear(result);
	return true;
}
