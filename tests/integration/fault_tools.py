"""Helpers of the fault suite: a bounded write load whose clients retry with
the same processUid, the journal read back through GET /api/v1/events, the
worker processes, and a test-only trigger that makes COMMIT slow.

The write load uses the company commands: each client thread creates its own
call center, then alternates UpdateCallCenter on it and CreateClientAccount
under it. Every command gets a fresh processUid and is sent again, with the
same processUid and the same body, after any failure, until it is accepted
(201/200, or 409 CommandAlreadySent with its events) or its deadline passes.
"""

import json
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

COMPANIES = "/api/vEvent/clientcompanies"

# Statuses a client may meet while a fault lasts: success, the duplicate
# response to a retry, and 503 for requests caught by the fault.
EXPECTED_STATUSES = {200, 201, 409, 503}


def master_pid(env):
    return int(Path(env["PERFIMMO_API_PID_FILE"]).read_text().split()[0])


def worker_pids(master):
    """PIDs whose parent is MASTER, read from /proc (no name matching)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master and fields[0] != "Z":
            pids.append(int(entry.name))
    return sorted(pids)


def wait_for(predicate, seconds, step=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def feed_next(client):
    """The feed's current `next` position."""
    after = 0
    for _ in range(10000):
        data = client.get(f"/api/v1/events?after={after}&limit=1000").json()
        if len(data["events"]) < 1000:
            return data["next"]
        after = data["next"]
    raise AssertionError("feed longer than 10 million events")


def journal_since(client, after):
    """Every feed entry after position AFTER, in order."""
    entries = []
    for _ in range(10000):
        response = client.get(f"/api/v1/events?after={after}&limit=1000")
        assert response.status == 200, response
        data = response.json()
        entries.extend(data["events"])
        if len(data["events"]) < 1000:
            return entries
        after = data["next"]
    raise AssertionError("feed longer than 10 million events")


class Command:
    """One command as a client sends it: method, path, body and outcome."""

    def __init__(self, method, path, body):
        self.method = method
        self.path = path
        self.body = body
        self.process_uid = body["processUid"]
        self.events = None          # the events of the accepted response
        self.outcome = "unknown"    # accepted, rejected or unknown
        self.answers = []           # every status (or error name) met

    def as_json(self):
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def send_until_known(client, command, deadline, pause=0.1):
    """Send COMMAND, then again with the same processUid after each failure,
    until it is accepted or rejected or DEADLINE (monotonic) passes."""
    while time.monotonic() < deadline:
        try:
            response = client.request(command.method, command.path, command.as_json(),
                                      headers={"Content-Type": "application/json"})
        except OSError as error:
            command.answers.append(type(error).__name__)
            time.sleep(pause)
            continue
        command.answers.append(response.status)
        body = response.json() if response.body else {}
        if response.status in (200, 201):
            command.outcome, command.events = "accepted", body["events"]
            return command
        if response.status == 409 and body.get("errorType") == "CommandAlreadySent":
            command.outcome, command.events = "accepted", body["events"]
            return command
        if response.status != 503:
            command.outcome = "rejected"
            command.events = body
            return command
        time.sleep(pause)
    return command


def call_center_body(name, aggregate_uid=None):
    body = {"processUid": str(uuid.uuid4()), "createdDate": "2021-01-04",
            "name": name, "commandType": "CreateCallCenter"}
    if aggregate_uid is not None:
        body["aggregateUid"] = aggregate_uid
    return body


class WriteLoad:
    """THREADS clients sending company commands until stop() or MAX_COMMANDS
    commands each; each command may be retried until RETRY_SECONDS after
    its first sending."""

    def __init__(self, client, threads=4, max_commands=400, retry_seconds=30.0, tag="load"):
        self.client = client
        self.max_commands = max_commands
        self.retry_seconds = retry_seconds
        self.tag = tag
        self.commands = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def _send(self, method, path, body):
        command = Command(method, path, body)
        with self.lock:
            self.commands.append(command)
        return send_until_known(self.client, command, time.monotonic() + self.retry_seconds)

    def _run(self, index):
        center = str(uuid.uuid4())
        name = f"{self.tag} centre {index}"
        created = self._send("POST", COMPANIES, call_center_body(name, center))
        if created.outcome != "accepted":
            return
        for count in range(self.max_commands):
            if self.stopping.is_set():
                return
            if count % 2 == 0:
                self._send("PATCH", f"{COMPANIES}/{center}", {
                    "processUid": str(uuid.uuid4()), "name": f"{name} v{count}",
                    "updatedDate": "2021-02-01", "commandType": "UpdateCallCenter"})
            else:
                self._send("POST", COMPANIES, {
                    "processUid": str(uuid.uuid4()), "callCenterReference": center,
                    "createdDate": "2021-01-05", "name": f"{self.tag} client {index}/{count}",
                    "commandType": "CreateClientAccount"})

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=self.retry_seconds + 15)
        assert not any(thread.is_alive() for thread in self.threads), "a client thread hangs"

    def accepted(self):
        return [c for c in self.commands if c.outcome == "accepted"]

    def answers(self):
        return Counter(answer for c in self.commands for answer in c.answers)


def assert_journal_matches(load, entries):
    """Every command a client saw accepted is in ENTRIES (feed entries read
    after the load's start) exactly once, with the events of its response;
    nothing else of the load's processUids is there, and no event is there
    twice."""
    by_process = {}
    for entry in entries:
        by_process.setdefault(entry["event"]["processUid"], []).append(entry["event"])
    sent = {c.process_uid: c for c in load.commands}

    strangers = set(by_process) - set(sent)
    assert not strangers, f"events of processUids no client sent: {sorted(strangers)[:5]}"
    rejected = [c for c in load.commands if c.outcome == "rejected"]
    assert not rejected, [(c.body["commandType"], c.answers, c.events) for c in rejected[:5]]

    for command in load.commands:
        stored = by_process.get(command.process_uid, [])
        if command.outcome == "accepted":
            assert stored == command.events, (command.process_uid, command.answers, stored)
        else:
            # Outcome never learnt (retries ran out): stored at most once.
            assert len(stored) <= 1, (command.process_uid, command.answers, stored)

    positions = [entry["position"] for entry in entries]
    assert positions == sorted(set(positions)), "feed positions repeat or go back"


class SlowCommit:
    """A test-only deferred constraint trigger on the tenant's events table:
    the COMMIT of a transaction that appended an event whose `name` starts
    with MARKER sleeps SECONDS. Created and dropped by PostgreSQL's
    superuser; nothing of it stays after the `with` block."""

    def __init__(self, superuser_sql, schema, seconds=2.0, marker="slow-commit"):
        self.sql = superuser_sql
        self.schema = schema
        self.seconds = seconds
        self.marker = marker

    def __enter__(self):
        self.sql(f"""
            CREATE FUNCTION {self.schema}.test_slow_commit() RETURNS trigger
                LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_sleep({self.seconds});
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER test_slow_commit
                AFTER INSERT ON {self.schema}.events
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                WHEN (NEW.payload ->> 'name' LIKE '{self.marker}%')
                EXECUTE FUNCTION {self.schema}.test_slow_commit();
        """)
        return self

    def __exit__(self, *exc):
        self.sql(f"""
            DROP TRIGGER IF EXISTS test_slow_commit ON {self.schema}.events;
            DROP FUNCTION IF EXISTS {self.schema}.test_slow_commit();
        """)


def api_backends(superuser_sql, where="true"):
    """PIDs of the API's PostgreSQL backends (application_name perfimmo-api)."""
    rows = superuser_sql(
        "SELECT pid FROM pg_stat_activity"
        f" WHERE application_name = 'perfimmo-api' AND ({where})")
    return [int(row[0]) for row in rows]


def terminate_api_backends(superuser_sql, where="true"):
    """pg_terminate_backend every API backend matching WHERE; returns how many."""
    rows = superuser_sql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        f" WHERE application_name = 'perfimmo-api' AND ({where})")
    return int(rows[0][0])
