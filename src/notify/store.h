/*
 * What perfimmo-notify reads and writes in PostgreSQL.  All but
 * store_list_tenants act on the tenant entered with pg_enter_tenant.
 *
 * Holding a subscription: store_claim picks a due subscription with
 * SELECT ... FOR UPDATE SKIP LOCKED and takes a session advisory lock on
 * it, which stays held through the HTTP attempt (the row lock ends with the
 * claim's short transaction, so a PATCH or DELETE through the API does not
 * wait for the HTTP attempt).
 * Another sender skips a subscription whose lock it cannot take, and a
 * sender that dies loses the lock with its connection, so the batch is sent
 * again by whichever sender claims it next.
 */
#ifndef PERFIMMO_NOTIFY_STORE_H
#define PERFIMMO_NOTIFY_STORE_H

#include <stdbool.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "db/tenant.h"
#include "destination.h"

/* A held subscription and the batch it is to send. */
struct claim {
	char subscription_uid[37];
	char delivery_uid[37];
	char url[DESTINATION_URL_MAX + 1];
	long long lock_key;
	long long after_position;	/* the batch covers (after, last] */
	long long last_position;
	int consecutive_failures;
};

/* The events of one attempt, as sent. */
struct batch {
	struct strbuf body;		/* {"deliveryUid","subscriptionUid","events"} */
	int count;
	long long first_position;
	long long last_position;
	long long acknowledged;		/* where the position goes on success */
};

/* Outcome of one attempt; an empty ERROR means delivered. */
struct attempt {
	long long started_ms;		/* epoch milliseconds */
	long http_status;		/* 0 when no response */
	long duration_ms;
	char error[256];
};

/* Lists the tenants (sets *TENANTS, freed by the caller). */
bool store_list_tenants(struct tenant **tenants, int *count, struct error *err);

/*
 * Holds one due subscription of the tenant and prepares its batch.  Sets
 * *HELD when CLAIM holds one (release it with store_release); *MOVED when a
 * position moved past events not for a subscription, which is progress too.
 */
bool store_claim(int batch_max, struct claim *claim, bool *held, bool *moved,
    struct error *err);

/* Builds the body of the attempt: the batch's events the owner may see now. */
bool store_read_batch(const struct claim *claim, int batch_max, struct batch *batch,
    struct error *err);

/* Ends a batch with nothing left to send (filters or scope changed since). */
bool store_finish_empty(const struct claim *claim, struct error *err);

/* Copies the subscription's current secret into SECRET. */
bool store_read_secret(const struct claim *claim, char *secret, size_t size, struct error *err);

/* Records ATTEMPT; RETRY_MS is the wait before the next one after a failure. */
bool store_record(const struct claim *claim, const struct batch *batch,
    const struct attempt *attempt, long long retry_ms, struct error *err);

/* Lets other senders take the subscription again. */
void store_release(const struct claim *claim);

/* Milliseconds until the tenant's next due attempt (0 if overdue), or -1 when none. */
bool store_next_due_ms(long long *ms, struct error *err);

void batch_init(struct batch *batch);
void batch_free(struct batch *batch);

#endif
