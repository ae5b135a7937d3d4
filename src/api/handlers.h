/*
 * The request context every handler receives, and the handlers of
 * perfimmo-api.  A handler sends exactly one response (src/http/response.h).
 */
#ifndef PERFIMMO_HANDLERS_H
#define PERFIMMO_HANDLERS_H

#include "auth/actor.h"
#include "common/config.h"
#include "db/tenant.h"
#include "http/request.h"
#include "http/router.h"

struct context {
	struct request *req;
	const struct route *route;	/* the matched route, once routing is done */
	const struct config *config;
	struct tenant tenant;
	struct actor actor;		/* who acts; empty for public routes */
};

void health_get(void *context);

/* Runs the command endpoint of a ROUTE_COMMAND route (command.c). */
void command_route(void *context);

void events_feed_get(void *context);

void clientcompanies_get(void *context);
void clientcompany_get(void *context);
void clientcompany_agencies_get(void *context);
void clientcompany_users_get(void *context);
void clientcompany_subsidiaries_get(void *context);

void subscriptions_get(void *context);
void subscriptions_post(void *context);
void subscription_get(void *context);
void subscription_patch(void *context);
void subscription_delete(void *context);
void subscription_secret_post(void *context);
void subscription_deliveries_get(void *context);


void login_post(void *context);
void logout_post(void *context);

void patrimonies_get(void *context);
void patrimony_get(void *context);
void patrimony_managers_get(void *context);
void lots_get(void *context);
void lot_get(void *context);
void providers_get(void *context);
void provider_get(void *context);
void providers_suggest_get(void *context);
void ticket_detail_get(void *context);
void ticket_list_get(void *context);
void ticket_export_get(void *context);
void ticket_stats_get(void *context);
void ticket_feed_get(void *context);
void provider_contact_stats_get(void *context);

#endif
