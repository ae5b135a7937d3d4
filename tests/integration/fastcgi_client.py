"""A minimal FastCGI client, to reach perfimmo-api's socket without nginx.

Only what the tests need: one request per connection, and the option to
stop sending stdin early and close, as a web server that gives up would.
"""

import re
import socket
import struct
from pathlib import Path

FCGI_VERSION = 1
FCGI_BEGIN_REQUEST = 1
FCGI_END_REQUEST = 3
FCGI_PARAMS = 4
FCGI_STDIN = 5
FCGI_STDOUT = 6
FCGI_RESPONDER = 1
REQUEST_ID = 1


def socket_path(env):
    """Returns the path of perfimmo-api's socket, read from the stack's configuration."""
    text = Path(env["PERFIMMO_CONFIG"]).read_text()
    return re.search(r'^socket\s*=\s*"?([^"\n]+)"?', text, re.M).group(1)


def _record(kind, content=b""):
    header = struct.pack(">BBHHBx", FCGI_VERSION, kind, REQUEST_ID, len(content), 0)
    return header + content


def _name_value(name, value):
    def length(data):
        if len(data) < 128:
            return struct.pack(">B", len(data))
        return struct.pack(">I", len(data) | 0x80000000)

    name, value = name.encode(), value.encode()
    return length(name) + length(value) + name + value


def _read_stdout(sock, timeout):
    """Collect STDOUT records until END_REQUEST or the peer closes."""
    sock.settimeout(timeout)
    data, out = b"", b""
    while True:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
        while len(data) >= 8:
            _, kind, _, length, padding = struct.unpack(">BBHHBx", data[:8])
            if len(data) < 8 + length + padding:
                break
            content = data[8:8 + length]
            data = data[8 + length + padding:]
            if kind == FCGI_STDOUT:
                out += content
            elif kind == FCGI_END_REQUEST:
                return out
    return out


def request(socket_path, params, body=b"", send_body_bytes=None, complete=True, timeout=10.0,
            on_connect=None):
    """Send one request and return the raw response (headers and body) or b"".

    With send_body_bytes, only that many body bytes are sent; with
    complete=False the empty STDIN record that ends the body is not sent
    and the connection is shut down for writing right after.  on_connect
    runs between the connection and the first byte sent.
    """
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(socket_path)
    try:
        if on_connect is not None:
            on_connect()
        sock.sendall(_record(FCGI_BEGIN_REQUEST, struct.pack(">HB5x", FCGI_RESPONDER, 0)))
        encoded = b"".join(_name_value(k, v) for k, v in params.items())
        sock.sendall(_record(FCGI_PARAMS, encoded) + _record(FCGI_PARAMS))

        to_send = body if send_body_bytes is None else body[:send_body_bytes]
        for start in range(0, len(to_send), 32768):
            sock.sendall(_record(FCGI_STDIN, to_send[start:start + 32768]))
        if complete:
            sock.sendall(_record(FCGI_STDIN))
        else:
            sock.shutdown(socket.SHUT_WR)
        return _read_stdout(sock, timeout)
    finally:
        sock.close()
