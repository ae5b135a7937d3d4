/* One delivery attempt, from the claim of a subscription to its record. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/log.h"
#include "deliver.h"
#include "sender.h"
#include "signature.h"


/* A number in [0, 1) for the jitter of the retry delay. */
static double
random_unit(void)
{
	unsigned int value;

	if (RAND_bytes((unsigned char *)&value, sizeof(value)) != 1)
		return 0.5;
	return (double)value / 4294967296.0;
}


/*
 * Checks the destination again (its DNS may have changed since creation),
 * signs the body afresh and sends it.  A refused destination is a failed
 * attempt that sent nothing.
 */
static void
attempt_send(const struct deliver_context *ctx, const struct claim *claim,
    const struct batch *batch, const char *secret, struct attempt *attempt)
{
	struct sender_options options = {&ctx->settings->policy, ctx->config->notify_timeout_ms,
	    ctx->config->notify_ca_file};
	char signature[SIGNATURE_HEADER_SIZE];
	struct destination destination;
	struct sender_request request;
	struct error err;

	struct timespec now;

	memset(attempt, 0, sizeof(*attempt));
	clock_gettime(CLOCK_REALTIME, &now);
	attempt->started_ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	if (!destination_check(claim->url, &ctx->settings->policy, &destination, &err)) {
		snprintf(attempt->error, sizeof(attempt->error), "%s", err.message_en);
		return;
	}
	if (!signature_header(secret, (long long)time(NULL), batch->body.data, batch->body.len, signature)) {
		snprintf(attempt->error, sizeof(attempt->error), "could not sign the body");
		return;
	}
	request = (struct sender_request){claim->url, claim->delivery_uid, signature,
	    batch->body.data, batch->body.len};
	sender_post(&options, &destination, &request, attempt);
}


/* Reads the batch and the secret, sends, records; false on a database error. */
static bool
deliver_held(const struct deliver_context *ctx, const struct claim *claim, struct error *err)
{
	char secret[256];
	struct attempt attempt;
	struct batch batch;
	long long retry_ms;
	bool ok;

	batch_init(&batch);
	if (!store_read_batch(claim, ctx->config->notify_batch_max, &batch, err)) {
		batch_free(&batch);
		return false;
	}
	if (batch.count == 0) {
		/* The owner's scope or the filters changed: nothing of the range is left to send. */
		ok = store_finish_empty(claim, err);
		batch_free(&batch);
		return ok;
	}
	if (!store_read_secret(claim, secret, sizeof(secret), err)) {
		batch_free(&batch);
		return false;
	}

	attempt_send(ctx, claim, &batch, secret, &attempt);
	OPENSSL_cleanse(secret, sizeof(secret));

	retry_ms = backoff_delay_ms(&ctx->settings->retry, claim->consecutive_failures + 1, random_unit());
	ok = store_record(claim, &batch, &attempt, retry_ms, err);
	if (attempt.error[0] == '\0')
		log_info("delivery %s of subscription %s: delivered %d events (%lld-%lld), status %ld, %ld ms",
		    claim->delivery_uid, claim->subscription_uid, batch.count, batch.first_position,
		    batch.last_position, attempt.http_status, attempt.duration_ms);
	else
		log_warn("delivery %s of subscription %s: failed (%s), %d events, retry in %lld ms",
		    claim->delivery_uid, claim->subscription_uid, attempt.error, batch.count, retry_ms);
	batch_free(&batch);
	return ok;
}


enum deliver_outcome
deliver_one(const struct deliver_context *ctx, struct error *err)
{
	struct claim claim;
	bool held, moved, ok;

	if (!store_claim(ctx->config->notify_batch_max, &claim, &held, &moved, err))
		return DELIVER_FAILED;
	if (!held)
		return moved ? DELIVER_WORKED : DELIVER_IDLE;

	ok = deliver_held(ctx, &claim, err);
	store_release(&claim);
	return ok ? DELIVER_WORKED : DELIVER_FAILED;
}
