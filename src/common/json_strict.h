/*
 * Strict decoding of request bodies: RFC 8259 JSON, UTF-8 only, one object.
 *
 * json-c 0.16 alone is too lenient for untrusted bodies.  Outside strict
 * mode it accepts trailing commas, comments and single quotes.  Even in
 * strict mode it keeps the last of duplicate keys, stops with success at a
 * raw NUL after a complete document, turns an escaped lone surrogate into
 * U+FFFD and clamps out-of-range integers.  So this module scans the bytes
 * itself and builds the json-c tree while scanning.
 */
#ifndef PERFIMMO_JSON_STRICT_H
#define PERFIMMO_JSON_STRICT_H

#include <stddef.h>

#include <json-c/json.h>

#include "common/error.h"

/* Maximum nesting of objects and arrays, where the top object is level 1. */
#define JSON_STRICT_MAX_DEPTH 32

/*
 * Parses the LEN bytes of BODY (which need not end with NUL) and returns a
 * new json-c object that the caller releases with json_object_put().
 *
 * It returns NULL with ERR set to ERR_INVALID_JSON, and a message giving the
 * byte offset, for each of these:
 *   - anything RFC 8259 rejects (trailing commas, comments, single quotes,
 *     `True`, `12e`, leading zeros...);
 *   - any byte after the value other than space, tab, CR or LF;
 *   - a top-level value that is not an object;
 *   - a duplicate key in any object, after escapes are decoded;
 *   - ill-formed UTF-8 (overlong forms, encoded surrogates, code points
 *     above U+10FFFF, truncated sequences) or a leading byte order mark;
 *   - NUL in a string or key, raw or escaped as \u0000;
 *   - an escaped lone surrogate, or a raw control character below 0x20 in
 *     a string;
 *   - nesting deeper than JSON_STRICT_MAX_DEPTH.
 * An escaped surrogate pair becomes the 4-byte UTF-8 character.  On memory
 * exhaustion ERR is set to ERR_INTERNAL.
 *
 * Numbers: an integer literal (no fraction, no exponent) within the int64
 * range becomes json_type_int.  Every other number, including an integer
 * literal outside the int64 range, becomes json_type_double holding the
 * strtod() value and keeping the literal text for serialisation, so a
 * too-large integer is never clamped: schema_validate() rejects it where an
 * integer is declared, as ERR_INVALID_COMMAND naming the field.  A literal
 * beyond the double range gives an infinite double, which schema_validate()
 * also rejects.  strtod() follows LC_NUMERIC, so the process must keep the
 * default "C" numeric locale.
 *
 * Strings in the result are valid UTF-8 without NUL bytes, so their
 * json_object_get_string() value and json_object_get_string_len() agree.
 */
struct json_object *json_strict_parse(const char *body, size_t len,
    struct error *err);

#endif
