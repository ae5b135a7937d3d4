/*
 * Writing responses: status line, headers, JSON body.  Every body is
 * `application/json; charset=utf-8`; every error body is
 * {"errorType","message"} in the request's language.
 */
#ifndef PERFIMMO_RESPONSE_H
#define PERFIMMO_RESPONSE_H

#include <json-c/json.h>

#include "common/error.h"
#include "request.h"

/*
 * Adds one header line to the response being built.  Values containing
 * CR or LF are dropped (and logged), so nothing echoed can split headers.
 */
void response_header(struct request *req, const char *name, const char *value);

/* Sends STATUS with BODY serialised (BODY may be NULL: no body). */
void response_json(struct request *req, int status, struct json_object *body);

/* Sends STATUS with BYTES as the JSON body (already serialised). */
void response_raw(struct request *req, int status, const char *bytes, size_t len);

/* Sends STATUS with BYTES as a body of CONTENT_TYPE (the metrics' text format). */
void response_text(struct request *req, int status, const char *content_type,
    const char *bytes, size_t len);

/* Sends the error body of ERR with its status, and Retry-After when ERR has a retry_after. */
void response_error(struct request *req, const struct error *err);

/* Returns the reason phrase of an HTTP status. */
const char *response_reason(int status);

/* Serialises the error body of ERR in the given language; caller frees. */
char *response_error_body(const struct error *err, bool english);

#endif
