/*
 * A growable byte buffer, always NUL-terminated.  The buffer owns its
 * bytes; strbuf_free releases them.  On allocation failure the buffer
 * keeps what it had and sets `failed`, so callers check once at the end.
 */
#ifndef PERFIMMO_STRBUF_H
#define PERFIMMO_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

void strbuf_init(struct strbuf *buf);
void strbuf_append(struct strbuf *buf, const char *bytes, size_t len);
void strbuf_puts(struct strbuf *buf, const char *text);
void strbuf_printf(struct strbuf *buf, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *buf);
void strbuf_free(struct strbuf *buf);

#endif
