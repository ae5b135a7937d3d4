/* `range` pagination of the ticket endpoints. */
#include <stdio.h>

#include "http/response.h"
#include "ticket_page.h"


void
ticket_page_accept_range(struct request *req, unsigned max)
{
	char value[16];

	snprintf(value, sizeof(value), "%u", max);
	response_header(req, "Accept-Range", value);
}


bool
ticket_page_parse(const struct query *q, unsigned max, struct ticket_page *page,
    struct error *err)
{
	page->max = max;
	return query_range(q, max, 0, max - 1, &page->range, err);
}


bool
ticket_page_check(const struct ticket_page *page, unsigned long count, struct error *err)
{
	if (count > 0 && page->range.start >= count)
		return error_set(err, ERR_RANGE_NOT_SATISFIABLE,
		    "le début de la plage (%u) dépasse le nombre d'éléments (%lu)",
		    "the range start (%u) is beyond the number of items (%lu)",
		    page->range.start, count);
	return true;
}


unsigned
ticket_page_limit(const struct ticket_page *page, unsigned long count)
{
	unsigned long last = page->range.end;

	if (count == 0 || page->range.start >= count)
		return 0;
	if (last > count - 1)
		last = count - 1;
	return (unsigned)(last - page->range.start + 1);
}


void
ticket_page_send(struct request *req, const struct ticket_page *page,
    unsigned long count, const struct strbuf *body)
{
	char value[64];
	unsigned limit = ticket_page_limit(page, count);
	bool whole = page->range.start == 0 && (count == 0 || page->range.end >= count - 1);

	if (count == 0)
		snprintf(value, sizeof(value), "*/0");
	else
		snprintf(value, sizeof(value), "%u-%lu/%lu", page->range.start,
		    (unsigned long)page->range.start + limit - 1, count);
	response_header(req, "Content-Range", value);
	response_raw(req, whole || count == 0 ? 200 : 206, body->data, body->len);
}


void
ticket_page_fail(struct request *req, const struct ticket_page *page,
    unsigned long count, const struct error *err)
{
	char value[32];

	(void)page;
	if (err->type == ERR_RANGE_NOT_SATISFIABLE) {
		snprintf(value, sizeof(value), "*/%lu", count);
		response_header(req, "Content-Range", value);
	}
	response_error(req, err);
}
