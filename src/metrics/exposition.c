/* Prometheus text format output. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exposition.h"


void
exposition_labels_clear(struct exposition_labels *labels)
{
	labels->text[0] = '\0';
	labels->len = 0;
}


void
exposition_label(struct exposition_labels *labels, const char *name, const char *value)
{
	char escaped[sizeof(labels->text)];
	size_t used = 0;
	int written;

	for (const char *c = value; *c != '\0' && used + 3 < sizeof(escaped); c++) {
		if (*c == '\\' || *c == '"') {
			escaped[used++] = '\\';
			escaped[used++] = *c;
		} else if (*c == '\n') {
			escaped[used++] = '\\';
			escaped[used++] = 'n';
		} else {
			escaped[used++] = *c;
		}
	}
	escaped[used] = '\0';

	written = snprintf(labels->text + labels->len, sizeof(labels->text) - (size_t)labels->len,
	    "%s%s=\"%s\"", labels->len > 0 ? "," : "", name, escaped);
	if (written < 0 || (size_t)written >= sizeof(labels->text) - (size_t)labels->len) {
		labels->text[labels->len] = '\0';
		return;
	}
	labels->len += written;
}


/* HELP text escapes backslash and line feed only. */
static void
put_help(struct strbuf *out, const char *help)
{
	for (const char *c = help; *c != '\0'; c++) {
		if (*c == '\\')
			strbuf_puts(out, "\\\\");
		else if (*c == '\n')
			strbuf_puts(out, "\\n");
		else
			strbuf_append(out, c, 1);
	}
}


void
exposition_family(struct strbuf *out, const char *name, const char *type,
    const char *help)
{
	strbuf_printf(out, "# HELP %s ", name);
	put_help(out, help);
	strbuf_printf(out, "\n# TYPE %s %s\n", name, type);
}


static void
put_name(struct strbuf *out, const char *name, const struct exposition_labels *labels)
{
	strbuf_puts(out, name);
	if (labels != NULL && labels->len > 0)
		strbuf_printf(out, "{%s}", labels->text);
}


void
exposition_sample_u64(struct strbuf *out, const char *name,
    const struct exposition_labels *labels, uint64_t value)
{
	put_name(out, name, labels);
	strbuf_printf(out, " %llu\n", (unsigned long long)value);
}


void
exposition_sample_double(struct strbuf *out, const char *name,
    const struct exposition_labels *labels, double value)
{
	put_name(out, name, labels);
	if (isnan(value))
		strbuf_puts(out, " NaN\n");
	else if (isinf(value))
		strbuf_puts(out, value > 0 ? " +Inf\n" : " -Inf\n");
	else
		strbuf_printf(out, " %.15g\n", value);
}
