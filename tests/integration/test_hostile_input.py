"""Hostile input over HTTPS: SQL injection strings, header injection,
oversized headers, odd paths, huge arrays and numbers, control characters,
long strings, pipelining and HTTP/2. Each gets its documented status, text
is stored and returned verbatim, and a rejected request stores nothing.
(Strict JSON, invalid UTF-8 and lone surrogates are in test_foundation_app.py.)"""

import json
import random
import re
import shutil
import subprocess
import time
import urllib.parse
import uuid

import pytest

from fault_tools import COMPANIES, call_center_body, feed_next, journal_since

JSON_TYPE = "application/json; charset=utf-8"

INJECTIONS = [
    "'; DROP TABLE events; --",
    "' OR '1'='1",
    "Robert'); DELETE FROM companies; --",
    "$1::text; SELECT pg_sleep(5)",
    "$$; SELECT pg_sleep(5); $$",
    "'||(SELECT pg_sleep(5))||'",
    "\\'; TRUNCATE processed_commands; --",
    "%_\\%' ESCAPE '\\",
    "\"}]}; {\"events\":[",
    "<script>alert(1)</script>",
]


def assert_error(response, status, error_type):
    assert response.status == status, response
    assert response.header("content-type") == JSON_TYPE, response.headers
    body = response.json()
    assert body["errorType"] == error_type, body
    return body


def post_text(client, body_bytes):
    return client.post(COMPANIES, body_bytes, headers={"Content-Type": "application/json"})


def command_bytes(name):
    """A CreateCallCenter body whose name is NAME, a raw JSON string literal."""
    return ('{"processUid":"%s","createdDate":"2021-01-04","name":%s,'
            '"commandType":"CreateCallCenter"}' % (uuid.uuid4(), name)).encode()


# ------------------------------------------------------------ SQL injection

def agency_with(text):
    return {
        "agencyUid": str(uuid.uuid4()), "name": text, "extName": text, "ref": text,
        "sda": text, "group": text, "fax": text, "phones": [text], "emails": [text],
        "address": {"quality": text, "number": text, "street": text, "complement": text,
                    "zipCode": text, "city": text, "state": text, "country": text,
                    "checker": {"googlePlaceId": text}},
    }


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_stored_verbatim_in_every_text_field(su, text):
    start = feed_next(su)
    began = time.monotonic()

    center = su.post(COMPANIES, call_center_body(text))
    assert center.status == 201, center
    center_uid = center.json()["events"][0]["aggregateUid"]
    account = su.post(COMPANIES, {
        "processUid": str(uuid.uuid4()), "callCenterReference": center_uid,
        "createdDate": "2021-01-05", "name": text, "commandType": "CreateClientAccount"})
    assert account.status == 201, account
    account_uid = account.json()["events"][0]["aggregateUid"]
    agency = agency_with(text)
    created = su.post(f"{COMPANIES}/{account_uid}/agencies", {
        "processUid": str(uuid.uuid4()), "createdDate": "2021-01-06",
        "agency": agency, "commandType": "CreateAgency"})
    assert created.status == 201, created
    renamed = su.patch(f"{COMPANIES}/{center_uid}", {
        "processUid": str(uuid.uuid4()), "name": text + text,
        "updatedDate": "2021-02-01", "commandType": "UpdateCallCenter"})
    assert renamed.status == 200, renamed

    # No pg_sleep ran, and the journal contains exactly the strings sent.
    assert time.monotonic() - began < 4.0
    events = [entry["event"] for entry in journal_since(su, start)]
    assert [e["name"] for e in events[:2]] == [text, text]
    stored_agency = events[2]["agency"]
    for key in ("name", "extName", "ref", "sda", "group", "fax"):
        assert stored_agency[key] == text, key
    assert stored_agency["phones"] == [text]
    assert stored_agency["emails"] == [text]
    assert all(stored_agency["address"][k] == text for k in ("number", "street", "city"))
    assert events[3]["name"] == text + text
    assert events == ([center.json()["events"][0], account.json()["events"][0]]
                      + created.json()["events"] + renamed.json()["events"])


@pytest.mark.parametrize("parameter", ["types", "aggregates", "after", "limit"])
@pytest.mark.parametrize("text", INJECTIONS[:4])
def test_injection_strings_in_feed_filters_400(su, parameter, text):
    from urllib.parse import quote

    response = su.get(f"/api/v1/events?{parameter}={quote(text, safe='')}")

    assert_error(response, 400, "BadRequest")


def test_journal_intact_after_injections(su, superuser_sql, env):
    schema = f"t_{env['PERFIMMO_TENANT']}"
    tables = superuser_sql(
        f"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"
        " AND tablename IN ('events', 'processed_commands', 'companies', 'agencies')")
    assert tables == [["4"]]
    assert su.get("/api/v1/events?after=0&limit=1").status == 200


# ------------------------------------------------------------ headers

def test_client_request_id_never_echoed(raw_tls, env):
    request = (f"GET /api/health HTTP/1.1\r\nHost: {env['PERFIMMO_HOST']}\r\n"
               "X-Request-Id: evil\r\nConnection: close\r\n\r\n").encode()

    response = raw_tls(request)

    assert response.status == 200
    assert response.header_values("x-request-id") != ["evil"]
    assert len(response.header_values("x-request-id")) == 1


@pytest.mark.parametrize("path", [
    "/api/v1/events%0D%0ASet-Cookie:%20injected=1",
    "/api/vEvent/clientcompanies/%0D%0ASet-Cookie:%20injected=1",
    "/api/v1/events?limit=1%0D%0ASet-Cookie:%20injected=1",
])
def test_crlf_in_path_or_query_injects_no_header(su, path):
    response = su.request("PATCH" if "clientcompanies" in path else "GET", path,
                          body=call_center_body("x") if "clientcompanies" in path else None)

    assert response.status in (400, 404), response
    assert response.header("set-cookie") is None
    assert not any(name == "injected" or "injected" in value for name, value in response.headers)


def test_bare_cr_in_header_value_400(raw_tls, env):
    request = (f"GET /api/health HTTP/1.1\r\nHost: {env['PERFIMMO_HOST']}\r\n"
               "X-Note: a\rSet-Cookie: injected=1\r\nConnection: close\r\n\r\n").encode()

    response = raw_tls(request)

    assert_error(response, 400, "BadRequest")
    assert response.header("set-cookie") is None


@pytest.mark.parametrize("headers", [
    {"Cookie": "PI_SESSION=" + "a" * 16000},
    {"Authorization": "k" * 12000},
    {f"X-Pad-{i}": "v" * 100 for i in range(400)},
    {"X-" + "n" * 9000: "v"},
])
def test_oversized_headers_and_cookies_400(api, headers):
    response = api.get("/api/v1/events", headers=headers)

    assert_error(response, 400, "BadRequest")


def test_oversized_cookie_on_command_stores_nothing(su):
    start = feed_next(su)
    response = su.post(COMPANIES, call_center_body("cookie géant"),
                       headers={"Cookie": "PI_SESSION=" + "a" * 16000})
    assert_error(response, 400, "BadRequest")
    assert journal_since(su, start) == []


# ------------------------------------------------------------ paths

@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/events/../events"),
    ("GET", "/api/v1/./events"),
    ("GET", "/api/v1%2Fevents"),
    ("GET", "/api/v1/events%2F"),
    ("GET", "/api/v1/%2e%2e/v1/events"),
    ("GET", "/api/v1/../../../etc/passwd"),
    ("GET", "/api/v1/events%00"),
    ("GET", "//api/v1/events"),
    ("GET", "/api/V1/events"),
    ("PATCH", "/api/vEvent/clientcompanies/..%2F..%2Fv1%2Fevents"),
    ("PATCH", "/api/vEvent/clientcompanies/%2e%2e"),
    ("POST", "/api/vEvent/clientcompanies/../clientcompanies"),
])
def test_traversal_and_encoded_slashes_never_reach_another_route(su, method, path):
    start = feed_next(su)
    body = call_center_body("chemin détourné") if method != "GET" else None

    response = su.request(method, path, body=body)

    assert response.status in (400, 404), response
    assert response.header("content-type") == JSON_TYPE
    assert response.json()["errorType"] in ("BadRequest", "NotFound")
    assert journal_since(su, start) == []


# ------------------------------------------------------------ body shapes

def rejected_and_nothing_stored(su, body_bytes, status, error_type):
    start = feed_next(su)
    response = post_text(su, body_bytes)
    assert_error(response, status, error_type)
    assert journal_since(su, start) == []
    return response


def test_ten_thousand_element_array_400(su):
    agency = agency_with("x")
    agency["phones"] = ["01 23 45 67 89"] * 10000
    body = {"processUid": str(uuid.uuid4()), "createdDate": "2021-01-06",
            "agency": agency, "commandType": "CreateAgency"}
    center = su.post(COMPANIES, call_center_body("centre")).json()["events"][0]["aggregateUid"]
    account = su.post(COMPANIES, {
        "processUid": str(uuid.uuid4()), "callCenterReference": center,
        "createdDate": "2021-01-05", "name": "compte", "commandType": "CreateClientAccount",
    }).json()["events"][0]["aggregateUid"]
    start = feed_next(su)

    response = su.post(f"{COMPANIES}/{account}/agencies", body)

    assert_error(response, 400, "InvalidCommand")
    assert journal_since(su, start) == []


def test_ten_thousand_element_array_in_unknown_field_400(su):
    body = json.dumps(dict(call_center_body("x"), extra=list(range(10000)))).encode()
    rejected_and_nothing_stored(su, body, 400, "InvalidCommand")


@pytest.mark.parametrize("depth", [33, 10000, 200000])
def test_deep_nesting_400(su, depth):
    body = json.dumps(call_center_body("x"))[:-1] + ',"extra":' + "[" * depth + "]" * depth + "}"
    status = 413 if len(body) > 1024 * 1024 else 400
    rejected_and_nothing_stored(su, body.encode(), status,
                                "PayloadTooLarge" if status == 413 else "InvalidJson")


def test_deep_object_nesting_400(su):
    body = json.dumps(call_center_body("x"))[:-1] + ',"extra":' + '{"a":' * 5000 + "1" + "}" * 5000 + "}"
    rejected_and_nothing_stored(su, body.encode(), 400, "InvalidJson")


@pytest.mark.parametrize("query", [
    "limit=99999999999999999999", "limit=1001", "limit=-1", "limit=0", "limit=1e3",
    "after=-1", "after=9223372036854775808", "after=18446744073709551616",
    "after=99999999999999999999999999999999", "after=1e3", "after=0x10", "after=%201",
    "after=1.5", "after=1&after=2", "limit=5&limit=5",
])
def test_out_of_range_numbers_400(su, query):
    assert_error(su.get(f"/api/v1/events?{query}"), 400, "BadRequest")


def test_empty_values_read_as_absent(su):
    # conventions: an empty value is treated as absent.
    assert su.get("/api/v1/events?after=&limit=").status == 200


def test_largest_after_accepted(su):
    response = su.get("/api/v1/events?after=9223372036854775807&limit=1000")
    assert response.status == 200
    assert response.json()["events"] == []


@pytest.mark.parametrize("literal", [
    b'"a\x01b"', b'"a\x1fb"', b'"a\x00b"', b'"tab\there"', b'"line\nbreak"',
])
def test_raw_control_characters_in_strings_400(su, literal):
    rejected_and_nothing_stored(su, command_bytes(literal.decode("latin-1")).replace(
        b"\xc2", b""), 400, "InvalidJson")


def test_escaped_control_characters_stored_verbatim(su):
    response = post_text(su, command_bytes('"a\\u0001b\\u001fc\\td\\ne"'))
    assert response.status == 201, response
    assert response.json()["events"][0]["name"] == "a\x01b\x1fc\td\ne"


@pytest.mark.parametrize("literal", ['"\\udc00\\ud800"', '"\\ud800\\u0041"', '"\\ud800\\ud800"',
                                     '"x\\uDFFF"'])
def test_invalid_surrogate_escapes_400(su, literal):
    rejected_and_nothing_stored(su, command_bytes(literal), 400, "InvalidJson")


@pytest.mark.parametrize("query", ["types=Call%00CenterCreated", "after=1%00", "limit=%FF",
                                   "types=%C0%AE", "types=%ED%A0%80"])
def test_nul_and_invalid_utf8_in_query_400(su, query):
    assert_error(su.get(f"/api/v1/events?{query}"), 400, "BadRequest")


def test_one_mebibyte_string_413_and_nothing_stored(su):
    name = json.dumps("é" * (512 * 1024))
    rejected_and_nothing_stored(su, command_bytes(name), 413, "PayloadTooLarge")


def test_string_over_ten_thousand_code_points_400(su):
    rejected_and_nothing_stored(su, command_bytes(json.dumps("x" * 10001)), 400, "InvalidCommand")


def random_text(length, alphabet):
    rng = random.Random(length)
    return "".join(rng.choice(alphabet) for _ in range(length))


@pytest.mark.parametrize("alphabet", ["abcdefghijklmnopqrstuvwxyz0123456789",
                                      "éàüßœ€😀𝄞中文字"])
def test_longest_valid_names_stored(su, alphabet):
    """Regression: a 10 000-code-point name once overflowed the btree sort
    index of the read model and returned 500 (SQLSTATE 54000)."""
    name = random_text(10000, alphabet)
    center = su.post(COMPANIES, call_center_body(name))
    assert center.status == 201, center
    assert center.json()["events"][0]["name"] == name
    center_uid = center.json()["events"][0]["aggregateUid"]

    account = su.post(COMPANIES, {
        "processUid": str(uuid.uuid4()), "callCenterReference": center_uid,
        "createdDate": "2021-01-05", "name": name, "commandType": "CreateClientAccount"})
    assert account.status == 201, account
    agency = agency_with("x")
    agency["name"] = name
    created = su.post(f"{COMPANIES}/{account.json()['events'][0]['aggregateUid']}/agencies", {
        "processUid": str(uuid.uuid4()), "createdDate": "2021-01-06",
        "agency": agency, "commandType": "CreateAgency"})
    assert created.status == 201, created


# ------------------------------------------------------------ HTTP framing

def test_pipelined_requests_answered_in_order(raw_tls, env):
    host = env["PERFIMMO_HOST"]
    key = env["PERFIMMO_API_KEY"]
    body = json.dumps(call_center_body("pipeline")).encode()
    request = (
        f"GET /api/health HTTP/1.1\r\nHost: {host}\r\n\r\n"
        f"POST {COMPANIES} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body + (
        f"GET /api/v1/nothing HTTP/1.1\r\nHost: {host}\r\nAuthorization: {key}\r\n"
        "Connection: close\r\n\r\n").encode()

    from perfimmo_client import raw_tls_exchange
    data = raw_tls_exchange(env["PERFIMMO_CONNECT"], host, env["PERFIMMO_CA_FILE"], request)

    statuses = [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", data)]
    assert statuses == [200, 201, 404], data[:500]


@pytest.mark.parametrize("framing", [
    "Content-Length: 5\r\nTransfer-Encoding: chunked",
    "Content-Length: 5\r\nContent-Length: 6",
    "Transfer-Encoding: gzip, chunked",
])
def test_ambiguous_body_framing_400_and_nothing_stored(su, raw_tls, env, framing):
    start = feed_next(su)
    request = (f"POST {COMPANIES} HTTP/1.1\r\nHost: {env['PERFIMMO_HOST']}\r\n"
               f"Authorization: {env['PERFIMMO_API_KEY']}\r\nContent-Type: application/json\r\n"
               f"{framing}\r\nConnection: close\r\n\r\n0\r\n\r\n").encode()

    response = raw_tls(request)

    assert response.status in (400, 501), response
    assert journal_since(su, start) == []


def curl_http2(env, *args):
    host = env["PERFIMMO_HOST"]
    port = env["PERFIMMO_CONNECT"].rpartition(":")[2]
    command = ["curl", "-sS", "--http2", "--cacert", env["PERFIMMO_CA_FILE"],
               "--resolve", f"{host}:{port}:127.0.0.1", "-o", "-", "-w", "\n%{http_version} %{http_code}",
               "--max-time", "10"] + list(args)
    output = subprocess.run(command, capture_output=True, timeout=20).stdout
    body, _, tail = output.rpartition(b"\n")
    version, code = tail.decode().split()
    # curl prints 0 and 000 when nginx reset the stream instead of sending a response.
    return version, int(code), body


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_http2_command_and_hostile_header(env, su):
    url = env["PERFIMMO_URL"] + COMPANIES
    body = json.dumps(call_center_body("HTTP/2"))

    version, code, answer = curl_http2(env, "-H", f"Authorization: {env['PERFIMMO_API_KEY']}",
                                       "-H", "Content-Type: application/json", "--data-binary", body, url)
    assert (version, code) == ("2", 201), answer
    # The same command again over HTTP/2: the stored answer, once.
    version, code, again = curl_http2(env, "-H", f"Authorization: {env['PERFIMMO_API_KEY']}",
                                      "-H", "Content-Type: application/json", "--data-binary", body, url)
    assert code == 409
    assert json.loads(again)["events"] == json.loads(answer)["events"]

    start = feed_next(su)
    version, code, answer = curl_http2(env, "-H", f"Authorization: {env['PERFIMMO_API_KEY']}",
                                       "-H", "Cookie: PI_SESSION=" + "a" * 40000,
                                       "-H", "Content-Type: application/json",
                                       "--data-binary", json.dumps(call_center_body("h2")), url)
    # nginx refuses the header block: a 400, or a reset of the stream.
    assert code in (400, 0), (version, code, answer)
    assert journal_since(su, start) == []
    version, code, _ = curl_http2(env, env["PERFIMMO_URL"] + "/api/health")
    assert (version, code) == ("2", 200)


@pytest.mark.parametrize("language, quoted", [("fr", "« {} »"), ("en", '"{}"')])
def test_cut_value_keeps_message_utf8(su, language, quoted):
    """The message quotes the first 80 bytes of an unknown value: a cut that
    falls inside an "é" drops that character instead of leaving half of it."""
    value = "a" + "é" * 60
    response = su.get("/api/v1/events?types=" + urllib.parse.quote(value),
                      headers={"Accept-Language": language})

    assert response.status == 400, response
    text = response.body.decode("utf-8")
    body = json.loads(text)
    assert body["errorType"] == "BadRequest", body
    assert quoted.format("a" + "é" * 39) in body["message"], body


# ------------------------------------------------------------ commandType

@pytest.mark.parametrize("literal, french, english", [
    ('"CreateCallCentre"', "commandType : « CreateCallCentre » n'est pas accepté sur ce chemin",
     'commandType: "CreateCallCentre" is not accepted on this path'),
    ('"OpenTicket"', "commandType : « OpenTicket » n'est pas accepté sur ce chemin",
     'commandType: "OpenTicket" is not accepted on this path'),
    ("5", "commandType : doit être une chaîne de caractères", "commandType: must be a string"),
    ('["CreateCallCenter"]', "commandType : doit être une chaîne de caractères",
     "commandType: must be a string"),
])
def test_command_type_message_names_value(su, literal, french, english):
    body = ('{"processUid":"%s","createdDate":"2021-01-04","name":"X","commandType":%s}'
            % (uuid.uuid4(), literal)).encode()

    in_french = assert_error(post_text(su, body), 400, "InvalidCommand")
    in_english = assert_error(su.post(COMPANIES, body, headers={
        "Content-Type": "application/json", "Accept-Language": "en"}), 400, "InvalidCommand")

    assert in_french["message"] == french
    assert in_english["message"] == english
