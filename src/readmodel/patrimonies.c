/* Patrimony reads. */
#include <stdio.h>
#include <string.h>

#include "db/pg.h"
#include "patrimonies.h"
#include "scope_sql.h"

/*
 * earthdistance places points on a sphere of earth() = 6 378 168 m, while
 * distances are defined on the mean radius 6 371 008.8 m: the index box is
 * widened by their ratio (and a metre) so it holds every candidate, and
 * geo_distance() then keeps the exact matches.
 */
#define GEO_BOX_SCALE (6378168.0 / 6371008.8 * 1.0001)


/* Patrimonies with a lot address or complementary address within the distance. */
static void
add_near(struct sql_builder *b, const struct patrimony_filter *filter)
{
	static const char *const tables[] = {
		"lot_addresses g JOIN lots gl ON gl.uid = g.lot_uid AND NOT gl.deleted",
		"patrimony_addresses g",
	};
	static const char *const owners[] = {"gl.patrimony_uid", "g.patrimony_uid"};
	char lat[32], lng[32], radius[32], box[32];

	snprintf(lat, sizeof(lat), "%.17g", filter->lat);
	snprintf(lng, sizeof(lng), "%.17g", filter->lng);
	snprintf(radius, sizeof(radius), "%u", filter->distance);
	snprintf(box, sizeof(box), "%.17g", filter->distance * GEO_BOX_SCALE + 1);

	sql_builder_puts(b, " AND p.uid IN (");
	for (size_t i = 0; i < 2; i++) {
		if (i > 0)
			sql_builder_puts(b, " UNION ");
		sql_builder_puts(b, "SELECT ");
		sql_builder_puts(b, owners[i]);
		sql_builder_puts(b, " FROM ");
		sql_builder_puts(b, tables[i]);
		sql_builder_puts(b, " WHERE g.geo_point <@ perfimmo_ext.earth_box(perfimmo_ext.ll_to_earth(");
		sql_builder_param(b, lat, "float8");
		sql_builder_puts(b, ", ");
		sql_builder_param(b, lng, "float8");
		sql_builder_puts(b, "), ");
		sql_builder_param(b, box, "float8");
		sql_builder_puts(b, ") AND geo_distance(g.lat, g.lng, ");
		sql_builder_param(b, lat, "float8");
		sql_builder_puts(b, ", ");
		sql_builder_param(b, lng, "float8");
		sql_builder_puts(b, ") <= ");
		sql_builder_param(b, radius, "float8");
	}
	sql_builder_puts(b, ")");
}


/* Patrimonies one of whose addresses has the place id of either checker. */
static void
add_place(struct sql_builder *b, const char *place_id)
{
	sql_builder_puts(b, " AND p.uid IN (SELECT c.patrimony_uid FROM patrimony_addresses c"
	    " WHERE c.google_place_id = ");
	sql_builder_param(b, place_id, "text");
	sql_builder_puts(b, " OR c.data_gouv_id = ");
	sql_builder_param(b, place_id, "text");
	sql_builder_puts(b, " UNION SELECT l.patrimony_uid FROM lot_addresses a"
	    " JOIN lots l ON l.uid = a.lot_uid AND NOT l.deleted WHERE a.google_place_id = ");
	sql_builder_param(b, place_id, "text");
	sql_builder_puts(b, " OR a.data_gouv_id = ");
	sql_builder_param(b, place_id, "text");
	sql_builder_puts(b, ")");
}


bool
patrimonies_list(const struct patrimony_filter *filter, const struct actor *actor,
    struct page *page, struct error *err)
{
	struct sql_builder b;
	struct page_query query = {0};
	bool ok;

	sql_builder_init(&b);
	sql_builder_puts(&b, "FROM patrimonies p WHERE true");
	scope_sql_patrimony(&b, actor, "p");
	sql_builder_fulltext(&b, "p.search_folded", filter->fulltext);
	if (filter->agency_uids != NULL && filter->agency_uids[0] != NULL) {
		sql_builder_puts(&b, " AND EXISTS (SELECT 1 FROM patrimony_agencies fa"
		    " WHERE fa.patrimony_uid = p.uid AND fa.agency_uid = ANY (");
		sql_builder_uuid_array(&b, filter->agency_uids);
		sql_builder_puts(&b, "))");
	}
	if (filter->company_uid != NULL) {
		sql_builder_puts(&b, " AND p.company_uid = ");
		sql_builder_param(&b, filter->company_uid, "uuid");
	}
	if (filter->place_id != NULL)
		add_place(&b, filter->place_id);
	if (filter->near)
		add_near(&b, filter);

	query.item = "patrimony_view(p.uid, false)";
	query.order = "left(p.ref_folded, 256), p.ref_folded, p.uid";
	ok = page_fetch_from(page, &b, &query, err);
	sql_builder_free(&b);
	return ok;
}


bool
patrimony_detail(const char *uid, const struct actor *actor, struct strbuf *out,
    bool *found, struct error *err)
{
	struct sql_builder b;
	PGresult *result;

	sql_builder_init(&b);
	sql_builder_puts(&b, "SELECT patrimony_view(p.uid, true)::text FROM patrimonies p WHERE p.uid = ");
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


bool
patrimony_is_visible(const char *uid, const struct actor *actor, bool *visible,
    struct error *err)
{
	struct strbuf ignored;
	bool ok;

	strbuf_init(&ignored);
	ok = patrimony_detail(uid, actor, &ignored, visible, err);
	strbuf_free(&ignored);
	return ok;
}


/*
 * The users read tables come with the user commands; until they exist
 * there is no patrimony manager to list.
 */
static bool
user_tables_exist(bool *exist, struct error *err)
{
	PGresult *result = pg_query(
	    "SELECT to_regclass('users') IS NOT NULL AND to_regclass('user_patrimonies') IS NOT NULL",
	    0, NULL, PGRES_TUPLES_OK, err);

	if (result == NULL)
		return false;
	*exist = strcmp(PQgetvalue(result, 0, 0), "t") == 0;
	PQclear(result);
	return true;
}


bool
patrimony_managers_list(const char *uid, int active, struct page *page, struct error *err)
{
	struct sql_builder b;
	struct page_query query = {0};
	bool exist, ok;

	if (!user_tables_exist(&exist, err))
		return false;
	if (!exist)
		return true;

	/* Optional user columns are read through to_jsonb so that a missing one reads as absent. */
	sql_builder_init(&b);
	sql_builder_puts(&b, "FROM users u JOIN user_patrimonies up ON up.user_uid = u.uid"
	    " CROSS JOIN LATERAL (SELECT CASE WHEN coalesce(u.first_name, '') = '' THEN u.last_name"
	    " ELSE u.first_name || ' ' || u.last_name END AS name) n"
	    " WHERE u.user_type = 'patrimonyManager' AND up.patrimony_uid = ");
	sql_builder_param(&b, uid, "uuid");
	if (active >= 0) {
		sql_builder_puts(&b, " AND u.is_active = ");
		sql_builder_param(&b, active ? "true" : "false", "boolean");
	}
	query.item = "jsonb_strip_nulls(jsonb_build_object('uid', u.uid, 'name', n.name, 'email', u.login,"
	    " 'phoneNumber', to_jsonb(u) ->> 'phone', 'job', to_jsonb(u) ->> 'job'))";
	query.order = "perfimmo_ext.fold(n.name), u.uid";
	ok = page_fetch_from(page, &b, &query, err);
	sql_builder_free(&b);
	return ok;
}
