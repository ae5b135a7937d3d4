/* Parameterised SQL statements built piece by piece. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "db/pg_array.h"
#include "sql_builder.h"


void
sql_builder_init(struct sql_builder *builder)
{
	strbuf_init(&builder->sql);
	builder->params = NULL;
	builder->count = 0;
	builder->failed = false;
}


void
sql_builder_free(struct sql_builder *builder)
{
	for (int i = 0; i < builder->count; i++)
		free(builder->params[i]);
	free(builder->params);
	strbuf_free(&builder->sql);
	builder->params = NULL;
	builder->count = 0;
}


void
sql_builder_puts(struct sql_builder *builder, const char *text)
{
	strbuf_puts(&builder->sql, text);
	if (builder->sql.failed)
		builder->failed = true;
}


void
sql_builder_param(struct sql_builder *builder, const char *value, const char *cast)
{
	char **grown = realloc(builder->params, (size_t)(builder->count + 1) * sizeof(*grown));
	char *copy = value != NULL ? strdup(value) : NULL;

	if (grown == NULL || (value != NULL && copy == NULL)) {
		free(copy);
		if (grown != NULL)
			builder->params = grown;
		builder->failed = true;
		return;
	}
	builder->params = grown;
	builder->params[builder->count++] = copy;
	strbuf_printf(&builder->sql, "$%d", builder->count);
	if (cast != NULL)
		strbuf_printf(&builder->sql, "::%s", cast);
}


void
sql_builder_uuid_array(struct sql_builder *builder, char **items)
{
	struct strbuf literal;

	strbuf_init(&literal);
	pg_array_literal(&literal, (const char *const *)items, items != NULL ? SIZE_MAX : 0);
	if (literal.failed)
		builder->failed = true;
	else
		sql_builder_param(builder, literal.data, "uuid[]");
	strbuf_free(&literal);
}


void
sql_builder_fulltext(struct sql_builder *builder, const char *column, char **terms)
{
	for (size_t i = 0; terms != NULL && terms[i] != NULL; i++) {
		sql_builder_puts(builder, " AND ");
		sql_builder_puts(builder, column);
		/* LIKE's own characters in a term match themselves. */
		sql_builder_puts(builder, " LIKE '%' || replace(replace(replace("
		    "btrim(perfimmo_ext.fold(");
		sql_builder_param(builder, terms[i], "text");
		sql_builder_puts(builder, ")), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'");
	}
}


PGresult *
sql_builder_query(const struct sql_builder *builder, struct error *err)
{
	if (builder->failed || builder->sql.failed) {
		error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
		return NULL;
	}
	return pg_query(builder->sql.data, builder->count, (const char *const *)builder->params,
	    PGRES_TUPLES_OK, err);
}
