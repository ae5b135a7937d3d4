/* The cached form of a credentials row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credentials.h"


bool
credentials_encode(const struct credentials *credentials, char out[CREDENTIALS_TEXT_MAX])
{
	int len;

	if (strchr(credentials->user_uid, '|') != NULL || strchr(credentials->user_type, '|') != NULL ||
	    strchr(credentials->company_uid, '|') != NULL)
		return false;
	len = snprintf(out, CREDENTIALS_TEXT_MAX, "%s|%s|%s|%c|%d", credentials->user_uid,
	    credentials->user_type, credentials->company_uid, credentials->disabled ? 't' : 'f',
	    credentials->session_generation);
	return len > 0 && len < CREDENTIALS_TEXT_MAX;
}


/* Copies the field that starts at *AT, up to the next '|' or END, into OUT; moves *AT past it. */
static bool
take_field(const char **at, const char *end, char *out, size_t size)
{
	const char *bar = memchr(*at, '|', (size_t)(end - *at));
	size_t len = (size_t)((bar != NULL ? bar : end) - *at);

	if (len >= size || memchr(*at, '\0', len) != NULL)
		return false;
	memcpy(out, *at, len);
	out[len] = '\0';
	*at += len + (bar != NULL ? 1 : 0);
	return bar != NULL;
}


/* Parses a non-negative int of 1 to 10 digits with no sign or leading junk. */
static bool
parse_generation(const char *text, int *out)
{
	char *end;
	long value;

	if (text[0] < '0' || text[0] > '9' || strlen(text) > 10)
		return false;
	value = strtol(text, &end, 10);
	if (*end != '\0' || value > 2147483647L)
		return false;
	*out = (int)value;
	return true;
}


bool
credentials_decode(const char *text, size_t len, struct credentials *credentials)
{
	const char *at = text, *end = text + len;
	char flag[2], generation[12];
	size_t rest;

	memset(credentials, 0, sizeof(*credentials));
	if (!take_field(&at, end, credentials->user_uid, sizeof(credentials->user_uid)) ||
	    !take_field(&at, end, credentials->user_type, sizeof(credentials->user_type)) ||
	    !take_field(&at, end, credentials->company_uid, sizeof(credentials->company_uid)) ||
	    !take_field(&at, end, flag, sizeof(flag)))
		return false;

	/* The last field runs to the end: take_field reports no '|' after it. */
	rest = (size_t)(end - at);
	if (rest == 0 || rest >= sizeof(generation) || memchr(at, '|', rest) != NULL ||
	    memchr(at, '\0', rest) != NULL)
		return false;
	memcpy(generation, at, rest);
	generation[rest] = '\0';

	if (credentials->user_uid[0] == '\0' || credentials->user_type[0] == '\0' ||
	    (strcmp(flag, "t") != 0 && strcmp(flag, "f") != 0))
		return false;
	credentials->disabled = flag[0] == 't';
	return parse_generation(generation, &credentials->session_generation);
}
