"""Helpers of the webhook tests: a receiver on 127.0.0.1, signature checks,
subscriptions, perfimmo-notify processes and SQL on the test cluster.

Receivers listen on 127.0.0.1 only, on ports the system picks; no test sends
anything anywhere else. Every secret shown by the API is recorded in
auth_support.SECRETS, so the log check of test_zz_auth_secrets_in_logs.py
looks for it too.
"""

import hashlib
import hmac
import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

from auth_support import SECRETS

SUBSCRIPTIONS = "/api/v1/subscriptions"

# Upper bound of every wait for a delivery, in seconds.
DELIVERY_WAIT = 20.0


def new_uid():
    return str(uuid.uuid4())


def wait_until(predicate, timeout=DELIVERY_WAIT, interval=0.05):
    """Call `predicate` until it returns a true value; return that value, or
    None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def verify_signature(secret, header, body, max_age=300):
    """Check an X-Perfimmo-Signature header as a receiver would (notifications §3)."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    expected = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - timestamp) <= max_age


class Request:
    """One POST the receiver got."""

    def __init__(self, headers, body, status):
        self.headers = headers
        self.body = body
        self.status = status
        self.json = json.loads(body)

    @property
    def positions(self):
        return [item["position"] for item in self.json["events"]]


class Receiver:
    """A webhook receiver on 127.0.0.1 in a thread.

    `answer(n)` decides the reply to the n-th request (0-based): an HTTP
    status, or ("sleep", seconds, status) to answer late.
    """

    def __init__(self, answer=None, port=0):
        self.answer = answer or (lambda n: 200)
        self.requests = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    number = len(receiver.requests)
                    receiver.in_flight += 1
                    receiver.max_in_flight = max(receiver.max_in_flight, receiver.in_flight)
                    reply = receiver.answer(number)
                    status = reply if isinstance(reply, int) else reply[2]
                    receiver.requests.append(Request(dict(self.headers), body, status))
                try:
                    if not isinstance(reply, int):
                        time.sleep(reply[1])
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass
                finally:
                    with receiver.lock:
                        receiver.in_flight -= 1

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def accepted(self):
        """Requests answered with a 2xx status, in arrival order."""
        with self.lock:
            return [r for r in self.requests if 200 <= r.status < 300]

    def delivered_positions(self):
        return [p for r in self.accepted() for p in r.positions]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def free_port():
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def subscribe(client, auth, url, **fields):
    """Create a subscription; return its view, the secret included."""
    response = client.post(SUBSCRIPTIONS, {"url": url, **fields}, headers=auth)
    assert response.status == 201, response
    view = response.json()
    SECRETS.add(view["secret"])
    return view


def feed_end(client, auth):
    """The position after the last stored event (for the superUser: the journal's end)."""
    position = 0
    for _ in range(1000):
        page = client.get(f"/api/v1/events?after={position}&limit=1000", headers=auth).json()
        if page["next"] == position:
            return position
        position = page["next"]
    raise AssertionError("the feed did not end")


def feed_positions(client, auth, after, upto=None, **filters):
    """Positions of the feed after `after` (up to `upto`), as `auth` sees them."""
    query = "".join(f"&{name}={','.join(values)}" for name, values in filters.items())
    found, position = [], after
    for _ in range(1000):
        page = client.get(f"/api/v1/events?after={position}&limit=1000{query}", headers=auth).json()
        found.extend(e["position"] for e in page["events"])
        if page["next"] == position:
            break
        position = page["next"]
    return [p for p in found if upto is None or p <= upto]


class Sql:
    """psql on the test cluster as its superuser, for set-ups the API cannot make
    (a failure run older than 24 h, a URL as an attacker's DNS would move it)."""

    def __init__(self, env):
        self.conninfo = env["PERFIMMO_SUPERUSER_DATABASE"]

    def run(self, tenant, sql, *params):
        """Run SQL in TENANT's schema; :'p0', :'p1'... stand for PARAMS, quoted by psql."""
        variables = []
        for i, value in enumerate(params):
            variables += ["-v", f"p{i}={value}"]
        command = ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", *variables, self.conninfo]
        script = f"SET search_path TO t_{tenant}, perfimmo_ext;\n{sql};\n"
        return subprocess.run(command, input=script, check=True, capture_output=True, text=True,
                              timeout=30, cwd="/").stdout.strip()


class Daemons:
    """perfimmo-notify processes a test starts and stops by PID.

    On creation the stack's own sender is stopped, so that only the test's
    senders work; `restore()` starts one again the way scripts/dev does."""

    def __init__(self, env):
        self.binary = env["PERFIMMO_NOTIFY"]
        self.config = env["PERFIMMO_CONFIG"]
        self.pid_file = Path(env["PERFIMMO_NOTIFY_PID_FILE"])
        self.log = env["PERFIMMO_NOTIFY_LOG"]
        self.started = []
        self.stop_stack_sender()

    def stop_stack_sender(self):
        if not self.pid_file.exists():
            return
        pid = int(self.pid_file.read_text().split()[0])
        if _is_notify(pid):
            os.kill(pid, signal.SIGTERM)
            wait_until(lambda: not _is_notify(pid), timeout=15)

    def start(self):
        with open(self.log, "ab") as log:
            process = subprocess.Popen([self.binary, "-c", self.config], stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=log, start_new_session=True)
        self.started.append(process)
        assert wait_until(lambda: _log_has(self.log, f"pid={process.pid} .*listening"), timeout=10), \
            "perfimmo-notify did not start"
        return process

    def kill(self, process, sig=signal.SIGKILL):
        process.send_signal(sig)
        process.wait(timeout=15)

    def stop_all(self):
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
        self.started = []

    def restore(self):
        """Stop the test's senders and leave one running with the stack's PID file."""
        self.stop_all()
        with open(self.log, "ab") as log:
            subprocess.Popen([self.binary, "-c", self.config], stdin=subprocess.DEVNULL,
                             stdout=log, stderr=log, start_new_session=True)
        wait_until(lambda: self.pid_file.exists() and self.pid_file.read_text().split() != [] and
                   _is_notify(int(self.pid_file.read_text().split()[0])), timeout=10)


def _is_notify(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "perfimmo-notify" and \
            "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False


def _log_has(path, pattern):
    import re
    regex = re.compile(pattern)
    try:
        return any(regex.search(line) for line in Path(path).read_text(errors="replace").splitlines())
    except OSError:
        return False

