/*
 * Stateless login sessions (conventions §5.1).  A token is
 *   base64url(payload) "." base64url(HMAC-SHA256(tenant secret, payload))
 * with payload "v1|<tenant>|<userUid>|<generation>|<issuedAt ms>|<lastSeen ms>".
 * The tenant's newest secret signs; the previous one still verifies during
 * a rotation (session_secrets.h loads the secrets).  Everything here is pure.
 */
#ifndef PERFIMMO_SESSION_H
#define PERFIMMO_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define SESSION_COOKIE "PI_SESSION"
#define SESSION_TOKEN_MAX 512
#define SESSION_SECRET_MAX 128

struct session_payload {
	char tenant[40];
	char user_uid[37];
	int generation;
	long long issued_ms;
	long long last_seen_ms;
};

/* The secrets a tenant verifies with, newest first. */
struct session_secrets {
	unsigned char key[2][SESSION_SECRET_MAX];
	size_t len[2];
	int count;
};

/* Writes the token of PAYLOAD signed with SECRET into OUT; false if it does not fit. */
bool session_token_make(const struct session_payload *payload,
    const unsigned char *secret, size_t secret_len, char *out, size_t out_size);

/*
 * Verifies TOKEN against each of SECRETS and parses its payload into OUT.
 * False for a malformed, tampered or foreign-signed token.
 */
bool session_token_verify(const char *token, const struct session_secrets *secrets,
    struct session_payload *out);

enum session_age {
	SESSION_FRESH,
	SESSION_EXPIRED,	/* past its absolute lifetime */
	SESSION_IDLE,		/* unused for longer than the idle time */
	SESSION_FROM_FUTURE,	/* dates ahead of the clock: not ours */
};

/* Judges the dates of PAYLOAD at NOW_MS against LIFETIME_S and IDLE_S seconds. */
enum session_age session_age(const struct session_payload *payload, long long now_ms,
    int lifetime_s, int idle_s);

/* Seconds left of the absolute lifetime at NOW_MS, at least 1. */
long long session_remaining_s(const struct session_payload *payload, long long now_ms,
    int lifetime_s);

/*
 * Finds the value of cookie NAME in a Cookie header, skipping the first
 * SKIP occurrences.  Copies it into OUT; false when absent or too long.
 */
bool session_cookie_value(const char *header, const char *name, int skip,
    char *out, size_t out_size);

/* Milliseconds since the epoch, from the real-time clock. */
long long session_now_ms(void);

#endif
