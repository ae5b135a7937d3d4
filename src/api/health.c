/* GET /api/health: component status only, no data. */
#include <json-c/json.h>

#include "cache/redis.h"
#include "db/pg.h"
#include "handlers.h"
#include "http/response.h"


static bool
postgres_ok(void)
{
	struct error err;
	PGresult *result = pg_query("SELECT 1", 0, NULL, PGRES_TUPLES_OK, &err);

	if (result == NULL)
		return false;
	PQclear(result);
	return true;
}


void
health_get(void *opaque)
{
	struct context *ctx = opaque;
	struct json_object *body = json_object_new_object();
	bool postgres = postgres_ok();

	/* Redis is a cache and the API serves without it, so Redis alone never makes health fail. */
	json_object_object_add(body, "postgres", json_object_new_string(postgres ? "ok" : "unavailable"));
	json_object_object_add(body, "redis", json_object_new_string(redis_ping() ? "ok" : "unavailable"));

	/* Every 5xx carries the error body, here beside the component status. */
	if (!postgres) {
		json_object_object_add(body, "errorType",
		    json_object_new_string(error_name(ERR_SERVICE_UNAVAILABLE)));
		json_object_object_add(body, "message", json_object_new_string(ctx->req->english ?
		    "database unavailable" : "base de données indisponible"));
	}
	response_json(ctx->req, postgres ? 200 : 503, body);
	json_object_put(body);
}
