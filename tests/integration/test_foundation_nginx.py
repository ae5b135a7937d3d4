"""Responses that nginx sends by itself, in front of the application."""

import re
import socket
import ssl
import uuid
from pathlib import Path

import pytest

from perfimmo_client import split_address, tls_context

REPOSITORY = Path(__file__).resolve().parents[2]
JSON_TYPE = "application/json; charset=utf-8"


def assert_json_error(response, status, error_type):
    assert response.status == status, response
    assert response.header("content-type") == JSON_TYPE
    body = response.json()
    assert body["errorType"] == error_type
    assert isinstance(body["message"], str)
    assert body["message"]


def access_line(access_log, response):
    """Return the access log line of `response`, found by its request id."""
    request_id = response.header("x-request-id")
    assert request_id, response
    line = access_log.wait_for(rf"req={request_id} ")
    assert line is not None, f"no access log line for request {request_id}"
    return line


def test_unknown_host_gets_421_json(client_for, access_log):
    response = client_for("unknown.perfimmo.test").get("/api/health")

    assert_json_error(response, 421, "MisdirectedRequest")
    assert "upstream=- " in access_line(access_log, response)


def test_plain_http_get_redirects_to_https(env, plain_http):
    response = plain_http("GET", "/api/health?probe=1")

    assert response.status == 301
    assert response.header("location") == env["PERFIMMO_URL"] + "/api/health?probe=1"


def test_plain_http_head_redirects_to_https(env, plain_http):
    response = plain_http("HEAD", "/api/v1/tickets")

    assert response.status == 301
    assert response.header("location") == env["PERFIMMO_URL"] + "/api/v1/tickets"


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE", "PUT"])
def test_plain_http_write_gets_403_json(plain_http, access_log, method):
    response = plain_http(method, "/api/v1/login", body=b'{"login":"a@b.fr"}')

    assert_json_error(response, 403, "Forbidden")
    assert "upstream=- " in access_line(access_log, response)


def test_body_far_above_limit_gets_413(api, access_log):
    body = b"{" + b" " * (2 * 1024 * 1024) + b"}"

    response = api.post(
        "/api/vEvent/tickets", body=body, headers={"Content-Type": "application/json"}
    )

    assert_json_error(response, 413, "PayloadTooLarge")
    assert "upstream=- " in access_line(access_log, response)


def test_malformed_content_length_gets_json_400(env, raw_tls):
    request = (
        f"GET /api/health HTTP/1.1\r\nHost: {env['PERFIMMO_HOST']}\r\n"
        "Content-Length: abc\r\n\r\n"
    ).encode()

    assert_json_error(raw_tls(request), 400, "BadRequest")


def test_garbage_request_line_gets_json_400(raw_tls):
    assert_json_error(raw_tls(b"NOT-HTTP\r\n\r\n"), 400, "BadRequest")


def test_uri_too_long_gets_json_400(env, raw_tls):
    request = (
        f"GET /api/{'a' * 10000} HTTP/1.1\r\nHost: {env['PERFIMMO_HOST']}\r\n\r\n"
    ).encode()

    assert_json_error(raw_tls(request), 400, "BadRequest")


def test_header_too_large_gets_json_400(api):
    response = api.get("/api/health", headers={"X-Padding": "a" * 10000})

    assert_json_error(response, 400, "BadRequest")


def test_cut_off_body_never_reaches_app(env, raw_tls, access_log):
    # The client declares 4000 bytes, sends 1500 and drops the link. nginx
    # buffers request bodies, so the application must never see this one.
    probe = uuid.uuid4().hex
    head = (
        f"POST /api/vEvent/tickets?probe={probe} HTTP/1.1\r\n"
        f"Host: {env['PERFIMMO_HOST']}\r\n"
        "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n"
    ).encode()
    body = b'{"commandType":"OpenTicket"}' + b" " * (1500 - 28)

    raw_tls(head + body, close_after_send=True)

    line = access_log.wait_for(rf"probe={probe} ")
    assert line is not None, "nginx logged no line for the cut-off request"
    assert "upstream=- " in line
    assert " status=400 " in line


def test_nginx_errors_carry_security_headers(client_for):
    response = client_for("unknown.perfimmo.test").get("/")

    assert response.header("strict-transport-security").startswith("max-age=")
    assert response.header("x-content-type-options") == "nosniff"
    assert response.header("x-frame-options") == "DENY"
    assert response.header("server") == "nginx"


def test_request_id_is_echoed_once(api):
    response = api.get("/api/health")

    request_ids = response.header_values("x-request-id")
    assert len(request_ids) == 1
    assert re.fullmatch(r"[0-9a-f]{32}", request_ids[0])


@pytest.mark.parametrize("host_key,tenant_key", [
    ("PERFIMMO_HOST", "PERFIMMO_TENANT"),
    ("PERFIMMO_OTHER_HOST", "PERFIMMO_OTHER_TENANT"),
])
def test_access_log_names_request_and_tenant(env, client_for, access_log, host_key, tenant_key):
    response = client_for(env[host_key]).get("/api/health")

    line = access_line(access_log, response)
    assert f" tenant={env[tenant_key]} " in line
    assert f" status={response.status} " in line
    assert re.search(r" rt=\d+\.\d{3} ", line)


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_versions_accepted(env, version):
    context = tls_context(env["PERFIMMO_CA_FILE"])
    context.minimum_version = version
    context.maximum_version = version
    raw = socket.create_connection(split_address(env["PERFIMMO_CONNECT"]), 10)

    with context.wrap_socket(raw, server_hostname=env["PERFIMMO_HOST"]) as tls:
        assert tls.version() == version.name.replace("v1_", "v1.")


def test_http2_offered_by_alpn(env):
    context = tls_context(env["PERFIMMO_CA_FILE"], alpn=("h2", "http/1.1"))
    raw = socket.create_connection(split_address(env["PERFIMMO_CONNECT"]), 10)

    with context.wrap_socket(raw, server_hostname=env["PERFIMMO_HOST"]) as tls:
        assert tls.selected_alpn_protocol() == "h2"


def config_directives(path):
    """Return the directives of an nginx config file, comments removed."""
    text = re.sub(r"#[^\n]*", "", Path(path).read_text(encoding="utf-8"))
    return [statement.split() for statement in re.split(r"[;{}]", text) if statement.strip()]


def test_fastcgi_connections_not_kept_alive(env):
    # A libfcgi worker serves one connection at a time: with fastcgi_keep_conn
    # on, idle kept-alive connections pin workers while new requests wait.
    rendered = Path(env["PERFIMMO_CONFIG"]).parent / "nginx"
    files = sorted((REPOSITORY / "nginx").glob("*.conf*")) + sorted(rendered.glob("*.conf"))
    assert files

    for path in files:
        for words in config_directives(path):
            assert words[:2] != ["fastcgi_keep_conn", "on"], path
            assert words[0] != "keepalive", path
