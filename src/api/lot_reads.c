/* GET /api/v1/lots?patrimonyuid= and /api/v1/lots/{uid}. */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "http/query.h"
#include "http/response.h"
#include "readmodel/page.h"
#include "read_common.h"
#include "readmodel/lots.h"
#include "readmodel/patrimonies.h"


static bool
read_patrimony(const struct query *q, char uid[37], struct error *err)
{
	bool present = false;

	if (!query_uuid(q, "patrimonyuid", uid, &present, err))
		return false;
	if (!present)
		return error_set(err, ERR_BAD_REQUEST, "paramètre « patrimonyuid » obligatoire",
		    "parameter \"patrimonyuid\" is required");
	return true;
}


/* The list's links: itself, and ReferenceLot, which every user who sees the patrimony may send. */
static void
list_links(const char *base_url, struct strbuf *out)
{
	strbuf_printf(out, ",\"_links\":[{\"rel\":\"self\",\"href\":\"%s/api/v1/lots\",\"method\":\"GET\"},"
	    "{\"rel\":\"ReferenceLot\",\"href\":\"%s/api/vEvent/lots\",\"method\":\"POST\"}]",
	    base_url, base_url);
}


void
lots_get(void *opaque)
{
	struct context *ctx = opaque;
	struct page page;
	struct strbuf links;
	struct query *q;
	struct error err;
	char patrimony[37], base_url[300];
	char **buildings = NULL;
	size_t count;
	bool visible = false;

	strbuf_init(&links);
	page_begin(&page, ctx->req, PAGE_MAX);
	read_base_url(ctx, base_url, sizeof(base_url));

	q = query_parse(ctx->req->query, &err);
	if (q == NULL || !page_read_range(&page, q, &err) ||
	    !read_patrimony(q, patrimony, &err) ||
	    !query_uuid_list(q, "buildinguids", &buildings, &count, &err) ||
	    !patrimony_is_visible(patrimony, &ctx->actor, &visible, &err)) {
		response_error(ctx->req, &err);
	} else if (!visible) {
		error_set(&err, ERR_NOT_FOUND, "aucun patrimoine %s", "no patrimony %s", patrimony);
		response_error(ctx->req, &err);
	} else if (!lots_list(patrimony, buildings, base_url, &page, &err)) {
		response_error(ctx->req, &err);
	} else {
		list_links(base_url, &links);
		page_send(&page, ctx->req, "result", links.data);
	}

	free(buildings);
	strbuf_free(&links);
	page_free(&page);
	query_free(q);
}


void
lot_get(void *opaque)
{
	struct context *ctx = opaque;
	struct strbuf out;
	struct error err;
	char base_url[300];
	bool found = false;

	strbuf_init(&out);
	read_base_url(ctx, base_url, sizeof(base_url));
	if (!lot_detail(ctx->req->params[0], &ctx->actor, base_url, &out, &found, &err))
		response_error(ctx->req, &err);
	else
		read_reply_item(ctx, found, &out);
	strbuf_free(&out);
}
