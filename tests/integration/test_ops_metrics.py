"""Prometheus metrics of perfimmo-api on nginx's loopback metrics server: the
text format, the counters that known requests move, the figures read at scrape
time, and that no tenant host and no other client reaches them."""

import subprocess
import time
from datetime import datetime, timezone

import pytest

from companies_support import COMPANIES, READS, Session, new_uid
from notify_support import free_port, subscribe
from ops_support import fetch, scrape

REQUESTS = "perfimmo_http_requests_total"
REJECTS = "perfimmo_rejects_total"


@pytest.fixture
def session(env, api):
    return Session(api, env["PERFIMMO_API_KEY"])


def requests(sample, route, method, status):
    return sample.value(REQUESTS, route=route, method=method, status=str(status))


# ---------------------------------------------------------------- format


def test_scrape_content_type(env):
    response = fetch(env["PERFIMMO_METRICS_CONNECT"])

    assert response.status == 200, response
    assert response.header("content-type").startswith("text/plain; version=0.0.4")


def test_scrape_lines_parse(env, session):
    session.get(f"{READS}?range=0-0")

    sample = scrape(env)

    assert sample.types[REQUESTS] == "counter"
    assert sample.types["perfimmo_http_request_duration_seconds"] == "histogram"
    assert sample.types[REJECTS] == "counter"
    assert sample.types["perfimmo_tls_certificate_days_left"] == "gauge"
    assert sample.value("perfimmo_database_up") == 1


def test_histogram_buckets_cumulative(env, session):
    # 200, or 206 once the tenant contains more than one company.
    status = session.get(f"{READS}?range=0-0").status
    sample = scrape(env)
    labels = {"route": READS, "method": "GET", "status": str(status)}

    buckets = sorted(
        ((float(found["le"]), value) for found, value in
         sample.series("perfimmo_http_request_duration_seconds_bucket")
         if {k: v for k, v in found.items() if k != "le"} == labels),
        key=lambda pair: pair[0])
    count = sample.value("perfimmo_http_request_duration_seconds_count", **labels)

    assert buckets[-1] == (float("inf"), count)
    assert all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:]))
    assert count >= 1
    assert sample.value("perfimmo_http_request_duration_seconds_sum", **labels) > 0


def test_scrape_not_counted(env):
    first = scrape(env)
    second = scrape(env)

    assert second.samples.get((REQUESTS, (("method", "GET"), ("route", "/metrics"),
                                          ("status", "200")))) is None
    assert sum(v for _, v in second.series(REQUESTS)) == sum(v for _, v in first.series(REQUESTS))


# ---------------------------------------------------------------- counters


def test_not_found_counted(env, session):
    route = "/api/v1/clientcompanies/{uid}"
    before = scrape(env)

    response = session.get(f"{READS}/{new_uid()}")

    assert response.status == 404, response
    error_type = response.json()["errorType"]
    after = scrape(env)
    assert requests(after, route, "GET", 404) == requests(before, route, "GET", 404) + 1
    assert after.value(REJECTS, error_type=error_type) == \
        before.value(REJECTS, error_type=error_type) + 1


def test_duplicate_command_counted(env, session):
    body = {"processUid": new_uid(), "createdDate": "2021-01-04", "name": "Centre métriques",
            "commandType": "CreateCallCenter"}
    assert session.post(COMPANIES, body).status == 201
    before = scrape(env)

    response = session.post(COMPANIES, body)

    assert response.status == 409, response
    after = scrape(env)
    assert requests(after, COMPANIES, "POST", 409) == requests(before, COMPANIES, "POST", 409) + 1
    assert after.value(REJECTS, error_type="CommandAlreadySent") == \
        before.value(REJECTS, error_type="CommandAlreadySent") + 1


def test_unauthenticated_counted_under_route(env, api):
    before = scrape(env)

    response = api.get("/api/v1/tickets?range=0-0")

    assert response.status == 401, response
    after = scrape(env)
    assert requests(after, "/api/v1/tickets", "GET", 401) == \
        requests(before, "/api/v1/tickets", "GET", 401) + 1
    assert after.value(REJECTS, error_type="Unauthenticated") == \
        before.value(REJECTS, error_type="Unauthenticated") + 1


def test_unknown_path_counted_as_unmatched(env, session):
    before = scrape(env)

    response = session.patch("/api/v1/nowhere", {})

    assert response.status == 404, response
    after = scrape(env)
    assert requests(after, "unmatched", "PATCH", 404) == \
        requests(before, "unmatched", "PATCH", 404) + 1


def test_created_counted(env, session):
    before = scrape(env)

    session.create_call_center(name="Centre compté")

    after = scrape(env)
    assert requests(after, COMPANIES, "POST", 201) == requests(before, COMPANIES, "POST", 201) + 1


def test_cache_hits_and_misses_move(env, session):
    company = session.create_call_center(name="Centre en cache")
    before = scrape(env)

    first = session.get(f"{READS}/{company}")
    second = session.get(f"{READS}/{company}")

    assert first.status == second.status == 200
    assert first.body == second.body
    after = scrape(env)
    assert after.value("perfimmo_view_cache_misses_total") >= \
        before.value("perfimmo_view_cache_misses_total") + 1
    assert after.value("perfimmo_view_cache_hits_total") >= \
        before.value("perfimmo_view_cache_hits_total") + 1


def test_postgresql_reconnects_counted(env, session, superuser_sql):
    before = scrape(env)

    superuser_sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                  "WHERE application_name = 'perfimmo-api'")
    statuses = [session.get(f"{READS}?range=0-0").status for _ in range(8)]

    assert set(statuses) <= {200, 206, 503}, statuses
    after = scrape(env)
    assert after.value("perfimmo_postgresql_reconnects_total") > \
        before.value("perfimmo_postgresql_reconnects_total")


def test_redis_reconnects_counted(env, session):
    redis_cli = env["PERFIMMO_REDIS_CLI"].split()
    company = session.create_call_center(name="Centre Redis")
    session.get(f"{READS}/{company}")
    before = scrape(env)

    subprocess.run(redis_cli + ["CLIENT", "KILL", "TYPE", "normal"], check=True,
                   capture_output=True, timeout=10)
    statuses = [session.get(f"{READS}/{company}").status for _ in range(8)]

    assert statuses == [200] * 8
    after = scrape(env)
    assert after.value("perfimmo_redis_reconnects_total") > \
        before.value("perfimmo_redis_reconnects_total")


# ---------------------------------------------------------------- scrape-time figures


def certificate_days(path):
    end = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", path], check=True,
                         capture_output=True, text=True, timeout=10).stdout.strip()
    not_after = datetime.strptime(end.split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
    left = not_after.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)
    return left.total_seconds() / 86400


def test_certificate_days_left(env):
    expected = certificate_days(env["PERFIMMO_CA_FILE"])

    sample = scrape(env)

    days = sample.value("perfimmo_tls_certificate_days_left", path=env["PERFIMMO_CA_FILE"])
    assert abs(days - expected) < 0.01
    assert sample.value("perfimmo_tls_certificate_unreadable") == 0


def test_webhook_subscriptions_by_state(env, session, superuser_sql):
    tenant = env["PERFIMMO_TENANT"]
    before = scrape(env)

    view = subscribe(session.client, {"Authorization": session.key},
                     f"http://127.0.0.1:{free_port()}/hook", eventTypes=["CallCenterCreated"])
    try:
        during = scrape(env)
        superuser_sql(f"UPDATE t_{tenant}.subscriptions SET state = 'Disabled' "
                      f"WHERE uid = '{view['uid']}'")
        disabled = scrape(env)
    finally:
        session.client.request("DELETE", f"/api/v1/subscriptions/{view['uid']}",
                               headers={"Authorization": session.key})

    def count(sample, state):
        return sample.value("perfimmo_webhook_subscriptions", tenant=tenant, state=state)

    assert count(during, "Active") == count(before, "Active") + 1
    assert count(disabled, "Active") == count(before, "Active")
    assert count(disabled, "Disabled") == count(before, "Disabled") + 1


def test_webhook_lag_grows(env, session):
    tenant = env["PERFIMMO_TENANT"]
    auth = {"Authorization": session.key}
    # No server listens at this address, so the receiver never acknowledges.
    view = subscribe(session.client, auth, f"http://127.0.0.1:{free_port()}/hook",
                     eventTypes=["CallCenterCreated"])
    try:
        session.create_call_center(name="Centre en retard")
        time.sleep(0.5)
        sample = scrape(env)
    finally:
        session.client.request("DELETE", f"/api/v1/subscriptions/{view['uid']}", headers=auth)

    assert sample.value("perfimmo_webhook_lag_events", tenant=tenant) >= 1
    assert sample.value("perfimmo_webhook_lag_seconds", tenant=tenant) >= 0.4


def test_tenant_maintenance_gauge(env, admin):
    tenant = env["PERFIMMO_OTHER_TENANT"]
    admin("maintenance", "on", "--tenant", tenant)
    try:
        during = scrape(env)
    finally:
        admin("maintenance", "off", "--tenant", tenant)
    after = scrape(env)

    assert during.value("perfimmo_tenant_maintenance", tenant=tenant) == 1
    assert after.value("perfimmo_tenant_maintenance", tenant=tenant) == 0
    assert during.value("perfimmo_tenant_maintenance", tenant=env["PERFIMMO_TENANT"]) == 0


# ---------------------------------------------------------------- who reaches it


def test_tenant_host_unauthenticated_gets_401(api):
    response = api.get("/metrics")

    assert response.status == 401, response
    assert b"perfimmo_" not in response.body


def test_tenant_host_authenticated_gets_404(session):
    response = session.get("/metrics")

    assert response.status == 404, response
    assert response.json()["errorType"] == "NotFound"


def test_metrics_header_forged_ignored(session):
    response = session.get("/metrics", headers={"Perfimmo-Metrics": "1", "PERFIMMO_METRICS": "1"})

    assert response.status == 404, response
    assert b"perfimmo_" not in response.body


def test_other_loopback_client_denied(env):
    response = fetch(env["PERFIMMO_METRICS_CONNECT"], source_ip="127.0.0.2")

    assert response.status == 403, response
    assert b"perfimmo_" not in response.body


def test_metrics_server_other_path_404(env):
    response = fetch(env["PERFIMMO_METRICS_CONNECT"], path="/api/v1/tickets")

    assert response.status == 404, response
    assert response.json()["errorType"] == "NotFound"


def test_metrics_post_405(env):
    response = fetch(env["PERFIMMO_METRICS_CONNECT"], method="POST")

    assert response.status == 405, response
    assert response.header("allow") == "GET"


def test_generated_tenant_servers_never_pass_metrics(env):
    nginx_dir = env["PERFIMMO_CONFIG"].rsplit("/", 1)[0] + "/nginx"
    with open(f"{nginx_dir}/tenants.conf", encoding="utf-8") as tenants, \
            open(f"{nginx_dir}/perfimmo-server.conf", encoding="utf-8") as server:
        generated = tenants.read() + server.read()

    assert "PERFIMMO_METRICS" not in generated
