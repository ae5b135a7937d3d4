"""The Redis view cache: identical hits, read-your-writes, no stale fill,
Redis outages, bounded keys."""

import shlex
import subprocess
import threading
import time
import uuid

import pytest


def redis(env, *args):
    command = shlex.split(env["PERFIMMO_REDIS_CLI"]) + list(args)
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=10).stdout


def view_keys(env):
    keys = redis(env, "--scan", "--pattern", "pi:view:*").split()
    return [key for key in keys if not key.endswith(":fill")]


def create_call_center(client, name="Centre cache"):
    body = {"processUid": str(uuid.uuid4()), "createdDate": "2021-01-04",
            "name": name, "commandType": "CreateCallCenter"}
    response = client.post("/api/vEvent/clientcompanies", body)
    assert response.status == 201, response
    return response.json()["events"][0]["aggregateUid"]


def feed_tail(client):
    """A feed page no other test reads (unknown parameters are ignored, so a
    probe parameter makes the path unique) holding the latest events."""
    # Page to the end: the journal may hold more than one page of events.
    after = 0
    for _ in range(10000):
        page = client.get(f"/api/v1/events?after={after}&limit=1000&probe={uuid.uuid4()}").json()
        after = page["next"]
        if len(page["events"]) < 1000:
            break
    after = max(after - 10, 0)
    return f"/api/v1/events?after={after}&limit=1000&probe={uuid.uuid4()}"


def test_hit_matches_miss(env, su):
    create_call_center(su)
    path = feed_tail(su)
    before = set(view_keys(env))

    miss = su.get(path)
    after_miss = set(view_keys(env))
    hit = su.get(path)

    assert miss.status == hit.status == 200
    assert miss.body == hit.body
    assert miss.header("content-type") == hit.header("content-type")
    assert len(after_miss - before) == 1, "the miss stored no view"
    assert set(view_keys(env)) == after_miss, "the hit stored another view"


def test_write_visible_at_once(su):
    for round_number in range(20):
        path = feed_tail(su)
        su.get(path)
        uid = create_call_center(su, f"Centre {round_number}")
        assert uid in su.get(path).body.decode(), f"round {round_number}: stale view served"


def test_no_stale_fill_under_race(su):
    """Readers fill the cache while a writer commits; after each commit the
    next read shows the write, whichever worker fills first."""
    path = feed_tail(su)
    stop = threading.Event()

    def read_loop():
        deadline = time.monotonic() + 20
        while not stop.is_set() and time.monotonic() < deadline:
            su.get(path)

    readers = [threading.Thread(target=read_loop) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for round_number in range(15):
            uid = create_call_center(su, f"Course {round_number}")
            assert uid in su.get(path).body.decode(), f"round {round_number}: stale view"
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=30)


def test_views_expire(env, su):
    su.get(feed_tail(su))
    keys = view_keys(env)
    assert keys
    for key in keys[:20]:
        ttl = int(redis(env, "TTL", key))
        assert 0 < ttl <= 300, (key, ttl)


def test_views_keyed_per_tenant_and_user(env, su, other_su):
    su.get("/api/v1/events?after=0&limit=3")
    other_su.get("/api/v1/events?after=0&limit=3")
    keys = view_keys(env)
    assert any(key.startswith(f"pi:view:{env['PERFIMMO_TENANT']}:") for key in keys)
    assert any(key.startswith(f"pi:view:{env['PERFIMMO_OTHER_TENANT']}:") for key in keys)


def test_write_during_redis_pause_visible_after(env, su):
    path = feed_tail(su)
    su.get(path)

    redis(env, "CLIENT", "PAUSE", "1200", "ALL")
    uid = create_call_center(su, "Pendant la pause")
    during = su.get(path)
    assert during.status == 200
    assert uid in during.body.decode()

    time.sleep(2.5)  # the pause is over and workers have reconnected
    assert uid in su.get(path).body.decode()
    assert uid in su.get(path).body.decode()
