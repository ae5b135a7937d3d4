/* The shared counters of the worker pool. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/log.h"
#include "metrics.h"

const double metrics_bucket_bounds[METRICS_BUCKETS] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

/* The statuses the API and its route table send; others count as "other". */
static const int status_codes[METRICS_STATUSES - 1] = {
	200, 201, 204, 206, 301, 400, 401, 403, 404, 405, 409, 413, 415, 416, 421, 429, 500, 503,
};

/* One worker's counters; CELLS has route_keys * METRICS_STATUSES entries. */
struct slot {
	uint64_t rejects[ERR__MAX];
	uint64_t counters[METRICS__COUNTERS];
	struct metrics_cell cells[];
};

/*
 * The area: a header page with the in-use flag of each slot, then the
 * slots, each starting on a page of its own.  The scrape reads the flags
 * first and skips the slots never used, whose pages stay unallocated.
 */
struct header {
	size_t route_keys;
	int slot_count;
	size_t slot_size;
	size_t header_size;
	unsigned char in_use[];
};

static struct header *area;
static size_t area_size;
static struct slot *own;


int
metrics_status_code(int index)
{
	return index >= 0 && index < METRICS_STATUS_OTHER ? status_codes[index] : 0;
}


static int
status_index(int status)
{
	for (int i = 0; i < METRICS_STATUS_OTHER; i++)
		if (status_codes[i] == status)
			return i;
	return METRICS_STATUS_OTHER;
}


static size_t
round_up(size_t size, size_t unit)
{
	return (size + unit - 1) / unit * unit;
}


static struct slot *
slot_at(int index)
{
	return (struct slot *)(void *)((char *)area + area->header_size +
	    (size_t)index * area->slot_size);
}


bool
metrics_init(size_t route_keys, int slots)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t header_size = round_up(sizeof(struct header) + (size_t)slots, page);
	size_t slot_size = round_up(sizeof(struct slot) +
	    route_keys * METRICS_STATUSES * sizeof(struct metrics_cell), page);
	void *memory;

	area_size = header_size + (size_t)slots * slot_size;
	memory = mmap(NULL, area_size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (memory == MAP_FAILED) {
		log_error("could not map %zu bytes for the metrics of %d workers", area_size, slots);
		area = NULL;
		return false;
	}
	area = memory;
	area->route_keys = route_keys;
	area->slot_count = slots;
	area->slot_size = slot_size;
	area->header_size = header_size;
	own = NULL;
	return true;
}


void
metrics_attach(int index)
{
	if (area == NULL || index < 0)
		return;
	index %= area->slot_count;
	__atomic_store_n(&area->in_use[index], 1, __ATOMIC_RELEASE);
	own = slot_at(index);
}


static void
add(uint64_t *counter, uint64_t amount)
{
	__atomic_fetch_add(counter, amount, __ATOMIC_RELAXED);
}


void
metrics_count(enum metrics_counter counter)
{
	if (own != NULL && counter >= 0 && counter < METRICS__COUNTERS)
		add(&own->counters[counter], 1);
}


void
metrics_record_request(size_t route_key, int status, enum error_type type,
    double seconds)
{
	struct metrics_cell *cell;
	int bucket = 0;

	if (own == NULL || route_key >= area->route_keys)
		return;
	if (seconds < 0)
		seconds = 0;

	cell = &own->cells[route_key * METRICS_STATUSES + (size_t)status_index(status)];
	while (bucket < METRICS_BUCKETS && seconds > metrics_bucket_bounds[bucket])
		bucket++;
	if (bucket < METRICS_BUCKETS)
		add(&cell->buckets[bucket], 1);
	add(&cell->count, 1);
	add(&cell->sum_us, (uint64_t)(seconds * 1e6));

	if (type > ERR_NONE && type < ERR__MAX)
		add(&own->rejects[type], 1);
}


static uint64_t
load(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}


/* Adds the counters of SLOT to TOTALS. */
static void
sum_slot(const struct slot *slot, struct metrics_totals *totals)
{
	size_t cells = totals->route_keys * METRICS_STATUSES;

	for (int i = 0; i < ERR__MAX; i++)
		totals->rejects[i] += load(&slot->rejects[i]);
	for (int i = 0; i < METRICS__COUNTERS; i++)
		totals->counters[i] += load(&slot->counters[i]);
	for (size_t c = 0; c < cells; c++) {
		const struct metrics_cell *from = &slot->cells[c];
		struct metrics_cell *to = &totals->cells[c];

		for (int b = 0; b < METRICS_BUCKETS; b++)
			to->buckets[b] += load(&from->buckets[b]);
		to->count += load(&from->count);
		to->sum_us += load(&from->sum_us);
	}
}


bool
metrics_sum(struct metrics_totals *totals)
{
	memset(totals, 0, sizeof(*totals));
	if (area == NULL)
		return false;
	totals->route_keys = area->route_keys;
	totals->cells = calloc(area->route_keys * METRICS_STATUSES, sizeof(struct metrics_cell));
	if (totals->cells == NULL)
		return false;

	for (int i = 0; i < area->slot_count; i++) {
		if (__atomic_load_n(&area->in_use[i], __ATOMIC_ACQUIRE) == 0)
			continue;
		sum_slot(slot_at(i), totals);
		totals->slots_in_use++;
	}
	return true;
}


void
metrics_totals_free(struct metrics_totals *totals)
{
	free(totals->cells);
	totals->cells = NULL;
}


void
metrics_shutdown(void)
{
	if (area != NULL)
		munmap(area, area_size);
	area = NULL;
	own = NULL;
}
