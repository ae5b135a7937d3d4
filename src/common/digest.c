/* SHA-256 in hex, with the algorithm fetched once per process. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "digest.h"
#include "log.h"

/*
 * With EVP_sha256(), OpenSSL 3 fetches the algorithm again at each use:
 * EVP_MD_fetch took about 3 % of a worker's CPU in a profile of cached
 * GETs.  So the algorithm is fetched once, and one context is kept.
 */
static EVP_MD *sha256;
static EVP_MD_CTX *context;


static void
fail(void)
{
	log_error("could not compute a SHA-256 digest: OpenSSL failed");
	abort();
}


void
digest_sha256_hex(const char *const *parts, size_t count, char hex[DIGEST_SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (sha256 == NULL && (sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		fail();
	if (context == NULL && (context = EVP_MD_CTX_new()) == NULL)
		fail();

	if (EVP_DigestInit_ex(context, sha256, NULL) != 1)
		fail();
	for (size_t i = 0; i < count; i++)
		if (EVP_DigestUpdate(context, parts[i], strlen(parts[i])) != 1)
			fail();
	if (EVP_DigestFinal_ex(context, digest, &len) != 1 || len != 32)
		fail();

	for (unsigned int i = 0; i < len; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0x0f];
	}
	hex[2 * len] = '\0';
}
