/*
 * User commands (POST/PATCH /api/vEvent/users...): their schemas, and the
 * loading of the facts their decisions need.  The user's credentials row
 * follows from project_user() in the same transaction as the events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "command_endpoints.h"
#include "db/pg.h"
#include "domain/user.h"
#include "facts.h"
#include "handlers.h"
#include "journal/journal.h"

#define UID {.type = SCHEMA_UUID}
#define UIDS {.type = SCHEMA_NON_EMPTY_LIST, .items = &uid_item}
#define TEXT {.type = SCHEMA_STRING}
#define NON_EMPTY {.type = SCHEMA_NON_EMPTY_STRING}
#define EMAIL {.type = SCHEMA_EMAIL}
#define PHONE {.type = SCHEMA_PHONE}
#define END {NULL, 0, {0}}

static const struct schema_value uid_item = UID;

#define PERSON_FIELDS \
	{"login", SCHEMA_REQUIRED, EMAIL}, \
	{"companyUid", SCHEMA_REQUIRED, UID}, \
	{"firstName", SCHEMA_REQUIRED, TEXT}, \
	{"lastName", SCHEMA_REQUIRED, NON_EMPTY}, \
	{"job", 0, TEXT}, \
	{"phone", 0, PHONE}

static const struct schema_field reference_fields[] = {PERSON_FIELDS, END};
static const struct schema_field reference_executive_fields[] = {
	PERSON_FIELDS, {"managedAgencies", SCHEMA_REQUIRED, UIDS}, END,
};
static const struct schema_field reference_patrimony_manager_fields[] = {
	PERSON_FIELDS, {"managedPatrimonies", SCHEMA_REQUIRED, UIDS}, END,
};

static const struct schema_field agency_fields[] = {{"agencyUid", SCHEMA_REQUIRED, UID}, END};
static const struct schema_field patrimony_fields[] = {{"patrimonyUid", SCHEMA_REQUIRED, UID}, END};
static const struct schema_field no_fields[] = {END};
static const struct schema_field downgrade_fields[] = {
	{"managedPatrimonies", SCHEMA_REQUIRED, UIDS}, END,
};
static const struct schema_field update_user_fields[] = {
	{"firstName", SCHEMA_REQUIRED, TEXT},
	{"lastName", SCHEMA_REQUIRED, NON_EMPTY},
	{"job", 0, TEXT},
	{"phone", 0, PHONE},
	END,
};
static const struct schema_field update_login_fields[] = {{"login", SCHEMA_REQUIRED, EMAIL}, END};


/* Everything a user command loads, freed in one place. */
struct loaded {
	struct user_state user;
	struct company_state company;
	struct scope scope;
	struct agency_fact *agencies;
	size_t agency_count;
	struct patrimony_fact *patrimonies;
	size_t patrimony_count;
};


static void
loaded_free(struct loaded *loaded)
{
	user_free(&loaded->user);
	company_free(&loaded->company);
	scope_free(&loaded->scope);
	free(loaded->agencies);
	for (size_t i = 0; i < loaded->patrimony_count; i++)
		patrimony_free(&loaded->patrimonies[i].state);
	free(loaded->patrimonies);
}


static bool
load_user(const char *uid, struct user_state *state, int *version, struct error *err)
{
	struct json_object *events = journal_load("user", uid, version, err);

	if (events == NULL)
		return false;
	user_fold(state, events);
	json_object_put(events);
	return true;
}


/* True in *USED when LOGIN belongs to a credentials row other than SELF's (superUser included). */
static bool
check_login(const char *login, const char *self, bool *used, struct error *err)
{
	const char *params[2] = {login, self};
	PGresult *result;

	*used = false;
	if (login == NULL)
		return true;
	result = pg_query("SELECT 1 FROM credentials WHERE login = lower($1) AND user_uid <> $2::uuid",
	    2, params, PGRES_TUPLES_OK, err);
	if (result == NULL)
		return false;
	*used = PQntuples(result) > 0;
	PQclear(result);
	return true;
}


/* Collects the uids of field NAME: a NonEmptyList, or one uid. */
static size_t
named_uids(struct json_object *body, const char *name, const char **out, size_t max)
{
	struct json_object *value;
	size_t count = 0;

	if (!json_object_object_get_ex(body, name, &value))
		return 0;
	if (json_object_is_type(value, json_type_string)) {
		out[0] = json_object_get_string(value);
		return 1;
	}
	for (size_t i = 0; i < json_object_array_length(value) && count < max; i++)
		out[count++] = json_object_get_string(json_object_array_get_idx(value, i));
	return count;
}


/* Loads the agencies and patrimonies the command names. */
static bool
load_named(struct command_run *run, struct loaded *loaded, struct error *err)
{
	const char *uids[1000];
	size_t count;

	count = named_uids(run->cmd.body, "managedAgencies", uids, 1000);
	if (count == 0)
		count = named_uids(run->cmd.body, "agencyUid", uids, 1000);
	if (count > 0) {
		loaded->agencies = calloc(count, sizeof(*loaded->agencies));
		if (loaded->agencies == NULL)
			return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		for (; loaded->agency_count < count; loaded->agency_count++)
			if (!facts_load_agency(uids[loaded->agency_count], &loaded->agencies[loaded->agency_count], err))
				return false;
	}

	count = named_uids(run->cmd.body, "managedPatrimonies", uids, 1000);
	if (count == 0)
		count = named_uids(run->cmd.body, "patrimonyUid", uids, 1000);
	if (count > 0) {
		loaded->patrimonies = calloc(count, sizeof(*loaded->patrimonies));
		if (loaded->patrimonies == NULL)
			return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		for (size_t i = 0; i < count; i++) {
			loaded->patrimony_count++;
			if (!facts_load_patrimony(uids[i], &loaded->patrimonies[i], NULL, err))
				return false;
		}
	}
	return true;
}


static void
facts_of(const struct loaded *loaded, bool login_taken, struct user_facts *facts)
{
	facts->target = &loaded->user;
	facts->company = &loaded->company;
	facts->scope = &loaded->scope;
	facts->login_used = login_taken;
	facts->agencies = loaded->agencies;
	facts->agency_count = loaded->agency_count;
	facts->patrimonies = loaded->patrimonies;
	facts->patrimony_count = loaded->patrimony_count;
}


static bool
execute(struct command_run *run, struct error *err)
{
	const char *uid = run->cmd.aggregate_uid;
	bool creates = strncmp(run->cmd.type, "Reference", 9) == 0;
	const char *company_uid;
	struct loaded loaded;
	struct user_facts facts;
	bool login_taken = false;
	bool ok;

	memset(&loaded, 0, sizeof(loaded));
	user_init(&loaded.user, uid);
	company_init(&loaded.company, "");

	ok = load_user(uid, &loaded.user, &run->expected_version, err) &&
	    scope_load(run->cmd.actor, &loaded.scope, err);
	company_uid = creates ? domain_string(run->cmd.body, "companyUid") : loaded.user.company;
	ok = ok && (company_uid[0] == '\0' || facts_load_company(company_uid, &loaded.company, NULL, err)) &&
	    check_login(domain_string(run->cmd.body, "login"), uid, &login_taken, err) &&
	    load_named(run, &loaded, err);

	if (ok) {
		facts_of(&loaded, login_taken, &facts);
		ok = creates ? user_decide_reference(&run->cmd, &facts, run->events, err) :
		    user_decide_update(&run->cmd, &facts, run->events, err);
	}
	loaded_free(&loaded);
	return ok;
}


static const struct command_spec reference_specs[] = {
	{"ReferenceCallCenterUser", reference_fields, execute, NULL},
	{"ReferenceClientAccountManager", reference_fields, execute, NULL},
	{"ReferenceExecutive", reference_executive_fields, execute, NULL},
	{"ReferencePatrimonyManager", reference_patrimony_manager_fields, execute, NULL},
	{NULL, NULL, NULL, NULL},
};

static const struct command_spec update_specs[] = {
	{"AssociateUserWithAgency", agency_fields, execute, NULL},
	{"DissociateUserFromAgency", agency_fields, execute, NULL},
	{"AssociateUserWithPatrimony", patrimony_fields, execute, NULL},
	{"DissociateUserFromPatrimony", patrimony_fields, execute, NULL},
	{"DisableUser", no_fields, execute, NULL},
	{"EnableUser", no_fields, execute, NULL},
	{"DowngradeExecutiveToPatrimonyManager", downgrade_fields, execute, NULL},
	{"UpdateUser", update_user_fields, execute, NULL},
	{"UpdateLogin", update_login_fields, execute, NULL},
	{NULL, NULL, NULL, NULL},
};

const struct command_endpoint user_create_endpoint = {"user", true, -1, reference_specs};
const struct command_endpoint user_update_endpoint = {"user", false, 0, update_specs};
