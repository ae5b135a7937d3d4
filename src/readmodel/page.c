/* `range` pagination: Accept-Range, LIMIT/OFFSET, count and status. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/pg.h"
#include "http/response.h"
#include "page.h"

/* Maximum number of query parameters of a list statement, besides the limit and the offset. */
#define PAGE_PARAMS_MAX 1100


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


/* Ends a failed statement: ERR is set by pg_query, or memory ran out before it. */
static bool
query_failed(struct error *err)
{
	if (err->type == ERR_NONE)
		error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
	return false;
}


/* Counts the matching rows, for a range that starts past the last one. */
static bool
count_rows(struct page *page, const char *from_where, int nparams,
    const char *const *params, struct error *err)
{
	struct strbuf sql;
	PGresult *result;

	error_clear(err);
	strbuf_init(&sql);
	strbuf_printf(&sql, "SELECT count(*) %s", from_where);
	result = sql.failed ? NULL :
	    pg_query(sql.data, nparams, params, PGRES_TUPLES_OK, err);
	strbuf_free(&sql);
	if (result == NULL)
		return query_failed(err);

	page->count = strtoull(PQgetvalue(result, 0, 0), NULL, 10);
	PQclear(result);
	return true;
}


bool
page_fetch(struct page *page, const char *from_where, const char *item,
    const char *order, int nparams, const char *const *params,
    struct error *err)
{
	const char *all[PAGE_PARAMS_MAX + 2];
	char limit[16], offset[16];
	struct strbuf sql;
	PGresult *result;
	int rows;

	if (nparams > PAGE_PARAMS_MAX)
		return error_set(err, ERR_BAD_REQUEST, "trop de paramètres de recherche",
		    "too many search parameters");
	for (int i = 0; i < nparams; i++)
		all[i] = params[i];
	snprintf(limit, sizeof(limit), "%u", page->range.end - page->range.start + 1);
	snprintf(offset, sizeof(offset), "%u", page->range.start);
	all[nparams] = limit;
	all[nparams + 1] = offset;

	/* The window count covers every matching row, because LIMIT applies after it. */
	error_clear(err);
	strbuf_init(&sql);
	strbuf_printf(&sql, "SELECT count(*) OVER (), %s %s %s LIMIT $%d OFFSET $%d",
	    item, from_where, order, nparams + 1, nparams + 2);
	result = sql.failed ? NULL :
	    pg_query(sql.data, nparams + 2, all, PGRES_TUPLES_OK, err);
	strbuf_free(&sql);
	if (result == NULL)
		return query_failed(err);

	rows = PQntuples(result);
	for (int i = 0; i < rows; i++) {
		if (i > 0)
			strbuf_puts(&page->items, ",");
		strbuf_puts(&page->items, PQgetvalue(result, i, 1));
	}
	page->returned = (unsigned)rows;
	page->count = rows > 0 ? strtoull(PQgetvalue(result, 0, 0), NULL, 10) : 0;
	PQclear(result);

	if (rows == 0 && page->range.start > 0)
		return count_rows(page, from_where, nparams, params, err);
	return !page->items.failed ||
	    error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
}


void
page_send(struct page *page, struct request *req)
{
	char content_range[64];
	struct strbuf body;
	struct error err;
	bool whole;

	if (page->count > 0 && page->range.start >= page->count) {
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
	strbuf_puts(&body, "{\"result\":[");
	strbuf_append(&body, page->items.data, page->items.len);
	strbuf_puts(&body, "]}");
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
