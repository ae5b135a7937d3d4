/*
 * HTTP side of the paginated lists: the Accept-Range header every response
 * of such an endpoint carries, and the 200/206/416 response with
 * Content-Range.
 */
#ifndef PERFIMMO_PAGED_H
#define PERFIMMO_PAGED_H

#include "http/request.h"
#include "readmodel/listing.h"

/* Maximum number of items one request of a paginated endpoint may request. */
#define PAGED_MAX 100

/* Adds `Accept-Range: MAX`; call it before anything can fail, so errors carry it too. */
void paged_begin(struct request *req, unsigned max);

/*
 * Sends {"result":[...]EXTRA} for PAGE: 200 when it contains the whole
 * collection (or the collection is empty), else 206, with Content-Range;
 * 416 RangeNotSatisfiable, whose Content-Range is a star, a slash and the
 * count, when RANGE starts past a non-empty collection.  EXTRA, when not NULL, is appended after the
 * result array, e.g. `,"_links":[...]`.
 */
void paged_reply(struct request *req, const struct listing_page *page,
    const struct range *range, const char *extra);

#endif
