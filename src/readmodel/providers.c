/* Provider-contact reads. */
#include <stdio.h>

#include "db/pg.h"
#include "providers.h"
#include "scope_sql.h"


bool
providers_may_write(const struct actor *actor)
{
	return actor->type != USER_PATRIMONY_MANAGER && actor->type != USER_NONE;
}


static void
add_link_filter(struct sql_builder *b, const char *table, const char *column, char **uids)
{
	if (uids == NULL || uids[0] == NULL)
		return;
	sql_builder_puts(b, " AND EXISTS (SELECT 1 FROM ");
	sql_builder_puts(b, table);
	sql_builder_puts(b, " f WHERE f.contact_uid = c.uid AND f.");
	sql_builder_puts(b, column);
	sql_builder_puts(b, " = ANY (");
	sql_builder_uuid_array(b, uids);
	sql_builder_puts(b, "))");
}


bool
providers_list(const struct provider_filter *filter, const struct actor *actor,
    const char *base_url, struct page *page,
    struct error *err)
{
	const char *extra[2] = {base_url, providers_may_write(actor) ? "true" : "false"};
	char *company[2] = {(char *)filter->company_uid, NULL};
	struct sql_builder b;
	struct page_query query = {0};
	char item[96];
	bool ok;

	sql_builder_init(&b);
	sql_builder_puts(&b, "FROM provider_contacts c WHERE true");
	scope_sql_contact(&b, actor, "c");
	if (filter->company_uid != NULL)
		add_link_filter(&b, "provider_contact_companies", "company_uid", company);
	add_link_filter(&b, "provider_contact_agencies", "agency_uid", filter->agency_uids);
	add_link_filter(&b, "provider_contact_patrimonies", "patrimony_uid", filter->patrimony_uids);
	if (filter->provider_company_uid != NULL) {
		sql_builder_puts(&b, " AND c.provider_company_uid = ");
		sql_builder_param(&b, filter->provider_company_uid, "uuid");
	}
	sql_builder_fulltext(&b, "c.search_folded", filter->fulltext);

	snprintf(item, sizeof(item), "provider_contact_view(c.uid, $%d::text, $%d::boolean, false)",
	    page_extra_param(b.count, 0), page_extra_param(b.count, 1));
	query.item = item;
	query.extra = extra;
	query.extra_count = 2;
	query.order = "left(c.label_folded, 256), c.label_folded, c.uid";
	ok = page_fetch_from(page, &b, &query, err);
	sql_builder_free(&b);
	return ok;
}


/* Runs BUILDER's statement and appends its rows' first column to OUT, comma-separated. */
static bool
run_rows(struct sql_builder *b, struct strbuf *out, int *rows, struct error *err)
{
	PGresult *result;

	result = sql_builder_query(b, err);
	if (result == NULL)
		return false;
	*rows = PQntuples(result);
	for (int i = 0; i < *rows; i++) {
		if (i > 0)
			strbuf_puts(out, ",");
		strbuf_puts(out, PQgetvalue(result, i, 0));
	}
	PQclear(result);
	return true;
}


bool
provider_detail(const char *uid, const struct actor *actor, const char *base_url,
    struct strbuf *out, bool *found, struct error *err)
{
	struct sql_builder b;
	int rows = 0;
	bool ok;

	sql_builder_init(&b);
	sql_builder_puts(&b, "SELECT provider_contact_view(c.uid, ");
	sql_builder_param(&b, base_url, "text");
	sql_builder_puts(&b, ", ");
	sql_builder_param(&b, providers_may_write(actor) ? "true" : "false", "boolean");
	sql_builder_puts(&b, ", true)::text FROM provider_contacts c WHERE c.uid = ");
	sql_builder_param(&b, uid, "uuid");
	scope_sql_contact(&b, actor, "c");
	ok = run_rows(&b, out, &rows, err);
	sql_builder_free(&b);
	*found = rows > 0;
	return ok;
}


bool
providers_suggest(const char *patrimony_uid, const char *incident_type, unsigned size,
    const struct actor *actor, struct strbuf *out, struct error *err)
{
	struct sql_builder b;
	char limit[16];
	int rows = 0;
	bool ok;

	snprintf(limit, sizeof(limit), "%u", size);
	sql_builder_init(&b);
	sql_builder_puts(&b, "SELECT jsonb_build_object('uid', c.uid, 'label', c.label,"
	    " 'activities', provider_contact_activities_view(c.uid),"
	    " 'isDirectlyLinkedWithPatrimony', d.direct, 'phones', c.phones, 'fax', c.fax,"
	    " 'emails', c.emails, 'active', c.active)::text"
	    " FROM provider_contacts c CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1"
	    " FROM provider_contact_patrimonies cp WHERE cp.contact_uid = c.uid AND cp.patrimony_uid = ");
	sql_builder_param(&b, patrimony_uid, "uuid");
	sql_builder_puts(&b, ") AS direct) d WHERE c.active AND (d.direct OR EXISTS (SELECT 1"
	    " FROM provider_contact_agencies ca JOIN patrimony_agencies pa ON pa.agency_uid = ca.agency_uid"
	    " WHERE ca.contact_uid = c.uid AND pa.patrimony_uid = ");
	sql_builder_param(&b, patrimony_uid, "uuid");
	sql_builder_puts(&b, ")) AND EXISTS (SELECT 1 FROM provider_contact_activities a"
	    " WHERE a.contact_uid = c.uid AND a.incident_types @> jsonb_build_array(");
	sql_builder_param(&b, incident_type, "text");
	sql_builder_puts(&b, "))");
	scope_sql_contact(&b, actor, "c");
	sql_builder_puts(&b, " ORDER BY d.direct DESC, c.label_folded, c.uid LIMIT ");
	sql_builder_param(&b, limit, "bigint");
	ok = run_rows(&b, out, &rows, err);
	sql_builder_free(&b);
	return ok;
}
