/*
 * Strict parsers of the API's shared scalar types (SafeUUID, LocalDate,
 * DateTime, SIRET, PhoneNumber, Email, NonEmptyString).
 *
 * Every parser takes a pointer and a length because a JSON string may hold
 * any byte.  A NUL byte or anything outside the exact accepted form is
 * rejected.  On failure a parser returns false (or NULL) and fills ERR with
 * ERR_INVALID_COMMAND and a message that does not name the field.  Callers
 * prefix the path with error_prefix_path(), and the query-string layer
 * overwrites err->type with ERR_BAD_REQUEST.  No parser reads the time zone
 * or the locale.
 */
#ifndef PERFIMMO_TYPES_H
#define PERFIMMO_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Size of a SafeUUID buffer: 36 characters and the NUL. */
#define TYPES_UUID_SIZE 37

/* Size of a LocalDate buffer: "YYYY-MM-DD" and the NUL. */
#define TYPES_DATE_SIZE 11

/*
 * Size of a formatted DateTime buffer.  Parsed values always format to 24
 * characters ("YYYY-MM-DDTHH:MM:SS.sssZ"), and the margin fits any int64.
 */
#define TYPES_DATETIME_SIZE 40

/* Maximum length of an Email, in code points. */
#define TYPES_EMAIL_MAX 254

/* A calendar date of the proleptic Gregorian calendar. */
struct types_date {
	int year;
	int month;
	int day;
};

/*
 * Parses a SafeUUID (8-4-4-4-12 hexadecimal digits, either case, version
 * and variant bits not checked) into OUT, lowercase and NUL-terminated.
 */
bool types_parse_uuid(const char *s, size_t len, char out[TYPES_UUID_SIZE],
    struct error *err);

/* Parses a LocalDate "YYYY-MM-DD" with a year 0001-9999 and a real date. */
bool types_parse_local_date(const char *s, size_t len, struct types_date *out,
    struct error *err);

/* Writes DATE as "YYYY-MM-DD" into OUT. */
void types_format_local_date(const struct types_date *date,
    char out[TYPES_DATE_SIZE]);

/*
 * Parses a DateTime "YYYY-MM-DDTHH:MM:SS[.f]{Z|+HH:MM|-HH:MM}" into
 * milliseconds since 1970-01-01T00:00:00Z.  T and Z are uppercase, the
 * fraction has 1 to 9 digits and is truncated to milliseconds, the offset
 * is mandatory with hours 00-14.  An instant whose UTC form falls outside
 * years 0001-9999 is rejected so that its output form keeps 4 year digits.
 */
bool types_parse_datetime(const char *s, size_t len, int64_t *epoch_ms,
    struct error *err);

/* Writes EPOCH_MS as "YYYY-MM-DDTHH:MM:SS.sssZ" (UTC) into OUT. */
void types_format_datetime(int64_t epoch_ms, char out[TYPES_DATETIME_SIZE]);

/*
 * Returns the number of days from 1970-01-01 to the given date of the
 * proleptic Gregorian calendar (negative before 1970).  MONTH is 1-12.
 */
int64_t types_days_from_civil(int64_t year, int month, int day);

/* Converts a day count from 1970-01-01 back to a calendar date. */
void types_civil_from_days(int64_t days, struct types_date *out);

/*
 * Checks a SIRET: 14 ASCII digits with a valid Luhn checksum, except that
 * when the first 9 digits are 356000000 (La Poste) the sum of the 14 digits
 * must be a multiple of 5 instead.
 */
bool types_check_siret(const char *s, size_t len, struct error *err);

/* Checks a PhoneNumber: ^(0[1-9][0-9]{8}|\+[1-9][0-9]{7,14})$ */
bool types_check_phone(const char *s, size_t len, struct error *err);

/*
 * Parses an Email: valid UTF-8 of at most TYPES_EMAIL_MAX code points
 * matching ^[^@\s]+@[^@\s]+\.[^@\s]+$, where \s is ASCII whitespace.
 * Returns a new NUL-terminated copy lowercased with the Unicode default
 * case mapping (libunistring u8_tolower), which the caller frees, or NULL.
 */
char *types_parse_email(const char *s, size_t len, struct error *err);

/*
 * Checks a NonEmptyString: at least one character other than space, tab,
 * CR and LF, and no NUL byte.  The string is kept as sent, not trimmed.
 */
bool types_check_non_empty(const char *s, size_t len, struct error *err);

#endif
