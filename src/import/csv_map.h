/*
 * The two onboarding sheets and the commands each of their rows becomes
 * (README.md, "Importing data").  A row is mapped without guessing or not
 * at all: an unknown or ambiguous agency or patrimony, an unreadable
 * address, a bad SIRET or an unknown trade rejects the row, naming the
 * column.  The commands then go through the write API's pipeline.
 */
#ifndef PERFIMMO_CSV_MAP_H
#define PERFIMMO_CSV_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "common/error.h"
#include "csv_table.h"

enum csv_layout {
	CSV_PATRIMONIES,
	CSV_PROVIDER_CONTACTS,
};

/* Columns of both layouts; a sheet has the ones of its layout. */
enum csv_column {
	COL_REF, COL_AGENCIES, COL_LABEL, COL_ADDRESS,
	COL_SIRET, COL_NAME, COL_PHONES, COL_MAILS, COL_FAX, COL_ACTIVITIES, COL_PATRIMONIES,
	COL__MAX
};

struct csv_columns {
	enum csv_layout layout;
	int index[COL__MAX];		/* cell index of each column, -1 when absent */
};

/* One command of a row, as the write API takes it. */
struct import_command {
	char method[8];
	char path[256];
	struct json_object *body;	/* owned */
	const char *column;		/* the column it comes from, to name in a rejection */
};

struct import_line {
	long line;
	struct import_command *commands;
	size_t count;
	size_t room;
	bool rejected;
	const char *column;		/* column at fault when rejected */
	struct error err;
};

enum lookup_result {
	LOOKUP_FOUND,
	LOOKUP_UNKNOWN,
	LOOKUP_AMBIGUOUS,
	LOOKUP_OTHER_COMPANY,
	LOOKUP_FAILED,			/* the database failed: ERR is set */
};

/* The look-ups the mapping needs in the stored data (the read tables, in perfimmo-admin). */
struct csv_lookup {
	void *data;

	/* The agency TEXT (a uid, or a ref or name among COMPANY's agencies). */
	enum lookup_result (*agency)(void *data, const char *company, const char *text,
	    char uid[37], struct error *err);

	/* The patrimony of COMPANY whose ref is REF. */
	enum lookup_result (*patrimony)(void *data, const char *company, const char *ref,
	    char uid[37], struct error *err);
};

struct csv_mapping {
	const char *company;		/* the ClientAccount the rows belong to */
	const char *date;		/* DateTime of creation commands (the import's start) */
	const struct csv_lookup *lookup;
};

/* Reads the header row: which layout, which column where; ERR names what is wrong. */
bool csv_map_header(const struct csv_row *header, struct csv_columns *columns,
    struct error *err);

/*
 * Maps ROW into LINE: its commands, with uids derived from the company and
 * the row's cells (so a second run gives the same ones), or a rejection.
 * Returns false only when a lookup failed, with the reason in LINE->err.
 */
bool csv_map_row(const struct csv_mapping *mapping, const struct csv_columns *columns,
    const struct csv_row *row, struct import_line *line);

/*
 * Splits "NUMBER STREET POSTCODE CITY" into a PatrimonyAddressInput object.
 * NULL when the text has no five-digit postcode followed by a city and
 * preceded by a street.
 */
struct json_object *csv_map_address(const char *text);

/* Adds a command to LINE (taking BODY); PATH is built from FORMAT and UID. */
void import_line_add(struct import_line *line, const char *method, const char *path,
    struct json_object *body, const char *column);

/* Frees the commands of LINE and empties it. */
void import_line_clear(struct import_line *line);

#endif
