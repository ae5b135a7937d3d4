/* Unit tests of json_strict_parse(): what a command body may and may not be. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/json_strict.h"
#include "run_suite.h"

/* Passes a string literal with its exact length, embedded NUL bytes included. */
#define BODY(literal) literal, sizeof(literal) - 1

#define UID "\"processUid\":\"0e9b5f7c-3a21-4d8e-b6f4-91c2d7a3e5b0\""
#define ADD_MESSAGE "{" UID ",\"message\":\"Gardien prévenu\",\"commandType\":\"AddMessage\"}"


static void
assert_rejected(const char *body, size_t len)
{
	struct error err;
	struct json_object *root;

	error_clear(&err);
	root = json_strict_parse(body, len, &err);
	ck_assert_ptr_null(root);
	ck_assert_int_eq(err.type, ERR_INVALID_JSON);
	ck_assert_ptr_nonnull(strstr(err.message_fr, "JSON invalide à l'octet"));
	ck_assert_ptr_nonnull(strstr(err.message_en, "invalid JSON at byte"));
}


static struct json_object *
parse_accepted(const char *body, size_t len)
{
	struct error err;
	struct json_object *root;

	error_clear(&err);
	root = json_strict_parse(body, len, &err);
	ck_assert_msg(root != NULL, "rejected: %s", err.message_en);
	ck_assert(json_object_is_type(root, json_type_object));
	return root;
}


/* Returns the "message" member of an accepted body. */
static struct json_object *
message_of(struct json_object *root)
{
	struct json_object *message = NULL;

	ck_assert(json_object_object_get_ex(root, "message", &message));
	return message;
}


/* A string of DEPTH nested arrays inside the top object. */
static char *
nested_body(int depth)
{
	size_t size = 16 + 2 * (size_t)depth;
	char *body = malloc(size);
	size_t n = 0;

	ck_assert_ptr_nonnull(body);
	n += (size_t)sprintf(body, "{\"a\":");
	for (int i = 1; i < depth; i++)
		body[n++] = '[';
	body[n++] = '1';
	for (int i = 1; i < depth; i++)
		body[n++] = ']';
	body[n++] = '}';
	body[n] = '\0';
	return body;
}


START_TEST(accepts_add_message)
{
	struct json_object *root = parse_accepted(BODY(ADD_MESSAGE));

	ck_assert_str_eq(json_object_get_string(message_of(root)),
	    "Gardien prévenu");
	json_object_put(root);
}
END_TEST

START_TEST(rejects_extra_brace)
{
	assert_rejected(BODY(ADD_MESSAGE "}"));
}
END_TEST

START_TEST(rejects_second_object)
{
	assert_rejected(BODY(ADD_MESSAGE ADD_MESSAGE));
}
END_TEST

START_TEST(rejects_nul_then_object)
{
	assert_rejected(BODY(ADD_MESSAGE "\0" ADD_MESSAGE));
}
END_TEST

START_TEST(rejects_trailing_nul)
{
	assert_rejected(BODY(ADD_MESSAGE "\0"));
}
END_TEST

START_TEST(rejects_trailing_comma)
{
	assert_rejected(BODY("{" UID ",\"message\":\"m\",\"commandType\":\"AddMessage\",}"));
}
END_TEST

START_TEST(rejects_array_trailing_comma)
{
	assert_rejected(BODY("{\"a\":[1,2,]}"));
}
END_TEST

START_TEST(rejects_single_quotes)
{
	assert_rejected(BODY("{'message':'m','commandType':'AddMessage'}"));
}
END_TEST

START_TEST(rejects_line_comment)
{
	assert_rejected(BODY(ADD_MESSAGE " // fin"));
}
END_TEST

START_TEST(rejects_block_comment)
{
	assert_rejected(BODY("{" UID ", /* */ \"message\":\"m\",\"commandType\":\"AddMessage\"}"));
}
END_TEST

START_TEST(rejects_exponent_without_digits)
{
	assert_rejected(BODY("{" UID ",\"note\":12e,\"message\":\"m\"}"));
}
END_TEST

START_TEST(rejects_capital_true)
{
	assert_rejected(BODY("{" UID ",\"note\":True,\"message\":\"m\"}"));
}
END_TEST

START_TEST(rejects_capital_null)
{
	assert_rejected(BODY("{\"note\":NULL}"));
}
END_TEST

START_TEST(rejects_leading_zero)
{
	assert_rejected(BODY("{\"note\":012}"));
}
END_TEST

START_TEST(rejects_plus_sign)
{
	assert_rejected(BODY("{\"note\":+1}"));
}
END_TEST

START_TEST(rejects_bare_fraction)
{
	assert_rejected(BODY("{\"note\":1.}"));
}
END_TEST

START_TEST(rejects_duplicate_message)
{
	assert_rejected(BODY("{" UID ",\"message\":\"a\",\"message\":\"b\",\"commandType\":\"AddMessage\"}"));
}
END_TEST

START_TEST(rejects_duplicate_command_type)
{
	assert_rejected(BODY("{" UID ",\"message\":\"a\",\"commandType\":\"AddMessage\",\"commandType\":\"CloseTicket\"}"));
}
END_TEST

START_TEST(rejects_duplicate_nested_key)
{
	assert_rejected(BODY("{\"a\":[{\"b\":1,\"b\":2}]}"));
}
END_TEST

START_TEST(rejects_duplicate_escaped_key)
{
	assert_rejected(BODY("{\"message\":\"a\",\"\\u006dessage\":\"b\"}"));
}
END_TEST

START_TEST(rejects_nul_escape_in_key)
{
	assert_rejected(BODY("{\"message\":\"a\",\"message\\u0000x\":\"b\"}"));
}
END_TEST

START_TEST(rejects_nul_escape_in_command_type_key)
{
	assert_rejected(BODY("{\"commandType\":\"AddMessage\",\"commandType\\u0000\":\"CloseTicket\"}"));
}
END_TEST

START_TEST(rejects_raw_nul_in_key)
{
	assert_rejected(BODY("{\"message\":\"a\",\"message\0x\":\"b\"}"));
}
END_TEST

START_TEST(rejects_nul_escape_in_value)
{
	assert_rejected(BODY("{\"message\":\"payé\\u0000caché\"}"));
}
END_TEST

START_TEST(rejects_raw_nul_in_value)
{
	assert_rejected(BODY("{\"message\":\"payé\0caché\"}"));
}
END_TEST

START_TEST(rejects_latin1_byte)
{
	assert_rejected(BODY("{\"message\":\"Ren\xE9" "e\"}"));
}
END_TEST

START_TEST(rejects_overlong_form)
{
	assert_rejected(BODY("{\"message\":\"\xC0\xA9\"}"));
}
END_TEST

START_TEST(rejects_encoded_surrogate)
{
	assert_rejected(BODY("{\"message\":\"\xED\xA0\x80\"}"));
}
END_TEST

START_TEST(rejects_lead_byte_f5)
{
	assert_rejected(BODY("{\"message\":\"\xF5\x80\x80\x80\"}"));
}
END_TEST

START_TEST(rejects_byte_ff)
{
	assert_rejected(BODY("{\"message\":\"\xFF\"}"));
}
END_TEST

START_TEST(rejects_code_point_above_max)
{
	assert_rejected(BODY("{\"message\":\"\xF4\x90\x80\x80\"}"));
}
END_TEST

START_TEST(rejects_truncated_sequence)
{
	assert_rejected(BODY("{\"message\":\"\xC3\"}"));
}
END_TEST

START_TEST(rejects_truncated_at_end)
{
	assert_rejected(BODY("{\"message\":\"\xE2\x82"));
}
END_TEST

START_TEST(rejects_invalid_utf8_in_key)
{
	assert_rejected(BODY("{\"m\xE9\":1}"));
}
END_TEST

START_TEST(rejects_lone_high_surrogate)
{
	assert_rejected(BODY("{\"message\":\"\\ud800\"}"));
}
END_TEST

START_TEST(rejects_lone_low_surrogate)
{
	assert_rejected(BODY("{\"message\":\"\\udc00x\"}"));
}
END_TEST

START_TEST(rejects_high_surrogate_pairs_high)
{
	assert_rejected(BODY("{\"message\":\"\\ud83d\\ud83d\"}"));
}
END_TEST

START_TEST(rejects_bom)
{
	assert_rejected(BODY("\xEF\xBB\xBF" ADD_MESSAGE));
}
END_TEST

START_TEST(rejects_raw_control_char)
{
	assert_rejected(BODY("{\"message\":\"a\tb\"}"));
}
END_TEST

START_TEST(rejects_unknown_escape)
{
	assert_rejected(BODY("{\"message\":\"a\\xb\"}"));
}
END_TEST

START_TEST(rejects_top_level_array)
{
	assert_rejected(BODY("[" ADD_MESSAGE "]"));
}
END_TEST

START_TEST(rejects_top_level_string)
{
	assert_rejected(BODY("\"AddMessage\""));
}
END_TEST

START_TEST(rejects_top_level_null)
{
	assert_rejected(BODY("null"));
}
END_TEST

START_TEST(rejects_empty_body)
{
	assert_rejected(BODY(""));
}
END_TEST

START_TEST(rejects_only_whitespace)
{
	assert_rejected(BODY(" \r\n\t"));
}
END_TEST

START_TEST(rejects_unterminated_object)
{
	assert_rejected(BODY("{\"message\":\"m\""));
}
END_TEST

START_TEST(rejects_form_feed_after_value)
{
	assert_rejected(BODY(ADD_MESSAGE "\f"));
}
END_TEST

START_TEST(rejects_depth_33)
{
	char *body = nested_body(33);

	assert_rejected(body, strlen(body));
	free(body);
}
END_TEST

START_TEST(accepts_depth_32)
{
	char *body = nested_body(32);

	json_object_put(parse_accepted(body, strlen(body)));
	free(body);
}
END_TEST

START_TEST(accepts_trailing_whitespace)
{
	json_object_put(parse_accepted(BODY(ADD_MESSAGE " \t\r\n \t")));
}
END_TEST

START_TEST(accepts_leading_whitespace)
{
	json_object_put(parse_accepted(BODY("\r\n\t " ADD_MESSAGE)));
}
END_TEST

START_TEST(decodes_surrogate_pair)
{
	struct json_object *root = parse_accepted(BODY("{\"message\":\"\\ud83d\\ude00\"}"));
	struct json_object *message = message_of(root);

	ck_assert_int_eq(json_object_get_string_len(message), 4);
	ck_assert_mem_eq(json_object_get_string(message), "\xF0\x9F\x98\x80", 4);
	json_object_put(root);
}
END_TEST

START_TEST(keeps_helene_bytes)
{
	struct json_object *root = parse_accepted(BODY("{\"message\":\"Hélène\"}"));
	struct json_object *message = message_of(root);

	ck_assert_int_eq(json_object_get_string_len(message), 8);
	ck_assert_mem_eq(json_object_get_string(message),
	    "\x48\xC3\xA9\x6C\xC3\xA8\x6E\x65", 8);
	json_object_put(root);
}
END_TEST

START_TEST(decodes_simple_escapes)
{
	struct json_object *root = parse_accepted(BODY("{\"message\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}"));

	ck_assert_str_eq(json_object_get_string(message_of(root)),
	    "\"\\/\b\f\n\r\té");
	json_object_put(root);
}
END_TEST

START_TEST(reads_literals)
{
	struct json_object *root = parse_accepted(BODY("{\"t\":true,\"f\":false,\"n\":null}"));
	struct json_object *value = NULL;

	ck_assert(json_object_object_get_ex(root, "t", &value));
	ck_assert(json_object_get_boolean(value));
	ck_assert(json_object_object_get_ex(root, "f", &value));
	ck_assert(!json_object_get_boolean(value));
	ck_assert(json_object_object_get_ex(root, "n", &value));
	ck_assert_ptr_null(value);
	json_object_put(root);
}
END_TEST

START_TEST(keeps_int64_bounds)
{
	struct json_object *root = parse_accepted(BODY("{\"max\":9223372036854775807,\"min\":-9223372036854775808}"));
	struct json_object *value = NULL;

	ck_assert(json_object_object_get_ex(root, "max", &value));
	ck_assert(json_object_is_type(value, json_type_int));
	ck_assert(json_object_get_int64(value) == INT64_MAX);
	ck_assert(json_object_object_get_ex(root, "min", &value));
	ck_assert(json_object_is_type(value, json_type_int));
	ck_assert(json_object_get_int64(value) == INT64_MIN);
	json_object_put(root);
}
END_TEST

START_TEST(big_integer_is_double)
{
	struct json_object *root = parse_accepted(BODY("{\"n\":9223372036854775808}"));
	struct json_object *value = NULL;

	ck_assert(json_object_object_get_ex(root, "n", &value));
	ck_assert(json_object_is_type(value, json_type_double));
	ck_assert_str_eq(json_object_to_json_string(value), "9223372036854775808");
	json_object_put(root);
}
END_TEST

START_TEST(reads_fraction_and_exponent)
{
	struct json_object *root = parse_accepted(BODY("{\"n\":-1.25E+2}"));
	struct json_object *value = NULL;

	ck_assert(json_object_object_get_ex(root, "n", &value));
	ck_assert(json_object_is_type(value, json_type_double));
	ck_assert(json_object_get_double(value) == -125.0);
	json_object_put(root);
}
END_TEST

START_TEST(message_gives_offset)
{
	struct error err;

	ck_assert_ptr_null(json_strict_parse(BODY("{\"a\":1,}"), &err));
	ck_assert_str_eq(err.message_en, "invalid JSON at byte 7: key in double quotes expected");
	ck_assert_str_eq(err.message_fr, "JSON invalide à l'octet 7 : clé entre guillemets doubles attendue");
}
END_TEST


static Suite *
json_strict_suite(void)
{
	Suite *suite = suite_create("json_strict");
	TCase *rejects = tcase_create("rejects");
	TCase *accepts = tcase_create("accepts");

	tcase_add_test(rejects, rejects_extra_brace);
	tcase_add_test(rejects, rejects_second_object);
	tcase_add_test(rejects, rejects_nul_then_object);
	tcase_add_test(rejects, rejects_trailing_nul);
	tcase_add_test(rejects, rejects_trailing_comma);
	tcase_add_test(rejects, rejects_array_trailing_comma);
	tcase_add_test(rejects, rejects_single_quotes);
	tcase_add_test(rejects, rejects_line_comment);
	tcase_add_test(rejects, rejects_block_comment);
	tcase_add_test(rejects, rejects_exponent_without_digits);
	tcase_add_test(rejects, rejects_capital_true);
	tcase_add_test(rejects, rejects_capital_null);
	tcase_add_test(rejects, rejects_leading_zero);
	tcase_add_test(rejects, rejects_plus_sign);
	tcase_add_test(rejects, rejects_bare_fraction);
	tcase_add_test(rejects, rejects_duplicate_message);
	tcase_add_test(rejects, rejects_duplicate_command_type);
	tcase_add_test(rejects, rejects_duplicate_nested_key);
	tcase_add_test(rejects, rejects_duplicate_escaped_key);
	tcase_add_test(rejects, rejects_nul_escape_in_key);
	tcase_add_test(rejects, rejects_nul_escape_in_command_type_key);
	tcase_add_test(rejects, rejects_raw_nul_in_key);
	tcase_add_test(rejects, rejects_nul_escape_in_value);
	tcase_add_test(rejects, rejects_raw_nul_in_value);
	tcase_add_test(rejects, rejects_latin1_byte);
	tcase_add_test(rejects, rejects_overlong_form);
	tcase_add_test(rejects, rejects_encoded_surrogate);
	tcase_add_test(rejects, rejects_lead_byte_f5);
	tcase_add_test(rejects, rejects_byte_ff);
	tcase_add_test(rejects, rejects_code_point_above_max);
	tcase_add_test(rejects, rejects_truncated_sequence);
	tcase_add_test(rejects, rejects_truncated_at_end);
	tcase_add_test(rejects, rejects_invalid_utf8_in_key);
	tcase_add_test(rejects, rejects_lone_high_surrogate);
	tcase_add_test(rejects, rejects_lone_low_surrogate);
	tcase_add_test(rejects, rejects_high_surrogate_pairs_high);
	tcase_add_test(rejects, rejects_bom);
	tcase_add_test(rejects, rejects_raw_control_char);
	tcase_add_test(rejects, rejects_unknown_escape);
	tcase_add_test(rejects, rejects_top_level_array);
	tcase_add_test(rejects, rejects_top_level_string);
	tcase_add_test(rejects, rejects_top_level_null);
	tcase_add_test(rejects, rejects_empty_body);
	tcase_add_test(rejects, rejects_only_whitespace);
	tcase_add_test(rejects, rejects_unterminated_object);
	tcase_add_test(rejects, rejects_form_feed_after_value);
	tcase_add_test(rejects, rejects_depth_33);
	tcase_add_test(rejects, message_gives_offset);
	suite_add_tcase(suite, rejects);

	tcase_add_test(accepts, accepts_add_message);
	tcase_add_test(accepts, accepts_depth_32);
	tcase_add_test(accepts, accepts_trailing_whitespace);
	tcase_add_test(accepts, accepts_leading_whitespace);
	tcase_add_test(accepts, decodes_surrogate_pair);
	tcase_add_test(accepts, keeps_helene_bytes);
	tcase_add_test(accepts, decodes_simple_escapes);
	tcase_add_test(accepts, reads_literals);
	tcase_add_test(accepts, keeps_int64_bounds);
	tcase_add_test(accepts, big_integer_is_double);
	tcase_add_test(accepts, reads_fraction_and_exponent);
	suite_add_tcase(suite, accepts);

	return suite;
}


int
main(void)
{
	return run_suite(json_strict_suite());
}
