/*
 * Webhook subscriptions (notifications.md §2): plain JSON resources, not
 * commands.  Checks run in this order: JSON (InvalidJson), fields
 * (InvalidSubscription), the subscription itself (NotFound), then the
 * destination's addresses (DestinationNotAllowed), which costs a DNS look-up.
 */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "common/json_strict.h"
#include "common/schema.h"
#include "domain/catalogue.h"
#include "handlers.h"
#include "http/response.h"
#include "notify/settings.h"
#include "notify/signature.h"
#include "readmodel/page.h"
#include "readmodel/subscriptions.h"

#define DESCRIPTION_MAX 200

static const struct schema_value name_item = {.type = SCHEMA_STRING};

static const struct schema_field input_fields[] = {
	{"url", SCHEMA_REQUIRED, {.type = SCHEMA_STRING}},
	{"eventTypes", 0, {.type = SCHEMA_ARRAY, .items = &name_item}},
	{"aggregates", 0, {.type = SCHEMA_ARRAY, .items = &name_item}},
	{"description", 0, {.type = SCHEMA_STRING}},
	{"startAfter", 0, {.type = SCHEMA_INTEGER, .has_min = true, .int_min = 0}},
	{NULL, 0, {0}},
};

static const struct schema_field patch_fields[] = {
	{"url", 0, {.type = SCHEMA_STRING}},
	{"eventTypes", 0, {.type = SCHEMA_ARRAY, .items = &name_item}},
	{"aggregates", 0, {.type = SCHEMA_ARRAY, .items = &name_item}},
	{"description", 0, {.type = SCHEMA_STRING}},
	{"isActive", 0, {.type = SCHEMA_BOOLEAN}},
	{NULL, 0, {0}},
};

/* A request body once checked, with the texts the SQL takes. */
struct checked_body {
	struct json_object *body;	/* normalised copy; owns the strings below */
	struct subscription_fields fields;
};


/* True when FOUND; else false with 404 NotFound, as for another user's subscription. */
static bool
exists(bool found, struct error *err, const char *uid)
{
	return found || error_set(err, ERR_NOT_FOUND, "aucun abonnement %s", "no subscription %s", uid);
}


/* Unicode code points of the UTF-8 string TEXT (already checked UTF-8). */
static size_t
code_points(const char *text)
{
	size_t count = 0;

	for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++)
		if ((*c & 0xc0) != 0x80)
			count++;
	return count;
}


/* Checks every name of the array NAME in BODY with KNOWN. */
static bool
check_names(struct json_object *body, const char *name, bool (*known)(const char *),
    struct error *err)
{
	struct json_object *items;

	if (!json_object_object_get_ex(body, name, &items))
		return true;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		const char *item = json_object_get_string(json_object_array_get_idx(items, i));
		if (!known(item))
			return error_set(err, ERR_INVALID_SUBSCRIPTION,
			    "%s[%zu] : valeur inconnue « %.80s »", "%s[%zu]: unknown value \"%.80s\"",
			    name, i, item);
	}
	return true;
}


static bool
is_event_type(const char *name)
{
	return catalogue_event_kind(name) != NULL;
}


/* The text of field NAME of BODY, or NULL when it is absent (or null). */
static const char *
text_of(struct json_object *body, const char *name)
{
	struct json_object *value;

	if (!json_object_object_get_ex(body, name, &value) || value == NULL)
		return NULL;
	return json_object_is_type(value, json_type_string) ? json_object_get_string(value) :
	    json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN);
}


/*
 * Parses and checks the request body against FIELDS; for a PATCH an array
 * the client did not send stays absent (schema_validate gives []).
 */
static bool
check_body(struct context *ctx, const struct schema_field *fields, bool patch,
    struct checked_body *checked, struct error *err)
{
	static const char *const array_fields[] = {"eventTypes", "aggregates"};
	struct json_object *raw, *value, *body;
	const char *url, *description;

	raw = json_strict_parse(ctx->req->body, ctx->req->body_len, err);
	if (raw == NULL)
		return false;
	body = schema_validate(raw, fields, err);
	if (body == NULL) {
		json_object_put(raw);
		/* Same message, the errorType of notifications.md §5. */
		if (err->type == ERR_INVALID_COMMAND)
			err->type = ERR_INVALID_SUBSCRIPTION;
		return false;
	}
	checked->body = body;
	for (size_t i = 0; patch && i < sizeof(array_fields) / sizeof(array_fields[0]); i++) {
		if (!json_object_object_get_ex(raw, array_fields[i], &value) || value == NULL)
			json_object_object_del(body, array_fields[i]);
	}
	json_object_put(raw);

	url = text_of(body, "url");
	description = text_of(body, "description");
	if (description != NULL && code_points(description) > DESCRIPTION_MAX)
		return error_set(err, ERR_INVALID_SUBSCRIPTION,
		    "description : au plus %d caractères", "description: at most %d characters",
		    DESCRIPTION_MAX);
	if (!check_names(body, "eventTypes", is_event_type, err) ||
	    !check_names(body, "aggregates", catalogue_is_kind, err))
		return false;

	checked->fields = (struct subscription_fields){
		.url = url,
		.event_types = text_of(body, "eventTypes"),
		.aggregates = text_of(body, "aggregates"),
		.description = description,
		.start_after = text_of(body, "startAfter"),
		.is_active = text_of(body, "isActive"),
	};
	return true;
}


/*
 * The destination checks of notifications.md §4: the URL's shape, then,
 * when RESOLVE is set, the addresses of its host.  No URL: nothing to check.
 */
static bool
check_url(const struct context *ctx, const char *url, bool resolve, struct error *err)
{
	struct notify_settings settings;
	struct destination destination;
	char message[256];

	if (url == NULL)
		return true;
	if (!notify_settings_load(ctx->config, &settings, message, sizeof(message)))
		return error_set(err, ERR_INTERNAL, "configuration invalide", "invalid configuration");
	if (!destination_parse_url(url, &settings.policy, &destination, err))
		return false;
	return !resolve || destination_resolve(&settings.policy, &destination, err);
}


static void
reply_json_text(struct context *ctx, int status, const struct strbuf *out)
{
	response_raw(ctx->req, status, out->data, out->len);
}


void
subscriptions_post(void *opaque)
{
	struct context *ctx = opaque;
	struct checked_body checked = {0};
	char uid[37], secret[SIGNATURE_SECRET_SIZE];
	struct strbuf out;
	struct error err;

	strbuf_init(&out);
	if (!check_body(ctx, input_fields, false, &checked, &err) ||
	    !check_url(ctx, checked.fields.url, true, &err))
		goto fail;
	if (!signature_new_secret(secret)) {
		error_set(&err, ERR_INTERNAL, "tirage aléatoire impossible", "random generator failed");
		goto fail;
	}

	command_new_uid(uid);
	if (!subscriptions_create(uid, ctx->actor.uid, &checked.fields, secret, &out, &err))
		goto fail;
	reply_json_text(ctx, 201, &out);
	goto done;
fail:
	response_error(ctx->req, &err);
done:
	memset(secret, 0, sizeof(secret));
	json_object_put(checked.body);
	strbuf_free(&out);
}


void
subscriptions_get(void *opaque)
{
	struct context *ctx = opaque;
	struct page page;
	struct query *q;
	struct error err;

	page_begin(&page, ctx->req, PAGE_MAX);
	q = query_parse(ctx->req->query, &err);
	if (q == NULL || !page_read_range(&page, q, &err) ||
	    !subscriptions_list(&ctx->actor, &page, &err))
		response_error(ctx->req, &err);
	else
		page_send(&page, ctx->req, "result", NULL);
	page_free(&page);
	query_free(q);
}


void
subscription_get(void *opaque)
{
	struct context *ctx = opaque;
	const char *uid = ctx->req->params[0];
	struct strbuf out;
	struct error err;
	bool found = false;

	strbuf_init(&out);
	if (!subscriptions_find(uid, &ctx->actor, &out, &found, &err) ||
	    !exists(found, &err, uid))
		response_error(ctx->req, &err);
	else
		reply_json_text(ctx, 200, &out);
	strbuf_free(&out);
}


void
subscription_patch(void *opaque)
{
	struct context *ctx = opaque;
	const char *uid = ctx->req->params[0];
	struct checked_body checked = {0};
	struct strbuf out;
	struct error err;
	bool found = false;

	strbuf_init(&out);
	if (!check_body(ctx, patch_fields, true, &checked, &err) ||
	    !check_url(ctx, checked.fields.url, false, &err) ||
	    !subscriptions_find(uid, &ctx->actor, NULL, &found, &err) ||
	    !exists(found, &err, uid) ||
	    !check_url(ctx, checked.fields.url, true, &err) ||
	    !subscriptions_update(uid, &ctx->actor, &checked.fields, &out, &found, &err) ||
	    !exists(found, &err, uid))
		response_error(ctx->req, &err);
	else
		reply_json_text(ctx, 200, &out);
	json_object_put(checked.body);
	strbuf_free(&out);
}


void
subscription_delete(void *opaque)
{
	struct context *ctx = opaque;
	const char *uid = ctx->req->params[0];
	struct error err;
	bool found = false;

	if (!subscriptions_delete(uid, &ctx->actor, &found, &err) ||
	    !exists(found, &err, uid))
		response_error(ctx->req, &err);
	else
		response_raw(ctx->req, 204, NULL, 0);
}


void
subscription_secret_post(void *opaque)
{
	struct context *ctx = opaque;
	const char *uid = ctx->req->params[0];
	char secret[SIGNATURE_SECRET_SIZE], body[SIGNATURE_SECRET_SIZE + 16];
	struct json_object *parsed;
	struct error err;
	bool found = false;

	/* The body is `{}`: any JSON object, whose fields are ignored. */
	parsed = json_strict_parse(ctx->req->body, ctx->req->body_len, &err);
	if (parsed == NULL) {
		response_error(ctx->req, &err);
		return;
	}
	json_object_put(parsed);

	if (!signature_new_secret(secret)) {
		error_set(&err, ERR_INTERNAL, "tirage aléatoire impossible", "random generator failed");
		response_error(ctx->req, &err);
		return;
	}
	if (!subscriptions_rotate_secret(uid, &ctx->actor, secret, &found, &err) ||
	    !exists(found, &err, uid)) {
		response_error(ctx->req, &err);
	} else {
		snprintf(body, sizeof(body), "{\"secret\":\"%s\"}", secret);
		response_raw(ctx->req, 200, body, strlen(body));
	}
	memset(secret, 0, sizeof(secret));
	memset(body, 0, sizeof(body));
}


void
subscription_deliveries_get(void *opaque)
{
	struct context *ctx = opaque;
	const char *uid = ctx->req->params[0];
	struct page page;
	struct query *q;
	struct error err;
	bool found = false;

	page_begin(&page, ctx->req, PAGE_MAX);
	q = query_parse(ctx->req->query, &err);
	if (q == NULL || !page_read_range(&page, q, &err) ||
	    !subscriptions_attempts(uid, &ctx->actor, &page, &found, &err) ||
	    !exists(found, &err, uid))
		response_error(ctx->req, &err);
	else
		page_send(&page, ctx->req, "result", NULL);
	page_free(&page);
	query_free(q);
}
