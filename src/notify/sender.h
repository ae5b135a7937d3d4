/*
 * One HTTP attempt of a webhook delivery, with libcurl.  The body is POSTed
 * to the checked destination only: its addresses are pinned, and any other
 * address is rejected when the socket opens.  TLS is verified, redirects
 * and proxies are not used, the whole attempt has a time-out, and at most
 * 64 KiB of the response is read.
 */
#ifndef PERFIMMO_SENDER_H
#define PERFIMMO_SENDER_H

#include <stddef.h>

#include "destination.h"
#include "store.h"

#define SENDER_RESPONSE_MAX (64 * 1024)

struct sender_options {
	const struct destination_policy *policy;
	int timeout_ms;
	const char *ca_file;		/* NULL or "": the system's store */
};

/* Headers of one attempt. */
struct sender_request {
	const char *url;
	const char *delivery_uid;
	const char *signature;		/* X-Perfimmo-Signature value */
	const char *body;
	size_t len;
};

/* Initialises libcurl once per process; false when it cannot. */
bool sender_init(void);

/*
 * Sends REQUEST to DESTINATION and fills ATTEMPT's status, duration and
 * error (empty when a 2xx status came back in time).
 */
void sender_post(const struct sender_options *options, const struct destination *destination,
    const struct sender_request *request, struct attempt *attempt);

#endif
