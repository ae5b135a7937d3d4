"""Requests sent straight to perfimmo-api's FastCGI socket, without nginx:
what the application does on its own when a web server misbehaves."""

import json
import re
import uuid
from pathlib import Path

import fastcgi_client
from fastcgi_client import socket_path
from fault_tools import feed_next


def params(env, body, method="POST", path="/api/vEvent/clientcompanies", declared=None):
    return {
        "REQUEST_METHOD": method,
        "REQUEST_URI": path,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body) if declared is None else declared),
        "PERFIMMO_TENANT": env["PERFIMMO_TENANT"],
        "HTTP_AUTHORIZATION": env["PERFIMMO_API_KEY"],
        "REQUEST_ID": uuid.uuid4().hex,
    }


def command(process_uid):
    return {"processUid": process_uid, "createdDate": "2021-01-04",
            "name": "Centre coupé", "commandType": "CreateCallCenter"}


def status_of(raw):
    match = re.match(rb"Status: (\d{3})", raw)
    return int(match.group(1)) if match else None


def test_cut_off_body_is_not_executed(env, su):
    process_uid = str(uuid.uuid4())
    body = json.dumps(command(process_uid)).encode().ljust(4000, b" ")
    before = feed_next(su)

    # The whole object and a few spaces, then the web server gives up.
    raw = fastcgi_client.request(socket_path(env), params(env, body), body,
                                 send_body_bytes=1500, complete=False)

    assert status_of(raw) in (None, 400), raw[:200]
    after = su.get(f"/api/v1/events?after={before}").json()
    assert after["events"] == [], after

    # The processUid is still free: the complete body is accepted now.
    response = su.post("/api/vEvent/clientcompanies", body.decode(),
                       headers={"Content-Type": "application/json"})
    assert response.status == 201, response


def test_cut_off_body_logged_as_warning(env, su):
    body = json.dumps(command(str(uuid.uuid4()))).encode().ljust(2000, b" ")
    request_params = params(env, body)

    fastcgi_client.request(socket_path(env), request_params, body,
                           send_body_bytes=700, complete=False)

    log = Path(env["PERFIMMO_API_LOG"]).read_text(errors="replace")
    lines = [line for line in log.splitlines() if request_params["REQUEST_ID"] in line]
    assert any("level=warn" in line and "cut short" in line for line in lines), lines


def test_declared_length_over_limit_refused_before_reading(env):
    raw = fastcgi_client.request(socket_path(env), params(env, b"{}", declared=2 * 1024 * 1024),
                                 b"{}", complete=False)
    assert status_of(raw) == 413, raw[:200]
    assert b'"PayloadTooLarge"' in raw


def test_missing_tenant_is_misdirected(env):
    request_params = params(env, b"")
    del request_params["PERFIMMO_TENANT"]
    request_params["REQUEST_METHOD"] = "GET"
    request_params["REQUEST_URI"] = "/api/v1/events"

    raw = fastcgi_client.request(socket_path(env), request_params)

    assert status_of(raw) == 421, raw[:200]
    assert b'"MisdirectedRequest"' in raw


def test_unknown_tenant_is_misdirected(env):
    request_params = params(env, b"", method="GET", path="/api/health")
    request_params["PERFIMMO_TENANT"] = "nosuchtenant"

    raw = fastcgi_client.request(socket_path(env), request_params)

    assert status_of(raw) == 421, raw[:200]


def test_demo_key_on_other_tenant_is_401(env):
    request_params = params(env, b"", method="GET", path="/api/v1/events")
    request_params["PERFIMMO_TENANT"] = env["PERFIMMO_OTHER_TENANT"]

    raw = fastcgi_client.request(socket_path(env), request_params)

    assert status_of(raw) == 401, raw[:200]
