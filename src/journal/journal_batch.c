/* Kept streams, prefetched processUids and pipelined appends of a journal batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "db/pg.h"
#include "journal_batch.h"

/* Streams kept at once; past it they are all dropped, a batch rarely needs more. */
#define KEPT_MAX 512

struct kept_stream {
	char kind[24];
	char uid[37];
	int version;
	struct json_object *events;
};

static struct kept_stream kept[KEPT_MAX];
static size_t kept_count;

/* Sorted processUids the last prefetch found absent; USED marks those appended since. */
static char (*new_uids)[37];
static bool *used;
static size_t new_count;

/*
 * Sorted "kind/uid" keys of the streams the last stream prefetch found
 * without any event; ABSENT_USED marks those kept since, which are then
 * read from the kept streams or from PostgreSQL again.
 */
static char (*absent)[64];
static bool *absent_used;
static size_t absent_count;

static bool savepoint_left;		/* a failed append's savepoint waits for its rollback */
static unsigned long epoch = 1;		/* see journal_batch_epoch(); never 0 */

/*
 * Deferred appends (batch_defer_appends): the JSON array text of the
 * commands journal_append_batch will store, without its closing bracket,
 * and the stream each of them extends.  Past DEFERRED_MAX commands they
 * are sent, which bounds the memory and the statement's duration.
 */
#define DEFERRED_MAX 1000

static struct {
	bool on;
	const struct pg_statement *stream_read;	/* the journal's statement reading one stream */
	struct strbuf commands;
	size_t count;
	struct {
		char kind[24];
		char uid[37];
	} streams[DEFERRED_MAX];
} deferred;

/*
 * Whether sending the deferred appends of the last batch that deferred
 * them failed, and the error, which every later statement of that batch
 * returns: its transaction is aborted.
 */
static bool deferred_failed;
static struct error deferred_error;


static struct kept_stream *
find_kept(const char *kind, const char *uid)
{
	for (size_t i = 0; i < kept_count; i++)
		if (strcmp(kept[i].uid, uid) == 0 && strcmp(kept[i].kind, kind) == 0)
			return &kept[i];
	return NULL;
}


/* A new array holding references to the events of SOURCE. */
static struct json_object *
array_copy(struct json_object *source)
{
	size_t count = json_object_array_length(source);
	struct json_object *copy = json_object_new_array_ext((int)count);

	for (size_t i = 0; i < count; i++)
		json_object_array_add(copy, json_object_get(json_object_array_get_idx(source, i)));
	return copy;
}


static int
compare_keys(const void *a, const void *b)
{
	return strcmp(a, b);
}


/* The entry of KIND/UID among the absent streams, or NULL. */
static char (*find_absent(const char *kind, const char *uid))[64]
{
	char key[64];

	if (absent_count == 0)
		return NULL;
	snprintf(key, sizeof(key), "%s/%s", kind, uid);
	return bsearch(key, absent, absent_count, sizeof(*absent), compare_keys);
}


struct json_object *
batch_stream_get(const char *kind, const char *uid, int *version)
{
	struct kept_stream *stream = find_kept(kind, uid);
	char (*none)[64];

	if (stream == NULL) {
		none = find_absent(kind, uid);
		if (none == NULL || absent_used[none - absent])
			return NULL;
		*version = 0;
		return json_object_new_array();
	}
	*version = stream->version;
	return array_copy(stream->events);
}


void
batch_stream_keep(const char *kind, const char *uid, int version, struct json_object *events)
{
	struct kept_stream *stream = find_kept(kind, uid);
	char (*none)[64] = find_absent(kind, uid);

	if (none != NULL)
		absent_used[none - absent] = true;

	if (stream == NULL) {
		if (kept_count == KEPT_MAX)
			batch_forget_streams();
		stream = &kept[kept_count++];
		snprintf(stream->kind, sizeof(stream->kind), "%s", kind);
		snprintf(stream->uid, sizeof(stream->uid), "%s", uid);
	} else {
		json_object_put(stream->events);
	}
	stream->version = version;
	stream->events = array_copy(events);
}


unsigned long
batch_epoch(void)
{
	return epoch;
}


void
batch_forget_streams(void)
{
	epoch++;
	if (epoch == 0)
		epoch = 1;
	for (size_t i = 0; i < kept_count; i++)
		json_object_put(kept[i].events);
	kept_count = 0;
}


void
batch_forget(void)
{
	batch_forget_streams();
	if (deferred.on)
		pg_set_before_statement(NULL);
	strbuf_free(&deferred.commands);
	memset(&deferred, 0, sizeof(deferred));
	free(absent);
	free(absent_used);
	absent = NULL;
	absent_used = NULL;
	absent_count = 0;
	free(new_uids);
	free(used);
	new_uids = NULL;
	used = NULL;
	new_count = 0;
}


static int
compare_uids(const void *a, const void *b)
{
	return strcmp(a, b);
}


bool
batch_process_uid_is_new(const char *uid)
{
	char (*found)[37] = new_count > 0 ?
	    bsearch(uid, new_uids, new_count, sizeof(*new_uids), compare_uids) : NULL;

	return found != NULL && !used[found - new_uids];
}


static void
mark_used(const char *uid)
{
	char (*found)[37] = new_count > 0 ?
	    bsearch(uid, new_uids, new_count, sizeof(*new_uids), compare_uids) : NULL;

	if (found != NULL)
		used[found - new_uids] = true;
}


/* Builds the text of a uuid[] literal of UIDS: {a,b,...}. */
static void
uid_array_literal(const char (*uids)[37], size_t count, struct strbuf *out)
{
	strbuf_puts(out, "{");
	for (size_t i = 0; i < count; i++) {
		if (i > 0)
			strbuf_puts(out, ",");
		strbuf_append(out, uids[i], 36);
	}
	strbuf_puts(out, "}");
}


bool
journal_batch_prefetch(const char (*uids)[37], size_t count, struct error *err)
{
	struct strbuf literal;
	const char *params[1];
	PGresult *result;
	size_t kept_new = 0;

	free(new_uids);
	free(used);
	new_uids = calloc(count + 1, sizeof(*new_uids));
	used = calloc(count + 1, sizeof(*used));
	new_count = 0;
	if (new_uids == NULL || used == NULL)
		abort();

	strbuf_init(&literal);
	uid_array_literal(uids, count, &literal);
	params[0] = literal.data;
	result = pg_query("SELECT u::text FROM unnest($1::uuid[]) u"
	    " WHERE NOT EXISTS (SELECT 1 FROM processed_commands p WHERE p.process_uid = u)",
	    1, params, PGRES_TUPLES_OK, err);
	strbuf_free(&literal);
	if (result == NULL)
		return false;
	for (int i = 0; i < PQntuples(result); i++)
		snprintf(new_uids[kept_new++], 37, "%s", PQgetvalue(result, i, 0));
	PQclear(result);

	/* A uid sent twice in the batch must be "new" once only: the second is a duplicate. */
	qsort(new_uids, kept_new, sizeof(*new_uids), compare_uids);
	new_count = 0;
	for (size_t i = 0; i < kept_new; i++)
		if (new_count == 0 || strcmp(new_uids[new_count - 1], new_uids[i]) != 0)
			memcpy(new_uids[new_count++], new_uids[i], 37);
	return true;
}


/* Builds the text of a PostgreSQL array literal of the COUNT quoted-free VALUES. */
static void
array_literal(const char *const *values, size_t count, struct strbuf *out)
{
	strbuf_puts(out, "{");
	for (size_t i = 0; i < count; i++) {
		if (i > 0)
			strbuf_puts(out, ",");
		strbuf_puts(out, values[i]);
	}
	strbuf_puts(out, "}");
}


bool
journal_batch_prefetch_streams(const char (*kinds)[24], const char (*uids)[37], size_t count,
    struct error *err)
{
	struct strbuf kind_list, uid_list;
	const char **values = calloc(count + 1, sizeof(*values));
	const char *params[2];
	PGresult *result;
	size_t found = 0;

	free(absent);
	free(absent_used);
	absent = calloc(count + 1, sizeof(*absent));
	absent_used = calloc(count + 1, sizeof(*absent_used));
	absent_count = 0;
	if (values == NULL || absent == NULL || absent_used == NULL)
		abort();

	/* Kinds are the journal's own names (letters only) and uids parsed SafeUUIDs. */
	strbuf_init(&kind_list);
	strbuf_init(&uid_list);
	for (size_t i = 0; i < count; i++)
		values[i] = kinds[i];
	array_literal(values, count, &kind_list);
	for (size_t i = 0; i < count; i++)
		values[i] = uids[i];
	array_literal(values, count, &uid_list);
	free(values);
	params[0] = kind_list.data;
	params[1] = uid_list.data;
	result = pg_query("SELECT x.kind || '/' || x.uid::text FROM unnest($1::text[], $2::uuid[]) AS x (kind, uid)"
	    " WHERE NOT EXISTS (SELECT 1 FROM events e"
	    "  WHERE e.aggregate_type = x.kind AND e.aggregate_uid = x.uid)",
	    2, params, PGRES_TUPLES_OK, err);
	strbuf_free(&kind_list);
	strbuf_free(&uid_list);
	if (result == NULL)
		return false;
	for (int i = 0; i < PQntuples(result) && found < count; i++)
		snprintf(absent[found++], sizeof(*absent), "%s", PQgetvalue(result, i, 0));
	PQclear(result);

	qsort(absent, found, sizeof(*absent), compare_keys);
	for (size_t i = 0; i < found; i++)
		if (absent_count == 0 || strcmp(absent[absent_count - 1], absent[i]) != 0)
			memcpy(absent[absent_count++], absent[i], sizeof(*absent));
	return true;
}


/* Adds the stored events (STORED, a JSON array text) to the kept stream they extend. */
static void
keep_appended(const char *kind, const char *uid, int expected, const char *stored)
{
	struct kept_stream *stream = find_kept(kind, uid);
	struct json_object *events;
	size_t count;

	if (stream == NULL ? expected != 0 : stream->version != expected)
		return;
	events = json_tokener_parse(stored);
	if (events == NULL || !json_object_is_type(events, json_type_array)) {
		json_object_put(events);
		batch_forget_streams();
		return;
	}
	count = json_object_array_length(events);
	if (stream == NULL) {
		batch_stream_keep(kind, uid, expected + (int)count, events);
	} else {
		for (size_t i = 0; i < count; i++)
			json_object_array_add(stream->events,
			    json_object_get(json_object_array_get_idx(events, i)));
		stream->version = expected + (int)count;
	}
	json_object_put(events);
}


/* True when a deferred append extends the stream KIND/UID. */
static bool
defers_stream(const char *kind, const char *uid)
{
	for (size_t i = 0; i < deferred.count; i++)
		if (strcmp(deferred.streams[i].uid, uid) == 0 && strcmp(deferred.streams[i].kind, kind) == 0)
			return true;
	return false;
}


/*
 * Sends the deferred appends before a statement that may read what they
 * write.  A read of one stream only needs the appends to that stream, so
 * it lets the others wait.
 */
static bool
send_deferred_before(const struct pg_statement *statement, int nparams,
    const char *const *values, struct error *err)
{
	if (statement == deferred.stream_read && nparams == 2 && !defers_stream(values[0], values[1]))
		return true;
	return batch_send_deferred(err);
}


void
batch_defer_appends(const struct pg_statement *stream_read)
{
	deferred.on = true;
	deferred.stream_read = stream_read;
	deferred_failed = false;
	strbuf_init(&deferred.commands);
	pg_set_before_statement(send_deferred_before);
}


bool
batch_send_deferred(struct error *err)
{
	struct strbuf commands = deferred.commands;
	const char *params[1];
	PGresult *result;

	if (!deferred.on)
		return true;
	if (deferred_failed) {
		*err = deferred_error;
		return false;
	}
	if (deferred.count == 0)
		return true;

	/* Emptied first: the statement below runs the before-statement function too. */
	strbuf_init(&deferred.commands);
	deferred.count = 0;
	strbuf_puts(&commands, "]");
	params[0] = commands.data;
	if (commands.failed) {
		log_error("out of memory while deferring appends");
		error_set(err, ERR_INTERNAL, "erreur interne", "internal error");
		result = NULL;
	} else {
		result = pg_query("SELECT journal_append_batch($1::jsonb)", 1, params, PGRES_TUPLES_OK, err);
	}
	strbuf_free(&commands);
	if (result == NULL) {
		deferred_failed = true;
		deferred_error = *err;
		return false;
	}
	PQclear(result);
	return true;
}


bool
batch_deferred_failed(void)
{
	return deferred_failed;
}


/*
 * Queues the append of PARAMS (those of journal_append) for
 * journal_append_batch.  From now on the events count as stored for the
 * kept streams and the processUids of the batch.
 */
static enum journal_append_result
defer_append(const char *const params[6], struct strbuf *stored, struct error *err)
{
	struct strbuf *commands = &deferred.commands;

	if (deferred.count == DEFERRED_MAX && !batch_send_deferred(err))
		return JOURNAL_FAILED;
	if (deferred_failed) {
		*err = deferred_error;
		return JOURNAL_FAILED;
	}

	/* Kinds are the journal's own names, uids parsed SafeUUIDs, the version a number: none needs escaping. */
	strbuf_puts(commands, deferred.count == 0 ? "[" : ",");
	strbuf_printf(commands, "{\"kind\":\"%s\",\"uid\":\"%s\",\"version\":%s,\"processUid\":\"%s\","
	    "\"actor\":", params[0], params[1], params[2], params[4]);
	if (params[5] != NULL)
		strbuf_printf(commands, "\"%s\"", params[5]);
	else
		strbuf_puts(commands, "null");
	strbuf_puts(commands, ",\"events\":");
	strbuf_puts(commands, params[3]);
	strbuf_puts(commands, "}");
	snprintf(deferred.streams[deferred.count].kind, sizeof(deferred.streams[0].kind), "%s", params[0]);
	snprintf(deferred.streams[deferred.count].uid, sizeof(deferred.streams[0].uid), "%s", params[1]);
	deferred.count++;

	strbuf_puts(stored, params[3]);
	mark_used(params[4]);
	keep_appended(params[0], params[1], atoi(params[2]), params[3]);
	return JOURNAL_APPENDED;
}


/* Reads every result of one pipelined query; keeps the first, clears the rest. */
static PGresult *
take_result(PGconn *conn)
{
	PGresult *first = PQgetResult(conn), *extra;

	if (first == NULL)
		return NULL;
	while ((extra = PQgetResult(conn)) != NULL)
		PQclear(extra);
	return first;
}


static bool
send_pipeline(PGconn *conn, const char *const params[6])
{
	return PQenterPipelineMode(conn) == 1 &&
	    PQsendQueryParams(conn, "SAVEPOINT command", 0, NULL, NULL, NULL, NULL, 0) == 1 &&
	    PQsendQueryParams(conn, "SELECT event_position, event_payload"
	    "  FROM journal_append($1, $2, $3, $4, $5, $6)", 6, NULL, params, NULL, NULL, 0) == 1 &&
	    PQsendQueryParams(conn, "RELEASE SAVEPOINT command", 0, NULL, NULL, NULL, NULL, 0) == 1 &&
	    PQpipelineSync(conn) == 1;
}


enum journal_append_result
batch_append(const char *const params[6], struct strbuf *stored, struct error *err)
{
	PGconn *conn;
	PGresult *savepoint, *append, *release, *sync;
	enum journal_append_result outcome = JOURNAL_FAILED;
	size_t mark = stored->len;

	if (deferred.on)
		return defer_append(params, stored, err);
	conn = pg_connection(err);
	if (conn == NULL)
		return JOURNAL_FAILED;
	if (!send_pipeline(conn, params)) {
		pg_map_error(NULL, err);
		PQexitPipelineMode(conn);
		return JOURNAL_FAILED;
	}
	savepoint = take_result(conn);
	append = take_result(conn);
	release = take_result(conn);
	sync = PQgetResult(conn);

	savepoint_left = PQresultStatus(savepoint) == PGRES_COMMAND_OK &&
	    PQresultStatus(release) != PGRES_COMMAND_OK;
	if (PQresultStatus(append) == PGRES_TUPLES_OK && !savepoint_left) {
		journal_write_stored(append, stored);
		outcome = JOURNAL_APPENDED;
	} else {
		PGresult *failed = PQresultStatus(savepoint) != PGRES_COMMAND_OK ? savepoint : append;
		pg_map_error(failed, err);
		if (err->type == ERR_INTERNAL && pg_last_sqlstate_is("23505"))
			outcome = JOURNAL_CONFLICT;
	}
	PQclear(savepoint);
	PQclear(append);
	PQclear(release);
	PQclear(sync);
	if (PQexitPipelineMode(conn) != 1)
		log_error("could not leave pipeline mode: %s", PQerrorMessage(conn));

	if (outcome == JOURNAL_APPENDED) {
		mark_used(params[4]);
		keep_appended(params[0], params[1], atoi(params[2]), stored->data + mark);
	}
	return outcome;
}


void
batch_undo_command(void)
{
	struct error ignored;
	PGconn *conn;

	if (!savepoint_left)
		return;
	savepoint_left = false;
	batch_forget_streams();
	conn = pg_connection(&ignored);
	if (conn != NULL)
		PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT command; RELEASE SAVEPOINT command"));
}
