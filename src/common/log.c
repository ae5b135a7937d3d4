/* The line logger: fixed shape, escaped, bounded. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LOG_VALUE_MAX 1024

static enum log_level current_level = LOG_INFO;
static char context_request_id[80] = "-";
static char context_tenant[40] = "-";

static const char *const level_names[] = {"debug", "info", "warn", "error"};


void
log_set_level(enum log_level level)
{
	current_level = level;
}


bool
log_parse_level(const char *text, enum log_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(text, level_names[i]) == 0) {
			*level = (enum log_level)i;
			return true;
		}
	}
	return false;
}


bool
log_enabled(enum log_level level)
{
	return level >= current_level;
}


/*
 * Copies SRC into DST keeping only characters that cannot break the line
 * shape: identifiers sent by clients are logged, never trusted.
 */
static void
copy_token(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	if (src == NULL || *src == '\0')
		src = "-";
	for (; *src != '\0' && n + 1 < size; src++) {
		unsigned char c = (unsigned char)*src;
		dst[n++] = (c > 0x20 && c < 0x7f && c != '"' && c != '\\') ? (char)c : '?';
	}
	dst[n] = '\0';
}


void
log_set_context(const char *request_id, const char *tenant)
{
	copy_token(context_request_id, sizeof(context_request_id), request_id);
	copy_token(context_tenant, sizeof(context_tenant), tenant);
}


void
log_clear_context(void)
{
	strcpy(context_request_id, "-");
	strcpy(context_tenant, "-");
}


/* Writes VALUE quoted, with quotes, backslashes and control bytes escaped. */
static size_t
quote(char *dst, size_t size, const char *value)
{
	size_t n = 0;

	dst[n++] = '"';
	for (; *value != '\0' && n + 6 < size; value++) {
		unsigned char c = (unsigned char)*value;
		if (c == '"' || c == '\\') {
			dst[n++] = '\\';
			dst[n++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			n += (size_t)snprintf(dst + n, size - n, "\\x%02x", c);
		} else {
			dst[n++] = (char)c;
		}
	}
	if (*value != '\0' && n + 4 < size) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n++] = '"';
	dst[n] = '\0';
	return n;
}


/* Emits one line with a single write(2), so lines of workers never interleave. */
static void
emit(enum log_level level, const char *fields)
{
	char line[LOG_VALUE_MAX * 3];
	int n;

	n = snprintf(line, sizeof(line), "level=%s pid=%ld req=%s tenant=%s %s\n",
	    level_names[level], (long)getpid(), context_request_id,
	    context_tenant, fields);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	(void)!write(STDERR_FILENO, line, (size_t)n);
}


void
log_message(enum log_level level, const char *format, ...)
{
	char text[LOG_VALUE_MAX];
	char fields[LOG_VALUE_MAX * 2 + 8];
	va_list ap;

	if (!log_enabled(level))
		return;

	va_start(ap, format);
	vsnprintf(text, sizeof(text), format, ap);
	va_end(ap);

	memcpy(fields, "msg=", 4);
	quote(fields + 4, sizeof(fields) - 4, text);
	emit(level, fields);
}


void
log_request(const char *method, const char *path, int status,
    double duration_ms)
{
	char quoted_path[LOG_VALUE_MAX];
	char safe_method[16];
	char fields[LOG_VALUE_MAX + 128];

	if (!log_enabled(LOG_INFO))
		return;

	copy_token(safe_method, sizeof(safe_method), method);
	quote(quoted_path, sizeof(quoted_path), path != NULL ? path : "");
	snprintf(fields, sizeof(fields),
	    "msg=\"request\" method=%s path=%s status=%d ms=%.2f",
	    safe_method, quoted_path, status, duration_ms);
	emit(LOG_INFO, fields);
}
