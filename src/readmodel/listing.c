/* Counting and paging the lists of the read API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "listing.h"


int
listing_extra_param(const struct sql_builder *from_where, int index)
{
	/* After the filters' own parameters come OFFSET and LIMIT, then the extras. */
	return from_where->count + 3 + index;
}


void
listing_fulltext(struct sql_builder *builder, const char *column, char **terms)
{
	for (size_t i = 0; terms != NULL && terms[i] != NULL; i++) {
		sql_builder_puts(builder, " AND ");
		sql_builder_puts(builder, column);
		/* LIKE's own characters in a term match themselves. */
		sql_builder_puts(builder, " LIKE '%' || replace(replace(replace("
		    "btrim(perfimmo_ext.fold(");
		sql_builder_param(builder, terms[i], "text");
		sql_builder_puts(builder, ")), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'");
	}
}


void
listing_page_init(struct listing_page *page)
{
	memset(page, 0, sizeof(*page));
	strbuf_init(&page->items);
}


void
listing_page_free(struct listing_page *page)
{
	strbuf_free(&page->items);
}


static bool
out_of_memory(struct error *err)
{
	return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
}


static bool
count_items(const struct listing_query *query, struct listing_page *page, struct error *err)
{
	const struct sql_builder *where = query->from_where;
	struct strbuf sql;
	PGresult *result;

	strbuf_init(&sql);
	strbuf_puts(&sql, "SELECT count(*) ");
	strbuf_append(&sql, where->sql.data, where->sql.len);
	if (sql.failed) {
		strbuf_free(&sql);
		return out_of_memory(err);
	}
	result = pg_query(sql.data, where->count, (const char *const *)where->params,
	    PGRES_TUPLES_OK, err);
	strbuf_free(&sql);
	if (result == NULL)
		return false;
	page->count = strtoll(PQgetvalue(result, 0, 0), NULL, 10);
	PQclear(result);
	return true;
}


static bool
fetch_items(const struct listing_query *query, const struct range *range,
    struct listing_page *page, struct error *err)
{
	const struct sql_builder *where = query->from_where;
	int nparams = where->count + 2 + query->extra_count;
	const char **params = calloc((size_t)nparams, sizeof(*params));
	char offset[16], limit[16];
	struct strbuf sql;
	PGresult *result;
	int rows;

	if (params == NULL)
		return out_of_memory(err);
	for (int i = 0; i < where->count; i++)
		params[i] = where->params[i];
	snprintf(offset, sizeof(offset), "%u", range->start);
	snprintf(limit, sizeof(limit), "%u", range->end - range->start + 1);
	params[where->count] = offset;
	params[where->count + 1] = limit;
	for (int i = 0; i < query->extra_count; i++)
		params[where->count + 2 + i] = query->extra[i];

	strbuf_init(&sql);
	strbuf_printf(&sql, "SELECT (%s)::text ", query->item);
	strbuf_append(&sql, where->sql.data, where->sql.len);
	strbuf_printf(&sql, " ORDER BY %s OFFSET $%d::bigint LIMIT $%d::bigint",
	    query->order_by, where->count + 1, where->count + 2);
	result = sql.failed ? NULL : pg_query(sql.data, nparams, params, PGRES_TUPLES_OK, err);
	if (sql.failed)
		out_of_memory(err);
	strbuf_free(&sql);
	free(params);
	if (result == NULL)
		return false;

	rows = PQntuples(result);
	page->first = range->start;
	for (int i = 0; i < rows; i++) {
		if (i > 0)
			strbuf_puts(&page->items, ",");
		strbuf_puts(&page->items, PQgetvalue(result, i, 0));
	}
	page->returned = (size_t)rows;
	PQclear(result);
	return !page->items.failed || out_of_memory(err);
}


bool
listing_fetch(const struct listing_query *query, const struct range *range,
    struct listing_page *page, struct error *err)
{
	if (query->from_where->failed)
		return out_of_memory(err);
	if (!count_items(query, page, err))
		return false;
	if (page->count == 0 || (long long)range->start >= page->count)
		return true;
	return fetch_items(query, range, page, err);
}
