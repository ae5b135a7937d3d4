/*
 * One FastCGI request as the handlers see it.  Everything is copied out of
 * libfcgi's parameter block at the start, because those strings die at the
 * next accept; the request owns its copies and request_end frees them.
 */
#ifndef PERFIMMO_REQUEST_H
#define PERFIMMO_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <fcgiapp.h>

#include "common/error.h"
#include "common/strbuf.h"

#define REQUEST_MAX_PARAMS 4

struct request {
	FCGX_Request *fcgx;
	struct timespec started;

	char method[16];
	char *path;			/* percent-encoded as received */
	char *query;			/* raw query string, "" when none */
	char tenant[40];		/* PERFIMMO_TENANT, "" when missing */
	char request_id[80];
	char *host;
	char *content_type;		/* NULL when absent */
	char *authorization;		/* NULL when absent; never logged */
	char *cookie;			/* NULL when absent; never logged */
	char *remote_addr;
	long long content_length;	/* -1 when absent */
	bool english;			/* Accept-Language prefers English */
	/*
	 * PERFIMMO_METRICS=1: sent by the metrics server of nginx only, which
	 * listens on loopback.  No tenant server sets it, and a client header
	 * cannot, since those arrive as HTTP_* parameters.
	 */
	bool metrics;

	char *body;			/* NUL-terminated, may hold NULs */
	size_t body_len;

	/* path parameters of the matched route, lowercase SafeUUIDs */
	char params[REQUEST_MAX_PARAMS][37];
	int param_count;

	struct strbuf headers;		/* extra response header lines */
	int status;			/* set once a response is sent */
	enum error_type error_type;	/* errorType of the error body sent, ERR_NONE otherwise */

	/*
	 * When set, response_raw also keeps the body it sends and the extra
	 * headers added after byte CAPTURE_HEADERS_FROM of HEADERS (so a
	 * per-request header such as Set-Cookie is never kept).
	 */
	bool capture;
	size_t capture_headers_from;
	struct strbuf captured_headers;
	struct strbuf captured_body;
};

/* Copies the parameters of FCGX into REQ. Returns false on out of memory. */
bool request_begin(struct request *req, FCGX_Request *fcgx);

/* Frees what the request owns. */
void request_end(struct request *req);

/*
 * Reads the body after checking the declared length against LIMIT (413)
 * and the bytes received against the declared length (400), so a body
 * cut short by a dropped connection is never taken as complete.
 */
bool request_read_body(struct request *req, size_t limit, struct error *err);

/* True when the Accept-Language header prefers English over French. */
bool request_prefers_english(const char *accept_language);

/*
 * Checks a Content-Type header for application/json with no parameter
 * other than charset=utf-8 (case-insensitive).  NULL is rejected.
 */
bool request_is_json_media_type(const char *content_type);

/* Milliseconds since the request began. */
double request_elapsed_ms(const struct request *req);

#endif
