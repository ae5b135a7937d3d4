/*
 * Client-company reads: GET /api/v1/clientcompanies, one company, and its
 * agencies, users and subsidiaries.  Query parameters are checked first
 * (400), then the company's existence and visibility (404).
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "http/query.h"
#include "http/response.h"
#include "readmodel/companies.h"
#include "readmodel/page.h"

static const char *const company_types[] = {
	"CallCenter", "ClientAccountHolding", "ClientAccount", NULL,
};


static bool
is_company_type(const char *name)
{
	for (size_t i = 0; company_types[i] != NULL; i++)
		if (strcmp(company_types[i], name) == 0)
			return true;
	return false;
}


/* Reads holdinguid, companytype and fulltext; the first two exclude each other. */
static bool
read_company_filter(const struct query *query, struct company_filter *filter,
    char holding_uid[37], struct error *err)
{
	bool has_holding;
	size_t count;

	if (!query_uuid(query, "holdinguid", holding_uid, &has_holding, err) ||
	    !query_scalar(query, "companytype", &filter->company_type, err) ||
	    !query_list(query, "fulltext", &filter->terms, &count, err))
		return false;
	filter->holding_uid = has_holding ? holding_uid : NULL;

	if (filter->company_type != NULL && !is_company_type(filter->company_type))
		return error_set(err, ERR_BAD_REQUEST,
		    "paramètre « companytype » : valeur attendue CallCenter, ClientAccountHolding ou ClientAccount",
		    "parameter \"companytype\": expected CallCenter, ClientAccountHolding or ClientAccount");
	if (filter->holding_uid != NULL && filter->company_type != NULL)
		return error_set(err, ERR_BAD_REQUEST,
		    "les paramètres « holdinguid » et « companytype » ne peuvent pas être combinés",
		    "parameters \"holdinguid\" and \"companytype\" cannot be combined");
	return true;
}


static bool
read_active(const struct query *query, enum active_filter *active, struct error *err)
{
	bool value, present;

	if (!query_bool(query, "active", &value, &present, err))
		return false;
	if (!present)
		*active = ACTIVE_ANY;
	else if (value)
		*active = ACTIVE_ONLY;
	else
		*active = INACTIVE_ONLY;
	return true;
}


/* Finds the path's company among those the user may see; 404 NotFound otherwise. */
static bool
find_company(struct context *ctx, struct error *err)
{
	const char *uid = ctx->req->params[0];
	struct strbuf ignored;
	bool found = false, ok;

	strbuf_init(&ignored);
	ok = companies_get(&ctx->actor, uid, &found, &ignored, err);
	strbuf_free(&ignored);
	if (ok && !found)
		return error_set(err, ERR_NOT_FOUND, "aucune société %s", "no company %s", uid);
	return ok;
}


/* GET /api/v1/clientcompanies */
void
clientcompanies_get(void *opaque)
{
	struct context *ctx = opaque;
	struct company_filter filter = {NULL, NULL, NULL};
	char holding_uid[37];
	struct query *query;
	struct page page;
	struct error err;

	page_begin(&page, ctx->req, PAGE_MAX);
	query = query_parse(ctx->req->query, &err);
	if (query == NULL || !page_read_range(&page, query, &err) ||
	    !read_company_filter(query, &filter, holding_uid, &err) ||
	    !companies_list(&ctx->actor, &filter, &page, &err))
		response_error(ctx->req, &err);
	else
		page_send(&page, ctx->req, "result", NULL);

	free(filter.terms);
	query_free(query);
	page_free(&page);
}


/* GET /api/v1/clientcompanies/{company_uid} */
void
clientcompany_get(void *opaque)
{
	struct context *ctx = opaque;
	struct strbuf body;
	struct error err;
	bool found = false;

	strbuf_init(&body);
	if (!companies_get(&ctx->actor, ctx->req->params[0], &found, &body, &err))
		response_error(ctx->req, &err);
	else if (!found) {
		error_set(&err, ERR_NOT_FOUND, "aucune société %s", "no company %s",
		    ctx->req->params[0]);
		response_error(ctx->req, &err);
	} else {
		response_raw(ctx->req, 200, body.data, body.len);
	}
	strbuf_free(&body);
}


/* GET /api/v1/clientcompanies/{company_uid}/agencies */
void
clientcompany_agencies_get(void *opaque)
{
	struct context *ctx = opaque;
	enum active_filter active = ACTIVE_ANY;
	struct query *query;
	struct page page;
	struct error err;

	page_begin(&page, ctx->req, PAGE_MAX);
	query = query_parse(ctx->req->query, &err);
	if (query == NULL || !page_read_range(&page, query, &err) ||
	    !read_active(query, &active, &err) ||
	    !find_company(ctx, &err) ||
	    !companies_agencies(&ctx->actor, ctx->req->params[0], active, &page, &err))
		response_error(ctx->req, &err);
	else
		page_send(&page, ctx->req, "result", NULL);

	query_free(query);
	page_free(&page);
}


/* GET /api/v1/clientcompanies/{company_uid}/users */
void
clientcompany_users_get(void *opaque)
{
	struct context *ctx = opaque;
	enum active_filter active = ACTIVE_ANY;
	struct query *query;
	struct page page;
	struct error err;

	page_begin(&page, ctx->req, PAGE_MAX);
	query = query_parse(ctx->req->query, &err);
	if (query == NULL || !page_read_range(&page, query, &err) ||
	    !read_active(query, &active, &err) ||
	    !find_company(ctx, &err) ||
	    !companies_users(ctx->req->params[0], active, &page, &err))
		response_error(ctx->req, &err);
	else
		page_send(&page, ctx->req, "result", NULL);

	query_free(query);
	page_free(&page);
}


/* GET /api/v1/clientcompanies/{company_uid}/subsidiaries */
void
clientcompany_subsidiaries_get(void *opaque)
{
	struct context *ctx = opaque;
	struct query *query;
	struct page page;
	struct error err;

	page_begin(&page, ctx->req, PAGE_MAX);
	query = query_parse(ctx->req->query, &err);
	if (query == NULL || !page_read_range(&page, query, &err) ||
	    !find_company(ctx, &err) ||
	    !companies_subsidiaries(&ctx->actor, ctx->req->params[0], &page, &err))
		response_error(ctx->req, &err);
	else
		page_send(&page, ctx->req, "result", NULL);

	query_free(query);
	page_free(&page);
}
