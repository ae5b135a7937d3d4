/* Every path the API serves, with its methods and handler. */
#include "handlers.h"
#include "routes.h"

const struct route routes[] = {
	{"/api/health", METHOD_GET, ROUTE_PUBLIC | ROUTE_NO_TENANT_DATA, health_get},
	{"/api/v1/events", METHOD_GET, 0, events_feed_get},

	{"/api/vEvent/clientcompanies", METHOD_POST, ROUTE_BODY, company_post},
	{"/api/vEvent/clientcompanies/{uid}", METHOD_PATCH, ROUTE_BODY, company_patch},
	{"/api/vEvent/clientcompanies/{uid}/agencies", METHOD_POST, ROUTE_BODY, agency_post},
	{"/api/vEvent/clientcompanies/{uid}/agencies/{uid}", METHOD_PATCH, ROUTE_BODY, agency_patch},

	{"/api/vEvent/patrimonies", METHOD_POST, ROUTE_BODY, patrimony_post},
	{"/api/vEvent/patrimonies/{uid}", METHOD_PATCH, ROUTE_BODY, patrimony_patch},
	{"/api/vEvent/lots", METHOD_POST, ROUTE_BODY, lot_post},
	{"/api/vEvent/lots/{uid}", METHOD_PATCH, ROUTE_BODY, lot_patch},
	{"/api/vEvent/providercontacts", METHOD_POST, ROUTE_BODY, provider_contact_post},
	{"/api/vEvent/providercontacts/{uid}", METHOD_PATCH, ROUTE_BODY, provider_contact_patch},
};

const size_t route_count = sizeof(routes) / sizeof(routes[0]);
