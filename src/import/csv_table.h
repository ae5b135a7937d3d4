/*
 * A CSV file as rows of UTF-8 cells, read with libcsv.  The separator is
 * `;`, `,` or a tab, whichever the header line uses most; quoted cells may
 * hold separators, quotes ("") and line breaks.
 */
#ifndef PERFIMMO_CSV_TABLE_H
#define PERFIMMO_CSV_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct csv_row {
	long line;			/* line of the file where the row starts: the header's is 1 */
	char **cells;			/* trimmed, line breaks as LF, NUL-terminated */
	size_t count;
};

struct csv_table {
	char separator;
	struct csv_row *rows;		/* rows[0] is the header */
	size_t count;
};

/*
 * Reads the UTF-8 TEXT (LEN bytes) into TABLE.  Blank lines are skipped.
 * Returns false with ERR (400 BadRequest) on a quote left open or a stray
 * quote, naming the line, or when the file has no header line.
 */
bool csv_table_read(const char *text, size_t len, struct csv_table *table,
    struct error *err);

/* Picks the separator of the first line of TEXT outside quotes: `;`, `,` or tab. */
char csv_table_separator(const char *text, size_t len);

void csv_table_free(struct csv_table *table);

#endif
