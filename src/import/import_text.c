/* Encoding detection and conversion of imported files. */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "import_text.h"

#define REEXPORT_FR "réenregistrez-le depuis le tableur au format « CSV UTF-8 (délimité par des virgules) »"
#define REEXPORT_EN "save it again from the spreadsheet as \"CSV UTF-8 (comma delimited)\""


const char *
import_encoding_name(enum import_encoding encoding)
{
	switch (encoding) {
	case IMPORT_UTF8_BOM:
		return "UTF-8 (BOM)";
	case IMPORT_WINDOWS_1252:
		return "Windows-1252";
	case IMPORT_UTF8:
		break;
	}
	return "UTF-8";
}


static bool
starts_with(const char *bytes, size_t len, const char *prefix, size_t prefix_len)
{
	return len >= prefix_len && memcmp(bytes, prefix, prefix_len) == 0;
}


/*
 * True when valid UTF-8 text contains the marks of a double conversion: a
 * Windows-1252 or Latin-1 reading of UTF-8 bytes saved again as UTF-8.
 * "é" then reads "Ã©" (C3 83 C2 A9) and "’" reads "â€™" (C3 A2 E2 82 AC).
 */
static bool
looks_garbled(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;

	for (size_t i = 0; i + 3 < len; i++) {
		if (s[i] != 0xC3)
			continue;
		if ((s[i + 1] == 0x82 || s[i + 1] == 0x83) && s[i + 2] == 0xC2 &&
		    s[i + 3] >= 0x80 && s[i + 3] <= 0xBF)
			return true;
		if ((s[i + 1] == 0x83 || s[i + 1] == 0xA2) && s[i + 2] == 0xE2 && s[i + 3] == 0x82)
			return true;
	}
	return false;
}


/* Converts Windows-1252 BYTES to UTF-8 into OUT; false on an undefined byte. */
static bool
from_windows_1252(const char *bytes, size_t len, struct import_text *out)
{
	iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
	size_t room = len * 3 + 1;
	char *in = (char *)bytes, *buffer, *cursor;
	size_t in_left = len, out_left = room;

	if (cd == (iconv_t)-1)
		abort();
	buffer = malloc(room);
	if (buffer == NULL)
		abort();
	cursor = buffer;
	if (iconv(cd, &in, &in_left, &cursor, &out_left) == (size_t)-1) {
		iconv_close(cd);
		free(buffer);
		return false;
	}
	iconv_close(cd);
	*cursor = '\0';
	out->data = buffer;
	out->len = (size_t)(cursor - buffer);
	out->encoding = IMPORT_WINDOWS_1252;
	return true;
}


bool
import_text_decode(const char *bytes, size_t len, struct import_text *out,
    struct error *err)
{
	memset(out, 0, sizeof(out[0]));
	out->encoding = IMPORT_UTF8;

	if (starts_with(bytes, len, "\xFF\xFE", 2) || starts_with(bytes, len, "\xFE\xFF", 2))
		return error_set(err, ERR_BAD_REQUEST,
		    "fichier en UTF-16 (« Texte Unicode ») : " REEXPORT_FR,
		    "UTF-16 file (\"Unicode Text\"): " REEXPORT_EN);
	if (memchr(bytes, '\0', len) != NULL)
		return error_set(err, ERR_BAD_REQUEST,
		    "octet nul dans le fichier : ce n'est pas un fichier texte CSV ; " REEXPORT_FR,
		    "NUL byte in the file: not a CSV text file; " REEXPORT_EN);
	if (starts_with(bytes, len, "\xEF\xBB\xBF", 3)) {
		bytes += 3;
		len -= 3;
		out->encoding = IMPORT_UTF8_BOM;
	}

	if (u8_check((const uint8_t *)bytes, len) != NULL) {
		if (out->encoding == IMPORT_UTF8_BOM || !from_windows_1252(bytes, len, out))
			return error_set(err, ERR_BAD_REQUEST,
			    "ni UTF-8 ni Windows-1252 valide : " REEXPORT_FR,
			    "neither valid UTF-8 nor Windows-1252: " REEXPORT_EN);
		return true;
	}
	if (looks_garbled(bytes, len))
		return error_set(err, ERR_BAD_REQUEST,
		    "texte déjà mal converti (« Ã© » au lieu de « é ») : "
		    "repartez du fichier d'origine et " REEXPORT_FR,
		    "text already garbled by a wrong conversion (\"Ã©\" for \"é\"): "
		    "start again from the original file and " REEXPORT_EN);

	out->data = malloc(len + 1);
	if (out->data == NULL)
		abort();
	memcpy(out->data, bytes, len);
	out->data[len] = '\0';
	out->len = len;
	return true;
}
