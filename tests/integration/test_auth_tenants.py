"""Tenant isolation of credentials (conventions §5, §6)."""

import shlex
import subprocess

import pytest

from auth_support import SECRETS, cookie_auth, key_auth, login_token, set_password


@pytest.fixture(scope="module")
def su_login(env):
    login = env["PERFIMMO_SUPERUSER_LOGIN"]
    set_password(env, login)
    return login


def test_key_of_one_tenant_is_401_on_the_other(env, api, other_api):
    SECRETS.update([env["PERFIMMO_API_KEY"], env["PERFIMMO_OTHER_API_KEY"]])
    assert api.get("/api/v1/events?limit=1", headers=key_auth(env["PERFIMMO_API_KEY"])).status == 200

    response = other_api.get("/api/v1/events", headers=key_auth(env["PERFIMMO_API_KEY"]))

    assert response.status == 401
    assert response.json()["errorType"] == "Unauthenticated"
    assert api.get("/api/v1/events", headers=key_auth(env["PERFIMMO_OTHER_API_KEY"])).status == 401


def test_cookie_of_one_tenant_is_401_on_the_other(env, api, other_api, su_login):
    token = login_token(api, su_login)
    assert api.get("/api/v1/events?limit=1", headers=cookie_auth(token)).status == 200

    response = other_api.get("/api/v1/events", headers=cookie_auth(token))

    assert response.status == 401
    assert response.header_values("set-cookie") == []


def test_login_of_one_tenant_is_unknown_on_the_other(env, other_api, su_login):
    response = other_api.post("/api/v1/login", {"login": su_login, "password": "whatever-pass"})

    assert response.status == 400
    assert response.json()["errorType"] == "InvalidCredentials"


def test_tenant_role_cannot_read_another_schema(env):
    tenant, other = env["PERFIMMO_TENANT"], env["PERFIMMO_OTHER_TENANT"]
    result = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", env["PERFIMMO_DATABASE"], "-c",
         f"SET ROLE perfimmo_t_{tenant}; SELECT count(*) FROM t_{other}.credentials"],
        capture_output=True, text=True, timeout=30)

    assert result.returncode != 0
    assert "permission denied" in result.stderr


def test_tenant_role_reads_its_own_schema(env):
    tenant = env["PERFIMMO_TENANT"]
    result = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", env["PERFIMMO_DATABASE"], "-c",
         f"SET ROLE perfimmo_t_{tenant}; SELECT count(*) > 0 FROM t_{tenant}.credentials"],
        capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "t"
