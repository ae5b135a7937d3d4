/* PostgreSQL side of webhook deliveries. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "db/pg.h"
#include "db/pg_array.h"
#include "journal/upcast.h"
#include "store.h"

/* Candidates looked at per claim, and events scanned per batch. */
#define CLAIM_CANDIDATES "8"
#define SCAN_MAX 1000


/* Runs a SELECT whose rows are not needed. */
static bool
run_select(const char *sql, int count, const char *const *params, struct error *err)
{
	PGresult *result = pg_query(sql, count, params, PGRES_TUPLES_OK, err);

	PQclear(result);
	return result != NULL;
}


/*
 * The eventType renames of the upcast registry, passed to the SQL that
 * applies a subscription's filters, so that a subscription to a current
 * type also receives the events stored under its former names.
 */
struct renames {
	struct strbuf former;
	struct strbuf current;
};


/*
 * Writes the renames as two text[] literals of the same length.  SQL then
 * finds the current name of a stored type as
 * current[array_position(former, event_type)], NULL when it was never renamed.
 */
static void
renames_init(struct renames *renames)
{
	const char **former = calloc(upcast_registry.count + 1, sizeof(*former));
	const char **current = calloc(upcast_registry.count + 1, sizeof(*current));
	size_t count;

	if (former == NULL || current == NULL)
		abort();
	count = upcast_renames(&upcast_registry, former, current);
	strbuf_init(&renames->former);
	strbuf_init(&renames->current);
	pg_array_literal(&renames->former, former, count);
	pg_array_literal(&renames->current, current, count);
	free(former);
	free(current);
}


static void
renames_free(struct renames *renames)
{
	strbuf_free(&renames->former);
	strbuf_free(&renames->current);
}


void
batch_init(struct batch *batch)
{
	memset(batch, 0, sizeof(*batch));
	strbuf_init(&batch->body);
}


void
batch_free(struct batch *batch)
{
	strbuf_free(&batch->body);
}


bool
store_list_tenants(struct tenant **tenants, int *count, struct error *err)
{
	PGresult *result = pg_query("SELECT name FROM perfimmo_meta.tenants ORDER BY name",
	    0, NULL, PGRES_TUPLES_OK, err);
	int rows;

	if (result == NULL)
		return false;
	rows = PQntuples(result);
	*tenants = calloc((size_t)rows + 1, sizeof(**tenants));
	if (*tenants == NULL) {
		PQclear(result);
		return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
	}
	*count = 0;
	for (int i = 0; i < rows; i++) {
		const char *name = PQgetvalue(result, i, 0);
		if (tenant_name_is_valid(name))
			tenant_derive_names(&(*tenants)[(*count)++], name);
	}
	PQclear(result);
	return true;
}


/* Takes the advisory lock of the first candidate whose lock is free. */
static bool
lock_one(PGresult *candidates, struct claim *claim, bool *held, struct error *err)
{
	*held = false;
	for (int i = 0; i < PQntuples(candidates) && !*held; i++) {
		const char *params[1] = {PQgetvalue(candidates, i, 1)};
		PGresult *result = pg_query("SELECT pg_try_advisory_lock($1::bigint)", 1, params,
		    PGRES_TUPLES_OK, err);

		if (result == NULL)
			return false;
		*held = strcmp(PQgetvalue(result, 0, 0), "t") == 0;
		PQclear(result);
		if (*held) {
			snprintf(claim->subscription_uid, sizeof(claim->subscription_uid), "%s",
			    PQgetvalue(candidates, i, 0));
			claim->lock_key = strtoll(PQgetvalue(candidates, i, 1), NULL, 10);
			claim->consecutive_failures = atoi(PQgetvalue(candidates, i, 2));
			snprintf(claim->url, sizeof(claim->url), "%s", PQgetvalue(candidates, i, 3));
		}
	}
	return true;
}


/* Prepares the held subscription's batch; *HAS_BATCH false when there is none to send. */
static bool
prepare_batch(int batch_max, struct claim *claim, bool *has_batch, struct error *err)
{
	char scan[16], batch[16];
	struct renames renames;
	PGresult *result;

	snprintf(scan, sizeof(scan), "%d", SCAN_MAX);
	snprintf(batch, sizeof(batch), "%d", batch_max);
	renames_init(&renames);
	const char *params[5] = {claim->subscription_uid, scan, batch, renames.former.data,
	    renames.current.data};
	result = pg_query("SELECT d.uid, d.after_position, d.last_position"
	    " FROM subscription_prepare_batch($1::uuid, $2::integer, $3::integer,"
	    "      $4::text[], $5::text[]) d",
	    5, params, PGRES_TUPLES_OK, err);
	renames_free(&renames);
	if (result == NULL)
		return false;
	*has_batch = PQntuples(result) == 1 && !PQgetisnull(result, 0, 0);
	if (*has_batch) {
		snprintf(claim->delivery_uid, sizeof(claim->delivery_uid), "%s", PQgetvalue(result, 0, 0));
		claim->after_position = strtoll(PQgetvalue(result, 0, 1), NULL, 10);
		claim->last_position = strtoll(PQgetvalue(result, 0, 2), NULL, 10);
	}
	PQclear(result);
	return true;
}


bool
store_claim(int batch_max, struct claim *claim, bool *held, bool *moved, struct error *err)
{
	PGresult *candidates;
	bool has_batch = false;

	memset(claim, 0, sizeof(*claim));
	*held = *moved = false;
	if (!pg_exec("BEGIN", 0, NULL, err))
		return false;

	/* Row locks keep two senders from claiming the same rows at once. */
	candidates = pg_query("SELECT s.uid,"
	    "  hashtextextended(current_schema() || '/' || s.uid::text, 0),"
	    "  s.consecutive_failures, s.url"
	    " FROM subscriptions_due d JOIN subscriptions s ON s.uid = d.uid"
	    " WHERE s.next_attempt_at <= clock_timestamp()"
	    " ORDER BY s.next_attempt_at, s.uid"
	    " LIMIT " CLAIM_CANDIDATES
	    " FOR UPDATE OF s SKIP LOCKED", 0, NULL, PGRES_TUPLES_OK, err);
	if (candidates == NULL)
		goto fail;
	if (!lock_one(candidates, claim, held, err)) {
		PQclear(candidates);
		goto fail;
	}
	PQclear(candidates);
	if (*held && !prepare_batch(batch_max, claim, &has_batch, err))
		goto fail;
	if (!pg_exec("COMMIT", 0, NULL, err))
		goto fail;

	if (*held && !has_batch) {
		store_release(claim);
		*held = false;
		*moved = true;
	}
	return true;
fail:
	pg_exec("ROLLBACK", 0, NULL, &(struct error){0});
	if (*held)
		store_release(claim);
	*held = false;
	return false;
}


/* Appends one feed item of RESULT's row I to the body, the event in its current shape. */
static bool
append_event(struct batch *batch, PGresult *result, int i, struct error *err)
{
	strbuf_printf(&batch->body, "%s{\"position\":%s,\"aggregateType\":\"%s\",\"event\":",
	    i > 0 ? "," : "", PQgetvalue(result, i, 0), PQgetvalue(result, i, 1));
	if (!upcast_text(PQgetvalue(result, i, 3), atoi(PQgetvalue(result, i, 4)),
	    PQgetvalue(result, i, 2), &batch->body, err))
		return false;
	strbuf_puts(&batch->body, "}");
	return true;
}


bool
store_read_batch(const struct claim *claim, int batch_max, struct batch *batch,
    struct error *err)
{
	char limit[16];
	struct renames renames;
	PGresult *result;

	snprintf(limit, sizeof(limit), "%d", batch_max);
	renames_init(&renames);
	const char *params[5] = {claim->subscription_uid, claim->delivery_uid, limit,
	    renames.former.data, renames.current.data};
	/* Scalar subqueries keep the version look-ups to one index probe per event of the batch. */
	result = pg_query("SELECT b.event_position, b.aggregate_type, b.payload,"
	    "       (SELECT e.event_type FROM events e WHERE e.position = b.event_position),"
	    "       (SELECT e.schema_version FROM events e WHERE e.position = b.event_position)"
	    " FROM subscriptions s, deliveries d,"
	    "      subscription_batch_events(s, d, $3::integer, $4::text[], $5::text[]) b"
	    " WHERE s.uid = $1::uuid AND d.uid = $2::uuid ORDER BY b.event_position",
	    5, params, PGRES_TUPLES_OK, err);
	renames_free(&renames);
	if (result == NULL)
		return false;

	batch->count = PQntuples(result);
	strbuf_printf(&batch->body, "{\"deliveryUid\":\"%s\",\"subscriptionUid\":\"%s\",\"events\":[",
	    claim->delivery_uid, claim->subscription_uid);
	for (int i = 0; i < batch->count; i++) {
		if (!append_event(batch, result, i, err)) {
			log_error("subscription %s: batch %s cannot be sent: %s", claim->subscription_uid,
			    claim->delivery_uid, err->message_en);
			PQclear(result);
			return false;
		}
	}
	strbuf_puts(&batch->body, "]}");

	if (batch->count > 0) {
		batch->first_position = strtoll(PQgetvalue(result, 0, 0), NULL, 10);
		batch->last_position = strtoll(PQgetvalue(result, batch->count - 1, 0), NULL, 10);
	}
	/* A full batch may have left events of the range for the next one. */
	batch->acknowledged = batch->count == batch_max ? batch->last_position : claim->last_position;
	PQclear(result);
	if (batch->body.failed)
		return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
	return true;
}


bool
store_finish_empty(const struct claim *claim, struct error *err)
{
	char last[24];
	const char *params[3] = {claim->subscription_uid, claim->delivery_uid, last};

	snprintf(last, sizeof(last), "%lld", claim->last_position);
	return run_select("SELECT subscription_finish_batch($1::uuid, $2::uuid, $3::bigint)",
	    3, params, err);
}


bool
store_read_secret(const struct claim *claim, char *secret, size_t size, struct error *err)
{
	const char *params[1] = {claim->subscription_uid};
	PGresult *result = pg_query("SELECT secret FROM subscription_secrets WHERE subscription_uid = $1::uuid",
	    1, params, PGRES_TUPLES_OK, err);
	bool found;

	if (result == NULL)
		return false;
	found = PQntuples(result) == 1 && strlen(PQgetvalue(result, 0, 0)) < size;
	if (found)
		snprintf(secret, size, "%s", PQgetvalue(result, 0, 0));
	PQclear(result);
	if (!found)
		return error_set(err, ERR_NOT_FOUND, "secret absent", "no secret");
	return true;
}


bool
store_record(const struct claim *claim, const struct batch *batch,
    const struct attempt *attempt, long long retry_ms, struct error *err)
{
	char started[24], first[24], last[24], count[16], status[16], duration[16], acked[24], retry[24];
	const char *params[11] = {claim->subscription_uid, claim->delivery_uid, started, first, last,
	    count, attempt->http_status > 0 ? status : NULL, duration,
	    attempt->error[0] != '\0' ? attempt->error : NULL, acked, retry};

	snprintf(started, sizeof(started), "%lld", attempt->started_ms);
	snprintf(first, sizeof(first), "%lld", batch->first_position);
	snprintf(last, sizeof(last), "%lld", batch->last_position);
	snprintf(count, sizeof(count), "%d", batch->count);
	snprintf(status, sizeof(status), "%ld", attempt->http_status);
	snprintf(duration, sizeof(duration), "%ld", attempt->duration_ms);
	snprintf(acked, sizeof(acked), "%lld", batch->acknowledged);
	snprintf(retry, sizeof(retry), "%lld", retry_ms);

	return run_select("SELECT subscription_record_attempt($1::uuid, $2::uuid,"
	    " to_timestamp($3::bigint / 1000.0), $4::bigint, $5::bigint, $6::integer, $7::integer,"
	    " $8::integer, $9, $10::bigint, $11::bigint)", 11, params, err);
}


void
store_release(const struct claim *claim)
{
	char key[24];
	const char *params[1] = {key};
	struct error err;

	snprintf(key, sizeof(key), "%lld", claim->lock_key);
	/* When this fails the connection is gone, and the lock with it. */
	run_select("SELECT pg_advisory_unlock($1::bigint)", 1, params, &err);
}


bool
store_next_due_ms(long long *ms, struct error *err)
{
	/*
	 * No clamp to 0 in SQL: greatest() skips NULL arguments, so with nothing
	 * due it would return 0 instead of NULL and the daemon would poll again
	 * at once, in a loop, instead of waiting for a notification.
	 */
	PGresult *result = pg_query("SELECT ceil(extract(epoch FROM"
	    " min(next_attempt_at) - clock_timestamp()) * 1000)::bigint FROM subscriptions_due",
	    0, NULL, PGRES_TUPLES_OK, err);
	long long due;

	if (result == NULL)
		return false;
	due = PQgetisnull(result, 0, 0) ? -1 : strtoll(PQgetvalue(result, 0, 0), NULL, 10);
	*ms = PQgetisnull(result, 0, 0) ? -1 : (due < 0 ? 0 : due);
	PQclear(result);
	return true;
}
