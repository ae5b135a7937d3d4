/* GET /api/v1/events: the event feed (pull). */
#include <stdlib.h>
#include <string.h>

#include "domain/catalogue.h"
#include "handlers.h"
#include "http/query.h"
#include "http/response.h"
#include "readmodel/feed.h"

#define FEED_DEFAULT_LIMIT 100
#define FEED_MAX_LIMIT 1000


static bool
check_names(char **items, bool (*known)(const char *), const char *parameter,
    struct error *err)
{
	for (size_t i = 0; items != NULL && items[i] != NULL; i++) {
		if (!known(items[i]))
			return error_set(err, ERR_BAD_REQUEST,
			    "paramètre « %s » : valeur inconnue « %.80s »",
			    "parameter \"%s\": unknown value \"%.80s\"", parameter, items[i]);
	}
	return true;
}


static bool
is_event_type(const char *name)
{
	return catalogue_event_kind(name) != NULL;
}


static bool
parse_filter(struct query *query, struct feed_filter *filter, struct error *err)
{
	uint64_t limit = FEED_DEFAULT_LIMIT;
	bool present;
	size_t count;

	if (!query_uint(query, "after", UINT64_C(9223372036854775807), &filter->after, &present, err))
		return false;
	if (!query_uint_range(query, "limit", 1, FEED_MAX_LIMIT, &limit, &present, err))
		return false;
	filter->limit = (unsigned)limit;

	return query_list(query, "types", &filter->types, &count, err) &&
	    check_names(filter->types, is_event_type, "types", err) &&
	    query_list(query, "aggregates", &filter->kinds, &count, err) &&
	    check_names(filter->kinds, catalogue_is_kind, "aggregates", err);
}


void
events_feed_get(void *opaque)
{
	struct context *ctx = opaque;
	struct feed_filter filter;
	struct query *query;
	struct strbuf body;
	struct error err;

	memset(&filter, 0, sizeof(filter));
	strbuf_init(&body);

	query = query_parse(ctx->req->query, &err);
	if (query == NULL || !parse_filter(query, &filter, &err) ||
	    !feed_read(&filter, &ctx->actor, &body, &err))
		response_error(ctx->req, &err);
	else
		response_raw(ctx->req, 200, body.data, body.len);

	free(filter.types);
	free(filter.kinds);
	query_free(query);
	strbuf_free(&body);
}
