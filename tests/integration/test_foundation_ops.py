"""The running stack: health through nginx, tenants, processes and listeners."""

import shlex
import subprocess
from pathlib import Path

import pytest

JSON_TYPE = "application/json; charset=utf-8"


@pytest.mark.parametrize("client_name", ["api", "other_api"])
def test_health_ok_on_each_tenant_host(request, client_name):
    client = request.getfixturevalue(client_name)

    response = client.get("/api/health")

    assert response.status == 200, response
    assert response.header("content-type") == JSON_TYPE
    assert response.json() == {"postgres": "ok", "redis": "ok"}


@pytest.mark.parametrize("host_key,tenant_key", [
    ("PERFIMMO_HOST", "PERFIMMO_TENANT"),
    ("PERFIMMO_OTHER_HOST", "PERFIMMO_OTHER_TENANT"),
])
def test_each_host_reaches_its_own_tenant(env, client_for, api_log, host_key, tenant_key):
    response = client_for(env[host_key]).get("/api/health")
    assert response.status == 200, response

    request_id = response.header("x-request-id")
    line = api_log.wait_for(rf"req={request_id} ")
    assert line is not None, f"perfimmo-api logged no line for request {request_id}"
    assert f" tenant={env[tenant_key]} " in line


def test_unknown_path_gets_404_json(su):
    response = su.get("/api/v1/no-such-resource")

    assert response.status == 404, response
    assert response.header("content-type") == JSON_TYPE
    assert response.json()["errorType"] == "NotFound"


def test_tenant_list_shows_both_tenants(env, admin):
    output = admin("tenant", "list").stdout

    for key in ("PERFIMMO_TENANT", "PERFIMMO_OTHER_TENANT", "PERFIMMO_HOST", "PERFIMMO_OTHER_HOST"):
        assert env[key] in output.split(), output



def test_tenant_create_existing_name_rejected(env, admin):
    before = admin("tenant", "list").stdout

    result = admin("tenant", "create", env["PERFIMMO_TENANT"],
                   "--host", "unused-name-check.perfimmo.test", check=False)

    assert result.returncode == 1, result
    assert f"tenant {env['PERFIMMO_TENANT']} already exists" in result.stderr, result.stderr
    assert "duplicate key" not in result.stderr, result.stderr
    assert admin("tenant", "list").stdout == before


def test_tenant_create_used_host_rejected(env, admin):
    before = admin("tenant", "list").stdout

    result = admin("tenant", "create", "unused_host_check",
                   "--host", env["PERFIMMO_HOST"].upper(), check=False)

    assert result.returncode == 1, result
    assert f"host {env['PERFIMMO_HOST']} already belongs to tenant {env['PERFIMMO_TENANT']}" \
        in result.stderr, result.stderr
    assert "duplicate key" not in result.stderr, result.stderr
    assert admin("tenant", "list").stdout == before


def test_admin_help_lists_every_command(admin):
    output = admin("--help").stdout

    for command in ("migrate", "tenant create", "tenant list", "tenant sync-nginx",
                    "secret add", "superuser create", "password set", "key create",
                    "key list", "key revoke", "rebuild", "maintenance on", "import"):
        assert f"  {command}" in output, command


@pytest.mark.parametrize("arguments", [("import", "--help"), ("tenant", "create", "-h"),
                                       ("maintenance", "on", "--help")])
def test_admin_command_help_needs_no_database(env, arguments):
    command = shlex.split(env["PERFIMMO_ADMIN"])[:1] + ["-c", "/nonexistent.conf", *arguments]

    result = subprocess.run(command, capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result
    assert result.stdout.startswith("usage: perfimmo-admin"), result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("key_id", ["99999999999999999999", "9223372036854775807"])
def test_key_revoke_unknown_id_says_so(env, admin, key_id):
    result = admin("key", "revoke", "--tenant", env["PERFIMMO_TENANT"], "--id", key_id,
                   check=False)

    assert result.returncode == 1, result
    assert result.stderr == \
        f"perfimmo-admin: no key {key_id} in tenant {env['PERFIMMO_TENANT']}\n"


def test_superuser_create_used_login_says_so(env, admin):
    login = env["PERFIMMO_SUPERUSER_LOGIN"].upper()

    result = admin("superuser", "create", "--tenant", env["PERFIMMO_TENANT"], "--login", login,
                   check=False)

    assert result.returncode == 1, result
    assert result.stderr == (f"perfimmo-admin: login {login.lower()} is already used in tenant "
                             f"{env['PERFIMMO_TENANT']}; superUser not created\n")

def test_api_pid_file_names_running_master(env):
    pid = int(Path(env["PERFIMMO_API_PID_FILE"]).read_text().split()[0])

    assert Path(f"/proc/{pid}/comm").read_text().strip() == "perfimmo-api"


def test_check_config_accepts_stack_config(env):
    result = subprocess.run(
        [env["PERFIMMO_API"], "--check-config", "-c", env["PERFIMMO_CONFIG"]],
        capture_output=True, text=True, timeout=30,
    )

    assert result.returncode == 0, result.stderr


def test_nginx_config_test_passes(env):
    result = subprocess.run(
        shlex.split(env["PERFIMMO_NGINX"]) + ["-t", "-q"],
        capture_output=True, text=True, timeout=30,
    )

    assert result.returncode == 0, result.stderr


def test_redis_replies_to_ping(env):
    result = subprocess.run(
        shlex.split(env["PERFIMMO_REDIS_CLI"]) + ["ping"],
        capture_output=True, text=True, timeout=10,
    )

    assert result.stdout.strip() == "PONG"


def listening_addresses(port):
    """Return the local IPv4 and IPv6 addresses, as /proc/net writes them in
    hex, of the TCP sockets listening on `port`."""
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == "0A" and int(port_hex, 16) == port:
                addresses.append(address)
    return addresses


@pytest.mark.parametrize("key", [
    "PERFIMMO_CONNECT", "PERFIMMO_HTTP_CONNECT", "PERFIMMO_REDIS",
])
def test_servers_listen_on_loopback_only(env, key):
    port = int(env[key].rpartition(":")[2])

    addresses = listening_addresses(port)

    assert addresses, f"nothing listens on port {port}"
    # 0100007F is 127.0.0.1 in the kernel's byte order.
    assert set(addresses) == {"0100007F"}


def test_postgres_listens_on_loopback_only(env):
    port = int(dict(item.split("=") for item in env["PERFIMMO_DATABASE"].split())["port"])

    assert set(listening_addresses(port)) == {"0100007F"}
