/* Strict RFC 8259 scanner that builds json-c objects as it validates. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "json_strict.h"

struct scanner {
	const unsigned char *bytes;
	size_t len;
	size_t pos;
	int depth;

	/* Decoded text of the current string or number literal. */
	char *buf;
	size_t buf_len;
	size_t buf_size;

	struct error *err;
};

static bool scan_value(struct scanner *sc, struct json_object **out);


/* Sets ERR_INVALID_JSON with the current offset and the reason in both languages. */
static bool
scan_fail(struct scanner *sc, const char *reason_fr, const char *reason_en)
{
	return error_set(sc->err, ERR_INVALID_JSON,
	    "JSON invalide à l'octet %zu : %s%.0s",
	    "invalid JSON at byte %zu: %.0s%s",
	    sc->pos, reason_fr, reason_en);
}


static bool
scan_fail_memory(struct scanner *sc)
{
	return error_set(sc->err, ERR_INTERNAL,
	    "mémoire insuffisante pour lire le JSON",
	    "out of memory while reading JSON");
}


static bool
buf_append(struct scanner *sc, const void *data, size_t n)
{
	if (sc->buf_size - sc->buf_len <= n) {
		size_t size = sc->buf_size ? sc->buf_size : 256;
		char *grown;

		while (size - sc->buf_len <= n)
			size *= 2;
		grown = realloc(sc->buf, size);
		if (grown == NULL)
			return scan_fail_memory(sc);
		sc->buf = grown;
		sc->buf_size = size;
	}

	memcpy(sc->buf + sc->buf_len, data, n);
	sc->buf_len += n;
	sc->buf[sc->buf_len] = '\0';
	return true;
}


/* RFC 8259 §2: insignificant whitespace is space, tab, LF and CR only. */
static void
skip_whitespace(struct scanner *sc)
{
	while (sc->pos < sc->len) {
		unsigned char c = sc->bytes[sc->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		sc->pos++;
	}
}


static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}


/* Reads the 4 hex digits after "\u" at sc->pos into *UNIT. */
static bool
scan_hex4(struct scanner *sc, unsigned *unit)
{
	*unit = 0;
	for (int i = 0; i < 4; i++) {
		int digit;

		if (sc->pos >= sc->len)
			return scan_fail(sc, "échappement \\u tronqué",
			    "truncated \\u escape");
		digit = hex_value(sc->bytes[sc->pos]);
		if (digit < 0)
			return scan_fail(sc,
			    "échappement \\u sans 4 chiffres hexadécimaux",
			    "\\u escape without 4 hexadecimal digits");
		*unit = *unit * 16 + (unsigned)digit;
		sc->pos++;
	}
	return true;
}


/* Decodes a \uXXXX escape (a surrogate pair takes two) at the backslash. */
static bool
scan_unicode_escape(struct scanner *sc)
{
	size_t start = sc->pos;
	unsigned unit, low;
	uint8_t utf8[4];
	int n;

	sc->pos += 2;
	if (!scan_hex4(sc, &unit))
		return false;

	if (unit == 0) {
		sc->pos = start;
		return scan_fail(sc, "caractère NUL (\\u0000) interdit",
		    "NUL character (\\u0000) not allowed");
	}
	if (unit >= 0xDC00 && unit <= 0xDFFF) {
		sc->pos = start;
		return scan_fail(sc, "demi-codet de substitution bas isolé",
		    "lone low surrogate escape");
	}

	if (unit >= 0xD800 && unit <= 0xDBFF) {
		if (sc->len - sc->pos < 2 || sc->bytes[sc->pos] != '\\'
		    || sc->bytes[sc->pos + 1] != 'u') {
			sc->pos = start;
			return scan_fail(sc,
			    "demi-codet de substitution haut isolé",
			    "lone high surrogate escape");
		}
		sc->pos += 2;
		if (!scan_hex4(sc, &low))
			return false;
		if (low < 0xDC00 || low > 0xDFFF) {
			sc->pos = start;
			return scan_fail(sc,
			    "demi-codet de substitution haut isolé",
			    "lone high surrogate escape");
		}
		unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
	}

	n = u8_uctomb(utf8, unit, sizeof(utf8));
	return buf_append(sc, utf8, (size_t)n);
}


/* Decodes one escape sequence starting at the backslash. */
static bool
scan_escape(struct scanner *sc)
{
	char decoded;

	if (sc->pos + 1 >= sc->len)
		return scan_fail(sc, "chaîne non terminée",
		    "unterminated string");

	switch (sc->bytes[sc->pos + 1]) {
	case '"': decoded = '"'; break;
	case '\\': decoded = '\\'; break;
	case '/': decoded = '/'; break;
	case 'b': decoded = '\b'; break;
	case 'f': decoded = '\f'; break;
	case 'n': decoded = '\n'; break;
	case 'r': decoded = '\r'; break;
	case 't': decoded = '\t'; break;
	case 'u': return scan_unicode_escape(sc);
	default:
		return scan_fail(sc, "séquence d'échappement inconnue",
		    "unknown escape sequence");
	}

	sc->pos += 2;
	return buf_append(sc, &decoded, 1);
}


/* Copies one well-formed multi-byte UTF-8 character (Unicode table 3-7). */
static bool
scan_utf8_char(struct scanner *sc)
{
	ucs4_t uc;
	int n;

	n = u8_mbtoucr(&uc, sc->bytes + sc->pos, sc->len - sc->pos);
	if (n < 0)
		return scan_fail(sc, "UTF-8 invalide", "invalid UTF-8");

	if (!buf_append(sc, sc->bytes + sc->pos, (size_t)n))
		return false;
	sc->pos += (size_t)n;
	return true;
}


/* Decodes the string at sc->pos (on its quote) into sc->buf. */
static bool
scan_string(struct scanner *sc)
{
	sc->buf_len = 0;
	if (!buf_append(sc, "", 0))
		return false;
	sc->pos++;

	for (;;) {
		unsigned char c;

		if (sc->pos >= sc->len)
			return scan_fail(sc, "chaîne non terminée",
			    "unterminated string");
		c = sc->bytes[sc->pos];

		if (c == '"') {
			sc->pos++;
			return true;
		}
		if (c == '\\') {
			if (!scan_escape(sc))
				return false;
			continue;
		}
		if (c == 0)
			return scan_fail(sc,
			    "octet NUL interdit dans une chaîne",
			    "NUL byte not allowed in a string");
		if (c < 0x20)
			return scan_fail(sc,
			    "caractère de contrôle non échappé dans une chaîne",
			    "unescaped control character in a string");
		if (c >= 0x80) {
			if (!scan_utf8_char(sc))
				return false;
			continue;
		}

		if (!buf_append(sc, &c, 1))
			return false;
		sc->pos++;
	}
}


static bool
is_digit_at(const struct scanner *sc, size_t pos)
{
	return pos < sc->len && sc->bytes[pos] >= '0' && sc->bytes[pos] <= '9';
}


/* Skips one or more digits, failing with REASON when there is none. */
static bool
scan_digits(struct scanner *sc, const char *reason_fr, const char *reason_en)
{
	if (!is_digit_at(sc, sc->pos))
		return scan_fail(sc, reason_fr, reason_en);
	while (is_digit_at(sc, sc->pos))
		sc->pos++;
	return true;
}


/* Builds the json-c value of the number literal now in sc->buf. */
static bool
build_number(struct scanner *sc, bool is_integer, struct json_object **out)
{
	if (is_integer) {
		long long value;
		char *end;

		errno = 0;
		value = strtoll(sc->buf, &end, 10);
		if (errno == 0 && *end == '\0') {
			*out = json_object_new_int64((int64_t)value);
			return *out != NULL || scan_fail_memory(sc);
		}
	}

	/* Out-of-range integers land here too, so they are never clamped. */
	*out = json_object_new_double_s(strtod(sc->buf, NULL), sc->buf);
	return *out != NULL || scan_fail_memory(sc);
}


/* RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
scan_number(struct scanner *sc, struct json_object **out)
{
	size_t start = sc->pos;
	bool is_integer = true;

	if (sc->bytes[sc->pos] == '-')
		sc->pos++;
	if (sc->pos < sc->len && sc->bytes[sc->pos] == '0') {
		sc->pos++;
		if (is_digit_at(sc, sc->pos))
			return scan_fail(sc, "zéro non significatif interdit",
			    "leading zero not allowed");
	} else if (!scan_digits(sc, "chiffre attendu", "digit expected")) {
		return false;
	}

	if (sc->pos < sc->len && sc->bytes[sc->pos] == '.') {
		is_integer = false;
		sc->pos++;
		if (!scan_digits(sc, "chiffre attendu après le point décimal",
		    "digit expected after the decimal point"))
			return false;
	}

	if (sc->pos < sc->len
	    && (sc->bytes[sc->pos] == 'e' || sc->bytes[sc->pos] == 'E')) {
		is_integer = false;
		sc->pos++;
		if (sc->pos < sc->len
		    && (sc->bytes[sc->pos] == '+' || sc->bytes[sc->pos] == '-'))
			sc->pos++;
		if (!scan_digits(sc, "chiffre attendu dans l'exposant",
		    "digit expected in the exponent"))
			return false;
	}

	sc->buf_len = 0;
	if (!buf_append(sc, sc->bytes + start, sc->pos - start))
		return false;
	return build_number(sc, is_integer, out);
}


/* Matches the exact lowercase literal WORD (true, false or null). */
static bool
scan_literal(struct scanner *sc, const char *word)
{
	size_t n = strlen(word);

	if (sc->len - sc->pos < n || memcmp(sc->bytes + sc->pos, word, n) != 0)
		return scan_fail(sc, "valeur JSON attendue",
		    "JSON value expected");
	sc->pos += n;
	return true;
}


static bool
enter_container(struct scanner *sc)
{
	if (sc->depth >= JSON_STRICT_MAX_DEPTH)
		return scan_fail(sc,
		    "imbrication trop profonde (32 niveaux au plus)",
		    "nesting too deep (at most 32 levels)");
	sc->depth++;
	sc->pos++;
	return true;
}


/* Fails when KEY, which has no NUL byte, is already a member of OBJECT. */
static bool
check_duplicate_key(struct scanner *sc, struct json_object *object,
    const char *key, size_t key_offset)
{
	if (!json_object_object_get_ex(object, key, NULL))
		return true;

	sc->pos = key_offset;
	return scan_fail(sc, "clé en double dans un objet",
	    "duplicate key in an object");
}


/* Reads one "key": value member into OBJECT. */
static bool
scan_member(struct scanner *sc, struct json_object *object)
{
	size_t key_offset = sc->pos;
	struct json_object *value = NULL;
	char *key;

	if (sc->pos >= sc->len || sc->bytes[sc->pos] != '"')
		return scan_fail(sc, "clé entre guillemets doubles attendue",
		    "key in double quotes expected");
	if (!scan_string(sc))
		return false;
	if (!check_duplicate_key(sc, object, sc->buf, key_offset))
		return false;

	/* The value reuses sc->buf, so the key needs its own copy. */
	key = strdup(sc->buf);
	if (key == NULL)
		return scan_fail_memory(sc);

	skip_whitespace(sc);
	if (sc->pos >= sc->len || sc->bytes[sc->pos] != ':') {
		free(key);
		return scan_fail(sc, "« : » attendu après la clé",
		    "':' expected after the key");
	}
	sc->pos++;

	if (!scan_value(sc, &value)) {
		json_object_put(value);
		free(key);
		return false;
	}
	if (json_object_object_add(object, key, value) != 0) {
		json_object_put(value);
		free(key);
		return scan_fail_memory(sc);
	}
	free(key);
	return true;
}


static bool
scan_object(struct scanner *sc, struct json_object **out)
{
	if (!enter_container(sc))
		return false;
	*out = json_object_new_object();
	if (*out == NULL)
		return scan_fail_memory(sc);

	skip_whitespace(sc);
	if (sc->pos < sc->len && sc->bytes[sc->pos] == '}') {
		sc->pos++;
		sc->depth--;
		return true;
	}

	for (;;) {
		skip_whitespace(sc);
		if (!scan_member(sc, *out))
			return false;

		skip_whitespace(sc);
		if (sc->pos < sc->len && sc->bytes[sc->pos] == ',') {
			sc->pos++;
			continue;
		}
		if (sc->pos < sc->len && sc->bytes[sc->pos] == '}') {
			sc->pos++;
			sc->depth--;
			return true;
		}
		return scan_fail(sc, "« , » ou « } » attendu",
		    "',' or '}' expected");
	}
}


static bool
scan_array(struct scanner *sc, struct json_object **out)
{
	if (!enter_container(sc))
		return false;
	*out = json_object_new_array();
	if (*out == NULL)
		return scan_fail_memory(sc);

	skip_whitespace(sc);
	if (sc->pos < sc->len && sc->bytes[sc->pos] == ']') {
		sc->pos++;
		sc->depth--;
		return true;
	}

	for (;;) {
		struct json_object *item = NULL;

		if (!scan_value(sc, &item)) {
			json_object_put(item);
			return false;
		}
		if (json_object_array_add(*out, item) != 0) {
			json_object_put(item);
			return scan_fail_memory(sc);
		}

		skip_whitespace(sc);
		if (sc->pos < sc->len && sc->bytes[sc->pos] == ',') {
			sc->pos++;
			continue;
		}
		if (sc->pos < sc->len && sc->bytes[sc->pos] == ']') {
			sc->pos++;
			sc->depth--;
			return true;
		}
		return scan_fail(sc, "« , » ou « ] » attendu",
		    "',' or ']' expected");
	}
}


/*
 * Reads one value after optional whitespace.  On failure *OUT may hold a
 * partly built container, which the caller releases.
 */
static bool
scan_value(struct scanner *sc, struct json_object **out)
{
	unsigned char c;

	skip_whitespace(sc);
	if (sc->pos >= sc->len)
		return scan_fail(sc, "valeur JSON attendue, fin des données",
		    "JSON value expected, end of data");
	c = sc->bytes[sc->pos];

	switch (c) {
	case '{':
		return scan_object(sc, out);
	case '[':
		return scan_array(sc, out);
	case '"':
		if (!scan_string(sc))
			return false;
		*out = json_object_new_string_len(sc->buf, (int)sc->buf_len);
		return *out != NULL || scan_fail_memory(sc);
	case 't':
		if (!scan_literal(sc, "true"))
			return false;
		*out = json_object_new_boolean(1);
		return *out != NULL || scan_fail_memory(sc);
	case 'f':
		if (!scan_literal(sc, "false"))
			return false;
		*out = json_object_new_boolean(0);
		return *out != NULL || scan_fail_memory(sc);
	case 'n':
		/* A JSON null is a NULL json-c object. */
		return scan_literal(sc, "null");
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return scan_number(sc, out);
		return scan_fail(sc, "valeur JSON attendue",
		    "JSON value expected");
	}
}


/* Reads the whole document and checks what surrounds the value. */
static bool
scan_document(struct scanner *sc, struct json_object **out)
{
	if (sc->len >= 3 && memcmp(sc->bytes, "\xEF\xBB\xBF", 3) == 0)
		return scan_fail(sc,
		    "marque d'ordre des octets (BOM) interdite",
		    "byte order mark (BOM) not allowed");

	if (!scan_value(sc, out))
		return false;

	skip_whitespace(sc);
	if (sc->pos < sc->len)
		return scan_fail(sc, "données en trop après le document",
		    "unexpected data after the document");

	if (!json_object_is_type(*out, json_type_object)) {
		sc->pos = 0;
		return scan_fail(sc, "le document doit être un objet JSON",
		    "the document must be a JSON object");
	}
	return true;
}


struct json_object *
json_strict_parse(const char *body, size_t len, struct error *err)
{
	struct scanner sc = {
		.bytes = (const unsigned char *)body,
		.len = body != NULL ? len : 0,
		.err = err,
	};
	struct json_object *root = NULL;

	/* json-c string lengths are ints. */
	if (len > INT32_MAX) {
		error_set(err, ERR_INVALID_JSON, "document JSON trop grand",
		    "JSON document too large");
		return NULL;
	}

	if (!scan_document(&sc, &root)) {
		json_object_put(root);
		root = NULL;
	}
	free(sc.buf);
	return root;
}
