"""docs/openapi.yaml against the route table, the error catalogue and the
live stack: every route is described, every described path exists with
exactly the described methods, and each endpoint accepts exactly the
commandTypes the description lists for it."""

import re
import uuid
from pathlib import Path

import jsonschema
import pytest

from openapi_support import openapi  # noqa: F401 (fixture)

SOURCE = Path(__file__).resolve().parents[2] / "src"
ROUTE_LINE = re.compile(r'\{"(/api/[^"]*)", METHOD_([A-Z]+),')
UID_SEGMENT = re.compile(r"\{[^}]+\}")


def route_table():
    """(path with {uid} segments, method) of every entry of src/api/routes.c."""
    text = (SOURCE / "api" / "routes.c").read_text(encoding="utf-8")
    routes = {(path, method) for path, method in ROUTE_LINE.findall(text)}
    assert len(routes) > 30, "the route table was not parsed"
    return routes


def described(openapi):
    """(path with {uid} segments, method) of every described operation."""
    return {(UID_SEGMENT.sub("{uid}", template), method) for template, method in openapi.operations()}


def sample_path(template):
    return UID_SEGMENT.sub(lambda _: str(uuid.uuid4()), template)


def test_document_is_openapi_31(openapi):
    document = openapi.document
    assert document["openapi"] == "3.1.0"
    assert set(document["components"]["securitySchemes"]) == {"apiKey", "session"}


def test_component_schemas_are_valid(openapi):
    for name, schema in openapi.document["components"]["schemas"].items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            pytest.fail(f"components/schemas/{name}: {error.message}")


def test_references_resolve(openapi):
    references = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                references.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(openapi.document)
    for reference in sorted(references):
        try:
            openapi.resolve({"$ref": reference})
        except KeyError:
            pytest.fail(f"unresolved reference {reference}")


def test_every_route_is_described(openapi):
    missing = route_table() - described(openapi)
    assert not missing, f"routes missing from docs/openapi.yaml: {sorted(missing)}"


def test_every_description_is_routed(openapi):
    unknown = described(openapi) - route_table()
    assert not unknown, f"described but not in src/api/routes.c: {sorted(unknown)}"


def test_every_error_type_is_described(openapi):
    text = (SOURCE / "common" / "error.c").read_text(encoding="utf-8")
    names = set(re.findall(r'"([A-Z][A-Za-z]+)"', text))
    schemas = openapi.document["components"]["schemas"]
    documented = set()
    for name, schema in schemas.items():
        if re.fullmatch(r"Error[0-9]{3}", name):
            error_type = schema["properties"]["errorType"]
            documented |= set(error_type.get("enum", [])) | ({error_type["const"]} if "const" in error_type else set())
    assert names - documented == set(), f"errorTypes without a status in the description: {sorted(names - documented)}"
    assert documented - names == set(), f"described errorTypes the server never sends: {sorted(documented - names)}"


def test_described_paths_answer_405_with_described_methods(openapi, su):
    """Send PUT, which no path takes, to every described path. A known path
    returns 405 with an Allow header, which must list the described
    methods, while an unknown path would return 404."""
    for template, item in openapi.document["paths"].items():
        methods = {method.upper() for method in item if method in ("get", "post", "patch", "delete")}
        response = su.request("PUT", sample_path(template), body={})
        assert response.status == 405, f"PUT {template}: {response}"
        allowed = {m.strip() for m in response.header("allow").split(",")} - {"HEAD"}
        assert allowed == methods, f"{template}: Allow {allowed}, described {methods}"


def test_undescribed_path_is_404(openapi, su):
    response = su.get("/api/v1/nothing-here")
    assert response.status == 404
    with pytest.raises(AssertionError):
        openapi.check_response("GET", "/api/v1/nothing-here", response)


def command_types_by_endpoint(openapi):
    """{(template, METHOD): set of commandType} from the request bodies."""
    result = {}
    for template, method in openapi.operations():
        operation = openapi.document["paths"][template][method.lower()]
        if not template.startswith("/api/vEvent/") or "requestBody" not in operation:
            continue
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        choices = schema.get("oneOf", [schema])
        types = set()
        for choice in choices:
            command = openapi.resolve(choice)
            types.add(command["properties"]["commandType"]["const"])
        result[(template, method)] = types
    return result


def is_rejected_command_type(response):
    """True for the 400 that names commandType as not accepted on the path."""
    return (response.status == 400 and response.json()["errorType"] == "InvalidCommand"
            and response.json()["message"].startswith("commandType"))


def test_endpoints_accept_exactly_described_command_types(openapi, su):
    """Each described commandType passes the endpoint's commandType check (it
    then fails on a missing field or an unknown target, storing nothing),
    and every other commandType of the description is rejected there."""
    endpoints = command_types_by_endpoint(openapi)
    every_type = set().union(*endpoints.values())
    assert len(every_type) == 91
    english = {"Accept-Language": "en"}
    for (template, method), accepted in endpoints.items():
        path = sample_path(template)
        for command_type in sorted(every_type):
            body = {"processUid": str(uuid.uuid4()), "commandType": command_type}
            response = su.request(method, path, body=body, headers=english)
            assert response.status in (400, 404), f"{method} {template} {command_type}: {response}"
            if command_type in accepted:
                assert not is_rejected_command_type(response), f"{method} {template} rejects {command_type}"
            else:
                assert is_rejected_command_type(response), f"{method} {template} accepts {command_type}: {response}"
