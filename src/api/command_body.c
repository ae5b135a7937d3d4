/*
 * Commands given as method, path and body outside FastCGI (perfimmo-admin
 * import): the path finds its endpoint in the API's own route table, then
 * the same pipeline runs, so nothing differs from a command sent over HTTP.
 */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "common/types.h"
#include "routes.h"


/* Finds the command route of REQ's method and path, or fills ERR as the API would. */
static const struct route *
find_command_route(struct request *req, struct error *err)
{
	const struct route *route;
	char allow[64];

	route = router_find(routes, route_count, req, allow, sizeof(allow), err);
	if (route == NULL)
		return NULL;
	if ((route->flags & ROUTE_COMMAND) == 0) {
		error_set(err, ERR_NOT_FOUND, "le chemin %s n'accepte pas de commande",
		    "path %s takes no command", req->path);
		return NULL;
	}
	return route;
}


void
command_run_body(struct context *ctx, const char *method, const char *path,
    const char *body, size_t len, struct command_outcome *out)
{
	struct request req;
	struct request *saved = ctx->req;
	const struct route *route;

	memset(&req, 0, sizeof(req));
	snprintf(req.method, sizeof(req.method), "%s", method);
	req.path = (char *)path;
	req.query = (char *)"";
	req.content_length = (long long)len;
	req.body = (char *)body;
	req.body_len = len;

	route = find_command_route(&req, &out->err);
	if (route != NULL && len > ctx->config->body_limit) {
		error_set(&out->err, ERR_PAYLOAD_TOO_LARGE,
		    "corps de %zu octets, au-delà de la limite de %zu octets",
		    "body of %zu bytes, over the limit of %zu bytes", len, ctx->config->body_limit);
		route = NULL;
	}
	if (route == NULL) {
		out->status = error_status(out->err.type);
		return;
	}

	ctx->req = &req;
	ctx->route = route;
	command_run(ctx, route->data, out);
	ctx->req = saved;
	ctx->route = NULL;
}


bool
command_target(const char *method, const char *path, struct json_object *body,
    char kind[24], char uid[37])
{
	struct request req;
	struct error ignored;
	const struct route *route;
	const struct command_endpoint *endpoint;
	struct json_object *value;

	memset(&req, 0, sizeof(req));
	snprintf(req.method, sizeof(req.method), "%s", method);
	req.path = (char *)path;
	req.query = (char *)"";
	route = find_command_route(&req, &ignored);
	if (route == NULL)
		return false;
	endpoint = route->data;
	snprintf(kind, 24, "%s", endpoint->aggregate_type);
	if (endpoint->target_param >= 0) {
		snprintf(uid, 37, "%s", req.params[endpoint->target_param]);
		return true;
	}
	return json_object_object_get_ex(body, "aggregateUid", &value) &&
	    json_object_is_type(value, json_type_string) &&
	    types_parse_uuid(json_object_get_string(value),
	    (size_t)json_object_get_string_len(value), uid, &ignored);
}
