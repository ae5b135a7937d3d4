/*
 * Webhook secrets and signatures (notifications.md §3):
 *   X-Perfimmo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 * where the key is the secret string's bytes exactly as shown to the partner.
 */
#ifndef PERFIMMO_SIGNATURE_H
#define PERFIMMO_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

/* "whsec_" and 43 base64url characters (32 random bytes), NUL included. */
#define SIGNATURE_SECRET_SIZE 50

/* "t=" up to 20 digits ",v1=" 64 hex digits, NUL included. */
#define SIGNATURE_HEADER_SIZE 96

/* Draws a new secret from OpenSSL's generator; false when it fails. */
bool signature_new_secret(char out[SIGNATURE_SECRET_SIZE]);

/* Writes the header value for BODY (LEN bytes) signed at TIMESTAMP; false on an OpenSSL failure. */
bool signature_header(const char *secret, long long timestamp, const char *body, size_t len,
    char out[SIGNATURE_HEADER_SIZE]);

#endif
