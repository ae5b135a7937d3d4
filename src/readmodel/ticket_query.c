/* Ticket filters and scope as parameterised SQL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fold.h"
#include "db/pg_array.h"
#include "scope_sql.h"
#include "ticket_query.h"


/* Appends a text[] literal parameter of the NULL-terminated ITEMS. */
static void
array_param(struct sql_builder *sql, char **items)
{
	struct strbuf literal;

	strbuf_init(&literal);
	pg_array_literal(&literal, (const char *const *)items, SIZE_MAX);
	sql_builder_param(sql, literal.data, NULL);
	strbuf_free(&literal);
}


static void
free_list(char **items)
{
	for (size_t i = 0; items != NULL && items[i] != NULL; i++)
		free(items[i]);
	free(items);
}


static bool
bad_request(struct error *err, const char *fr, const char *en)
{
	return error_set_text(err, ERR_BAD_REQUEST, fr, en);
}


/* Turns each fulltext term into a LIKE pattern of its folded, trimmed text. */
static bool
fulltext_patterns(struct ticket_filter *filter, char **terms, size_t count,
    struct error *err)
{
	filter->fulltext = calloc(count + 1, sizeof(char *));
	if (filter->fulltext == NULL)
		abort();
	for (size_t i = 0; i < count; i++) {
		char *folded = fold_text(terms[i], strlen(terms[i]));
		char *start, *end, *pattern, *out;

		if (folded == NULL)
			return bad_request(err, "paramètre « fulltext » : texte invalide",
			    "parameter \"fulltext\": invalid text");
		for (start = folded; *start == ' '; start++)
			;
		for (end = start + strlen(start); end > start && end[-1] == ' '; end--)
			;
		*end = '\0';
		if (*start == '\0') {
			free(folded);
			continue;
		}

		/* LIKE needs %, _ and the escape character escaped. */
		pattern = malloc(2 * strlen(start) + 3);
		if (pattern == NULL)
			abort();
		out = pattern;
		*out++ = '%';
		for (const char *c = start; *c != '\0'; c++) {
			if (*c == '%' || *c == '_' || *c == '\\')
				*out++ = '\\';
			*out++ = *c;
		}
		*out++ = '%';
		*out = '\0';
		filter->fulltext[filter->fulltext_count++] = pattern;
		free(folded);
	}
	return true;
}


/*
 * Returns a new NULL-terminated array of the folded ITEMS (each freed with
 * free_list), so the planner compares the folded columns with known values
 * and can estimate how many rows match.  NULL with ERR on invalid text.
 */
static char **
fold_items(char **items, const char *parameter, struct error *err)
{
	size_t count = 0;
	char **folded;

	while (items[count] != NULL)
		count++;
	folded = calloc(count + 1, sizeof(char *));
	if (folded == NULL)
		abort();
	for (size_t i = 0; i < count; i++) {
		folded[i] = fold_text(items[i], strlen(items[i]));
		if (folded[i] == NULL) {
			error_set(err, ERR_BAD_REQUEST, "paramètre « %s » : texte invalide",
			    "parameter \"%s\": invalid text", parameter);
			free_list(folded);
			return NULL;
		}
	}
	return folded;
}


static bool
read_date(const struct query *q, const char *name, char out[TYPES_DATE_SIZE],
    bool *present, struct types_date *date, struct error *err)
{
	if (!query_local_date(q, name, date, present, err))
		return false;
	if (*present)
		types_format_local_date(date, out);
	return true;
}


static bool
other_filter_given(const struct ticket_filter *filter)
{
	return filter->agencies[0] != NULL || filter->status != NULL ||
	    filter->locations[0] != NULL || filter->has_from || filter->has_to ||
	    filter->call_purposes[0] != NULL ||
	    (filter->active_providers != NULL && filter->active_providers[0] != NULL) ||
	    filter->has_intervention;
}


static bool
parse_filters(const struct query *q, bool active_providers,
    struct ticket_filter *filter, struct error *err)
{
	struct types_date from, to;
	const char *status;
	char **terms = NULL;
	size_t count;
	bool ok;

	memset(filter, 0, sizeof(*filter));
	if (!query_uuid_list(q, "agency", &filter->agencies, &count, err) ||
	    !query_scalar(q, "status", &status, err) ||
	    !query_list(q, "location", &filter->locations, &count, err) ||
	    !read_date(q, "from", filter->from, &filter->has_from, &from, err) ||
	    !read_date(q, "to", filter->to, &filter->has_to, &to, err) ||
	    !query_list(q, "callpurpose", &filter->call_purposes, &count, err) ||
	    !query_bool(q, "intervention", &filter->intervention, &filter->has_intervention, err))
		return false;
	if (active_providers &&
	    !query_uuid_list(q, "activeproviders", &filter->active_providers, &count, err))
		return false;
	filter->folded_locations = fold_items(filter->locations, "location", err);
	if (filter->folded_locations == NULL)
		return false;
	filter->folded_call_purposes = fold_items(filter->call_purposes, "callpurpose", err);
	if (filter->folded_call_purposes == NULL)
		return false;

	if (status != NULL) {
		if (strcmp(status, "OPENED") != 0 && strcmp(status, "CLOSED") != 0)
			return bad_request(err, "paramètre « status » : OPENED ou CLOSED attendu",
			    "parameter \"status\": expected OPENED or CLOSED");
		filter->status = strdup(status);
	}
	if (filter->has_from && filter->has_to && strcmp(filter->to, filter->from) < 0)
		return bad_request(err, "paramètre « to » : ne doit pas précéder « from »",
		    "parameter \"to\": must not be before \"from\"");

	if (!query_list(q, "fulltext", &terms, &count, err))
		return false;
	ok = true;
	if (count > 0 && other_filter_given(filter))
		ok = bad_request(err, "fulltext ne se combine avec aucun autre filtre",
		    "fulltext cannot be combined with another filter");
	if (ok)
		ok = fulltext_patterns(filter, terms, count, err);
	free(terms);
	return ok;
}


bool
ticket_filter_parse(const struct query *q, bool active_providers,
    struct ticket_filter *filter, struct error *err)
{
	if (parse_filters(q, active_providers, filter, err))
		return true;
	/* A later check may fail after earlier filters were copied. */
	ticket_filter_free(filter);
	return false;
}


void
ticket_filter_free(struct ticket_filter *filter)
{
	free(filter->agencies);
	free(filter->status);
	free(filter->locations);
	free(filter->call_purposes);
	free_list(filter->folded_locations);
	free_list(filter->folded_call_purposes);
	free(filter->active_providers);
	for (size_t i = 0; i < filter->fulltext_count; i++)
		free(filter->fulltext[i]);
	free(filter->fulltext);
	memset(filter, 0, sizeof(*filter));
}


bool
ticket_filter_is_selective(const struct ticket_filter *filter)
{
	return filter->agencies[0] != NULL || filter->locations[0] != NULL ||
	    filter->call_purposes[0] != NULL ||
	    (filter->active_providers != NULL && filter->active_providers[0] != NULL) ||
	    filter->fulltext_count > 0;
}


/* One fulltext term: the ticket's own texts, or its agencies, patrimony or contact. */
static void
fulltext_condition(const char *pattern, struct sql_builder *sql)
{
	int n;

	strbuf_puts(&sql->sql, " AND (t.search_folded LIKE ");
	sql_builder_param(sql, pattern, NULL);
	n = sql->count;
	strbuf_printf(&sql->sql,
	    " OR t.agency_uids && ARRAY(SELECT uid FROM agencies WHERE label_folded LIKE $%d)"
	    " OR t.patrimony_uid = ANY (ARRAY(SELECT uid FROM ticket_patrimony_refs"
	    " WHERE search_folded LIKE $%d))"
	    " OR t.assignee_provider_uid = ANY (ARRAY(SELECT uid FROM ticket_contact_refs"
	    " WHERE label_folded LIKE $%d)))", n, n, n);
}


void
ticket_filter_dates(const struct ticket_filter *filter, const char *timezone,
    struct sql_builder *sql)
{
	if (filter->has_from) {
		strbuf_puts(&sql->sql, " AND t.created >= (");
		sql_builder_param(sql, filter->from, NULL);
		strbuf_puts(&sql->sql, "::date::timestamp AT TIME ZONE ");
		sql_builder_param(sql, timezone, NULL);
		strbuf_puts(&sql->sql, ")");
	}
	if (filter->has_to) {
		strbuf_puts(&sql->sql, " AND t.created < ((");
		sql_builder_param(sql, filter->to, NULL);
		strbuf_puts(&sql->sql, "::date + 1)::timestamp AT TIME ZONE ");
		sql_builder_param(sql, timezone, NULL);
		strbuf_puts(&sql->sql, ")");
	} else if (filter->has_from) {
		strbuf_puts(&sql->sql, " AND t.created <= now()");
	}
}


void
ticket_filter_where(const struct ticket_filter *filter, const struct actor *actor,
    const char *timezone, bool with_dates, struct sql_builder *sql)
{
	strbuf_puts(&sql->sql, " WHERE true");
	scope_sql_ticket(sql, actor, "t");

	if (filter->agencies[0] != NULL) {
		strbuf_puts(&sql->sql, " AND t.agency_uids && ");
		array_param(sql, filter->agencies);
		strbuf_puts(&sql->sql, "::uuid[]");
	}
	if (filter->status != NULL) {
		strbuf_puts(&sql->sql, " AND t.status = ");
		sql_builder_param(sql, filter->status, NULL);
	}
	if (filter->locations[0] != NULL) {
		strbuf_puts(&sql->sql, " AND t.city_folded = ANY (");
		array_param(sql, filter->folded_locations);
		strbuf_puts(&sql->sql, "::text[])");
	}
	if (with_dates)
		ticket_filter_dates(filter, timezone, sql);
	if (filter->call_purposes[0] != NULL) {
		strbuf_puts(&sql->sql, " AND t.call_purpose_folded = ANY (");
		array_param(sql, filter->folded_call_purposes);
		strbuf_puts(&sql->sql, "::text[])");
	}
	if (filter->active_providers != NULL && filter->active_providers[0] != NULL) {
		strbuf_puts(&sql->sql, " AND t.assignee_provider_uid = ANY (");
		array_param(sql, filter->active_providers);
		strbuf_puts(&sql->sql, "::uuid[])");
	}
	if (filter->has_intervention)
		strbuf_puts(&sql->sql, filter->intervention ? " AND t.intervention" :
		    " AND NOT t.intervention");
	for (size_t i = 0; i < filter->fulltext_count; i++)
		fulltext_condition(filter->fulltext[i], sql);
}
