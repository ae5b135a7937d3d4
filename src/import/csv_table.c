/* CSV reading with libcsv: cells and rows with their line numbers. */
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csv_table.h"

struct reader {
	struct csv_table *table;
	struct csv_row current;
	size_t cell_room;
	size_t row_room;
	long line;			/* line the parser is on */
	long row_start;			/* line where the current row began, 0 before its first cell */
	char separator;
};


char
csv_table_separator(const char *text, size_t len)
{
	size_t semicolons = 0, commas = 0, tabs = 0;
	bool quoted = false;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '\n' || c == '\r'))
			break;
		else if (!quoted && c == ';')
			semicolons++;
		else if (!quoted && c == ',')
			commas++;
		else if (!quoted && c == '\t')
			tabs++;
	}
	if (tabs > semicolons && tabs > commas)
		return '\t';
	return commas > semicolons ? ',' : ';';
}


/*
 * Copies a cell without its padding spaces and tabs, and with each line
 * break inside it (CR LF or a lone CR) made LF.  The derived uids of a row
 * hash its cells, so a file saved again with other line breaks keeps them.
 */
static char *
cell_copy(const char *s, size_t len)
{
	char *copy;
	size_t length = 0;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	copy = malloc(len + 1);
	if (copy == NULL)
		abort();
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r') {
			copy[length++] = '\n';
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
		} else {
			copy[length++] = s[i];
		}
	}
	copy[length] = '\0';
	return copy;
}


static void
on_cell(void *bytes, size_t len, void *data)
{
	struct reader *reader = data;
	struct csv_row *row = &reader->current;

	if (reader->row_start == 0)
		reader->row_start = reader->line;
	if (row->count == reader->cell_room) {
		reader->cell_room = reader->cell_room == 0 ? 8 : reader->cell_room * 2;
		row->cells = realloc(row->cells, reader->cell_room * sizeof(*row->cells));
		if (row->cells == NULL)
			abort();
	}
	row->cells[row->count++] = cell_copy(bytes != NULL ? bytes : "", bytes != NULL ? len : 0);
}


static bool
row_is_blank(const struct csv_row *row)
{
	for (size_t i = 0; i < row->count; i++)
		if (row->cells[i][0] != '\0')
			return false;
	return true;
}


static void
drop_row(struct csv_row *row)
{
	for (size_t i = 0; i < row->count; i++)
		free(row->cells[i]);
	free(row->cells);
}


static void
on_row(int terminator, void *data)
{
	struct reader *reader = data;
	struct csv_table *table = reader->table;

	(void)terminator;
	if (row_is_blank(&reader->current)) {
		drop_row(&reader->current);
	} else {
		if (table->count == reader->row_room) {
			reader->row_room = reader->row_room == 0 ? 64 : reader->row_room * 2;
			table->rows = realloc(table->rows, reader->row_room * sizeof(*table->rows));
			if (table->rows == NULL)
				abort();
		}
		reader->current.line = reader->row_start;
		table->rows[table->count++] = reader->current;
	}
	memset(&reader->current, 0, sizeof(reader->current));
	reader->cell_room = 0;
	reader->row_start = 0;
}


/* Treats only spaces as padding, so a tab separator is never trimmed away. */
static int
is_space(unsigned char c)
{
	return c == ' ';
}


/*
 * Returns the end of the line that begins at START: just after its line
 * break, which is LF, CR LF or a lone CR.  libcsv ends a row on a lone CR
 * too, and spreadsheets for the classic Mac OS save files with CR only.
 */
static size_t
line_end(const char *text, size_t start, size_t len)
{
	for (size_t i = start; i < len; i++) {
		if (text[i] == '\n')
			return i + 1;
		if (text[i] == '\r')
			return i + 1 < len && text[i + 1] == '\n' ? i + 2 : i + 1;
	}
	return len;
}


/*
 * Feeds TEXT to libcsv one line at a time, so the line a row starts on is
 * known when its first cell arrives (a quoted cell's line breaks included).
 */
static bool
parse_lines(struct csv_parser *parser, struct reader *reader, const char *text,
    size_t len, struct error *err)
{
	size_t start = 0;

	while (start < len) {
		size_t end = line_end(text, start, len);

		reader->line++;
		if (csv_parse(parser, text + start, end - start, on_cell, on_row, reader) != end - start)
			return error_set(err, ERR_BAD_REQUEST,
			    "ligne %ld : guillemet mal placé ou non fermé (%s)",
			    "line %ld: misplaced or unclosed quote (%s)",
			    reader->line, csv_strerror(csv_error(parser)));
		start = end;
	}
	if (csv_fini(parser, on_cell, on_row, reader) != 0)
		return error_set(err, ERR_BAD_REQUEST,
		    "ligne %ld : guillemet ouvert jusqu'à la fin du fichier",
		    "line %ld: quote left open up to the end of the file", reader->line);
	return true;
}


bool
csv_table_read(const char *text, size_t len, struct csv_table *table,
    struct error *err)
{
	struct csv_parser parser;
	struct reader reader;
	bool ok;

	memset(table, 0, sizeof(*table));
	memset(&reader, 0, sizeof(reader));
	reader.table = table;
	table->separator = csv_table_separator(text, len);

	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		abort();
	csv_set_delim(&parser, (unsigned char)table->separator);
	csv_set_space_func(&parser, is_space);

	ok = parse_lines(&parser, &reader, text, len, err);
	csv_free(&parser);
	drop_row(&reader.current);
	if (ok && table->count == 0)
		ok = error_set(err, ERR_BAD_REQUEST, "fichier vide : il faut au moins la ligne d'en-tête",
		    "empty file: the header line is needed at least");
	if (!ok)
		csv_table_free(table);
	return ok;
}


void
csv_table_free(struct csv_table *table)
{
	for (size_t i = 0; i < table->count; i++)
		drop_row(&table->rows[i]);
	free(table->rows);
	memset(table, 0, sizeof(*table));
}
