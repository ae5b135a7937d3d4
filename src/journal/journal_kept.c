/* Streams kept in memory by journal batches, indexed by kind and uid. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "db/pg.h"
#include "journal_kept.h"

/*
 * Streams kept at once.  When the table is full, the half that was read or
 * written least recently is dropped.
 */
#define KEPT_MAX 1024

/* Slots of the open-addressing index: twice KEPT_MAX keeps probe runs short. */
#define SLOT_COUNT (2 * KEPT_MAX)

struct kept_stream {
	char kind[24];
	char uid[37];
	int version;
	struct json_object *events;
	unsigned long used;		/* the value of USE_CLOCK when last read or written */
};

static struct kept_stream kept[KEPT_MAX];
static size_t kept_count;
static unsigned short slots[SLOT_COUNT];	/* index in KEPT plus one; 0 is a free slot */
static unsigned long use_clock;			/* counts the reads and writes of kept streams */
static unsigned long epoch = 1;			/* see kept_epoch() */


/* FNV-1a hash of the uid and the kind, as a slot number. */
static size_t
slot_of(const char *kind, const char *uid)
{
	uint32_t hash = 2166136261u;

	for (const char *c = uid; *c != '\0'; c++)
		hash = (hash ^ (unsigned char)*c) * 16777619u;
	for (const char *c = kind; *c != '\0'; c++)
		hash = (hash ^ (unsigned char)*c) * 16777619u;
	return hash % SLOT_COUNT;
}


static struct kept_stream *
find_kept(const char *kind, const char *uid)
{
	for (size_t slot = slot_of(kind, uid); slots[slot] != 0; slot = (slot + 1) % SLOT_COUNT) {
		struct kept_stream *stream = &kept[slots[slot] - 1];

		if (strcmp(stream->uid, uid) == 0 && strcmp(stream->kind, kind) == 0)
			return stream;
	}
	return NULL;
}


static void
index_stream(size_t i)
{
	size_t slot = slot_of(kept[i].kind, kept[i].uid);

	while (slots[slot] != 0)
		slot = (slot + 1) % SLOT_COUNT;
	slots[slot] = (unsigned short)(i + 1);
}


/* Keeps the streams whose KEEP[i] is true, drops the others, and indexes them again. */
static void
compact(const bool *keep)
{
	size_t count = 0;

	for (size_t i = 0; i < kept_count; i++) {
		if (keep[i])
			kept[count++] = kept[i];
		else
			json_object_put(kept[i].events);
	}
	kept_count = count;
	memset(slots, 0, sizeof(slots));
	for (size_t i = 0; i < kept_count; i++)
		index_stream(i);
}


static int
compare_use(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}


/* Makes room: drops the half of the streams that was read or written least recently. */
static void
make_room(void)
{
	static unsigned long uses[KEPT_MAX];
	static bool keep[KEPT_MAX];
	unsigned long median;

	for (size_t i = 0; i < kept_count; i++)
		uses[i] = kept[i].used;
	qsort(uses, kept_count, sizeof(*uses), compare_use);
	median = uses[kept_count / 2];
	for (size_t i = 0; i < kept_count; i++)
		keep[i] = kept[i].used >= median;
	compact(keep);
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


struct json_object *
kept_get(const char *kind, const char *uid, int *version)
{
	struct kept_stream *stream = find_kept(kind, uid);

	if (stream == NULL)
		return NULL;
	stream->used = ++use_clock;
	*version = stream->version;
	return array_copy(stream->events);
}


void
kept_keep(const char *kind, const char *uid, int version, struct json_object *events)
{
	struct kept_stream *stream = find_kept(kind, uid);

	if (stream == NULL) {
		if (kept_count == KEPT_MAX)
			make_room();
		stream = &kept[kept_count];
		snprintf(stream->kind, sizeof(stream->kind), "%s", kind);
		snprintf(stream->uid, sizeof(stream->uid), "%s", uid);
		index_stream(kept_count++);
	} else {
		json_object_put(stream->events);
	}
	stream->version = version;
	stream->events = array_copy(events);
	stream->used = ++use_clock;
}


void
kept_extend(const char *kind, const char *uid, int expected, struct json_object *events)
{
	struct kept_stream *stream = find_kept(kind, uid);
	size_t count = json_object_array_length(events);

	if (stream == NULL) {
		if (expected == 0)
			kept_keep(kind, uid, (int)count, events);
		return;
	}
	if (stream->version != expected)
		return;
	for (size_t i = 0; i < count; i++)
		json_object_array_add(stream->events, json_object_get(json_object_array_get_idx(events, i)));
	stream->version = expected + (int)count;
	stream->used = ++use_clock;
}


void
kept_forget(void)
{
	epoch++;
	if (epoch == 0)
		epoch = 1;
	for (size_t i = 0; i < kept_count; i++)
		json_object_put(kept[i].events);
	kept_count = 0;
	memset(slots, 0, sizeof(slots));
}


unsigned long
kept_epoch(void)
{
	return epoch;
}


/* Builds the PostgreSQL array literals of the kinds, uids and versions of the kept streams. */
static void
kept_literals(struct strbuf *kinds, struct strbuf *uids, struct strbuf *versions)
{
	strbuf_puts(kinds, "{");
	strbuf_puts(uids, "{");
	strbuf_puts(versions, "{");
	for (size_t i = 0; i < kept_count; i++) {
		const char *separator = i > 0 ? "," : "";

		/* Kinds are the journal's own names (letters only) and uids parsed SafeUUIDs. */
		strbuf_printf(kinds, "%s%s", separator, kept[i].kind);
		strbuf_printf(uids, "%s%s", separator, kept[i].uid);
		strbuf_printf(versions, "%s%d", separator, kept[i].version);
	}
	strbuf_puts(kinds, "}");
	strbuf_puts(uids, "}");
	strbuf_puts(versions, "}");
}


bool
kept_check(struct error *err)
{
	static bool keep[KEPT_MAX];
	struct strbuf kinds, uids, versions;
	const char *params[3];
	PGresult *result;

	if (kept_count == 0)
		return true;

	strbuf_init(&kinds);
	strbuf_init(&uids);
	strbuf_init(&versions);
	kept_literals(&kinds, &uids, &versions);
	if (kinds.failed || uids.failed || versions.failed) {
		/* Out of memory: the kept streams are dropped, so that later loads read PostgreSQL. */
		strbuf_free(&kinds);
		strbuf_free(&uids);
		strbuf_free(&versions);
		kept_forget();
		return true;
	}
	params[0] = kinds.data;
	params[1] = uids.data;
	params[2] = versions.data;
	result = pg_query("SELECT x.n FROM unnest($1::text[], $2::uuid[], $3::integer[])"
	    " WITH ORDINALITY AS x (kind, uid, version, n)"
	    " WHERE EXISTS (SELECT 1 FROM events e WHERE e.aggregate_type = x.kind"
	    "  AND e.aggregate_uid = x.uid AND e.version > x.version)",
	    3, params, PGRES_TUPLES_OK, err);
	strbuf_free(&kinds);
	strbuf_free(&uids);
	strbuf_free(&versions);
	if (result == NULL) {
		kept_forget();
		return false;
	}

	/* Another writer extended these streams between two batches: read them again when needed. */
	for (size_t i = 0; i < kept_count; i++)
		keep[i] = true;
	for (int row = 0; row < PQntuples(result); row++) {
		long n = atol(PQgetvalue(result, row, 0));
		if (n >= 1 && (size_t)n <= kept_count)
			keep[n - 1] = false;
	}
	PQclear(result);
	compact(keep);
	return true;
}
