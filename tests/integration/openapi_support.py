"""Read docs/openapi.yaml and check live responses against it.

OpenAPI 3.1 schemas are JSON Schema 2020-12, so python3-jsonschema validates
them; every `$ref` is resolved inside the OpenAPI document itself.
"""

import re
import uuid
from pathlib import Path

import jsonschema
import pytest
import yaml

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
METHODS = ("get", "post", "patch", "delete", "put", "head", "options", "trace")


def load_document():
    with OPENAPI_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _registry_validator(document, schema):
    """Build a 2020-12 validator whose `#/...` references point into DOCUMENT.

    jsonschema 4.18 and later resolve references through the `referencing`
    package; Debian 12's 4.10 only has RefResolver."""
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
    except ImportError:
        resolver = jsonschema.RefResolver(base_uri="", referrer=document)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)
    root = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:perfimmo:openapi", root)
    wrapped = {"$id": "urn:perfimmo:openapi", **document, "allOf": [schema]}
    return jsonschema.Draft202012Validator(wrapped, registry=registry)


def template_regex(template):
    """Regex of an OpenAPI path template: each {name} matches one segment."""
    parts = re.split(r"(\{[^}]+\})", template)
    pattern = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{pattern}$")


class OpenApi:
    """The description, with look-ups by request path, method and status."""

    def __init__(self, document=None):
        self.document = document or load_document()
        # Literal segments win over {uid} (e.g. /tickets/export), so templates
        # with fewer parameters are tried first.
        self.templates = sorted(self.document["paths"],
                                key=lambda t: (t.count("{"), t))
        self.matchers = [(template_regex(t), t) for t in self.templates]

    def resolve(self, node):
        """Follow a `$ref` (several in a row) inside the document."""
        for _ in range(10):
            if not isinstance(node, dict) or "$ref" not in node:
                return node
            target = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        raise AssertionError(f"reference chain too long at {node}")

    def template_of(self, path):
        """The described path template that PATH (without query) matches, or None."""
        path = path.split("?", 1)[0]
        for regex, template in self.matchers:
            if regex.match(path):
                return template
        return None

    def response_spec(self, method, path, status):
        template = self.template_of(path)
        assert template is not None, f"{path} is not described in {OPENAPI_FILE.name}"
        operation = self.document["paths"][template].get(method.lower())
        assert operation is not None, f"{method} {template} is not described"
        responses = operation["responses"]
        assert str(status) in responses, \
            f"{method} {template} does not describe status {status} (described: {sorted(responses)})"
        return template, self.resolve(responses[str(status)])

    def validator(self, schema):
        return _registry_validator(self.document, schema)

    def schema_errors(self, schema, instance):
        """Every validation error of INSTANCE, as 'path: message' lines.

        An event that matches none of the event schemas is checked again
        against the schema of its own eventType, so that the message names
        the faulty field rather than the whole event."""
        errors = sorted(self.validator(schema).iter_errors(instance), key=lambda e: list(e.path))
        lines = []
        for error in errors:
            where = "/".join(map(str, error.absolute_path)) or "(root)"
            event_type = error.instance.get("eventType") if isinstance(error.instance, dict) else None
            known = f"{event_type}Event" in self.document["components"]["schemas"]
            if error.validator == "oneOf" and known:
                detail = self.schema_errors({"$ref": f"#/components/schemas/{event_type}Event"},
                                            error.instance)
                lines.extend(f"{where}/{line}" for line in detail)
                if detail:
                    continue
            lines.append(f"{where}: {error.message}")
        return lines

    def check_response(self, method, path, response):
        """Assert that RESPONSE is what the description promises for its
        path, method and status: documented status, required headers and a
        body that validates against the schema. Returns the parsed body."""
        template, spec = self.response_spec(method, path, response.status)
        for name, header in spec.get("headers", {}).items():
            header = self.resolve(header)
            value = response.header(name)
            if header.get("required"):
                assert value is not None, f"{method} {template} {response.status}: no {name} header"
            if value is not None and "pattern" in header.get("schema", {}):
                assert re.search(header["schema"]["pattern"], value), \
                    f"{method} {template} {response.status}: {name}: {value!r}"
        content = spec.get("content")
        if content is None:
            assert response.body == b"", \
                f"{method} {template} {response.status} has no documented body, got {response.body[:200]!r}"
            return None
        schema = content["application/json"]["schema"]
        assert response.header("content-type") == "application/json; charset=utf-8", response
        body = response.json()
        errors = self.schema_errors(schema, body)
        assert not errors, (f"{method} {template} {response.status} does not match the description:\n  "
                            + "\n  ".join(errors[:20]))
        return body

    def schema_check(self, name, instance):
        """Assert that INSTANCE validates against components/schemas/NAME."""
        errors = self.schema_errors({"$ref": f"#/components/schemas/{name}"}, instance)
        assert not errors, f"{name}:\n  " + "\n  ".join(errors[:20])

    def operations(self):
        """(template, method) of every described operation."""
        for template, item in self.document["paths"].items():
            for method in METHODS:
                if method in item:
                    yield template, method.upper()


class CheckedClient:
    """A client whose every response is checked against the description
    (OpenApi.check_response) before the test receives it."""

    def __init__(self, openapi, client, headers=None):
        self.openapi = openapi
        self.client = client
        self.headers = dict(headers or {})

    def with_headers(self, **headers):
        return CheckedClient(self.openapi, self.client, {**self.headers, **headers})

    def request(self, method, path, body=None, headers=None):
        response = self.client.request(method, path, body=body, headers={**self.headers, **(headers or {})})
        response.checked_body = self.openapi.check_response(method, path, response)
        return response

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, body=None, headers=None):
        return self.request("POST", path, body, headers)

    def patch(self, path, body=None, headers=None):
        return self.request("PATCH", path, body, headers)

    def delete(self, path, headers=None):
        return self.request("DELETE", path, headers=headers)

    def command(self, method, path, command_type, **fields):
        body = {"processUid": str(uuid.uuid4()), "commandType": command_type, **fields}
        return self.request(method, path, body)


def new_uid():
    return str(uuid.uuid4())


@pytest.fixture(scope="module")
def openapi():
    return OpenApi()


@pytest.fixture(scope="module")
def admin_api(openapi, api, env):
    """The demo superUser, every response checked."""
    return CheckedClient(openapi, api, {"Authorization": env["PERFIMMO_API_KEY"]})
