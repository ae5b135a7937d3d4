/*
 * Ticket decisions: each command's checks in their documented order, then
 * its mandatory events followed by the optional ones.  Rules that span events read
 * only the state folded from the ticket's own events.
 */
#include <stdio.h>
#include <string.h>

#include "common/types.h"
#include "ticket.h"

/* The checks a command goes through, evaluated in the order of the flags. */
enum {
	CHECK_LOCATION = 1 << 0,		/* OpenTicket rows 2-4 */
	CHECK_ASSIGNED = 1 << 1,		/* an assignee must be identified */
	CHECK_FORMAL_NOTICE = 1 << 2,		/* the three deadline rules */
	CHECK_CLOSING_REPORT = 1 << 3,		/* closingReport needs a closed ticket */
	CHECK_TARGETED_EVENT = 1 << 4,		/* CorrectTicketEventInformations */
	CHECK_NOT_ASSIGNED = 1 << 5,		/* corrections before any assignee */
	CHECK_CONTACT = 1 << 6,			/* a referenced contact must exist */
	CHECK_MATCH = 1 << 7,			/* same assignee as the identified one */
};

struct ticket_rule {
	const char *command;
	const char *event;
	unsigned checks;
	enum error_type unassigned;		/* error of CHECK_ASSIGNED */
	const char *const *fields;		/* event fields copied from the command */
};

#define FIELDS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define ASSIGNEE_RULE (CHECK_CONTACT | CHECK_MATCH)
#define CLOSING_FIELDS FIELDS("provider", "brakedownNature", "stillOnSite", "report", "closingDate")

static const struct ticket_rule rules[] = {
	{"OpenTicket", "TicketOpened", CHECK_LOCATION, 0,
	    FIELDS("locationRef", "ticket", "openedDate")},
	{"EmitCallTo", "CallEmittedTo", 0, 0, FIELDS("recipient", "comment", "medium", "date")},
	{"ReceiveCall", "CallReceived", 0, 0,
	    FIELDS("callPurpose", "caller", "comment", "medium", "date")},
	{"ProviderAnswerCall", "CallAnsweredByProvider", 0, 0, FIELDS("provider", "comment", "date")},
	{"ProviderNotAnswerCall", "CallNotAnsweredByProvider", 0, 0,
	    FIELDS("provider", "comment", "date")},
	{"AddLogTrial", "LogTrialAdded", 0, 0, FIELDS("provider", "logTrial", "logTrialAddedDate")},
	{"AddMessage", "MessageAdded", 0, 0, FIELDS("message", "messageAddedDate")},
	{"RestrictAccessToTicket", "AccessRestrictedToTicket", 0, 0, FIELDS("accessControlList")},

	{"IdentifyAssignee", "AssigneeIdentified", CHECK_CONTACT, 0,
	    FIELDS("assignee", "comment", "date")},
	{"RequestIntervention", "InterventionRequested", ASSIGNEE_RULE, 0,
	    FIELDS("assignee", "medium", "comment", "date")},
	{"ReportSendingServiceOrder", "SendingServiceOrderReported", CHECK_ASSIGNED | ASSIGNEE_RULE,
	    ERR_SERVICE_ORDER_WITHOUT_ASSIGNEE, FIELDS("assignee", "ref", "reportDate", "sendingDate")},
	{"ScheduleIntervention", "InterventionScheduled", CHECK_ASSIGNED | ASSIGNEE_RULE,
	    ERR_SCHEDULE_WITHOUT_ASSIGNEE,
	    FIELDS("assignee", "comment", "date", "startDate", "endDate")},
	{"DefineInterventionDeadline", "InterventionDeadlineDefined", CHECK_ASSIGNED | ASSIGNEE_RULE,
	    ERR_DEADLINE_WITHOUT_ASSIGNEE, FIELDS("assignee", "date", "deadline")},
	{"ReportFormalNoticeForProvider", "FormalNoticeForProviderReported",
	    CHECK_FORMAL_NOTICE | ASSIGNEE_RULE, 0,
	    FIELDS("ref", "assignee", "reportDate", "deadline")},
	{"AcceptIntervention", "InterventionAccepted", ASSIGNEE_RULE, 0,
	    FIELDS("assignee", "comment", "date")},
	{"RefuseIntervention", "InterventionRefused", ASSIGNEE_RULE, 0,
	    FIELDS("assignee", "comment", "date")},
	{"ArriveOnSite", "ArrivedOnSite", ASSIGNEE_RULE, 0, FIELDS("assignee", "date")},
	{"GoFromSite", "GoneFromSite", ASSIGNEE_RULE, 0, FIELDS("assignee", "date")},
	{"StartIntervention", "InterventionStarted", ASSIGNEE_RULE, 0,
	    FIELDS("assignee", "startedDate")},
	{"FinishIntervention", "InterventionFinished", ASSIGNEE_RULE, 0,
	    FIELDS("assignee", "finishedDate")},

	{"UpdateTicket", "TicketUpdated", CHECK_LOCATION, 0,
	    FIELDS("locationRef", "ticket", "openedDate")},
	{"CorrectTicketInformations", "TicketInformationsCorrected", CHECK_CLOSING_REPORT, 0,
	    FIELDS("fieldsToCorrect", "date")},
	{"CorrectTicketEventInformations", "TicketEventInformationsCorrected", CHECK_TARGETED_EVENT, 0,
	    FIELDS("targetedEvent", "text", "date")},
	{"CorrectOpeningTicketPurpose", "OpeningTicketPurposeCorrected", CHECK_NOT_ASSIGNED, 0,
	    FIELDS("otpLabel", "otpUid")},
	{"CorrectLocationReference", "LocationReferenceCorrected",
	    CHECK_LOCATION | CHECK_NOT_ASSIGNED, 0, FIELDS("address", "locationReference")},
	{"CorrectCaller", "CallerCorrected", CHECK_NOT_ASSIGNED, 0, FIELDS("caller")},

	{"CloseTicket", "TicketClosed", 0, 0,
	    FIELDS("provider", "brakedownNature", "stillOnSite", "report", "result", "closingDate")},
	{"FixPermanently", "PermanentlyFixed", 0, 0, CLOSING_FIELDS},
	{"FixPartially", "PartiallyFixed", 0, 0, CLOSING_FIELDS},
	{"CloseTicketImpossibleRepair", "TicketClosedImpossibleRepair", 0, 0, CLOSING_FIELDS},
	{"PostponeFix", "PostponedFix", 0, 0, CLOSING_FIELDS},
	{"CancelTicket", "TicketCancelled", 0, 0, FIELDS("comment", "date")},
	{"ArchiveTicket", "TicketArchived", 0, 0, FIELDS("comment", "closingDate")},
	{"CloseBeyondCallCenterScope", "ClosedBeyondCallCenterScope", 0, 0,
	    FIELDS("closingDate", "comment")},
	{"CloseAfterSeveralUnsuccessfulRecalls", "ClosedAfterSeveralUnsuccessfulRecalls", 0, 0,
	    FIELDS("closingDate", "comment")},
	{"ReopenTicket", "TicketReopened", 0, 0, FIELDS("purpose", "date")},
	{NULL, NULL, 0, 0, NULL},
};


static const struct ticket_rule *
find_rule(const char *command)
{
	for (const struct ticket_rule *rule = rules; rule->command != NULL; rule++)
		if (strcmp(rule->command, command) == 0)
			return rule;
	return NULL;
}


struct json_object *
ticket_command_assignee(const struct command *cmd)
{
	struct json_object *assignee = NULL;

	json_object_object_get_ex(cmd->body, "assignee", &assignee);
	return assignee;
}


struct json_object *
ticket_command_location(const struct command *cmd)
{
	struct json_object *location = NULL;

	if (!json_object_object_get_ex(cmd->body, "locationRef", &location))
		json_object_object_get_ex(cmd->body, "locationReference", &location);
	return location;
}


/* ---------------------------------------------------------------- validation */

static bool
is_blank(const char *text)
{
	for (; *text != '\0'; text++)
		if (*text != ' ' && *text != '\t' && *text != '\r' && *text != '\n')
			return false;
	return true;
}


static bool
blank_correction(struct error *err, const char *path)
{
	error_set(err, ERR_BLANK_CORRECTION, "un texte de correction ne doit pas être vide",
	    "a correction text must not be blank");
	error_prefix_path(err, path);
	return false;
}


static int64_t
datetime_ms(struct json_object *object, const char *name)
{
	const char *text = domain_string(object, name);
	struct error ignored;
	int64_t ms = 0;

	if (text != NULL)
		types_parse_datetime(text, strlen(text), &ms, &ignored);
	return ms;
}


static bool
validate_fields_to_correct(struct json_object *body, struct error *err)
{
	static const char *const names[] = {"request", "instructions", "closingReport", NULL};
	struct json_object *fields = NULL;
	char path[64];
	int present = 0;

	json_object_object_get_ex(body, "fieldsToCorrect", &fields);
	for (const char *const *name = names; *name != NULL; name++)
		if (domain_string(fields, *name) != NULL)
			present++;
	if (present == 0) {
		error_set(err, ERR_INVALID_COMMAND,
		    "au moins un des champs request, instructions, closingReport est requis",
		    "at least one of request, instructions, closingReport is required");
		error_prefix_path(err, "fieldsToCorrect");
		return false;
	}
	for (const char *const *name = names; *name != NULL; name++) {
		const char *value = domain_string(fields, *name);
		if (value != NULL && is_blank(value)) {
			snprintf(path, sizeof(path), "fieldsToCorrect.%s", *name);
			return blank_correction(err, path);
		}
	}
	return true;
}


bool
ticket_validate(const char *type, struct json_object *body, struct error *err)
{
	if (strcmp(type, "ScheduleIntervention") == 0 &&
	    datetime_ms(body, "endDate") < datetime_ms(body, "startDate")) {
		error_set(err, ERR_INVALID_COMMAND, "ne doit pas précéder startDate",
		    "must not be before startDate");
		error_prefix_path(err, "endDate");
		return false;
	}
	if (strcmp(type, "CorrectTicketInformations") == 0)
		return validate_fields_to_correct(body, err);
	if (strcmp(type, "CorrectTicketEventInformations") == 0) {
		const char *text = domain_string(body, "text");
		if (text == NULL || is_blank(text))
			return blank_correction(err, "text");
	}
	return true;
}


/* ---------------------------------------------------------------- checks */

static bool
check_location(const struct command *cmd, const struct ticket_facts *facts,
    struct error *err)
{
	struct ticket_location location;

	ticket_read_location(ticket_command_location(cmd), &location);
	if (!facts->location.exists)
		return error_set(err, ERR_REFERENCED_ENTITY_NOT_FOUND, "aucune %s %s",
		    "no %s %s", location.kind == TICKET_LOCATION_AGENCY ? "agence" : "patrimoine",
		    location.uid);
	if (facts->location.deleted)
		return error_set(err, ERR_INCONSISTENT_REFERENCE,
		    "l'agence %s est supprimée", "agency %s is deleted", location.uid);
	if (!facts->location.role_allowed)
		return domain_forbidden(err, cmd);
	return true;
}


static bool
check_formal_notice(const struct command *cmd, const struct ticket_state *ticket,
    struct error *err)
{
	if (!ticket->has_deadline)
		return error_set(err, ERR_FORMAL_NOTICE_WITHOUT_DEADLINE,
		    "aucun délai d'intervention n'a été défini",
		    "no intervention deadline was defined");
	if (datetime_ms(cmd->body, "reportDate") <= ticket->deadline_ms)
		return error_set(err, ERR_FORMAL_NOTICE_DEADLINE_NOT_EXCEEDED,
		    "le délai d'intervention n'est pas dépassé à reportDate",
		    "the intervention deadline is not exceeded at reportDate");
	if (datetime_ms(cmd->body, "deadline") < ticket->deadline_ms)
		return error_set(err, ERR_FORMAL_NOTICE_DEADLINE_EARLIER,
		    "le nouveau délai précède le délai d'intervention en cours",
		    "the new deadline is earlier than the current intervention deadline");
	return true;
}


static bool
check_targeted_event(const struct command *cmd, const struct ticket_state *ticket,
    struct error *err)
{
	const char *target = domain_string(cmd->body, "targetedEvent");
	bool found = false;

	for (size_t i = 0; i < ticket->event_count; i++) {
		const char *type = ticket->events[i].event_type;
		if (strcmp(ticket->events[i].process_uid, target) != 0)
			continue;
		found = true;
		if (strcmp(type, "MessageAdded") == 0 || strcmp(type, "CallReceived") == 0 ||
		    strcmp(type, "CallEmittedTo") == 0)
			return true;
	}
	if (!found)
		return error_set(err, ERR_TARGETED_EVENT_NOT_FOUND,
		    "aucun événement de ce ticket n'a le processUid %s",
		    "no event of this ticket has processUid %s", target);
	return error_set(err, ERR_TARGETED_EVENT_NOT_ELIGIBLE,
	    "l'événement %s ne peut pas être corrigé (MessageAdded, CallReceived ou CallEmittedTo seulement)",
	    "event %s cannot be corrected (MessageAdded, CallReceived or CallEmittedTo only)", target);
}


/*
 * The match rule against the identified assignee: two ReferencedProviderContacts
 * with the same providerUid match, and any two AnonymousAssignees match.
 */
static bool
check_match(const struct command *cmd, const struct ticket_state *ticket,
    struct error *err)
{
	struct json_object *assignee = ticket_command_assignee(cmd);
	const char *type = domain_string(assignee, "assigneeType");
	const char *uid = domain_string(assignee, "providerUid");
	bool matches;

	if (ticket->assignee == TICKET_ASSIGNEE_NONE)
		return true;
	if (ticket->assignee == TICKET_ASSIGNEE_ANONYMOUS)
		matches = type != NULL && strcmp(type, "AnonymousAssignee") == 0;
	else
		matches = type != NULL && strcmp(type, "ReferencedProviderContact") == 0 &&
		    uid != NULL && strcmp(uid, ticket->assignee_uid) == 0;
	if (!matches)
		return error_set(err, ERR_ASSIGNEE_NOT_IDENTIFIED_ONE,
		    "l'intervenant de la commande n'est pas celui qui est identifié sur le ticket",
		    "the command's assignee is not the one identified on the ticket");
	return true;
}


static bool
names_contact(const struct command *cmd)
{
	const char *type = domain_string(ticket_command_assignee(cmd), "assigneeType");

	return type != NULL && strcmp(type, "ReferencedProviderContact") == 0;
}


static bool
check_rule(const struct command *cmd, const struct ticket_rule *rule,
    const struct ticket_facts *facts, struct error *err)
{
	const struct ticket_state *ticket = facts->ticket;
	const char *closing_report;
	struct json_object *fields = NULL;

	if ((rule->checks & CHECK_LOCATION) && !check_location(cmd, facts, err))
		return false;
	if ((rule->checks & CHECK_ASSIGNED) && ticket->assignee == TICKET_ASSIGNEE_NONE)
		return error_set(err, rule->unassigned,
		    "aucun intervenant n'est identifié sur le ticket",
		    "no assignee is identified on the ticket");
	if ((rule->checks & CHECK_FORMAL_NOTICE) && !check_formal_notice(cmd, ticket, err))
		return false;
	if (rule->checks & CHECK_CLOSING_REPORT) {
		json_object_object_get_ex(cmd->body, "fieldsToCorrect", &fields);
		closing_report = domain_string(fields, "closingReport");
		if (closing_report != NULL && !ticket->closed)
			return error_set(err, ERR_CLOSING_REPORT_ON_OPEN_TICKET,
			    "le rapport de clôture ne se corrige que sur un ticket clos",
			    "the closing report can only be corrected on a closed ticket");
	}
	if ((rule->checks & CHECK_TARGETED_EVENT) && !check_targeted_event(cmd, ticket, err))
		return false;
	if ((rule->checks & CHECK_NOT_ASSIGNED) && ticket->assignee != TICKET_ASSIGNEE_NONE)
		return error_set(err, ERR_CORRECTION_AFTER_ASSIGNEE,
		    "%s est impossible une fois un intervenant identifié",
		    "%s is not possible once an assignee is identified", cmd->type);
	if ((rule->checks & CHECK_CONTACT) && names_contact(cmd) && !facts->contact_exists)
		return error_set(err, ERR_REFERENCED_ENTITY_NOT_FOUND,
		    "aucun contact prestataire %s", "no provider contact %s",
		    domain_string(ticket_command_assignee(cmd), "providerUid"));
	if ((rule->checks & CHECK_MATCH) && !check_match(cmd, ticket, err))
		return false;
	return true;
}


/* ---------------------------------------------------------------- events */

/* Opens an event with the operator: the command's, or the authenticated user. */
static struct json_object *
open_event(const struct command *cmd)
{
	struct json_object *event = domain_event_open(cmd);
	struct json_object *operator;

	if (json_object_object_get_ex(cmd->body, "operator", &operator)) {
		json_object_object_add(event, "operator", json_object_get(operator));
		return event;
	}
	operator = json_object_new_object();
	json_object_object_add(operator, "userUid", json_object_new_string(cmd->actor->uid));
	json_object_object_add(operator, "operatorType", json_object_new_string("ReferencedUser"));
	json_object_object_add(event, "operator", operator);
	return event;
}


/* Copies TicketInfos with claimNumber defaulted to {}, as absent maps are stored. */
static void
copy_ticket_infos(struct json_object *event, const struct command *cmd)
{
	struct json_object *infos = NULL, *copy = NULL, *claim;

	json_object_object_get_ex(cmd->body, "ticket", &infos);
	json_object_deep_copy(infos, &copy, NULL);
	if (!json_object_object_get_ex(copy, "claimNumber", &claim))
		json_object_object_add(copy, "claimNumber", json_object_new_object());
	json_object_object_add(event, "ticket", copy);
}


static void
copy_field(struct json_object *event, const struct command *cmd, const char *name)
{
	struct json_object *value;

	if (strcmp(name, "ticket") == 0)
		copy_ticket_infos(event, cmd);
	else if (strcmp(name, "fieldsToCorrect") == 0) {
		if (json_object_object_get_ex(cmd->body, name, &value))
			json_object_object_add(event, "fieldsCorrected", json_object_get(value));
	} else
		domain_copy(event, cmd, name);
}


static void
emit_main(const struct command *cmd, const struct ticket_rule *rule,
    struct json_object *events)
{
	struct json_object *event = open_event(cmd);

	for (const char *const *field = rule->fields; *field != NULL; field++)
		copy_field(event, cmd, *field);
	domain_event_close(events, event, cmd, rule->event);
}


/* The optional second events of IdentifyAssignee and AcceptIntervention. */
static void
emit_optional(const struct command *cmd, struct json_object *events)
{
	struct json_object *event, *notify = NULL, *value;

	if (strcmp(cmd->type, "IdentifyAssignee") == 0 &&
	    domain_string(cmd->body, "instructions") != NULL) {
		event = open_event(cmd);
		domain_copy(event, cmd, "assignee");
		domain_copy(event, cmd, "instructions");
		domain_event_close(events, event, cmd, "InstructionsForAssigneeDefined");
	}
	if (strcmp(cmd->type, "AcceptIntervention") == 0 &&
	    json_object_object_get_ex(cmd->body, "requestNotificationTo", &notify)) {
		event = open_event(cmd);
		domain_copy(event, cmd, "assignee");
		json_object_object_add(event, "email",
		    json_object_new_string(domain_string(notify, "assigneeEmail")));
		if (json_object_object_get_ex(notify, "otherRecipients", &value))
			json_object_object_add(event, "otherRecipients", json_object_get(value));
		else
			json_object_object_add(event, "otherRecipients", json_object_new_array());
		domain_event_close(events, event, cmd, "NotificationForInterventionAcceptedRequested");
	}
}


bool
ticket_decide(const struct command *cmd, const struct ticket_facts *facts,
    struct json_object *events, struct error *err)
{
	const struct ticket_rule *rule = find_rule(cmd->type);
	bool opening = strcmp(cmd->type, "OpenTicket") == 0;

	if (rule == NULL)
		return error_set(err, ERR_INVALID_COMMAND, "commande inconnue %s",
		    "unknown command %s", cmd->type);

	if (!opening && !(facts->ticket->exists && facts->ticket_visible))
		return error_set(err, ERR_TICKET_NOT_FOUND, "aucun ticket %s", "no ticket %s",
		    cmd->aggregate_uid);
	if (!check_rule(cmd, rule, facts, err))
		return false;
	if (opening && facts->ticket->event_count > 0)
		return error_set(err, ERR_TICKET_EXISTS, "le ticket %s existe déjà",
		    "ticket %s already exists", cmd->aggregate_uid);

	emit_main(cmd, rule, events);
	emit_optional(cmd, events);
	return true;
}
