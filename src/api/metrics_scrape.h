/*
 * The Prometheus scrape of perfimmo-api (GET /metrics on the loopback
 * metrics server of nginx) and the route keys that its request counters
 * are kept under (src/metrics/metrics.h).
 */
#ifndef PERFIMMO_METRICS_SCRAPE_H
#define PERFIMMO_METRICS_SCRAPE_H

#include <stddef.h>

#include "handlers.h"

/*
 * Number of route keys: one per entry of the route table, then one per
 * method (GET, POST, PATCH, DELETE, other) for requests that match no route.
 */
size_t metrics_route_keys(void);

/*
 * The key REQ's request is counted under: ROUTE when routing found it,
 * else the entry of the route table with REQ's path and method (a request
 * rejected before routing, such as a 401), else the key of its method.
 */
size_t metrics_route_key(const struct request *req, const struct route *route);

/*
 * Sends the scrape: the counters of every worker, then figures read now
 * (tenants under maintenance, webhook subscriptions and lag from each
 * tenant's schema, days left of the certificates named by
 * metrics_certificates).  Only for requests with req->metrics set.
 */
void metrics_scrape(struct context *ctx);

#endif
