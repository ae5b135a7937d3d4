/* Constant-work password verification. */
#include <crypt.h>
#include <string.h>

#include <openssl/crypto.h>

#include "password.h"

/* One crypt_data per worker: the structure is large and crypt_r needs no more. */
static struct crypt_data work;
static char dummy_setting[CRYPT_GENSALT_OUTPUT_SIZE];


/* A yescrypt setting with the library's default cost, drawn once per process. */
static const char *
dummy(void)
{
	if (dummy_setting[0] == '\0' &&
	    crypt_gensalt_rn("$y$", 0, NULL, 0, dummy_setting, sizeof(dummy_setting)) == NULL)
		strcpy(dummy_setting, "$y$j9T$ZZZZZZZZZZZZZZZZZZZZZ.");
	return dummy_setting;
}


bool
password_verify(const char *password, const char *hash)
{
	bool usable = hash != NULL && strncmp(hash, "$y$", 3) == 0;
	const char *setting = usable ? hash : dummy();
	const char *computed;
	bool match;

	memset(&work, 0, sizeof(work));
	computed = crypt_r(password, setting, &work);
	match = usable && computed != NULL && computed[0] != '*' &&
	    strlen(computed) == strlen(hash) &&
	    CRYPTO_memcmp(computed, hash, strlen(hash)) == 0;
	explicit_bzero(&work, sizeof(work));
	return match;
}
