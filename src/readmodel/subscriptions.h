/*
 * Webhook subscriptions of the current tenant (sql/tenant/007): the SQL
 * behind the endpoints of notifications.md §2.  A user reaches only his own
 * subscriptions, the superUser every one; another user's subscription is
 * reported as not found.  Secrets are written here and never read back.
 */
#ifndef PERFIMMO_READMODEL_SUBSCRIPTIONS_H
#define PERFIMMO_READMODEL_SUBSCRIPTIONS_H

#include <stdbool.h>

#include "auth/actor.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "http/query.h"
#include "page.h"

/* Checked values of a SubscriptionInput or SubscriptionPatch; NULL = absent. */
struct subscription_fields {
	const char *url;
	const char *event_types;	/* JSON array text */
	const char *aggregates;		/* JSON array text */
	const char *description;
	const char *start_after;	/* decimal, creation only */
	const char *is_active;		/* "true" or "false", PATCH only */
};

/*
 * Stores a new subscription of OWNER with SECRET and appends its view,
 * the secret included, to OUT.
 */
bool subscriptions_create(const char *uid, const char *owner,
    const struct subscription_fields *fields, const char *secret, struct strbuf *out,
    struct error *err);

/* One page of the subscriptions ACTOR may reach, by createdDate then uid. */
bool subscriptions_list(const struct actor *actor, struct page *page, struct error *err);

/* Appends the view of UID to OUT (when not NULL) if ACTOR may reach it, and sets *FOUND. */
bool subscriptions_find(const char *uid, const struct actor *actor, struct strbuf *out,
    bool *found, struct error *err);

/*
 * Applies the present FIELDS to UID and appends the new view to OUT.
 * Setting is_active to true on a Disabled subscription clears its run of
 * failures, so delivery resumes at once from the first undelivered event.
 */
bool subscriptions_update(const char *uid, const struct actor *actor,
    const struct subscription_fields *fields, struct strbuf *out, bool *found,
    struct error *err);

/* Removes UID with its secret, batches and attempts. */
bool subscriptions_delete(const char *uid, const struct actor *actor, bool *found,
    struct error *err);

/* Replaces UID's secret by SECRET: the next attempt signs with it. */
bool subscriptions_rotate_secret(const char *uid, const struct actor *actor,
    const char *secret, bool *found, struct error *err);

/* One page of UID's delivery attempts, newest first. */
bool subscriptions_attempts(const char *uid, const struct actor *actor,
    struct page *page, bool *found, struct error *err);

#endif
