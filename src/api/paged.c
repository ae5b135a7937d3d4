/* Responses of the paginated lists. */
#include <stdio.h>

#include "http/response.h"
#include "paged.h"


void
paged_begin(struct request *req, unsigned max)
{
	char value[16];

	snprintf(value, sizeof(value), "%u", max);
	response_header(req, "Accept-Range", value);
}


void
paged_reply(struct request *req, const struct listing_page *page,
    const struct range *range, const char *extra)
{
	char content_range[64];
	struct strbuf body;
	struct error err;
	bool whole;

	if (page->count == 0) {
		snprintf(content_range, sizeof(content_range), "*/0");
	} else if ((long long)range->start >= page->count) {
		snprintf(content_range, sizeof(content_range), "*/%lld", page->count);
		response_header(req, "Content-Range", content_range);
		error_set(&err, ERR_RANGE_NOT_SATISFIABLE,
		    "range commence à %u, mais la liste n'a que %lld éléments",
		    "range starts at %u but the list has only %lld items", range->start, page->count);
		response_error(req, &err);
		return;
	} else {
		snprintf(content_range, sizeof(content_range), "%u-%zu/%lld", page->first,
		    page->first + page->returned - 1, page->count);
	}
	response_header(req, "Content-Range", content_range);

	strbuf_init(&body);
	strbuf_puts(&body, "{\"result\":[");
	strbuf_append(&body, page->items.data != NULL ? page->items.data : "", page->items.len);
	strbuf_puts(&body, "]");
	if (extra != NULL)
		strbuf_puts(&body, extra);
	strbuf_puts(&body, "}");
	if (body.failed) {
		error_set(&err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		response_error(req, &err);
	} else {
		whole = page->count == 0 ||
		    (range->start == 0 && (long long)page->returned == page->count);
		response_raw(req, whole ? 200 : 206, body.data, body.len);
	}
	strbuf_free(&body);
}
