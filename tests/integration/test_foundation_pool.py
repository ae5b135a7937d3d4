"""The worker pool under signals: respawn, reload and drain, with bounded load."""

import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import fastcgi_client
from fault_tools import master_pid, wait_for, worker_pids


def replaced(master, before, retired):
    """Returns True when the pool has as many workers as BEFORE and none of RETIRED.

    One reading of /proc: two would race with the master reaping a worker."""
    now = worker_pids(master)
    return len(now) == len(before) and not retired.intersection(now)


class Load:
    """Clients sending GET /api/v1/events in a loop, bounded in time and count.

    Each thread sends at most PER_THREAD_RATE requests a second: together
    they stay under the key's shipped rate (300 requests/s), so a fast
    machine meets the pool's behaviour rather than nginx's 429."""

    PER_THREAD_RATE = 50

    def __init__(self, client, threads=4, max_requests=2000):
        self.client = client
        self.statuses = []
        self.errors = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.max_requests = max_requests
        self.threads = [threading.Thread(target=self.run) for _ in range(threads)]

    def run(self):
        interval = 1.0 / self.PER_THREAD_RATE
        next_start = time.monotonic()
        while not self.stop.is_set():
            delay = next_start - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            next_start = max(next_start + interval, time.monotonic())
            with self.lock:
                if len(self.statuses) + len(self.errors) >= self.max_requests:
                    return
            try:
                status = self.client.get("/api/v1/events?limit=5").status
                with self.lock:
                    self.statuses.append(status)
            except OSError as error:
                with self.lock:
                    self.errors.append(repr(error))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def failures(self):
        return [s for s in self.statuses if s != 200] + self.errors


def test_killed_worker_is_respawned(env, su):
    master = master_pid(env)
    before = worker_pids(master)
    assert before, "no worker found"

    with Load(su) as load:
        time.sleep(0.3)
        os.kill(before[0], signal.SIGKILL)
        assert wait_for(lambda: replaced(master, before, {before[0]}), 10)
        time.sleep(0.3)

    # At most the request the killed worker was serving may fail (502 from nginx
    # is rewritten to 503 ServiceUnavailable).
    assert len(load.failures()) <= 1, load.failures()[:5]
    assert len(load.statuses) > 20


def test_reload_under_load_fails_nothing(env, su):
    master = master_pid(env)
    before = worker_pids(master)

    with Load(su) as load:
        time.sleep(0.3)
        os.kill(master, signal.SIGHUP)
        assert wait_for(lambda: replaced(master, before, set(before)), 15)
        time.sleep(0.3)

    assert load.failures() == [], load.failures()[:5]
    assert len(load.statuses) > 20


def test_connection_accepted_before_a_stop_is_served(env):
    """A worker that has accepted a connection serves it even when SIGTERM
    arrives before the request does, as it does to every worker in a reload.
    Without that, libfcgi drops the connection."""
    master = master_pid(env)
    before = worker_pids(master)

    def stop_while_connected():
        time.sleep(0.3)
        for pid in before:
            os.kill(pid, signal.SIGTERM)
        time.sleep(0.3)

    raw = fastcgi_client.request(fastcgi_client.socket_path(env), {
        "REQUEST_METHOD": "GET", "REQUEST_URI": "/api/health",
        "PERFIMMO_TENANT": env["PERFIMMO_TENANT"], "REQUEST_ID": uuid.uuid4().hex,
    }, on_connect=stop_while_connected)

    assert raw.startswith(b"Status: 200"), raw[:200]
    assert wait_for(lambda: replaced(master, before, set(before)), 15)


def test_idle_worker_exits_fast_on_sigterm(env):
    master = master_pid(env)
    workers = worker_pids(master)
    started = time.monotonic()

    os.kill(workers[0], signal.SIGTERM)

    assert wait_for(lambda: workers[0] not in worker_pids(master), 3)
    assert time.monotonic() - started < 2.0
    # The master replaces it.
    assert wait_for(lambda: len(worker_pids(master)) == len(workers), 10)


def test_sigterm_drains_then_exits_zero(env, su):
    """Last in this file: stops the pool, then starts it again for later tests."""
    master = master_pid(env)

    with Load(su, threads=2, max_requests=400) as load:
        time.sleep(0.3)
        os.kill(master, signal.SIGTERM)
        assert wait_for(lambda: not Path(f"/proc/{master}").exists()
                        or Path(f"/proc/{master}/stat").read_text().split()[2] == "Z", 15)

    # Requests in flight finished; the later ones met a closed socket (503).
    assert all(s in (200, 503) for s in load.statuses), set(load.statuses)

    log = open(env["PERFIMMO_API_LOG"], "ab")
    subprocess.Popen([env["PERFIMMO_API"], "-c", env["PERFIMMO_CONFIG"]],
                     stdout=log, stderr=log, start_new_session=True)
    assert wait_for(lambda: su.get("/api/health").status == 200, 15)
    assert wait_for(lambda: master_pid(env) != master, 5)
