/* Name-based uids (RFC 9562 version 5) for perfimmo-admin import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "import_uid.h"

/* Namespace of every import uid: a fixed random uid, never to change. */
static const unsigned char import_namespace[16] = {
	0x6b, 0x2f, 0x1c, 0x8e, 0x4a, 0x53, 0x4d, 0x0b,
	0x9e, 0x71, 0x3a, 0xc5, 0x20, 0xd8, 0x46, 0xf9,
};


void
import_uid(char out[37], const char *const *parts, size_t count)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, import_namespace, sizeof(import_namespace)) != 1)
		abort();
	for (size_t i = 0; i < count; i++) {
		if (EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1) != 1)
			abort();
	}
	if (EVP_DigestFinal_ex(ctx, digest, &digest_len) != 1 || digest_len < 16)
		abort();
	EVP_MD_CTX_free(ctx);

	digest[6] = (unsigned char)((digest[6] & 0x0f) | 0x50);
	digest[8] = (unsigned char)((digest[8] & 0x3f) | 0x80);
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6],
	    digest[7], digest[8], digest[9], digest[10], digest[11], digest[12],
	    digest[13], digest[14], digest[15]);
}
