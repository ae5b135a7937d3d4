/*
 * `range` pagination of the ticket endpoints: parsing,
 * the 416 check, and the Content-Range and Accept-Range headers.
 */
#ifndef PERFIMMO_TICKET_PAGE_H
#define PERFIMMO_TICKET_PAGE_H

#include <stdbool.h>

#include "common/strbuf.h"
#include "http/query.h"
#include "http/request.h"

struct ticket_page {
	unsigned max;			/* Accept-Range */
	struct range range;
};

/* Adds `Accept-Range: MAX`, which every response of the endpoint carries. */
void ticket_page_accept_range(struct request *req, unsigned max);

/* Reads `range` (default 0 to MAX-1): 400 InvalidRange when malformed or too large. */
bool ticket_page_parse(const struct query *q, unsigned max, struct ticket_page *page,
    struct error *err);

/* 416 RangeNotSatisfiable when the collection is not empty and start >= COUNT. */
bool ticket_page_check(const struct ticket_page *page, unsigned long count, struct error *err);

/* Number of items of the page. */
unsigned ticket_page_limit(const struct ticket_page *page, unsigned long count);

/* Sends BODY with 200 (whole collection) or 206 and its Content-Range. */
void ticket_page_send(struct request *req, const struct ticket_page *page,
    unsigned long count, const struct strbuf *body);

/* Sends ERR, with `Content-Range: *\/COUNT` on a 416. */
void ticket_page_fail(struct request *req, const struct ticket_page *page,
    unsigned long count, const struct error *err);

#endif
