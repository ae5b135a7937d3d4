/* Access scopes as SQL conditions. */
#include "scope_sql.h"

/*
 * Aliases come from the program (e.g. "p"), never from a request; user and
 * company uids travel as parameters.
 */


static const char *
uid_or_null(const char *uid)
{
	return uid[0] != '\0' ? uid : NULL;
}


/* Appends ALIAS and COLUMN as "alias.column". */
static void
column(struct sql_builder *b, const char *alias, const char *name)
{
	sql_builder_puts(b, alias);
	sql_builder_puts(b, ".");
	sql_builder_puts(b, name);
}


/* Appends the viewer's type and company, the first arguments of every rule. */
static void
viewer(struct sql_builder *b, const struct actor *actor)
{
	sql_builder_param(b, actor_type_name(actor->type), "text");
	sql_builder_puts(b, ", ");
	sql_builder_param(b, uid_or_null(actor->company_uid), "uuid");
}


/* Appends ", <the viewer's agencies>, <the viewer's patrimonies>". */
static void
viewer_lists(struct sql_builder *b, const struct actor *actor)
{
	sql_builder_puts(b, ", ARRAY(SELECT scope_viewer_agencies(");
	sql_builder_param(b, uid_or_null(actor->uid), "uuid");
	sql_builder_puts(b, ")), ARRAY(SELECT scope_viewer_patrimonies(");
	sql_builder_param(b, uid_or_null(actor->uid), "uuid");
	sql_builder_puts(b, "))");
}


void
scope_sql_patrimony(struct sql_builder *b, const struct actor *actor, const char *alias)
{
	sql_builder_puts(b, " AND scope_sees_patrimony(");
	viewer(b, actor);
	viewer_lists(b, actor);
	sql_builder_puts(b, ", ");
	column(b, alias, "uid");
	sql_builder_puts(b, ", ");
	column(b, alias, "company_uid");
	sql_builder_puts(b, ", (SELECT sc.call_center_uid FROM companies sc WHERE sc.uid = ");
	column(b, alias, "company_uid");
	sql_builder_puts(b, "), ARRAY(SELECT spa.agency_uid FROM patrimony_agencies spa"
	    " WHERE spa.patrimony_uid = ");
	column(b, alias, "uid");
	sql_builder_puts(b, "))");
}


/*
 * NOTE: the contact's associations are read per row (ARRAY sub-selects),
 * where the former EXISTS could become a semi-join on the index of
 * provider_contact_companies; to revisit if contact lists grow large.
 */
void
scope_sql_contact(struct sql_builder *b, const struct actor *actor, const char *alias)
{
	sql_builder_puts(b, " AND scope_sees_provider_contact(");
	viewer(b, actor);
	sql_builder_puts(b, ", ARRAY(SELECT spc.company_uid FROM provider_contact_companies spc"
	    " WHERE spc.contact_uid = ");
	column(b, alias, "uid");
	sql_builder_puts(b, "), ARRAY(SELECT scc.call_center_uid FROM provider_contact_call_centers scc"
	    " WHERE scc.contact_uid = ");
	column(b, alias, "uid");
	sql_builder_puts(b, "), ARRAY(SELECT sco.call_center_uid FROM provider_contact_companies spc"
	    " JOIN companies sco ON sco.uid = spc.company_uid WHERE spc.contact_uid = ");
	column(b, alias, "uid");
	sql_builder_puts(b, "))");
}


/*
 * Appends the ticket rule for the row ALIAS.  WITH_PATRIMONY false passes
 * NULL as the ticket's patrimony, for rows that have none.
 */
static void
ticket_rule(struct sql_builder *b, const struct actor *actor, const char *alias,
    bool with_patrimony)
{
	sql_builder_puts(b, " AND scope_sees_ticket(");
	viewer(b, actor);
	viewer_lists(b, actor);
	sql_builder_puts(b, ", ");
	column(b, alias, "company_uid");
	sql_builder_puts(b, ", ");
	column(b, alias, "call_center_uid");
	sql_builder_puts(b, ", ");
	column(b, alias, "agency_uids");
	sql_builder_puts(b, ", ");
	if (with_patrimony)
		column(b, alias, "patrimony_uid");
	else
		sql_builder_puts(b, "NULL::uuid");
	sql_builder_puts(b, ")");
}


void
scope_sql_ticket(struct sql_builder *b, const struct actor *actor, const char *alias)
{
	ticket_rule(b, actor, alias, true);
}


bool
scope_sql_ticket_group(struct sql_builder *b, const struct actor *actor, const char *alias)
{
	if (!scope_ticket_group_exact(actor))
		return false;
	ticket_rule(b, actor, alias, false);
	return true;
}


bool
scope_ticket_group_exact(const struct actor *actor)
{
	return actor->type != USER_PATRIMONY_MANAGER;
}
