/*
 * Counters of perfimmo-api for the Prometheus scrape, shared by the
 * workers of the pool.  The master maps one shared memory area
 * (MAP_SHARED | MAP_ANONYMOUS) before it forks, with one slot per worker
 * index.  A worker adds to its own slot only, and a worker respawned in the
 * same place of the pool adds to the slot of the one it replaces, so the
 * totals never go back.  Additions are relaxed atomics, because during a
 * reload the retiring worker and its replacement share a slot for a
 * moment.  A scrape sums the slots in use.
 *
 * In programs that never call metrics_init (perfimmo-admin, perfimmo-notify,
 * the unit tests of other modules), every counting function does nothing.
 */
#ifndef PERFIMMO_METRICS_H
#define PERFIMMO_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

enum metrics_counter {
	METRICS_VIEW_CACHE_HITS,
	METRICS_VIEW_CACHE_MISSES,
	METRICS_POSTGRESQL_RECONNECTS,	/* connections opened after a lost one */
	METRICS_POSTGRESQL_CONNECT_FAILURES,
	METRICS_REDIS_RECONNECTS,
	METRICS_REDIS_CONNECT_FAILURES,
	METRICS__COUNTERS
};

/* Upper bounds of the latency histogram buckets, in seconds (+Inf apart). */
#define METRICS_BUCKETS 11
extern const double metrics_bucket_bounds[METRICS_BUCKETS];

/* HTTP statuses counted apart; any other is counted as the last index. */
#define METRICS_STATUSES 19
#define METRICS_STATUS_OTHER (METRICS_STATUSES - 1)

/* The status code of a status index, 0 for METRICS_STATUS_OTHER. */
int metrics_status_code(int index);

/* Requests of one route key and status: a latency histogram. */
struct metrics_cell {
	uint64_t buckets[METRICS_BUCKETS];	/* per bucket, not cumulative */
	uint64_t count;
	uint64_t sum_us;			/* total latency, microseconds */
};

/*
 * Maps the shared area for SLOTS workers and ROUTE_KEYS route keys (the
 * caller's numbering of routes).  Called once, by the master, before the
 * first fork.  Returns false, with the reason logged, when mmap fails.
 */
bool metrics_init(size_t route_keys, int slots);

/* Makes this worker count into slot INDEX (taken modulo the slot count). */
void metrics_attach(int index);

/* Adds one to COUNTER in this worker's slot. */
void metrics_count(enum metrics_counter counter);

/*
 * Records one request: ROUTE_KEY (below the ROUTE_KEYS of metrics_init),
 * its HTTP STATUS, the errorType of its error body (ERR_NONE when none) and
 * its latency in SECONDS.
 */
void metrics_record_request(size_t route_key, int status, enum error_type type,
    double seconds);

/* Sums of every slot in use at one moment. */
struct metrics_totals {
	size_t route_keys;
	struct metrics_cell *cells;	/* [route_key * METRICS_STATUSES + status index] */
	uint64_t rejects[ERR__MAX];	/* error bodies sent, by errorType */
	uint64_t counters[METRICS__COUNTERS];
	int slots_in_use;
};

/*
 * Fills TOTALS with the sums of the slots in use.  Returns false when
 * metrics_init was not called or memory runs out.  Free with
 * metrics_totals_free.
 */
bool metrics_sum(struct metrics_totals *totals);
void metrics_totals_free(struct metrics_totals *totals);

/* Unmaps the area (tests). */
void metrics_shutdown(void);

#endif
