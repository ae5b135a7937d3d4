/*
 * When to retry a failed delivery (notifications.md §3): the delays of
 * notify_retry_schedule_ms one after the other, then the last one again,
 * each moved by up to a fifth either way so that many subscriptions
 * failing together do not retry together.
 */
#ifndef PERFIMMO_BACKOFF_H
#define PERFIMMO_BACKOFF_H

#include <stdbool.h>
#include <stddef.h>

#define BACKOFF_STEPS_MAX 16

struct backoff_schedule {
	long long delays_ms[BACKOFF_STEPS_MAX];
	size_t count;
};

/* Reads "10000,30000,..." (1 to 16 delays of 1 ms to 1 day); false with MESSAGE otherwise. */
bool backoff_parse(const char *text, struct backoff_schedule *schedule, char *message,
    size_t message_size);

/*
 * Milliseconds to wait after FAILURES consecutive failures (1 or more);
 * RANDOM in [0, 1) picks the jitter, 0.5 giving the delay as listed.
 */
long long backoff_delay_ms(const struct backoff_schedule *schedule, int failures, double random);

#endif
