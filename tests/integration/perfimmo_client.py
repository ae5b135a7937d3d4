"""HTTP clients for the integration tests, on the standard library only.

Every connection goes to a loopback address taken from the stack's env file,
while the TLS SNI and the Host header carry the tenant's host name, so no name
resolution is needed. The stack's self-signed certificate is the only trusted
CA.
"""

import http.client
import json
import socket
import ssl

DEFAULT_TIMEOUT = 10.0


class Response:
    """Status, headers and body of one HTTP response."""

    def __init__(self, status, headers, body):
        self.status = status
        # List of (name, value) pairs, names lowercased, in received order.
        self.headers = [(name.lower(), value) for name, value in headers]
        self.body = body

    def header(self, name):
        """Return the first value of header `name`, or None."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name):
        name = name.lower()
        return [value for key, value in self.headers if key == name]

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<Response {self.status} {self.body[:200]!r}>"


def split_address(address):
    """Split "127.0.0.1:8443" into ("127.0.0.1", 8443)."""
    host, _, port = address.rpartition(":")
    return host, int(port)


def tls_context(ca_file, alpn=("http/1.1",)):
    context = ssl.create_default_context(cafile=ca_file)
    context.set_alpn_protocols(list(alpn))
    return context


class _LoopbackHTTPSConnection(http.client.HTTPSConnection):
    """HTTPSConnection to `connect_address` that sends `host` as SNI and Host."""

    def __init__(self, host, port, connect_address, context, timeout, source_address=None):
        super().__init__(host, port, context=context, timeout=timeout)
        self._connect_address = connect_address
        self._source_address = source_address

    def connect(self):
        raw = socket.create_connection(self._connect_address, self.timeout,
                                       self._source_address)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


class Client:
    """HTTPS client bound to one host name (one tenant, or an unknown host).

    `source_ip` (e.g. "127.0.0.7") makes the requests come from another
    loopback address, as another client would: nginx passes it as REMOTE_ADDR.
    """

    def __init__(self, host, connect, ca_file, timeout=DEFAULT_TIMEOUT, api_key=None,
                 source_ip=None):
        self.host = host
        self.connect_address = split_address(connect)
        self.ca_file = ca_file
        self.timeout = timeout
        self.api_key = api_key
        self.source_address = (source_ip, 0) if source_ip else None

    def with_key(self, api_key):
        """Return a client of the same host that sends `Authorization: <api_key>`."""
        return Client(self.host, f"{self.connect_address[0]}:{self.connect_address[1]}",
                      self.ca_file, self.timeout, api_key)

    def request(self, method, path, body=None, headers=None):
        """Send one request on a new connection and return its Response.

        A dict or list body is sent as JSON with Content-Type application/json
        unless `headers` sets another; str and bytes bodies are sent as given.
        """
        headers = dict(headers or {})
        if self.api_key is not None:
            headers.setdefault("Authorization", self.api_key)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode("utf-8")

        connection = _LoopbackHTTPSConnection(
            self.host,
            self.connect_address[1],
            self.connect_address,
            tls_context(self.ca_file),
            self.timeout,
            self.source_address,
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            return Response(reply.status, reply.getheaders(), reply.read())
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, body=None, headers=None):
        return self.request("POST", path, body=body, headers=headers)

    def patch(self, path, body=None, headers=None):
        return self.request("PATCH", path, body=body, headers=headers)


def plain_http_request(connect, host, method, path, body=None, timeout=DEFAULT_TIMEOUT):
    """Send one request over plain HTTP to `connect` with Host `host`."""
    address, port = split_address(connect)
    connection = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        reply = connection.getresponse()
        return Response(reply.status, reply.getheaders(), reply.read())
    finally:
        connection.close()


def raw_tls_exchange(connect, host, ca_file, data, close_after_send=False,
                     timeout=DEFAULT_TIMEOUT):
    """Send `data` unchanged over a new TLS connection and return every byte
    received until the server closes it or `timeout` seconds pass.

    With `close_after_send`, the connection is closed right after sending,
    as a client that gives up in the middle of its request does, and b"" is
    returned.
    """
    raw = socket.create_connection(split_address(connect), timeout)
    with tls_context(ca_file).wrap_socket(raw, server_hostname=host) as tls:
        tls.sendall(data)
        if close_after_send:
            return b""
        chunks = []
        try:
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (socket.timeout, ssl.SSLError, ConnectionResetError):
            pass
        return b"".join(chunks)


def parse_http1_response(data):
    """Parse the first HTTP/1.x response in `data` (bytes) into a Response.

    The body is everything after the header block, cut to Content-Length
    when that header is present.
    """
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    response = Response(status, headers, body)
    length = response.header("content-length")
    if length is not None:
        response.body = body[: int(length)]
    return response
