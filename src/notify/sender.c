/* The HTTP client of webhook deliveries. */
#include <config.h>

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>

#include "sender.h"

/* State shared by the callbacks of one transfer. */
struct transfer {
	const struct sender_options *options;
	const struct destination *destination;
	size_t received;
	bool truncated;
	bool refused_address;
};


bool
sender_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}


/* Reads the response only to count it, stopping past SENDER_RESPONSE_MAX. */
static size_t
on_body(char *data, size_t size, size_t count, void *opaque)
{
	struct transfer *transfer = opaque;
	size_t len = size * count;

	(void)data;
	if (transfer->received + len > SENDER_RESPONSE_MAX) {
		transfer->truncated = true;
		return 0;
	}
	transfer->received += len;
	return len;
}


/*
 * The last check before connecting: the address libcurl is about to use
 * must be one that passed the destination check, and still be allowed.
 */
static curl_socket_t
on_open_socket(void *opaque, curlsocktype purpose, struct curl_sockaddr *address)
{
	struct transfer *transfer = opaque;
	const struct destination *destination = transfer->destination;
	char text[DESTINATION_ADDRESS_TEXT];
	bool known = false;

	if (purpose != CURLSOCKTYPE_IPCXN ||
	    getnameinfo(&address->addr, address->addrlen, text, sizeof(text), NULL, 0, NI_NUMERICHOST) != 0) {
		transfer->refused_address = true;
		return CURL_SOCKET_BAD;
	}
	for (size_t i = 0; i < destination->address_count && !known; i++)
		known = strcmp(destination->addresses[i], text) == 0;
	if (!known) {
		transfer->refused_address = true;
		return CURL_SOCKET_BAD;
	}
	return socket(address->family, address->socktype, address->protocol);
}


/* "host:port:addr,addr" so that libcurl resolves nothing itself. */
static struct curl_slist *
pinned_addresses(const struct destination *destination)
{
	char entry[300 + DESTINATION_ADDRESSES_MAX * (DESTINATION_ADDRESS_TEXT + 3)];
	int used;

	if (destination->host_is_address)
		return NULL;
	used = snprintf(entry, sizeof(entry), "%s:%d:", destination->host, destination->port);
	for (size_t i = 0; i < destination->address_count; i++) {
		bool v6 = strchr(destination->addresses[i], ':') != NULL;
		used += snprintf(entry + used, sizeof(entry) - (size_t)used, "%s%s%s%s", i > 0 ? "," : "",
		    v6 ? "[" : "", destination->addresses[i], v6 ? "]" : "");
	}
	return curl_slist_append(NULL, entry);
}


static struct curl_slist *
request_headers(const struct sender_request *request)
{
	char delivery[80], signature[160];
	struct curl_slist *list = NULL;

	snprintf(delivery, sizeof(delivery), "X-Perfimmo-Delivery: %s", request->delivery_uid);
	snprintf(signature, sizeof(signature), "X-Perfimmo-Signature: %s", request->signature);
	list = curl_slist_append(list, "Content-Type: application/json; charset=utf-8");
	list = curl_slist_append(list, delivery);
	list = curl_slist_append(list, signature);
	/* No "Expect: 100-continue" round trip. */
	list = curl_slist_append(list, "Expect:");
	return list;
}


static void
configure(CURL *curl, const struct sender_options *options, const struct destination *destination,
    const struct sender_request *request, struct transfer *transfer)
{
	bool http = strcmp(destination->scheme, "http") == 0;

	curl_easy_setopt(curl, CURLOPT_URL, request->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, http ? "http" : "https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_PROXY, "");
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)options->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (options->ca_file != NULL && options->ca_file[0] != '\0')
		curl_easy_setopt(curl, CURLOPT_CAINFO, options->ca_file);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "perfimmo/" PACKAGE_VERSION);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request->body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, transfer);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, transfer);
}


static long long
now_ms(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* Turns the transfer's outcome into ATTEMPT's status and error. */
static void
judge(CURL *curl, CURLcode rc, const struct transfer *transfer, const char *detail,
    const struct sender_options *options, struct attempt *attempt)
{
	long status = 0;

	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	attempt->http_status = status;

	/* A 2xx whose body we stopped reading at 64 KiB is still an acknowledgement. */
	if (status >= 200 && status <= 299 && (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && transfer->truncated)))
		attempt->error[0] = '\0';
	else if (rc == CURLE_OK)
		snprintf(attempt->error, sizeof(attempt->error), "HTTP status %ld", status);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(attempt->error, sizeof(attempt->error), "time-out after %d ms", options->timeout_ms);
	else if (transfer->refused_address)
		snprintf(attempt->error, sizeof(attempt->error), "connection to an address that was not checked refused");
	else
		snprintf(attempt->error, sizeof(attempt->error), "%s%s%.180s", curl_easy_strerror(rc),
		    detail[0] != '\0' ? ": " : "", detail);
}


void
sender_post(const struct sender_options *options, const struct destination *destination,
    const struct sender_request *request, struct attempt *attempt)
{
	struct transfer transfer = {options, destination, 0, false, false};
	char detail[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers, *pinned;
	long long started = now_ms(CLOCK_MONOTONIC);
	CURL *curl = curl_easy_init();
	CURLcode rc;

	attempt->started_ms = now_ms(CLOCK_REALTIME);
	attempt->http_status = 0;
	if (curl == NULL) {
		snprintf(attempt->error, sizeof(attempt->error), "could not start an HTTP transfer");
		attempt->duration_ms = 0;
		return;
	}
	headers = request_headers(request);
	pinned = pinned_addresses(destination);
	configure(curl, options, destination, request, &transfer);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	if (pinned != NULL)
		curl_easy_setopt(curl, CURLOPT_RESOLVE, pinned);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);

	rc = curl_easy_perform(curl);
	attempt->duration_ms = (long)(now_ms(CLOCK_MONOTONIC) - started);
	judge(curl, rc, &transfer, detail, options, attempt);

	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
	curl_slist_free_all(pinned);
}
