/*
 * Building one parameterised SQL statement piece by piece, for queries
 * whose filters depend on the request: text goes into the statement,
 * values only ever travel as parameters ($1, $2...).
 */
#ifndef PERFIMMO_SQL_BUILDER_H
#define PERFIMMO_SQL_BUILDER_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "common/error.h"
#include "common/strbuf.h"

struct sql_builder {
	struct strbuf sql;
	char **params;			/* owned copies, NULL for SQL NULL */
	int count;
	bool failed;			/* memory ran out */
};

void sql_builder_init(struct sql_builder *builder);
void sql_builder_free(struct sql_builder *builder);

/* Appends TEXT, which must come from the program, never from a request. */
void sql_builder_puts(struct sql_builder *builder, const char *text);

/*
 * Adds a copy of VALUE (NULL for SQL NULL) as the next parameter and
 * appends its placeholder, followed by "::CAST" when CAST is not NULL.
 */
void sql_builder_param(struct sql_builder *builder, const char *value, const char *cast);

/* Adds a uuid[] parameter built from the NULL-terminated ITEMS (already validated SafeUUIDs). */
void sql_builder_uuid_array(struct sql_builder *builder, char **items);

/*
 * Appends, for every term of the NULL-terminated TERMS, a condition that
 * the folded and trimmed term is a substring of COLUMN (a folded column
 * that the program names).
 */
void sql_builder_fulltext(struct sql_builder *builder, const char *column, char **terms);

/*
 * Runs the statement built so far and returns its rows, which the caller
 * clears.  Returns NULL with ERR when building it ran out of memory, in
 * text written to the sql buffer directly too, or when pg_query fails.
 */
PGresult *sql_builder_query(const struct sql_builder *builder, struct error *err);

#endif
