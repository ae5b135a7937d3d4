"""Failed-login limits per login and per client address (429 + Retry-After).

Each test sends from its own loopback address (127.0.0.x), so the address
counters of one test never block another.
"""

import re
import shlex
import subprocess
import time
from pathlib import Path

import pytest

from auth_support import PASSWORD, SECRETS, create_company, key_auth, make_user, new_uid

WRONG = PASSWORD + "-nope"
SECRETS.add(WRONG)

# Defaults of perfimmo.conf (login_max_failures, login_max_failures_per_address).
PER_LOGIN = 5
PER_ADDRESS = 20
WINDOW = 900


@pytest.fixture(scope="module")
def su(env):
    return key_auth(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def call_center(api, su):
    return create_company(api, su, "CreateCallCenter")


@pytest.fixture
def user(env, api, su, call_center):
    return make_user(env, api, su, "ReferenceCallCenterUser", call_center)


def pool_size(env):
    """The number of workers in the stack's configuration."""
    text = Path(env["PERFIMMO_CONFIG"]).read_text()
    return int(re.search(r"^workers\s*=\s*(\d+)", text, re.M).group(1))


def client_from(env, client_for, last_octet):
    client = client_for(env["PERFIMMO_HOST"])
    client.source_address = (f"127.0.0.{last_octet}", 0)
    return client


def attempt(client, login, password):
    return client.post("/api/v1/login", {"login": login, "password": password})


def assert_too_many(response):
    assert response.status == 429, response
    assert response.json()["errorType"] == "TooManyRequests"
    retry_after = int(response.header("retry-after"))
    assert 1 <= retry_after <= WINDOW


def test_login_is_blocked_after_repeated_failures(env, client_for, user):
    client = client_from(env, client_for, 41)
    for _ in range(PER_LOGIN):
        assert attempt(client, user.login, WRONG).status == 400

    # Blocked now, even with the right password, and from another address too.
    assert_too_many(attempt(client, user.login, PASSWORD))
    assert_too_many(attempt(client_from(env, client_for, 42), user.login.upper(), PASSWORD))


def test_success_resets_the_login_counter(env, client_for, user):
    client = client_from(env, client_for, 43)
    for _ in range(PER_LOGIN - 1):
        assert attempt(client, user.login, WRONG).status == 400
    assert attempt(client, user.login, PASSWORD).status == 200
    for _ in range(PER_LOGIN - 1):
        assert attempt(client, user.login, WRONG).status == 400
    assert attempt(client, user.login, PASSWORD).status == 200


def test_address_is_blocked_after_failures_on_many_logins(env, client_for, user):
    client = client_from(env, client_for, 44)
    for i in range(PER_ADDRESS):
        assert attempt(client, f"ghost{i}.{new_uid()[:6]}@example.test", WRONG).status == 400

    assert_too_many(attempt(client, user.login, PASSWORD))
    # Another address is not affected.
    assert attempt(client_from(env, client_for, 45), user.login, PASSWORD).status == 200


def test_limit_holds_while_redis_is_down(env, client_for, user, api):
    """With Redis paused, each worker counts in its own memory: never no limit."""
    redis = shlex.split(env["PERFIMMO_REDIS_CLI"])
    client = client_from(env, client_for, 46)
    statuses = []
    # A paused Redis answers nothing (its clients time out) until the pause ends.
    pause_ms = 9000
    subprocess.run(redis + ["client", "pause", str(pause_ms), "ALL"], check=True, timeout=10,
                   capture_output=True)
    resumes = time.monotonic() + pause_ms / 1000
    # Each worker allows PER_LOGIN failures of its own.
    for _ in range((pool_size(env) + 2) * PER_LOGIN):
        statuses.append(attempt(client, user.login, WRONG).status)
        if statuses[-1] == 429 or time.monotonic() > resumes - 0.5:
            break
    time.sleep(max(0.0, resumes - time.monotonic()) + 1.2)
    assert statuses[-1] == 429, statuses
    assert set(statuses[:-1]) == {400}, statuses
    # Redis is back: the service works again.
    time.sleep(1.2)
    assert api.get("/api/health").json()["redis"] == "ok"
