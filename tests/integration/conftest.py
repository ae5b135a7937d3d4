"""Fixtures of the integration suite.

The suite runs against the stack that `scripts/dev test` starts (real nginx,
perfimmo-api, PostgreSQL and Redis on loopback ports). PERFIMMO_ENV_FILE names
that stack's test.env, whose KEY="VALUE" lines give the addresses, commands
and log paths used here. Without it every test is skipped.
"""

import os
import re
import shlex
import subprocess
import time
from pathlib import Path

import pytest

from perfimmo_client import (
    Client,
    parse_http1_response,
    plain_http_request,
    raw_tls_exchange,
)

# Upper bound of a wait for a log line or a process, in seconds.
WAIT_SECONDS = 10.0


def read_env_file(path):
    """Parse KEY="VALUE" lines as a POSIX shell would, skipping comments."""
    values = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        for word in shlex.split(line):
            key, _, value = word.partition("=")
            values[key] = value
    return values


@pytest.fixture(scope="session")
def env():
    """Settings of the running stack, from the file PERFIMMO_ENV_FILE names."""
    path = os.environ.get("PERFIMMO_ENV_FILE")
    if not path or not Path(path).is_file():
        pytest.skip("PERFIMMO_ENV_FILE is not set; run scripts/dev test")
    return read_env_file(path)


@pytest.fixture(scope="session")
def client_for(env):
    """Build an HTTPS Client for any host name, known to nginx or not."""

    def build(host):
        return Client(host, env["PERFIMMO_CONNECT"], env["PERFIMMO_CA_FILE"])

    return build


@pytest.fixture(scope="session")
def api(env, client_for):
    """HTTPS client of the demo tenant's host."""
    return client_for(env["PERFIMMO_HOST"])


@pytest.fixture(scope="session")
def other_api(env, client_for):
    """HTTPS client of the other tenant's host."""
    return client_for(env["PERFIMMO_OTHER_HOST"])


@pytest.fixture(scope="session")
def su(env, api):
    """Client of the demo host acting as its superUser (API key)."""
    return api.with_key(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="session")
def other_su(env, other_api):
    """Client of the other host acting as its own superUser (API key)."""
    return other_api.with_key(env["PERFIMMO_OTHER_API_KEY"])


@pytest.fixture(scope="session")
def raw_tls(env):
    """Send raw bytes over TLS to the demo host (or `host`) and parse the
    HTTP/1.1 response. With close_after_send=True, drop the link after sending
    and return None."""

    def exchange(data, host=None, close_after_send=False, timeout=10.0):
        received = raw_tls_exchange(
            env["PERFIMMO_CONNECT"],
            host or env["PERFIMMO_HOST"],
            env["PERFIMMO_CA_FILE"],
            data,
            close_after_send=close_after_send,
            timeout=timeout,
        )
        if close_after_send:
            return None
        return parse_http1_response(received)

    return exchange


@pytest.fixture(scope="session")
def plain_http(env):
    """Send one request to nginx's plain-HTTP listener with the demo host."""

    def send(method, path, body=None, host=None):
        return plain_http_request(
            env["PERFIMMO_HTTP_CONNECT"], host or env["PERFIMMO_HOST"], method, path, body
        )

    return send


@pytest.fixture(scope="session")
def admin(env):
    """Run perfimmo-admin with the stack's configuration.

    admin("tenant", "list") returns the CompletedProcess (text output) and
    raises CalledProcessError on a non-zero exit unless check=False.
    """

    def run(*args, check=True, timeout=60):
        command = shlex.split(env["PERFIMMO_ADMIN"]) + list(args)
        return subprocess.run(
            command, check=check, capture_output=True, text=True, timeout=timeout
        )

    return run


class PgControl:
    """Stop and start the stack's private PostgreSQL with pg_ctl."""

    def __init__(self, pg_ctl_command):
        self.command = shlex.split(pg_ctl_command)

    def _run(self, *args, check=True):
        # From /, because the postgres user may not be allowed into the
        # current folder.
        return subprocess.run(
            self.command + list(args),
            check=check, capture_output=True, text=True, timeout=60, cwd="/",
        )

    def is_running(self):
        return self._run("status", check=False).returncode == 0

    def stop(self):
        self._run("-w", "-t", "30", "-m", "fast", "stop")

    def start(self):
        if not self.is_running():
            self._run("-w", "-t", "30", "start")


@pytest.fixture(scope="session")
def pg_control(env):
    """Session-wide PgControl. PostgreSQL is running again when the session ends."""
    control = PgControl(env["PERFIMMO_PG_CTL"])
    yield control
    control.start()


@pytest.fixture
def pg_ctl(pg_control):
    """PgControl for one test. PostgreSQL is started again after the test, so a
    failing test does not leave the database down for the next ones."""
    yield pg_control
    pg_control.start()


def run_superuser_sql(env, sql, timeout=30):
    """Run SQL with psql as the cluster's superuser on the perfimmo database
    and return the rows of its last result, each a list of text fields."""
    result = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
         env["PERFIMMO_SUPERUSER_DATABASE"], "-c", sql],
        check=True, capture_output=True, text=True, timeout=timeout, cwd="/",
    )
    return [line.split("\t") for line in result.stdout.splitlines() if line]


@pytest.fixture(scope="session")
def superuser_sql(env):
    """superuser_sql("SELECT 1") runs SQL as PostgreSQL's superuser (see
    run_superuser_sql): test-only triggers, locks, pg_terminate_backend."""

    def run(sql, timeout=30):
        return run_superuser_sql(env, sql, timeout)

    return run


class LogFile:
    """Lines appended to a log file since this object was created."""

    def __init__(self, path):
        self.path = Path(path)
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def new_lines(self):
        if not self.path.exists():
            return []
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            data = handle.read()
        return data.decode("utf-8", errors="replace").splitlines()

    def wait_for(self, pattern, timeout=WAIT_SECONDS):
        """Return the first new line that matches regular expression `pattern`,
        or None when none appears within `timeout` seconds."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for line in self.new_lines():
                if regex.search(line):
                    return line
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.1)


@pytest.fixture
def api_log(env):
    """LogFile of perfimmo-api's log (stderr of the master and workers)."""
    return LogFile(env["PERFIMMO_API_LOG"])


@pytest.fixture
def access_log(env):
    """LogFile of nginx's access log."""
    return LogFile(env["PERFIMMO_NGINX_ACCESS_LOG"])


@pytest.fixture
def send_signal(env):
    """Send a signal (signal.SIGHUP...) to the perfimmo-api master and return
    its PID, which the stack's pid file contains."""

    def send(sig):
        pid = int(Path(env["PERFIMMO_API_PID_FILE"]).read_text().split()[0])
        os.kill(pid, sig)
        return pid

    return send
