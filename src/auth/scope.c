/* Visibility rules and the permission table. */
#include <stdio.h>
#include <string.h>

#include "scope.h"

#define ROLE(type) (1u << (type))
#define SU ROLE(USER_SUPER)
#define CC ROLE(USER_CALL_CENTER)
#define CAM ROLE(USER_CLIENT_ACCOUNT_MANAGER)
#define EX ROLE(USER_EXECUTIVE)
#define PM ROLE(USER_PATRIMONY_MANAGER)


void
scope_init(struct scope *scope, const struct actor *actor)
{
	memset(scope, 0, sizeof(*scope));
	scope->type = actor->type;
	snprintf(scope->user_uid, sizeof(scope->user_uid), "%s", actor->uid);
	snprintf(scope->company_uid, sizeof(scope->company_uid), "%s", actor->company_uid);
}


void
scope_free(struct scope *scope)
{
	uid_list_free(&scope->agencies);
	uid_list_free(&scope->patrimonies);
}


static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && a[0] != '\0' && strcmp(a, b) == 0;
}


/* True when COMPANY is the actor's own company A (or call center C). */
static bool
is_own(const struct scope *scope, const struct scope_company *company)
{
	return company != NULL && same(company->uid, scope->company_uid);
}


/* True when COMPANY is C or one of C's companies. */
static bool
under_call_center(const struct scope *scope, const struct scope_company *company)
{
	return company != NULL && (same(company->uid, scope->company_uid) ||
	    same(company->call_center, scope->company_uid));
}


bool
scope_sees_company(const struct scope *scope, const struct scope_company *company)
{
	if (company == NULL || company->uid == NULL || company->uid[0] == '\0')
		return false;

	switch (scope->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return under_call_center(scope, company);
	case USER_CLIENT_ACCOUNT_MANAGER:
		return is_own(scope, company) || same(company->uid, scope->holding_uid);
	case USER_EXECUTIVE:
	case USER_PATRIMONY_MANAGER:
		return is_own(scope, company);
	default:
		return false;
	}
}


bool
scope_sees_agency(const struct scope *scope, const char *agency_uid,
    const struct scope_company *company)
{
	switch (scope->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return under_call_center(scope, company);
	case USER_CLIENT_ACCOUNT_MANAGER:
		return is_own(scope, company);
	case USER_EXECUTIVE:
	case USER_PATRIMONY_MANAGER:
		return uid_list_has(&scope->agencies, agency_uid);
	default:
		return false;
	}
}


/* True when one of AGENCIES is in the actor's agencies S. */
static bool
meets_agencies(const struct scope *scope, const struct uid_list *agencies)
{
	for (size_t i = 0; agencies != NULL && i < agencies->count; i++)
		if (uid_list_has(&scope->agencies, agencies->items[i]))
			return true;
	return false;
}


bool
scope_sees_patrimony(const struct scope *scope, const char *patrimony_uid,
    const struct scope_company *company, const struct uid_list *agencies)
{
	switch (scope->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return under_call_center(scope, company);
	case USER_CLIENT_ACCOUNT_MANAGER:
		return is_own(scope, company);
	case USER_EXECUTIVE:
		return meets_agencies(scope, agencies);
	case USER_PATRIMONY_MANAGER:
		return uid_list_has(&scope->patrimonies, patrimony_uid);
	default:
		return false;
	}
}


bool
scope_sees_ticket(const struct scope *scope, const struct scope_company *company,
    const struct uid_list *agencies, const char *patrimony_uid)
{
	switch (scope->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		/* The company of a ticket is a client account: its call center must be C. */
		return company != NULL && same(company->call_center, scope->company_uid);
	case USER_CLIENT_ACCOUNT_MANAGER:
		return is_own(scope, company);
	case USER_EXECUTIVE:
		return meets_agencies(scope, agencies);
	case USER_PATRIMONY_MANAGER:
		return uid_list_has(&scope->patrimonies, patrimony_uid);
	default:
		return false;
	}
}


bool
scope_sees_provider_contact(const struct scope *scope, const struct uid_list *companies,
    const struct uid_list *call_centers, const struct uid_list *company_call_centers)
{
	switch (scope->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return uid_list_has(call_centers, scope->company_uid) ||
		    uid_list_has(company_call_centers, scope->company_uid);
	case USER_CLIENT_ACCOUNT_MANAGER:
	case USER_EXECUTIVE:
	case USER_PATRIMONY_MANAGER:
		return uid_list_has(companies, scope->company_uid);
	default:
		return false;
	}
}


bool
scope_sees_user(const struct scope *scope, const struct scope_company *company)
{
	switch (scope->type) {
	case USER_SUPER:
		return true;
	case USER_CALL_CENTER:
		return under_call_center(scope, company);
	case USER_CLIENT_ACCOUNT_MANAGER:
	case USER_EXECUTIVE:
	case USER_PATRIMONY_MANAGER:
		return is_own(scope, company);
	default:
		return false;
	}
}


/*
 * One row of write-api §2: the roles that may send the commands on any
 * visible target, those that may only in their own company (CAM "own
 * company", CC "own call center"), on themselves, or (PM and tickets) on
 * a patrimony location.
 */
struct permission {
	const char *const *commands;
	unsigned anywhere;
	unsigned own_company;
	unsigned self;
	unsigned patrimony_location;
};

static const char *const super_only[] = {"CreateCallCenter", "IdentifyCompany", NULL};
static const char *const create_client[] = {"CreateClientAccount", "CreateClientAccountHolding", NULL};
static const char *const company_admin[] = {"CancelCompany", "ReactiveCompany",
	"UpdateClientAccountHolding", "UpgradeCompanyToPremiumAccount", "DowngradePremiumAccount",
	"UpgradeCompanyToStandardAccount", NULL};
static const char *const update_call_center[] = {"UpdateCallCenter", NULL};
static const char *const client_account[] = {"UpdateClientAccount", "CreateAgency",
	"UpdateAgency", "DeleteAgency", NULL};
static const char *const patrimony[] = {"ReferencePatrimony", "ReferenceBuilding",
	"AddComplementaryAddressToPatrimony", "RemoveComplementaryAddressFromPatrimony",
	"UpdatePatrimony", "AssociatePatrimonyInAgency", "DissociatePatrimonyFromAgency", NULL};
static const char *const lot[] = {"ReferenceLot", "AddAddressToLot", "RemoveAddressFromLot",
	"UpdateLotReference", "UpdateLotNumber", "UpdateLotUsage", "DeleteLot", NULL};
static const char *const provider_contact[] = {"AddProviderContact",
	"AssociateProviderContactToAgency", "AssociateProviderContactToCompany",
	"DissociateProviderContactFromAgency", "UpdateProviderContact", "DisableProviderContact",
	"EnableProviderContact", "AssociateProviderContactWithProviderCompany",
	"AssociateProviderContactWithPatrimony", "DissociateProviderContactFromPatrimony",
	"AssignActivityToProviderContact", "RemoveActivityFromProviderContact",
	"CrushUpdateProviderContact", NULL};
static const char *const ticket[] = {"OpenTicket", "EmitCallTo", "ReceiveCall",
	"ProviderAnswerCall", "ProviderNotAnswerCall", "AddLogTrial", "AddMessage",
	"RestrictAccessToTicket", "IdentifyAssignee", "RequestIntervention",
	"ReportSendingServiceOrder", "ScheduleIntervention", "DefineInterventionDeadline",
	"ReportFormalNoticeForProvider", "AcceptIntervention", "RefuseIntervention", "ArriveOnSite",
	"GoFromSite", "StartIntervention", "FinishIntervention", "UpdateTicket",
	"CorrectTicketInformations", "CorrectTicketEventInformations", "CorrectOpeningTicketPurpose",
	"CorrectLocationReference", "CorrectCaller", "CloseTicket", "FixPermanently", "FixPartially",
	"CloseTicketImpossibleRepair", "PostponeFix", "CancelTicket", "ArchiveTicket",
	"CloseBeyondCallCenterScope", "CloseAfterSeveralUnsuccessfulRecalls", "ReopenTicket", NULL};
static const char *const call_center_user[] = {"ReferenceCallCenterUser", NULL};
static const char *const user_admin[] = {"ReferenceClientAccountManager", "ReferenceExecutive",
	"ReferencePatrimonyManager", "AssociateUserWithAgency", "DissociateUserFromAgency",
	"AssociateUserWithPatrimony", "DissociateUserFromPatrimony", "DisableUser", "EnableUser",
	"DowngradeExecutiveToPatrimonyManager", NULL};
static const char *const user_self[] = {"UpdateUser", "UpdateLogin", NULL};

static const struct permission permissions[] = {
	{super_only, SU, 0, 0, 0},
	{create_client, SU, CC, 0, 0},
	{company_admin, SU | CC, 0, 0, 0},
	{update_call_center, SU, CC, 0, 0},
	{client_account, SU | CC, CAM, 0, 0},
	{patrimony, SU | CC | CAM | EX, 0, 0, 0},
	{lot, SU | CC | CAM | EX | PM, 0, 0, 0},
	{provider_contact, SU | CC | CAM | EX, 0, 0, 0},
	{ticket, SU | CC | CAM | EX, 0, 0, PM},
	{call_center_user, SU, CC, 0, 0},
	{user_admin, SU | CC, CAM, 0, 0},
	{user_self, SU | CC, CAM, CC | CAM | EX | PM, 0},
};


static const struct permission *
find_permission(const char *command_type)
{
	for (size_t i = 0; i < sizeof(permissions) / sizeof(permissions[0]); i++)
		for (const char *const *name = permissions[i].commands; *name != NULL; name++)
			if (strcmp(*name, command_type) == 0)
				return &permissions[i];
	return NULL;
}


bool
scope_may_send(const struct actor *actor, const char *command_type,
    const struct scope_target *target)
{
	const struct permission *row = find_permission(command_type);
	unsigned role;

	if (row == NULL || actor->type <= USER_NONE || actor->type >= USER__MAX)
		return false;
	role = ROLE(actor->type);

	if ((row->anywhere & role) != 0)
		return true;
	if ((row->own_company & role) != 0 && target != NULL &&
	    same(target->company_uid, actor->company_uid))
		return true;
	if ((row->self & role) != 0 && target != NULL && target->self)
		return true;
	return (row->patrimony_location & role) != 0 && target != NULL &&
	    target->patrimony_location;
}
