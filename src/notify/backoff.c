/* The retry schedule of webhook deliveries. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "backoff.h"

#define DELAY_MAX_MS (24LL * 3600 * 1000)


bool
backoff_parse(const char *text, struct backoff_schedule *schedule, char *message,
    size_t message_size)
{
	const char *cursor = text;

	schedule->count = 0;
	while (*cursor != '\0') {
		char *end;
		long long delay;

		while (*cursor == ' ' || *cursor == ',')
			cursor++;
		if (*cursor == '\0')
			break;
		if (!isdigit((unsigned char)*cursor) || schedule->count == BACKOFF_STEPS_MAX)
			goto bad;
		errno = 0;
		delay = strtoll(cursor, &end, 10);
		if (errno != 0 || delay < 1 || delay > DELAY_MAX_MS)
			goto bad;
		schedule->delays_ms[schedule->count++] = delay;
		cursor = end;
		if (*cursor != '\0' && *cursor != ',' && *cursor != ' ')
			goto bad;
	}
	if (schedule->count > 0)
		return true;
bad:
	snprintf(message, message_size,
	    "notify_retry_schedule_ms: expected 1 to %d comma-separated delays of 1 to %lld ms",
	    BACKOFF_STEPS_MAX, DELAY_MAX_MS);
	return false;
}


long long
backoff_delay_ms(const struct backoff_schedule *schedule, int failures, double random)
{
	size_t step = failures < 1 ? 0 : (size_t)failures - 1;
	long long base;

	if (step >= schedule->count)
		step = schedule->count - 1;
	base = schedule->delays_ms[step];

	/* random 0 gives 80 % of the delay, 0.5 all of it, just under 1 gives 120 %. */
	return base + (long long)((double)base * 0.4 * (random - 0.5));
}
