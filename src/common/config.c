/* Reading and validating perfimmo.conf. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

enum value_kind {
	VALUE_TEXT,
	VALUE_INT,
	VALUE_SIZE,
	VALUE_MODE,
	VALUE_LOG_LEVEL,
	VALUE_REDIS
};

struct config_key {
	const char *name;
	enum value_kind kind;
	size_t offset;
	size_t size;			/* VALUE_TEXT: buffer size */
	long min, max;			/* VALUE_INT and VALUE_SIZE bounds */
};

#define TEXT(field) VALUE_TEXT, offsetof(struct config, field), sizeof(((struct config *)0)->field), 0, 0
#define INT(field, lo, hi) VALUE_INT, offsetof(struct config, field), 0, lo, hi

static const struct config_key keys[] = {
	{"socket", TEXT(socket)},
	{"socket_mode", VALUE_MODE, offsetof(struct config, socket_mode), 0, 0, 0777},
	{"workers", INT(workers, 0, 512)},
	{"drain_timeout", INT(drain_timeout, 1, 3600)},
	{"database", TEXT(database)},
	{"admin_database", TEXT(admin_database)},
	{"redis", VALUE_REDIS, 0, 0, 0, 0},
	{"redis_timeout_ms", INT(redis_timeout_ms, 1, 60000)},
	{"generation_mirror_ttl_ms", INT(generation_mirror_ttl_ms, 10, 60000)},
	{"body_limit", VALUE_SIZE, offsetof(struct config, body_limit), 0, 1024, 64L * 1024 * 1024},
	{"log_level", VALUE_LOG_LEVEL, offsetof(struct config, log_level), 0, 0, 0},
	{"session_lifetime", INT(session_lifetime, 1, 30 * 86400)},
	{"session_idle", INT(session_idle, 1, 30 * 86400)},
	{"cookie_domain", TEXT(cookie_domain)},
	{"login_max_failures", INT(login_max_failures, 1, 1000000)},
	{"login_max_failures_per_address", INT(login_max_failures_per_address, 1, 1000000)},
	{"login_failure_window", INT(login_failure_window, 1, 86400)},
	{"statement_timeout_ms", INT(statement_timeout_ms, 0, 3600000)},
	{"sql_dir", TEXT(sql_dir)},
	{"nginx_tenants", TEXT(nginx_tenants)},
	{"nginx_server_include", TEXT(nginx_server_include)},
	{"nginx_test", TEXT(nginx_test)},
	{"nginx_reload", TEXT(nginx_reload)},
	{"pid_file", TEXT(pid_file)},
	{"metrics_certificates", TEXT(metrics_certificates)},
	{"notify_database", TEXT(notify_database)},
	{"notify_poll_seconds", INT(notify_poll_seconds, 1, 3600)},
	{"notify_gather_ms", INT(notify_gather_ms, 0, 1000)},
	{"notify_batch_max", INT(notify_batch_max, 1, 100)},
	{"notify_timeout_ms", INT(notify_timeout_ms, 100, 10000)},
	{"notify_retry_schedule_ms", TEXT(notify_retry_schedule_ms)},
	{"notify_allow_networks", TEXT(notify_allow_networks)},
	{"notify_allow_http", INT(notify_allow_http, 0, 1)},
	{"notify_ca_file", TEXT(notify_ca_file)},
	{"notify_pid_file", TEXT(notify_pid_file)},
};


void
config_defaults(struct config *config)
{
	memset(config, 0, sizeof(*config));
	snprintf(config->socket, sizeof(config->socket), "/run/perfimmo/api.sock");
	config->socket_mode = 0660;
	config->workers = 0;
	config->drain_timeout = 10;
	snprintf(config->database, sizeof(config->database),
	    "dbname=perfimmo user=perfimmo_app");
	snprintf(config->admin_database, sizeof(config->admin_database),
	    "dbname=perfimmo user=perfimmo_owner");
	snprintf(config->redis_host, sizeof(config->redis_host), "127.0.0.1");
	config->redis_port = 6379;
	config->redis_timeout_ms = 50;
	/* Maximum time that a lost raise of the mirror lets readers lag (cache/view_cache.h). */
	config->generation_mirror_ttl_ms = 1000;
	config->body_limit = 1048576;
	config->log_level = LOG_INFO;
	config->session_lifetime = 43200;
	config->session_idle = 3600;
	config->login_max_failures = 5;
	config->login_max_failures_per_address = 20;
	config->login_failure_window = 900;
	config->statement_timeout_ms = 5000;
	snprintf(config->sql_dir, sizeof(config->sql_dir), "%s/sql", PERFIMMO_DATADIR);
	/* Where the certbot deploy hook of nginx/ installs each tenant host's certificate. */
	snprintf(config->metrics_certificates, sizeof(config->metrics_certificates),
	    "/etc/nginx/perfimmo-tls/*/fullchain.pem");
	snprintf(config->notify_database, sizeof(config->notify_database),
	    "dbname=perfimmo user=perfimmo_notify");
	config->notify_poll_seconds = 5;
	config->notify_gather_ms = 50;
	config->notify_batch_max = 100;
	config->notify_timeout_ms = 10000;
	snprintf(config->notify_retry_schedule_ms, sizeof(config->notify_retry_schedule_ms),
	    "10000,30000,60000,300000,900000,3600000");
}


static bool
parse_long(const char *text, long min, long max, long *out)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
		return false;
	*out = value;
	return true;
}


/* Splits "host:port"; the host may be empty only for the default. */
static bool
parse_redis(struct config *config, const char *text)
{
	const char *colon = strrchr(text, ':');
	long port;

	if (colon == NULL || colon == text)
		return false;
	if ((size_t)(colon - text) >= sizeof(config->redis_host))
		return false;
	if (!parse_long(colon + 1, 1, 65535, &port))
		return false;
	memcpy(config->redis_host, text, (size_t)(colon - text));
	config->redis_host[colon - text] = '\0';
	config->redis_port = (int)port;
	return true;
}


/* Stores VALUE into the field KEY describes; false when it does not fit. */
static bool
apply(struct config *config, const struct config_key *key, const char *value,
    const char **reason)
{
	char *field = (char *)config + key->offset;
	long number;
	char *end;

	switch (key->kind) {
	case VALUE_TEXT:
		if (strlen(value) >= key->size)
			return *reason = "value too long", false;
		strcpy(field, value);
		return true;
	case VALUE_INT:
		if (!parse_long(value, key->min, key->max, &number))
			return *reason = "expected an integer in range", false;
		*(int *)(void *)field = (int)number;
		return true;
	case VALUE_SIZE:
		if (!parse_long(value, key->min, key->max, &number))
			return *reason = "expected a size in bytes in range", false;
		*(size_t *)(void *)field = (size_t)number;
		return true;
	case VALUE_MODE:
		errno = 0;
		number = strtol(value, &end, 8);
		if (errno != 0 || end == value || *end != '\0' || number < 0 || number > 0777)
			return *reason = "expected an octal file mode such as 0660", false;
		*(unsigned *)(void *)field = (unsigned)number;
		return true;
	case VALUE_LOG_LEVEL:
		if (!log_parse_level(value, (enum log_level *)(void *)field))
			return *reason = "expected debug, info, warn or error", false;
		return true;
	case VALUE_REDIS:
		if (!parse_redis(config, value))
			return *reason = "expected host:port", false;
		return true;
	}
	return *reason = "unsupported key", false;
}


static char *
trim(char *text)
{
	char *end;

	while (isspace((unsigned char)*text))
		text++;
	end = text + strlen(text);
	while (end > text && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return text;
}


/* Removes surrounding double quotes; false on an unbalanced quote. */
static bool
unquote(char **value)
{
	size_t len = strlen(*value);

	if (len == 0 || (*value)[0] != '"')
		return strchr(*value, '"') == NULL;
	if (len < 2 || (*value)[len - 1] != '"')
		return false;
	(*value)[len - 1] = '\0';
	(*value)++;
	return strchr(*value, '"') == NULL;
}


static const struct config_key *
find_key(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}


static bool
parse_line(struct config *config, char *line, const char **reason)
{
	char *equals, *name, *value;
	const struct config_key *key;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return true;

	equals = strchr(line, '=');
	if (equals == NULL)
		return *reason = "expected key = value", false;
	*equals = '\0';
	name = trim(line);
	value = trim(equals + 1);

	key = find_key(name);
	if (key == NULL)
		return *reason = "unknown key", false;
	if (!unquote(&value))
		return *reason = "unbalanced double quote", false;
	return apply(config, key, value, reason);
}


bool
config_parse_text(struct config *config, const char *text, const char *name,
    char *message, size_t message_size)
{
	char *copy, *line, *next;
	const char *reason = NULL;
	int number = 0;
	bool ok = true;

	copy = strdup(text);
	if (copy == NULL) {
		snprintf(message, message_size, "%s: out of memory", name);
		return false;
	}

	for (line = copy; line != NULL && ok; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		number++;
		if (!parse_line(config, line, &reason)) {
			snprintf(message, message_size, "%s:%d: %s", name, number, reason);
			ok = false;
		}
	}

	free(copy);
	return ok;
}


bool
config_load(struct config *config, const char *path, char *message,
    size_t message_size)
{
	char text[64 * 1024];
	size_t len;
	FILE *file;

	config_defaults(config);

	file = fopen(path, "r");
	if (file == NULL) {
		snprintf(message, message_size, "%s: could not open: %s", path,
		    strerror(errno));
		return false;
	}
	len = fread(text, 1, sizeof(text) - 1, file);
	if (ferror(file) || !feof(file)) {
		snprintf(message, message_size, "%s: could not read, or larger than %zu bytes",
		    path, sizeof(text) - 1);
		fclose(file);
		return false;
	}
	fclose(file);
	text[len] = '\0';

	if (memchr(text, '\0', len) != NULL) {
		snprintf(message, message_size, "%s: contains a NUL byte", path);
		return false;
	}
	return config_parse_text(config, text, path, message, message_size);
}
