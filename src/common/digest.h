/* SHA-256 digests in lowercase hex, as cache keys and stored API keys use them. */
#ifndef PERFIMMO_DIGEST_H
#define PERFIMMO_DIGEST_H

#include <stddef.h>

/* 64 hex digits and the NUL. */
#define DIGEST_SHA256_HEX_SIZE 65

/*
 * Writes the SHA-256 of the COUNT strings PARTS, one after the other and
 * without their NULs, into HEX.  Aborts when OpenSSL fails (an allocation
 * failure, for one), because a wrong digest could make two requests share
 * a cache key.
 */
void digest_sha256_hex(const char *const *parts, size_t count, char hex[DIGEST_SHA256_HEX_SIZE]);

#endif
