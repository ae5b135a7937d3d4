/* Unit tests of the request layer: language, media type, routing, error bodies. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "run_suite.h"

static void handler(void *context) { (void)context; }

static const struct route table[] = {
	{"/api/health", METHOD_GET, ROUTE_PUBLIC, handler},
	{"/api/v1/tickets", METHOD_GET, 0, handler},
	{"/api/v1/tickets/export", METHOD_GET, 0, handler},
	{"/api/v1/tickets/{uid}", METHOD_GET, 0, handler},
	{"/api/vEvent/tickets/{uid}", METHOD_PATCH, ROUTE_BODY, handler},
	{"/api/vEvent/clientcompanies/{uid}/agencies/{uid}", METHOD_PATCH, ROUTE_BODY, handler},
	{"/api/v1/subscriptions/{uid}", METHOD_GET, 0, handler},
	{"/api/v1/subscriptions/{uid}", METHOD_PATCH, ROUTE_BODY, handler},
	{"/api/v1/subscriptions/{uid}", METHOD_DELETE, 0, handler},
};
static const size_t table_size = sizeof(table) / sizeof(table[0]);

static struct request req;
static struct error err;
static char allow[64];

static const struct route *
find(const char *method, const char *path)
{
	memset(&req, 0, sizeof(req));
	snprintf(req.method, sizeof(req.method), "%s", method);
	req.path = (char *)path;
	error_clear(&err);
	return router_find(table, table_size, &req, allow, sizeof(allow), &err);
}

START_TEST(language_defaults_to_french)
{
	ck_assert(!request_prefers_english(NULL));
	ck_assert(!request_prefers_english(""));
	ck_assert(!request_prefers_english("fr-FR,fr;q=0.9,en;q=0.8"));
	ck_assert(!request_prefers_english("de"));
	ck_assert(!request_prefers_english("en;q=0"));
}
END_TEST

START_TEST(language_english_when_preferred)
{
	ck_assert(request_prefers_english("en"));
	ck_assert(request_prefers_english("en-US,en;q=0.9"));
	ck_assert(request_prefers_english("fr;q=0.5, en-GB;q=0.8"));
	ck_assert(request_prefers_english("de, en;q=0.7"));
	ck_assert(!request_prefers_english("eng"));
}
END_TEST

START_TEST(media_type_json_accepted)
{
	ck_assert(request_is_json_media_type("application/json"));
	ck_assert(request_is_json_media_type("Application/JSON"));
	ck_assert(request_is_json_media_type("application/json; charset=utf-8"));
	ck_assert(request_is_json_media_type("application/json;charset=UTF-8"));
	ck_assert(request_is_json_media_type("application/json; charset=\"utf-8\""));
}
END_TEST

START_TEST(media_type_others_rejected)
{
	ck_assert(!request_is_json_media_type(NULL));
	ck_assert(!request_is_json_media_type("text/plain"));
	ck_assert(!request_is_json_media_type("application/jsonx"));
	ck_assert(!request_is_json_media_type("application/json; charset=latin1"));
	ck_assert(!request_is_json_media_type("application/json; boundary=x"));
	ck_assert(!request_is_json_media_type("application/json; charset=utf-8; x=y"));
}
END_TEST

START_TEST(router_literal_wins_over_uid)
{
	const struct route *route = find("GET", "/api/v1/tickets/export");

	ck_assert_ptr_eq(route, &table[2]);
	ck_assert_int_eq(req.param_count, 0);
}
END_TEST

START_TEST(router_extracts_lowercase_uids)
{
	const struct route *route = find("PATCH",
	    "/api/vEvent/clientcompanies/9F1E6D4C-8B2A-4C73-9E5D-0A4B3C2D1E8F/agencies/7a2e4c91-6b3d-4f08-a1e5-3c9d8b7f2e60");

	ck_assert_ptr_eq(route, &table[5]);
	ck_assert_int_eq(req.param_count, 2);
	ck_assert_str_eq(req.params[0], "9f1e6d4c-8b2a-4c73-9e5d-0a4b3c2d1e8f");
	ck_assert_str_eq(req.params[1], "7a2e4c91-6b3d-4f08-a1e5-3c9d8b7f2e60");
}
END_TEST

START_TEST(router_unknown_path_404)
{
	const char *paths[] = {"/api/v1/ticket", "/api/v1/tickets/", "/api/v1//tickets",
	    "/API/v1/tickets", "/api/v1/tickets/export/x", "/", "", "/api/v1/../v1/tickets",
	    "/api/v1/tickets%2Fexport"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		ck_assert_msg(find("GET", paths[i]) == NULL, "%s matched", paths[i]);
		ck_assert_int_eq(err.type, ERR_NOT_FOUND);
	}
}
END_TEST

START_TEST(router_wrong_method_405_with_allow)
{
	ck_assert(find("POST", "/api/v1/tickets") == NULL);
	ck_assert_int_eq(err.type, ERR_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(allow, "GET, HEAD");

	ck_assert(find("PUT", "/api/v1/subscriptions/9f1e6d4c-8b2a-4c73-9e5d-0a4b3c2d1e8f") == NULL);
	ck_assert_int_eq(err.type, ERR_METHOD_NOT_ALLOWED);
	ck_assert_str_eq(allow, "GET, HEAD, PATCH, DELETE");
}
END_TEST

START_TEST(router_bad_uid_400)
{
	ck_assert(find("GET", "/api/v1/tickets/not-a-uuid") == NULL);
	ck_assert_int_eq(err.type, ERR_BAD_REQUEST);
	ck_assert(find("GET", "/api/v1/tickets/{9f1e6d4c-8b2a-4c73-9e5d-0a4b3c2d1e8f}") == NULL);
	ck_assert_int_eq(err.type, ERR_BAD_REQUEST);
}
END_TEST

START_TEST(router_head_served_as_get)
{
	ck_assert_ptr_eq(find("HEAD", "/api/health"), &table[0]);
}
END_TEST

START_TEST(error_body_in_both_languages)
{
	char *fr, *en;

	error_set(&err, ERR_INVALID_COMMAND, "nom : ne doit pas être vide", "name: must not be blank");
	fr = response_error_body(&err, false);
	en = response_error_body(&err, true);
	ck_assert_str_eq(fr, "{\"errorType\":\"InvalidCommand\",\"message\":\"nom : ne doit pas être vide\"}");
	ck_assert_str_eq(en, "{\"errorType\":\"InvalidCommand\",\"message\":\"name: must not be blank\"}");
	free(fr);
	free(en);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("request");
	TCase *tc = tcase_create("request");

	tcase_add_test(tc, language_defaults_to_french);
	tcase_add_test(tc, language_english_when_preferred);
	tcase_add_test(tc, media_type_json_accepted);
	tcase_add_test(tc, media_type_others_rejected);
	tcase_add_test(tc, router_literal_wins_over_uid);
	tcase_add_test(tc, router_extracts_lowercase_uids);
	tcase_add_test(tc, router_unknown_path_404);
	tcase_add_test(tc, router_wrong_method_405_with_allow);
	tcase_add_test(tc, router_bad_uid_400);
	tcase_add_test(tc, router_head_served_as_get);
	tcase_add_test(tc, error_body_in_both_languages);
	suite_add_tcase(suite, tc);

	return run_suite(suite);
}
