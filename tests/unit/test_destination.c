/*
 * Unit tests of webhook destination checks.  Only IP literals and
 * /etc/hosts names are resolved, so no DNS query leaves the machine and
 * nothing is ever connected to.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "notify/destination.h"
#include "run_suite.h"

static struct destination_policy policy;
static struct destination destination;
static struct error err;
static char message[256];


static enum address_class
classify(const char *text)
{
	unsigned char bytes[16];

	if (inet_pton(AF_INET, text, bytes) == 1)
		return destination_classify(AF_INET, bytes);
	ck_assert_msg(inet_pton(AF_INET6, text, bytes) == 1, "%s", text);
	return destination_classify(AF_INET6, bytes);
}


static void
use_policy(const char *networks, bool allow_http)
{
	ck_assert_msg(destination_policy_parse(networks, allow_http, &policy, message, sizeof(message)),
	    "%s", message);
}


static enum error_type
check(const char *url)
{
	error_clear(&err);
	return destination_check(url, &policy, &destination, &err) ? ERR_NONE : err.type;
}


START_TEST(ipv4_classes)
{
	ck_assert_int_eq(classify("127.0.0.1"), ADDRESS_LOOPBACK);
	ck_assert_int_eq(classify("127.255.0.9"), ADDRESS_LOOPBACK);
	ck_assert_int_eq(classify("10.1.2.3"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("172.16.0.1"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("172.31.255.255"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("172.32.0.1"), ADDRESS_PUBLIC);
	ck_assert_int_eq(classify("192.168.1.1"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("100.64.0.1"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("169.254.169.254"), ADDRESS_LINK_LOCAL);
	ck_assert_int_eq(classify("224.0.0.1"), ADDRESS_MULTICAST);
	ck_assert_int_eq(classify("0.0.0.0"), ADDRESS_UNSPECIFIED);
	ck_assert_int_eq(classify("255.255.255.255"), ADDRESS_RESERVED);
	ck_assert_int_eq(classify("8.8.8.8"), ADDRESS_PUBLIC);
	ck_assert_int_eq(classify("192.169.0.1"), ADDRESS_PUBLIC);
}
END_TEST

START_TEST(ipv6_classes)
{
	ck_assert_int_eq(classify("::1"), ADDRESS_LOOPBACK);
	ck_assert_int_eq(classify("::"), ADDRESS_UNSPECIFIED);
	ck_assert_int_eq(classify("fe80::1"), ADDRESS_LINK_LOCAL);
	ck_assert_int_eq(classify("febf::1"), ADDRESS_LINK_LOCAL);
	ck_assert_int_eq(classify("fc00::1"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("fd12:3456::1"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("ff02::1"), ADDRESS_MULTICAST);
	ck_assert_int_eq(classify("2606:4700::1111"), ADDRESS_PUBLIC);
}
END_TEST

START_TEST(ipv6_forms_of_ipv4_addresses)
{
	ck_assert_int_eq(classify("::ffff:127.0.0.1"), ADDRESS_LOOPBACK);
	ck_assert_int_eq(classify("::ffff:10.0.0.1"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("::ffff:169.254.169.254"), ADDRESS_LINK_LOCAL);
	ck_assert_int_eq(classify("::10.0.0.1"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("64:ff9b::a9fe:a9fe"), ADDRESS_LINK_LOCAL);
	ck_assert_int_eq(classify("2002:c0a8:0101::1"), ADDRESS_PRIVATE);
	ck_assert_int_eq(classify("::ffff:8.8.8.8"), ADDRESS_PUBLIC);
}
END_TEST

START_TEST(policy_lists_networks)
{
	unsigned char bytes[16];
	enum address_class class;

	use_policy("127.0.0.1/32, ::1 10.8.0.0/16", false);
	ck_assert_uint_eq(policy.count, 3);
	inet_pton(AF_INET, "127.0.0.1", bytes);
	ck_assert(destination_address_allowed(&policy, AF_INET, bytes, &class));
	ck_assert_int_eq(class, ADDRESS_LOOPBACK);
	inet_pton(AF_INET, "127.0.0.2", bytes);
	ck_assert(!destination_address_allowed(&policy, AF_INET, bytes, &class));
	inet_pton(AF_INET, "10.8.200.1", bytes);
	ck_assert(destination_address_allowed(&policy, AF_INET, bytes, &class));
	inet_pton(AF_INET, "10.9.0.1", bytes);
	ck_assert(!destination_address_allowed(&policy, AF_INET, bytes, &class));
	inet_pton(AF_INET6, "::1", bytes);
	ck_assert(destination_address_allowed(&policy, AF_INET6, bytes, &class));
}
END_TEST

START_TEST(bad_policies_rejected)
{
	static const char *const bad[] = {"localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/",
	    "10.0.0.0/x", "/8", "10.0.0/8"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		message[0] = '\0';
		ck_assert_msg(!destination_policy_parse(bad[i], false, &policy, message, sizeof(message)),
		    "%s", bad[i]);
		ck_assert(strstr(message, "notify_allow_networks") != NULL);
	}
	use_policy("", false);
	ck_assert_uint_eq(policy.count, 0);
}
END_TEST

START_TEST(url_shapes)
{
	char long_url[DESTINATION_URL_MAX + 2];

	use_policy("", false);
	ck_assert(destination_parse_url("https://hooks.example.com/perfimmo?x=1", &policy, &destination, &err));
	ck_assert_str_eq(destination.host, "hooks.example.com");
	ck_assert_int_eq(destination.port, 443);
	ck_assert(!destination.host_is_address);
	ck_assert(destination_parse_url("HTTPS://[2606:4700::1111]:8443/x", &policy, &destination, &err));
	ck_assert_str_eq(destination.host, "2606:4700::1111");
	ck_assert_int_eq(destination.port, 8443);
	ck_assert(destination.host_is_address);

	static const char *const bad[] = {"", "hooks.example.com/x", "ftp://hooks.example.com/",
	    "http://hooks.example.com/", "https://user:pw@hooks.example.com/", "https://user@hooks.example.com/",
	    "https://hooks example.com/", "https://hooks.example.com/\xc3\xa9", "https://",
	    "https:///path", "https://hooks.example.com:99999/", "javascript:alert(1)",
	    "https://[fe80::1%25eth0]/", "https:\\\\hooks.example.com"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		error_clear(&err);
		ck_assert_msg(!destination_parse_url(bad[i], &policy, &destination, &err), "%s", bad[i]);
		ck_assert_int_eq(err.type, ERR_INVALID_SUBSCRIPTION);
	}

	memset(long_url, 'a', sizeof(long_url));
	memcpy(long_url, "https://h.example/", 18);
	long_url[DESTINATION_URL_MAX + 1] = '\0';
	ck_assert(!destination_parse_url(long_url, &policy, &destination, &err));
	long_url[DESTINATION_URL_MAX] = '\0';
	ck_assert(destination_parse_url(long_url, &policy, &destination, &err));
}
END_TEST

START_TEST(refused_addresses)
{
	static const char *const refused[] = {"https://127.0.0.1/", "https://127.0.0.2:8443/",
	    "https://10.0.0.1/", "https://172.16.5.4/", "https://192.168.0.10/",
	    "https://169.254.169.254/latest/meta-data/", "https://[::1]/", "https://[fe80::1]/",
	    "https://[fd00::1]/", "https://[::ffff:10.0.0.1]/", "https://[::ffff:169.254.169.254]/",
	    "https://0.0.0.0/", "https://224.0.0.1/", "https://[ff02::1]/",
	    /* Numeric forms an address parser may read as 127.0.0.1. */
	    "https://2130706433/", "https://0x7f000001/", "https://127.1/",
	    /* A name that resolves to loopback (/etc/hosts). */
	    "https://localhost/"};

	use_policy("", false);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		enum error_type type = check(refused[i]);
		ck_assert_msg(type == ERR_DESTINATION_NOT_ALLOWED || type == ERR_INVALID_SUBSCRIPTION,
		    "%s: %d", refused[i], type);
	}
	ck_assert_int_eq(check("https://10.0.0.1/"), ERR_DESTINATION_NOT_ALLOWED);
	ck_assert(strstr(err.message_en, "private") != NULL);
	ck_assert_int_eq(check("https://169.254.169.254/"), ERR_DESTINATION_NOT_ALLOWED);
	ck_assert(strstr(err.message_en, "link-local") != NULL);
	ck_assert_int_eq(check("https://localhost/"), ERR_DESTINATION_NOT_ALLOWED);
	ck_assert_int_eq(check("https://2130706433/"), ERR_DESTINATION_NOT_ALLOWED);
}
END_TEST

START_TEST(public_and_listed_addresses_pass)
{
	use_policy("", false);
	ck_assert_int_eq(check("https://8.8.8.8/hook"), ERR_NONE);
	ck_assert_uint_eq(destination.address_count, 1);
	ck_assert_str_eq(destination.addresses[0], "8.8.8.8");
	ck_assert_int_eq(check("https://[2606:4700::1111]/hook"), ERR_NONE);

	use_policy("127.0.0.1/32", true);
	ck_assert_int_eq(check("https://127.0.0.1:9/"), ERR_NONE);
	ck_assert_int_eq(check("http://127.0.0.1:9/"), ERR_NONE);
	ck_assert_int_eq(check("https://127.0.0.2:9/"), ERR_DESTINATION_NOT_ALLOWED);
	/* Plain http only to the listed networks, never to the public Internet. */
	ck_assert_int_eq(check("http://8.8.8.8/"), ERR_DESTINATION_NOT_ALLOWED);
	ck_assert(strstr(err.message_en, "plain http") != NULL);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("destination");
	TCase *tc = tcase_create("checks");

	tcase_add_test(tc, ipv4_classes);
	tcase_add_test(tc, ipv6_classes);
	tcase_add_test(tc, ipv6_forms_of_ipv4_addresses);
	tcase_add_test(tc, policy_lists_networks);
	tcase_add_test(tc, bad_policies_rejected);
	tcase_add_test(tc, url_shapes);
	tcase_add_test(tc, refused_addresses);
	tcase_add_test(tc, public_and_listed_addresses_pass);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
