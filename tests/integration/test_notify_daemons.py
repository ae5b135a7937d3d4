"""perfimmo-notify processes: killed mid-delivery, stopped mid-delivery,
and several at once (notifications §3, "the delivery daemon survives
restarts ... several daemons may run at once without sending a batch twice
concurrently").

The stack's own sender is stopped for this module; the tests start theirs
by PID and the module leaves one running again, as scripts/dev does.
"""

import os
import signal
import subprocess
import time

import pytest

from auth_support import SECRETS, key_auth
from conftest import run_superuser_sql
from estate import Estate
from notify_support import (
    SUBSCRIPTIONS, Daemons, Receiver, feed_end, feed_positions, subscribe, wait_until,
)


@pytest.fixture(scope="module")
def su(env):
    SECRETS.add(env["PERFIMMO_API_KEY"])
    return key_auth(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def estate(env, api):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def daemons(env):
    control = Daemons(env)
    yield control
    control.restore()


@pytest.fixture
def fresh(daemons):
    """No sender of an earlier test keeps running into this one."""
    daemons.stop_all()
    yield daemons
    daemons.stop_all()


@pytest.fixture
def hooks(api, su):
    """Receivers with a subscription each; all removed at the end."""
    made = []

    def make(answer=None):
        receiver = Receiver(answer)
        view = subscribe(api, su, receiver.url)
        made.append((receiver, view))
        return receiver, view

    yield make
    for receiver, view in made:
        api.request("DELETE", f"{SUBSCRIPTIONS}/{view['uid']}", headers=su)
        receiver.stop()


def attempts_of(api, su, uid):
    return api.get(f"{SUBSCRIPTIONS}/{uid}/deliveries", headers=su).json()["result"]


def first_seen(receiver):
    """Positions in the order they first arrived (a batch sent again adds none)."""
    seen = []
    for request in list(receiver.requests):
        seen.extend(p for p in request.positions if p not in seen)
    return seen


def test_kill_9_then_restart_resends_batch(api, su, estate, fresh, hooks):
    receiver, sub = hooks(lambda n: ("sleep", 1.5, 200) if n == 0 else 200)
    first = fresh.start()
    estate.call_center()
    estate.call_center()
    expected = feed_positions(api, su, sub["deliveredPosition"], feed_end(api, su))

    assert wait_until(lambda: receiver.requests), "no delivery started"
    fresh.kill(first, signal.SIGKILL)
    assert attempts_of(api, su, sub["uid"]) == []

    fresh.start()
    assert wait_until(lambda: len(receiver.requests) >= 2 and first_seen(receiver)[:len(expected)] == expected
                      and len(attempts_of(api, su, sub["uid"])) >= 1)
    killed, again = receiver.requests[0], receiver.requests[1]
    assert again.json["deliveryUid"] == killed.json["deliveryUid"]
    assert again.positions == killed.positions
    assert first_seen(receiver) == expected
    attempts = attempts_of(api, su, sub["uid"])
    assert attempts[-1]["outcome"] == "Delivered"
    assert view_position(api, su, sub["uid"]) == expected[-1]


def view_position(api, su, uid):
    return api.get(f"{SUBSCRIPTIONS}/{uid}", headers=su).json()["deliveredPosition"]


def test_sigterm_finishes_the_attempt_in_flight(api, su, estate, fresh, hooks):
    receiver, sub = hooks(lambda n: ("sleep", 1.0, 200))
    sender = fresh.start()
    estate.call_center()
    end = feed_end(api, su)

    assert wait_until(lambda: receiver.requests)
    sender.send_signal(signal.SIGTERM)
    assert sender.wait(timeout=10) == 0
    attempts = attempts_of(api, su, sub["uid"])
    assert [a["outcome"] for a in attempts] == ["Delivered"]
    assert view_position(api, su, sub["uid"]) == end

    # Nothing is sent twice after a clean stop.
    fresh.start()
    assert not wait_until(lambda: len(receiver.requests) > 1, timeout=2)


def test_two_senders_never_send_one_batch_at_once(api, su, estate, fresh, hooks):
    pairs = [hooks(lambda n: ("sleep", 0.2, 500 if n % 3 == 0 else 200)) for _ in range(4)]
    fresh.start()
    fresh.start()
    for _ in range(12):
        estate.call_center()
    end = feed_end(api, su)

    for receiver, sub in pairs:
        expected = feed_positions(api, su, sub["deliveredPosition"], end)
        assert wait_until(lambda: receiver.delivered_positions()[:len(expected)] == expected, timeout=40), \
            (sub["uid"], receiver.delivered_positions(), expected)
    for receiver, sub in pairs:
        # One attempt at a time per subscription, and no batch accepted twice.
        assert receiver.max_in_flight == 1
        accepted = [r.json["deliveryUid"] for r in receiver.accepted()]
        assert len(accepted) == len(set(accepted))
        positions = receiver.delivered_positions()
        assert positions == sorted(set(positions))


def backend_cpu_seconds(pids):
    ticks = 0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def nothing_due(env):
    """Every active subscription of every tenant disabled for the test, then
    active again: subscriptions that earlier tests left behind with an
    unreachable receiver would otherwise fall due again and again."""
    schemas = [row[0] for row in run_superuser_sql(
        env, "SELECT 't_' || name FROM perfimmo_meta.tenants ORDER BY name")]
    paused = {}
    for schema in schemas:
        paused[schema] = [row[0] for row in run_superuser_sql(
            env, f"UPDATE {schema}.subscriptions SET state = 'Disabled'"
            " WHERE state = 'Active' RETURNING uid")]
    yield
    for schema, uids in paused.items():
        if uids:
            listed = ",".join(f"'{uid}'" for uid in uids)
            run_superuser_sql(env, f"UPDATE {schema}.subscriptions SET state = 'Active'"
                              f" WHERE uid IN ({listed})")


def test_idle_sender_waits_instead_of_polling(env, fresh, nothing_due):
    """With no delivery due, a sender sleeps until a notification or its poll
    interval, so its PostgreSQL backend stays near 0 % CPU instead of running
    queries in a loop."""
    fresh.start()
    time.sleep(1)
    pids = [int(row[0]) for row in run_superuser_sql(
        env, "SELECT pid FROM pg_stat_activity WHERE application_name = 'perfimmo-notify'")]
    assert pids, "no backend of perfimmo-notify"
    before = backend_cpu_seconds(pids)
    time.sleep(3)
    used = backend_cpu_seconds(pids) - before
    assert used < 0.1, f"idle sender's backend used {used:.2f} s of CPU in 3 s"


def test_burst_of_commands_served_in_few_rounds(env, estate, fresh, nothing_due, tmp_path):
    """Every command notifies the sender. It gathers the notifications of
    notify_gather_ms before a round, so a burst of commands costs a few
    rounds over the tenants instead of one each."""
    commands = 20
    config = tmp_path / "perfimmo.conf"
    lines = [line for line in open(env["PERFIMMO_CONFIG"]).read().splitlines()
             if not line.startswith(("log_level", "notify_gather_ms", "notify_pid_file"))]
    config.write_text("\n".join(lines + ["log_level = debug", "notify_gather_ms = 200"]) + "\n")
    log = tmp_path / "notify.log"
    with open(log, "ab") as out:
        sender = subprocess.Popen([env["PERFIMMO_NOTIFY"], "-c", str(config)],
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                  start_new_session=True)
    try:
        assert wait_until(lambda: "listening" in log.read_text(), timeout=10)
        time.sleep(0.5)
        before = log.read_text().count("round over")

        started = time.monotonic()
        for _ in range(commands):
            estate.call_center()
            time.sleep(0.025)
        elapsed = time.monotonic() - started
        time.sleep(0.5)

        rounds = log.read_text().count("round over") - before
    finally:
        sender.send_signal(signal.SIGTERM)
        sender.wait(timeout=15)
    # A round every 200 ms at most while the commands arrive, and one for
    # the last ones: a machine where commands take longer gets more
    # rounds, but still far fewer than one per command.
    bound = min(commands // 2, int(elapsed / 0.2) + 2)
    assert 1 <= rounds <= bound, \
        f"{rounds} rounds for {commands} commands in {elapsed:.2f} s"
