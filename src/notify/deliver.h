/*
 * One step of perfimmo-notify in the current tenant: hold a due
 * subscription, send its batch once, record the attempt, let it go.
 */
#ifndef PERFIMMO_DELIVER_H
#define PERFIMMO_DELIVER_H

#include "common/config.h"
#include "common/error.h"
#include "settings.h"

struct deliver_context {
	const struct config *config;
	const struct notify_settings *settings;
};

enum deliver_outcome {
	DELIVER_IDLE,			/* nothing due in this tenant */
	DELIVER_WORKED,			/* an attempt, or a position moved */
	DELIVER_FAILED,			/* a database error, in ERR */
};

enum deliver_outcome deliver_one(const struct deliver_context *ctx, struct error *err);

#endif
