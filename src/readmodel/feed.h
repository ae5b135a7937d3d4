/* The tenant's event feed: stored events after a position, in position order. */
#ifndef PERFIMMO_FEED_H
#define PERFIMMO_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/actor.h"
#include "common/error.h"
#include "common/strbuf.h"

struct feed_filter {
	uint64_t after;
	unsigned limit;
	char **types;			/* NULL-terminated; NULL or empty = all */
	char **kinds;			/* NULL-terminated; NULL or empty = all */
};

/*
 * Appends {"events":[...],"next":N} to OUT.  Events of aggregates ACTOR
 * cannot see now are skipped, and `next` still moves past them, so a
 * reader never reads the same rows twice.
 */
bool feed_read(const struct feed_filter *filter, const struct actor *actor,
    struct strbuf *out, struct error *err);

#endif
