/* Every path the API serves, with its methods and handler. */
#include "command_endpoints.h"
#include "handlers.h"
#include "routes.h"

const struct route routes[] = {
	{"/api/health", METHOD_GET, ROUTE_PUBLIC | ROUTE_NO_TENANT_DATA, health_get},
	{"/api/v1/events", METHOD_GET, 0, events_feed_get},
	/*
	 * Sessions stay open under maintenance: they touch neither the journal
	 * nor the read model, and a user must still be able to log in to read
	 * and to log out.
	 */
	{"/api/v1/login", METHOD_POST, ROUTE_PUBLIC | ROUTE_BODY | ROUTE_OPEN_IN_MAINTENANCE, login_post},
	{"/api/v1/logout", METHOD_POST,
	    ROUTE_BODY | ROUTE_EMPTY_BODY_OK | ROUTE_ENDS_SESSION | ROUTE_OPEN_IN_MAINTENANCE, logout_post},

	{"/api/v1/clientcompanies", METHOD_GET, 0, clientcompanies_get},
	{"/api/v1/clientcompanies/{uid}", METHOD_GET, 0, clientcompany_get},
	{"/api/v1/clientcompanies/{uid}/agencies", METHOD_GET, 0, clientcompany_agencies_get},
	{"/api/v1/clientcompanies/{uid}/users", METHOD_GET, 0, clientcompany_users_get},
	{"/api/v1/clientcompanies/{uid}/subsidiaries", METHOD_GET, 0, clientcompany_subsidiaries_get},

	/* Subscriptions change without a command, so the view cache never holds them. */
	{"/api/v1/subscriptions", METHOD_GET, ROUTE_NO_CACHE, subscriptions_get},
	{"/api/v1/subscriptions", METHOD_POST, ROUTE_BODY, subscriptions_post},
	{"/api/v1/subscriptions/{uid}", METHOD_GET, ROUTE_NO_CACHE, subscription_get},
	{"/api/v1/subscriptions/{uid}", METHOD_PATCH, ROUTE_BODY, subscription_patch},
	{"/api/v1/subscriptions/{uid}", METHOD_DELETE, 0, subscription_delete},
	{"/api/v1/subscriptions/{uid}/secret", METHOD_POST, ROUTE_BODY, subscription_secret_post},
	{"/api/v1/subscriptions/{uid}/deliveries", METHOD_GET, ROUTE_NO_CACHE, subscription_deliveries_get},

	{"/api/vEvent/clientcompanies", METHOD_POST, ROUTE_BODY | ROUTE_COMMAND, command_route, &company_create_endpoint},
	{"/api/vEvent/clientcompanies/{uid}", METHOD_PATCH, ROUTE_BODY | ROUTE_COMMAND, command_route, &company_update_endpoint},
	{"/api/vEvent/clientcompanies/{uid}/agencies", METHOD_POST, ROUTE_BODY | ROUTE_COMMAND, command_route, &agency_create_endpoint},
	{"/api/vEvent/clientcompanies/{uid}/agencies/{uid}", METHOD_PATCH, ROUTE_BODY | ROUTE_COMMAND, command_route, &agency_update_endpoint},
	{"/api/vEvent/users", METHOD_POST, ROUTE_BODY | ROUTE_COMMAND, command_route, &user_create_endpoint},
	{"/api/vEvent/users/{uid}", METHOD_PATCH, ROUTE_BODY | ROUTE_COMMAND, command_route, &user_update_endpoint},

	{"/api/vEvent/patrimonies", METHOD_POST, ROUTE_BODY | ROUTE_COMMAND, command_route, &patrimony_create_endpoint},
	{"/api/vEvent/patrimonies/{uid}", METHOD_PATCH, ROUTE_BODY | ROUTE_COMMAND, command_route, &patrimony_update_endpoint},
	{"/api/vEvent/lots", METHOD_POST, ROUTE_BODY | ROUTE_COMMAND, command_route, &lot_create_endpoint},
	{"/api/vEvent/lots/{uid}", METHOD_PATCH, ROUTE_BODY | ROUTE_COMMAND, command_route, &lot_update_endpoint},
	{"/api/vEvent/providercontacts", METHOD_POST, ROUTE_BODY | ROUTE_COMMAND, command_route, &provider_contact_create_endpoint},
	{"/api/vEvent/providercontacts/{uid}", METHOD_PATCH, ROUTE_BODY | ROUTE_COMMAND, command_route, &provider_contact_update_endpoint},

	{"/api/v1/patrimonies", METHOD_GET, 0, patrimonies_get},
	{"/api/v1/patrimonies/{uid}", METHOD_GET, 0, patrimony_get},
	{"/api/v1/patrimonies/{uid}/patrimonymanagers", METHOD_GET, 0, patrimony_managers_get},
	{"/api/v1/lots", METHOD_GET, 0, lots_get},
	{"/api/v1/lots/{uid}", METHOD_GET, 0, lot_get},
	{"/api/v1/providercontacts", METHOD_GET, 0, providers_get},
	{"/api/v1/providercontacts/suggest", METHOD_GET, 0, providers_suggest_get},
	{"/api/v1/providercontacts/{uid}", METHOD_GET, 0, provider_get},

	{"/api/vEvent/tickets", METHOD_POST, ROUTE_BODY | ROUTE_COMMAND, command_route, &ticket_open_endpoint},
	{"/api/vEvent/tickets", METHOD_GET, 0, ticket_feed_get},
	{"/api/vEvent/tickets/{uid}", METHOD_PATCH, ROUTE_BODY | ROUTE_COMMAND, command_route, &ticket_update_endpoint},
	{"/api/v1/tickets", METHOD_GET, 0, ticket_list_get},
	{"/api/v1/tickets/export", METHOD_GET, 0, ticket_export_get},
	{"/api/v1/tickets/stats", METHOD_GET, ROUTE_NO_CACHE, ticket_stats_get},
	{"/api/v1/tickets/{uid}", METHOD_GET, 0, ticket_detail_get},
	{"/api/v1/providercontacts/{uid}/stats", METHOD_GET, 0, provider_contact_stats_get},
};

const size_t route_count = sizeof(routes) / sizeof(routes[0]);
