/*
 * The notification settings of perfimmo.conf in their checked form, read
 * by perfimmo-api (destination checks at creation and PATCH) and by
 * perfimmo-notify (the same checks at each attempt, and the retry delays).
 */
#ifndef PERFIMMO_NOTIFY_SETTINGS_H
#define PERFIMMO_NOTIFY_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "backoff.h"
#include "common/config.h"
#include "destination.h"

struct notify_settings {
	struct destination_policy policy;
	struct backoff_schedule retry;
};

/* Parses the notify_* keys of CONFIG; on failure writes the reason into MESSAGE. */
bool notify_settings_load(const struct config *config, struct notify_settings *settings,
    char *message, size_t message_size);

#endif
