"""Read responses against docs/openapi.yaml: list and detail views of
companies, users, patrimonies, lots, provider contacts and tickets, the event
feeds, subscriptions and login, with their error statuses. Every response
goes through CheckedClient, which fails on an undocumented status, a missing
header or a body that does not match the documented schema."""

import copy
import json

import pytest

from auth_support import PASSWORD, make_user, session_cookie
from openapi_support import CheckedClient, admin_api, new_uid, openapi  # noqa: F401 (fixtures)
from perfimmo_client import Response
from openapi_estate import World


@pytest.fixture(scope="module")
def world(admin_api):
    """The entities of World, plus a second ticket at an agency location and
    a patrimony manager, so that lists hold several kinds of items."""
    world = World(admin_api)
    reply = admin_api.command("POST", "/api/vEvent/tickets", "OpenTicket",
                              locationRef={"agencyUid": world.agency, "locationReferenceType": "AgencyLocation"},
                              ticket={"caller": {"callerType": "AutomatonCaller"},
                                      "address": {"street": "2 place Bellecour", "zipCode": "69002",
                                                  "city": "Lyon"},
                                      "request": "Ascenseur bloqué", "callPurposeLabel": "Ascenseur"},
                              openedDate="2021-03-16T11:00:00+01:00")
    assert reply.status == 201, reply
    reply = admin_api.command("POST", "/api/vEvent/users", "ReferencePatrimonyManager",
                              login=f"pm.{new_uid()[:8]}@example.test", companyUid=world.company,
                              managedPatrimonies=[world.patrimony], firstName="Paul", lastName="Roux")
    assert reply.status == 201, reply
    return world


def test_checker_rejects_tampered_body(openapi, admin_api, world):
    """The check fails when the body drifts from the description."""
    response = admin_api.get(f"/api/v1/clientcompanies/{world.company}")
    body = response.json()
    for change in ({"undocumented": 1}, {"isActive": "yes"}, {"uid": body["uid"].upper()}):
        tampered = Response(200, response.headers, json.dumps({**body, **change}).encode())
        with pytest.raises(AssertionError):
            openapi.check_response("GET", f"/api/v1/clientcompanies/{world.company}", tampered)
    missing = copy.deepcopy(body)
    del missing["companyType"]
    with pytest.raises(AssertionError):
        openapi.check_response("GET", f"/api/v1/clientcompanies/{world.company}",
                               Response(200, response.headers, json.dumps(missing).encode()))


def test_health(admin_api):
    assert admin_api.get("/api/health").status == 200


def test_login_and_logout(openapi, api, env, world):
    user = make_user(env, api, {"Authorization": env["PERFIMMO_API_KEY"]}, "ReferenceCallCenterUser",
                     world.call_center)
    anonymous = CheckedClient(openapi, api)
    assert anonymous.post("/api/v1/login", {"login": user.login, "password": "wrong"}).status == 400
    response = anonymous.post("/api/v1/login", {"login": user.login, "password": PASSWORD})
    assert response.status == 200
    token, _ = session_cookie(response)
    with_cookie = anonymous.with_headers(Cookie=f"PI_SESSION={token}")
    assert with_cookie.get(f"/api/v1/clientcompanies/{world.call_center}").status == 200
    assert with_cookie.post("/api/v1/logout").status == 204
    assert with_cookie.get(f"/api/v1/clientcompanies/{world.call_center}").status == 401


def test_company_reads(admin_api, world):
    assert admin_api.get("/api/v1/clientcompanies?range=0-0").status == 206
    assert admin_api.get("/api/v1/clientcompanies?fulltext=OpenAPI&range=0-99").status == 200
    assert admin_api.get(f"/api/v1/clientcompanies/{world.company}").status == 200
    assert admin_api.get(f"/api/v1/clientcompanies/{new_uid()}").status == 404
    assert admin_api.get("/api/v1/clientcompanies/not-a-uid").status == 400
    assert admin_api.get(f"/api/v1/clientcompanies/{world.company}/agencies?active=true").status == 200
    assert admin_api.get(f"/api/v1/clientcompanies/{world.company}/subsidiaries").status == 200
    assert admin_api.get(f"/api/v1/clientcompanies/{new_uid()}/agencies").status == 404
    assert admin_api.get("/api/v1/clientcompanies?companytype=Other").status == 400


def test_user_reads(admin_api, world):
    response = admin_api.get(f"/api/v1/clientcompanies/{world.company}/users")
    assert response.status == 200
    assert "patrimonyManager" in {user["userType"] for user in response.json()["result"]}
    response = admin_api.get(f"/api/v1/patrimonies/{world.patrimony}/patrimonymanagers")
    assert response.status == 200
    assert len(response.json()["result"]) >= 1
    assert admin_api.get(f"/api/v1/patrimonies/{new_uid()}/patrimonymanagers").status == 404


def test_patrimony_and_lot_reads(admin_api, world):
    assert admin_api.get(f"/api/v1/patrimonies?companyuid={world.company}").status == 200
    assert admin_api.get("/api/v1/patrimonies?geolocation=45.76,4.85,500").status in (200, 206)
    assert admin_api.get(f"/api/v1/patrimonies/{world.patrimony}").status == 200
    assert admin_api.get(f"/api/v1/patrimonies/{new_uid()}").status == 404
    response = admin_api.get(f"/api/v1/lots?patrimonyuid={world.patrimony}")
    assert response.status == 200
    assert response.json()["result"][0]["addresses"][0]["status"] == "AddressToCheck"
    assert admin_api.get(f"/api/v1/lots/{world.lot}").status == 200
    assert admin_api.get("/api/v1/lots").status == 400
    assert admin_api.get(f"/api/v1/lots/{new_uid()}").status == 404


def test_provider_contact_reads(admin_api, world):
    assert admin_api.get(f"/api/v1/providercontacts?companyuid={world.company}").status == 200
    assert admin_api.get(f"/api/v1/providercontacts/{world.contact}").status == 200
    assert admin_api.get(f"/api/v1/providercontacts/{world.contact}/stats?from=2021-01-01").status == 200
    response = admin_api.get(f"/api/v1/providercontacts/suggest?patrimonyuid={world.patrimony}"
                             f"&incidenttypeuid={new_uid()}")
    assert response.status == 200
    assert admin_api.get(f"/api/v1/providercontacts/{new_uid()}").status == 404
    assert admin_api.get(f"/api/v1/providercontacts/suggest?patrimonyuid={world.patrimony}").status == 400


def test_ticket_reads(admin_api, world):
    response = admin_api.get(f"/api/v1/tickets?agency={world.agency}")
    assert response.status == 200
    assert len(response.json()["result"]) == 2
    assert admin_api.get(f"/api/v1/tickets?agency={world.agency}&range=0-0").status == 206
    response = admin_api.get(f"/api/v1/tickets?agency={world.agency}&range=5-9")
    assert response.status == 416
    assert response.header("content-range") == "*/2"
    assert admin_api.get("/api/v1/tickets?range=0-100").status == 400
    assert admin_api.get("/api/v1/tickets?fulltext=fuite&status=OPENED").status == 400
    assert admin_api.get(f"/api/v1/tickets/export?agency={world.agency}").status == 200
    assert admin_api.get(f"/api/v1/tickets/stats?agency={world.agency}").status == 200
    assert admin_api.get(f"/api/v1/tickets/{world.ticket}").status == 200
    assert admin_api.get(f"/api/v1/tickets/{new_uid()}").status == 404


def test_ticket_event_feed(admin_api, world):
    response = admin_api.get("/api/vEvent/tickets?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&range=0-9")
    assert response.status in (200, 206)
    assert admin_api.get("/api/vEvent/tickets?from=2000-01-01T00:00:00Z").status == 400


def test_event_feed(admin_api, world):
    response = admin_api.get("/api/v1/events?after=0&limit=200")
    assert response.status == 200
    assert admin_api.get("/api/v1/events?types=NoSuchEvent").status == 400


def test_subscriptions(admin_api, world):
    response = admin_api.post("/api/v1/subscriptions", {"url": "http://127.0.0.1:9/hook", "aggregates": ["ticket"],
                                                        "description": "OpenAPI"})
    assert response.status == 201
    uid = response.json()["uid"]
    assert admin_api.get("/api/v1/subscriptions").status in (200, 206)
    assert admin_api.get(f"/api/v1/subscriptions/{uid}").status == 200
    assert admin_api.patch(f"/api/v1/subscriptions/{uid}", {"isActive": False}).status == 200
    assert admin_api.post(f"/api/v1/subscriptions/{uid}/secret", {}).status == 200
    assert admin_api.get(f"/api/v1/subscriptions/{uid}/deliveries").status == 200
    assert admin_api.delete(f"/api/v1/subscriptions/{uid}").status == 204
    assert admin_api.get(f"/api/v1/subscriptions/{uid}").status == 404
    assert admin_api.post("/api/v1/subscriptions", {"url": "ftp://example.test/"}).status == 400
