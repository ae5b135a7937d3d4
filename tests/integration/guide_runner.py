"""Run the examples of a Markdown guide against the stack.

The guide's fenced blocks are read in order:

* ```http  whose first line is `METHOD /path HTTP/1.1`: a request to send,
  with its headers, a blank line and an optional JSON body;
* ```http  whose first line is `HTTP/1.1 <status> ...`: the response the
  previous request must get. The headers in the block must be present. The
  JSON body in the block must be contained in the actual one: extra keys
  are allowed, but a list must have exactly the items of the block unless
  its last item is "...";
* ```http delivery: a webhook request the platform sends to the partner,
  matched like a response against the next delivery the receiver got;
* ```python: code that defines `signature_is_valid(secret, header, body)`,
  called on that delivery.

`{{name}}` stands for a value. A known name is substituted. In a response
or delivery, an unknown name is captured from the actual value. In a
request, an unknown name ending in `Uid` gets a new random UUID, as a client
would generate it. The string "..." matches any value.
"""

import json
import re
import uuid

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```\s*$", re.S | re.M)
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
REQUEST_LINE = re.compile(r"^(GET|POST|PATCH|DELETE) (\S+) HTTP/1\.1$")
STATUS_LINE = re.compile(r"^HTTP/1\.1 ([0-9]{3})\b")


class Block:
    def __init__(self, kind, text, line):
        self.kind = kind
        self.text = text
        self.line = line


def read_blocks(markdown):
    """The executable blocks of MARKDOWN, in order, with their line numbers."""
    blocks = []
    for match in FENCE.finditer(markdown):
        info = match.group(1).strip()
        text = match.group(2)
        line = markdown.count("\n", 0, match.start()) + 1
        first = text.split("\n", 1)[0]
        if info == "http" and REQUEST_LINE.match(first):
            blocks.append(Block("request", text, line))
        elif info == "http" and STATUS_LINE.match(first):
            blocks.append(Block("response", text, line))
        elif info == "http delivery":
            blocks.append(Block("delivery", text, line))
        elif info == "python":
            blocks.append(Block("python", text, line))
    return blocks


def split_message(text):
    """(first line, [(header, value)], body text or None) of an HTTP block."""
    head, _, body = text.strip().partition("\n\n")
    lines = head.split("\n")
    headers = []
    for line in lines[1:]:
        if not line.strip():
            continue
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    body = body.strip()
    return lines[0], headers, (body or None)


class Variables:
    """The {{name}} values of one guide run."""

    def __init__(self, initial):
        self.values = dict(initial)

    def text(self, template, where):
        def replace(match):
            name = match.group(1)
            if name not in self.values:
                if not name.endswith("Uid"):
                    raise AssertionError(f"{where}: {{{{{name}}}}} is used before it has a value")
                self.values[name] = str(uuid.uuid4())
            return str(self.values[name])
        return PLACEHOLDER.sub(replace, template)

    def json(self, node, where):
        """Substitute in a parsed JSON request body. A string that is one
        whole placeholder takes the value's own type ("{{position}}" -> 42)."""
        if isinstance(node, dict):
            return {key: self.json(value, where) for key, value in node.items()}
        if isinstance(node, list):
            return [self.json(value, where) for value in node]
        if isinstance(node, str):
            whole = PLACEHOLDER.fullmatch(node)
            if whole and whole.group(1) in self.values:
                return self.values[whole.group(1)]
            return self.text(node, where)
        return node

    def match(self, documented, actual, where):
        """Assert that ACTUAL contains DOCUMENTED; capture unknown placeholders."""
        if documented == "...":
            return
        if isinstance(documented, str):
            whole = PLACEHOLDER.fullmatch(documented)
            if whole:
                name = whole.group(1)
                if name in self.values:
                    assert str(actual) == str(self.values[name]), \
                        f"{where}: {actual!r} is not {{{{{name}}}}} = {self.values[name]!r}"
                else:
                    assert actual is not None, f"{where}: nothing to capture as {{{{{name}}}}}"
                    self.values[name] = actual
                return
            self.match_text(documented, actual, where)
            return
        if isinstance(documented, dict):
            assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
            for key, value in documented.items():
                if key == "...":
                    continue
                assert key in actual, f"{where}: no key {key!r} in {sorted(actual)}"
                self.match(value, actual[key], f"{where}.{key}")
            return
        if isinstance(documented, list):
            assert isinstance(actual, list), f"{where}: expected an array, got {actual!r}"
            open_ended = bool(documented) and documented[-1] == "..."
            items = documented[:-1] if open_ended else documented
            if open_ended:
                assert len(actual) >= len(items), f"{where}: {len(actual)} items, at least {len(items)} documented"
            else:
                assert len(actual) == len(items), f"{where}: {len(actual)} items, {len(items)} documented"
            for index, value in enumerate(items):
                self.match(value, actual[index], f"{where}[{index}]")
            return
        assert documented == actual, f"{where}: {actual!r}, the guide shows {documented!r}"

    def match_text(self, documented, actual, where):
        """Match a string with "..." wildcards and {{name}} parts inside it."""
        assert isinstance(actual, str), f"{where}: expected a string, got {actual!r}"
        names, pattern = [], ""
        for part in re.split(r"(\{\{\w+\}\}|\.\.\.)", documented):
            if part == "...":
                pattern += ".*?"
            elif PLACEHOLDER.fullmatch(part):
                name = part[2:-2]
                if name in self.values:
                    pattern += re.escape(str(self.values[name]))
                else:
                    names.append(name)
                    pattern += "(.+?)"
            else:
                pattern += re.escape(part)
        found = re.fullmatch(pattern, actual, re.S)
        assert found, f"{where}: {actual!r} does not match the guide's {documented!r}"
        for name, value in zip(names, found.groups()):
            self.values[name] = value


def match_message(variables, block_text, status, headers, body, where):
    """Match an actual status, headers and JSON body against a response or
    delivery block."""
    first, documented_headers, documented_body = split_message(block_text)
    if status is not None:
        expected = int(STATUS_LINE.match(first).group(1))
        assert status == expected, f"{where}: status {status}, the guide shows {expected}; body {body!r}"
    for name, documented in documented_headers:
        values = [value for key, value in headers if key.lower() == name.lower()]
        assert values, f"{where}: no {name} header"
        errors = []
        for value in values:
            try:
                variables.match_text(documented, value, f"{where} {name}")
                break
            except AssertionError as error:
                errors.append(str(error))
        else:
            raise AssertionError("; ".join(errors))
    if documented_body is not None:
        variables.match(json.loads(documented_body), json.loads(body), f"{where} body")


def request_parts(variables, block_text, where):
    """(method, path, headers dict, body bytes or None) of a request block,
    placeholders substituted."""
    first, headers, body = split_message(block_text)
    method, path = REQUEST_LINE.match(first).groups()
    path = variables.text(path, where)
    sent = {}
    for name, value in headers:
        sent[name] = variables.text(value, where)
    payload = None
    if body is not None:
        payload = json.dumps(variables.json(json.loads(body), where)).encode("utf-8")
    return method, path, sent, payload
