/*
 * libFuzzer harness: query_parse() and every accessor on an arbitrary
 * query string.  Aborts when a returned string is not valid UTF-8, or when
 * an integer or a range breaks its bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "http/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"a", "b", "range", "since", "from",
    "agency", "status", ""};


static void
check_text(const char *s)
{
	if (u8_check((const uint8_t *)s, strlen(s)) != NULL)
		abort();
}


static void
read_all(const struct query *q, const char *name)
{
	char uuid[TYPES_UUID_SIZE];
	struct types_date date;
	struct error err;
	const char *value;
	char **items;
	size_t count;
	uint64_t number;
	int64_t ms;
	bool flag, present;

	if (query_scalar(q, name, &value, &err) && value != NULL)
		check_text(value);
	if (query_list(q, name, &items, &count, &err)) {
		for (size_t i = 0; i < count; i++)
			check_text(items[i]);
		if (items[count] != NULL)
			abort();
		free(items);
	}
	if (query_uuid_list(q, name, &items, &count, &err))
		free(items);
	query_bool(q, name, &flag, &present, &err);
	if (query_uint(q, name, 1000, &number, &present, &err) && present
	    && number > 1000)
		abort();
	query_uint(q, name, UINT64_MAX, &number, &present, &err);
	query_uuid(q, name, uuid, &present, &err);
	query_local_date(q, name, &date, &present, &err);
	query_datetime(q, name, &ms, &present, &err);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *query_string = malloc(size + 1);
	struct query *q;
	struct range range;
	struct error err;

	if (query_string == NULL)
		return 0;
	memcpy(query_string, data, size);
	query_string[size] = '\0';

	q = query_parse(query_string, &err);
	if (q != NULL) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			read_all(q, names[i]);
		if (query_range(q, 100, 0, 99, &range, &err)
		    && (range.start > range.end || range.end - range.start >= 100))
			abort();
		query_free(q);
	} else if (err.type != ERR_BAD_REQUEST && err.type != ERR_INTERNAL) {
		abort();
	}
	free(query_string);
	return 0;
}
