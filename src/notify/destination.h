/*
 * Destination checks of webhooks (notifications.md §4).  A URL is first
 * checked for shape (InvalidSubscription).  Then its host is resolved and
 * every address classified (DestinationNotAllowed): loopback, private,
 * link-local, multicast, unspecified and reserved addresses are rejected
 * unless the deployment lists their network in notify_allow_networks.  The sender
 * connects only to the addresses that passed, so a DNS answer that changes
 * between the check and the connection cannot move it elsewhere.
 *
 * URLs are parsed with libcurl's own parser, the one the sender's transfer
 * uses, so the host checked is the host connected to.
 */
#ifndef PERFIMMO_DESTINATION_H
#define PERFIMMO_DESTINATION_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define DESTINATION_URL_MAX 2000
#define DESTINATION_NETWORKS_MAX 32
#define DESTINATION_ADDRESSES_MAX 16
#define DESTINATION_ADDRESS_TEXT 46	/* INET6_ADDRSTRLEN */

/* An IPv4 (4 bytes) or IPv6 (16 bytes) network. */
struct destination_network {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char bytes[16];
	unsigned prefix;
};

/* Destinations the deployment allows beyond public addresses over https. */
struct destination_policy {
	struct destination_network networks[DESTINATION_NETWORKS_MAX];
	size_t count;
	bool allow_http;		/* plain http, only to the listed networks */
};

enum address_class {
	ADDRESS_PUBLIC,
	ADDRESS_LOOPBACK,
	ADDRESS_PRIVATE,		/* RFC 1918, 100.64/10, fc00::/7, fec0::/10 */
	ADDRESS_LINK_LOCAL,		/* 169.254/16 (cloud metadata), fe80::/10 */
	ADDRESS_MULTICAST,
	ADDRESS_UNSPECIFIED,		/* 0.0.0.0/8, :: */
	ADDRESS_RESERVED,		/* 240/4 and broadcast */
};

/* A checked destination: what the sender connects to. */
struct destination {
	char scheme[8];			/* "https", or "http" where allowed */
	char host[256];			/* as libcurl reads it; IPv6 without brackets */
	bool host_is_address;		/* an IP literal, resolved by nobody */
	int port;
	char addresses[DESTINATION_ADDRESSES_MAX][DESTINATION_ADDRESS_TEXT];
	size_t address_count;
};

/*
 * Reads NETWORKS ("127.0.0.1/32, ::1"; a bare address is one host; "" is
 * none) into POLICY.  On failure writes the reason into MESSAGE.
 */
bool destination_policy_parse(const char *networks, bool allow_http,
    struct destination_policy *policy, char *message, size_t message_size);

/* Classifies the 4 or 16 BYTES of an address of FAMILY (AF_INET, AF_INET6). */
enum address_class destination_classify(int family, const unsigned char *bytes);

/* English name of a class, e.g. "link-local". */
const char *destination_class_name(enum address_class class);

/* True when the address is public or inside a network POLICY lists; *CLASS is its class. */
bool destination_address_allowed(const struct destination_policy *policy, int family,
    const unsigned char *bytes, enum address_class *class);

/*
 * Checks the shape of URL: at most DESTINATION_URL_MAX characters of
 * printable ASCII, absolute, https (or http when POLICY allows it), a host,
 * no user information.  Fills OUT's scheme, host and port, or returns false
 * with ERR_INVALID_SUBSCRIPTION.
 */
bool destination_parse_url(const char *url, const struct destination_policy *policy,
    struct destination *out, struct error *err);

/*
 * Resolves OUT's host and keeps its addresses, or returns false with
 * ERR_DESTINATION_NOT_ALLOWED when the host does not resolve, when any
 * address is refused, or when plain http goes outside the listed networks.
 */
bool destination_resolve(const struct destination_policy *policy, struct destination *out,
    struct error *err);

/* Both steps: what the API runs at creation and PATCH, and the sender at each attempt. */
bool destination_check(const char *url, const struct destination_policy *policy,
    struct destination *out, struct error *err);

#endif
