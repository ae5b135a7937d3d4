/*
 * Writer of the Prometheus text exposition format, version 0.0.4: one
 * `# HELP` and one `# TYPE` line per metric family, then its samples,
 * `name{label="value",...} number`, each line ending in a newline.
 */
#ifndef PERFIMMO_EXPOSITION_H
#define PERFIMMO_EXPOSITION_H

#include <stdint.h>

#include "common/strbuf.h"

#define EXPOSITION_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Label pairs of one sample, built with exposition_label. */
struct exposition_labels {
	char text[1024];
	int len;
};

/* Empties LABELS. */
void exposition_labels_clear(struct exposition_labels *labels);

/*
 * Adds NAME="VALUE" to LABELS, with backslash, double quote and line feed
 * of VALUE escaped.  A pair that does not fit is left out.
 */
void exposition_label(struct exposition_labels *labels, const char *name, const char *value);

/* Writes the HELP and TYPE lines of family NAME (TYPE: counter, gauge, histogram). */
void exposition_family(struct strbuf *out, const char *name, const char *type,
    const char *help);

/* Writes one sample of NAME with LABELS (NULL for none). */
void exposition_sample_u64(struct strbuf *out, const char *name,
    const struct exposition_labels *labels, uint64_t value);
void exposition_sample_double(struct strbuf *out, const char *name,
    const struct exposition_labels *labels, double value);

#endif
