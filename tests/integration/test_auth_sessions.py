"""Login, session cookies, logout, API keys (conventions §5)."""

import base64
import hashlib
import hmac
import statistics
import subprocess
import time

import pytest

from auth_support import (
    PASSWORD, SECRETS, cookie_auth, create_key, key_auth, login, login_token, make_user,
    patch_user, run_admin, session_cookie, create_company,
)

JSON_TYPE = "application/json; charset=utf-8"


@pytest.fixture(scope="module")
def su(env):
    SECRETS.add(env["PERFIMMO_API_KEY"])
    SECRETS.add(env["PERFIMMO_OTHER_API_KEY"])
    return key_auth(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def call_center(api, su):
    return create_company(api, su, "CreateCallCenter")


@pytest.fixture
def agent(env, api, su, call_center):
    """A fresh call-center user with a password and a key."""
    return make_user(env, api, su, "ReferenceCallCenterUser", call_center)


def lifetime(env):
    return int(env["PERFIMMO_SESSION_LIFETIME"])


def idle(env):
    return int(env["PERFIMMO_SESSION_IDLE"])


def test_login_sets_session_cookie(env, api, agent):
    response = login(api, agent.login)

    assert response.status == 200, response
    assert response.body == b""
    assert response.header("content-length") == "0"
    token, attributes = session_cookie(response)
    assert token
    assert attributes == {"path": "/", "secure": "", "httponly": "", "samesite": "Lax",
                          "max-age": str(lifetime(env))}


def test_login_matches_login_case_insensitively(api, agent):
    assert login(api, agent.login.upper()).status == 200


def test_cookie_authenticates_and_slides(env, api, agent):
    token = login_token(api, agent.login)

    response = api.get("/api/v1/events?limit=1", headers=cookie_auth(token))

    assert response.status == 200, response
    fresh, attributes = session_cookie(response)
    assert fresh and fresh != token
    assert 1 <= int(attributes["max-age"]) <= lifetime(env)


def test_api_key_requests_get_no_cookie(api, agent):
    response = api.get("/api/v1/events?limit=1", headers=agent.auth)

    assert response.status == 200, response
    assert response.header_values("set-cookie") == []


def test_error_answers_to_a_session_slide_too(api, agent):
    token = login_token(api, agent.login)

    response = api.get("/api/v1/no-such-path", headers=cookie_auth(token))

    assert response.status == 404
    assert session_cookie(response)[0]


@pytest.mark.parametrize("case", ["unknown", "wrong", "disabled", "no-password"])
def test_failed_logins_look_the_same(env, api, su, agent, call_center, client_for, case):
    client = client_for(env["PERFIMMO_HOST"])
    user_login, password = agent.login, PASSWORD
    if case == "unknown":
        user_login = "nobody." + agent.login
    elif case == "wrong":
        password = PASSWORD + "x"
    elif case == "disabled":
        assert patch_user(api, su, agent.uid, "DisableUser").status == 200
    else:
        other = make_user(env, api, su, "ReferenceCallCenterUser", call_center)
        user_login = other.login
        # A user whose password was never set: reset it to none in the database.
        subprocess.run(["psql", "-X", "-q", env["PERFIMMO_ADMIN_DATABASE"], "-c",
                        f"UPDATE t_{env['PERFIMMO_TENANT']}.credentials SET password_hash = NULL"
                        f" WHERE login = '{user_login}'"], check=True, timeout=30)
    SECRETS.add(password)

    response = client.post("/api/v1/login", {"login": user_login, "password": password})

    assert response.status == 400, response
    assert response.json()["errorType"] == "InvalidCredentials"
    assert response.json()["message"] == "identifiant ou mot de passe incorrect"
    assert response.header_values("set-cookie") == []


def test_failed_logins_take_the_same_time(api, agent):
    """An unknown login costs one password hash like a known one."""

    def timed(user_login):
        started = time.monotonic()
        assert login(api, user_login, PASSWORD + "-wrong").status == 400
        return time.monotonic() - started

    SECRETS.add(PASSWORD + "-wrong")
    # Alternating the two kinds spreads a busy spell over both. The median
    # of each kind ignores one try that a loaded machine made unusually fast
    # or slow. Four failures stay under the per-login limit of five.
    known, unknown = [], []
    for i in range(4):
        known.append(timed(agent.login))
        unknown.append(timed(f"ghost{i}." + agent.login))
    assert statistics.median(unknown) > statistics.median(known) * 0.5, (known, unknown)


@pytest.mark.parametrize("body", [{"login": "a@b.example"}, {"password": "x" * 12}, {}])
def test_login_without_fields_is_invalid_command(api, body):
    response = api.post("/api/v1/login", body)

    assert response.status == 400, response
    assert response.json()["errorType"] == "InvalidCommand"


def test_login_with_bad_json_or_media_type(api):
    assert api.post("/api/v1/login", "{\"login\":", {"Content-Type": "application/json"}).status == 400
    response = api.post("/api/v1/login", "login=a", {"Content-Type": "text/plain"})
    assert response.status == 415
    assert response.json()["errorType"] == "UnsupportedMediaType"


def test_no_credentials_is_401(api):
    response = api.get("/api/v1/events")

    assert response.status == 401
    assert response.header("content-type") == JSON_TYPE
    assert response.json()["errorType"] == "Unauthenticated"


@pytest.mark.parametrize("cookie", ["PI_SESSION=", "PI_SESSION=abc.def", "PI_SESSION=....",
                                    "other=1"])
def test_malformed_cookie_is_401(api, cookie):
    assert api.get("/api/v1/events", headers={"Cookie": cookie}).status == 401


def test_tampered_cookie_is_401(api, agent):
    token = login_token(api, agent.login)
    payload, _, mac = token.partition(".")
    text = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    forged = text.replace("|1|", "|2|", 1) if "|1|" in text else text + "0"
    forged_payload = base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")

    assert api.get("/api/v1/events", headers=cookie_auth(forged_payload + "." + mac)).status == 401
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    assert api.get("/api/v1/events", headers=cookie_auth(payload + "." + flipped)).status == 401


def test_authorization_header_wins_over_cookie(api, agent):
    token = login_token(api, agent.login)
    headers = {"Authorization": "x" * 40, **cookie_auth(token)}

    response = api.get("/api/v1/events", headers=headers)

    assert response.status == 401
    assert response.header_values("set-cookie") == []


def test_bearer_key_is_accepted(api, agent):
    assert api.get("/api/v1/events?limit=1", headers={"Authorization": "Bearer " + agent.key}).status == 200


def test_idle_session_expires(env, api, agent):
    token = login_token(api, agent.login)
    time.sleep(idle(env) + 1.2)

    response = api.get("/api/v1/events", headers=cookie_auth(token))

    assert response.status == 401
    assert response.json()["errorType"] == "Unauthenticated"


def test_sliding_session_lives_until_its_absolute_lifetime(env, api, agent):
    token = login_token(api, agent.login)
    started = time.monotonic()
    step = idle(env) / 2
    first = token

    # Each answer's cookie is kept: the session outlives the idle time...
    while time.monotonic() - started < lifetime(env) - step:
        time.sleep(step)
        response = api.get("/api/v1/events?limit=1", headers=cookie_auth(token))
        assert response.status == 200, (time.monotonic() - started, response)
        token, attributes = session_cookie(response)
        assert int(attributes["max-age"]) <= lifetime(env) - int(time.monotonic() - started) + 1

    # ...the first cookie, never refreshed, went idle long ago...
    assert api.get("/api/v1/events", headers=cookie_auth(first)).status == 401

    # ...and none outlives the absolute lifetime.
    time.sleep(max(0.0, lifetime(env) - (time.monotonic() - started)) + 0.5)
    assert api.get("/api/v1/events", headers=cookie_auth(token)).status == 401


def test_logout_ends_every_session(api, agent):
    first = login_token(api, agent.login)
    second = login_token(api, agent.login)

    response = api.post("/api/v1/logout", headers=cookie_auth(first))

    assert response.status == 204, response
    token, attributes = session_cookie(response)
    assert token is None or token == ""
    assert any(value.startswith("PI_SESSION=;") and "Max-Age=0" in value
               for value in response.header_values("set-cookie"))
    assert api.get("/api/v1/events", headers=cookie_auth(first)).status == 401
    assert api.get("/api/v1/events", headers=cookie_auth(second)).status == 401
    # A new login works, and the key was never affected.
    assert api.get("/api/v1/events?limit=1", headers=cookie_auth(login_token(api, agent.login))).status == 200
    assert api.get("/api/v1/events?limit=1", headers=agent.auth).status == 200


def test_logout_with_json_body_and_with_a_key(api, agent):
    token = login_token(api, agent.login)

    response = api.post("/api/v1/logout", {}, headers=agent.auth)

    assert response.status == 204
    assert response.header_values("set-cookie") == []
    assert api.get("/api/v1/events", headers=cookie_auth(token)).status == 401


def test_logout_rejects_bad_body_and_no_credentials(api, agent):
    token = login_token(api, agent.login)
    bad = api.post("/api/v1/logout", "{", headers={"Content-Type": "application/json", **cookie_auth(token)})
    assert bad.status == 400 and bad.json()["errorType"] == "InvalidJson"
    assert api.post("/api/v1/logout").status == 401
    assert api.get("/api/v1/logout", headers=agent.auth).status == 405


def test_disabled_user_stops_at_once_and_enabled_comes_back(api, su, agent):
    token = login_token(api, agent.login)

    assert patch_user(api, su, agent.uid, "DisableUser").status == 200
    assert api.get("/api/v1/events", headers=agent.auth).status == 401
    assert api.get("/api/v1/events", headers=cookie_auth(token)).status == 401
    assert login(api, agent.login).status == 400

    assert patch_user(api, su, agent.uid, "EnableUser").status == 200
    assert api.get("/api/v1/events?limit=1", headers=agent.auth).status == 200
    assert login(api, agent.login).status == 200


def test_revoked_key_is_401(env, api, agent):
    key_id, key = create_key(env, agent.login)
    assert api.get("/api/v1/events?limit=1", headers=key_auth(key)).status == 200

    run_admin(env, "key", "revoke", "--tenant", env["PERFIMMO_TENANT"], "--id", key_id)

    assert api.get("/api/v1/events", headers=key_auth(key)).status == 401
    assert api.get("/api/v1/events?limit=1", headers=agent.auth).status == 200


def test_update_login_moves_the_login(api, su, agent):
    new_login = "renamed." + agent.login
    assert patch_user(api, su, agent.uid, "UpdateLogin", login=new_login.upper()).status == 200

    assert login(api, agent.login).status == 400
    assert login(api, new_login).status == 200


def rotate_secret(env):
    run_admin(env, "secret", "add", "--tenant", env["PERFIMMO_TENANT"])


def test_previous_secret_still_verifies_during_rotation(env, api, agent):
    token = login_token(api, agent.login)

    rotate_secret(env)
    assert api.get("/api/v1/events?limit=1", headers=cookie_auth(token)).status == 200

    rotate_secret(env)
    assert api.get("/api/v1/events", headers=cookie_auth(token)).status == 401


def test_token_is_hmac_of_its_payload(env, api, agent):
    """The token format of conventions §5.1, checked with the tenant's secret."""
    token = login_token(api, agent.login)
    secret = subprocess.run(
        ["psql", "-X", "-A", "-t", env["PERFIMMO_ADMIN_DATABASE"], "-c",
         f"SELECT encode(secret, 'hex') FROM t_{env['PERFIMMO_TENANT']}.session_secrets"
         " ORDER BY id DESC LIMIT 1"],
        check=True, capture_output=True, text=True, timeout=30).stdout.strip()
    payload, _, mac = token.partition(".")
    text = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))

    expected = hmac.new(bytes.fromhex(secret), text, hashlib.sha256).digest()

    assert base64.urlsafe_b64encode(expected).decode().rstrip("=") == mac
    fields = text.decode().split("|")
    assert fields[:3] == ["v1", env["PERFIMMO_TENANT"], agent.uid]
    assert fields[4] == fields[5]
