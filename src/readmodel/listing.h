/*
 * Paginated lists of the read API: count the items a filter matches, then
 * fetch the page a `range` requests, each item rendered as JSON by SQL.
 * (The generic company-list helper may replace this one once it lands.)
 */
#ifndef PERFIMMO_LISTING_H
#define PERFIMMO_LISTING_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "http/query.h"
#include "sql_builder.h"

struct listing_page {
	long long count;		/* items matching the filters */
	unsigned first;			/* index of the first returned item */
	size_t returned;		/* items in ITEMS */
	struct strbuf items;		/* the items' JSON texts, comma-separated */
};

/* A paginated query: which rows, in which order, rendered how. */
struct listing_query {
	/* "FROM ... WHERE ..." with its parameters; shared by the count and the page */
	const struct sql_builder *from_where;
	const char *order_by;		/* ORDER BY list, ending with a unique key */

	/*
	 * SQL expression of one item's JSON.  It may use EXTRA_COUNT more
	 * parameters, numbered from listing_extra_param(FROM_WHERE, 0) on.
	 */
	const char *item;
	const char *const *extra;
	int extra_count;
};

/* Returns the placeholder number of extra parameter INDEX of a query on FROM_WHERE. */
int listing_extra_param(const struct sql_builder *from_where, int index);

/*
 * Appends to BUILDER, for every term of the NULL-terminated TERMS, a
 * condition that the folded and trimmed term is a substring of COLUMN (a
 * folded column; the program names it).
 */
void listing_fulltext(struct sql_builder *builder, const char *column, char **terms);

/* Empties PAGE; listing_page_free() releases it. */
void listing_page_init(struct listing_page *page);
void listing_page_free(struct listing_page *page);

/*
 * Counts the items of QUERY and fetches those RANGE requests into PAGE.
 * When RANGE starts at or past a non-zero count, PAGE contains the count and
 * no item, so the caller sends 416.
 */
bool listing_fetch(const struct listing_query *query, const struct range *range,
    struct listing_page *page, struct error *err);

#endif
