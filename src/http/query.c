/* Query-string decoding and typed parameter accessors. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "query.h"

/* Maximum length of a client parameter name quoted in a message, in bytes. */
#define NAME_QUOTE_MAX 40

struct query_param {
	char *name;
	char *value;
};

struct query {
	struct query_param *params;
	size_t count;
	size_t size;
};


/* Copies at most NAME_QUOTE_MAX bytes of NAME without cutting a UTF-8 character. */
static void
quote_name(const char *name, char out[NAME_QUOTE_MAX + 4])
{
	size_t len = strlen(name);

	if (len <= NAME_QUOTE_MAX) {
		memcpy(out, name, len + 1);
		return;
	}
	len = NAME_QUOTE_MAX;
	while (len > 0 && ((unsigned char)name[len] & 0xC0) == 0x80)
		len--;
	memcpy(out, name, len);
	memcpy(out + len, "...", 4);
}


/* Sets ERR to TYPE with "paramètre « NAME » : REASON" in both languages. */
static bool
fail_param(struct error *err, enum error_type type, const char *name,
    const char *reason_fr, const char *reason_en)
{
	char quoted[NAME_QUOTE_MAX + 4];

	quote_name(name, quoted);
	return error_set(err, type,
	    "paramètre « %s » : %s%.0s", "parameter \"%s\": %.0s%s",
	    quoted, reason_fr, reason_en);
}


/* Prefixes the message a types_ parser left in ERR with the parameter name. */
static bool
fail_param_value(struct error *err, const char *name)
{
	char reason_fr[ERROR_MESSAGE_MAX], reason_en[ERROR_MESSAGE_MAX];

	memcpy(reason_fr, err->message_fr, sizeof(reason_fr));
	memcpy(reason_en, err->message_en, sizeof(reason_en));
	return fail_param(err, ERR_BAD_REQUEST, name, reason_fr, reason_en);
}


static bool
fail_memory(struct error *err)
{
	return error_set(err, ERR_INTERNAL, "mémoire insuffisante",
	    "out of memory");
}


static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}


/*
 * Percent-decodes the LEN bytes at S, with `+` as a space, into a new
 * string of *OUT_LEN bytes (plus a NUL).  Returns NULL on an invalid `%`
 * escape, or on memory exhaustion with *NO_MEMORY set.
 */
static char *
percent_decode(const char *s, size_t len, size_t *out_len, bool *no_memory)
{
	char *out = malloc(len + 1);
	size_t n = 0;

	*no_memory = out == NULL;
	if (out == NULL)
		return NULL;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[n++] = ' ';
		} else if (s[i] != '%') {
			out[n++] = s[i];
		} else if (len - i > 2 && hex_value(s[i + 1]) >= 0
		    && hex_value(s[i + 2]) >= 0) {
			out[n++] = (char)(hex_value(s[i + 1]) * 16
			    + hex_value(s[i + 2]));
			i += 2;
		} else {
			free(out);
			return NULL;
		}
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}


/* Tells whether the N bytes at S are text a C string can hold: UTF-8 without NUL. */
static bool
is_clean_text(const char *s, size_t n)
{
	return memchr(s, '\0', n) == NULL
	    && u8_check((const uint8_t *)s, n) == NULL;
}


/* Decodes one "name=value" pair, naming the parameter when its value is invalid. */
static bool
decode_pair(const char *pair, size_t len, struct query_param *param,
    struct error *err)
{
	const char *equals = memchr(pair, '=', len);
	size_t name_len = equals != NULL ? (size_t)(equals - pair) : len;
	const char *raw_value = equals != NULL ? equals + 1 : pair + len;
	size_t raw_value_len = equals != NULL ? len - name_len - 1 : 0;
	size_t decoded_len = 0;
	bool no_memory;

	param->name = percent_decode(pair, name_len, &decoded_len, &no_memory);
	if (param->name == NULL && no_memory)
		return fail_memory(err);
	if (param->name == NULL || !is_clean_text(param->name, decoded_len))
		return error_set(err, ERR_BAD_REQUEST,
		    "nom de paramètre invalide dans la chaîne de requête "
		    "(séquence %% invalide, NUL ou UTF-8 invalide)",
		    "invalid parameter name in the query string "
		    "(invalid %% escape, NUL or invalid UTF-8)");

	param->value = percent_decode(raw_value, raw_value_len, &decoded_len,
	    &no_memory);
	if (param->value == NULL && no_memory)
		return fail_memory(err);
	if (param->value == NULL)
		return fail_param(err, ERR_BAD_REQUEST, param->name,
		    "séquence % invalide (% doit être suivi de 2 chiffres hexadécimaux)",
		    "invalid % escape (% must be followed by 2 hexadecimal digits)");
	if (memchr(param->value, '\0', decoded_len) != NULL)
		return fail_param(err, ERR_BAD_REQUEST, param->name,
		    "caractère NUL interdit", "NUL character not allowed");
	if (u8_check((const uint8_t *)param->value, decoded_len) != NULL)
		return fail_param(err, ERR_BAD_REQUEST, param->name,
		    "UTF-8 invalide", "invalid UTF-8");
	if (u8_mbsnlen((const uint8_t *)param->value, decoded_len) > QUERY_VALUE_MAX)
		return fail_param(err, ERR_BAD_REQUEST, param->name,
		    "plus de 10000 caractères", "more than 10000 characters");
	return true;
}


static bool
append_param(struct query *q, struct query_param *param, struct error *err)
{
	if (q->count == q->size) {
		size_t size = q->size ? q->size * 2 : 8;
		struct query_param *grown = realloc(q->params,
		    size * sizeof(*grown));

		if (grown == NULL)
			return fail_memory(err);
		q->params = grown;
		q->size = size;
	}
	q->params[q->count++] = *param;
	return true;
}


struct query *
query_parse(const char *query_string, struct error *err)
{
	struct query *q = calloc(1, sizeof(*q));
	const char *s = query_string != NULL ? query_string : "";

	if (q == NULL) {
		fail_memory(err);
		return NULL;
	}

	while (*s != '\0') {
		size_t len = strcspn(s, "&");
		struct query_param param = {NULL, NULL};

		if (!decode_pair(s, len, &param, err)) {
			free(param.name);
			free(param.value);
			query_free(q);
			return NULL;
		}

		/* Empty names are skipped and empty values read as absent. */
		if (param.name[0] == '\0' || param.value[0] == '\0') {
			free(param.name);
			free(param.value);
		} else if (!append_param(q, &param, err)) {
			free(param.name);
			free(param.value);
			query_free(q);
			return NULL;
		}

		s += len;
		if (*s == '&')
			s++;
	}
	return q;
}


void
query_free(struct query *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->count; i++) {
		free(q->params[i].name);
		free(q->params[i].value);
	}
	free(q->params);
	free(q);
}


bool
query_scalar(const struct query *q, const char *name, const char **value,
    struct error *err)
{
	*value = NULL;
	for (size_t i = 0; i < q->count; i++) {
		if (strcmp(q->params[i].name, name) != 0)
			continue;
		if (*value != NULL)
			return fail_param(err, ERR_BAD_REQUEST, name,
			    "paramètre répété, une seule valeur est admise",
			    "repeated parameter, only one value is allowed");
		*value = q->params[i].value;
	}
	return true;
}


/* Counts the comma-separated items of every NAME and the bytes they need. */
static bool
measure_list(const struct query *q, const char *name, size_t *count,
    size_t *bytes, struct error *err)
{
	*count = 0;
	*bytes = 0;
	for (size_t i = 0; i < q->count; i++) {
		const char *value = q->params[i].value;

		if (strcmp(q->params[i].name, name) != 0)
			continue;
		if (value[0] == ',' || value[strlen(value) - 1] == ','
		    || strstr(value, ",,") != NULL)
			return fail_param(err, ERR_BAD_REQUEST, name,
			    "élément vide dans la liste",
			    "empty item in the list");
		for (const char *c = value; *c != '\0'; c++)
			*count += *c == ',';
		(*count)++;
		*bytes += strlen(value) + 1;
		if (*count > QUERY_LIST_MAX)
			return fail_param(err, ERR_BAD_REQUEST, name,
			    "plus de 1000 éléments", "more than 1000 items");
	}
	return true;
}


bool
query_list(const struct query *q, const char *name, char ***items,
    size_t *count, struct error *err)
{
	size_t bytes, n = 0;
	char *text;

	*items = NULL;
	if (!measure_list(q, name, count, &bytes, err))
		return false;

	/* One block: the pointer array, then the NUL-separated items. */
	*items = malloc((*count + 1) * sizeof(char *) + bytes + 1);
	if (*items == NULL)
		return fail_memory(err);
	text = (char *)(*items + *count + 1);

	for (size_t i = 0; i < q->count; i++) {
		if (strcmp(q->params[i].name, name) != 0)
			continue;
		strcpy(text, q->params[i].value);
		for (char *item = text; item != NULL; ) {
			char *comma = strchr(item, ',');

			(*items)[n++] = item;
			if (comma != NULL)
				*comma++ = '\0';
			item = comma;
		}
		text += strlen(q->params[i].value) + 1;
	}
	(*items)[n] = NULL;
	return true;
}


bool
query_uuid_list(const struct query *q, const char *name, char ***items,
    size_t *count, struct error *err)
{
	if (!query_list(q, name, items, count, err))
		return false;

	/* A SafeUUID is 36 bytes long, so the lowercase form fits in place. */
	for (size_t i = 0; i < *count; i++) {
		char uuid[TYPES_UUID_SIZE];
		char *item = (*items)[i];

		if (!types_parse_uuid(item, strlen(item), uuid, err)) {
			free(*items);
			*items = NULL;
			return fail_param_value(err, name);
		}
		memcpy(item, uuid, sizeof(uuid));
	}
	return true;
}


bool
query_bool(const struct query *q, const char *name, bool *value,
    bool *present, struct error *err)
{
	const char *text;

	*present = false;
	if (!query_scalar(q, name, &text, err))
		return false;
	if (text == NULL)
		return true;

	if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
		return fail_param(err, ERR_BAD_REQUEST, name,
		    "doit valoir true ou false", "must be true or false");
	*value = text[0] == 't';
	*present = true;
	return true;
}


bool
query_uint(const struct query *q, const char *name, uint64_t max,
    uint64_t *value, bool *present, struct error *err)
{
	return query_uint_range(q, name, 0, max, value, present, err);
}


bool
query_uint_range(const struct query *q, const char *name, uint64_t min, uint64_t max,
    uint64_t *value, bool *present, struct error *err)
{
	char reason_fr[96], reason_en[96];
	const char *text;
	uint64_t result = 0;

	*present = false;
	if (!query_scalar(q, name, &text, err))
		return false;
	if (text == NULL)
		return true;

	for (const char *c = text; *c != '\0'; c++) {
		unsigned digit = (unsigned)(*c - '0');

		/* Checked before multiplying, so the value never wraps. */
		if (*c < '0' || *c > '9' || digit > max
		    || result > (max - digit) / 10)
			goto invalid;
		result = result * 10 + digit;
	}
	if (result < min)
		goto invalid;
	*value = result;
	*present = true;
	return true;

invalid:
	snprintf(reason_fr, sizeof(reason_fr),
	    "doit être un entier de %" PRIu64 " à %" PRIu64, min, max);
	snprintf(reason_en, sizeof(reason_en),
	    "must be an integer from %" PRIu64 " to %" PRIu64, min, max);
	return fail_param(err, ERR_BAD_REQUEST, name, reason_fr, reason_en);
}


bool
query_uuid(const struct query *q, const char *name,
    char out[TYPES_UUID_SIZE], bool *present, struct error *err)
{
	const char *text;

	*present = false;
	if (!query_scalar(q, name, &text, err))
		return false;
	if (text == NULL)
		return true;

	if (!types_parse_uuid(text, strlen(text), out, err))
		return fail_param_value(err, name);
	*present = true;
	return true;
}


bool
query_local_date(const struct query *q, const char *name,
    struct types_date *out, bool *present, struct error *err)
{
	const char *text;

	*present = false;
	if (!query_scalar(q, name, &text, err))
		return false;
	if (text == NULL)
		return true;

	if (!types_parse_local_date(text, strlen(text), out, err))
		return fail_param_value(err, name);
	*present = true;
	return true;
}


bool
query_datetime(const struct query *q, const char *name,
    int64_t *epoch_ms, bool *present, struct error *err)
{
	char fixed[64];
	const char *text;
	size_t len;

	*present = false;
	if (!query_scalar(q, name, &text, err))
		return false;
	if (text == NULL)
		return true;
	len = strlen(text);

	/* An unencoded `+` offset sign arrives as a space, 6 bytes from the end. */
	if (len >= 6 && len < sizeof(fixed) && text[len - 6] == ' ') {
		memcpy(fixed, text, len + 1);
		fixed[len - 6] = '+';
		text = fixed;
	}

	if (!types_parse_datetime(text, len, epoch_ms, err))
		return fail_param_value(err, name);
	*present = true;
	return true;
}


/* Reads 1 to 9 ASCII digits at *S, advancing *S past them. */
static bool
read_range_bound(const char **s, unsigned *value)
{
	int digits = 0;

	*value = 0;
	while (**s >= '0' && **s <= '9') {
		if (++digits > 9)
			return false;
		*value = *value * 10 + (unsigned)(**s - '0');
		(*s)++;
	}
	return digits > 0;
}


bool
query_range(const struct query *q, unsigned max, unsigned default_start,
    unsigned default_end, struct range *out, struct error *err)
{
	const char *text;

	if (!query_scalar(q, "range", &text, err))
		return false;
	if (text == NULL) {
		out->start = default_start;
		out->end = default_end;
		return true;
	}

	if (!read_range_bound(&text, &out->start) || *text++ != '-'
	    || !read_range_bound(&text, &out->end) || *text != '\0')
		return error_set(err, ERR_INVALID_RANGE,
		    "range doit avoir la forme début-fin, de 1 à 9 chiffres chacun (ex. 0-99)",
		    "range must have the form start-end, 1 to 9 digits each (e.g. 0-99)");
	if (out->start > out->end)
		return error_set(err, ERR_INVALID_RANGE,
		    "range : le début (%u) dépasse la fin (%u)",
		    "range: the start (%u) is after the end (%u)",
		    out->start, out->end);
	if (out->end - out->start >= max)
		return error_set(err, ERR_INVALID_RANGE,
		    "range : %u éléments demandés, %u au plus",
		    "range: %u items requested, at most %u",
		    out->end - out->start + 1, max);
	return true;
}
