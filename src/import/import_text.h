/*
 * The character encoding of an imported file.  Spreadsheet exports come as
 * UTF-8 (with or without a byte order mark) or as Windows-1252; anything
 * else is refused with a message saying how to export the file again, so
 * no garbled text ("Ã©" for "é") is ever imported.
 */
#ifndef PERFIMMO_IMPORT_TEXT_H
#define PERFIMMO_IMPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

enum import_encoding {
	IMPORT_UTF8,
	IMPORT_UTF8_BOM,
	IMPORT_WINDOWS_1252,
};

struct import_text {
	char *data;			/* UTF-8, NUL-terminated, no BOM; caller frees */
	size_t len;
	enum import_encoding encoding;	/* what the file was */
};

/*
 * Decodes the LEN bytes of a file into OUT.  Valid UTF-8 is kept as it is
 * (its BOM removed); other bytes are read as Windows-1252 and converted
 * with iconv.  Refused with ERR (400 BadRequest, both languages): UTF-16
 * and UTF-32 files, NUL bytes, bytes Windows-1252 leaves undefined, and
 * UTF-8 that contains text already garbled by a wrong conversion.
 */
bool import_text_decode(const char *bytes, size_t len, struct import_text *out,
    struct error *err);

/* The name of an encoding for messages: "UTF-8", "Windows-1252"... */
const char *import_encoding_name(enum import_encoding encoding);

#endif
