/*
 * GET /api/v1/providercontacts, /api/v1/providercontacts/{uid} and
 * /api/v1/providercontacts/suggest.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "http/query.h"
#include "http/response.h"
#include "readmodel/page.h"
#include "read_common.h"
#include "readmodel/patrimonies.h"
#include "readmodel/providers.h"

#define SUGGEST_DEFAULT_SIZE 5
#define SUGGEST_MAX_SIZE 100


static bool
parse_filter(const struct query *q, struct provider_filter *filter, char company[37],
    char provider_company[37], struct error *err)
{
	size_t count;
	bool present;

	if (!query_uuid(q, "companyuid", company, &present, err))
		return false;
	if (present)
		filter->company_uid = company;
	if (!query_uuid(q, "providercompanyuid", provider_company, &present, err))
		return false;
	if (present)
		filter->provider_company_uid = provider_company;
	return query_uuid_list(q, "agencyuids", &filter->agency_uids, &count, err) &&
	    query_uuid_list(q, "patrimonyuids", &filter->patrimony_uids, &count, err) &&
	    query_list(q, "fulltext", &filter->fulltext, &count, err);
}


void
providers_get(void *opaque)
{
	struct context *ctx = opaque;
	struct provider_filter filter;
	struct page page;
	struct strbuf links;
	struct query *q;
	struct error err;
	char company[37], provider_company[37], base_url[300];

	memset(&filter, 0, sizeof(filter));
	strbuf_init(&links);
	page_begin(&page, ctx->req, PAGE_MAX);
	read_base_url(ctx, base_url, sizeof(base_url));

	q = query_parse(ctx->req->query, &err);
	if (q == NULL || !page_read_range(&page, q, &err) ||
	    !parse_filter(q, &filter, company, provider_company, &err) ||
	    !providers_list(&filter, &ctx->actor, base_url, &page, &err)) {
		response_error(ctx->req, &err);
	} else {
		strbuf_printf(&links, ",\"_links\":[{\"rel\":\"self\","
		    "\"href\":\"%s/api/v1/providercontacts\",\"method\":\"GET\"}]", base_url);
		page_send(&page, ctx->req, "result", links.data);
	}

	free(filter.agency_uids);
	free(filter.patrimony_uids);
	free(filter.fulltext);
	strbuf_free(&links);
	page_free(&page);
	query_free(q);
}


void
provider_get(void *opaque)
{
	struct context *ctx = opaque;
	struct strbuf out;
	struct error err;
	char base_url[300];
	bool found = false;

	strbuf_init(&out);
	read_base_url(ctx, base_url, sizeof(base_url));
	if (!provider_detail(ctx->req->params[0], &ctx->actor, base_url, &out, &found, &err))
		response_error(ctx->req, &err);
	else
		read_reply_item(ctx, found, &out);
	strbuf_free(&out);
}


/* Reads a required SafeUUID parameter. */
static bool
required_uuid(const struct query *q, const char *name, char out[37], struct error *err)
{
	bool present = false;

	if (!query_uuid(q, name, out, &present, err))
		return false;
	if (!present)
		return error_set(err, ERR_BAD_REQUEST, "paramètre « %s » obligatoire",
		    "parameter \"%s\" is required", name);
	return true;
}


static bool
read_size(const struct query *q, unsigned *size, struct error *err)
{
	uint64_t value = SUGGEST_DEFAULT_SIZE;
	bool present = false;

	if (!query_uint_range(q, "responsesize", 1, SUGGEST_MAX_SIZE, &value, &present, err))
		return false;
	*size = (unsigned)value;
	return true;
}


void
providers_suggest_get(void *opaque)
{
	struct context *ctx = opaque;
	char patrimony[37], incident_type[37];
	struct strbuf out;
	struct query *q;
	struct error err;
	unsigned size = SUGGEST_DEFAULT_SIZE;
	bool visible = false;

	strbuf_init(&out);
	strbuf_puts(&out, "{\"result\":[");
	q = query_parse(ctx->req->query, &err);
	if (q == NULL || !required_uuid(q, "patrimonyuid", patrimony, &err) ||
	    !required_uuid(q, "incidenttypeuid", incident_type, &err) ||
	    !read_size(q, &size, &err) ||
	    !patrimony_is_visible(patrimony, &ctx->actor, &visible, &err)) {
		response_error(ctx->req, &err);
	} else if (!visible) {
		error_set(&err, ERR_NOT_FOUND, "aucun patrimoine %s", "no patrimony %s", patrimony);
		response_error(ctx->req, &err);
	} else if (!providers_suggest(patrimony, incident_type, size, &ctx->actor, &out, &err)) {
		response_error(ctx->req, &err);
	} else {
		strbuf_puts(&out, "]}");
		read_reply_item(ctx, true, &out);
	}
	strbuf_free(&out);
	query_free(q);
}
