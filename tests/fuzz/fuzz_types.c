/*
 * libFuzzer harness: the scalar type parsers and fold_text().  The first
 * byte picks the parser and the rest is its input.  Aborts when a parsed
 * LocalDate or DateTime does not read back from its own output form, or
 * when a result is not valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "common/fold.h"
#include "common/types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
check_datetime(const char *s, size_t len)
{
	char text[TYPES_DATETIME_SIZE];
	struct error err;
	int64_t ms, again;

	if (!types_parse_datetime(s, len, &ms, &err))
		return;
	types_format_datetime(ms, text);
	if (strlen(text) != 24 || !types_parse_datetime(text, 24, &again, &err)
	    || again != ms)
		abort();
}


static void
check_date(const char *s, size_t len)
{
	char text[TYPES_DATE_SIZE];
	struct types_date date;
	struct error err;

	if (!types_parse_local_date(s, len, &date, &err))
		return;
	types_format_local_date(&date, text);
	if (len != 10 || memcmp(text, s, 10) != 0)
		abort();
}


static void
check_text_result(char *result)
{
	if (result != NULL && u8_check((const uint8_t *)result, strlen(result)) != NULL)
		abort();
	free(result);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char uuid[TYPES_UUID_SIZE];
	const char *s = (const char *)data + 1;
	size_t len = size - 1;
	struct error err;

	if (size == 0)
		return 0;

	switch (data[0] % 8) {
	case 0:
		if (types_parse_uuid(s, len, uuid, &err) && strlen(uuid) != 36)
			abort();
		break;
	case 1:
		check_date(s, len);
		break;
	case 2:
		check_datetime(s, len);
		break;
	case 3:
		types_check_siret(s, len, &err);
		break;
	case 4:
		types_check_phone(s, len, &err);
		break;
	case 5:
		check_text_result(types_parse_email(s, len, &err));
		break;
	case 6:
		types_check_non_empty(s, len, &err);
		break;
	default:
		check_text_result(fold_text(s, len));
		break;
	}
	return 0;
}
