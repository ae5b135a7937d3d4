"""Redis is a cache: while it is paused or stopped, reads and writes keep
working, and the workers use it again once it is back."""

import shlex
import subprocess
import time

import pytest

from fault_tools import COMPANIES, call_center_body, wait_for


def redis_cli(env, *args):
    return subprocess.run(shlex.split(env["PERFIMMO_REDIS_CLI"]) + list(args),
                          capture_output=True, text=True, timeout=10)


def health_of(env):
    from perfimmo_client import Client
    client = Client(env["PERFIMMO_HOST"], env["PERFIMMO_CONNECT"], env["PERFIMMO_CA_FILE"])
    return client.get("/api/health")


def assert_reads_and_writes_work(su):
    for index in range(6):
        assert su.get("/api/v1/events?after=0&limit=5").status == 200
        assert su.post(COMPANIES, call_center_body(f"sans Redis {index}")).status == 201


def all_workers_see_redis(api):
    return all(api.get("/api/health").json().get("redis") == "ok" for _ in range(8))


def test_reads_and_writes_while_redis_paused(env, su, api):
    redis_cli(env, "CLIENT", "PAUSE", "3000", "ALL")
    try:
        began = time.monotonic()
        assert_reads_and_writes_work(su)
        # A paused Redis costs at most its time-out, not a hang.
        assert time.monotonic() - began < 3.0
    finally:
        redis_cli(env, "CLIENT", "UNPAUSE")
    assert wait_for(lambda: all_workers_see_redis(api), 10, step=0.2)


@pytest.fixture
def stopped_redis(env):
    """Redis shut down for the test, started again with its own configuration."""
    # Every worker opens its Redis connection first, so that the shutdown
    # leaves each one holding a connection the server closed.
    for _ in range(16):
        health_of(env)
    redis_cli(env, "SHUTDOWN", "NOSAVE")
    assert wait_for(lambda: redis_cli(env, "PING").returncode != 0, 5)
    yield
    subprocess.run(shlex.split(env["PERFIMMO_REDIS_SERVER"]), check=True, timeout=10)
    assert wait_for(lambda: redis_cli(env, "PING").stdout.strip() == "PONG", 10)


def test_reads_and_writes_while_redis_stopped(su, api, stopped_redis):
    assert api.get("/api/health").json()["redis"] == "unavailable"
    assert_reads_and_writes_work(su)


def test_first_requests_after_restart_see_redis(env, api):
    """Regression: a worker used to notice the closed connection only by
    failing its next request, and reported Redis unavailable once."""
    # Runs after the test above: Redis came back in its fixture's teardown.
    assert redis_cli(env, "PING").stdout.strip() == "PONG"
    # Past the 1 s delay before a worker that failed during the stop retries.
    time.sleep(1.2)

    reports = [api.get("/api/health").json()["redis"] for _ in range(12)]

    assert reports == ["ok"] * 12
