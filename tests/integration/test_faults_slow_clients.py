"""Slow clients (slowloris): many connections that send their headers or
their body a few bytes at a time never stop normal requests from being
served, because nginx reads whole requests before calling a worker."""

import socket
import ssl
import threading
import time

from perfimmo_client import split_address, tls_context

SLOW_CONNECTIONS = 50
SLOW_SECONDS = 5.0


class SlowClient(threading.Thread):
    """One TLS connection that sends HEAD then, one piece per second,
    TRICKLE, never finishing its request within SLOW_SECONDS."""

    def __init__(self, env, head, trickle):
        super().__init__(daemon=True)
        self.env = env
        self.head = head
        self.trickle = trickle
        self.error = None

    def run(self):
        deadline = time.monotonic() + SLOW_SECONDS
        try:
            raw = socket.create_connection(split_address(self.env["PERFIMMO_CONNECT"]), 5)
            with tls_context(self.env["PERFIMMO_CA_FILE"]).wrap_socket(
                    raw, server_hostname=self.env["PERFIMMO_HOST"]) as tls:
                tls.sendall(self.head)
                while time.monotonic() < deadline:
                    time.sleep(1.0)
                    tls.sendall(self.trickle)
        except (OSError, ssl.SSLError) as error:
            self.error = error


def slow_headers(env):
    head = f"GET /api/v1/events HTTP/1.1\r\nHost: {env['PERFIMMO_HOST']}\r\n".encode()
    return head, b"X-Slow: a\r\n"


def slow_body(env):
    head = (f"POST /api/vEvent/clientcompanies HTTP/1.1\r\nHost: {env['PERFIMMO_HOST']}\r\n"
            f"Authorization: {env['PERFIMMO_API_KEY']}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{").encode()
    return head, b" "


def test_normal_requests_served_while_slow_clients_hold_connections(env, su, other_su):
    clients = []
    for index in range(SLOW_CONNECTIONS):
        head, trickle = (slow_headers if index % 2 == 0 else slow_body)(env)
        clients.append(SlowClient(env, head, trickle))
    for client in clients:
        client.start()
    time.sleep(0.5)

    latencies, statuses = [], []
    deadline = time.monotonic() + SLOW_SECONDS - 1.0
    while time.monotonic() < deadline:
        for client in (su, other_su):
            began = time.monotonic()
            statuses.append(client.get("/api/v1/events?limit=5").status)
            latencies.append(time.monotonic() - began)
        time.sleep(0.05)

    for client in clients:
        client.join(timeout=SLOW_SECONDS + 5)
    assert set(statuses) == {200}, statuses
    assert max(latencies) < 1.0, max(latencies)
    assert sum(1 for client in clients if client.error is None) >= SLOW_CONNECTIONS * 0.9, \
        [repr(client.error) for client in clients if client.error][:3]


def test_slow_client_timeouts_are_bounded(env):
    """The nginx bounds that free slow connections are set (nginx/)."""
    config = (split_path(env) / "perfimmo-site.conf").read_text()
    for directive in ("client_header_timeout 10s;", "client_body_timeout 10s;",
                      "send_timeout 10s;", "keepalive_timeout 30s;"):
        assert directive in config


def split_path(env):
    from pathlib import Path
    return Path(env["PERFIMMO_CONFIG"]).parent / "nginx"
