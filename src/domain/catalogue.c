/* Every eventType of API v1 with the aggregate kind whose stream contains it. */
#include <stddef.h>
#include <string.h>

#include "catalogue.h"

struct event_entry {
	const char *type;
	const char *kind;
};

/* Company 16, ProviderContact 13, Patrimony 7, Lot 7, Ticket 38, User 13. */
static const struct event_entry entries[] = {
	{"ClientAccountCreated", "company"},
	{"ClientAccountHoldingCreated", "company"},
	{"CallCenterCreated", "company"},
	{"CompanyIdentified", "company"},
	{"CompanyCanceled", "company"},
	{"CompanyReactivated", "company"},
	{"ClientAccountUpdated", "company"},
	{"ClientAccountHoldingUpdated", "company"},
	{"CallCenterUpdated", "company"},
	{"CompanyUpgradedToPremiumAccount", "company"},
	{"CompanyDowngradedToPremiumAccount", "company"},
	{"PremiumAccountDowngraded", "company"},
	{"CompanyUpgradedToStandardAccount", "company"},
	{"AgencyCreated", "company"},
	{"AgencyUpdated", "company"},
	{"AgencyDeleted", "company"},
	{"ProviderContactAdded", "providerContact"},
	{"ProviderContactAssociatedToCallCenter", "providerContact"},
	{"ProviderContactAssociatedToCompany", "providerContact"},
	{"ProviderContactAssociatedWithProviderCompany", "providerContact"},
	{"ProviderContactAssociatedToAgency", "providerContact"},
	{"ProviderContactDissociatedFromAgency", "providerContact"},
	{"ProviderContactUpdated", "providerContact"},
	{"ProviderContactDisabled", "providerContact"},
	{"ProviderContactEnabled", "providerContact"},
	{"ProviderContactAssociatedWithPatrimony", "providerContact"},
	{"ProviderContactDissociatedFromPatrimony", "providerContact"},
	{"ActivityAssignedToProviderContact", "providerContact"},
	{"ActivityRemovedFromProviderContact", "providerContact"},
	{"PatrimonyReferenced", "patrimony"},
	{"PatrimonyUpdated", "patrimony"},
	{"BuildingReferenced", "patrimony"},
	{"ComplementaryAddressAddedToPatrimony", "patrimony"},
	{"ComplementaryAddressRemovedFromPatrimony", "patrimony"},
	{"PatrimonyAssociatedInAgency", "patrimony"},
	{"PatrimonyDissociatedFromAgency", "patrimony"},
	{"LotReferenced", "lot"},
	{"AddressAddedToLot", "lot"},
	{"AddressRemovedFromLot", "lot"},
	{"LotReferenceUpdated", "lot"},
	{"LotNumberUpdated", "lot"},
	{"LotUsageUpdated", "lot"},
	{"LotDeleted", "lot"},
	{"TicketOpened", "ticket"},
	{"TicketUpdated", "ticket"},
	{"AccessRestrictedToTicket", "ticket"},
	{"CallEmittedTo", "ticket"},
	{"CallReceived", "ticket"},
	{"CallAnsweredByProvider", "ticket"},
	{"CallNotAnsweredByProvider", "ticket"},
	{"LogTrialAdded", "ticket"},
	{"MessageAdded", "ticket"},
	{"AssigneeIdentified", "ticket"},
	{"InstructionsForAssigneeDefined", "ticket"},
	{"InterventionRequested", "ticket"},
	{"SendingServiceOrderReported", "ticket"},
	{"InterventionScheduled", "ticket"},
	{"InterventionDeadlineDefined", "ticket"},
	{"FormalNoticeForProviderReported", "ticket"},
	{"InterventionAccepted", "ticket"},
	{"NotificationForInterventionAcceptedRequested", "ticket"},
	{"InterventionRefused", "ticket"},
	{"ArrivedOnSite", "ticket"},
	{"InterventionStarted", "ticket"},
	{"InterventionFinished", "ticket"},
	{"GoneFromSite", "ticket"},
	{"TicketInformationsCorrected", "ticket"},
	{"TicketEventInformationsCorrected", "ticket"},
	{"OpeningTicketPurposeCorrected", "ticket"},
	{"LocationReferenceCorrected", "ticket"},
	{"CallerCorrected", "ticket"},
	{"TicketReopened", "ticket"},
	{"TicketClosed", "ticket"},
	{"PermanentlyFixed", "ticket"},
	{"PartiallyFixed", "ticket"},
	{"TicketClosedImpossibleRepair", "ticket"},
	{"PostponedFix", "ticket"},
	{"TicketCancelled", "ticket"},
	{"TicketArchived", "ticket"},
	{"ClosedBeyondCallCenterScope", "ticket"},
	{"ClosedAfterSeveralUnsuccessfulRecalls", "ticket"},
	{"CallCenterUserReferenced", "user"},
	{"ClientAccountManagerReferenced", "user"},
	{"ExecutiveReferenced", "user"},
	{"PatrimonyManagerReferenced", "user"},
	{"UserAssociatedWithAgency", "user"},
	{"UserDissociatedFromAgency", "user"},
	{"UserAssociatedWithPatrimony", "user"},
	{"UserDissociatedFromPatrimony", "user"},
	{"UserDisabled", "user"},
	{"UserEnabled", "user"},
	{"ExecutiveDowngradedToPatrimonyManager", "user"},
	{"UserUpdated", "user"},
	{"LoginUpdated", "user"},
};

static const char *const kinds[] = {"company", "patrimony", "lot", "providerContact", "ticket", "user"};


const char *
catalogue_event_kind(const char *event_type)
{
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (strcmp(entries[i].type, event_type) == 0)
			return entries[i].kind;
	return NULL;
}


bool
catalogue_is_kind(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i], kind) == 0)
			return true;
	return false;
}
