/*
 * Helpers of the aggregate unit tests: commands from JSON text, actors,
 * and the checks of a decision's outcome.  Header-only, for test programs.
 */
#ifndef PERFIMMO_DOMAIN_SUPPORT_H
#define PERFIMMO_DOMAIN_SUPPORT_H

#include <stdio.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "domain/domain.h"

#define UID_A "aaaaaaaa-0000-4000-8000-000000000001"
#define UID_B "bbbbbbbb-0000-4000-8000-000000000002"
#define UID_C "cccccccc-0000-4000-8000-000000000003"
#define UID_D "dddddddd-0000-4000-8000-000000000004"
#define UID_E "eeeeeeee-0000-4000-8000-000000000005"
#define COMPANY_1 "c0000000-0000-4000-8000-000000000001"
#define COMPANY_2 "c0000000-0000-4000-8000-000000000002"
#define CENTER_1 "cc000000-0000-4000-8000-000000000001"
#define CENTER_2 "cc000000-0000-4000-8000-000000000002"
#define USER_UID "99999999-0000-4000-8000-000000000009"

/* A command of TYPE on AGGREGATE with the (normalised) body BODY_JSON. */
struct test_command {
	struct command cmd;
	struct actor actor;
	struct json_object *events;
	struct error err;
};

static inline void
test_command_start(struct test_command *t, const char *type, const char *aggregate,
    const char *body_json, enum user_type user, const char *company)
{
	memset(t, 0, sizeof(*t));
	t->actor.type = user;
	snprintf(t->actor.uid, sizeof(t->actor.uid), "%s", USER_UID);
	snprintf(t->actor.company_uid, sizeof(t->actor.company_uid), "%s", company);
	t->cmd.type = type;
	t->cmd.body = json_tokener_parse(body_json);
	ck_assert_ptr_nonnull(t->cmd.body);
	snprintf(t->cmd.aggregate_uid, sizeof(t->cmd.aggregate_uid), "%s", aggregate);
	snprintf(t->cmd.process_uid, sizeof(t->cmd.process_uid), "%s", UID_E);
	snprintf(t->cmd.sent_date, sizeof(t->cmd.sent_date), "2021-03-15T09:00:00.000Z");
	t->cmd.actor = &t->actor;
	t->events = json_object_new_array();
}

static inline void
test_command_end(struct test_command *t)
{
	json_object_put(t->cmd.body);
	json_object_put(t->events);
}

/* Returns the event at INDEX of T's events. */
static inline struct json_object *
test_event(const struct test_command *t, size_t index)
{
	ck_assert_uint_gt(json_object_array_length(t->events), index);
	return json_object_array_get_idx(t->events, index);
}

/* Returns member NAME of OBJECT as a string, or "" when absent. */
static inline const char *
test_string(struct json_object *object, const char *name)
{
	const char *value = domain_string(object, name);

	return value != NULL ? value : "";
}

/* Builds an array of events from JSON text, for folds. */
static inline struct json_object *
test_events(const char *json)
{
	struct json_object *events = json_tokener_parse(json);

	ck_assert_ptr_nonnull(events);
	return events;
}

#define ck_assert_rejected(ok, t, expected) do { \
	ck_assert(!(ok)); \
	ck_assert_str_eq(error_name((t)->err.type), error_name(expected)); \
	ck_assert_uint_eq(json_object_array_length((t)->events), 0); \
} while (0)

#define ck_assert_event_types(t, ...) do { \
	const char *expected_types_[] = {__VA_ARGS__}; \
	size_t count_ = sizeof(expected_types_) / sizeof(expected_types_[0]); \
	ck_assert_uint_eq(json_object_array_length((t)->events), count_); \
	for (size_t i_ = 0; i_ < count_; i_++) \
		ck_assert_str_eq(test_string(test_event((t), i_), "eventType"), expected_types_[i_]); \
} while (0)

#endif
