/* Streams kept in memory by journal batches, indexed by kind and uid. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "journal_kept.h"

/*
 * Streams kept at once.  When the table is full, the half that was read or
 * written least recently is dropped.  The ticket commands of the large
 * demo set decide on 4 500 patrimony and contact streams besides their
 * tickets'.  Over its first 100 000 commands they read 17 700 streams
 * from PostgreSQL with 1 024 kept, and 4 700 with 8 192 kept.
 */
#define KEPT_MAX 8192

/*
 * Events appended by others between two batches that kept_check examines;
 * past it, it drops every kept stream instead.
 */
#define CHANGES_MAX 10000

/* Slots of the open-addressing index: twice KEPT_MAX keeps probe runs short. */
#define SLOT_COUNT (2 * KEPT_MAX)

struct kept_stream {
	char kind[24];
	char uid[37];
	int version;
	struct json_object *events;
	unsigned long used;		/* the value of USE_CLOCK when last read or written */
	bool written;			/* appended to by the current batch */
};

static struct kept_stream kept[KEPT_MAX];
static size_t kept_count;
static unsigned short slots[SLOT_COUNT];	/* index in KEPT plus one; 0 is a free slot */
static unsigned long use_clock;			/* counts the reads and writes of kept streams */
static unsigned long epoch = 1;			/* see kept_epoch() */

/*
 * The journal's last position that the kept streams reflect: every event
 * up to it that extends a kept stream is in it.  0 when unknown.
 */
static long long seen_position;


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
	stream->written = false;
}


void
kept_extend(const char *kind, const char *uid, int expected, struct json_object *events)
{
	struct kept_stream *stream = find_kept(kind, uid);
	size_t count = json_object_array_length(events);

	if (stream == NULL) {
		if (expected != 0)
			return;
		kept_keep(kind, uid, (int)count, events);
		find_kept(kind, uid)->written = true;
		return;
	}
	if (stream->version != expected)
		return;
	for (size_t i = 0; i < count; i++)
		json_object_array_add(stream->events, json_object_get(json_object_array_get_idx(events, i)));
	stream->version = expected + (int)count;
	stream->used = ++use_clock;
	stream->written = true;
}


void
kept_end_batch(void)
{
	static bool keep[KEPT_MAX];

	for (size_t i = 0; i < kept_count; i++)
		keep[i] = !kept[i].written;
	compact(keep);
}


void
kept_forget(void)
{
	seen_position = 0;
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


void
kept_note_position(long long position)
{
	if (position > seen_position)
		seen_position = position;
}


/* Drops the kept stream KIND/UID, if kept, through KEEP; see compact(). */
static void
mark_changed(const char *kind, const char *uid, bool *keep)
{
	struct kept_stream *stream = find_kept(kind, uid);

	if (stream != NULL)
		keep[stream - kept] = false;
}


/*
 * Drops the streams that ROWS (of kept_check's query) name, or every one
 * when there were more than CHANGES_MAX events to examine.
 */
static void
drop_changed(PGresult *rows)
{
	static bool keep[KEPT_MAX];

	if (atol(PQgetvalue(rows, 0, 1)) >= CHANGES_MAX) {
		kept_forget();
		return;
	}
	for (size_t i = 0; i < kept_count; i++)
		keep[i] = true;
	for (int row = 0; row < PQntuples(rows); row++)
		if (!PQgetisnull(rows, row, 2))
			mark_changed(PQgetvalue(rows, row, 2), PQgetvalue(rows, row, 3), keep);
	compact(keep);
}


bool
kept_check(struct error *err)
{
	char seen[24], limit[24];
	const char *params[2] = {seen, limit};
	PGresult *result;

	/*
	 * Every writer draws positions under the command lock, which this batch
	 * holds, so no event below the last position can still commit later.
	 */
	snprintf(seen, sizeof(seen), "%lld", kept_count > 0 ? seen_position : LLONG_MAX);
	snprintf(limit, sizeof(limit), "%d", CHANGES_MAX);
	result = pg_query("WITH changed AS (SELECT aggregate_type, aggregate_uid FROM events"
	    "  WHERE position > $1::bigint ORDER BY position LIMIT $2::integer)"
	    " SELECT (SELECT coalesce(max(position), 0) FROM events)::text,"
	    "  (SELECT count(*) FROM changed)::text, c.aggregate_type, c.aggregate_uid::text"
	    " FROM (SELECT 1) AS one LEFT JOIN (SELECT DISTINCT aggregate_type, aggregate_uid"
	    "  FROM changed) AS c ON true",
	    2, params, PGRES_TUPLES_OK, err);
	if (result == NULL) {
		kept_forget();
		return false;
	}

	/* Another writer extended these streams between two batches: read them again when needed. */
	drop_changed(result);
	seen_position = atoll(PQgetvalue(result, 0, 0));
	PQclear(result);
	return true;
}
