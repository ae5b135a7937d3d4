/*
 * Credentials managed outside the API: the superUser of a tenant, user
 * passwords and API keys.  Secrets are printed once (keys) or read from
 * stdin (passwords), never taken from the command line.  Each change
 * raises the tenant's generation (generation.c), so that no worker uses
 * an actor it cached before the change.
 */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "admin.h"
#include "auth/auth.h"
#include "common/types.h"

#define KEY_BYTES 32
#define PASSWORD_MIN 10
#define PASSWORD_MAX 1024


/* Opens the tenant named by --tenant and lowercases a valid --login. */
static bool
prepare(struct admin *admin, int argc, char **argv, struct tenant *tenant,
    char login[256])
{
	const char *name = admin_option(argc, argv, "--tenant");
	const char *raw = admin_option(argc, argv, "--login");
	struct error err;
	char *parsed;

	if (name == NULL || raw == NULL) {
		admin_fail("--tenant and --login are required");
		return false;
	}
	parsed = types_parse_email(raw, strlen(raw), &err);
	if (parsed == NULL || strlen(parsed) >= 256) {
		free(parsed);
		admin_fail("invalid login \"%.80s\": expected an e-mail address", raw);
		return false;
	}
	strcpy(login, parsed);
	free(parsed);
	return admin_find_tenant(admin, name, tenant) && admin_use_tenant(admin, tenant);
}


static int
superuser_create(struct admin *admin, int argc, char **argv)
{
	struct tenant tenant;
	char login[256];
	const char *params[1] = {login};
	long long generation;
	PGresult *result;

	if (!prepare(admin, argc, argv, &tenant, login) || !admin_begin_raise(admin, &generation))
		return 1;

	/* generation_raise updated the command_lock row, so no API command adds this login meanwhile. */
	result = admin_query(admin, "SELECT FROM credentials WHERE login = $1", 1, params);
	if (result == NULL || PQntuples(result) > 0) {
		if (result != NULL)
			admin_fail("login %s is already used in tenant %s; superUser not created",
			    login, tenant.name);
		PQclear(result);
		admin_rollback(admin);
		return 1;
	}
	PQclear(result);

	result = admin_query(admin,
	    "INSERT INTO credentials (user_uid, login, user_type)"
	    " VALUES (gen_random_uuid(), $1, 'superUser') RETURNING user_uid",
	    1, params);
	if (result == NULL) {
		admin_rollback(admin);
		return admin_fail("superUser %s not created (is the login already used?)", login);
	}
	if (!admin_commit_raise(admin, &tenant, generation)) {
		PQclear(result);
		return admin_fail("superUser %s not created", login);
	}
	printf("%s\n", PQgetvalue(result, 0, 0));
	PQclear(result);
	return 0;
}


/* Reads one line from stdin into BUFFER without its line break. */
static bool
read_password(char *buffer, size_t size)
{
	size_t len;

	if (fgets(buffer, (int)size, stdin) == NULL)
		return false;
	len = strcspn(buffer, "\r\n");
	if (buffer[len] == '\0' && len == size - 1)
		return false;
	buffer[len] = '\0';
	return true;
}


static int
password_set(struct admin *admin, int argc, char **argv)
{
	struct tenant tenant;
	char login[256];
	char password[PASSWORD_MAX + 2];
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data data;
	const char *params[2];
	long long generation;
	PGresult *result;
	int rc = 0;

	if (!prepare(admin, argc, argv, &tenant, login))
		return 1;
	if (!read_password(password, sizeof(password)))
		return admin_fail("no password read on stdin (one line, at most %d bytes)", PASSWORD_MAX);
	if (strlen(password) < PASSWORD_MIN)
		return admin_fail("password too short: at least %d characters", PASSWORD_MIN);

	/* yescrypt ($y$), the Debian default, with the library's default cost. */
	memset(&data, 0, sizeof(data));
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL ||
	    crypt_r(password, salt, &data) == NULL || data.output[0] == '*') {
		explicit_bzero(password, sizeof(password));
		return admin_fail("could not hash the password");
	}
	explicit_bzero(password, sizeof(password));

	params[0] = data.output;
	params[1] = login;
	if (!admin_begin_raise(admin, &generation)) {
		explicit_bzero(&data, sizeof(data));
		return 1;
	}
	result = admin_query(admin,
	    "UPDATE credentials SET password_hash = $1 WHERE login = $2", 2, params);
	if (result == NULL || strcmp(PQcmdTuples(result), "1") != 0) {
		admin_rollback(admin);
		rc = admin_fail("no user with login %s in tenant %s", login, tenant.name);
	} else if (!admin_commit_raise(admin, &tenant, generation)) {
		rc = admin_fail("password of %s not set", login);
	} else {
		printf("password set for %s\n", login);
	}
	PQclear(result);
	explicit_bzero(&data, sizeof(data));
	return rc;
}


/* Draws a key of KEY_BYTES random bytes, base64url without padding (43 characters). */
static bool
new_key(char key[64])
{
	unsigned char bytes[KEY_BYTES];
	unsigned char encoded[64];
	int len;

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return false;
	len = EVP_EncodeBlock(encoded, bytes, sizeof(bytes));
	while (len > 0 && encoded[len - 1] == '=')
		len--;
	for (int i = 0; i < len; i++) {
		char c = (char)encoded[i];

		/* base64url: the two characters that differ from base64. */
		if (c == '+')
			c = '-';
		else if (c == '/')
			c = '_';
		key[i] = c;
	}
	key[len] = '\0';
	return true;
}


static int
key_create(struct admin *admin, int argc, char **argv)
{
	const char *label = admin_option(argc, argv, "--label");
	struct tenant tenant;
	char login[256];
	char key[64];
	char hash[65];
	const char *params[3] = {hash, login, label != NULL ? label : ""};
	long long generation;
	PGresult *result;

	if (!prepare(admin, argc, argv, &tenant, login))
		return 1;
	if (!new_key(key))
		return admin_fail("could not draw random bytes for the key");
	auth_hash_key(key, hash);

	if (!admin_begin_raise(admin, &generation)) {
		explicit_bzero(key, sizeof(key));
		return 1;
	}
	result = admin_query(admin,
	    "INSERT INTO api_keys (key_hash, user_uid, label)"
	    " SELECT $1, user_uid, $3 FROM credentials WHERE login = $2 RETURNING id",
	    3, params);
	if (result == NULL || PQntuples(result) != 1) {
		PQclear(result);
		admin_rollback(admin);
		explicit_bzero(key, sizeof(key));
		return admin_fail("no user with login %s in tenant %s", login, tenant.name);
	}
	if (!admin_commit_raise(admin, &tenant, generation)) {
		PQclear(result);
		explicit_bzero(key, sizeof(key));
		return admin_fail("key for %s not created", login);
	}
	printf("key %s created for %s; it is shown only once:\n%s\n",
	    PQgetvalue(result, 0, 0), login, key);
	PQclear(result);
	explicit_bzero(key, sizeof(key));
	return 0;
}


static int
key_list(struct admin *admin, int argc, char **argv)
{
	const char *name = admin_option(argc, argv, "--tenant");
	struct tenant tenant;
	PGresult *result;

	if (name == NULL)
		return admin_fail("--tenant is required");
	if (!admin_find_tenant(admin, name, &tenant) || !admin_use_tenant(admin, &tenant))
		return 1;
	result = admin_query(admin,
	    "SELECT k.id, c.login, k.label, k.created_at FROM api_keys k"
	    " JOIN credentials c ON c.user_uid = k.user_uid ORDER BY k.id", 0, NULL);
	if (result == NULL)
		return 1;
	for (int i = 0; i < PQntuples(result); i++)
		printf("%s\t%s\t%s\t%s\n", PQgetvalue(result, i, 0), PQgetvalue(result, i, 1),
		    PQgetvalue(result, i, 2), PQgetvalue(result, i, 3));
	PQclear(result);
	return 0;
}


static int
key_revoke(struct admin *admin, int argc, char **argv)
{
	const char *name = admin_option(argc, argv, "--tenant");
	const char *id = admin_option(argc, argv, "--id");
	const char *params[1] = {id};
	struct tenant tenant;
	long long generation;
	PGresult *result;
	int rc = 0;

	if (name == NULL || id == NULL || strspn(id, "0123456789") != strlen(id) || *id == '\0')
		return admin_fail("--tenant and a numeric --id are required (see: key list)");
	if (!admin_find_tenant(admin, name, &tenant))
		return 1;
	/* Key ids are PostgreSQL bigints: a larger number names no key. */
	errno = 0;
	(void)strtoll(id, NULL, 10);
	if (errno == ERANGE)
		return admin_fail("no key %s in tenant %s", id, tenant.name);
	if (!admin_use_tenant(admin, &tenant) || !admin_begin_raise(admin, &generation))
		return 1;
	result = admin_query(admin, "DELETE FROM api_keys WHERE id = $1", 1, params);
	if (result == NULL || strcmp(PQcmdTuples(result), "1") != 0) {
		admin_rollback(admin);
		rc = admin_fail("no key %s in tenant %s", id, tenant.name);
	} else if (!admin_commit_raise(admin, &tenant, generation)) {
		rc = admin_fail("key %s not revoked", id);
	} else {
		printf("key %s revoked\n", id);
	}
	PQclear(result);
	return rc;
}


int
users_command(struct admin *admin, const char *noun, int argc, char **argv)
{
	const char *verb = argc > 0 ? argv[0] : "";

	if (strcmp(noun, "superuser") == 0 && strcmp(verb, "create") == 0)
		return superuser_create(admin, argc - 1, argv + 1);
	if (strcmp(noun, "password") == 0 && strcmp(verb, "set") == 0)
		return password_set(admin, argc - 1, argv + 1);
	if (strcmp(noun, "key") == 0 && strcmp(verb, "create") == 0)
		return key_create(admin, argc - 1, argv + 1);
	if (strcmp(noun, "key") == 0 && strcmp(verb, "list") == 0)
		return key_list(admin, argc - 1, argv + 1);
	if (strcmp(noun, "key") == 0 && strcmp(verb, "revoke") == 0)
		return key_revoke(admin, argc - 1, argv + 1);
	return admin_fail("unknown command: %s %s (see: perfimmo-admin --help)", noun, verb), 2;
}
