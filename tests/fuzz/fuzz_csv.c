/*
 * libFuzzer harness: the CSV import parser as perfimmo-admin import runs
 * it, on arbitrary file bytes.  import_text_decode(), csv_table_read(),
 * csv_map_header() and csv_map_row() on every row, with look-ups that
 * match fixed names instead of querying the database.  Aborts when a step breaks its
 * contract: text or a cell that is not valid UTF-8, a rejection without
 * its column, a rejected row that keeps commands, or an error message that
 * is not valid UTF-8 (it goes to the rejects file).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "import/csv_map.h"
#include "import/csv_table.h"
#include "import/import_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define COMPANY "9f1e6d4c-8b2a-4c73-9e5d-0a4b3c2d1e8f"
#define AGENCY "7a2e4c91-6b3d-4f08-a1e5-3c9d8b7f2e60"
#define PATRIMONY "5d8c3b1e-2f47-4a96-8e0b-6c1a9f3d7e25"

/* Abort rather than return, so a broken invariant is a crash libFuzzer keeps. */
static void
check_utf8(const char *text)
{
	if (u8_check((const uint8_t *)text, strlen(text)) != NULL)
		abort();
}


static void
check_error(const struct error *err)
{
	if (err->type == ERR_NONE)
		abort();
	check_utf8(err->message_fr);
	check_utf8(err->message_en);
}


/* Each look-up result has a name the fuzzer can find through its comparisons. */
static enum lookup_result
lookup(const char *text, char uid[37], const char *found_uid, struct error *err)
{
	if (strcmp(text, "found") == 0 || strcmp(text, found_uid) == 0) {
		memcpy(uid, found_uid, 37);
		return LOOKUP_FOUND;
	}
	if (strcmp(text, "twice") == 0)
		return LOOKUP_AMBIGUOUS;
	if (strcmp(text, "elsewhere") == 0)
		return LOOKUP_OTHER_COMPANY;
	if (strcmp(text, "down") == 0) {
		error_set(err, ERR_SERVICE_UNAVAILABLE, "base indisponible", "database unavailable");
		return LOOKUP_FAILED;
	}
	return LOOKUP_UNKNOWN;
}


static enum lookup_result
lookup_agency(void *data, const char *company, const char *text, char uid[37],
    struct error *err)
{
	(void)data;
	(void)company;
	return lookup(text, uid, AGENCY, err);
}


static enum lookup_result
lookup_patrimony(void *data, const char *company, const char *ref, char uid[37],
    struct error *err)
{
	(void)data;
	(void)company;
	return lookup(ref, uid, PATRIMONY, err);
}

static const struct csv_lookup fixed_lookup = {NULL, lookup_agency, lookup_patrimony};
static const struct csv_mapping mapping = {COMPANY, "2025-03-03T09:00:00.000Z", &fixed_lookup};


static void
check_table(const struct csv_table *table)
{
	long previous_line = 0;

	if (table->count == 0)
		abort();
	for (size_t i = 0; i < table->count; i++) {
		const struct csv_row *row = &table->rows[i];

		if (row->line <= previous_line)
			abort();
		previous_line = row->line;
		for (size_t j = 0; j < row->count; j++)
			check_utf8(row->cells[j]);
	}
}


static void
check_line(const struct import_line *line)
{
	if (line->rejected) {
		if (line->count != 0 || line->column == NULL)
			abort();
		check_error(&line->err);
		return;
	}
	if (line->count == 0)
		abort();
	for (size_t i = 0; i < line->count; i++) {
		const char *text = json_object_to_json_string_ext(line->commands[i].body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		check_utf8(text);
	}
}


static void
map_rows(const struct csv_table *table)
{
	struct csv_columns columns;
	struct import_line line;
	struct error err;

	error_clear(&err);
	if (!csv_map_header(&table->rows[0], &columns, &err)) {
		check_error(&err);
		return;
	}

	memset(&line, 0, sizeof(line));
	for (size_t i = 1; i < table->count; i++) {
		if (csv_map_row(&mapping, &columns, &table->rows[i], &line))
			check_line(&line);
		else if (line.err.type != ERR_SERVICE_UNAVAILABLE)
			abort();
	}
	import_line_clear(&line);
	free(line.commands);
}


/* The address splitter runs on every cell too: an address column is free text. */
static void
split_addresses(const struct csv_table *table)
{
	for (size_t i = 0; i < table->count; i++) {
		for (size_t j = 0; j < table->rows[i].count; j++) {
			struct json_object *address = csv_map_address(table->rows[i].cells[j]);

			if (address != NULL)
				check_utf8(json_object_to_json_string(address));
			json_object_put(address);
		}
	}
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_text text;
	struct csv_table table;
	struct error err;

	error_clear(&err);
	if (!import_text_decode((const char *)data, size, &text, &err)) {
		check_error(&err);
		return 0;
	}
	if (strlen(text.data) != text.len)
		abort();
	check_utf8(text.data);

	if (!csv_table_read(text.data, text.len, &table, &err)) {
		check_error(&err);
		free(text.data);
		return 0;
	}
	check_table(&table);
	map_rows(&table);
	split_addresses(&table);

	csv_table_free(&table);
	free(text.data);
	return 0;
}
