"""The access scopes in C and in SQL agree on a table of cases.

The rules exist twice: src/auth/scope.c judges the commands, and the
functions of sql/tenant/008_scopes.sql filter the lists and the event feed.
One scenario holds two call centers, a holding, three client accounts with
agencies, patrimonies, lots, tickets, provider contacts and users.  Ticket
t3 stands at agency ag2, which the patrimony manager sees as the agency of
his patrimony p2, but the ticket itself he may not see.  For each
user, every entity is looked up three ways: through the lists (SQL),
through the feed (SQL, aggregate_visible), and through a command that
stops with 404 only when the entity is out of scope (C).  All must give the
expected table below.
"""

import pytest

from auth_support import feed, feed_end, key_auth, make_user
from ticket_support import Api, agency_location, anonymous_assignee, new_uid, patrimony_location

SIRET = "51234567800019"
LOT_ADDRESS = {"number": "14", "street": "rue des Tilleuls", "zipCode": "69003", "city": "Lyon"}
TICKET = {
    "caller": {"name": {"value": "Claire Fontaine", "nameType": "PoorName"},
               "callerType": "HumanCaller"},
    "address": {"street": "14 rue des Tilleuls", "zipCode": "69003", "city": "Lyon"},
    "request": "Fuite d'eau", "callPurposeLabel": "Plomberie",
}

USERS = ("cc_user", "cam", "ex", "pm", "cam_b")

# Which entities of the scenario each user may see.
VISIBLE = {
    "cc_user": {"cc1", "h1", "a1", "a2", "ag1", "ag2", "ag4", "p1", "p2", "p4", "l1", "l2",
                "t1", "t2", "t3", "t4", "k1", "cc_user", "cam", "ex", "pm"},
    "cam": {"a1", "h1", "ag1", "ag2", "p1", "p2", "l1", "l2", "t1", "t2", "t3", "k1",
            "cam", "ex", "pm"},
    "ex": {"a1", "ag1", "p1", "l1", "t1", "k1", "cam", "ex", "pm"},
    "pm": {"a1", "ag2", "p2", "l2", "t2", "k1", "cam", "ex", "pm"},
    "cam_b": {"b1", "ag5", "p5", "l5", "t5", "k2", "cam_b"},
}

KINDS = {
    "company": ("cc1", "cc2", "h1", "a1", "a2", "b1"),
    "agency": ("ag1", "ag2", "ag4", "ag5"),
    "patrimony": ("p1", "p2", "p4", "p5"),
    "lot": ("l1", "l2", "l5"),
    "ticket": ("t1", "t2", "t3", "t4", "t5"),
    "providerContact": ("k1", "k2"),
    "user": USERS,
}


def created(reply):
    assert reply.status == 201, reply
    return reply.json()["events"][0]["aggregateUid"]


def company(su, command_type, **fields):
    return created(su.command("POST", "/api/vEvent/clientcompanies", command_type,
                              aggregateUid=new_uid(), createdDate="2021-01-04",
                              name=f"Société {new_uid()[:8]}", **fields))


def agency(su, company_uid):
    uid = new_uid()
    reply = su.command("POST", f"/api/vEvent/clientcompanies/{company_uid}/agencies",
                       "CreateAgency", createdDate="2021-01-05",
                       agency={"agencyUid": uid, "name": f"Agence {uid[:8]}"})
    assert reply.status == 201, reply
    return uid


def patrimony(su, agency_uid):
    return created(su.command("POST", "/api/vEvent/patrimonies", "ReferencePatrimony",
                              aggregateUid=new_uid(), ref=f"REF-{new_uid()[:8]}",
                              agencyUids=[agency_uid]))


def lot(su, patrimony_uid):
    return created(su.command("POST", "/api/vEvent/lots", "ReferenceLot", aggregateUid=new_uid(),
                              ref=f"LOT-{new_uid()[:8]}", lotNumber=new_uid()[:6],
                              patrimonyUid=patrimony_uid, usage="Apartment",
                              addresses=[LOT_ADDRESS]))


def contact(su, company_uid):
    return created(su.command("POST", "/api/vEvent/providercontacts", "AddProviderContact",
                              aggregateUid=new_uid(), date="2021-01-02T00:00:00Z",
                              name={"value": "Marc Perrin", "nameType": "PoorName"},
                              companyUid=company_uid))


def ticket(su, location):
    return created(su.command("POST", "/api/vEvent/tickets", "OpenTicket", aggregateUid=new_uid(),
                              locationRef=location, ticket=TICKET,
                              openedDate="2021-03-15T09:05:00+01:00"))


@pytest.fixture(scope="module")
def s(env, api):
    """The scenario: every entity by name, and an Api per user."""
    su = Api(api, env["PERFIMMO_API_KEY"])
    w = {"su": su, "start": feed_end(api, key_auth(env["PERFIMMO_API_KEY"]))}
    w["cc1"] = company(su, "CreateCallCenter")
    w["cc2"] = company(su, "CreateCallCenter")
    w["h1"] = company(su, "CreateClientAccountHolding", callCenterReference=w["cc1"])
    w["a1"] = company(su, "CreateClientAccount", callCenterReference=w["cc1"],
                      holdingReference=w["h1"])
    w["a2"] = company(su, "CreateClientAccount", callCenterReference=w["cc1"])
    w["b1"] = company(su, "CreateClientAccount", callCenterReference=w["cc2"])
    w["ag1"], w["ag2"] = agency(su, w["a1"]), agency(su, w["a1"])
    w["ag4"], w["ag5"] = agency(su, w["a2"]), agency(su, w["b1"])
    for name in ("1", "2", "4", "5"):
        w["p" + name] = patrimony(su, w["ag" + name])
    for name in ("1", "2", "5"):
        w["l" + name] = lot(su, w["p" + name])
    w["t1"] = ticket(su, agency_location(w["ag1"]))
    w["t2"] = ticket(su, patrimony_location(w["p2"]))
    w["t3"] = ticket(su, agency_location(w["ag2"]))
    w["t4"] = ticket(su, agency_location(w["ag4"]))
    w["t5"] = ticket(su, patrimony_location(w["p5"]))
    w["k1"], w["k2"] = contact(su, w["a1"]), contact(su, w["b1"])

    su_auth = key_auth(env["PERFIMMO_API_KEY"])
    users = {
        "cc_user": make_user(env, api, su_auth, "ReferenceCallCenterUser", w["cc1"]),
        "cam": make_user(env, api, su_auth, "ReferenceClientAccountManager", w["a1"]),
        "ex": make_user(env, api, su_auth, "ReferenceExecutive", w["a1"],
                        managedAgencies=[w["ag1"]]),
        "pm": make_user(env, api, su_auth, "ReferencePatrimonyManager", w["a1"],
                        managedPatrimonies=[w["p2"]]),
        "cam_b": make_user(env, api, su_auth, "ReferenceClientAccountManager", w["b1"]),
    }
    for name, user in users.items():
        w[name] = user.uid
        w["api:" + name] = Api(api, user.key)
    w["users"] = users
    return w


def names_of(s, kind, uids):
    return {name for name in KINDS[kind] if s[name] in uids}


def listed(reply):
    if reply.status == 404:
        return set()
    assert reply.status in (200, 206), reply
    return {item["uid"] for item in reply.json()["result"]}


def seen_by_lists(s, user):
    """The entities the list endpoints show USER: the SQL rules of the lists."""
    client = s["api:" + user]
    uids = listed(client.get("/api/v1/clientcompanies"))
    for name in ("a1", "a2", "b1"):
        uids |= listed(client.get(f"/api/v1/clientcompanies/{s[name]}/agencies"))
    for name in KINDS["company"]:
        uids |= listed(client.get(f"/api/v1/clientcompanies/{s[name]}/users"))
    uids |= listed(client.get("/api/v1/patrimonies"))
    for name in KINDS["patrimony"]:
        uids |= listed(client.get(f"/api/v1/lots?patrimonyuid={s[name]}"))
    uids |= listed(client.get("/api/v1/tickets"))
    uids |= listed(client.get("/api/v1/providercontacts"))
    return {name for kind in KINDS for name in names_of(s, kind, uids)}


def seen_in_feed(api, s, user):
    """The aggregates whose events the feed shows USER: aggregate_visible()."""
    events = feed(api, key_auth(s["users"][user].key), after=s["start"])
    uids = {event["event"]["aggregateUid"] for event in events}
    return {name for kind in KINDS if kind != "agency" for name in names_of(s, kind, uids)}


def status(reply):
    return reply.status


def probes(s, user):
    """One command per entity that fails with 404 only out of scope: the C rules."""
    client = s["api:" + user]
    taken_login = s["users"]["cam_b" if user != "cam_b" else "cam"].login
    found = {}

    # IdentifyCompany is the superUser's only: a visible company ends with 403.
    for name in KINDS["company"]:
        found[name] = status(client.command("PATCH", f"/api/vEvent/clientcompanies/{s[name]}",
                                            "IdentifyCompany", siretNumber=SIRET))

    for name in KINDS["agency"]:
        # The patrimony uid is taken: a visible agency ends with 409 (or 403).
        found[name] = status(client.command("POST", "/api/vEvent/patrimonies",
                                            "ReferencePatrimony", aggregateUid=s["p1"],
                                            ref="REF-X", agencyUids=[s[name]]))

    # The agency is already associated, and the lot uid taken: 409 (or 403) when visible.
    for name in KINDS["patrimony"]:
        own_agency = s["ag" + name[1:]]
        found[name] = status(client.command("PATCH", f"/api/vEvent/patrimonies/{s[name]}",
                                            "AssociatePatrimonyInAgency", agencyUid=own_agency))
    for name in KINDS["lot"]:
        found[name] = status(client.command("POST", "/api/vEvent/lots", "ReferenceLot",
                                            aggregateUid=s[name], ref="LOT-X", lotNumber="X1",
                                            patrimonyUid=s["p" + name[1:]], usage="Apartment",
                                            addresses=[LOT_ADDRESS]))

    # The ticket has no assignee yet, and the contact is already associated with the company.
    for name in KINDS["ticket"]:
        found[name] = status(client.ticket(s[name], "DefineInterventionDeadline",
                                           assignee=anonymous_assignee(),
                                           date="2021-03-16T09:00:00Z",
                                           deadline="2021-03-20T09:00:00Z"))
    for name, company_name in (("k1", "a1"), ("k2", "b1")):
        found[name] = status(client.command("PATCH", f"/api/vEvent/providercontacts/{s[name]}",
                                            "AssociateProviderContactToCompany",
                                            companyUid=s[company_name], date="2021-03-01"))

    # The login is another user's: 409 when visible, 403 on another user for EX and PM.
    for name in USERS:
        found[name] = status(client.command("PATCH", f"/api/vEvent/users/{s[name]}",
                                            "UpdateLogin", login=taken_login))
    return found


def location_probes(s, user):
    """OpenTicket on a taken uid: 404 only when the location is out of scope (C)."""
    client = s["api:" + user]
    found = {}
    for name in KINDS["agency"] + KINDS["patrimony"]:
        location = agency_location(s[name]) if name.startswith("ag") else patrimony_location(s[name])
        found[name] = status(client.command("POST", "/api/vEvent/tickets", "OpenTicket",
                                            aggregateUid=s["t1"], locationRef=location,
                                            ticket=TICKET, openedDate="2021-03-15T09:05:00+01:00"))
    return found


@pytest.mark.parametrize("user", USERS)
def test_lists_show_the_scope(s, user):
    assert seen_by_lists(s, user) == VISIBLE[user]


@pytest.mark.parametrize("user", USERS)
def test_feed_shows_the_scope(api, s, user):
    expected = {name for name in VISIBLE[user] if name not in KINDS["agency"]}
    assert seen_in_feed(api, s, user) == expected


@pytest.mark.parametrize("user", USERS)
def test_commands_see_the_scope(s, user):
    found = probes(s, user)
    assert {name for name, code in found.items() if code != 404} == VISIBLE[user], found
    assert all(code in (403, 404, 409) for code in found.values()), found


@pytest.mark.parametrize("user", USERS)
def test_ticket_locations_see_the_scope(s, user):
    found = location_probes(s, user)
    places = set(KINDS["agency"] + KINDS["patrimony"])
    assert {name for name, code in found.items() if code != 404} == VISIBLE[user] & places, found
    assert all(code in (403, 404, 409) for code in found.values()), found


def test_probes_change_nothing(api, s):
    """Every probe was rejected, so the scenario's journal ends where it was built."""
    before = feed_end(api, key_auth(s["users"]["cam"].key))
    probes(s, "cc_user")
    location_probes(s, "cc_user")
    assert feed_end(api, key_auth(s["users"]["cam"].key)) == before
