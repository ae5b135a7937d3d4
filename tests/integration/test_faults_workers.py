"""Workers killed with SIGKILL in the middle of a write load: clients that
retry with the same processUid lose nothing and store nothing twice."""

import os
import signal
import threading
import time

from fault_tools import (
    COMPANIES,
    EXPECTED_STATUSES,
    Command,
    SlowCommit,
    WriteLoad,
    api_backends,
    assert_journal_matches,
    call_center_body,
    feed_next,
    journal_since,
    master_pid,
    send_until_known,
    wait_for,
    worker_pids,
)

KILLS = 3


def test_killed_workers_lose_no_accepted_command(env, su):
    master = master_pid(env)
    workers = worker_pids(master)
    assert workers, "no worker found"
    start = feed_next(su)

    with WriteLoad(su, threads=4, tag="kill-9") as load:
        time.sleep(0.5)
        for _ in range(KILLS):
            victim = worker_pids(master)[0]
            os.kill(victim, signal.SIGKILL)
            assert wait_for(lambda: victim not in worker_pids(master)
                            and len(worker_pids(master)) == len(workers), 10)
            time.sleep(0.5)
        time.sleep(0.5)

    answers = load.answers()
    assert set(answers) <= EXPECTED_STATUSES, answers
    assert len(load.accepted()) > 20, answers
    assert_journal_matches(load, journal_since(su, start))

    # The pool is whole again and serves at once.
    assert len(worker_pids(master)) == len(workers)
    assert su.get("/api/health").status == 200


def test_worker_killed_during_commit_answers_503_then_retry_finds_it(env, su, superuser_sql):
    """Killed while its COMMIT runs, the worker leaves the outcome unknown:
    the client gets 503, and its retry with the same processUid learns it."""
    master = master_pid(env)
    workers = worker_pids(master)
    start = feed_next(su)
    command = Command("POST", COMPANIES, call_center_body("slow-commit killed worker"))

    with SlowCommit(superuser_sql, f"t_{env['PERFIMMO_TENANT']}", seconds=1.5):
        sender = threading.Thread(target=send_until_known,
                                  args=(su, command, time.monotonic() + 30, 0.2))
        sender.start()
        assert wait_for(lambda: api_backends(superuser_sql, "state = 'active' AND query = 'COMMIT'"),
                        5), "the slow COMMIT never started"
        for pid in worker_pids(master):
            os.kill(pid, signal.SIGKILL)
        sender.join(timeout=40)

    assert not sender.is_alive()
    assert command.answers[0] == 503, command.answers
    assert command.outcome == "accepted", command.answers
    stored = [entry["event"] for entry in journal_since(su, start)
              if entry["event"]["processUid"] == command.process_uid]
    assert stored == command.events, (command.answers, stored)
    assert wait_for(lambda: len(worker_pids(master)) == len(workers), 10)
