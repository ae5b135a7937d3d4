/* Checking webhook URLs and the addresses their hosts resolve to. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "destination.h"


/* ---------------------------------------------------------------- networks */

/* Reads "ADDRESS[/PREFIX]" (no spaces) into NETWORK. */
static bool
parse_network(const char *text, struct destination_network *network)
{
	char address[DESTINATION_ADDRESS_TEXT + 8];
	const char *slash = strchr(text, '/');
	size_t len = slash != NULL ? (size_t)(slash - text) : strlen(text);
	unsigned max;
	char *end;
	long prefix;

	if (len == 0 || len >= sizeof(address))
		return false;
	memcpy(address, text, len);
	address[len] = '\0';

	memset(network, 0, sizeof(*network));
	if (inet_pton(AF_INET, address, network->bytes) == 1) {
		network->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, address, network->bytes) == 1) {
		network->family = AF_INET6;
		max = 128;
	} else {
		return false;
	}

	network->prefix = max;
	if (slash == NULL)
		return true;
	if (!isdigit((unsigned char)slash[1]))
		return false;
	prefix = strtol(slash + 1, &end, 10);
	if (*end != '\0' || prefix < 0 || prefix > (long)max)
		return false;
	network->prefix = (unsigned)prefix;
	return true;
}


bool
destination_policy_parse(const char *networks, bool allow_http,
    struct destination_policy *policy, char *message, size_t message_size)
{
	char copy[1024], *item, *save = NULL;

	memset(policy, 0, sizeof(*policy));
	policy->allow_http = allow_http;
	if (strlen(networks) >= sizeof(copy)) {
		snprintf(message, message_size, "notify_allow_networks: too long");
		return false;
	}
	snprintf(copy, sizeof(copy), "%s", networks);

	for (item = strtok_r(copy, ", \t", &save); item != NULL; item = strtok_r(NULL, ", \t", &save)) {
		if (policy->count == DESTINATION_NETWORKS_MAX) {
			snprintf(message, message_size, "notify_allow_networks: more than %d networks",
			    DESTINATION_NETWORKS_MAX);
			return false;
		}
		if (!parse_network(item, &policy->networks[policy->count])) {
			snprintf(message, message_size,
			    "notify_allow_networks: \"%.60s\" is not an address or ADDRESS/PREFIX", item);
			return false;
		}
		policy->count++;
	}
	return true;
}


static bool
in_network(const struct destination_network *network, int family, const unsigned char *bytes)
{
	unsigned full = network->prefix / 8, rest = network->prefix % 8;
	unsigned char mask;

	if (network->family != family)
		return false;
	if (memcmp(network->bytes, bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (network->bytes[full] & mask) == (bytes[full] & mask);
}


/* ---------------------------------------------------------------- classes */

static enum address_class
classify_v4(const unsigned char *a)
{
	if (a[0] == 0)
		return ADDRESS_UNSPECIFIED;
	if (a[0] == 127)
		return ADDRESS_LOOPBACK;
	if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168))
		return ADDRESS_PRIVATE;
	/* Shared address space of carrier NAT (RFC 6598): never a partner's public host. */
	if (a[0] == 100 && (a[1] & 0xc0) == 64)
		return ADDRESS_PRIVATE;
	if (a[0] == 169 && a[1] == 254)
		return ADDRESS_LINK_LOCAL;
	if ((a[0] & 0xf0) == 224)
		return ADDRESS_MULTICAST;
	if ((a[0] & 0xf0) == 240)
		return ADDRESS_RESERVED;	/* 240/4, broadcast included */
	return ADDRESS_PUBLIC;
}


/* True when the first LEN bytes of BYTES are zero. */
static bool
zeros(const unsigned char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (bytes[i] != 0)
			return false;
	return true;
}


static enum address_class
classify_v6(const unsigned char *a)
{
	static const unsigned char nat64[12] = {0x00, 0x64, 0xff, 0x9b};

	if (zeros(a, 16))
		return ADDRESS_UNSPECIFIED;
	if (zeros(a, 15) && a[15] == 1)
		return ADDRESS_LOOPBACK;
	/*
	 * Forms that carry an IPv4 address reach that address: mapped
	 * (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and
	 * 6to4 (2002:a.b.c.d::/48).
	 */
	if (zeros(a, 10) && a[10] == 0xff && a[11] == 0xff)
		return classify_v4(a + 12);
	if (zeros(a, 12))
		return classify_v4(a + 12);
	if (memcmp(a, nat64, 12) == 0)
		return classify_v4(a + 12);
	if (a[0] == 0x20 && a[1] == 0x02)
		return classify_v4(a + 2);
	if ((a[0] & 0xfe) == 0xfc)
		return ADDRESS_PRIVATE;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return ADDRESS_LINK_LOCAL;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return ADDRESS_PRIVATE;		/* site-local, deprecated */
	if (a[0] == 0xff)
		return ADDRESS_MULTICAST;
	return ADDRESS_PUBLIC;
}


enum address_class
destination_classify(int family, const unsigned char *bytes)
{
	return family == AF_INET ? classify_v4(bytes) : classify_v6(bytes);
}


const char *
destination_class_name(enum address_class class)
{
	switch (class) {
	case ADDRESS_PUBLIC: return "public";
	case ADDRESS_LOOPBACK: return "loopback";
	case ADDRESS_PRIVATE: return "private";
	case ADDRESS_LINK_LOCAL: return "link-local";
	case ADDRESS_MULTICAST: return "multicast";
	case ADDRESS_UNSPECIFIED: return "unspecified";
	case ADDRESS_RESERVED: return "reserved";
	}
	return "unknown";
}


static bool
listed(const struct destination_policy *policy, int family, const unsigned char *bytes)
{
	for (size_t i = 0; i < policy->count; i++)
		if (in_network(&policy->networks[i], family, bytes))
			return true;
	return false;
}


bool
destination_address_allowed(const struct destination_policy *policy, int family,
    const unsigned char *bytes, enum address_class *class)
{
	*class = destination_classify(family, bytes);
	return *class == ADDRESS_PUBLIC || listed(policy, family, bytes);
}


/* ---------------------------------------------------------------- URLs */

/* Both messages name the field; the formats of error_set share their arguments, hence the texts. */
static bool
invalid(struct error *err, const char *fr, const char *en)
{
	char text_fr[160], text_en[160];

	snprintf(text_fr, sizeof(text_fr), "url : %s", fr);
	snprintf(text_en, sizeof(text_en), "url: %s", en);
	return error_set_text(err, ERR_INVALID_SUBSCRIPTION, text_fr, text_en);
}


/* Printable ASCII without spaces: what a URL may hold once percent-encoded. */
static bool
printable_ascii(const char *url)
{
	for (const unsigned char *c = (const unsigned char *)url; *c != '\0'; c++)
		if (*c <= 0x20 || *c >= 0x7f || *c == '\\')
			return false;
	return true;
}


static bool
has_part(CURLU *parsed, CURLUPart part)
{
	char *value = NULL;
	bool present = curl_url_get(parsed, part, &value, 0) == CURLUE_OK && value != NULL;

	curl_free(value);
	return present;
}


/* Copies part PART of PARSED into OUT (SIZE bytes); false when absent or too long. */
static bool
copy_part(CURLU *parsed, CURLUPart part, unsigned flags, char *out, size_t size)
{
	char *value = NULL;
	bool ok = curl_url_get(parsed, part, &value, flags) == CURLUE_OK && value != NULL &&
	    strlen(value) < size;

	if (ok)
		snprintf(out, size, "%s", value);
	curl_free(value);
	return ok;
}


/* Reads scheme, host and port of the already screened URL with libcurl's parser. */
static bool
read_parts(const char *url, struct destination *out, struct error *err)
{
	CURLU *parsed = curl_url();
	char port[8], host[260];
	bool ok = false;

	if (parsed == NULL)
		return error_set(err, ERR_INTERNAL, "mémoire insuffisante", "out of memory");
	if (curl_url_set(parsed, CURLUPART_URL, url, 0) != CURLUE_OK)
		invalid(err, "URL absolue mal formée", "malformed absolute URL");
	else if (has_part(parsed, CURLUPART_USER) || has_part(parsed, CURLUPART_PASSWORD) ||
	    has_part(parsed, CURLUPART_OPTIONS))
		invalid(err, "les informations d'utilisateur sont interdites", "user information is not allowed");
	else if (has_part(parsed, CURLUPART_ZONEID))
		invalid(err, "un identifiant de zone IPv6 est interdit", "an IPv6 zone id is not allowed");
	else if (!copy_part(parsed, CURLUPART_SCHEME, 0, out->scheme, sizeof(out->scheme)) ||
	    !copy_part(parsed, CURLUPART_HOST, 0, host, sizeof(host)) || host[0] == '\0')
		invalid(err, "hôte manquant ou trop long", "missing or too long host");
	else if (!copy_part(parsed, CURLUPART_PORT, CURLU_DEFAULT_PORT, port, sizeof(port)))
		invalid(err, "port invalide", "invalid port");
	else
		ok = true;
	curl_url_cleanup(parsed);
	if (!ok)
		return false;

	/* libcurl keeps the brackets of an IPv6 literal. */
	out->host_is_address = host[0] == '[';
	if (out->host_is_address) {
		host[strlen(host) - 1] = '\0';
		snprintf(out->host, sizeof(out->host), "%s", host + 1);
	} else {
		snprintf(out->host, sizeof(out->host), "%s", host);
	}
	out->port = atoi(port);
	return true;
}


bool
destination_parse_url(const char *url, const struct destination_policy *policy,
    struct destination *out, struct error *err)
{
	unsigned char probe[16];
	size_t len = strlen(url);
	bool https = strncasecmp(url, "https://", 8) == 0;
	bool http = strncasecmp(url, "http://", 7) == 0;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > DESTINATION_URL_MAX)
		return invalid(err, "de 1 à 2000 caractères", "1 to 2000 characters");
	if (!printable_ascii(url))
		return invalid(err, "caractères ASCII imprimables uniquement, sans espace",
		    "printable ASCII characters only, no space");
	if (!https && !(http && policy->allow_http))
		return invalid(err, "une URL https:// absolue est attendue",
		    "an absolute https:// URL is expected");
	/* libcurl forgives "https:///host"; an absolute URL has its authority right after "//". */
	if (url[https ? 8 : 7] == '/')
		return invalid(err, "hôte manquant", "missing host");
	if (!read_parts(url, out, err))
		return false;

	/* libcurl may read a numeric host such as 2130706433 as an address. */
	if (inet_pton(AF_INET, out->host, probe) == 1)
		out->host_is_address = true;
	return true;
}


/* Sets ERR to a refusal with its reason in each language; a delivery's lastError keeps the English message. */
static bool
refused(struct error *err, const char *why_fr, const char *why_en)
{
	char text_fr[ERROR_MESSAGE_MAX], text_en[ERROR_MESSAGE_MAX];

	snprintf(text_fr, sizeof(text_fr), "url : destination refusée (%s)", why_fr);
	snprintf(text_en, sizeof(text_en), "url: destination refused (%s)", why_en);
	return error_set_text(err, ERR_DESTINATION_NOT_ALLOWED, text_fr, text_en);
}


/* Returns the French name of an address class, for the refusal message. */
static const char *
class_name_fr(enum address_class class)
{
	switch (class) {
	case ADDRESS_PUBLIC: return "adresse publique";
	case ADDRESS_LOOPBACK: return "adresse de bouclage";
	case ADDRESS_PRIVATE: return "adresse privée";
	case ADDRESS_LINK_LOCAL: return "adresse lien-local";
	case ADDRESS_MULTICAST: return "adresse multicast";
	case ADDRESS_UNSPECIFIED: return "adresse non spécifiée";
	case ADDRESS_RESERVED: return "adresse réservée";
	}
	return "adresse de classe inconnue";
}


/* Keeps ADDRESS unless already kept; false when the list is full. */
static bool
keep_address(struct destination *out, const char *text)
{
	for (size_t i = 0; i < out->address_count; i++)
		if (strcmp(out->addresses[i], text) == 0)
			return true;
	if (out->address_count == DESTINATION_ADDRESSES_MAX)
		return false;
	snprintf(out->addresses[out->address_count++], DESTINATION_ADDRESS_TEXT, "%s", text);
	return true;
}


/* Checks one resolved address; false with ERR when refused. */
static bool
check_address(const struct destination_policy *policy, const struct destination *out,
    const struct sockaddr *address, struct error *err)
{
	const unsigned char *bytes;
	enum address_class class;
	char why[96];
	int family = address->sa_family;

	if (family == AF_INET)
		bytes = (const unsigned char *)&((const struct sockaddr_in *)(const void *)address)->sin_addr;
	else if (family == AF_INET6)
		bytes = (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)address)->sin6_addr;
	else
		return refused(err, "famille d'adresses non prise en charge", "address family");

	if (!destination_address_allowed(policy, family, bytes, &class)) {
		snprintf(why, sizeof(why), "%s address", destination_class_name(class));
		return refused(err, class_name_fr(class), why);
	}
	if (strcmp(out->scheme, "http") == 0 && !listed(policy, family, bytes))
		return refused(err, "http en clair hors des réseaux autorisés",
		    "plain http outside the allowed networks");
	return true;
}


bool
destination_resolve(const struct destination_policy *policy, struct destination *out,
    struct error *err)
{
	struct addrinfo hints, *found = NULL;
	char port[8], text[DESTINATION_ADDRESS_TEXT];
	bool ok = true;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = out->host_is_address ? AI_NUMERICHOST : 0;
	snprintf(port, sizeof(port), "%d", out->port);

	out->address_count = 0;
	rc = getaddrinfo(out->host, port, &hints, &found);
	if (rc != 0 || found == NULL)
		return refused(err, "nom d'hôte introuvable", "host does not resolve");

	/* Every address must pass: the connection may go to any of them. */
	for (struct addrinfo *ai = found; ai != NULL && ok; ai = ai->ai_next) {
		ok = check_address(policy, out, ai->ai_addr, err);
		if (ok && getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof(text), NULL, 0,
		    NI_NUMERICHOST) == 0)
			keep_address(out, text);
	}
	freeaddrinfo(found);
	if (ok && out->address_count == 0)
		return refused(err, "nom d'hôte introuvable", "host does not resolve");
	return ok;
}


bool
destination_check(const char *url, const struct destination_policy *policy,
    struct destination *out, struct error *err)
{
	return destination_parse_url(url, policy, out, err) &&
	    destination_resolve(policy, out, err);
}
