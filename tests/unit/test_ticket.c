/*
 * Unit tests of the ticket aggregate: state folded from events, each decide
 * rule and error in the documented order, the step-5 validation, the scope
 * rules, the journal data and the provider-contact statistics.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "domain/ticket.h"
#include "readmodel/contact_stats.h"
#include "readmodel/ticket_journal.h"
#include "run_suite.h"

#define TICKET "c41d7e2a-58b0-4f6e-9d3a-2b7f10e6a4c8"
#define CONTACT "e3a7c5d9-1b4f-4a2e-8c6d-7f9b0e1a3c54"
#define OTHER "0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b0"
#define AGENCY "7a2e4c91-6b3d-4f08-a1e5-3c9d8b7f2e60"
#define PATRIMONY "5d8c3b1e-2f47-4a96-8e0b-6c1a9f3d7e25"
#define COMPANY "9f1e6d4c-8b2a-4c73-9e5d-0a4b3c2d1e8f"
#define CALL_CENTER "2b6a9e3f-4c1d-4e8b-a7f2-5d0c9b8a6e31"

#define CONTACT_ASSIGNEE "{\"providerUid\":\"" CONTACT "\",\"assigneeType\":\"ReferencedProviderContact\"}"
#define OTHER_ASSIGNEE "{\"providerUid\":\"" OTHER "\",\"assigneeType\":\"ReferencedProviderContact\"}"
#define ANONYMOUS "{\"name\":{\"value\":\"X\",\"nameType\":\"PoorName\"},\"assigneeType\":\"AnonymousAssignee\"}"
#define OPENED "{\"processUid\":\"11111111-1111-1111-1111-111111111111\",\"eventType\":\"TicketOpened\"," \
	"\"locationRef\":{\"agencyUid\":\"" AGENCY "\",\"locationReferenceType\":\"AgencyLocation\"}}"

static struct actor super_user = {.type = USER_SUPER, .uid = "4c9e2a7b-6d1f-4b3a-9e8c-2f5d7a0b1c69"};

/* A ticket state with the given events (a JSON array text). */
static void
fold(struct ticket_state *state, const char *events_json)
{
	struct json_object *events = json_tokener_parse(events_json);

	ck_assert_ptr_nonnull(events);
	ticket_init(state, TICKET);
	ticket_fold(state, events);
	json_object_put(events);
}


struct outcome {
	bool ok;
	struct error err;
	struct json_object *events;
};


/* Decides TYPE with BODY on a ticket holding EVENTS, all facts favourable unless changed. */
static struct outcome
decide_with(const char *type, const char *body, const char *events,
    const struct ticket_facts *override)
{
	struct ticket_state state;
	struct ticket_facts facts = {.ticket_visible = true, .contact_exists = true,
	    .location = {.exists = true, .role_allowed = true}};
	struct command cmd;
	struct outcome out;

	if (override != NULL)
		facts = *override;
	fold(&state, events);
	facts.ticket = &state;
	memset(&cmd, 0, sizeof(cmd));
	cmd.type = type;
	cmd.body = json_tokener_parse(body);
	ck_assert_ptr_nonnull(cmd.body);
	strcpy(cmd.aggregate_uid, TICKET);
	strcpy(cmd.process_uid, "22222222-2222-2222-2222-222222222222");
	strcpy(cmd.sent_date, "2021-03-15T09:00:00.000Z");
	cmd.actor = &super_user;
	error_clear(&out.err);
	out.events = json_object_new_array();
	out.ok = ticket_decide(&cmd, &facts, out.events, &out.err);
	json_object_put(cmd.body);
	ticket_free(&state);
	return out;
}


static struct outcome
decide(const char *type, const char *body, const char *events)
{
	return decide_with(type, body, events, NULL);
}


static void
assert_rejected(struct outcome out, enum error_type type)
{
	ck_assert_msg(!out.ok, "accepted, expected %s", error_name(type));
	ck_assert_str_eq(error_name(out.err.type), error_name(type));
	ck_assert_uint_eq(json_object_array_length(out.events), 0);
	json_object_put(out.events);
}


/* Asserts the events produced, by eventType, and returns the first one's field NAME. */
static void
assert_events(struct outcome out, const char *first, const char *second)
{
	ck_assert_msg(out.ok, "rejected: %s", out.err.message_en);
	ck_assert_uint_eq(json_object_array_length(out.events), second != NULL ? 2 : 1);
	ck_assert_str_eq(domain_string(json_object_array_get_idx(out.events, 0), "eventType"), first);
	if (second != NULL)
		ck_assert_str_eq(domain_string(json_object_array_get_idx(out.events, 1), "eventType"), second);
	json_object_put(out.events);
}


START_TEST(fold_tracks_status_assignee_and_deadline)
{
	struct ticket_state state;

	fold(&state, "[" OPENED ",{\"eventType\":\"AssigneeIdentified\",\"assignee\":" CONTACT_ASSIGNEE "},"
	    "{\"eventType\":\"InterventionDeadlineDefined\",\"deadline\":\"2021-03-17T10:00:00.000Z\"},"
	    "{\"eventType\":\"TicketCancelled\"}]");
	ck_assert(state.exists);
	ck_assert(state.closed);
	ck_assert_int_eq(state.assignee, TICKET_ASSIGNEE_CONTACT);
	ck_assert_str_eq(state.assignee_uid, CONTACT);
	ck_assert(state.has_deadline);
	ck_assert_int_eq(state.location.kind, TICKET_LOCATION_AGENCY);
	ck_assert_uint_eq(state.event_count, 4);
	ticket_free(&state);

	fold(&state, "[" OPENED ",{\"eventType\":\"TicketClosed\"},{\"eventType\":\"TicketReopened\"},"
	    "{\"eventType\":\"AssigneeIdentified\",\"assignee\":" ANONYMOUS "}]");
	ck_assert(!state.closed);
	ck_assert_int_eq(state.assignee, TICKET_ASSIGNEE_ANONYMOUS);
	ticket_free(&state);
}
END_TEST

START_TEST(open_ticket_checks_in_order)
{
	const char *body = "{\"locationRef\":{\"agencyUid\":\"" AGENCY "\",\"locationReferenceType\":\"AgencyLocation\"},"
	    "\"ticket\":{\"request\":\"r\"},\"openedDate\":\"2021-03-15T08:05:00.000Z\"}";
	struct ticket_facts facts = {.location = {.exists = false, .deleted = true}};
	struct outcome out;

	assert_rejected(decide_with("OpenTicket", body, "[" OPENED "]", &facts),
	    ERR_REFERENCED_ENTITY_NOT_FOUND);
	facts.location.exists = true;
	assert_rejected(decide_with("OpenTicket", body, "[" OPENED "]", &facts), ERR_INCONSISTENT_REFERENCE);
	facts.location.deleted = false;
	assert_rejected(decide_with("OpenTicket", body, "[" OPENED "]", &facts), ERR_FORBIDDEN);
	facts.location.role_allowed = true;
	assert_rejected(decide_with("OpenTicket", body, "[" OPENED "]", &facts), ERR_TICKET_EXISTS);

	out = decide_with("OpenTicket", body, "[]", &facts);
	ck_assert(out.ok);
	{
		struct json_object *event = json_object_array_get_idx(out.events, 0), *ticket, *operator;
		ck_assert(json_object_object_get_ex(event, "ticket", &ticket));
		ck_assert(json_object_object_get_ex(ticket, "claimNumber", NULL));
		ck_assert(json_object_object_get_ex(event, "operator", &operator));
		ck_assert_str_eq(domain_string(operator, "userUid"), super_user.uid);
		ck_assert_str_eq(domain_string(operator, "operatorType"), "ReferencedUser");
	}
	assert_events(out, "TicketOpened", NULL);
}
END_TEST

START_TEST(increments_need_a_visible_ticket)
{
	struct ticket_facts facts = {.ticket_visible = false, .contact_exists = true};

	assert_rejected(decide("AddMessage", "{\"message\":\"m\"}", "[]"), ERR_TICKET_NOT_FOUND);
	assert_rejected(decide_with("AddMessage", "{\"message\":\"m\"}", "[" OPENED "]", &facts),
	    ERR_TICKET_NOT_FOUND);
	assert_events(decide("AddMessage", "{\"message\":\"m\",\"operator\":{\"name\":\"a\","
	    "\"operatorType\":\"AnonymousOperator\"}}", "[" OPENED "]"), "MessageAdded", NULL);
}
END_TEST

START_TEST(assigned_commands_need_an_identified_assignee)
{
	const char *body = "{\"assignee\":" CONTACT_ASSIGNEE "}";

	assert_rejected(decide("ScheduleIntervention", body, "[" OPENED "]"), ERR_SCHEDULE_WITHOUT_ASSIGNEE);
	assert_rejected(decide("DefineInterventionDeadline", body, "[" OPENED "]"),
	    ERR_DEADLINE_WITHOUT_ASSIGNEE);
	assert_rejected(decide("ReportSendingServiceOrder", body, "[" OPENED "]"),
	    ERR_SERVICE_ORDER_WITHOUT_ASSIGNEE);
	assert_events(decide("AcceptIntervention", body, "[" OPENED "]"), "InterventionAccepted", NULL);
}
END_TEST

START_TEST(match_rule)
{
	const char *identified = "[" OPENED ",{\"eventType\":\"AssigneeIdentified\",\"assignee\":" CONTACT_ASSIGNEE "}]";
	const char *anonymous = "[" OPENED ",{\"eventType\":\"AssigneeIdentified\",\"assignee\":" ANONYMOUS "}]";
	struct ticket_facts no_contact = {.ticket_visible = true, .contact_exists = false};

	assert_events(decide("ArriveOnSite", "{\"assignee\":" CONTACT_ASSIGNEE "}", identified), "ArrivedOnSite", NULL);
	assert_rejected(decide("ArriveOnSite", "{\"assignee\":" OTHER_ASSIGNEE "}", identified),
	    ERR_ASSIGNEE_NOT_IDENTIFIED_ONE);
	assert_rejected(decide("ArriveOnSite", "{\"assignee\":" ANONYMOUS "}", identified),
	    ERR_ASSIGNEE_NOT_IDENTIFIED_ONE);
	assert_events(decide("GoFromSite", "{\"assignee\":" ANONYMOUS "}", anonymous), "GoneFromSite", NULL);
	assert_rejected(decide("StartIntervention", "{\"assignee\":" CONTACT_ASSIGNEE "}", anonymous),
	    ERR_ASSIGNEE_NOT_IDENTIFIED_ONE);
	/* An unknown contact is reported before the match rule. */
	assert_rejected(decide_with("FinishIntervention", "{\"assignee\":" OTHER_ASSIGNEE "}", identified,
	    &no_contact), ERR_REFERENCED_ENTITY_NOT_FOUND);
	/* The no-assignee error comes before the contact check. */
	assert_rejected(decide_with("ScheduleIntervention", "{\"assignee\":" OTHER_ASSIGNEE "}",
	    "[" OPENED "]", &no_contact), ERR_SCHEDULE_WITHOUT_ASSIGNEE);
}
END_TEST

START_TEST(identify_assignee_emits_instructions)
{
	struct ticket_facts no_contact = {.ticket_visible = true, .contact_exists = false};

	assert_rejected(decide_with("IdentifyAssignee", "{\"assignee\":" CONTACT_ASSIGNEE "}", "[" OPENED "]",
	    &no_contact), ERR_REFERENCED_ENTITY_NOT_FOUND);
	assert_events(decide("IdentifyAssignee", "{\"assignee\":" CONTACT_ASSIGNEE ",\"instructions\":\"i\"}",
	    "[" OPENED "]"), "AssigneeIdentified", "InstructionsForAssigneeDefined");
	assert_events(decide("IdentifyAssignee", "{\"assignee\":" ANONYMOUS "}", "[" OPENED "]"),
	    "AssigneeIdentified", NULL);
	assert_events(decide("AcceptIntervention", "{\"assignee\":" ANONYMOUS ",\"requestNotificationTo\":"
	    "{\"assigneeEmail\":\"a@b.c\"}}", "[" OPENED "]"),
	    "InterventionAccepted", "NotificationForInterventionAcceptedRequested");
}
END_TEST

START_TEST(formal_notice_rules)
{
	const char *deadline = "[" OPENED ",{\"eventType\":\"AssigneeIdentified\",\"assignee\":" ANONYMOUS "},"
	    "{\"eventType\":\"InterventionDeadlineDefined\",\"deadline\":\"2021-03-17T10:00:00.000Z\"}]";

	assert_rejected(decide("ReportFormalNoticeForProvider", "{\"assignee\":" ANONYMOUS ","
	    "\"reportDate\":\"2021-03-18T10:00:00.000Z\",\"deadline\":\"2021-03-20T10:00:00.000Z\"}",
	    "[" OPENED "]"), ERR_FORMAL_NOTICE_WITHOUT_DEADLINE);
	assert_rejected(decide("ReportFormalNoticeForProvider", "{\"assignee\":" ANONYMOUS ","
	    "\"reportDate\":\"2021-03-17T10:00:00.000Z\",\"deadline\":\"2021-03-20T10:00:00.000Z\"}",
	    deadline), ERR_FORMAL_NOTICE_DEADLINE_NOT_EXCEEDED);
	assert_rejected(decide("ReportFormalNoticeForProvider", "{\"assignee\":" ANONYMOUS ","
	    "\"reportDate\":\"2021-03-18T10:00:00.000Z\",\"deadline\":\"2021-03-16T10:00:00.000Z\"}",
	    deadline), ERR_FORMAL_NOTICE_DEADLINE_EARLIER);
	assert_rejected(decide("ReportFormalNoticeForProvider", "{\"assignee\":" CONTACT_ASSIGNEE ","
	    "\"reportDate\":\"2021-03-18T10:00:00.000Z\",\"deadline\":\"2021-03-17T10:00:00.000Z\"}",
	    deadline), ERR_ASSIGNEE_NOT_IDENTIFIED_ONE);
	assert_events(decide("ReportFormalNoticeForProvider", "{\"assignee\":" ANONYMOUS ","
	    "\"reportDate\":\"2021-03-18T10:00:00.000Z\",\"deadline\":\"2021-03-17T10:00:00.000Z\"}",
	    deadline), "FormalNoticeForProviderReported", NULL);
}
END_TEST

START_TEST(corrections)
{
	const char *identified = "[" OPENED ",{\"eventType\":\"AssigneeIdentified\",\"assignee\":" ANONYMOUS "}]";
	const char *with_message = "[" OPENED ",{\"processUid\":\"" OTHER "\",\"eventType\":\"MessageAdded\"}]";
	struct outcome out;

	assert_rejected(decide("CorrectTicketInformations", "{\"fieldsToCorrect\":{\"closingReport\":\"r\"}}",
	    "[" OPENED "]"), ERR_CLOSING_REPORT_ON_OPEN_TICKET);
	out = decide("CorrectTicketInformations", "{\"fieldsToCorrect\":{\"closingReport\":\"r\"}}",
	    "[" OPENED ",{\"eventType\":\"PostponedFix\"}]");
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(out.events, 0), "fieldsCorrected", NULL));
	assert_events(out, "TicketInformationsCorrected", NULL);

	assert_rejected(decide("CorrectTicketEventInformations", "{\"targetedEvent\":\"" CONTACT "\"}",
	    with_message), ERR_TARGETED_EVENT_NOT_FOUND);
	assert_rejected(decide("CorrectTicketEventInformations",
	    "{\"targetedEvent\":\"11111111-1111-1111-1111-111111111111\"}", with_message),
	    ERR_TARGETED_EVENT_NOT_ELIGIBLE);
	assert_events(decide("CorrectTicketEventInformations", "{\"targetedEvent\":\"" OTHER "\"}",
	    with_message), "TicketEventInformationsCorrected", NULL);

	assert_rejected(decide("CorrectOpeningTicketPurpose", "{\"otpLabel\":\"x\"}", identified),
	    ERR_CORRECTION_AFTER_ASSIGNEE);
	assert_rejected(decide("CorrectCaller", "{\"caller\":{}}", identified), ERR_CORRECTION_AFTER_ASSIGNEE);
	assert_events(decide("CorrectCaller", "{\"caller\":{}}", "[" OPENED "]"), "CallerCorrected", NULL);
}
END_TEST

START_TEST(correct_location_checks_location_first)
{
	const char *identified = "[" OPENED ",{\"eventType\":\"AssigneeIdentified\",\"assignee\":" ANONYMOUS "}]";
	const char *body = "{\"address\":{},\"locationReference\":{\"patrimonyUid\":\"" PATRIMONY "\","
	    "\"locationReferenceType\":\"PatrimonyLocation\"}}";
	struct ticket_facts facts = {.ticket_visible = true, .location = {.exists = false}};

	assert_rejected(decide_with("CorrectLocationReference", body, identified, &facts),
	    ERR_REFERENCED_ENTITY_NOT_FOUND);
	facts.location.exists = true;
	facts.location.role_allowed = true;
	assert_rejected(decide_with("CorrectLocationReference", body, identified, &facts),
	    ERR_CORRECTION_AFTER_ASSIGNEE);
	assert_events(decide_with("UpdateTicket", "{\"locationRef\":{},\"ticket\":{}}", identified, &facts),
	    "TicketUpdated", NULL);
}
END_TEST

START_TEST(closing_commands_have_no_guard)
{
	const char *closed = "[" OPENED ",{\"eventType\":\"TicketArchived\"}]";

	assert_events(decide("CloseTicket", "{\"stillOnSite\":\"No\"}", closed), "TicketClosed", NULL);
	assert_events(decide("CancelTicket", "{}", closed), "TicketCancelled", NULL);
	assert_events(decide("ReopenTicket", "{}", "[" OPENED "]"), "TicketReopened", NULL);
	assert_events(decide("AddMessage", "{\"message\":\"late\"}", closed), "MessageAdded", NULL);
}
END_TEST

static bool
validate(const char *type, const char *body, struct error *err)
{
	struct json_object *parsed = json_tokener_parse(body);
	bool ok = ticket_validate(type, parsed, err);

	json_object_put(parsed);
	return ok;
}

START_TEST(validation_rules)
{
	struct error err;

	ck_assert(!validate("ScheduleIntervention", "{\"startDate\":\"2021-03-16T10:00:00.000Z\","
	    "\"endDate\":\"2021-03-16T09:00:00.000Z\"}", &err));
	ck_assert_int_eq(err.type, ERR_INVALID_COMMAND);
	ck_assert(validate("ScheduleIntervention", "{\"startDate\":\"2021-03-16T10:00:00.000Z\","
	    "\"endDate\":\"2021-03-16T10:00:00.000Z\"}", &err));
	ck_assert(!validate("CorrectTicketInformations", "{\"fieldsToCorrect\":{}}", &err));
	ck_assert_int_eq(err.type, ERR_INVALID_COMMAND);
	ck_assert(!validate("CorrectTicketInformations", "{\"fieldsToCorrect\":{\"request\":\"a\","
	    "\"instructions\":\" \\n\"}}", &err));
	ck_assert_int_eq(err.type, ERR_BLANK_CORRECTION);
	ck_assert(strncmp(err.message_en, "fieldsToCorrect.instructions", 28) == 0);
	ck_assert(!validate("CorrectTicketEventInformations", "{\"text\":\"\"}", &err));
	ck_assert_int_eq(err.type, ERR_BLANK_CORRECTION);
	ck_assert(validate("CorrectTicketEventInformations", "{\"text\":\"ok\"}", &err));
}
END_TEST

START_TEST(journal_data)
{
	struct json_object *labels = json_tokener_parse("{\"" CONTACT "\":\"Marc Perrin\"}");
	struct json_object *event = json_tokener_parse("{\"eventType\":\"CallEmittedTo\",\"recipient\":"
	    "{\"provider\":{\"providerUid\":\"" CONTACT "\",\"providerType\":\"ReferencedProvider\"},"
	    "\"personaType\":\"ProviderPersona\"},\"medium\":{\"fax\":\"01\",\"contactMediumType\":\"Fax\"},"
	    "\"comment\":\"c\"}");
	struct json_object *data = ticket_journal_data(event, labels, "corrected");

	ck_assert_str_eq(json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN),
	    "{\"called\":\"Marc Perrin\",\"medium\":\"FAX\",\"identifier\":\"01\",\"comment\":\"corrected\"}");
	json_object_put(data);
	json_object_put(event);

	event = json_tokener_parse("{\"eventType\":\"InterventionRefused\",\"assignee\":" OTHER_ASSIGNEE "}");
	data = ticket_journal_data(event, labels, NULL);
	ck_assert_str_eq(json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN), "{}");
	json_object_put(data);
	json_object_put(event);

	event = json_tokener_parse("{\"eventType\":\"AssigneeIdentified\",\"assignee\":{\"name\":"
	    "{\"firstName\":\"\",\"lastName\":\"Durand\",\"nameType\":\"CivilName\"},"
	    "\"assigneeType\":\"AnonymousAssignee\"}}");
	data = ticket_journal_data(event, labels, NULL);
	ck_assert_str_eq(json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN), "{\"assignee\":\"Durand\"}");
	json_object_put(data);
	json_object_put(event);
	json_object_put(labels);
}
END_TEST

START_TEST(contact_statistics)
{
	struct json_object *first = json_tokener_parse("[" OPENED ","
	    "{\"eventType\":\"InterventionRequested\",\"assignee\":" CONTACT_ASSIGNEE ",\"date\":\"2021-03-10T08:00:00.000Z\"},"
	    "{\"eventType\":\"InterventionAccepted\",\"assignee\":" CONTACT_ASSIGNEE ",\"date\":\"2021-03-10T09:00:00.000Z\"},"
	    "{\"eventType\":\"TicketClosed\",\"closingDate\":\"2021-03-10T12:00:00.000Z\"}]");
	struct json_object *second = json_tokener_parse("[" OPENED ","
	    "{\"eventType\":\"InterventionAccepted\",\"assignee\":" CONTACT_ASSIGNEE ",\"date\":\"2021-03-10T09:00:00.000Z\"},"
	    "{\"eventType\":\"InterventionStarted\",\"assignee\":" CONTACT_ASSIGNEE ",\"startedDate\":\"2021-03-10T09:00:01.000Z\"}]");
	struct contact_stats_ticket tickets[2] = {{"2021-03-10", first}, {"2021-03-10", second}};
	struct json_object *stats = contact_stats_compute(CONTACT, tickets, 2);

	ck_assert_str_eq(json_object_to_json_string_ext(stats, JSON_C_TO_STRING_PLAIN),
	    "{\"interventionDelay\":[{\"day\":\"2021-03-10\",\"value\":1000}],"
	    "\"missionAcceptedDelay\":[{\"day\":\"2021-03-10\",\"value\":3600000}],"
	    "\"repairDelay\":[{\"day\":\"2021-03-10\",\"value\":10800000}],"
	    "\"callBeforeMissionAccepted\":[{\"day\":\"2021-03-10\",\"value\":0}],"
	    "\"interventionNumber\":[{\"day\":\"2021-03-10\",\"value\":1}]}");
	json_object_put(stats);
	json_object_put(first);
	json_object_put(second);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("ticket");
	TCase *tc = tcase_create("decide");

	tcase_add_test(tc, fold_tracks_status_assignee_and_deadline);
	tcase_add_test(tc, open_ticket_checks_in_order);
	tcase_add_test(tc, increments_need_a_visible_ticket);
	tcase_add_test(tc, assigned_commands_need_an_identified_assignee);
	tcase_add_test(tc, match_rule);
	tcase_add_test(tc, identify_assignee_emits_instructions);
	tcase_add_test(tc, formal_notice_rules);
	tcase_add_test(tc, corrections);
	tcase_add_test(tc, correct_location_checks_location_first);
	tcase_add_test(tc, closing_commands_have_no_guard);
	tcase_add_test(tc, validation_rules);
	tcase_add_test(tc, journal_data);
	tcase_add_test(tc, contact_statistics);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
