"""The connection lost during COMMIT (F-09), and feed readers while a
command commits late (F-12). A test-only deferred trigger makes the COMMIT
of one chosen command slow (fault_tools.SlowCommit)."""

import threading
import time
import uuid

import pytest

from fault_tools import (
    COMPANIES,
    Command,
    SlowCommit,
    api_backends,
    call_center_body,
    feed_next,
    journal_since,
    send_until_known,
    terminate_api_backends,
    wait_for,
)

IN_COMMIT = "state = 'active' AND query = 'COMMIT'"


def schema_of(env):
    return f"t_{env['PERFIMMO_TENANT']}"


def start_sending(client, command, deadline_seconds=30):
    thread = threading.Thread(target=send_until_known,
                              args=(client, command, time.monotonic() + deadline_seconds, 0.2))
    thread.start()
    return thread


def stored_events(client, start, process_uid):
    return [entry["event"] for entry in journal_since(client, start)
            if entry["event"]["processUid"] == process_uid]


def update_call_center(su, name):
    center = str(uuid.uuid4())
    assert su.post(COMPANIES, call_center_body("centre à renommer", center)).status == 201
    return Command("PATCH", f"{COMPANIES}/{center}", {
        "processUid": str(uuid.uuid4()), "name": name,
        "updatedDate": "2021-02-01", "commandType": "UpdateCallCenter"})


@pytest.mark.parametrize("kind", ["create", "update"])
def test_connection_lost_during_commit(env, su, superuser_sql, kind):
    if kind == "create":
        command = Command("POST", COMPANIES, call_center_body("slow-commit F-09"))
    else:
        command = update_call_center(su, "slow-commit F-09 renamed")
    start = feed_next(su)

    with SlowCommit(superuser_sql, schema_of(env), seconds=2.0):
        sender = start_sending(su, command)
        assert wait_for(lambda: api_backends(superuser_sql, IN_COMMIT), 5), "no slow COMMIT"
        time.sleep(0.5)
        assert terminate_api_backends(superuser_sql, IN_COMMIT) == 1
        sender.join(timeout=40)

    # The first answer admits the outcome is unknown; the retry settles it.
    assert command.answers[0] == 503, command.answers
    assert command.outcome == "accepted", command.answers
    assert command.answers[-1] in (200, 201, 409), command.answers
    assert stored_events(su, start, command.process_uid) == command.events
    assert len(command.events) == 1


class FeedReader(threading.Thread):
    """Polls GET /api/v1/events?after=<next> every 50 ms until stopped."""

    def __init__(self, client, after):
        super().__init__()
        self.client = client
        self.after = after
        self.seen = []
        self.cursors = []       # (after, position) of every entry read
        self.nexts = []
        self.failures = []
        self.stopping = threading.Event()

    def run(self):
        deadline = time.monotonic() + 30
        while not self.stopping.is_set() and time.monotonic() < deadline:
            response = self.client.get(f"/api/v1/events?after={self.after}&limit=1000")
            if response.status != 200:
                self.failures.append(response.status)
            else:
                data = response.json()
                self.seen.extend(data["events"])
                self.cursors.extend((self.after, entry["position"]) for entry in data["events"])
                self.nexts.append(data["next"])
                self.after = data["next"]
            time.sleep(0.05)

    def stop(self):
        self.stopping.set()
        self.join(timeout=10)


@pytest.mark.parametrize("slow_outcome", ["committed", "rolled_back"])
def test_reader_sees_each_event_once_while_a_commit_is_slow(env, su, other_su, superuser_sql,
                                                            slow_outcome):
    start = feed_next(su)
    reader = FeedReader(su, start)
    slow = Command("POST", COMPANIES, call_center_body("slow-commit F-12"))
    fast = Command("POST", COMPANIES, call_center_body("F-12 rapide"))

    with SlowCommit(superuser_sql, schema_of(env), seconds=2.0):
        reader.start()
        slow_sender = start_sending(su, slow)
        assert wait_for(lambda: api_backends(superuser_sql, IN_COMMIT), 5), "no slow COMMIT"
        time.sleep(0.1)
        fast_sender = start_sending(su, fast)

        # The other tenant has its own command lock: it does not wait.
        began = time.monotonic()
        other = other_su.post(COMPANIES, call_center_body("F-12 autre locataire"))
        other_elapsed = time.monotonic() - began

        if slow_outcome == "rolled_back":
            time.sleep(0.3)
            assert terminate_api_backends(superuser_sql, IN_COMMIT) == 1
        slow_sender.join(timeout=40)
        fast_sender.join(timeout=40)
    time.sleep(0.3)
    reader.stop()

    assert other.status == 201, other
    assert other_elapsed < 1.0, other_elapsed
    assert reader.failures == []
    assert slow.outcome == fast.outcome == "accepted", (slow.answers, fast.answers)

    positions = [entry["position"] for entry in reader.seen]
    assert positions == sorted(set(positions)), positions
    # No position at or below a `next` already returned ever shows up.
    assert all(position > after for after, position in reader.cursors), reader.cursors
    assert reader.nexts == sorted(reader.nexts)
    assert reader.seen == journal_since(su, start)
    seen_uids = [entry["event"]["processUid"] for entry in reader.seen]
    assert seen_uids.count(slow.process_uid) == 1
    assert seen_uids.count(fast.process_uid) == 1
    if slow_outcome == "committed":
        # The command lock orders positions as commits: the slow one first.
        assert seen_uids.index(slow.process_uid) < seen_uids.index(fast.process_uid)
