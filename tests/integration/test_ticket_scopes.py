"""Who sees and changes which tickets: call-center users see the tickets of
their client accounts, executives those of their agencies, patrimony
managers those of their patrimonies; out of scope reads as missing (404),
and a patrimony manager may only open tickets on a patrimony location (403)."""

import pytest

from auth_support import make_user
from ticket_support import (
    Api, World, agency_location, contact_assignee, open_ticket, patrimony_location,
    ticket_infos,
)


@pytest.fixture(scope="module")
def demo(env, api):
    return Api(api, env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def s(env, api, demo):
    """Two call centers; tickets on agencies A, B, a patrimony of A, and the other center's C."""
    one = World(demo)
    two = World(demo)
    s = type("Scenario", (), {})()
    s.a, s.b = one.agency("Agence A"), one.agency("Agence B")
    s.c = two.agency("Agence C")
    s.patrimony = one.patrimony("SCOPE-P", [s.a])
    s.other_contact = two.contact("Hors", "Périmètre")
    s.t_a = open_ticket(demo, agency_location(s.a))
    s.t_b = open_ticket(demo, agency_location(s.b))
    s.t_p = open_ticket(demo, patrimony_location(s.patrimony))
    s.t_c = open_ticket(demo, agency_location(s.c))
    su = {"Authorization": env["PERFIMMO_API_KEY"]}
    users = {
        "cc": make_user(env, api, su, "ReferenceCallCenterUser", one.call_center),
        "cc2": make_user(env, api, su, "ReferenceCallCenterUser", two.call_center),
        "cam": make_user(env, api, su, "ReferenceClientAccountManager", one.company),
        "ex": make_user(env, api, su, "ReferenceExecutive", one.company, managedAgencies=[s.b]),
        "pm": make_user(env, api, su, "ReferencePatrimonyManager", one.company,
                        managedPatrimonies=[s.patrimony]),
    }
    s.api = {name: Api(api, user.key) for name, user in users.items()}
    return s


def visible(s, name):
    query = f"agency={s.a},{s.b},{s.c}"
    reply = s.api[name].get(f"/api/v1/tickets?{query}")
    assert reply.status == 200, reply
    return {item["uid"] for item in reply.json()["result"]}


@pytest.mark.parametrize("name, expected", [
    ("cc", {"t_a", "t_b", "t_p"}),
    ("cc2", {"t_c"}),
    ("cam", {"t_a", "t_b", "t_p"}),
    ("ex", {"t_b"}),
    ("pm", {"t_p"}),
])
def test_list_shows_the_scope(s, name, expected):
    assert visible(s, name) == {getattr(s, ticket) for ticket in expected}


def test_invisible_ticket_reads_as_missing(s):
    assert s.api["ex"].get(f"/api/v1/tickets/{s.t_a}").status == 404
    assert s.api["ex"].get(f"/api/v1/tickets/{s.t_b}").status == 200
    export = s.api["pm"].get(f"/api/v1/tickets/export?agency={s.a},{s.b}").json()["result"]
    assert [item["uid"] for item in export] == [s.t_p]


def test_command_on_invisible_ticket_is_404(s):
    reply = s.api["cc2"].ticket(s.t_a, "AddMessage", message="m", messageAddedDate="2021-03-15T10:00:00Z")
    assert reply.status == 404, reply
    assert reply.json()["errorType"] == "ImpossibleToPerfomCommandOnNonExistingTicket"
    reply = s.api["cc"].ticket(s.t_a, "AddMessage", message="m", messageAddedDate="2021-03-15T10:00:00Z")
    assert reply.status == 200, reply


def test_open_ticket_on_invisible_location_is_404(s):
    reply = s.api["ex"].command("POST", "/api/vEvent/tickets", "OpenTicket", locationRef=agency_location(s.a),
                                ticket=ticket_infos(), openedDate="2021-03-15T09:05:00Z")
    assert reply.status == 404, reply
    assert reply.json()["errorType"] == "ReferencedEntityNotFound"
    assert open_ticket(s.api["ex"], agency_location(s.b))


def test_patrimony_manager_opens_on_patrimony_only(s):
    reply = s.api["pm"].command("POST", "/api/vEvent/tickets", "OpenTicket", locationRef=agency_location(s.a),
                                ticket=ticket_infos(), openedDate="2021-03-15T09:05:00Z")
    assert reply.status == 403, reply
    assert reply.json()["errorType"] == "Forbidden"
    reply = s.api["pm"].command("POST", "/api/vEvent/tickets", "OpenTicket", locationRef=agency_location(s.c),
                                ticket=ticket_infos(), openedDate="2021-03-15T09:05:00Z")
    assert reply.status == 404, reply
    assert open_ticket(s.api["pm"], patrimony_location(s.patrimony))


def test_assignee_contact_out_of_scope_is_404(s):
    reply = s.api["cc"].ticket(s.t_a, "IdentifyAssignee", assignee=contact_assignee(s.other_contact),
                               date="2021-03-15T10:00:00Z")
    assert reply.status == 404, reply
    assert reply.json()["errorType"] == "ReferencedEntityNotFound"


def test_feed_shows_the_scope(s):
    reply = s.api["ex"].get("/api/vEvent/tickets?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z"
                            "&range=0-99")
    assert reply.status in (200, 206), reply
    tickets = {event["aggregateUid"] for event in reply.json()["events"]}
    assert s.t_b in tickets
    assert tickets.isdisjoint({s.t_a, s.t_p, s.t_c})
    assert s.api["ex"].get(f"/api/v1/providercontacts/{s.other_contact}/stats").status == 404
    assert s.api["cc2"].get(f"/api/v1/providercontacts/{s.other_contact}/stats").status == 200
