/*
 * GET /api/v1/patrimonies, /api/v1/patrimonies/{uid} and
 * /api/v1/patrimonies/{uid}/patrimonymanagers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "http/query.h"
#include "http/response.h"
#include "readmodel/page.h"
#include "read_common.h"
#include "readmodel/patrimonies.h"

#define GEO_DEFAULT_DISTANCE 100
#define GEO_MAX_DISTANCE 100000


/* Parses one decimal number of a geolocation: optional '-', digits, optional fraction. */
static bool
parse_decimal(const char *text, size_t len, double min, double max, double *out)
{
	char buffer[40];
	char *end;
	size_t i = 0;

	if (len == 0 || len >= sizeof(buffer))
		return false;
	if (text[0] == '-')
		i++;
	if (i == len || text[i] < '0' || text[i] > '9')
		return false;
	for (; i < len; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || text[i] == '.'))
			return false;
	memcpy(buffer, text, len);
	buffer[len] = '\0';
	errno = 0;
	*out = strtod(buffer, &end);
	return errno == 0 && *end == '\0' && *out >= min && *out <= max;
}


static bool
bad_geolocation(struct error *err)
{
	return error_set(err, ERR_BAD_REQUEST,
	    "paramètre « geolocation » : attendu lat,lng[,distance] avec lat de -90 à 90, lng de -180 à 180"
	    " et une distance entière de 1 à 100000 mètres",
	    "parameter \"geolocation\": expected lat,lng[,distance] with lat from -90 to 90, lng from -180"
	    " to 180 and a whole distance of 1 to 100000 metres");
}


/* Reads `geolocation=lat,lng[,distance]`. */
static bool
parse_geolocation(const struct query *q, struct patrimony_filter *filter, struct error *err)
{
	const char *text, *comma, *second;
	double distance = GEO_DEFAULT_DISTANCE;

	if (!query_scalar(q, "geolocation", &text, err))
		return false;
	if (text == NULL)
		return true;

	comma = strchr(text, ',');
	if (comma == NULL || !parse_decimal(text, (size_t)(comma - text), -90, 90, &filter->lat))
		return bad_geolocation(err);
	second = comma + 1;
	comma = strchr(second, ',');
	if (!parse_decimal(second, comma != NULL ? (size_t)(comma - second) : strlen(second),
	    -180, 180, &filter->lng))
		return bad_geolocation(err);
	if (comma != NULL) {
		const char *digits = comma + 1;
		size_t len = strlen(digits);
		if (len == 0 || len > 6 || strspn(digits, "0123456789") != len)
			return bad_geolocation(err);
		distance = strtod(digits, NULL);
		if (distance < 1 || distance > GEO_MAX_DISTANCE)
			return bad_geolocation(err);
	}
	filter->near = true;
	filter->distance = (unsigned)distance;
	return true;
}


static bool
parse_filter(const struct query *q, struct patrimony_filter *filter, char company[37],
    struct error *err)
{
	size_t count;
	bool present;

	if (!query_list(q, "fulltext", &filter->fulltext, &count, err) ||
	    !query_uuid_list(q, "agencyuids", &filter->agency_uids, &count, err) ||
	    !query_uuid(q, "companyuid", company, &present, err))
		return false;
	if (present)
		filter->company_uid = company;
	return query_scalar(q, "placeid", &filter->place_id, err) &&
	    parse_geolocation(q, filter, err);
}


void
patrimonies_get(void *opaque)
{
	struct context *ctx = opaque;
	struct patrimony_filter filter;
	struct page page;
	struct query *q;
	struct error err;
	char company[37];

	memset(&filter, 0, sizeof(filter));
	page_begin(&page, ctx->req, PAGE_MAX);

	q = query_parse(ctx->req->query, &err);
	if (q == NULL || !page_read_range(&page, q, &err) ||
	    !parse_filter(q, &filter, company, &err) ||
	    !patrimonies_list(&filter, &ctx->actor, &page, &err))
		response_error(ctx->req, &err);
	else
		page_send(&page, ctx->req, "result", NULL);

	free(filter.fulltext);
	free(filter.agency_uids);
	page_free(&page);
	query_free(q);
}


void
patrimony_get(void *opaque)
{
	struct context *ctx = opaque;
	struct strbuf out;
	struct error err;
	bool found = false;

	strbuf_init(&out);
	if (!patrimony_detail(ctx->req->params[0], &ctx->actor, &out, &found, &err))
		response_error(ctx->req, &err);
	else
		read_reply_item(ctx, found, &out);
	strbuf_free(&out);
}


void
patrimony_managers_get(void *opaque)
{
	struct context *ctx = opaque;
	const char *uid = ctx->req->params[0];
	struct page page;
	struct query *q;
	struct error err;
	bool visible = false;
	int active;

	page_begin(&page, ctx->req, PAGE_MAX);

	q = query_parse(ctx->req->query, &err);
	if (q == NULL || !page_read_range(&page, q, &err) ||
	    !read_tristate(q, "active", &active, &err) ||
	    !patrimony_is_visible(uid, &ctx->actor, &visible, &err))
		response_error(ctx->req, &err);
	else if (!visible)
		read_reply_item(ctx, false, &page.items);
	else if (!patrimony_managers_list(uid, active, &page, &err))
		response_error(ctx->req, &err);
	else
		page_send(&page, ctx->req, "result", NULL);

	page_free(&page);
	query_free(q);
}
