/*
 * Query-string parsing for the read API.
 *
 * query_parse() percent-decodes every name and value once (`+` is a space)
 * and rejects the whole query string with ERR_BAD_REQUEST when any of them
 * has an invalid `%` escape, invalid UTF-8, a NUL byte or more than
 * QUERY_VALUE_MAX code points.  The typed accessors then read one parameter
 * each.  Rules, for every accessor:
 *   - an empty value (`status=`) is the same as an absent parameter;
 *   - unknown parameters are ignored, since only requested names are read;
 *   - a scalar given twice is ERR_BAD_REQUEST;
 *   - a list is comma-separated, repeats are concatenated (`a=x&a=y` is
 *     `a=x,y`), and an empty item (`a=x,,y`) is ERR_BAD_REQUEST.
 * A failing accessor returns false with ERR naming the parameter, and its
 * outputs are then unspecified.
 */
#ifndef PERFIMMO_QUERY_H
#define PERFIMMO_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/types.h"

/* Maximum length of a decoded value, in code points. */
#define QUERY_VALUE_MAX 10000

/* Maximum number of items of a list parameter, repeats included. */
#define QUERY_LIST_MAX 1000

/* Opaque parsed query string, released with query_free(). */
struct query;

/* Inclusive 0-based item indexes asked for with `range=start-end`. */
struct range {
	unsigned start;
	unsigned end;
};

/*
 * Parses QUERY_STRING, the part after `?` or NULL for none,
 * into a new struct query that the caller releases with query_free().
 * Returns NULL with ERR set on a malformed query string (ERR_BAD_REQUEST)
 * or memory exhaustion (ERR_INTERNAL).
 */
struct query *query_parse(const char *query_string, struct error *err);

/* Releases Q (NULL is allowed), which ends the strings query_scalar() returned. */
void query_free(struct query *q);

/*
 * Sets *VALUE to the decoded value of the scalar NAME, or to NULL when it
 * is absent.  The string belongs to Q.
 */
bool query_scalar(const struct query *q, const char *name, const char **value,
    struct error *err);

/*
 * Sets *ITEMS to a NULL-terminated array of the items of the list NAME and
 * *COUNT to their number (0 and an empty array when absent).  The array and
 * its strings are one block that the caller releases with free().
 */
bool query_list(const struct query *q, const char *name, char ***items,
    size_t *count, struct error *err);

/*
 * Like query_list(), with every item parsed as a SafeUUID and lowercased.
 */
bool query_uuid_list(const struct query *q, const char *name, char ***items,
    size_t *count, struct error *err);

/* Reads the boolean NAME, which must be exactly `true` or `false`. */
bool query_bool(const struct query *q, const char *name, bool *value,
    bool *present, struct error *err);

/*
 * Reads the non-negative decimal integer NAME (ASCII digits only, no sign),
 * which must not exceed MAX.  Overflow is detected, never wrapped.
 */
bool query_uint(const struct query *q, const char *name, uint64_t max,
    uint64_t *value, bool *present, struct error *err);

/* Like query_uint, for a value from MIN to MAX; the message states both bounds. */
bool query_uint_range(const struct query *q, const char *name, uint64_t min, uint64_t max,
    uint64_t *value, bool *present, struct error *err);

/* Reads the SafeUUID NAME into OUT, lowercased. */
bool query_uuid(const struct query *q, const char *name,
    char out[TYPES_UUID_SIZE], bool *present, struct error *err);

/* Reads the LocalDate NAME. */
bool query_local_date(const struct query *q, const char *name,
    struct types_date *out, bool *present, struct error *err);

/*
 * Reads the DateTime NAME into milliseconds since the epoch.  Because `+`
 * decodes to a space, a space where the offset sign belongs is read as `+`.
 */
bool query_datetime(const struct query *q, const char *name,
    int64_t *epoch_ms, bool *present, struct error *err);

/*
 * Reads `range=start-end` (^[0-9]{1,9}-[0-9]{1,9}$) into OUT, or the
 * defaults when it is absent.  A malformed range, start > end, or more than
 * MAX items (end - start + 1 > MAX) gives ERR_INVALID_RANGE, and a repeated
 * range gives ERR_BAD_REQUEST.
 */
bool query_range(const struct query *q, unsigned max, unsigned default_start,
    unsigned default_end, struct range *out, struct error *err);

#endif
