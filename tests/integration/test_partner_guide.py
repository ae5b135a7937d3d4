"""Run every example of the partner guides, in French and in English, as a
new partner would. The partner is a call-center user whose API key and
password an administrator created. The examples open a first ticket, read
it back, page through lists, follow the event feed and receive a signed
webhook.

See guide_runner.py for the format of the examples."""

import re
import uuid
from pathlib import Path

import pytest

from auth_support import PASSWORD, SECRETS, make_user
from guide_runner import Variables, match_message, read_blocks, request_parts
from notify_support import Receiver, wait_until
from openapi_support import OpenApi

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = ["guide-partenaire.md", "partner-guide.md"]


@pytest.fixture(scope="module")
def openapi():
    return OpenApi()


@pytest.fixture
def partner(env, api):
    """A call center and its user, with the credentials an administrator
    hands to a partner, as the guides' starting {{values}}."""
    su = {"Authorization": env["PERFIMMO_API_KEY"]}
    reply = api.post("/api/vEvent/clientcompanies", {
        "processUid": str(uuid.uuid4()), "createdDate": "2024-01-02",
        "name": "Centre d'appels partenaire", "commandType": "CreateCallCenter"}, headers=su)
    assert reply.status == 201, reply
    call_center = reply.json()["events"][0]["aggregateUid"]
    user = make_user(env, api, su, "ReferenceCallCenterUser", call_center)
    receiver = Receiver()
    yield {"host": env["PERFIMMO_HOST"], "apiKey": user.key, "login": user.login,
           "password": PASSWORD, "callCenterUid": call_center,
           "webhookUrl": receiver.url}, receiver
    receiver.stop()


def guide_blocks(name):
    blocks = read_blocks((DOCS / name).read_text(encoding="utf-8"))
    assert blocks, f"{name} has no examples"
    return blocks


def delivered_position(api, variables, headers):
    reply = api.get(f"/api/v1/subscriptions/{variables.values['subscriptionUid']}", headers=headers)
    assert reply.status == 200, reply
    return reply.json()["deliveredPosition"]


def check_signature_code(code, where, variables, delivery):
    """Run the guide's Python check on the delivery it received, then on a
    wrong secret and a changed body, which it must refuse."""
    namespace = {}
    exec(compile(code, where, "exec"), namespace)
    check = namespace["signature_is_valid"]
    secret = variables.values["webhookSecret"]
    header = delivery.headers["X-Perfimmo-Signature"]
    assert check(secret, header, delivery.body) is True, f"{where}: a genuine delivery fails the check"
    assert check(secret + "x", header, delivery.body) is False, f"{where}: a wrong secret passes"
    assert check(secret, header, delivery.body + b" ") is False, f"{where}: a changed body passes"


def run_guide(name, api, openapi, initial, receiver):
    variables = Variables(initial)
    blocks = guide_blocks(name)
    pending = None
    delivery = None
    deliveries_seen = 0
    for block in blocks:
        where = f"{name}:{block.line}"
        if block.kind == "request":
            assert pending is None, f"{where}: the request before has no response block"
            method, path, headers, body = request_parts(variables, block.text, where)
            assert headers.pop("Host", initial["host"]) == initial["host"], f"{where}: wrong Host"
            response = api.request(method, path, body=body, headers=headers)
            pending = (method, path, headers, response, where)
        elif block.kind == "response":
            assert pending is not None, f"{where}: a response block without a request"
            method, path, headers, response, request_where = pending
            pending = None
            match_message(variables, block.text, response.status, response.headers,
                          response.body or None, f"{where} (request at {request_where})")
            openapi.check_response(method, path, response)
        elif block.kind == "delivery":
            found = wait_until(lambda: len(receiver.accepted()) > deliveries_seen)
            assert found, f"{where}: no webhook delivery arrived"
            delivery = receiver.accepted()[deliveries_seen]
            deliveries_seen += 1
            match_message(variables, block.text, None, list(delivery.headers.items()),
                          delivery.body, where)
            openapi.schema_check("WebhookDelivery", delivery.json)
        elif block.kind == "python":
            assert delivery is not None, f"{where}: no delivery to check yet"
            check_signature_code(block.text, where, variables, delivery)
            # The sender records the acknowledgement just after the receiver
            # answers; later examples read it.
            last = max(delivery.positions)
            key = {"Authorization": initial["apiKey"]}
            assert wait_until(lambda: delivered_position(api, variables, key) >= last), \
                f"{where}: the delivery was not recorded"
    assert pending is None, f"{name}: the last request has no response block"
    for secret in ("sessionToken", "webhookSecret"):
        if secret in variables.values:
            SECRETS.add(str(variables.values[secret]))
    return variables


@pytest.mark.parametrize("name", GUIDES)
def test_guide_examples_run(name, api, openapi, partner):
    initial, receiver = partner
    SECRETS.update([initial["apiKey"], initial["password"]])
    variables = run_guide(name, api, openapi, initial, receiver)
    assert "ticketUid" in variables.values, f"{name} opens no ticket"


def request_outline(name):
    """(method, path without its query, status) of each example: search
    terms differ between the languages, the requests do not."""
    outline, method_path = [], None
    for block in guide_blocks(name):
        first = block.text.split("\n", 1)[0]
        if block.kind == "request":
            method_path = re.sub(r"\{\{\w+\}\}", "{}", first.split("?", 1)[0])
        elif block.kind == "response":
            outline.append((method_path, first.split()[1]))
        else:
            outline.append((block.kind, None))
    return outline


def test_guides_show_the_same_examples():
    french, english = (request_outline(name) for name in GUIDES)
    assert french == english
