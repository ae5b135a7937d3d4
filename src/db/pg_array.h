/*
 * PostgreSQL array literals: the text form of an array parameter, such as
 * $1::text[] or $1::uuid[], sent out of line like any other parameter.
 */
#ifndef PERFIMMO_PG_ARRAY_H
#define PERFIMMO_PG_ARRAY_H

#include <stddef.h>

#include "common/strbuf.h"

/*
 * Appends to OUT the array literal of ITEMS: the first COUNT of them, or
 * fewer when a NULL item comes first, so that a NULL-terminated list may
 * pass SIZE_MAX.  Each item is double-quoted with '"' and '\' escaped, so
 * any text comes back from PostgreSQL unchanged.
 */
void pg_array_literal(struct strbuf *out, const char *const *items, size_t count);

#endif
