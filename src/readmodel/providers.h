/* Queries behind the provider-contact reads (GET /api/v1/providercontacts...). */
#ifndef PERFIMMO_PROVIDERS_H
#define PERFIMMO_PROVIDERS_H

#include <stdbool.h>

#include "auth/actor.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "page.h"

struct provider_filter {
	const char *company_uid;	/* NULL for none */
	char **agency_uids;		/* NULL-terminated, or NULL */
	const char *provider_company_uid;
	char **patrimony_uids;
	char **fulltext;
};

/* Whether ACTOR may send provider-contact commands, which the links offer. */
bool providers_may_write(const struct actor *actor);

/* Fetches the requested page of the contacts ACTOR sees that match FILTER. */
bool providers_list(const struct provider_filter *filter, const struct actor *actor,
    const char *base_url, struct page *page,
    struct error *err);

/* Appends the detailed view of the contact UID to OUT, or sets *FOUND to false. */
bool provider_detail(const char *uid, const struct actor *actor, const char *base_url,
    struct strbuf *out, bool *found, struct error *err);

/*
 * Appends to OUT the JSON items of the first SIZE active contacts ACTOR
 * sees that have an activity covering INCIDENT_TYPE and are linked to the
 * patrimony PATRIMONY_UID or one of its agencies: direct links first.
 */
bool providers_suggest(const char *patrimony_uid, const char *incident_type, unsigned size,
    const struct actor *actor, struct strbuf *out, struct error *err);

#endif
