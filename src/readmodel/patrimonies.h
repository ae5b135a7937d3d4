/* Queries behind the patrimony reads (GET /api/v1/patrimonies...). */
#ifndef PERFIMMO_PATRIMONIES_H
#define PERFIMMO_PATRIMONIES_H

#include <stdbool.h>

#include "auth/actor.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "page.h"

struct patrimony_filter {
	char **fulltext;		/* NULL-terminated, or NULL */
	char **agency_uids;		/* NULL-terminated, or NULL */
	const char *company_uid;	/* NULL for none */
	const char *place_id;		/* NULL for none */
	bool near;			/* geolocation given */
	double lat;
	double lng;
	unsigned distance;		/* metres */
};

/* Fetches the requested page of the patrimonies ACTOR sees that match FILTER. */
bool patrimonies_list(const struct patrimony_filter *filter, const struct actor *actor,
    struct page *page, struct error *err);

/*
 * Appends the PatrimonyDetailQueryView of UID to OUT, or sets *FOUND to
 * false when ACTOR cannot see it.
 */
bool patrimony_detail(const char *uid, const struct actor *actor, struct strbuf *out,
    bool *found, struct error *err);

/* Sets *VISIBLE when the patrimony UID exists and ACTOR sees it. */
bool patrimony_is_visible(const char *uid, const struct actor *actor, bool *visible,
    struct error *err);

/*
 * Fetches the requested page of the patrimony managers of UID (ACTIVE: 1 only
 * enabled users, 0 only disabled ones, -1 all).
 */
bool patrimony_managers_list(const char *uid, int active, struct page *page, struct error *err);

#endif
