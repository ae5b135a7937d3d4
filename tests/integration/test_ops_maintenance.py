"""perfimmo-admin maintenance: while it is on, every write of the tenant gets
503 ServiceUnavailable with Retry-After and stores nothing. Reads and sessions
go on and other tenants are untouched. Once it is off, writes are accepted again."""

import json
import threading
import time

import pytest

from auth_support import PASSWORD, cookie_auth, create_company, key_auth, login, make_user
from companies_support import COMPANIES, READS, Session, new_uid
from notify_support import SUBSCRIPTIONS, free_port

RETRY_AFTER = 42


@pytest.fixture
def session(env, api):
    return Session(api, env["PERFIMMO_API_KEY"])


@pytest.fixture
def maintenance(env, admin):
    """Switch maintenance on for the demo tenant; it is off again after the test."""
    tenant = env["PERFIMMO_TENANT"]

    def switch_on(retry_after=RETRY_AFTER):
        return admin("maintenance", "on", "--tenant", tenant, "--retry-after", str(retry_after))

    yield switch_on
    admin("maintenance", "off", "--tenant", tenant)


def call_center_body(process_uid=None):
    return {"processUid": process_uid or new_uid(), "createdDate": "2021-01-04",
            "name": "Centre en maintenance", "commandType": "CreateCallCenter"}


def assert_maintenance(response):
    assert response.status == 503, response
    assert response.header("retry-after") == str(RETRY_AFTER)
    body = response.json()
    assert body["errorType"] == "ServiceUnavailable"
    return body


# ---------------------------------------------------------------- writes refused


def test_command_refused_with_retry_after(session, maintenance):
    maintenance()

    body = assert_maintenance(session.post(COMPANIES, call_center_body()))

    assert "maintenance" in body["message"]
    assert f"{RETRY_AFTER} s" in body["message"]


def test_command_message_in_english(session, maintenance):
    maintenance()

    response = session.post(COMPANIES, call_center_body(), headers={"Accept-Language": "en"})

    body = assert_maintenance(response)
    assert body["message"].startswith("maintenance in progress: writes are suspended")


def test_refused_command_stores_nothing(session, maintenance):
    company = session.create_call_center(name="Centre avant maintenance")
    end = session.journal_end()
    view = session.get(f"{READS}/{company}").body
    listing = session.get(f"{READS}?range=0-99").body
    process_uid = new_uid()
    maintenance()

    assert_maintenance(session.post(COMPANIES, call_center_body(process_uid)))
    assert_maintenance(session.company_command(company, "CancelCompany"))

    assert session.events_after(end) == []
    assert session.get(f"{READS}/{company}").body == view
    assert session.get(f"{READS}?range=0-99").body == listing


def test_processuid_free_after_off(env, admin, session, maintenance):
    process_uid = new_uid()
    maintenance()
    assert_maintenance(session.post(COMPANIES, call_center_body(process_uid)))

    admin("maintenance", "off", "--tenant", env["PERFIMMO_TENANT"])
    response = session.post(COMPANIES, call_center_body(process_uid))

    assert response.status == 201, response


def test_invalid_body_still_gets_503(session, maintenance):
    maintenance()

    response = session.post(COMPANIES, "{", headers={"Content-Type": "application/json"})

    assert_maintenance(response)


def test_unauthenticated_write_gets_401(api, maintenance):
    maintenance()

    response = api.post(COMPANIES, call_center_body())

    assert response.status == 401, response


# Fields that perfimmo-notify changes on its own as it delivers.
DELIVERY_FIELDS = {"deliveredPosition", "lastAttemptDate", "lastSuccessDate", "lastError",
                   "consecutiveFailures"}


def subscription_settings(session, uid):
    response = session.get(f"{SUBSCRIPTIONS}/{uid}")
    assert response.status == 200, response
    return {k: v for k, v in response.json().items() if k not in DELIVERY_FIELDS}


def subscription_count(session):
    """The number of the tenant's subscriptions, from the list's Content-Range."""
    response = session.get(f"{SUBSCRIPTIONS}?range=0-0")
    assert response.status in (200, 206), response
    return response.header("Content-Range").rsplit("/", 1)[1]


def test_subscription_writes_refused(session, maintenance):
    auth = {"Authorization": session.key}
    created = session.client.post(SUBSCRIPTIONS, {"url": f"http://127.0.0.1:{free_port()}/hook"},
                                  headers=auth)
    assert created.status == 201, created
    uid = created.json()["uid"]
    settings = subscription_settings(session, uid)
    count = subscription_count(session)
    maintenance()

    try:
        assert_maintenance(session.client.post(
            SUBSCRIPTIONS, {"url": f"http://127.0.0.1:{free_port()}/hook"}, headers=auth))
        assert_maintenance(session.patch(f"{SUBSCRIPTIONS}/{uid}", {"description": "changée"}))
        assert_maintenance(session.client.request("DELETE", f"{SUBSCRIPTIONS}/{uid}", headers=auth))
        assert_maintenance(session.client.post(f"{SUBSCRIPTIONS}/{uid}/secret", {}, headers=auth))
        assert subscription_settings(session, uid) == settings
        assert subscription_count(session) == count
    finally:
        session.client.request("DELETE", f"{SUBSCRIPTIONS}/{uid}", headers=auth)


# ---------------------------------------------------------------- what goes on


def test_reads_still_served(session, maintenance):
    company = session.create_call_center(name="Centre lu en maintenance")
    maintenance()

    assert session.get(f"{READS}/{company}").status == 200
    assert session.get(f"{READS}?range=0-0").status in (200, 206)
    assert session.get("/api/v1/events?after=0&limit=1").status == 200
    assert session.get("/api/health").status == 200


def test_login_and_logout_still_served(env, api, maintenance):
    su = key_auth(env["PERFIMMO_API_KEY"])
    user = make_user(env, api, su, "ReferenceCallCenterUser", create_company(api, su, "CreateCallCenter"))
    maintenance()

    response = login(api, user.login, PASSWORD)
    assert response.status == 200, response
    token = [value for value in response.header_values("set-cookie")
             if value.startswith("PI_SESSION=")][0].split(";")[0].split("=", 1)[1]

    assert api.get("/api/v1/events?after=0&limit=1", headers=cookie_auth(token)).status == 200
    assert api.post("/api/v1/logout", headers=cookie_auth(token)).status == 204


def test_other_tenant_unaffected(env, other_api, maintenance):
    maintenance()
    other = Session(other_api, env["PERFIMMO_OTHER_API_KEY"])

    response = other.post(COMPANIES, call_center_body())

    assert response.status == 201, response


def test_off_accepts_commands(env, admin, session, maintenance):
    maintenance()
    admin("maintenance", "off", "--tenant", env["PERFIMMO_TENANT"])

    response = session.post(COMPANIES, call_center_body())

    assert response.status == 201, response


def test_every_worker_sees_switch_at_once(env, admin, session, maintenance):
    # One request per worker and more warms each worker's tenant memory first.
    workers = int(env["PERFIMMO_API_WORKERS"]) or 4
    for _ in range(2 * workers):
        session.get(f"{READS}?range=0-0")
    maintenance()

    statuses = [session.post(COMPANIES, call_center_body()).status for _ in range(2 * workers)]
    admin("maintenance", "off", "--tenant", env["PERFIMMO_TENANT"])
    after = [session.post(COMPANIES, call_center_body()).status for _ in range(2 * workers)]

    assert statuses == [503] * (2 * workers)
    assert after == [201] * (2 * workers)


def test_command_waiting_for_lock_refused(env, admin, session, superuser_sql):
    """A command that passed the first check, then waits for the command lock
    while maintenance goes on, is refused once it holds the lock."""
    tenant = env["PERFIMMO_TENANT"]
    end = session.journal_end()
    results = {}

    def hold_lock():
        superuser_sql(f"BEGIN; SELECT FROM t_{tenant}.command_lock FOR UPDATE; "
                      "SELECT pg_sleep(2); COMMIT")

    def send_command():
        results["command"] = session.post(COMPANIES, call_center_body())

    def switch_on():
        results["admin"] = admin("maintenance", "on", "--tenant", tenant,
                                 "--retry-after", str(RETRY_AFTER), check=False)

    holder = threading.Thread(target=hold_lock)
    sender = threading.Thread(target=send_command)
    switcher = threading.Thread(target=switch_on)
    try:
        holder.start()
        time.sleep(0.5)
        sender.start()
        time.sleep(0.5)
        switcher.start()
        for thread in (holder, sender, switcher):
            thread.join(timeout=30)
    finally:
        admin("maintenance", "off", "--tenant", tenant)

    assert results["admin"].returncode == 0, results["admin"].stderr
    assert_maintenance(results["command"])
    assert session.events_after(end) == []


# ---------------------------------------------------------------- the admin command


def test_status_lists_tenants(env, admin, maintenance):
    maintenance()

    lines = admin("maintenance", "status").stdout.splitlines()

    rows = {line.split("\t")[0]: line.split("\t") for line in lines}
    assert rows[env["PERFIMMO_TENANT"]][1:3] == ["on", str(RETRY_AFTER)]
    assert rows[env["PERFIMMO_OTHER_TENANT"]][1] == "off"


def test_on_twice_keeps_latest_retry_after(env, admin, session, maintenance):
    maintenance(retry_after=5)
    maintenance()

    assert_maintenance(session.post(COMPANIES, call_center_body()))


@pytest.mark.parametrize("value", ["0", "86401", "12s", ""])
def test_invalid_retry_after_rejected(env, admin, value):
    result = admin("maintenance", "on", "--tenant", env["PERFIMMO_TENANT"], "--retry-after", value,
                   check=False)

    assert result.returncode == 2
    assert "--retry-after" in result.stderr
    assert admin("maintenance", "status", "--tenant", env["PERFIMMO_TENANT"]).stdout.split("\t")[1] == "off"


def test_unknown_tenant_rejected(admin):
    result = admin("maintenance", "on", "--tenant", "nosuchtenant", check=False)

    assert result.returncode == 1
    assert "no tenant named nosuchtenant" in result.stderr


def test_missing_tenant_is_usage_error(admin):
    result = admin("maintenance", "on", check=False)

    assert result.returncode == 2
    assert "usage: maintenance" in result.stderr


def test_rebuild_with_maintenance_ends_off(env, admin, session):
    company = session.create_call_center(name="Centre reconstruit")

    result = admin("rebuild", "--tenant", env["PERFIMMO_TENANT"], "--maintenance")

    assert result.returncode == 0
    assert admin("maintenance", "status", "--tenant", env["PERFIMMO_TENANT"]).stdout.split("\t")[1] == "off"
    assert session.get(f"{READS}/{company}").status == 200
    assert session.post(COMPANIES, call_center_body()).status == 201


def test_rebuild_keeps_maintenance_switched_on_before(env, admin, session, maintenance):
    maintenance()

    admin("rebuild", "--tenant", env["PERFIMMO_TENANT"], "--maintenance")

    status = admin("maintenance", "status", "--tenant", env["PERFIMMO_TENANT"]).stdout.split("\t")
    assert status[1:3] == ["on", str(RETRY_AFTER)]
    assert_maintenance(session.post(COMPANIES, call_center_body()))


def test_import_refused(env, admin, session, maintenance, tmp_path):
    end = session.journal_end()
    line = {"method": "POST", "path": COMPANIES, "body": call_center_body()}
    commands = tmp_path / "commands.jsonl"
    commands.write_text(json.dumps(line) + "\n", encoding="utf-8")
    maintenance()

    result = admin("import", "--tenant", env["PERFIMMO_TENANT"], "--lang", "en", str(commands),
                   check=False)

    assert result.returncode == 1
    assert "maintenance in progress" in result.stderr
    assert session.events_after(end) == []
