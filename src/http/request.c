/* Intake of one FastCGI request: parameters, language, body. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "request.h"


static char *
copy_param(FCGX_Request *fcgx, const char *name)
{
	const char *value = FCGX_GetParam(name, fcgx->envp);

	return value != NULL ? strdup(value) : NULL;
}


static void
copy_param_into(FCGX_Request *fcgx, const char *name, char *dst, size_t size)
{
	const char *value = FCGX_GetParam(name, fcgx->envp);

	snprintf(dst, size, "%s", value != NULL ? value : "");
}


/* Parses CONTENT_LENGTH strictly; -1 when absent, -2 when malformed. */
static long long
parse_content_length(const char *text)
{
	long long value = 0;

	if (text == NULL || *text == '\0')
		return -1;
	for (; *text != '\0'; text++) {
		if (!isdigit((unsigned char)*text) || value > (1LL << 50))
			return -2;
		value = value * 10 + (*text - '0');
	}
	return value;
}


bool
request_begin(struct request *req, FCGX_Request *fcgx)
{
	const char *uri;
	const char *question;
	const char *metrics;

	memset(req, 0, sizeof(*req));
	req->fcgx = fcgx;
	clock_gettime(CLOCK_MONOTONIC, &req->started);
	strbuf_init(&req->headers);
	strbuf_init(&req->captured_headers);
	strbuf_init(&req->captured_body);

	copy_param_into(fcgx, "REQUEST_METHOD", req->method, sizeof(req->method));
	copy_param_into(fcgx, "PERFIMMO_TENANT", req->tenant, sizeof(req->tenant));
	copy_param_into(fcgx, "REQUEST_ID", req->request_id, sizeof(req->request_id));

	/* DOCUMENT_URI is decoded by nginx; the raw REQUEST_URI keeps %2F apart. */
	uri = FCGX_GetParam("REQUEST_URI", fcgx->envp);
	if (uri == NULL)
		uri = "/";
	question = strchr(uri, '?');
	req->path = question != NULL ? strndup(uri, (size_t)(question - uri)) : strdup(uri);
	req->query = strdup(question != NULL ? question + 1 : "");

	req->host = copy_param(fcgx, "HTTP_HOST");
	req->content_type = copy_param(fcgx, "CONTENT_TYPE");
	req->authorization = copy_param(fcgx, "HTTP_AUTHORIZATION");
	req->cookie = copy_param(fcgx, "HTTP_COOKIE");
	req->remote_addr = copy_param(fcgx, "REMOTE_ADDR");
	req->content_length = parse_content_length(FCGX_GetParam("CONTENT_LENGTH", fcgx->envp));
	req->english = request_prefers_english(FCGX_GetParam("HTTP_ACCEPT_LANGUAGE", fcgx->envp));
	metrics = FCGX_GetParam("PERFIMMO_METRICS", fcgx->envp);
	req->metrics = metrics != NULL && strcmp(metrics, "1") == 0;

	if (req->content_type != NULL && *req->content_type == '\0') {
		free(req->content_type);
		req->content_type = NULL;
	}
	return req->path != NULL && req->query != NULL;
}


void
request_end(struct request *req)
{
	free(req->path);
	free(req->query);
	free(req->host);
	free(req->content_type);
	free(req->authorization);
	free(req->cookie);
	free(req->remote_addr);
	free(req->body);
	strbuf_free(&req->headers);
	strbuf_free(&req->captured_headers);
	strbuf_free(&req->captured_body);
	memset(req, 0, sizeof(*req));
}


bool
request_read_body(struct request *req, size_t limit, struct error *err)
{
	size_t want, got = 0;
	int n;

	if (req->content_length == -2)
		return error_set(err, ERR_BAD_REQUEST,
		    "en-tête Content-Length invalide",
		    "invalid Content-Length header");
	want = req->content_length > 0 ? (size_t)req->content_length : 0;
	if (want > limit)
		return error_set(err, ERR_PAYLOAD_TOO_LARGE,
		    "le corps de la requête dépasse %zu octets",
		    "request body larger than %zu bytes", limit);

	req->body = malloc(want + 1);
	if (req->body == NULL)
		return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");

	/* FCGX_GetStr returns a short count, not an error, when the stream ends. */
	while (got < want) {
		n = FCGX_GetStr(req->body + got, (int)(want - got), req->fcgx->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	req->body[got] = '\0';
	req->body_len = got;

	if (got < want) {
		log_warn("request body cut short: %zu of %zu bytes received", got, want);
		return error_set(err, ERR_BAD_REQUEST,
		    "corps de la requête incomplet : %zu octets reçus sur %zu annoncés",
		    "incomplete request body: %zu of %zu declared bytes received",
		    got, want);
	}
	return true;
}


/*
 * Reads the quality of one language range ("en;q=0.8" -> 0.8).  A missing
 * or malformed q counts as 1, as RFC 9110 §12.4.2 gives q=1 by default.
 */
static double
range_quality(const char *params)
{
	const char *q = strstr(params, "q=");
	char *end;
	double value;

	if (q == NULL)
		return 1.0;
	value = strtod(q + 2, &end);
	if (end == q + 2 || value < 0 || value > 1)
		return 1.0;
	return value;
}


bool
request_prefers_english(const char *accept_language)
{
	double english = -1, french = -1;
	const char *item = accept_language;

	if (accept_language == NULL)
		return false;

	while (*item != '\0') {
		const char *end = strchr(item, ',');
		size_t len = end != NULL ? (size_t)(end - item) : strlen(item);
		char range[64];
		double q;

		while (len > 0 && isspace((unsigned char)*item)) {
			item++;
			len--;
		}
		snprintf(range, sizeof(range), "%.*s", (int)(len < 63 ? len : 63), item);
		q = range_quality(range);

		if (strncasecmp(range, "en", 2) == 0 && !isalpha((unsigned char)range[2]))
			english = q > english ? q : english;
		else if (strncasecmp(range, "fr", 2) == 0 && !isalpha((unsigned char)range[2]))
			french = q > french ? q : french;

		if (end == NULL)
			break;
		item = end + 1;
	}
	return english > 0 && english > french;
}


bool
request_is_json_media_type(const char *content_type)
{
	const char *p;

	if (content_type == NULL || strncasecmp(content_type, "application/json", 16) != 0)
		return false;

	p = content_type + 16;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return true;
	if (*p != ';')
		return false;

	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "charset=", 8) != 0)
		return false;
	p += 8;
	if (strncasecmp(p, "utf-8", 5) == 0)
		p += 5;
	else if (strncasecmp(p, "\"utf-8\"", 7) == 0)
		p += 7;
	else
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0';
}


double
request_elapsed_ms(const struct request *req)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - req->started.tv_sec) * 1000.0 +
	    (double)(now.tv_nsec - req->started.tv_nsec) / 1e6;
}
