/* SQL of the webhook subscription endpoints. */
#include <stdlib.h>

#include "db/pg.h"
#include "subscriptions.h"

/* Text[] from a JSON array parameter, or the column unchanged when it is NULL. */
#define ARRAY_OR(param, column) \
	"CASE WHEN " param "::jsonb IS NULL THEN " column \
	" ELSE ARRAY(SELECT jsonb_array_elements_text(" param "::jsonb)) END"


/* The owner condition's parameter: NULL lets the superUser reach every subscription. */
static const char *
owner_of(const struct actor *actor)
{
	return actor->type == USER_SUPER ? NULL : actor->uid;
}


/* Runs SQL expecting at most one row whose first column is appended to OUT. */
static bool
one_row(const char *sql, int count, const char *const *params, struct strbuf *out,
    bool *found, struct error *err)
{
	PGresult *result = pg_query(sql, count, params, PGRES_TUPLES_OK, err);

	if (result == NULL)
		return false;
	*found = PQntuples(result) == 1;
	if (*found && out != NULL)
		strbuf_puts(out, PQgetvalue(result, 0, 0));
	PQclear(result);
	if (out != NULL && out->failed)
		return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
	return true;
}


static bool
insert_rows(const char *uid, const char *owner, const struct subscription_fields *fields,
    const char *secret, struct error *err)
{
	const char *params[7] = {uid, owner, fields->url, fields->event_types, fields->aggregates,
	    fields->description, fields->start_after};
	const char *secret_params[2] = {uid, secret};

	/* Without startAfter, only events stored after the creation are sent. */
	return pg_exec("INSERT INTO subscriptions (uid, owner_uid, url, event_types, aggregates,"
	    "  description, delivered_position)"
	    " VALUES ($1::uuid, $2::uuid, $3,"
	    "  ARRAY(SELECT jsonb_array_elements_text(coalesce($4::jsonb, '[]'))),"
	    "  ARRAY(SELECT jsonb_array_elements_text(coalesce($5::jsonb, '[]'))), $6,"
	    "  coalesce($7::bigint, (SELECT max(position) FROM events), 0))",
	    7, params, err) &&
	    pg_exec("INSERT INTO subscription_secrets (subscription_uid, secret) VALUES ($1::uuid, $2)",
		2, secret_params, err);
}


bool
subscriptions_create(const char *uid, const char *owner,
    const struct subscription_fields *fields, const char *secret, struct strbuf *out,
    struct error *err)
{
	const char *params[2] = {uid, secret};
	bool found = false;

	if (!pg_exec("BEGIN", 0, NULL, err))
		return false;
	if (!insert_rows(uid, owner, fields, secret, err) ||
	    !one_row("SELECT (subscription_view(s) || jsonb_build_object('secret', $2::text))::text"
		" FROM subscriptions s WHERE s.uid = $1::uuid", 2, params, out, &found, err) ||
	    !pg_exec("COMMIT", 0, NULL, err)) {
		pg_exec("ROLLBACK", 0, NULL, &(struct error){0});
		return false;
	}
	return true;
}


bool
subscriptions_list(const struct actor *actor, struct page *page, struct error *err)
{
	struct page_query query = {0};
	struct sql_builder b;
	bool ok;

	sql_builder_init(&b);
	sql_builder_puts(&b, "FROM subscriptions s WHERE true");
	if (owner_of(actor) != NULL) {
		sql_builder_puts(&b, " AND s.owner_uid = ");
		sql_builder_param(&b, owner_of(actor), "uuid");
	}
	query.item = "subscription_view(s)";
	query.order = "s.created_at, s.uid";
	ok = page_fetch_from(page, &b, &query, err);
	sql_builder_free(&b);
	return ok;
}


bool
subscriptions_find(const char *uid, const struct actor *actor, struct strbuf *out,
    bool *found, struct error *err)
{
	const char *params[2] = {uid, owner_of(actor)};

	return one_row("SELECT subscription_view(s)::text FROM subscriptions s"
	    " WHERE s.uid = $1::uuid AND ($2::uuid IS NULL OR s.owner_uid = $2::uuid)",
	    2, params, out, found, err);
}


bool
subscriptions_update(const char *uid, const struct actor *actor,
    const struct subscription_fields *fields, struct strbuf *out, bool *found,
    struct error *err)
{
	const char *params[7] = {uid, owner_of(actor), fields->url, fields->event_types,
	    fields->aggregates, fields->description, fields->is_active};

	return one_row("UPDATE subscriptions s SET"
	    " url = coalesce($3, s.url),"
	    " event_types = " ARRAY_OR("$4", "s.event_types") ","
	    " aggregates = " ARRAY_OR("$5", "s.aggregates") ","
	    " description = coalesce($6, s.description),"
	    " state = CASE $7::boolean WHEN true THEN 'Active' WHEN false THEN 'Disabled' ELSE s.state END,"
	    /* Re-enabling a disabled subscription starts a fresh run: no failures, no wait. */
	    " consecutive_failures = CASE WHEN $7::boolean AND s.state = 'Disabled' THEN 0"
	    "   ELSE s.consecutive_failures END,"
	    " failing_since = CASE WHEN $7::boolean AND s.state = 'Disabled' THEN NULL"
	    "   ELSE s.failing_since END,"
	    " next_attempt_at = CASE WHEN $7::boolean AND s.state = 'Disabled' THEN clock_timestamp()"
	    "   ELSE s.next_attempt_at END"
	    " WHERE s.uid = $1::uuid AND ($2::uuid IS NULL OR s.owner_uid = $2::uuid)"
	    " RETURNING subscription_view(s)::text",
	    7, params, out, found, err);
}


bool
subscriptions_delete(const char *uid, const struct actor *actor, bool *found,
    struct error *err)
{
	const char *params[2] = {uid, owner_of(actor)};

	return one_row("DELETE FROM subscriptions s"
	    " WHERE s.uid = $1::uuid AND ($2::uuid IS NULL OR s.owner_uid = $2::uuid)"
	    " RETURNING s.uid", 2, params, NULL, found, err);
}


bool
subscriptions_rotate_secret(const char *uid, const struct actor *actor,
    const char *secret, bool *found, struct error *err)
{
	const char *params[3] = {uid, owner_of(actor), secret};

	return one_row("UPDATE subscription_secrets k SET secret = $3, rotated_at = clock_timestamp()"
	    " FROM subscriptions s"
	    " WHERE k.subscription_uid = s.uid AND s.uid = $1::uuid"
	    "   AND ($2::uuid IS NULL OR s.owner_uid = $2::uuid)"
	    " RETURNING k.subscription_uid", 3, params, NULL, found, err);
}


bool
subscriptions_attempts(const char *uid, const struct actor *actor,
    struct page *page, bool *found, struct error *err)
{
	struct page_query query = {0};
	struct sql_builder b;
	bool ok;

	if (!subscriptions_find(uid, actor, NULL, found, err))
		return false;
	if (!*found)
		return true;

	sql_builder_init(&b);
	sql_builder_puts(&b, "FROM delivery_attempts a WHERE a.subscription_uid = ");
	sql_builder_param(&b, uid, "uuid");
	query.item = "delivery_attempt_view(a)";
	query.order = "a.attempted_at DESC, a.uid DESC";
	ok = page_fetch_from(page, &b, &query, err);
	sql_builder_free(&b);
	return ok;
}
