/* Every path the API serves, with its methods and handler. */
#include "handlers.h"
#include "routes.h"

const struct route routes[] = {
	{"/api/health", METHOD_GET, ROUTE_PUBLIC, health_get},
};

const size_t route_count = sizeof(routes) / sizeof(routes[0]);
