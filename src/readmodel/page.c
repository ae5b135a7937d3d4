/* `range` pagination: Accept-Range, count, LIMIT/OFFSET and status. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/pg.h"
#include "http/response.h"
#include "page.h"


void
page_begin(struct page *page, struct request *req, unsigned max)
{
	char value[16];

	page->max = max;
	page->range.start = 0;
	page->range.end = max - 1;
	page->count = 0;
	page->returned = 0;
	strbuf_init(&page->items);

	snprintf(value, sizeof(value), "%u", max);
	response_header(req, "Accept-Range", value);
}


bool
page_read_range(struct page *page, const struct query *query, struct error *err)
{
	return query_range(query, page->max, 0, page->max - 1, &page->range, err);
}


int
page_extra_param(int nparams, int index)
{
	return nparams + 1 + index;
}


static bool
out_of_memory(struct error *err)
{
	return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
}


static bool
count_rows(struct page *page, const struct page_query *query, struct error *err)
{
	struct strbuf sql;
	PGresult *result;

	strbuf_init(&sql);
	strbuf_printf(&sql, "SELECT count(*) %s", query->from_where);
	if (sql.failed) {
		strbuf_free(&sql);
		return out_of_memory(err);
	}
	result = pg_query(sql.data, query->nparams, query->params, PGRES_TUPLES_OK, err);
	strbuf_free(&sql);
	if (result == NULL)
		return false;
	page->count = strtoull(PQgetvalue(result, 0, 0), NULL, 10);
	PQclear(result);
	return true;
}


/* Runs the item query: the filters' parameters, the extras, then LIMIT and OFFSET. */
static bool
fetch_items(struct page *page, const struct page_query *query, struct error *err)
{
	int nparams = query->nparams + query->extra_count + 2;
	const char **params = calloc((size_t)nparams, sizeof(*params));
	char limit[16], offset[16];
	struct strbuf sql;
	PGresult *result;
	int rows;

	if (params == NULL)
		return out_of_memory(err);
	for (int i = 0; i < query->nparams; i++)
		params[i] = query->params[i];
	for (int i = 0; i < query->extra_count; i++)
		params[query->nparams + i] = query->extra[i];
	snprintf(limit, sizeof(limit), "%u", page->range.end - page->range.start + 1);
	snprintf(offset, sizeof(offset), "%u", page->range.start);
	params[nparams - 2] = limit;
	params[nparams - 1] = offset;

	strbuf_init(&sql);
	strbuf_printf(&sql, "SELECT (%s)::text%s%s %s ORDER BY %s LIMIT $%d::bigint OFFSET $%d::bigint",
	    query->item, query->columns != NULL ? ", " : "",
	    query->columns != NULL ? query->columns : "", query->from_where, query->order,
	    nparams - 1, nparams);
	result = sql.failed ? NULL : pg_query(sql.data, nparams, params, PGRES_TUPLES_OK, err);
	if (sql.failed)
		out_of_memory(err);
	strbuf_free(&sql);
	free(params);
	if (result == NULL)
		return false;

	rows = PQntuples(result);
	for (int i = 0; i < rows; i++) {
		if (i > 0)
			strbuf_puts(&page->items, ",");
		if (query->render == NULL) {
			strbuf_puts(&page->items, PQgetvalue(result, i, 0));
		} else if (!query->render(result, i, &page->items, err)) {
			PQclear(result);
			return false;
		}
	}
	page->returned = (unsigned)rows;
	PQclear(result);
	return !page->items.failed || out_of_memory(err);
}


bool
page_fetch(struct page *page, const struct page_query *query, struct error *err)
{
	if (!count_rows(page, query, err))
		return false;
	if (page->count == 0 || !page_satisfiable(page))
		return true;
	return fetch_items(page, query, err);
}


bool
page_fetch_from(struct page *page, const struct sql_builder *builder,
    struct page_query *query, struct error *err)
{
	if (builder->failed || builder->sql.failed)
		return out_of_memory(err);
	query->from_where = builder->sql.data;
	query->params = (const char *const *)builder->params;
	query->nparams = builder->count;
	return page_fetch(page, query, err);
}


bool
page_satisfiable(const struct page *page)
{
	return page->count == 0 || page->range.start < page->count;
}


void
page_send(struct page *page, struct request *req, const char *member, const char *extra)
{
	char content_range[64];
	struct strbuf body;
	struct error err;
	bool whole;

	if (!page_satisfiable(page)) {
		snprintf(content_range, sizeof(content_range), "*/%" PRIu64, page->count);
		response_header(req, "Content-Range", content_range);
		error_set(&err, ERR_RANGE_NOT_SATISFIABLE,
		    "range commence à l'élément %u, mais il n'y en a que %" PRIu64,
		    "range starts at item %u, but there are only %" PRIu64,
		    page->range.start, page->count);
		response_error(req, &err);
		return;
	}

	if (page->count == 0)
		snprintf(content_range, sizeof(content_range), "*/0");
	else
		snprintf(content_range, sizeof(content_range), "%u-%" PRIu64 "/%" PRIu64,
		    page->range.start, (uint64_t)page->range.start + page->returned - 1, page->count);
	response_header(req, "Content-Range", content_range);
	whole = page->count == 0 ||
	    (page->range.start == 0 && page->range.end >= page->count - 1);

	strbuf_init(&body);
	strbuf_printf(&body, "{\"%s\":[", member);
	strbuf_append(&body, page->items.data != NULL ? page->items.data : "", page->items.len);
	strbuf_puts(&body, "]");
	if (extra != NULL)
		strbuf_puts(&body, extra);
	strbuf_puts(&body, "}");
	if (body.failed) {
		error_set(&err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		response_error(req, &err);
	} else {
		response_raw(req, whole ? 200 : 206, body.data, body.len);
	}
	strbuf_free(&body);
}


void
page_free(struct page *page)
{
	strbuf_free(&page->items);
}
