/* Small steps shared by the patrimony, lot and provider-contact read handlers. */
#ifndef PERFIMMO_READ_COMMON_H
#define PERFIMMO_READ_COMMON_H

#include <stdbool.h>

#include "common/strbuf.h"
#include "http/query.h"
#include "handlers.h"

/* Writes "https://<tenant host>" into OUT, the prefix of every link. */
void read_base_url(const struct context *ctx, char *out, size_t size);

/* Sends OUT as a 200 JSON body, or 404 NotFound when FOUND is false. */
void read_reply_item(struct context *ctx, bool found, const struct strbuf *out);

/* Reads the optional boolean NAME into *VALUE as 1 or 0, or -1 when absent. */
bool read_tristate(const struct query *q, const char *name, int *value, struct error *err);

#endif
