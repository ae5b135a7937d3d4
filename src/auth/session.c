/* Signing, verifying and dating session tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/types.h"
#include "session.h"

#define PAYLOAD_MAX 200
#define MAC_LEN 32

/* Tokens dated this far ahead of our clock are still accepted (clock steps between hosts). */
#define CLOCK_SKEW_MS 60000

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


/* base64url without padding; OUT must hold 4 * ceil(LEN / 3) + 1 bytes. */
static void
encode(const unsigned char *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = alphabet[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = alphabet[v & 63];
	}
	out[o] = '\0';
}


static int
sextet(char c)
{
	const char *at = c != '\0' ? strchr(alphabet, c) : NULL;

	return at != NULL ? (int)(at - alphabet) : -1;
}


/* Decodes LEN base64url characters (no padding) into OUT; false on any other byte. */
static bool
decode(const char *in, size_t len, unsigned char *out, size_t out_size, size_t *out_len)
{
	size_t o = 0;
	unsigned v = 0;
	int bits = 0;

	if (len % 4 == 1)
		return false;
	for (size_t i = 0; i < len; i++) {
		int s = sextet(in[i]);
		if (s < 0)
			return false;
		v = (v << 6) | (unsigned)s;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= out_size)
				return false;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	/* Leftover bits must be zero, so that one token has one spelling. */
	if ((v & ((1u << bits) - 1)) != 0)
		return false;
	*out_len = o;
	return true;
}


static void
sign(const char *payload, size_t len, const unsigned char *secret, size_t secret_len,
    unsigned char mac[MAC_LEN])
{
	unsigned int mac_len = 0;

	HMAC(EVP_sha256(), secret, (int)secret_len, (const unsigned char *)payload, len,
	    mac, &mac_len);
}


bool
session_token_make(const struct session_payload *payload,
    const unsigned char *secret, size_t secret_len, char *out, size_t out_size)
{
	char text[PAYLOAD_MAX];
	unsigned char mac[MAC_LEN];
	char encoded_text[PAYLOAD_MAX * 2], encoded_mac[64];
	int len;

	len = snprintf(text, sizeof(text), "v1|%s|%s|%d|%lld|%lld", payload->tenant,
	    payload->user_uid, payload->generation, payload->issued_ms, payload->last_seen_ms);
	if (len < 0 || (size_t)len >= sizeof(text))
		return false;
	sign(text, (size_t)len, secret, secret_len, mac);
	encode((const unsigned char *)text, (size_t)len, encoded_text);
	encode(mac, sizeof(mac), encoded_mac);
	len = snprintf(out, out_size, "%s.%s", encoded_text, encoded_mac);
	return len > 0 && (size_t)len < out_size;
}


/* Reads a decimal integer field ending at '|' or the end; advances *AT. */
static bool
read_number(const char **at, long long max, long long *out)
{
	const char *p = *at;
	long long value = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (value > (max - (*p - '0')) / 10)
			return false;
		value = value * 10 + (*p - '0');
	}
	if (*p != '|' && *p != '\0')
		return false;
	*at = *p == '|' ? p + 1 : p;
	*out = value;
	return true;
}


/* Copies a text field ending at '|' into OUT. */
static bool
read_text(const char **at, char *out, size_t out_size)
{
	const char *bar = strchr(*at, '|');
	size_t len;

	if (bar == NULL)
		return false;
	len = (size_t)(bar - *at);
	if (len == 0 || len >= out_size)
		return false;
	memcpy(out, *at, len);
	out[len] = '\0';
	*at = bar + 1;
	return true;
}


static bool
parse_payload(const char *text, struct session_payload *out)
{
	const char *at = text;
	char uid[64];
	long long generation;
	struct error ignored;

	memset(out, 0, sizeof(*out));
	if (strncmp(at, "v1|", 3) != 0)
		return false;
	at += 3;
	if (!read_text(&at, out->tenant, sizeof(out->tenant)) ||
	    !read_text(&at, uid, sizeof(uid)) ||
	    !types_parse_uuid(uid, strlen(uid), out->user_uid, &ignored) ||
	    !read_number(&at, 2147483647LL, &generation) ||
	    !read_number(&at, 9007199254740991LL, &out->issued_ms) ||
	    !read_number(&at, 9007199254740991LL, &out->last_seen_ms))
		return false;
	out->generation = (int)generation;
	return *at == '\0';
}


bool
session_token_verify(const char *token, const struct session_secrets *secrets,
    struct session_payload *out)
{
	const char *dot = strchr(token, '.');
	unsigned char text[PAYLOAD_MAX + 1], mac[MAC_LEN + 4], expected[MAC_LEN];
	size_t text_len, mac_len;
	bool signed_by_us = false;

	if (dot == NULL || strlen(token) > SESSION_TOKEN_MAX ||
	    !decode(token, (size_t)(dot - token), text, PAYLOAD_MAX, &text_len) ||
	    !decode(dot + 1, strlen(dot + 1), mac, sizeof(mac), &mac_len) || mac_len != MAC_LEN)
		return false;

	for (int i = 0; i < secrets->count && i < 2; i++) {
		sign((const char *)text, text_len, secrets->key[i], secrets->len[i], expected);
		if (CRYPTO_memcmp(expected, mac, MAC_LEN) == 0)
			signed_by_us = true;
	}
	if (!signed_by_us || memchr(text, '\0', text_len) != NULL)
		return false;
	text[text_len] = '\0';
	return parse_payload((const char *)text, out);
}


enum session_age
session_age(const struct session_payload *payload, long long now_ms, int lifetime_s,
    int idle_s)
{
	if (payload->issued_ms > now_ms + CLOCK_SKEW_MS ||
	    payload->last_seen_ms > now_ms + CLOCK_SKEW_MS ||
	    payload->last_seen_ms < payload->issued_ms)
		return SESSION_FROM_FUTURE;
	if (now_ms - payload->issued_ms >= (long long)lifetime_s * 1000)
		return SESSION_EXPIRED;
	if (now_ms - payload->last_seen_ms > (long long)idle_s * 1000)
		return SESSION_IDLE;
	return SESSION_FRESH;
}


long long
session_remaining_s(const struct session_payload *payload, long long now_ms, int lifetime_s)
{
	long long left = (payload->issued_ms + (long long)lifetime_s * 1000 - now_ms) / 1000;

	return left >= 1 ? left : 1;
}


bool
session_cookie_value(const char *header, const char *name, int skip, char *out,
    size_t out_size)
{
	size_t name_len = strlen(name);
	const char *at = header;

	while (at != NULL && *at != '\0') {
		const char *end;
		size_t len;

		while (*at == ' ' || *at == '\t' || *at == ';')
			at++;
		end = strchr(at, ';');
		len = end != NULL ? (size_t)(end - at) : strlen(at);
		if (len > name_len && strncmp(at, name, name_len) == 0 && at[name_len] == '=' &&
		    skip-- == 0) {
			len -= name_len + 1;
			while (len > 0 && (at[name_len + 1 + len - 1] == ' ' || at[name_len + 1 + len - 1] == '\t'))
				len--;
			if (len >= out_size)
				return false;
			memcpy(out, at + name_len + 1, len);
			out[len] = '\0';
			return true;
		}
		at = end;
	}
	return false;
}


long long
session_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}
