/*
 * `range` pagination shared by every list endpoint.
 *
 * A list handler calls, in this order:
 *   page_begin()       sets Accept-Range, which every response of a
 *                      paginated endpoint carries, errors included;
 *   page_read_range()  reads `range=start-end` (400 InvalidRange);
 *   page_fetch()       runs the list query once: the number of matching
 *                      items and the items of the requested indexes;
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

#include "common/error.h"
#include "common/strbuf.h"
#include "http/query.h"
#include "http/request.h"

struct page {
	unsigned max;		/* Accept-Range: maximum number of items of one request */
	struct range range;	/* requested indexes, both inclusive */
	uint64_t count;		/* items matching the filters */
	unsigned returned;	/* items of this page */
	struct strbuf items;	/* their JSON texts, joined by commas */
};

/* Starts PAGE for an endpoint whose Accept-Range is MAX and adds that header to REQ. */
void page_begin(struct page *page, struct request *req, unsigned max);

/* Reads `range` from QUERY; the default is 0 to max - 1. */
bool page_read_range(struct page *page, const struct query *query, struct error *err);

/*
 * Runs
 *	SELECT count(*) OVER (), ITEM FROM_WHERE ORDER LIMIT ... OFFSET ...
 * with the NPARAMS text PARAMS as $1..$NPARAMS (the limit and offset take
 * the next two numbers), and fills the count and the items of PAGE.
 * FROM_WHERE selects the matching rows ("FROM ... WHERE ..."), ITEM is an
 * SQL expression giving one item as JSON text, and ORDER ("ORDER BY ...")
 * must be a total order so that pages do not overlap.  When the range
 * starts past the last item, a second statement counts the matching rows.
 */
bool page_fetch(struct page *page, const char *from_where, const char *item,
    const char *order, int nparams, const char *const *params,
    struct error *err);

/* Sends {"result":[items]} with 200 or 206, or 416, following the rules above. */
void page_send(struct page *page, struct request *req);

/* Frees what PAGE owns. */
void page_free(struct page *page);

#endif
