/* The errorType catalogue: wire names and HTTP statuses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <unistr.h>

#include "error.h"

struct error_entry {
	const char *name;
	int status;
};

/* Names are kept exactly as the API contract spells them, typos included. */
static const struct error_entry entries[ERR__MAX] = {
	[ERR_NONE] = {"", 200},

	[ERR_BAD_REQUEST] = {"BadRequest", 400},
	[ERR_INVALID_RANGE] = {"InvalidRange", 400},
	[ERR_INVALID_JSON] = {"InvalidJson", 400},
	[ERR_INVALID_COMMAND] = {"InvalidCommand", 400},
	[ERR_INVALID_CREDENTIALS] = {"InvalidCredentials", 400},
	[ERR_UNAUTHENTICATED] = {"Unauthenticated", 401},
	[ERR_FORBIDDEN] = {"Forbidden", 403},
	[ERR_NOT_FOUND] = {"NotFound", 404},
	[ERR_METHOD_NOT_ALLOWED] = {"MethodNotAllowed", 405},
	[ERR_PAYLOAD_TOO_LARGE] = {"PayloadTooLarge", 413},
	[ERR_UNSUPPORTED_MEDIA_TYPE] = {"UnsupportedMediaType", 415},
	[ERR_RANGE_NOT_SATISFIABLE] = {"RangeNotSatisfiable", 416},
	[ERR_INTERNAL] = {"InternalError", 500},
	[ERR_SERVICE_UNAVAILABLE] = {"ServiceUnavailable", 503},
	[ERR_MISDIRECTED_REQUEST] = {"MisdirectedRequest", 421},
	[ERR_TOO_MANY_REQUESTS] = {"TooManyRequests", 429},
	[ERR_INVALID_SUBSCRIPTION] = {"InvalidSubscription", 400},
	[ERR_DESTINATION_NOT_ALLOWED] = {"DestinationNotAllowed", 400},
	[ERR_COMMAND_ALREADY_SENT] = {"CommandAlreadySent", 409},
	[ERR_REFERENCED_ENTITY_NOT_FOUND] = {"ReferencedEntityNotFound", 404},
	[ERR_INCONSISTENT_REFERENCE] = {"InconsistentReference", 409},
	[ERR_COMMAND_NOT_APPLICABLE] = {"CommandNotApplicable", 409},

	[ERR_COMPANY_EXISTS] = {"ImpossibleToCreateExistingCompany", 409},
	[ERR_COMPANY_NOT_FOUND] = {"ImpossibleToPerfomCommandOnNonExistingCompany", 404},
	[ERR_AGENCY_EXISTS] = {"ImpossibleToCreateExistingAgency", 409},
	[ERR_AGENCY_NOT_FOUND] = {"ImpossibleToPerformCommandOnNonExistingAgency", 404},
	[ERR_COMPANY_ALREADY_CANCELED] = {"ImpossibleToCancelCanceledCompany", 409},
	[ERR_CALL_CENTER_NOT_CANCELABLE] = {"ImpossibleToCancelCallCenter", 409},
	[ERR_AGENCY_OUTSIDE_CLIENT_ACCOUNT] = {"ImpossibleToCreateAgencyInAnotherCompanyThatClientAccount", 409},
	[ERR_CALL_CENTER_NOT_PREMIUM_ELIGIBLE] = {"CallCenterIsNotEligibleToPremiumAccount", 409},
	[ERR_COMPANY_ALREADY_PREMIUM] = {"CompanyIsAlreadyPremiumAccount", 409},
	[ERR_COMPANY_ALREADY_SPONSORED] = {"CompanyIsAlreadySponsoredAccount", 409},
	[ERR_CALL_CENTER_NOT_DOWNGRADABLE] = {"CallCenterIsNotDowngradable", 409},
	[ERR_COMPANY_ALREADY_IDENTIFIED] = {"CompanyAlreadyIdentified", 409},
	[ERR_COMPANY_NOT_PREMIUM] = {"CompanyIsNotPremiumAccount", 409},

	[ERR_PATRIMONY_EXISTS] = {"ImpossibleToCreateExistingPatrimony", 409},
	[ERR_PATRIMONY_NOT_FOUND] = {"ImpossibleToPerformCommandOnNonExistingPatrimony", 404},
	[ERR_BUILDING_EXISTS] = {"ImpossibleToReferenceAlreadyExistingBuilding", 409},
	[ERR_COMPLEMENTARY_ADDRESS_EXISTS] = {"ImpossibleToAddAlreadyExistingComplementaryAddressToPatrimony", 409},
	[ERR_COMPLEMENTARY_ADDRESS_NOT_FOUND] = {"ImpossibleToRemoveNonExistingComplementaryAddressFromPatrimony", 404},
	[ERR_PATRIMONY_AGENCY_ALREADY_ASSOCIATED] = {"ImpossibleToAssociatePatrimonyInAgencyForAlreadyAssociatedAgency", 409},
	[ERR_PATRIMONY_AGENCY_NOT_ASSOCIATED] = {"ImpossibleToDissociatePatrimonyFromAgencyThatDoesntExist", 404},
	[ERR_PATRIMONY_LAST_AGENCY] = {"ImpossibleToDissociatePatrimonyFromAgencyRemainOnlyOneAgency", 409},

	[ERR_LOT_EXISTS] = {"ImpossibleToCreateExistingLot", 409},
	[ERR_LOT_NOT_FOUND] = {"ImpossibleToPerformCommandOnNonExistingLot", 404},
	[ERR_LOT_ADDRESS_NOT_FOUND] = {"ImpossibleToRemoveNonExistingAddressFromLot", 404},
	[ERR_LOT_LAST_ADDRESS] = {"ImpossibleToRemoveOnlyAddressFromLot", 409},
	[ERR_LOT_PATRIMONY_NOT_FOUND] = {"PatrimonyNotFound", 404},
	[ERR_LOT_REFERENCE_EXISTS] = {"LotReferenceAlreadyExist", 409},
	[ERR_LOT_NUMBER_EXISTS] = {"LotNumberAlreadyExist", 409},
	[ERR_LOT_ADDRESS_NOT_CONFORM] = {"AddressNotConform", 400},
	[ERR_LOT_BUILDING_NOT_FOUND] = {"BuildingDontExist", 404},

	[ERR_PROVIDER_CONTACT_EXISTS] = {"ImpossibleToAddExistingProviderContact", 409},
	[ERR_PROVIDER_CONTACT_NOT_FOUND] = {"ImpossibleToPerfomCommandOnNonExistingProviderContactCommand", 404},
	[ERR_PROVIDER_AGENCY_ALREADY_ASSOCIATED] = {"ImpossibleToAssociateToAgencyThatIsAlreadyAssociated", 409},
	[ERR_PROVIDER_COMPANY_ALREADY_ASSOCIATED] = {"ImppossibleToAssociateWithProviderCompanyThatIsAlreadyAssociated", 409},
	[ERR_PROVIDER_PATRIMONY_ALREADY_ASSOCIATED] = {"ImpossibleToAssociateWithPatrimonyThatIsAlreadyAssociated", 409},
	[ERR_PROVIDER_PATRIMONY_NOT_ASSOCIATED] = {"ImpossibleToDissociateFromPatrimonyThatIsNotAlreadyAssociated", 404},
	[ERR_PROVIDER_ACTIVITY_NOT_FOUND] = {"ImpossibleToRemoveNonExistingActivity", 404},
	[ERR_PROVIDER_AGENCY_COMPANY_NOT_ASSOCIATED] = {"ImpossibleToAssociateProviderContactWithAgencyIfNotAlreadyAssociatedWithCompany", 409},
	[ERR_PROVIDER_PATRIMONY_COMPANY_NOT_ASSOCIATED] = {"ImpossibleToAssociateProviderContactWithPatrimonyIfNotAlreadyAssociatedWithCompany", 409},
	[ERR_PROVIDER_AGENCY_NOT_ASSOCIATED] = {"ImpossibleToDissociateFromAgencyThatIsNotAlreadyAssociated", 404},
	[ERR_PROVIDER_CLIENT_COMPANY_ALREADY_ASSOCIATED] = {"ImpossibleToAssociateToCompanyThatIsAlreadyAssociated", 409},

	[ERR_TICKET_EXISTS] = {"ImpossibleToOpenExistingTicket", 409},
	[ERR_TICKET_NOT_FOUND] = {"ImpossibleToPerfomCommandOnNonExistingTicket", 404},
	[ERR_SCHEDULE_WITHOUT_ASSIGNEE] = {"ImpossibleToScheduleMissionIfNoProviderIsAssigned", 409},
	[ERR_DEADLINE_WITHOUT_ASSIGNEE] = {"ImpossibleToDefineInterventionDeadlineIfNoProviderIsAssigned", 409},
	[ERR_SERVICE_ORDER_WITHOUT_ASSIGNEE] = {"ImpossibleToReportSendingServiceOrderIfNoProviderIsAssigned", 409},
	[ERR_FORMAL_NOTICE_WITHOUT_DEADLINE] = {"ImpossibleToReportFormalNoticeIfNoInterventionDeadlineWasDefined", 409},
	[ERR_FORMAL_NOTICE_DEADLINE_NOT_EXCEEDED] = {"ImpossibleToReportFormalNoticeIfInterventionDeadlineIsNotExcedeed", 409},
	[ERR_FORMAL_NOTICE_DEADLINE_EARLIER] = {"ImpossibleToReportFormalNoticeIfNewDeadlineIsMinusThanPreviousInterventionDeadline", 409},
	[ERR_BLANK_CORRECTION] = {"BlankTextIsForbiddenToCorrectTicketInformations", 400},
	[ERR_CLOSING_REPORT_ON_OPEN_TICKET] = {"ImpossibleToUpdateClosingReportFieldIfTicketIsNotClosed", 409},
	[ERR_TARGETED_EVENT_NOT_FOUND] = {"EventTargetedNotFound", 404},
	[ERR_TARGETED_EVENT_NOT_ELIGIBLE] = {"EventTargetedIsNotElligibleToThisCommand", 409},
	[ERR_ASSIGNEE_NOT_IDENTIFIED_ONE] = {"AssigneeIsNotTheIdentifiedOne", 409},
	[ERR_CORRECTION_AFTER_ASSIGNEE] = {"ImpossibleToCorrectTicketAlreadyLinkedWithAssignee", 409},

	[ERR_USER_EXISTS] = {"ImpossibleToReferenceAlreadyExistingUser", 409},
	[ERR_USER_NOT_FOUND] = {"ImpossibleToPerformCommandOnNonExistingUser", 404},
	[ERR_LOGIN_ALREADY_USED] = {"LoginAlreadyUsed", 409},
	[ERR_USER_AGENCY_ALREADY_ASSOCIATED] = {"ImpossibleToAssociateUserWithAlreadyAssociatedAgency", 409},
	[ERR_USER_AGENCY_NOT_ASSOCIATED] = {"ImpossibleToDissociateUserFromNonAssociatedAgency", 404},
	[ERR_USER_LAST_AGENCY] = {"ImpossibleToDissociateUserFromItsLastAgency", 409},
	[ERR_USER_PATRIMONY_ALREADY_ASSOCIATED] = {"ImpossibleToAssociateUserWithAlreadyAssociatedPatrimony", 409},
	[ERR_USER_PATRIMONY_NOT_ASSOCIATED] = {"ImpossibleToDissociateUserFromNonAssociatedPatrimony", 404},
	[ERR_USER_LAST_PATRIMONY] = {"ImpossibleToDissociateUserFromItsLastPatrimony", 409},
};


const char *
error_name(enum error_type type)
{
	if (type <= ERR_NONE || type >= ERR__MAX)
		return entries[ERR_INTERNAL].name;
	return entries[type].name;
}


int
error_status(enum error_type type)
{
	if (type <= ERR_NONE || type >= ERR__MAX)
		return 500;
	return entries[type].status;
}


enum error_type
error_from_name(const char *name)
{
	for (int i = ERR_NONE + 1; i < ERR__MAX; i++)
		if (strcmp(entries[i].name, name) == 0)
			return (enum error_type)i;
	return ERR_NONE;
}


/*
 * Removes from MESSAGE the bytes of incomplete UTF-8 sequences.  A "%.80s"
 * conversion or the ERROR_MESSAGE_MAX limit counts bytes, so it can cut a
 * character of a valid value in two.  The message must stay valid UTF-8
 * because it goes into JSON responses and the import's rejects file.
 */
static void
drop_cut_characters(char *message)
{
	size_t len = strlen(message);
	uint8_t *bad;

	/* Each pass removes one byte, so the loop ends within LEN passes. */
	while ((bad = (uint8_t *)u8_check((const uint8_t *)message, len)) != NULL) {
		size_t after = len - (size_t)(bad - (uint8_t *)message) - 1;

		memmove(bad, bad + 1, after + 1);
		len--;
	}
}


bool
error_set(struct error *err, enum error_type type,
    const char *format_fr, const char *format_en, ...)
{
	va_list ap, copy;

	err->type = type;
	err->retry_after = 0;

	va_start(ap, format_en);
	va_copy(copy, ap);
	vsnprintf(err->message_fr, sizeof(err->message_fr), format_fr, ap);
	vsnprintf(err->message_en, sizeof(err->message_en), format_en, copy);
	va_end(copy);
	va_end(ap);
	drop_cut_characters(err->message_fr);
	drop_cut_characters(err->message_en);

	return false;
}


bool
error_set_text(struct error *err, enum error_type type,
    const char *text_fr, const char *text_en)
{
	err->type = type;
	err->retry_after = 0;
	snprintf(err->message_fr, sizeof(err->message_fr), "%s", text_fr);
	snprintf(err->message_en, sizeof(err->message_en), "%s", text_en);
	drop_cut_characters(err->message_fr);
	drop_cut_characters(err->message_en);
	return false;
}


/* Prepends PREFIX to MESSAGE in place, cutting the end if it overflows. */
static void
prepend(char *message, size_t size, const char *prefix)
{
	char old[ERROR_MESSAGE_MAX];

	snprintf(old, sizeof(old), "%s", message);
	snprintf(message, size, "%s%s", prefix, old);
	drop_cut_characters(message);
}


void
error_prefix_path(struct error *err, const char *path)
{
	char prefix[256];

	snprintf(prefix, sizeof(prefix), "%s : ", path);
	prepend(err->message_fr, sizeof(err->message_fr), prefix);

	snprintf(prefix, sizeof(prefix), "%s: ", path);
	prepend(err->message_en, sizeof(err->message_en), prefix);
}


void
error_clear(struct error *err)
{
	err->type = ERR_NONE;
	err->retry_after = 0;
	err->message_fr[0] = '\0';
	err->message_en[0] = '\0';
}
