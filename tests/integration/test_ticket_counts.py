"""ticket_counts, the aggregations that the write path counts ahead.

A list filtered by nothing but `status` sums its count and aggregations
from ticket_counts.  Tickets here open, get assigned, fixed, cancelled,
reopened, corrected and moved to other agencies.  After that, those lists
return the same bytes as the scan of the matching tickets, for the
superUser and for scoped users.  The counts equal a recount of
ticket_facets, before and after a rebuild of the read model."""

import pytest

from auth_support import make_user
from ticket_support import (
    Api, World, agency_location, anonymous_assignee, contact_assignee, new_uid, open_ticket,
    patrimony_location,
)

# A `to` date after every ticket: it matches the same tickets as no date
# filter, but a date filter makes the list count the matching tickets.
SCAN_ALL = "to=2999-12-31"

# Lists that ticket_counts serves.
COUNTED_QUERIES = ["", "status=OPENED", "status=CLOSED", "status=OPENED&range=1-2"]

# The counter rows that ticket_facets gives, as 017_ticket_counts.sql defines them.
RECOUNT_SQL = """
SELECT r.company_uid, r.call_center_uid, r.agency_uids, r.status, r.kind, r.value, r.spelling,
       count(*)
  FROM {schema}.ticket_facets f CROSS JOIN LATERAL {schema}.ticket_counts_rows(f) AS r
 GROUP BY 1, 2, 3, 4, 5, 6, 7
"""
COUNTS_SQL = """
SELECT company_uid, call_center_uid, agency_uids, status, kind, value, spelling, n
  FROM {schema}.ticket_counts
"""


@pytest.fixture(scope="module")
def demo(env, api):
    return Api(api, env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def schema(env):
    return "t_" + env["PERFIMMO_TENANT"]


@pytest.fixture(scope="module")
def data(env, api, demo):
    """Tickets through every kind of write that changes a counter, and scoped users."""
    world = World(demo)
    token = new_uid()[:8]
    world.a = world.agency(f"Agence Compteur{token}")
    world.b = world.agency(f"Agence Voisine{token}")
    world.c = world.agency(f"Agence Ajoutée{token}")
    world.shared = world.patrimony(f"PC{token}", [world.a, world.b])
    world.single = world.patrimony(f"PS{token}", [world.a])
    world.plumber = world.contact("Paul", f"Compteur{token}")
    world.glazier = world.contact("Lise", f"Compteur{token}")

    opened = open_ticket(demo, agency_location(world.a), opened="2022-07-01T08:00:00Z",
                         purpose="Plomberie / Fuite", city="Lyon")
    fixed = open_ticket(demo, patrimony_location(world.shared), opened="2022-07-02T08:00:00Z",
                        purpose="Électricité", city="LYON")
    cancelled = open_ticket(demo, agency_location(world.b), opened="2022-07-03T08:00:00Z",
                            purpose="electricite", city="Bron")
    reopened = open_ticket(demo, patrimony_location(world.single), opened="2022-07-04T08:00:00Z",
                           purpose="Serrurerie", city="Écully")
    corrected = open_ticket(demo, agency_location(world.a), opened="2022-07-05T08:00:00Z",
                            purpose="Vitrerie", city="Vénissieux")

    steps = [
        (opened, "IdentifyAssignee", {"assignee": anonymous_assignee(f"Vitrier {token}"),
                                      "date": "2022-07-01T09:00:00Z"}),
        (fixed, "IdentifyAssignee", {"assignee": contact_assignee(world.plumber),
                                     "date": "2022-07-02T09:00:00Z"}),
        (fixed, "ArriveOnSite", {"assignee": contact_assignee(world.plumber),
                                 "date": "2022-07-02T10:00:00Z"}),
        (fixed, "FixPermanently", {"provider": {"providerUid": world.plumber,
                                                "providerType": "ReferencedProvider"},
                                   "brakedownNature": "Disjoncteur", "stillOnSite": "No",
                                   "report": "Disjoncteur remplacé",
                                   "closingDate": "2022-07-02T12:00:00Z"}),
        (cancelled, "CancelTicket", {"comment": "doublon", "date": "2022-07-03T09:00:00Z"}),
        (reopened, "IdentifyAssignee", {"assignee": contact_assignee(world.plumber),
                                        "date": "2022-07-04T09:00:00Z"}),
        (reopened, "CloseTicket", {"stillOnSite": "No", "closingDate": "2022-07-04T12:00:00Z"}),
        (reopened, "ReopenTicket", {"date": "2022-07-05T08:00:00Z"}),
        (reopened, "IdentifyAssignee", {"assignee": contact_assignee(world.glazier),
                                        "date": "2022-07-05T09:00:00Z"}),
        (corrected, "CorrectOpeningTicketPurpose", {"otpLabel": "Menuiserie"}),
        (corrected, "CorrectLocationReference", {
            "locationReference": agency_location(world.b),
            "address": {"street": "3 rue Neuve", "zipCode": "69100", "city": "Villeurbanne"}}),
        (corrected, "AddMessage", {"message": "Gardien prévenu",
                                   "messageAddedDate": "2022-07-05T09:30:00Z"}),
    ]
    for uid, command, fields in steps:
        reply = demo.ticket(uid, command, **fields)
        assert reply.status == 200, (command, reply)
    # The patrimony's new agency moves its tickets to another agency list.
    world.associate_patrimony(world.single, world.c)

    su = {"Authorization": env["PERFIMMO_API_KEY"]}
    world.users = {
        "superUser": demo,
        "callCenterUser": Api(api, make_user(env, api, su, "ReferenceCallCenterUser",
                                             world.call_center).key),
        "clientAccountManager": Api(api, make_user(env, api, su, "ReferenceClientAccountManager",
                                                   world.company).key),
        "executive": Api(api, make_user(env, api, su, "ReferenceExecutive", world.company,
                                        managedAgencies=[world.b]).key),
        "patrimonyManager": Api(api, make_user(env, api, su, "ReferencePatrimonyManager",
                                               world.company, managedPatrimonies=[world.shared]).key),
    }
    return world


def listed(user, query):
    reply = user.get("/api/v1/tickets?" + query)
    assert reply.status in (200, 206), reply
    return reply


def scanned(query):
    return f"{query}&{SCAN_ALL}" if query else SCAN_ALL


def rows(superuser_sql, sql, schema):
    return sorted(tuple(row) for row in superuser_sql(sql.format(schema=schema)))


# ---------------------------------------------------------------- same bytes as the scan

@pytest.mark.parametrize("user", ["superUser", "callCenterUser", "clientAccountManager",
                                  "executive", "patrimonyManager"])
@pytest.mark.parametrize("query", COUNTED_QUERIES)
def test_counted_list_equals_scan(data, user, query):
    # A range past the end gives 416, whose message contains the count.
    counted = data.users[user].get("/api/v1/tickets?" + query)
    scan = data.users[user].get("/api/v1/tickets?" + scanned(query))
    assert counted.status in (200, 206, 416), counted
    assert counted.status == scan.status
    assert counted.header("Content-Range") == scan.header("Content-Range")
    if counted.status != 416:
        assert counted.json()["aggergations"] == scan.json()["aggergations"]
    assert counted.body == scan.body


def test_executive_counts_follow_moves(data):
    aggregations = listed(data.users["executive"], "").json()["aggergations"]
    # Agency b: the shared patrimony's ticket, the cancelled one and the
    # corrected one, which moved from agency a.
    agencies = {bucket["value"]: bucket["count"] for bucket in aggregations["agencies"]}
    assert agencies[data.b] == 3
    assert agencies[data.a] == 1
    assert data.c not in agencies
    assert aggregations["status"] == [{"value": "CLOSED", "count": 2},
                                      {"value": "OPENED", "count": 1}]
    purposes = {bucket["value"]: bucket["count"] for bucket in aggregations["callPurposes"]}
    assert purposes == {"electricite": 1, "Électricité": 1, "Menuiserie": 1}


def test_locations_with_two_spellings(data):
    """LYON and Lyon fold alike: the list shows the spelling of its ticket of
    lowest position, read from the tickets, not from the counts."""
    query = f"agency={data.a}"
    scan = listed(data.users["clientAccountManager"], query).json()["aggergations"]["locations"]
    assert {"value": "Lyon", "count": 2} in scan
    for query in COUNTED_QUERIES[:2]:
        counted = listed(data.users["clientAccountManager"], query).json()["aggergations"]
        scan = listed(data.users["clientAccountManager"], scanned(query)).json()["aggergations"]
        assert counted["locations"] == scan["locations"]


def saint_fons(user):
    locations = listed(user, "").json()["aggergations"]["locations"]
    return [bucket for bucket in locations if bucket["value"].lower() == "saint-fons"]


def test_location_rare_spelling_lowest_position(demo, data):
    """The rare spelling wins while its ticket has the lowest position, the
    frequent one once a ticket of the frequent one has a lower position."""
    user = data.users["clientAccountManager"]
    agency = data.agency(f"Agence Orthographe {new_uid()[:8]}")
    rare = open_ticket(demo, agency_location(agency), opened="2022-08-01T08:00:00Z", city="SAINT-FONS")
    open_ticket(demo, agency_location(agency), opened="2022-08-02T08:00:00Z", city="Saint-Fons")
    open_ticket(demo, agency_location(agency), opened="2022-08-03T08:00:00Z", city="Saint-Fons")
    assert saint_fons(user) == [{"value": "SAINT-FONS", "count": 3}]

    # A new event gives the rare spelling's ticket the highest position.
    assert demo.ticket(rare, "AddMessage", message="Rappel",
                       messageAddedDate="2022-08-04T08:00:00Z").status == 200
    assert saint_fons(user) == [{"value": "Saint-Fons", "count": 3}]
    assert listed(user, "").body == listed(user, SCAN_ALL).body


# ---------------------------------------------------------------- counts equal a recount

def test_counts_equal_recount(superuser_sql, schema, data):
    assert rows(superuser_sql, COUNTS_SQL, schema) == rows(superuser_sql, RECOUNT_SQL, schema)


def test_counts_keep_no_empty_row(superuser_sql, schema, data):
    [[empty]] = superuser_sql(f"SELECT count(*) FROM {schema}.ticket_counts WHERE n <= 0")
    assert empty == "0"


def test_rebuild_keeps_counts(env, superuser_sql, schema, data, admin):
    before = rows(superuser_sql, COUNTS_SQL, schema)
    admin("rebuild", "--tenant", env["PERFIMMO_TENANT"], timeout=300)

    assert rows(superuser_sql, COUNTS_SQL, schema) == before
    assert rows(superuser_sql, RECOUNT_SQL, schema) == before
    for query in COUNTED_QUERIES:
        assert listed(data.users["superUser"], query).body == \
            listed(data.users["superUser"], scanned(query)).body
