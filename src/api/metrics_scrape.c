/* GET /metrics: the Prometheus text of the pool's counters and the figures read at scrape time. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "db/pg.h"
#include "db/tenant.h"
#include "http/response.h"
#include "metrics/certificate.h"
#include "metrics/exposition.h"
#include "metrics/metrics.h"
#include "metrics_scrape.h"
#include "routes.h"

/* Requests that match no route, by method; OTHER is any unknown method. */
enum method_class { CLASS_GET, CLASS_POST, CLASS_PATCH, CLASS_DELETE, CLASS_OTHER, CLASS__COUNT };

static const char *const class_names[CLASS__COUNT] = {"GET", "POST", "PATCH", "DELETE", "OTHER"};

/* Figures of one tenant, read at scrape time. */
struct tenant_figures {
	char name[TENANT_NAME_MAX + 1];
	bool maintenance;
	bool read;			/* webhook_metrics() answered */
	long long active, disabled, lag_events;
	double lag_seconds;
};


size_t
metrics_route_keys(void)
{
	return route_count + CLASS__COUNT;
}


static enum method_class
method_class(unsigned method)
{
	switch (method) {
	case METHOD_GET:
		return CLASS_GET;
	case METHOD_POST:
		return CLASS_POST;
	case METHOD_PATCH:
		return CLASS_PATCH;
	case METHOD_DELETE:
		return CLASS_DELETE;
	default:
		return CLASS_OTHER;
	}
}


size_t
metrics_route_key(const struct request *req, const struct route *route)
{
	unsigned method = router_method(req->method);
	const struct route *pattern;

	if (route != NULL)
		return (size_t)(route - routes);

	pattern = req->path != NULL ? router_lookup(routes, route_count, req->path) : NULL;
	for (size_t i = 0; pattern != NULL && i < route_count; i++)
		if (strcmp(routes[i].pattern, pattern->pattern) == 0 && (routes[i].method & method) != 0)
			return i;
	return route_count + method_class(method);
}


/* Fills the route and method labels of route key KEY. */
static void
route_labels(size_t key, struct exposition_labels *labels)
{
	if (key < route_count) {
		exposition_label(labels, "route", routes[key].pattern);
		exposition_label(labels, "method", class_names[method_class(routes[key].method)]);
	} else {
		exposition_label(labels, "route", "unmatched");
		exposition_label(labels, "method", class_names[key - route_count]);
	}
}


static void
status_label(int index, struct exposition_labels *labels)
{
	char code[8];
	int status = metrics_status_code(index);

	if (status == 0) {
		exposition_label(labels, "status", "other");
		return;
	}
	snprintf(code, sizeof(code), "%d", status);
	exposition_label(labels, "status", code);
}


/* Requests and their latency histogram, for the route keys and statuses seen. */
static void
write_requests(struct strbuf *out, const struct metrics_totals *totals)
{
	static const char requests[] = "perfimmo_http_requests_total";
	static const char latency[] = "perfimmo_http_request_duration_seconds";
	struct exposition_labels labels;
	size_t cells = totals->route_keys * METRICS_STATUSES;

	exposition_family(out, requests, "counter",
	    "Requests answered by perfimmo-api, by route, method and HTTP status.");
	for (size_t c = 0; c < cells; c++) {
		if (totals->cells[c].count == 0)
			continue;
		exposition_labels_clear(&labels);
		route_labels(c / METRICS_STATUSES, &labels);
		status_label((int)(c % METRICS_STATUSES), &labels);
		exposition_sample_u64(out, requests, &labels, totals->cells[c].count);
	}

	exposition_family(out, latency, "histogram",
	    "Time from the start of a request in perfimmo-api to its response, in seconds.");
	for (size_t c = 0; c < cells; c++) {
		const struct metrics_cell *cell = &totals->cells[c];
		uint64_t cumulative = 0;
		char bound[32];

		if (cell->count == 0)
			continue;
		for (int b = 0; b < METRICS_BUCKETS; b++) {
			cumulative += cell->buckets[b];
			snprintf(bound, sizeof(bound), "%g", metrics_bucket_bounds[b]);
			exposition_labels_clear(&labels);
			route_labels(c / METRICS_STATUSES, &labels);
			status_label((int)(c % METRICS_STATUSES), &labels);
			exposition_label(&labels, "le", bound);
			exposition_sample_u64(out, "perfimmo_http_request_duration_seconds_bucket", &labels,
			    cumulative);
		}
		exposition_labels_clear(&labels);
		route_labels(c / METRICS_STATUSES, &labels);
		status_label((int)(c % METRICS_STATUSES), &labels);
		exposition_label(&labels, "le", "+Inf");
		exposition_sample_u64(out, "perfimmo_http_request_duration_seconds_bucket", &labels,
		    cell->count);
		exposition_labels_clear(&labels);
		route_labels(c / METRICS_STATUSES, &labels);
		status_label((int)(c % METRICS_STATUSES), &labels);
		exposition_sample_double(out, "perfimmo_http_request_duration_seconds_sum", &labels,
		    (double)cell->sum_us / 1e6);
		exposition_sample_u64(out, "perfimmo_http_request_duration_seconds_count", &labels,
		    cell->count);
	}
}


/* Error bodies sent, one sample per errorType of the catalogue, zeros included. */
static void
write_rejects(struct strbuf *out, const struct metrics_totals *totals)
{
	static const char name[] = "perfimmo_rejects_total";
	struct exposition_labels labels;

	exposition_family(out, name, "counter",
	    "Requests answered with an error body, by errorType.");
	for (int i = ERR_NONE + 1; i < ERR__MAX; i++) {
		exposition_labels_clear(&labels);
		exposition_label(&labels, "error_type", error_name((enum error_type)i));
		exposition_sample_u64(out, name, &labels, totals->rejects[i]);
	}
}


static void
write_counter(struct strbuf *out, const char *name, const char *help, uint64_t value)
{
	exposition_family(out, name, "counter", help);
	exposition_sample_u64(out, name, NULL, value);
}


static void
write_counters(struct strbuf *out, const struct metrics_totals *totals)
{
	const uint64_t *c = totals->counters;

	write_counter(out, "perfimmo_view_cache_hits_total",
	    "GET responses served from the Redis view cache.", c[METRICS_VIEW_CACHE_HITS]);
	write_counter(out, "perfimmo_view_cache_misses_total",
	    "Cacheable GET responses not found in the Redis view cache.", c[METRICS_VIEW_CACHE_MISSES]);
	write_counter(out, "perfimmo_postgresql_reconnects_total",
	    "PostgreSQL connections a worker opened after losing its previous one.",
	    c[METRICS_POSTGRESQL_RECONNECTS]);
	write_counter(out, "perfimmo_postgresql_connect_failures_total",
	    "Failed attempts of the workers to connect to PostgreSQL.",
	    c[METRICS_POSTGRESQL_CONNECT_FAILURES]);
	write_counter(out, "perfimmo_redis_reconnects_total",
	    "Redis connections a worker opened after losing its previous one.",
	    c[METRICS_REDIS_RECONNECTS]);
	write_counter(out, "perfimmo_redis_connect_failures_total",
	    "Failed attempts of the workers to connect to Redis.", c[METRICS_REDIS_CONNECT_FAILURES]);

	exposition_family(out, "perfimmo_worker_slots", "gauge",
	    "Worker places of the pool that have served at least one worker since the start.");
	exposition_sample_u64(out, "perfimmo_worker_slots", NULL, (uint64_t)totals->slots_in_use);
}


/* Reads webhook_metrics() of one tenant, as the tenant's role. */
static void
read_webhooks(struct tenant_figures *figures)
{
	struct tenant tenant;
	struct error err;
	PGresult *result;

	tenant_derive_names(&tenant, figures->name);
	if (!pg_enter_tenant(tenant.role, tenant.schema, &err)) {
		pg_leave_tenant();
		return;
	}
	result = pg_query("SELECT active, disabled, lag_events, lag_seconds FROM webhook_metrics()",
	    0, NULL, PGRES_TUPLES_OK, &err);
	if (result != NULL && PQntuples(result) == 1) {
		figures->active = atoll(PQgetvalue(result, 0, 0));
		figures->disabled = atoll(PQgetvalue(result, 0, 1));
		figures->lag_events = atoll(PQgetvalue(result, 0, 2));
		figures->lag_seconds = strtod(PQgetvalue(result, 0, 3), NULL);
		figures->read = true;
	} else if (result == NULL) {
		log_warn("metrics: could not read the webhooks of tenant %s: %s", figures->name,
		    err.message_en);
	}
	PQclear(result);
	pg_leave_tenant();
}


/* Lists the tenants and reads their figures; *COUNT is -1 when the list could not be read. */
static struct tenant_figures *
read_tenants(int *count)
{
	struct tenant_figures *figures;
	struct error err;
	PGresult *result = pg_query(
	    "SELECT t.name, m.tenant IS NOT NULL FROM perfimmo_meta.tenants t "
	    "LEFT JOIN perfimmo_meta.maintenance m ON m.tenant = t.name ORDER BY t.name",
	    0, NULL, PGRES_TUPLES_OK, &err);

	*count = -1;
	if (result == NULL)
		return NULL;
	figures = calloc((size_t)PQntuples(result) + 1, sizeof(*figures));
	if (figures == NULL) {
		PQclear(result);
		return NULL;
	}
	*count = PQntuples(result);
	for (int i = 0; i < *count; i++) {
		snprintf(figures[i].name, sizeof(figures[i].name), "%s", PQgetvalue(result, i, 0));
		figures[i].maintenance = strcmp(PQgetvalue(result, i, 1), "t") == 0;
	}
	PQclear(result);

	for (int i = 0; i < *count; i++)
		read_webhooks(&figures[i]);
	return figures;
}


static void
tenant_label(struct exposition_labels *labels, const char *name)
{
	exposition_labels_clear(labels);
	exposition_label(labels, "tenant", name);
}


static void
write_tenants(struct strbuf *out)
{
	struct exposition_labels labels;
	struct tenant_figures *figures;
	int count;

	figures = read_tenants(&count);
	exposition_family(out, "perfimmo_database_up", "gauge",
	    "1 when the scrape could read the tenant list from PostgreSQL, else 0.");
	exposition_sample_u64(out, "perfimmo_database_up", NULL, count >= 0);

	exposition_family(out, "perfimmo_tenant_maintenance", "gauge",
	    "1 while the tenant is under maintenance (its writes answer 503), else 0.");
	for (int i = 0; i < count; i++) {
		tenant_label(&labels, figures[i].name);
		exposition_sample_u64(out, "perfimmo_tenant_maintenance", &labels, figures[i].maintenance);
	}

	exposition_family(out, "perfimmo_webhook_subscriptions", "gauge",
	    "Webhook subscriptions of the tenant, by state (Active or Disabled).");
	for (int i = 0; i < count; i++) {
		if (!figures[i].read)
			continue;
		tenant_label(&labels, figures[i].name);
		exposition_label(&labels, "state", "Active");
		exposition_sample_u64(out, "perfimmo_webhook_subscriptions", &labels,
		    (uint64_t)figures[i].active);
		tenant_label(&labels, figures[i].name);
		exposition_label(&labels, "state", "Disabled");
		exposition_sample_u64(out, "perfimmo_webhook_subscriptions", &labels,
		    (uint64_t)figures[i].disabled);
	}

	exposition_family(out, "perfimmo_webhook_lag_events", "gauge",
	    "Journal events after the position that the slowest active subscription has acknowledged.");
	for (int i = 0; i < count; i++) {
		if (!figures[i].read)
			continue;
		tenant_label(&labels, figures[i].name);
		exposition_sample_u64(out, "perfimmo_webhook_lag_events", &labels,
		    (uint64_t)figures[i].lag_events);
	}

	exposition_family(out, "perfimmo_webhook_lag_seconds", "gauge",
	    "Age of the oldest event that an active subscription has not acknowledged, in seconds.");
	for (int i = 0; i < count; i++) {
		if (!figures[i].read)
			continue;
		tenant_label(&labels, figures[i].name);
		exposition_sample_double(out, "perfimmo_webhook_lag_seconds", &labels,
		    figures[i].lag_seconds);
	}
	free(figures);
}


/* Days left of each file that the comma-separated glob patterns of PATTERNS match. */
static void
write_certificates(struct strbuf *out, const char *patterns)
{
	static const char name[] = "perfimmo_tls_certificate_days_left";
	struct exposition_labels labels;
	char copy[CONFIG_TEXT_MAX], *pattern, *rest;
	int unreadable = 0;
	time_t now = time(NULL);

	exposition_family(out, name, "gauge",
	    "Days until the notAfter date of the first certificate of each file, negative once expired.");
	snprintf(copy, sizeof(copy), "%s", patterns);
	for (pattern = strtok_r(copy, ",", &rest); pattern != NULL; pattern = strtok_r(NULL, ",", &rest)) {
		glob_t found;

		while (*pattern == ' ')
			pattern++;
		if (*pattern == '\0' || glob(pattern, 0, NULL, &found) != 0)
			continue;
		for (size_t i = 0; i < found.gl_pathc; i++) {
			char reason[128];
			double days;

			if (!certificate_days_left(found.gl_pathv[i], now, &days, reason, sizeof(reason))) {
				log_warn("metrics: certificate %s: %s", found.gl_pathv[i], reason);
				unreadable++;
				continue;
			}
			exposition_labels_clear(&labels);
			exposition_label(&labels, "path", found.gl_pathv[i]);
			exposition_sample_double(out, name, &labels, days);
		}
		globfree(&found);
	}

	exposition_family(out, "perfimmo_tls_certificate_unreadable", "gauge",
	    "Files named by metrics_certificates that hold no readable certificate.");
	exposition_sample_u64(out, "perfimmo_tls_certificate_unreadable", NULL, (uint64_t)unreadable);
}


void
metrics_scrape(struct context *ctx)
{
	struct request *req = ctx->req;
	struct metrics_totals totals;
	struct strbuf out;
	struct error err;

	if (strcmp(req->path, "/metrics") != 0) {
		error_set(&err, ERR_NOT_FOUND, "chemin inconnu", "unknown path");
		response_error(req, &err);
		return;
	}
	if (router_method(req->method) != METHOD_GET) {
		response_header(req, "Allow", "GET");
		error_set(&err, ERR_METHOD_NOT_ALLOWED, "méthode non acceptée sur ce chemin",
		    "method not allowed on this path");
		response_error(req, &err);
		return;
	}
	if (!metrics_sum(&totals)) {
		error_set(&err, ERR_INTERNAL, "compteurs indisponibles", "counters unavailable");
		response_error(req, &err);
		return;
	}

	strbuf_init(&out);
	write_requests(&out, &totals);
	write_rejects(&out, &totals);
	write_counters(&out, &totals);
	metrics_totals_free(&totals);
	write_tenants(&out);
	write_certificates(&out, ctx->config->metrics_certificates);

	if (out.failed) {
		error_set(&err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		response_error(req, &err);
	} else {
		response_text(req, 200, EXPOSITION_CONTENT_TYPE, out.data, out.len);
	}
	strbuf_free(&out);
}
