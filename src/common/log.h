/*
 * One log line per event on stderr, in a fixed shape a sysadmin can grep:
 *   level=info pid=4242 req=9f0c... tenant=demo msg="..."
 * Client bytes are quoted, control characters escaped and cut short.
 * Never pass a secret (password, key, cookie) to these functions.
 */
#ifndef PERFIMMO_LOG_H
#define PERFIMMO_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR
};

void log_set_level(enum log_level level);

/* Parses "debug", "info", "warn" or "error"; false on anything else. */
bool log_parse_level(const char *text, enum log_level *level);

/* Sets the request id and tenant written on every following line (copied). */
void log_set_context(const char *request_id, const char *tenant);

/* Forgets the request context, between requests. */
void log_clear_context(void);

bool log_enabled(enum log_level level);

void log_message(enum log_level level, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes the access line of one request. */
void log_request(const char *method, const char *path, int status,
    double duration_ms);

#define log_debug(...) do { if (log_enabled(LOG_DEBUG)) log_message(LOG_DEBUG, __VA_ARGS__); } while (0)
#define log_info(...) log_message(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_message(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_message(LOG_ERROR, __VA_ARGS__)

#endif
