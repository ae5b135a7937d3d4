/*
 * Queries behind the client-company reads (GET /api/v1/clientcompanies...)
 * and the scope rules of companies and agencies.  Every query applies the
 * visibility of the acting user, so an invisible company is absent from
 * lists and not found in detail.  The views are built as JSON in SQL.
 */
#ifndef PERFIMMO_COMPANIES_H
#define PERFIMMO_COMPANIES_H

#include <stdbool.h>

#include "auth/actor.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "readmodel/page.h"

/* Filters of the company list; NULL members do not filter. */
struct company_filter {
	const char *holding_uid;	/* ClientAccounts of this holding */
	const char *company_type;	/* CallCenter, ClientAccountHolding or ClientAccount */
	char **terms;			/* fulltext terms as sent, NULL-terminated */
};

/* Whether an `active` filter was given, and which value. */
enum active_filter {
	ACTIVE_ANY,
	ACTIVE_ONLY,
	INACTIVE_ONLY,
};

/* Fills PAGE with the CompanyQueryViews ACTOR may see that match FILTER, by fold(name), uid. */
bool companies_list(const struct actor *actor, const struct company_filter *filter,
    struct page *page, struct error *err);

/*
 * Appends the CompanyQueryView of UID to OUT and sets *FOUND, or clears
 * *FOUND when the company does not exist or ACTOR may not see it.
 */
bool companies_get(const struct actor *actor, const char *uid, bool *found,
    struct strbuf *out, struct error *err);

/*
 * Fills PAGE with the AgencyQueryViews of COMPANY_UID that ACTOR may see,
 * by fold(label), uid.  The caller has checked that the company is visible.
 */
bool companies_agencies(const struct actor *actor, const char *company_uid,
    enum active_filter active, struct page *page, struct error *err);

/*
 * Fills PAGE with the UserQueryViews of the users of COMPANY_UID, by
 * fold(lastName), fold(firstName), uid.
 */
bool companies_users(const char *company_uid, enum active_filter active,
    struct page *page, struct error *err);

/* Fills PAGE with the ClientAccounts of HOLDING_UID that ACTOR may see, by fold(name), uid. */
bool companies_subsidiaries(const struct actor *actor, const char *holding_uid,
    struct page *page, struct error *err);

#endif
