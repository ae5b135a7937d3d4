/* Access scopes as SQL conditions. */
#include "scope_sql.h"

/*
 * Aliases come from the program (e.g. "p"), never from a request; user and
 * company uids travel as parameters.
 */


void
scope_sql_patrimony(struct sql_builder *b, const struct actor *actor, const char *alias)
{
	switch (actor->type) {
	case USER_SUPER:
		return;
	case USER_CALL_CENTER:
		sql_builder_puts(b, " AND ");
		sql_builder_puts(b, alias);
		sql_builder_puts(b, ".company_uid IN (SELECT co.uid FROM companies co WHERE co.call_center_uid = ");
		sql_builder_param(b, actor->company_uid, "uuid");
		sql_builder_puts(b, ")");
		return;
	case USER_CLIENT_ACCOUNT_MANAGER:
		sql_builder_puts(b, " AND ");
		sql_builder_puts(b, alias);
		sql_builder_puts(b, ".company_uid = ");
		sql_builder_param(b, actor->company_uid, "uuid");
		return;
	case USER_EXECUTIVE:
		sql_builder_puts(b, " AND EXISTS (SELECT 1 FROM patrimony_agencies spa"
		    " JOIN user_agencies sua ON sua.agency_uid = spa.agency_uid"
		    " WHERE spa.patrimony_uid = ");
		sql_builder_puts(b, alias);
		sql_builder_puts(b, ".uid AND sua.user_uid = ");
		sql_builder_param(b, actor->uid, "uuid");
		sql_builder_puts(b, ")");
		return;
	case USER_PATRIMONY_MANAGER:
		sql_builder_puts(b, " AND EXISTS (SELECT 1 FROM user_patrimonies sup WHERE sup.patrimony_uid = ");
		sql_builder_puts(b, alias);
		sql_builder_puts(b, ".uid AND sup.user_uid = ");
		sql_builder_param(b, actor->uid, "uuid");
		sql_builder_puts(b, ")");
		return;
	default:
		sql_builder_puts(b, " AND false");
		return;
	}
}


void
scope_sql_contact(struct sql_builder *b, const struct actor *actor, const char *alias)
{
	switch (actor->type) {
	case USER_SUPER:
		return;
	case USER_CALL_CENTER:
		/* Associated with the call center, or with a company under it. */
		sql_builder_puts(b, " AND (EXISTS (SELECT 1 FROM provider_contact_call_centers scc WHERE scc.contact_uid = ");
		sql_builder_puts(b, alias);
		sql_builder_puts(b, ".uid AND scc.call_center_uid = ");
		sql_builder_param(b, actor->company_uid, "uuid");
		sql_builder_puts(b, ") OR EXISTS (SELECT 1 FROM provider_contact_companies spc"
		    " JOIN companies sco ON sco.uid = spc.company_uid WHERE spc.contact_uid = ");
		sql_builder_puts(b, alias);
		sql_builder_puts(b, ".uid AND sco.call_center_uid = ");
		sql_builder_param(b, actor->company_uid, "uuid");
		sql_builder_puts(b, "))");
		return;
	case USER_CLIENT_ACCOUNT_MANAGER:
	case USER_EXECUTIVE:
	case USER_PATRIMONY_MANAGER:
		sql_builder_puts(b, " AND EXISTS (SELECT 1 FROM provider_contact_companies spc WHERE spc.contact_uid = ");
		sql_builder_puts(b, alias);
		sql_builder_puts(b, ".uid AND spc.company_uid = ");
		sql_builder_param(b, actor->company_uid, "uuid");
		sql_builder_puts(b, ")");
		return;
	default:
		sql_builder_puts(b, " AND false");
		return;
	}
}
