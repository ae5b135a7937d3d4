"""PostgreSQL failing under a write load: a restart, killed backends and
statement time-outs. Requests caught by the fault get 503 (never 500, never
a hang), workers reconnect by themselves, and after the clients' retries
the journal contains exactly the commands they saw accepted."""

import re
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from fault_tools import (
    COMPANIES,
    EXPECTED_STATUSES,
    WriteLoad,
    assert_journal_matches,
    call_center_body,
    feed_next,
    journal_since,
    master_pid,
    terminate_api_backends,
    wait_for,
    worker_pids,
)

JSON_TYPE = "application/json; charset=utf-8"


def statement_timeout_seconds(env):
    text = Path(env["PERFIMMO_CONFIG"]).read_text()
    match = re.search(r"^statement_timeout_ms\s*=\s*(\d+)", text, re.M)
    return int(match.group(1)) / 1000 if match else 5.0


def test_postgres_restart_during_write_load(su, pg_ctl):
    start = feed_next(su)

    with WriteLoad(su, threads=4, tag="pg-restart") as load:
        time.sleep(0.5)
        pg_ctl.stop()
        time.sleep(1.0)
        pg_ctl.start()
        time.sleep(1.5)

    answers = load.answers()
    assert set(answers) <= EXPECTED_STATUSES, answers
    assert answers[503] > 0, f"no request met the restart: {answers}"
    assert_journal_matches(load, journal_since(su, start))


def test_backends_terminated_during_write_load(env, su, superuser_sql):
    start = feed_next(su)

    with WriteLoad(su, threads=4, tag="terminate") as load:
        for _ in range(3):
            time.sleep(0.5)
            terminate_api_backends(superuser_sql)
        time.sleep(1.0)

    answers = load.answers()
    assert set(answers) <= EXPECTED_STATUSES, answers
    assert_journal_matches(load, journal_since(su, start))


@pytest.mark.parametrize("client_name", ["su", "other_su"])
def test_after_terminated_backends_at_most_one_failure_per_worker(request, superuser_sql, client_name):
    """F-08: statements are never prepared, so a new connection needs
    nothing again; only a request already bound to a killed backend fails."""
    client = request.getfixturevalue(client_name)
    for _ in range(4):
        assert client.get("/api/v1/events?limit=1").status == 200
    terminate_api_backends(superuser_sql)

    statuses = []
    for index in range(20):
        statuses.append(client.post(COMPANIES, call_center_body(f"F-08 {index}")).status)
        statuses.append(client.get("/api/v1/events?after=0&limit=5").status)

    assert 500 not in statuses, statuses
    assert statuses.count(503) <= 2, statuses
    assert set(statuses) <= {200, 201, 503}, statuses


def test_no_prepared_statement_error_in_postgres_log(env):
    # The log line prefix carries no SQLSTATE: look for the message itself.
    log = Path(env["PERFIMMO_PG_LOG"]).read_text(errors="replace")
    assert not re.search(r"prepared statement \S+ does not exist", log)


class HeldLock:
    """A superuser session that runs LOCK_SQL in a transaction and keeps the
    lock SECONDS, in a psql process of its own."""

    NAME = "perfimmo-test-lock"

    def __init__(self, env, superuser_sql, lock_sql, seconds):
        self.conninfo = env["PERFIMMO_SUPERUSER_DATABASE"] + f" application_name={self.NAME}"
        self.superuser_sql = superuser_sql
        self.sql = f"BEGIN; {lock_sql}; SELECT pg_sleep({seconds}); COMMIT;"
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.conninfo, "-c", self.sql],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd="/")
        held = wait_for(lambda: self.superuser_sql(
            "SELECT 1 FROM pg_stat_activity"
            f" WHERE application_name = '{self.NAME}' AND query LIKE '%pg_sleep%'"
            " AND state = 'active'"), 5)
        assert held, "the test session never took its lock"
        return self

    def __exit__(self, *exc):
        self.process.wait(timeout=30)


def assert_timed_out(response, timeout, elapsed):
    """RESPONSE is the application's 503 after statement_timeout; ELAPSED is
    how long it took, in seconds."""
    assert response.status == 503, response
    assert response.header("content-type") == JSON_TYPE
    assert response.json()["errorType"] == "ServiceUnavailable"
    # Cut by statement_timeout, not by a client or proxy time-out.
    assert timeout - 0.2 <= elapsed <= timeout + 2.0, elapsed


@pytest.mark.parametrize("lock_sql", [
    # The command waits for the tenant's command lock: nothing started yet.
    "SELECT FROM {schema}.command_lock FOR UPDATE",
    # The command appends its events, then waits to record its processUid:
    # the time-out falls in the middle of the append.
    "LOCK TABLE {schema}.processed_commands IN EXCLUSIVE MODE",
])
def test_command_past_statement_timeout_is_503_and_stores_nothing(env, su, superuser_sql, lock_sql):
    timeout = statement_timeout_seconds(env)
    schema = f"t_{env['PERFIMMO_TENANT']}"
    body = call_center_body("statement time-out")
    start = feed_next(su)

    with HeldLock(env, superuser_sql, lock_sql.format(schema=schema), timeout + 1.5):
        began = time.monotonic()
        response = su.post(COMPANIES, body)
        elapsed = time.monotonic() - began

    assert_timed_out(response, timeout, elapsed)
    assert journal_since(su, start) == []
    assert superuser_sql(f"SELECT count(*) FROM {schema}.processed_commands"
                         f" WHERE process_uid = '{body['processUid']}'") == [["0"]]
    # The processUid is still free.
    assert su.post(COMPANIES, body).status == 201



def test_command_lock_wait_names_the_lock(env, su, superuser_sql):
    """A command that times out behind another holder of the tenant's command
    lock (an import batch, for instance) gets a message naming the lock."""
    timeout = statement_timeout_seconds(env)
    schema = f"t_{env['PERFIMMO_TENANT']}"
    lock_sql = f"SELECT FROM {schema}.command_lock FOR UPDATE"

    with HeldLock(env, superuser_sql, lock_sql, 2 * timeout + 2):
        french = su.post(COMPANIES, call_center_body("verrou occupé"))
        english = su.post(COMPANIES, call_center_body("busy lock"), headers={"Accept-Language": "en"})

    assert (french.status, french.json()["errorType"]) == (503, "ServiceUnavailable")
    assert "verrou des commandes de ce tenant" in french.json()["message"], french
    assert (english.status, english.json()["errorType"]) == (503, "ServiceUnavailable")
    assert "this tenant's command lock" in english.json()["message"], english

def test_read_past_statement_timeout_is_503(env, su, superuser_sql):
    timeout = statement_timeout_seconds(env)
    schema = f"t_{env['PERFIMMO_TENANT']}"

    with HeldLock(env, superuser_sql, f"LOCK TABLE {schema}.events IN ACCESS EXCLUSIVE MODE",
                  timeout + 1.5):
        began = time.monotonic()
        response = su.get("/api/v1/events?after=0&limit=5")
        elapsed = time.monotonic() - began

    assert_timed_out(response, timeout, elapsed)
    assert su.get("/api/v1/events?after=0&limit=5").status == 200


def test_other_tenant_unaffected_by_a_held_lock(env, other_su, superuser_sql):
    schema = f"t_{env['PERFIMMO_TENANT']}"

    with HeldLock(env, superuser_sql, f"SELECT FROM {schema}.command_lock FOR UPDATE", 1.5):
        began = time.monotonic()
        response = other_su.post(COMPANIES, call_center_body("autre locataire"))
        elapsed = time.monotonic() - began

    assert response.status == 201, response
    assert elapsed < 1.0, elapsed


def test_update_failing_to_load_its_stream_keeps_worker_alive(env, su, superuser_sql):
    """Regression: when loading the target's stream failed, the update path
    freed a company state it had never initialised (a crash, or a report
    of AddressSanitizer)."""
    timeout = statement_timeout_seconds(env)
    schema = f"t_{env['PERFIMMO_TENANT']}"
    center = call_center_body("centre verrouillé")
    center_uid = su.post(COMPANIES, center).json()["events"][0]["aggregateUid"]
    master = master_pid(env)
    workers = worker_pids(master)
    start = feed_next(su)

    # The events table locked: the command waits in journal_load until the time-out.
    with HeldLock(env, superuser_sql, f"LOCK TABLE {schema}.events IN ACCESS EXCLUSIVE MODE",
                  timeout + 1.5):
        response = su.patch(f"{COMPANIES}/{center_uid}", {
            "processUid": str(uuid.uuid4()), "name": "renommé",
            "updatedDate": "2021-02-01", "commandType": "UpdateCallCenter"})

    assert_timed_out(response, timeout, timeout)
    assert worker_pids(master) == workers
    assert journal_since(su, start) == []
