"""Helpers of the operations tests: the Prometheus scrape and its parsing."""

import http.client
import re

from perfimmo_client import Response, split_address

# Sample line of the text format 0.0.4: name, optional labels, value.
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*"'
VALUE = r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]Inf|NaN)"
SAMPLE = re.compile(rf"^({NAME})(?:\{{({LABEL}(?:,{LABEL})*)\}})? ({VALUE})$")
HELP = re.compile(rf"^# HELP ({NAME}) .*$")
TYPE = re.compile(rf"^# TYPE ({NAME}) (counter|gauge|histogram|summary|untyped)$")
LABEL_PAIR = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def fetch(address, path="/metrics", method="GET", source_ip=None, headers=None):
    """Send one plain-HTTP request to the metrics server at `address`."""
    host, port = split_address(address)
    source = (source_ip, 0) if source_ip else None
    connection = http.client.HTTPConnection(host, port, timeout=10, source_address=source)
    try:
        connection.request(method, path, headers=headers or {})
        reply = connection.getresponse()
        return Response(reply.status, reply.getheaders(), reply.read())
    finally:
        connection.close()


class Scrape:
    """The samples of one scrape, by name and labels, after checking every line."""

    def __init__(self, text):
        self.samples = {}
        self.types = {}
        for number, line in enumerate(text.split("\n")[:-1], start=1):
            self._read(number, line)
        assert text.endswith("\n"), "the scrape does not end with a line feed"

    def _read(self, number, line):
        if line.startswith("#"):
            help_line, type_line = HELP.match(line), TYPE.match(line)
            assert help_line or type_line, f"line {number} is no valid HELP or TYPE: {line!r}"
            if type_line:
                name = type_line.group(1)
                assert name not in self.types, f"line {number}: TYPE of {name} given twice"
                self.types[name] = type_line.group(2)
            return
        match = SAMPLE.match(line)
        assert match, f"line {number} is no valid sample: {line!r}"
        name, labels, value = match.groups()
        family = self._family(name)
        assert family in self.types, f"line {number}: {name} comes before its TYPE line"
        key = (name, tuple(sorted(LABEL_PAIR.findall(labels or ""))))
        assert key not in self.samples, f"line {number}: sample {key} given twice"
        self.samples[key] = float(value)

    def _family(self, name):
        for suffix in HISTOGRAM_SUFFIXES:
            base = name[: -len(suffix)]
            if name.endswith(suffix) and self.types.get(base) == "histogram":
                return base
        return name

    def value(self, name, **labels):
        """The value of the sample `name` with exactly `labels`, 0 when absent."""
        return self.samples.get((name, tuple(sorted(labels.items()))), 0.0)

    def series(self, name):
        """Every (labels dict, value) of samples named `name`."""
        return [(dict(labels), value) for (sample, labels), value in self.samples.items()
                if sample == name]


def scrape(env):
    """Scrape the stack's metrics server and return the parsed Scrape."""
    response = fetch(env["PERFIMMO_METRICS_CONNECT"])
    assert response.status == 200, response
    return Scrape(response.body.decode("utf-8"))
