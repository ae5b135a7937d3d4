/*
 * Provider-contact statistics per ticket creation day, computed
 * from the events of the tickets in which the contact appears.  Pure.
 */
#ifndef PERFIMMO_CONTACT_STATS_H
#define PERFIMMO_CONTACT_STATS_H

#include <stddef.h>

#include <json-c/json.h>

/* One ticket of the population: its creation day (tenant zone) and its events. */
struct contact_stats_ticket {
	const char *day;		/* "YYYY-MM-DD" */
	struct json_object *events;	/* stored events, in storage order */
};

/*
 * Returns a new ProviderContactStats object for CONTACT_UID over TICKETS,
 * which are sorted by creation day.
 */
struct json_object *contact_stats_compute(const char *contact_uid,
    const struct contact_stats_ticket *tickets, size_t count);

/* The business date of a ticket event in ms, or -1. */
long long contact_stats_business_ms(struct json_object *event);

#endif
