/* Growable NUL-terminated buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"


void
strbuf_init(struct strbuf *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->failed = false;
}


/* Makes room for EXTRA more bytes plus the terminating NUL. */
static bool
reserve(struct strbuf *buf, size_t extra)
{
	size_t need, cap;
	char *data;

	if (buf->failed)
		return false;
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return true;

	cap = buf->cap != 0 ? buf->cap : 256;
	while (cap < need)
		cap *= 2;
	data = realloc(buf->data, cap);
	if (data == NULL) {
		buf->failed = true;
		return false;
	}
	buf->data = data;
	buf->cap = cap;
	return true;
}


void
strbuf_append(struct strbuf *buf, const char *bytes, size_t len)
{
	if (!reserve(buf, len))
		return;
	/* BYTES may be NULL with LEN 0 (an empty buffer's data): skip memcpy. */
	if (len > 0)
		memcpy(buf->data + buf->len, bytes, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}


void
strbuf_puts(struct strbuf *buf, const char *text)
{
	strbuf_append(buf, text, strlen(text));
}


void
strbuf_printf(struct strbuf *buf, const char *format, ...)
{
	va_list ap;
	int n;

	va_start(ap, format);
	n = vsnprintf(NULL, 0, format, ap);
	va_end(ap);
	if (n < 0 || !reserve(buf, (size_t)n))
		return;

	va_start(ap, format);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, format, ap);
	va_end(ap);
	buf->len += (size_t)n;
}


void
strbuf_reset(struct strbuf *buf)
{
	buf->len = 0;
	if (buf->data != NULL)
		buf->data[0] = '\0';
}


void
strbuf_free(struct strbuf *buf)
{
	free(buf->data);
	strbuf_init(buf);
}
