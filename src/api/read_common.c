/* Steps shared by the patrimony, lot and provider-contact read handlers. */
#include <stdio.h>

#include "http/query.h"
#include "http/response.h"
#include "read_common.h"


void
read_base_url(const struct context *ctx, char *out, size_t size)
{
	snprintf(out, size, "https://%s", ctx->tenant.host);
}


void
read_reply_item(struct context *ctx, bool found, const struct strbuf *out)
{
	struct error err;

	if (!found) {
		error_set(&err, ERR_NOT_FOUND, "ressource introuvable : %.200s",
		    "resource not found: %.200s", ctx->req->path);
		response_error(ctx->req, &err);
		return;
	}
	if (out->failed) {
		error_set(&err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		response_error(ctx->req, &err);
		return;
	}
	response_raw(ctx->req, 200, out->data, out->len);
}


bool
read_tristate(const struct query *q, const char *name, int *value, struct error *err)
{
	bool flag = false, present = false;

	if (!query_bool(q, name, &flag, &present, err))
		return false;
	*value = -1;
	if (present)
		*value = flag ? 1 : 0;
	return true;
}
