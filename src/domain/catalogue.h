/*
 * The catalogue of event types and aggregate kinds of API v1, used to
 * validate the filters of the event feed and of webhook subscriptions.
 */
#ifndef PERFIMMO_CATALOGUE_H
#define PERFIMMO_CATALOGUE_H

#include <stdbool.h>

/* Returns the aggregate kind of EVENT_TYPE ("ticket"...), or NULL when unknown. */
const char *catalogue_event_kind(const char *event_type);

/* True when KIND is one of company, patrimony, lot, providerContact, ticket, user. */
bool catalogue_is_kind(const char *kind);

#endif
