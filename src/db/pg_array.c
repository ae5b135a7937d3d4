/* PostgreSQL array literals of text items. */
#include "pg_array.h"


void
pg_array_literal(struct strbuf *out, const char *const *items, size_t count)
{
	strbuf_puts(out, "{");
	for (size_t i = 0; i < count && items[i] != NULL; i++) {
		strbuf_puts(out, i > 0 ? ",\"" : "\"");
		for (const char *c = items[i]; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_append(out, "\\", 1);
			strbuf_append(out, c, 1);
		}
		strbuf_puts(out, "\"");
	}
	strbuf_puts(out, "}");
}
