/* Text folding, kept identical to perfimmo_ext.fold() in sql/meta/002_fold.sql. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unistr.h>

#include "fold.h"

/* Replacement of each code point U+00C0-U+00FF, or NULL to keep it. */
static const char *const latin1_folds[64] = {
	/* U+00C0 À Á Â Ã Ä Å Æ Ç */
	"a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00C8 È É Ê Ë Ì Í Î Ï */
	"e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00D0 Ð Ñ Ò Ó Ô Õ Ö × */
	NULL, "n", "o", "o", "o", "o", "o", NULL,
	/* U+00D8 Ø Ù Ú Û Ü Ý Þ ß */
	NULL, "u", "u", "u", "u", "y", NULL, NULL,
	/* U+00E0 à á â ã ä å æ ç */
	"a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00E8 è é ê ë ì í î ï */
	"e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 ð ñ ò ó ô õ ö ÷ */
	NULL, "n", "o", "o", "o", "o", "o", NULL,
	/* U+00F8 ø ù ú û ü ý þ ÿ */
	NULL, "u", "u", "u", "u", "y", NULL, "y",
};


/* Characters with the Unicode White_Space property. */
static bool
is_white_space(ucs4_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85
	    || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
	    || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
	    || c == 0x3000;
}


/* Returns the ASCII replacement of C, or NULL to keep C as it is. */
static const char *
fold_char(ucs4_t c)
{
	/* Lowercase letters as 2-byte strings, so no buffer is shared between threads. */
	static const char lowercase[] =
	    "a\0b\0c\0d\0e\0f\0g\0h\0i\0j\0k\0l\0m\0"
	    "n\0o\0p\0q\0r\0s\0t\0u\0v\0w\0x\0y\0z";

	if (c == '-' || c == '\'' || c == 0x2019)
		return " ";
	if (c >= 'A' && c <= 'Z')
		return lowercase + 2 * (c - 'A');
	if (c >= 0xC0 && c <= 0xFF)
		return latin1_folds[c - 0xC0];
	if (c == 0x152 || c == 0x153)
		return "oe";
	if (c == 0x178)
		return "y";
	return NULL;
}


/* Folds the NFC text IN into OUT, which has LEN + 1 bytes because no replacement
 * is longer than the UTF-8 form it replaces. */
static void
fold_normalised(const uint8_t *in, size_t len, char *out)
{
	const uint8_t *end = in + len;
	size_t n = 0;
	bool in_space_run = false;

	while (in < end) {
		ucs4_t c;
		int size = u8_mbtouc_unsafe(&c, in, (size_t)(end - in));
		const char *folded;

		if (is_white_space(c)) {
			if (!in_space_run)
				out[n++] = ' ';
			in_space_run = true;
			in += size;
			continue;
		}
		in_space_run = false;

		folded = fold_char(c);
		if (folded != NULL) {
			memcpy(out + n, folded, strlen(folded));
			n += strlen(folded);
		} else {
			memcpy(out + n, in, (size_t)size);
			n += (size_t)size;
		}
		in += size;
	}
	out[n] = '\0';
}


char *
fold_text(const char *s, size_t len)
{
	const uint8_t *bytes = (const uint8_t *)s;
	uint8_t *nfc;
	size_t nfc_len = 0;
	char *out;

	if (u8_check(bytes, len) != NULL || memchr(s, '\0', len) != NULL)
		return NULL;

	/* Empty input needs no normalisation. */
	if (len == 0)
		return strdup("");
	nfc = u8_normalize(UNINORM_NFC, bytes, len, NULL, &nfc_len);
	if (nfc == NULL)
		return NULL;

	out = malloc(nfc_len + 1);
	if (out != NULL)
		fold_normalised(nfc, nfc_len, out);
	free(nfc);
	return out;
}
