/* Per-ticket values of one provider contact, averaged per creation day. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/types.h"
#include "contact_stats.h"
#include "domain/domain.h"

enum stat {
	STAT_INTERVENTION_DELAY,
	STAT_MISSION_ACCEPTED_DELAY,
	STAT_REPAIR_DELAY,
	STAT_CALLS_BEFORE_ACCEPTED,
	STAT_INTERVENTION_NUMBER,
	STAT__MAX
};

static const char *const stat_names[STAT__MAX] = {
	"interventionDelay", "missionAcceptedDelay", "repairDelay",
	"callBeforeMissionAccepted", "interventionNumber",
};

/* Values of one ticket for the contact, NAN when not computable. */
struct ticket_values {
	double value[STAT__MAX];
};


static bool
is_closing(const char *type)
{
	static const char *const closing[] = {"TicketClosed", "PermanentlyFixed", "PartiallyFixed",
	    "TicketClosedImpossibleRepair", "PostponedFix", "TicketCancelled", "TicketArchived",
	    "ClosedBeyondCallCenterScope", "ClosedAfterSeveralUnsuccessfulRecalls", NULL};

	for (const char *const *name = closing; *name != NULL; name++)
		if (strcmp(*name, type) == 0)
			return true;
	return false;
}


long long
contact_stats_business_ms(struct json_object *event)
{
	static const char *const fields[][2] = {
		{"TicketOpened", "openedDate"}, {"LogTrialAdded", "logTrialAddedDate"},
		{"MessageAdded", "messageAddedDate"}, {"SendingServiceOrderReported", "reportDate"},
		{"FormalNoticeForProviderReported", "reportDate"}, {"InterventionStarted", "startedDate"},
		{"InterventionFinished", "finishedDate"}, {"TicketCancelled", "date"},
		{NULL, NULL},
	};
	const char *type = domain_string(event, "eventType");
	const char *text = NULL;
	struct error ignored;
	int64_t ms;

	if (type == NULL)
		return -1;
	for (int i = 0; fields[i][0] != NULL && text == NULL; i++)
		if (strcmp(fields[i][0], type) == 0)
			text = domain_string(event, fields[i][1]);
	if (text == NULL && is_closing(type))
		text = domain_string(event, "closingDate");
	if (text == NULL)
		text = domain_string(event, "date");
	if (text == NULL)
		text = domain_string(event, "sentDate");
	if (text == NULL || !types_parse_datetime(text, strlen(text), &ms, &ignored))
		return -1;
	return ms;
}


static struct json_object *
member(struct json_object *object, const char *name)
{
	struct json_object *value = NULL;

	json_object_object_get_ex(object, name, &value);
	return value;
}


/* True when the assignee or provider of EVENT references the contact UID. */
static bool
by_contact(struct json_object *event, const char *uid)
{
	const char *assignee = domain_string(member(event, "assignee"), "providerUid");
	const char *provider = domain_string(member(event, "provider"), "providerUid");

	return (assignee != NULL && strcmp(assignee, uid) == 0) ||
	    (provider != NULL && strcmp(provider, uid) == 0);
}


static bool
called_contact(struct json_object *event, const char *uid)
{
	struct json_object *recipient = member(event, "recipient");
	const char *provider = domain_string(member(recipient, "provider"), "providerUid");

	return provider != NULL && strcmp(provider, uid) == 0;
}


static double
delay(long long from, long long to)
{
	if (from < 0 || to < 0 || to < from)
		return NAN;
	return (double)(to - from);
}


static void
ticket_values(const char *uid, struct json_object *events, struct ticket_values *out)
{
	long long accepted = -1, started = -1, requested = -1, finished = -1, closing = -1;
	size_t count = json_object_array_length(events), accepted_at = count;
	int calls = 0;
	bool intervened = false;

	for (size_t i = 0; i < count; i++) {
		struct json_object *event = json_object_array_get_idx(events, i);
		const char *type = domain_string(event, "eventType");
		bool mine = by_contact(event, uid);
		long long at = contact_stats_business_ms(event);

		if (type == NULL)
			continue;
		if (strcmp(type, "InterventionAccepted") == 0 && mine && accepted_at == count) {
			accepted = at;
			accepted_at = i;
		} else if (strcmp(type, "InterventionStarted") == 0 && mine && started < 0) {
			started = at;
		} else if (strcmp(type, "InterventionFinished") == 0 && mine) {
			finished = at;
		} else if (is_closing(type) && accepted_at < i && closing < 0) {
			closing = at;
		}
		if (requested < 0 && ((strcmp(type, "CallEmittedTo") == 0 && called_contact(event, uid)) ||
		    (strcmp(type, "InterventionRequested") == 0 && mine)))
			requested = at;
		if (strcmp(type, "CallEmittedTo") == 0 && called_contact(event, uid) && accepted_at == count)
			calls++;
		if (mine && (strcmp(type, "InterventionStarted") == 0 || strcmp(type, "ArrivedOnSite") == 0 ||
		    strcmp(type, "InterventionFinished") == 0 || strcmp(type, "GoneFromSite") == 0))
			intervened = true;
	}

	out->value[STAT_INTERVENTION_DELAY] = delay(accepted, started);
	out->value[STAT_MISSION_ACCEPTED_DELAY] = delay(requested, accepted);
	out->value[STAT_REPAIR_DELAY] = delay(accepted, finished >= 0 ? finished : closing);
	out->value[STAT_CALLS_BEFORE_ACCEPTED] = accepted_at < count ? calls : NAN;
	out->value[STAT_INTERVENTION_NUMBER] = intervened ? 1 : 0;
}


/* Sum and count of one stat for the day being gathered. */
struct day_sum {
	double sum;
	int count;
};


static void
append_day(struct json_object *arrays[STAT__MAX], const char *day, struct day_sum sums[STAT__MAX])
{
	for (int s = 0; s < STAT__MAX; s++) {
		struct json_object *item;
		double value;
		char text[32];

		if (sums[s].count == 0)
			continue;
		item = json_object_new_object();
		json_object_object_add(item, "day", json_object_new_string(day));
		if (s <= STAT_REPAIR_DELAY) {
			json_object_object_add(item, "value",
			    json_object_new_int64((int64_t)floor(sums[s].sum / sums[s].count)));
		} else {
			value = s == STAT_INTERVENTION_NUMBER ? sums[s].sum : sums[s].sum / sums[s].count;
			value = round(value * 100.0) / 100.0;
			snprintf(text, sizeof(text), "%.15g", value);
			json_object_object_add(item, "value", json_object_new_double_s(value, text));
		}
		json_object_array_add(arrays[s], item);
	}
}


struct json_object *
contact_stats_compute(const char *contact_uid, const struct contact_stats_ticket *tickets,
    size_t count)
{
	struct json_object *result = json_object_new_object();
	struct json_object *arrays[STAT__MAX];
	struct day_sum sums[STAT__MAX];
	const char *day = NULL;

	for (int s = 0; s < STAT__MAX; s++)
		arrays[s] = json_object_new_array();
	memset(sums, 0, sizeof(sums));

	for (size_t i = 0; i < count; i++) {
		struct ticket_values values;

		if (day != NULL && strcmp(day, tickets[i].day) != 0) {
			append_day(arrays, day, sums);
			memset(sums, 0, sizeof(sums));
		}
		day = tickets[i].day;
		ticket_values(contact_uid, tickets[i].events, &values);
		for (int s = 0; s < STAT__MAX; s++) {
			if (isnan(values.value[s]))
				continue;
			sums[s].sum += values.value[s];
			sums[s].count++;
		}
	}
	if (day != NULL)
		append_day(arrays, day, sums);

	for (int s = 0; s < STAT__MAX; s++)
		json_object_object_add(result, stat_names[s], arrays[s]);
	return result;
}
