/*
 * `range` pagination shared by every list endpoint.
 *
 * A list handler calls, in this order:
 *   page_begin()       sets Accept-Range, which every response of a
 *                      paginated endpoint carries, errors included;
 *   page_read_range()  reads `range=start-end` (400 InvalidRange);
 *   page_fetch()       counts the matching items, then fetches the items of
 *                      the requested indexes with LIMIT and OFFSET;
 *   page_send()        answers 200, 206 or 416 with Content-Range;
 *   page_free().
 * Rules: `count` is the number of items matching the filters.  When
 * count > 0 and start >= count the response is 416 RangeNotSatisfiable.
 * It is 200 when every item is in the response (start = 0 and
 * end >= count - 1) and for any valid range on an empty collection, and
 * 206 otherwise.  Content-Range is `first-last/count`, or the star form
 * (a `*`, a slash and the count) on a 416 and on an empty collection.
 */
#ifndef PERFIMMO_PAGE_H
#define PERFIMMO_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "http/query.h"
#include "http/request.h"
#include "sql_builder.h"

/* Accept-Range of most list endpoints: the maximum number of items of one request. */
#define PAGE_MAX 100

struct page {
	unsigned max;		/* Accept-Range: maximum number of items of one request */
	struct range range;	/* requested indexes, both inclusive */
	uint64_t count;		/* items matching the filters */
	unsigned returned;	/* items of this page */
	struct strbuf items;	/* their JSON texts, joined by commas */
};

/* One list query: which rows, in which order, rendered how. */
struct page_query {
	/* "FROM ... WHERE ..." selecting the matching rows, with $1..$NPARAMS */
	const char *from_where;
	const char *const *params;
	int nparams;

	/*
	 * SQL expression of one item's JSON.  It may use EXTRA_COUNT more
	 * parameters, numbered page_extra_param(NPARAMS, 0) on.
	 */
	const char *item;
	const char *const *extra;
	int extra_count;

	/* ORDER BY list, ending with a unique key so that pages do not overlap */
	const char *order;

	/*
	 * Optional: more SQL expressions, selected after the item as columns
	 * 1.., and the function that then renders each row as its item's
	 * JSON instead of copying column 0.
	 */
	const char *columns;
	bool (*render)(PGresult *rows, int row, struct strbuf *out, struct error *err);
};

/* Starts PAGE for an endpoint whose Accept-Range is MAX and adds that header to REQ. */
void page_begin(struct page *page, struct request *req, unsigned max);

/* Reads `range` from QUERY; the default is 0 to max - 1. */
bool page_read_range(struct page *page, const struct query *query, struct error *err);

/* Returns the placeholder number of extra parameter INDEX of a query with NPARAMS parameters. */
int page_extra_param(int nparams, int index);

/*
 * Counts the rows of QUERY, then fetches the items of the requested range
 * into PAGE, unless the count is 0 or the range starts past it.
 */
bool page_fetch(struct page *page, const struct page_query *query, struct error *err);

/*
 * Runs page_fetch() on the rows that BUILDER selects ("FROM ... WHERE ..."):
 * fills the from_where, params and nparams of QUERY from it.
 */
bool page_fetch_from(struct page *page, const struct sql_builder *builder,
    struct page_query *query, struct error *err);

/* Returns true unless the range starts past a non-empty collection (a 416). */
bool page_satisfiable(const struct page *page);

/*
 * Sends {"MEMBER":[items]EXTRA} with 200 or 206, or 416, following the
 * rules above.  EXTRA, when not NULL, follows the array, e.g. `,"_links":[...]`.
 */
void page_send(struct page *page, struct request *req, const char *member, const char *extra);

/* Frees what PAGE owns. */
void page_free(struct page *page);

#endif
