/* Response rendering over FastCGI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "response.h"

struct reason {
	int status;
	const char *text;
};

static const struct reason reasons[] = {
	{200, "OK"}, {201, "Created"}, {204, "No Content"},
	{206, "Partial Content"}, {301, "Moved Permanently"},
	{400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"},
	{404, "Not Found"}, {405, "Method Not Allowed"}, {409, "Conflict"},
	{413, "Payload Too Large"}, {415, "Unsupported Media Type"},
	{416, "Range Not Satisfiable"}, {421, "Misdirected Request"},
	{429, "Too Many Requests"}, {500, "Internal Server Error"},
	{503, "Service Unavailable"},
};


const char *
response_reason(int status)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].text;
	return "Unknown";
}


void
response_header(struct request *req, const char *name, const char *value)
{
	if (strpbrk(value, "\r\n") != NULL) {
		log_warn("header %s dropped: its value contains a line break", name);
		return;
	}
	strbuf_printf(&req->headers, "%s: %s\r\n", name, value);
}


/*
 * libfcgi's own formatter does not know %zu, so the head is built with
 * snprintf and written with FCGX_PutStr.
 */
static void
send_response(struct request *req, int status, const char *content_type,
    const char *bytes, size_t len)
{
	struct strbuf head;

	strbuf_init(&head);
	strbuf_printf(&head, "Status: %d %s\r\n", status, response_reason(status));
	if (bytes != NULL)
		strbuf_printf(&head, "Content-Type: %s\r\n", content_type);
	strbuf_printf(&head, "Content-Length: %zu\r\n", bytes != NULL ? len : 0);
	if (req->request_id[0] != '\0' && strpbrk(req->request_id, "\r\n") == NULL)
		strbuf_printf(&head, "X-Request-Id: %s\r\n", req->request_id);
	strbuf_puts(&head, "Cache-Control: no-store\r\n");
	if (req->headers.len > 0)
		strbuf_append(&head, req->headers.data, req->headers.len);
	strbuf_puts(&head, "\r\n");

	if (!head.failed)
		FCGX_PutStr(head.data, (int)head.len, req->fcgx->out);
	if (bytes != NULL && len > 0)
		FCGX_PutStr(bytes, (int)len, req->fcgx->out);

	req->status = status;
	strbuf_free(&head);

	if (req->capture) {
		if (req->headers.len > req->capture_headers_from)
			strbuf_append(&req->captured_headers, req->headers.data + req->capture_headers_from,
			    req->headers.len - req->capture_headers_from);
		if (bytes != NULL)
			strbuf_append(&req->captured_body, bytes, len);
	}
}


void
response_raw(struct request *req, int status, const char *bytes, size_t len)
{
	send_response(req, status, "application/json; charset=utf-8", bytes, len);
}


void
response_text(struct request *req, int status, const char *content_type,
    const char *bytes, size_t len)
{
	send_response(req, status, content_type, bytes, len);
}


void
response_json(struct request *req, int status, struct json_object *body)
{
	const char *text;
	size_t len;

	if (body == NULL) {
		response_raw(req, status, NULL, 0);
		return;
	}
	text = json_object_to_json_string_length(body,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	response_raw(req, status, text, len);
}


char *
response_error_body(const struct error *err, bool english)
{
	struct json_object *body = json_object_new_object();
	const char *message = english ? err->message_en : err->message_fr;
	char *text;

	json_object_object_add(body, "errorType", json_object_new_string(error_name(err->type)));
	json_object_object_add(body, "message", json_object_new_string(message));
	text = strdup(json_object_to_json_string_ext(body,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(body);
	return text;
}


void
response_error(struct request *req, const struct error *err)
{
	int status = error_status(err->type);
	char *body = response_error_body(err, req->english);

	/* Client faults are routine; our own faults need a look. */
	if (status >= 500)
		log_error("%s: %s", error_name(err->type), err->message_en);
	else
		log_info("%s: %s", error_name(err->type), err->message_en);

	if (body == NULL) {
		response_raw(req, 500, NULL, 0);
		return;
	}
	req->error_type = err->type;
	if (err->retry_after > 0) {
		char seconds[16];

		snprintf(seconds, sizeof(seconds), "%d", err->retry_after);
		response_header(req, "Retry-After", seconds);
	}
	response_raw(req, status, body, strlen(body));
	free(body);
}
