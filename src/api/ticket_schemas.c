/*
 * Declared schemas of the ticket commands: the models of tickets
 * (ContactMedium, Operator, Provider, TicketAssignee; Name and BasicAddress
 * come from shared_schemas.c), the ticket models, and the fields of every
 * ticket command.  Every command also takes an optional `operator`.
 */
#include "domain/ticket.h"
#include "shared_schemas.h"
#include "ticket_schemas.h"

#define UID {.type = SCHEMA_UUID}
#define DATETIME {.type = SCHEMA_DATETIME}
#define TEXT {.type = SCHEMA_STRING}
#define NON_EMPTY {.type = SCHEMA_NON_EMPTY_STRING}
#define OBJECT(f) {.type = SCHEMA_OBJECT, .fields = (f)}
#define UNION(tag, v) {.type = SCHEMA_UNION, .discriminator = (tag), .variants = (v)}
#define END {NULL, 0, {0}}
#define REQ SCHEMA_REQUIRED

static const struct schema_value text_item = TEXT;
static const struct schema_value non_empty_item = NON_EMPTY;
#define TEXTS {.type = SCHEMA_ARRAY, .items = &text_item}

/* ---------------------------------------------------------------- models of tickets */

#define NAME UNION("nameType", shared_name_variants)

static const struct schema_field phone_medium[] = {{"phone", REQ, NON_EMPTY}, END};
static const struct schema_field fax_medium[] = {{"fax", REQ, NON_EMPTY}, END};
static const struct schema_field mail_medium[] = {{"mail", REQ, NON_EMPTY}, END};
static const struct schema_variant medium_variants[] = {
	{"Phone", phone_medium, false},
	{"Fax", fax_medium, false},
	{"Mail", mail_medium, false},
	{"SMS", phone_medium, false},
	{NULL, NULL, false},
};
#define MEDIUM UNION("contactMediumType", medium_variants)

static const struct schema_field referenced_operator[] = {{"operatorUid", REQ, UID}, END};
static const struct schema_field anonymous_operator[] = {{"name", REQ, NON_EMPTY}, END};
static const struct schema_field referenced_user[] = {{"userUid", REQ, UID}, END};
static const struct schema_variant operator_variants[] = {
	{"ReferencedOperator", referenced_operator, false},
	{"AnonymousOperator", anonymous_operator, false},
	{"ReferencedUser", referenced_user, false},
	{NULL, NULL, false},
};
#define OPERATOR {"operator", 0, UNION("operatorType", operator_variants)}

static const struct schema_field referenced_provider[] = {{"providerUid", REQ, UID}, END};
static const struct schema_field anonymous_provider[] = {
	{"name", REQ, NAME},
	{"phones", 0, TEXTS},
	{"fax", 0, TEXTS},
	{"emails", 0, TEXTS},
	END,
};
static const struct schema_variant provider_variants[] = {
	{"ReferencedProvider", referenced_provider, false},
	{"AnonymousProvider", anonymous_provider, false},
	{NULL, NULL, false},
};
#define PROVIDER UNION("providerType", provider_variants)

static const struct schema_field no_fields[] = {END};
static const struct schema_variant assignee_variants[] = {
	{"ReferencedProviderContact", referenced_provider, false},
	{"AnonymousAssignee", anonymous_provider, false},
	{"ReferencedProviderCompany", no_fields, true},		/* ProviderCompany is out of scope */
	{NULL, NULL, false},
};
#define ASSIGNEE {"assignee", REQ, UNION("assigneeType", assignee_variants)}

/* ---------------------------------------------------------------- ticket models */

static const struct schema_field agency_location[] = {{"agencyUid", REQ, UID}, END};
static const struct schema_field patrimony_location[] = {{"patrimonyUid", REQ, UID}, END};
static const struct schema_variant location_variants[] = {
	{"AgencyLocation", agency_location, false},
	{"PatrimonyLocation", patrimony_location, false},
	{NULL, NULL, false},
};
#define LOCATION UNION("locationReferenceType", location_variants)

static const struct schema_field human_caller[] = {
	{"name", REQ, NAME},
	{"medium", 0, MEDIUM},
	{"comment", 0, TEXT},
	END,
};
static const struct schema_variant caller_variants[] = {
	{"HumanCaller", human_caller, false},
	{"AutomatonCaller", no_fields, false},
	{"ReferencedContactCaller", no_fields, true},		/* PatrimonyContact is out of scope */
	{NULL, NULL, false},
};
#define CALLER UNION("callerType", caller_variants)

static const struct schema_field contact_to_callback[] = {
	{"name", REQ, NON_EMPTY},
	{"medium", REQ, MEDIUM},
	{"availability", 0, DATETIME},
	{"comment", 0, TEXT},
	END,
};

static const struct schema_field claim_number[] = {
	{"callCenterClaimNumber", 0, NON_EMPTY},
	{"clientClaimNumber", 0, NON_EMPTY},
	END,
};

static const struct schema_value alt_purpose_values = {.type = SCHEMA_ARRAY, .items = &text_item};

static const struct schema_field ticket_infos[] = {
	{"caller", REQ, CALLER},
	{"contactToCallback", 0, OBJECT(contact_to_callback)},
	{"claimNumber", 0, OBJECT(claim_number)},
	{"address", REQ, OBJECT(shared_basic_address_fields)},
	{"request", REQ, NON_EMPTY},
	{"instructions", 0, TEXT},
	{"callPurposeLabel", REQ, NON_EMPTY},
	{"callPurposeUid", 0, UID},
	{"altCallPurpose", SCHEMA_DEFAULT_EMPTY, {.type = SCHEMA_MAP, .items = &alt_purpose_values}},
	{"additionalData", SCHEMA_DEFAULT_EMPTY, {.type = SCHEMA_MAP, .items = &text_item}},
	END,
};

static const struct schema_field unclassified_persona[] = {
	{"name", REQ, NAME},
	{"status", 0, TEXT},
	{"callPurpose", 0, TEXT},
	END,
};
static const struct schema_field provider_persona[] = {{"provider", REQ, PROVIDER}, END};
static const struct schema_variant persona_variants[] = {
	{"UnClassifiedPersona", unclassified_persona, false},
	{"ProviderPersona", provider_persona, false},
	{NULL, NULL, false},
};

static const struct schema_field log_trial[] = {
	{"trialCode", 0, TEXT},
	{"trialLabel", REQ, NON_EMPTY},
	END,
};

static const char *const still_on_site[] = {"Yes", "No", "NotAsked", "ProviderRefuseToReply", "NA", NULL};

static const struct schema_field fields_to_correct[] = {
	{"request", 0, TEXT},
	{"instructions", 0, TEXT},
	{"closingReport", 0, TEXT},
	END,
};

static const struct schema_field patrimony_user_access[] = {
	{"accessGrantTo", REQ, {.type = SCHEMA_CONSTANT, .constant = "TicketCaller"}},
	END,
};
static const struct schema_variant access_variants[] = {
	{"PatrimonyUser", patrimony_user_access, false},		/* the wire constant, not the model name */
	{NULL, NULL, false},
};
static const struct schema_value access_control = UNION("accessControlType", access_variants);

static const struct schema_field notification_emails[] = {
	{"assigneeEmail", REQ, NON_EMPTY},
	{"otherRecipients", 0, {.type = SCHEMA_ARRAY, .items = &non_empty_item}},
	END,
};

/* ---------------------------------------------------------------- commands */

static const struct schema_field open_ticket[] = {
	{"locationRef", REQ, LOCATION},
	OPERATOR,
	{"ticket", REQ, OBJECT(ticket_infos)},
	{"openedDate", REQ, DATETIME},
	END,
};

static const struct schema_field emit_call_to[] = {
	OPERATOR,
	{"recipient", REQ, UNION("personaType", persona_variants)},
	{"medium", REQ, MEDIUM},
	{"comment", 0, TEXT},
	{"date", REQ, DATETIME},
	END,
};

static const struct schema_field receive_call[] = {
	OPERATOR,
	{"callPurpose", REQ, TEXT},
	{"caller", REQ, TEXT},
	{"medium", REQ, MEDIUM},
	{"comment", 0, TEXT},
	{"date", REQ, DATETIME},
	END,
};

static const struct schema_field provider_call[] = {
	OPERATOR,
	{"provider", REQ, PROVIDER},
	{"comment", 0, TEXT},
	{"date", REQ, DATETIME},
	END,
};

static const struct schema_field add_log_trial[] = {
	OPERATOR,
	{"provider", 0, PROVIDER},
	{"logTrial", REQ, OBJECT(log_trial)},
	{"logTrialAddedDate", REQ, DATETIME},
	END,
};

static const struct schema_field add_message[] = {
	OPERATOR,
	{"message", REQ, NON_EMPTY},
	{"messageAddedDate", REQ, DATETIME},
	END,
};

static const struct schema_field restrict_access[] = {
	OPERATOR,
	{"accessControlList", REQ, {.type = SCHEMA_NON_EMPTY_LIST, .items = &access_control}},
	END,
};

static const struct schema_field identify_assignee[] = {
	OPERATOR, ASSIGNEE,
	{"comment", 0, TEXT},
	{"instructions", 0, NON_EMPTY},
	{"date", REQ, DATETIME},
	END,
};

static const struct schema_field request_intervention[] = {
	OPERATOR, ASSIGNEE,
	{"medium", REQ, MEDIUM},
	{"comment", 0, TEXT},
	{"date", REQ, DATETIME},
	END,
};

static const struct schema_field report_service_order[] = {
	OPERATOR, ASSIGNEE,
	{"ref", REQ, NON_EMPTY},
	{"reportDate", REQ, DATETIME},
	{"sendingDate", REQ, DATETIME},
	END,
};

static const struct schema_field schedule_intervention[] = {
	OPERATOR, ASSIGNEE,
	{"comment", 0, TEXT},
	{"date", REQ, DATETIME},
	{"startDate", REQ, DATETIME},
	{"endDate", REQ, DATETIME},
	END,
};

static const struct schema_field define_deadline[] = {
	OPERATOR, ASSIGNEE,
	{"date", REQ, DATETIME},
	{"deadline", REQ, DATETIME},
	END,
};

static const struct schema_field formal_notice[] = {
	OPERATOR,
	{"ref", 0, TEXT},
	ASSIGNEE,
	{"reportDate", REQ, DATETIME},
	{"deadline", REQ, DATETIME},
	END,
};

static const struct schema_field accept_intervention[] = {
	OPERATOR, ASSIGNEE,
	{"comment", 0, TEXT},
	{"date", REQ, DATETIME},
	{"requestNotificationTo", 0, OBJECT(notification_emails)},
	END,
};

static const struct schema_field assignee_comment_date[] = {
	OPERATOR, ASSIGNEE, {"comment", 0, TEXT}, {"date", REQ, DATETIME}, END,
};
static const struct schema_field assignee_date[] = {
	OPERATOR, ASSIGNEE, {"date", REQ, DATETIME}, END,
};
static const struct schema_field start_intervention[] = {
	OPERATOR, ASSIGNEE, {"startedDate", REQ, DATETIME}, END,
};
static const struct schema_field finish_intervention[] = {
	OPERATOR, ASSIGNEE, {"finishedDate", REQ, DATETIME}, END,
};

static const struct schema_field update_ticket[] = {
	OPERATOR,
	{"locationRef", REQ, LOCATION},
	{"ticket", REQ, OBJECT(ticket_infos)},
	{"openedDate", REQ, DATETIME},
	END,
};

static const struct schema_field correct_informations[] = {
	OPERATOR,
	{"fieldsToCorrect", REQ, OBJECT(fields_to_correct)},
	{"date", REQ, DATETIME},
	END,
};

static const struct schema_field correct_event_informations[] = {
	OPERATOR,
	{"targetedEvent", REQ, UID},
	{"text", REQ, TEXT},
	{"date", REQ, DATETIME},
	END,
};

static const struct schema_field correct_purpose[] = {
	OPERATOR,
	{"otpLabel", REQ, NON_EMPTY},
	{"otpUid", 0, UID},
	END,
};

static const struct schema_field correct_location[] = {
	OPERATOR,
	{"address", REQ, OBJECT(shared_basic_address_fields)},
	{"locationReference", REQ, LOCATION},
	END,
};

static const struct schema_field correct_caller[] = {OPERATOR, {"caller", REQ, CALLER}, END};

static const struct schema_field close_ticket[] = {
	OPERATOR,
	{"provider", 0, PROVIDER},
	{"brakedownNature", 0, TEXT},
	{"stillOnSite", REQ, {.type = SCHEMA_ENUM, .members = still_on_site}},
	{"report", 0, TEXT},
	{"result", 0, TEXT},
	{"closingDate", REQ, DATETIME},
	END,
};

static const struct schema_field fix[] = {
	OPERATOR,
	{"provider", 0, PROVIDER},
	{"brakedownNature", 0, TEXT},
	{"stillOnSite", REQ, {.type = SCHEMA_ENUM, .members = still_on_site}},
	{"report", 0, TEXT},
	{"closingDate", REQ, DATETIME},
	END,
};

static const struct schema_field cancel_ticket[] = {
	OPERATOR, {"comment", 0, TEXT}, {"date", REQ, DATETIME}, END,
};
static const struct schema_field closing_comment[] = {
	OPERATOR, {"comment", 0, TEXT}, {"closingDate", REQ, DATETIME}, END,
};
static const struct schema_field reopen_ticket[] = {
	OPERATOR, {"purpose", 0, TEXT}, {"date", REQ, DATETIME}, END,
};

#define SPEC(type, fields) {type, fields, ticket_execute, ticket_validate}

const struct command_spec ticket_open_specs[] = {
	SPEC("OpenTicket", open_ticket),
	{NULL, NULL, NULL, NULL},
};

const struct command_spec ticket_increment_specs[] = {
	SPEC("EmitCallTo", emit_call_to),
	SPEC("ReceiveCall", receive_call),
	SPEC("ProviderAnswerCall", provider_call),
	SPEC("ProviderNotAnswerCall", provider_call),
	SPEC("AddLogTrial", add_log_trial),
	SPEC("AddMessage", add_message),
	SPEC("RestrictAccessToTicket", restrict_access),
	SPEC("IdentifyAssignee", identify_assignee),
	SPEC("RequestIntervention", request_intervention),
	SPEC("ReportSendingServiceOrder", report_service_order),
	SPEC("ScheduleIntervention", schedule_intervention),
	SPEC("DefineInterventionDeadline", define_deadline),
	SPEC("ReportFormalNoticeForProvider", formal_notice),
	SPEC("AcceptIntervention", accept_intervention),
	SPEC("RefuseIntervention", assignee_comment_date),
	SPEC("ArriveOnSite", assignee_date),
	SPEC("GoFromSite", assignee_date),
	SPEC("StartIntervention", start_intervention),
	SPEC("FinishIntervention", finish_intervention),
	SPEC("UpdateTicket", update_ticket),
	SPEC("CorrectTicketInformations", correct_informations),
	SPEC("CorrectTicketEventInformations", correct_event_informations),
	SPEC("CorrectOpeningTicketPurpose", correct_purpose),
	SPEC("CorrectLocationReference", correct_location),
	SPEC("CorrectCaller", correct_caller),
	SPEC("CloseTicket", close_ticket),
	SPEC("FixPermanently", fix),
	SPEC("FixPartially", fix),
	SPEC("CloseTicketImpossibleRepair", fix),
	SPEC("PostponeFix", fix),
	SPEC("CancelTicket", cancel_ticket),
	SPEC("ArchiveTicket", closing_comment),
	SPEC("CloseBeyondCallCenterScope", closing_comment),
	SPEC("CloseAfterSeveralUnsuccessfulRecalls", closing_comment),
	SPEC("ReopenTicket", reopen_ticket),
	{NULL, NULL, NULL, NULL},
};
