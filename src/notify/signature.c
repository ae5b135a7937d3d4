/* HMAC-SHA256 signatures of webhook bodies. */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "signature.h"

#define SECRET_PREFIX "whsec_"
#define SECRET_BYTES 32


/* Unpadded base64url of LEN bytes into OUT, which has room for 4 * LEN / 3 + 2 bytes. */
static void
base64url(const unsigned char *bytes, size_t len, char *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned long bits = 0;
	int pending = 0;

	for (size_t i = 0; i < len; i++) {
		bits = (bits << 8) | bytes[i];
		pending += 8;
		while (pending >= 6) {
			pending -= 6;
			*out++ = alphabet[(bits >> pending) & 0x3f];
		}
	}
	if (pending > 0)
		*out++ = alphabet[(bits << (6 - pending)) & 0x3f];
	*out = '\0';
}


bool
signature_new_secret(char out[SIGNATURE_SECRET_SIZE])
{
	unsigned char bytes[SECRET_BYTES];

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return false;
	memcpy(out, SECRET_PREFIX, strlen(SECRET_PREFIX));
	base64url(bytes, sizeof(bytes), out + strlen(SECRET_PREFIX));
	OPENSSL_cleanse(bytes, sizeof(bytes));
	return true;
}


/* HMAC-SHA256 of PREFIX then BODY under SECRET, in DIGEST (32 bytes). */
static bool
hmac_sha256(const char *secret, const char *prefix, const char *body, size_t len,
    unsigned char digest[32])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	size_t out_len = 0;
	bool ok;

	ok = ctx != NULL &&
	    EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret), params) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)prefix, strlen(prefix)) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)body, len) == 1 &&
	    EVP_MAC_final(ctx, digest, &out_len, 32) == 1 && out_len == 32;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok;
}


bool
signature_header(const char *secret, long long timestamp, const char *body, size_t len,
    char out[SIGNATURE_HEADER_SIZE])
{
	unsigned char digest[32];
	char prefix[32];
	int written;

	snprintf(prefix, sizeof(prefix), "%lld.", timestamp);
	if (!hmac_sha256(secret, prefix, body, len, digest))
		return false;

	written = snprintf(out, SIGNATURE_HEADER_SIZE, "t=%lld,v1=", timestamp);
	for (size_t i = 0; i < sizeof(digest); i++)
		written += snprintf(out + written, SIGNATURE_HEADER_SIZE - (size_t)written, "%02x", digest[i]);
	return true;
}
