"""The request layer of perfimmo-api over HTTPS: order of checks, bodies,
strict JSON, languages, and the journal left unchanged by rejected input."""

import json
import time
import uuid

import pytest

JSON_TYPE = "application/json; charset=utf-8"
COMPANIES = "/api/vEvent/clientcompanies"


def call_center(process_uid=None, **extra):
    body = {
        "processUid": process_uid or str(uuid.uuid4()),
        "createdDate": "2021-01-04",
        "name": "Centre d'appels Hélène",
        "commandType": "CreateCallCenter",
    }
    body.update(extra)
    return body


def feed_next(client):
    response = client.get("/api/v1/events?after=0&limit=1000")
    assert response.status == 200, response
    data = response.json()
    while len(data["events"]) == 1000:
        data = client.get(f"/api/v1/events?after={data['next']}&limit=1000").json()
    return data["next"]


def assert_nothing_stored(client, before):
    response = client.get(f"/api/v1/events?after={before}")
    assert response.json()["events"] == [], response


def assert_error(response, status, error_type):
    assert response.status == status, response
    assert response.header("content-type") == JSON_TYPE
    body = response.json()
    assert body["errorType"] == error_type, body
    assert isinstance(body["message"], str) and body["message"], body
    return body


def test_no_credentials_401(api):
    assert_error(api.get("/api/v1/events"), 401, "Unauthenticated")


def test_bad_key_401(api):
    response = api.get("/api/v1/events", headers={"Authorization": "x" * 40})
    assert_error(response, 401, "Unauthenticated")


def test_malformed_key_401(api):
    response = api.get("/api/v1/events", headers={"Authorization": "short"})
    assert_error(response, 401, "Unauthenticated")


def test_bearer_key_accepted(env, api):
    response = api.get("/api/v1/events", headers={"Authorization": "Bearer " + env["PERFIMMO_API_KEY"]})
    assert response.status == 200, response


def test_unknown_path_without_credentials_401(api):
    # Authentication comes before routing, so a stranger learns nothing of the paths.
    assert_error(api.get("/api/v1/no-such-resource"), 401, "Unauthenticated")


def test_trailing_slash_is_unknown_path(su):
    assert_error(su.get("/api/v1/events/"), 404, "NotFound")


def test_wrong_method_405_with_allow(su):
    response = su.get(COMPANIES)
    assert_error(response, 405, "MethodNotAllowed")
    assert response.header("allow") == "POST"


def test_bad_uid_segment_400(su):
    response = su.patch(COMPANIES + "/not-a-uid", call_center())
    assert_error(response, 400, "BadRequest")


def test_missing_media_type_415(su):
    response = su.request("POST", COMPANIES, body=json.dumps(call_center()).encode())
    assert_error(response, 415, "UnsupportedMediaType")


@pytest.mark.parametrize("media_type", ["text/plain", "application/json; charset=latin1",
                                        "application/x-www-form-urlencoded"])
def test_other_media_type_415(su, media_type):
    response = su.post(COMPANIES, json.dumps(call_center()), headers={"Content-Type": media_type})
    assert_error(response, 415, "UnsupportedMediaType")


def test_charset_utf8_accepted(su):
    response = su.post(COMPANIES, json.dumps(call_center()),
                       headers={"Content-Type": "application/json; charset=UTF-8"})
    assert response.status == 201, response


def test_body_over_limit_413_from_app(su):
    before = feed_next(su)
    body = json.dumps(call_center(comment="x" * (1024 * 1024)))
    assert_error(su.post(COMPANIES, body, headers={"Content-Type": "application/json"}),
                 413, "PayloadTooLarge")
    assert_nothing_stored(su, before)


def test_body_over_limit_without_credentials_401(api):
    # nginx lets slightly more than 1 MiB through so that the application's
    # order of checks decides: authentication first.
    body = json.dumps(call_center(comment="x" * (1024 * 1024)))
    response = api.post(COMPANIES, body, headers={"Content-Type": "application/json"})
    assert_error(response, 401, "Unauthenticated")


def test_english_message_on_request(su):
    response = su.post(COMPANIES, call_center(name=""), headers={"Accept-Language": "en-GB,en;q=0.9"})
    body = assert_error(response, 400, "InvalidCommand")
    assert body["message"].startswith("name: "), body


def test_french_message_by_default(su):
    body = assert_error(su.post(COMPANIES, call_center(name="  ")), 400, "InvalidCommand")
    assert body["message"].startswith("name : "), body


def test_request_id_echoed(su):
    response = su.get("/api/health")
    assert len(response.header("x-request-id") or "") >= 16


# Bodies that are not the JSON the client meant (json-c alone accepts several).
STRICT_JSON_CASES = {
    "extra_brace": lambda text: text + "}",
    "second_object": lambda text: text + text,
    "nul_then_object": lambda text: text + "\x00" + text,
    "trailing_comma": lambda text: text[:-1] + ",}",
    "single_quotes": lambda text: text.replace('"', "'"),
    "line_comment": lambda text: text + "// fin",
    "block_comment": lambda text: "/* */" + text,
    "exponent_without_digits": lambda text: text[:-1] + ',"note":12e}',
    "capital_true": lambda text: text[:-1] + ',"note":True}',
    "duplicate_name": lambda text: text[:-1] + ',"name":"Autre"}',
    "duplicate_command_type": lambda text: text[:-1] + ',"commandType":"CreateClientAccount"}',
    "escaped_nul_in_value": lambda text: text.replace("Hélène", "payé\\u0000caché"),
    "escaped_nul_in_key": lambda text: text[:-1] + ',"name\\u0000x":"y"}',
    "lone_high_surrogate": lambda text: text.replace("Hélène", "\\ud800"),
    "lone_low_surrogate": lambda text: text.replace("Hélène", "\\udc00x"),
    "bom": lambda text: "\ufeff" + text,
    "array_top_level": lambda text: "[" + text + "]",
}

RAW_BYTE_CASES = {
    "latin1_e9": b"Ren\xe9e",
    "overlong": b"\xc0\xa9",
    "encoded_surrogate": b"\xed\xa0\x80",
    "lead_byte_f5": b"\xf5\x80\x80\x80",
    "raw_nul": b"pay\x00e",
}


@pytest.mark.parametrize("case", sorted(STRICT_JSON_CASES))
def test_strict_json_rejected(su, case):
    process_uid = str(uuid.uuid4())
    text = json.dumps(call_center(process_uid), ensure_ascii=False, separators=(",", ":"))
    before = feed_next(su)

    response = su.post(COMPANIES, STRICT_JSON_CASES[case](text).encode("utf-8"),
                       headers={"Content-Type": "application/json"})

    assert_error(response, 400, "InvalidJson")
    assert_nothing_stored(su, before)
    assert su.post(COMPANIES, call_center(process_uid)).status == 201


@pytest.mark.parametrize("case", sorted(RAW_BYTE_CASES))
def test_invalid_utf8_rejected(su, case):
    process_uid = str(uuid.uuid4())
    text = json.dumps(call_center(process_uid), ensure_ascii=False).encode("utf-8")
    before = feed_next(su)

    body = text.replace("Hélène".encode("utf-8"), RAW_BYTE_CASES[case])
    response = su.post(COMPANIES, body, headers={"Content-Type": "application/json"})

    assert_error(response, 400, "InvalidJson")
    assert_nothing_stored(su, before)


def test_whitespace_after_body_accepted(su):
    text = json.dumps(call_center()) + " \t\r\n"
    assert su.post(COMPANIES, text, headers={"Content-Type": "application/json"}).status == 201


def test_surrogate_pair_stored_as_one_character(su):
    body = json.dumps(call_center(name="Smile PAIR Hélène"), ensure_ascii=False)
    body = body.replace("PAIR", "\\ud83d\\ude00")
    response = su.post(COMPANIES, body, headers={"Content-Type": "application/json"})
    assert response.status == 201, response
    name = response.json()["events"][0]["name"]
    assert name.encode("utf-8") == b"Smile \xf0\x9f\x98\x80 H\xc3\xa9l\xc3\xa8ne"


def test_health_503_when_postgres_down(api, pg_ctl):
    pg_ctl.stop()
    try:
        response = api.get("/api/health")
        assert response.status == 503, response
        body = response.json()
        assert body["postgres"] == "unavailable"
        assert body["errorType"] == "ServiceUnavailable"
    finally:
        pg_ctl.start()
    assert api.get("/api/health").status == 200


def test_requests_503_then_recover_after_postgres_restart(su, pg_ctl):
    pg_ctl.stop()
    try:
        assert_error(su.get("/api/v1/events"), 503, "ServiceUnavailable")
    finally:
        pg_ctl.start()
    # Each worker reconnects on its next request; none may answer 500.
    statuses = [su.get("/api/v1/events").status for _ in range(8)]
    assert 500 not in statuses, statuses
    assert statuses[-1] == 200, statuses


def test_health_reports_redis_unavailable(env, api):
    import shlex
    import subprocess
    redis_cli = shlex.split(env["PERFIMMO_REDIS_CLI"])
    # CLIENT PAUSE makes Redis stop answering for a while without stopping it.
    subprocess.run(redis_cli + ["CLIENT", "PAUSE", "1500", "ALL"], check=True,
                   capture_output=True, timeout=10)
    response = api.get("/api/health")
    assert response.status == 200, response
    assert response.json() == {"postgres": "ok", "redis": "unavailable"}

    # Workers retry Redis a second after a failure: once the pause and that
    # delay are over, every worker must be back. Polling alone could miss a
    # worker of the pool that is still inside its delay.
    time.sleep(1.5 + 1.1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if all(api.get("/api/health").json()["redis"] == "ok" for _ in range(12)):
            break
        time.sleep(0.2)
    else:
        pytest.fail("Redis still reported unavailable 10 s after the pause")
