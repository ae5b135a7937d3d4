/*
 * Password checks against the yescrypt hashes of the credentials
 * (crypt(3), libcrypt).  Every check costs one hash, also when there is
 * no hash to compare with, so a failed login takes the same time whether
 * the login exists or not.
 */
#ifndef PERFIMMO_PASSWORD_H
#define PERFIMMO_PASSWORD_H

#include <stdbool.h>

/*
 * True when PASSWORD matches HASH.  With HASH NULL or not a usable hash,
 * PASSWORD is hashed against a dummy yescrypt setting of the same cost
 * and false is returned.
 */
bool password_verify(const char *password, const char *hash);

#endif
