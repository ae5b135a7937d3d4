/* Company, agency, subsidiary and company-user reads, with their scopes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "companies.h"
#include "search.h"

/*
 * Whether the company C is in the user's scope, by the rule of
 * sql/tenant/008_scopes.sql.  $1 is the user type, $2 the user's company.
 */
#define COMPANY_VISIBLE(c) \
	"scope_sees_company($1::text, $2::uuid," \
	" (SELECT own.holding_uid FROM companies own WHERE own.uid = $2::uuid)," \
	" " c ".uid, " c ".call_center_uid)"

/* CompanyQueryView of C, whose holding H is joined (NULL when none). */
#define COMPANY_VIEW(c, h) \
	"jsonb_strip_nulls(jsonb_build_object('uid', " c ".uid, 'name', " c ".name," \
	" 'isActive', " c ".is_active, 'holding', CASE WHEN " h ".uid IS NOT NULL" \
	" THEN jsonb_build_object('uid', " h ".uid, 'label', " h ".name) END," \
	" 'siretNumber', " c ".siret, 'billingType', " c ".billing_type," \
	" 'companyType', " c ".company_type))::text"

#define COMPANY_FROM \
	"FROM companies c LEFT JOIN companies h ON h.uid = c.holding_uid"

/*
 * The sort indexes hold a 256-code-point prefix of the folded name (a btree
 * entry is bounded); ordering by the prefix first lets them serve, and gives
 * the same order as by the whole name in the database's C.UTF-8 collation.
 */
#define COMPANY_ORDER "left(c.name_folded, 256), c.name_folded, c.uid"

/* AgencyQueryView of agency A of company C; `ref` is the uid when none was given. */
#define AGENCY_VIEW \
	"jsonb_strip_nulls(jsonb_build_object('uid', a.uid, 'sda', a.agency -> 'sda'," \
	" 'label', a.label, 'extName', a.agency -> 'extName', 'group', a.agency -> 'group'," \
	" 'ref', coalesce(a.agency ->> 'ref', a.uid::text)," \
	" 'company', jsonb_build_object('uid', c.uid, 'name', c.name, 'holding', c.holding_uid)," \
	" 'address', a.agency -> 'address', 'phones', coalesce(a.agency -> 'phones', '[]')," \
	" 'fax', a.agency -> 'fax', 'emails', coalesce(a.agency -> 'emails', '[]')," \
	" 'isActive', a.is_active))::text"

/*
 * UserQueryView of user U of company C.  An executive's managedAgencies
 * are his own, in the order they were given; a patrimony manager's are
 * those of his patrimonies (scope_viewer_agencies), by label.  The ref and
 * label of a managed patrimony come from the last PatrimonyReferenced or
 * PatrimonyUpdated event of its stream, as long as patrimonies have no
 * read table.
 */
#define USER_VIEW \
	"jsonb_strip_nulls(jsonb_build_object('uid', u.uid, 'login', u.login," \
	" 'company', jsonb_build_object('uid', c.uid, 'label', c.name)," \
	" 'managedAgencies', CASE u.user_type" \
	" WHEN 'executive' THEN (SELECT coalesce(jsonb_agg(jsonb_build_object('uid', ua.agency_uid," \
	" 'label', a.label) ORDER BY ua.position, ua.rank), '[]') FROM user_agencies ua" \
	" LEFT JOIN agencies a ON a.uid = ua.agency_uid WHERE ua.user_uid = u.uid)" \
	" WHEN 'patrimonyManager' THEN (SELECT coalesce(jsonb_agg(jsonb_build_object('uid', a.uid," \
	" 'label', a.label) ORDER BY a.label_folded, a.uid), '[]')" \
	" FROM agencies a WHERE a.uid IN (SELECT scope_viewer_agencies(u.uid))) END," \
	" 'managedPatrimonies', CASE WHEN u.user_type = 'patrimonyManager' THEN" \
	" (SELECT coalesce(jsonb_agg(jsonb_build_object('uid', up.patrimony_uid," \
	" 'label', p.payload -> 'label', 'ref', p.payload -> 'ref') ORDER BY up.position, up.rank), '[]')" \
	" FROM user_patrimonies up LEFT JOIN LATERAL (SELECT e.payload FROM events e" \
	" WHERE e.aggregate_type = 'patrimony' AND e.aggregate_uid = up.patrimony_uid" \
	" AND e.event_type IN ('PatrimonyReferenced', 'PatrimonyUpdated')" \
	" ORDER BY e.version DESC LIMIT 1) p ON true WHERE up.user_uid = u.uid) END," \
	" 'firstName', u.first_name, 'lastName', u.last_name, 'job', u.job, 'phone', u.phone," \
	" 'isActive', u.is_active, 'userType', u.user_type))::text"


/* Fills the two parameters of COMPANY_VISIBLE: user type and company. */
static void
actor_params(const struct actor *actor, const char **params)
{
	params[0] = actor_type_name(actor->type);
	params[1] = actor->company_uid[0] != '\0' ? actor->company_uid : NULL;
}


static const char *
active_param(enum active_filter active)
{
	if (active == ACTIVE_ONLY)
		return "true";
	if (active == INACTIVE_ONLY)
		return "false";
	return NULL;
}


bool
companies_list(const struct actor *actor, const struct company_filter *filter,
    struct page *page, struct error *err)
{
	const char *params[4 + QUERY_LIST_MAX];
	struct strbuf where;
	char **patterns;
	int count = 4;
	bool ok;

	patterns = search_like_patterns(filter->terms, err);
	if (patterns == NULL)
		return false;

	actor_params(actor, params);
	params[2] = filter->holding_uid;
	params[3] = filter->company_type;
	strbuf_init(&where);
	strbuf_puts(&where, COMPANY_FROM " WHERE " COMPANY_VISIBLE("c")
	    " AND ($3::uuid IS NULL OR (c.company_type = 'ClientAccount' AND c.holding_uid = $3::uuid))"
	    " AND ($4::text IS NULL OR c.company_type = $4::text)");

	/* One LIKE per term, on the folded name or the SIRET, each served by a trigram index. */
	for (size_t i = 0; patterns[i] != NULL && count < 4 + QUERY_LIST_MAX; i++) {
		params[count++] = patterns[i];
		strbuf_printf(&where, " AND (c.name_folded LIKE $%d OR c.siret LIKE $%d)",
		    count, count);
	}

	ok = !where.failed ||
	    error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
	if (ok) {
		struct page_query query = {where.data, params, count,
		    COMPANY_VIEW("c", "h"), NULL, 0, COMPANY_ORDER};
		ok = page_fetch(page, &query, err);
	}
	strbuf_free(&where);
	free(patterns);
	return ok;
}


bool
companies_get(const struct actor *actor, const char *uid, bool *found,
    struct strbuf *out, struct error *err)
{
	const char *params[3];
	PGresult *result;

	actor_params(actor, params);
	params[2] = uid;
	result = pg_query("SELECT " COMPANY_VIEW("c", "h") " "
	    COMPANY_FROM " WHERE c.uid = $3::uuid AND " COMPANY_VISIBLE("c"),
	    3, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;

	*found = PQntuples(result) == 1;
	if (*found)
		strbuf_puts(out, PQgetvalue(result, 0, 0));
	PQclear(result);
	return true;
}


bool
companies_agencies(const struct actor *actor, const char *company_uid,
    enum active_filter active, struct page *page, struct error *err)
{
	const char *params[5];
	struct page_query query = {
		"FROM agencies a JOIN companies c ON c.uid = a.company_uid"
		" WHERE a.company_uid = $3::uuid AND c.company_type = 'ClientAccount'"
		"   AND ($4::boolean IS NULL OR a.is_active = $4::boolean)"
		"   AND scope_sees_agency($1::text, $2::uuid,"
		"       ARRAY(SELECT scope_viewer_agencies($5::uuid)), a.uid, a.company_uid,"
		"       c.call_center_uid)",
		params, 5, AGENCY_VIEW, NULL, 0, "left(a.label_folded, 256), a.label_folded, a.uid",
	};

	actor_params(actor, params);
	params[2] = company_uid;
	params[3] = active_param(active);
	params[4] = actor->uid[0] != '\0' ? actor->uid : NULL;
	return page_fetch(page, &query, err);
}


bool
companies_users(const char *company_uid, enum active_filter active,
    struct page *page, struct error *err)
{
	const char *params[2] = {company_uid, active_param(active)};
	struct page_query query = {
		"FROM users u JOIN companies c ON c.uid = u.company_uid"
		" WHERE u.company_uid = $1::uuid"
		"   AND ($2::boolean IS NULL OR u.is_active = $2::boolean)",
		params, 2, USER_VIEW, NULL, 0,
		"left(u.last_name_folded, 256), u.last_name_folded, left(u.first_name_folded, 256), u.first_name_folded, u.uid",
	};

	return page_fetch(page, &query, err);
}


bool
companies_subsidiaries(const struct actor *actor, const char *holding_uid,
    struct page *page, struct error *err)
{
	const char *params[3];
	struct page_query query = {
		COMPANY_FROM " WHERE c.company_type = 'ClientAccount' AND c.holding_uid = $3::uuid"
		" AND " COMPANY_VISIBLE("c"),
		params, 3, COMPANY_VIEW("c", "h"), NULL, 0, COMPANY_ORDER,
	};

	actor_params(actor, params);
	params[2] = holding_uid;
	return page_fetch(page, &query, err);
}
