/*
 * The ticket filters of the list, export and stats, the user's ticket
 * scope, and the SQL they become.  Every value travels as a
 * query parameter, never spliced into the SQL text.
 */
#ifndef PERFIMMO_TICKET_QUERY_H
#define PERFIMMO_TICKET_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/actor.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "common/types.h"
#include "http/query.h"
#include "sql_builder.h"

struct ticket_filter {
	char **agencies;
	char *status;			/* OPENED, CLOSED or NULL */
	char **locations;
	char **folded_locations;	/* fold() of each location, owned */
	bool has_from, has_to;
	char from[TYPES_DATE_SIZE];
	char to[TYPES_DATE_SIZE];
	char **call_purposes;
	char **folded_call_purposes;	/* fold() of each call purpose, owned */
	char **active_providers;
	bool has_intervention, intervention;
	char **fulltext;		/* folded LIKE patterns, one per term */
	size_t fulltext_count;
};

/*
 * Reads the filters of Q into FILTER (ACTIVE_PROVIDERS: whether the
 * endpoint supports `activeproviders`).  Malformed values, `to` before
 * `from`, and `fulltext` with another filter give ERR_BAD_REQUEST, and
 * FILTER is then freed and left empty.
 */
bool ticket_filter_parse(const struct query *q, bool active_providers,
    struct ticket_filter *filter, struct error *err);

void ticket_filter_free(struct ticket_filter *filter);

/*
 * Whether FILTER has a filter that usually matches a small part of a
 * tenant's tickets: agency, location, callpurpose, activeproviders or
 * fulltext.  Status, intervention and dates match large parts.
 */
bool ticket_filter_is_selective(const struct ticket_filter *filter);

/*
 * Appends " WHERE ..." for the tickets `t` visible to ACTOR that match
 * FILTER, dates read in TIMEZONE; WITH_DATES false leaves `from`/`to` out.
 * `t` is a row of ticket_facets.
 */
void ticket_filter_where(const struct ticket_filter *filter, const struct actor *actor,
    const char *timezone, bool with_dates, struct sql_builder *sql);

/*
 * Appends the " AND ..." conditions of the `from` and `to` filters on
 * `t`.created, dates read in TIMEZONE.  With `from` alone, `created` is
 * also bounded by now().  Appends nothing when FILTER has neither.
 */
void ticket_filter_dates(const struct ticket_filter *filter, const char *timezone,
    struct sql_builder *sql);

#endif
