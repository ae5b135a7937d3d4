/* Every path the API serves, with its methods and handler. */
#include "handlers.h"
#include "routes.h"

const struct route routes[] = {
	{"/api/health", METHOD_GET, ROUTE_PUBLIC | ROUTE_NO_TENANT_DATA, health_get},
	{"/api/v1/events", METHOD_GET, 0, events_feed_get},
	{"/api/v1/login", METHOD_POST, ROUTE_PUBLIC | ROUTE_BODY, login_post},
	{"/api/v1/logout", METHOD_POST, ROUTE_BODY | ROUTE_EMPTY_BODY_OK | ROUTE_ENDS_SESSION, logout_post},

	{"/api/vEvent/clientcompanies", METHOD_POST, ROUTE_BODY, company_post},
	{"/api/vEvent/clientcompanies/{uid}", METHOD_PATCH, ROUTE_BODY, company_patch},
	{"/api/vEvent/clientcompanies/{uid}/agencies", METHOD_POST, ROUTE_BODY, agency_post},
	{"/api/vEvent/clientcompanies/{uid}/agencies/{uid}", METHOD_PATCH, ROUTE_BODY, agency_patch},
	{"/api/vEvent/users", METHOD_POST, ROUTE_BODY, user_post},
	{"/api/vEvent/users/{uid}", METHOD_PATCH, ROUTE_BODY, user_patch},
};

const size_t route_count = sizeof(routes) / sizeof(routes[0]);
