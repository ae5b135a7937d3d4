/* Unit tests of the configuration parser. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "run_suite.h"

static struct config config;
static char message[256];

static bool
parse(const char *text)
{
	config_defaults(&config);
	message[0] = '\0';
	return config_parse_text(&config, text, "test.conf", message, sizeof(message));
}

START_TEST(defaults_are_documented_values)
{
	config_defaults(&config);
	ck_assert_str_eq(config.socket, "/run/perfimmo/api.sock");
	ck_assert_int_eq(config.workers, 0);
	ck_assert_int_eq(config.drain_timeout, 10);
	ck_assert_uint_eq(config.body_limit, 1048576);
	ck_assert_int_eq(config.session_lifetime, 43200);
	ck_assert_int_eq(config.session_idle, 3600);
	ck_assert_int_eq(config.log_level, LOG_INFO);
	ck_assert_int_eq(config.generation_mirror_ttl_ms, 1000);
}
END_TEST

START_TEST(reads_keys_comments_quotes)
{
	ck_assert(parse("# comment\n\nworkers = 4\n  socket = \"/tmp/a b.sock\"  \n"
	    "database = \"host=127.0.0.1 port=5433 dbname=perfimmo\"\nredis = 127.0.0.1:6380\n"
	    "log_level = debug\nsocket_mode = 0666\nbody_limit = 2048\n"));
	ck_assert_int_eq(config.workers, 4);
	ck_assert_str_eq(config.socket, "/tmp/a b.sock");
	ck_assert_str_eq(config.database, "host=127.0.0.1 port=5433 dbname=perfimmo");
	ck_assert_str_eq(config.redis_host, "127.0.0.1");
	ck_assert_int_eq(config.redis_port, 6380);
	ck_assert_int_eq(config.log_level, LOG_DEBUG);
	ck_assert_uint_eq(config.socket_mode, 0666);
	ck_assert_uint_eq(config.body_limit, 2048);
	ck_assert(parse("generation_mirror_ttl_ms = 250\n"));
	ck_assert_int_eq(config.generation_mirror_ttl_ms, 250);
}
END_TEST

START_TEST(unknown_key_names_line)
{
	ck_assert(!parse("workers = 2\n\nwrokers = 3\n"));
	ck_assert_str_eq(message, "test.conf:3: unknown key");
}
END_TEST

START_TEST(bad_values_rejected)
{
	ck_assert(!parse("workers = two\n"));
	ck_assert(strstr(message, "test.conf:1:") != NULL);
	ck_assert(!parse("workers = -1\n"));
	ck_assert(!parse("drain_timeout = 0\n"));
	ck_assert(!parse("socket_mode = 0999\n"));
	ck_assert(!parse("redis = localhost\n"));
	ck_assert(!parse("redis = localhost:70000\n"));
	ck_assert(!parse("log_level = verbose\n"));
	ck_assert(!parse("body_limit = 10\n"));
	ck_assert(!parse("generation_mirror_ttl_ms = 0\n"));
	ck_assert(!parse("generation_mirror_ttl_ms = 60001\n"));
	ck_assert(!parse("socket = \"/tmp/x\n"));
	ck_assert(!parse("no equals sign\n"));
}
END_TEST

START_TEST(value_too_long_rejected)
{
	char text[2 * CONFIG_PATH_MAX];

	memset(text, 'a', sizeof(text));
	memcpy(text, "socket = ", 9);
	text[sizeof(text) - 1] = '\0';
	ck_assert(!parse(text));
	ck_assert(strstr(message, "too long") != NULL);
}
END_TEST

START_TEST(missing_file_is_error)
{
	ck_assert(!config_load(&config, "/nonexistent/perfimmo.conf", message, sizeof(message)));
	ck_assert(strstr(message, "could not open") != NULL);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("config");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, defaults_are_documented_values);
	tcase_add_test(tc, reads_keys_comments_quotes);
	tcase_add_test(tc, unknown_key_names_line);
	tcase_add_test(tc, bad_values_rejected);
	tcase_add_test(tc, value_too_long_rejected);
	tcase_add_test(tc, missing_file_is_error);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
