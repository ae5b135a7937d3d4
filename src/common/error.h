/*
 * Error outcomes of every layer: one errorType enum, one table giving each
 * its HTTP status and its name on the wire, and a message in French and
 * English.  A function that can fail takes a `struct error *` and returns
 * false (or NULL) after filling it; the caller renders it once.
 */
#ifndef PERFIMMO_ERROR_H
#define PERFIMMO_ERROR_H

#include <stdbool.h>

enum error_type {
	ERR_NONE = 0,

	/* cross-cutting */
	ERR_BAD_REQUEST,
	ERR_INVALID_RANGE,
	ERR_INVALID_JSON,
	ERR_INVALID_COMMAND,
	ERR_INVALID_CREDENTIALS,
	ERR_UNAUTHENTICATED,
	ERR_FORBIDDEN,
	ERR_NOT_FOUND,
	ERR_METHOD_NOT_ALLOWED,
	ERR_PAYLOAD_TOO_LARGE,
	ERR_UNSUPPORTED_MEDIA_TYPE,
	ERR_RANGE_NOT_SATISFIABLE,
	ERR_INTERNAL,
	ERR_SERVICE_UNAVAILABLE,
	ERR_MISDIRECTED_REQUEST,
	ERR_TOO_MANY_REQUESTS,
	ERR_INVALID_SUBSCRIPTION,
	ERR_DESTINATION_NOT_ALLOWED,
	ERR_COMMAND_ALREADY_SENT,
	ERR_REFERENCED_ENTITY_NOT_FOUND,
	ERR_INCONSISTENT_REFERENCE,
	ERR_COMMAND_NOT_APPLICABLE,

	/* company and agency */
	ERR_COMPANY_EXISTS,
	ERR_COMPANY_NOT_FOUND,
	ERR_AGENCY_EXISTS,
	ERR_AGENCY_NOT_FOUND,
	ERR_COMPANY_ALREADY_CANCELED,
	ERR_CALL_CENTER_NOT_CANCELABLE,
	ERR_AGENCY_OUTSIDE_CLIENT_ACCOUNT,
	ERR_CALL_CENTER_NOT_PREMIUM_ELIGIBLE,
	ERR_COMPANY_ALREADY_PREMIUM,
	ERR_COMPANY_ALREADY_SPONSORED,
	ERR_CALL_CENTER_NOT_DOWNGRADABLE,
	ERR_COMPANY_ALREADY_IDENTIFIED,
	ERR_COMPANY_NOT_PREMIUM,

	/* patrimony */
	ERR_PATRIMONY_EXISTS,
	ERR_PATRIMONY_NOT_FOUND,
	ERR_BUILDING_EXISTS,
	ERR_COMPLEMENTARY_ADDRESS_EXISTS,
	ERR_COMPLEMENTARY_ADDRESS_NOT_FOUND,
	ERR_PATRIMONY_AGENCY_ALREADY_ASSOCIATED,
	ERR_PATRIMONY_AGENCY_NOT_ASSOCIATED,
	ERR_PATRIMONY_LAST_AGENCY,

	/* lot */
	ERR_LOT_EXISTS,
	ERR_LOT_NOT_FOUND,
	ERR_LOT_ADDRESS_NOT_FOUND,
	ERR_LOT_LAST_ADDRESS,
	ERR_LOT_PATRIMONY_NOT_FOUND,
	ERR_LOT_REFERENCE_EXISTS,
	ERR_LOT_NUMBER_EXISTS,
	ERR_LOT_ADDRESS_NOT_CONFORM,
	ERR_LOT_BUILDING_NOT_FOUND,

	/* provider contact */
	ERR_PROVIDER_CONTACT_EXISTS,
	ERR_PROVIDER_CONTACT_NOT_FOUND,
	ERR_PROVIDER_AGENCY_ALREADY_ASSOCIATED,
	ERR_PROVIDER_COMPANY_ALREADY_ASSOCIATED,
	ERR_PROVIDER_PATRIMONY_ALREADY_ASSOCIATED,
	ERR_PROVIDER_PATRIMONY_NOT_ASSOCIATED,
	ERR_PROVIDER_ACTIVITY_NOT_FOUND,
	ERR_PROVIDER_AGENCY_COMPANY_NOT_ASSOCIATED,
	ERR_PROVIDER_PATRIMONY_COMPANY_NOT_ASSOCIATED,
	ERR_PROVIDER_AGENCY_NOT_ASSOCIATED,
	ERR_PROVIDER_CLIENT_COMPANY_ALREADY_ASSOCIATED,

	/* ticket */
	ERR_TICKET_EXISTS,
	ERR_TICKET_NOT_FOUND,
	ERR_SCHEDULE_WITHOUT_ASSIGNEE,
	ERR_DEADLINE_WITHOUT_ASSIGNEE,
	ERR_SERVICE_ORDER_WITHOUT_ASSIGNEE,
	ERR_FORMAL_NOTICE_WITHOUT_DEADLINE,
	ERR_FORMAL_NOTICE_DEADLINE_NOT_EXCEEDED,
	ERR_FORMAL_NOTICE_DEADLINE_EARLIER,
	ERR_BLANK_CORRECTION,
	ERR_CLOSING_REPORT_ON_OPEN_TICKET,
	ERR_TARGETED_EVENT_NOT_FOUND,
	ERR_TARGETED_EVENT_NOT_ELIGIBLE,
	ERR_ASSIGNEE_NOT_IDENTIFIED_ONE,
	ERR_CORRECTION_AFTER_ASSIGNEE,

	/* user */
	ERR_USER_EXISTS,
	ERR_USER_NOT_FOUND,
	ERR_LOGIN_ALREADY_USED,
	ERR_USER_AGENCY_ALREADY_ASSOCIATED,
	ERR_USER_AGENCY_NOT_ASSOCIATED,
	ERR_USER_LAST_AGENCY,
	ERR_USER_PATRIMONY_ALREADY_ASSOCIATED,
	ERR_USER_PATRIMONY_NOT_ASSOCIATED,
	ERR_USER_LAST_PATRIMONY,

	ERR__MAX
};

#define ERROR_MESSAGE_MAX 512

struct error {
	enum error_type type;
	char message_fr[ERROR_MESSAGE_MAX];
	char message_en[ERROR_MESSAGE_MAX];
	int retry_after;		/* seconds for a Retry-After header; 0 = none */
};

/* Returns the wire name of a type, e.g. "InvalidJson". */
const char *error_name(enum error_type type);

/* Returns the HTTP status a type always maps to. */
int error_status(enum error_type type);

/* Returns the type whose wire name is NAME, or ERR_NONE. */
enum error_type error_from_name(const char *name);

/*
 * Fills ERR with TYPE and both messages, and clears its retry_after.  The two formats take the same
 * arguments in the same order; messages longer than ERROR_MESSAGE_MAX are
 * cut.  Always returns false, so a caller can write `return error_set(...)`.
 */
bool error_set(struct error *err, enum error_type type,
    const char *format_fr, const char *format_en, ...)
    __attribute__((format(printf, 4, 5)));

/* Like error_set with fixed texts, for messages built beforehand. */
bool error_set_text(struct error *err, enum error_type type,
    const char *text_fr, const char *text_en);

/*
 * Prefixes both messages of ERR with PATH and " : " (French) or ": "
 * (English), used by validators to name the JSON path of a field.
 */
void error_prefix_path(struct error *err, const char *path);

/* Clears ERR to ERR_NONE with empty messages. */
void error_clear(struct error *err);

#endif
