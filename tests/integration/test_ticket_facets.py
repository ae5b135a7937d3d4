"""ticket_facets and the inlined list and export items.

The rows that the ticket list, export and stats filter on stay equal to
`tickets` after every kind of write, a rebuild included.  The items equal
the TicketQueryView and ExportedTicket of the former view functions byte
for byte.  Aggregations, counts and stats stay right for tickets whose
facets changed after they were opened."""

import datetime
import urllib.parse
import zoneinfo

import pytest

from ticket_support import (
    Api, World, agency_location, anonymous_assignee, contact_assignee, new_uid, open_ticket,
    patrimony_location,
)

# The time zone of the test tenant, in which stats count days.
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

# The facets of a ticket as ticket_facets stores them and as `tickets` contains them.
FACET_COLUMNS = ("created, position, patrimony_uid, company_uid, call_center_uid, "
                 "assignee_provider_uid, intervention, status, agency_uids, call_purpose, "
                 "call_purpose_folded, city, city_folded, search_folded")
TICKET_COLUMNS = FACET_COLUMNS.replace("city, city_folded", "address ->> 'city', city_folded")


@pytest.fixture(scope="module")
def demo(env, api):
    return Api(api, env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def schema(env):
    return "t_" + env["PERFIMMO_TENANT"]


@pytest.fixture(scope="module")
def data(demo):
    """Tickets whose facets change after they are opened; TOKEN makes their texts unique."""
    world = World(demo)
    world.token = new_uid()[:8]
    token = world.token
    world.a = world.agency(f"Agence Facette{token}")
    world.b = world.agency(f"Agence Seconde{token}")
    world.c = world.agency(f"Agence Rejointe{token}")
    world.labelled = world.patrimony(f"PF{token}", [world.a], label=f"Résidence Érables {token}")
    world.unlabelled = world.patrimony(f"PN{token}", [world.a, world.b])
    world.plumber = world.contact("Jeanne", f"Facette{token}")

    world.t1 = open_ticket(demo, patrimony_location(world.labelled), opened="2022-05-02T08:00:00Z",
                           request=f"Fuite {token}", purpose="Plomberie / Fuite", city="LYON")
    world.t2 = open_ticket(demo, agency_location(world.b), opened="2022-05-03T08:00:00Z",
                           request=f"Panne {token}", purpose="Électricité", city="Lyon",
                           additionalData={"Code porte": f"CP{token}"})
    world.t3 = open_ticket(demo, patrimony_location(world.unlabelled), opened="2022-05-04T08:00:00Z",
                           request=f"Prise {token}", purpose="electricite", city="Bron")
    world.t4 = open_ticket(demo, agency_location(world.a), opened="2022-05-05T08:00:00Z",
                           request=f"Volet {token}", purpose="Serrurerie", city="Écully")

    # Agencies change through the patrimony, status through a closing and
    # a reopening, the call purpose and the address through corrections.
    world.associate_patrimony(world.labelled, world.c)
    assert demo.ticket(world.t2, "CloseTicket", stillOnSite="No",
                       closingDate="2022-05-03T12:00:00Z").status == 200
    assert demo.ticket(world.t4, "CloseTicket", stillOnSite="No",
                       closingDate="2022-05-05T12:00:00Z").status == 200
    assert demo.ticket(world.t4, "ReopenTicket", date="2022-05-06T08:00:00Z").status == 200
    assert demo.ticket(world.t4, "CorrectOpeningTicketPurpose", otpLabel="Vitrerie").status == 200
    assert demo.ticket(world.t4, "CorrectLocationReference", locationReference=agency_location(world.b),
                       address={"street": "3 rue Neuve", "zipCode": "69100",
                                "city": "Villeurbanne"}).status == 200
    for command, fields in [
        ("IdentifyAssignee", {"assignee": contact_assignee(world.plumber), "date": "2022-05-04T09:00:00Z"}),
        ("ArriveOnSite", {"assignee": contact_assignee(world.plumber), "date": "2022-05-04T10:00:00Z"}),
    ]:
        assert demo.ticket(world.t3, command, **fields).status == 200, command
    assert demo.ticket(world.t1, "IdentifyAssignee", assignee=anonymous_assignee(f"Vitrier {token}"),
                       date="2022-05-02T09:00:00Z").status == 200
    assert demo.ticket(world.t1, "AddMessage", message="Gardien prévenu",
                       messageAddedDate="2022-05-02T09:30:00Z").status == 200
    return world


def listed(demo, query):
    reply = demo.get("/api/v1/tickets?" + query)
    assert reply.status in (200, 206), reply
    return reply


def uids(reply):
    return [item["uid"] for item in reply.json()["result"]]


def facet_differences(superuser_sql, schema):
    """Tickets of the tenant whose facets row is missing, extra or different."""
    [[count]] = superuser_sql(
        f"SELECT count(*) FROM {schema}.tickets t FULL JOIN {schema}.ticket_facets f USING (uid)"
        f" WHERE ({', '.join('t.' + c.strip() for c in TICKET_COLUMNS.split(', '))})"
        f" IS DISTINCT FROM ({', '.join('f.' + c.strip() for c in FACET_COLUMNS.split(', '))})")
    return int(count)


# ---------------------------------------------------------------- facets follow tickets

def test_facets_equal_tickets_after_writes(superuser_sql, schema, data):
    assert facet_differences(superuser_sql, schema) == 0
    [[tickets, facets]] = superuser_sql(f"SELECT (SELECT count(*) FROM {schema}.tickets),"
                                        f" (SELECT count(*) FROM {schema}.ticket_facets)")
    assert tickets == facets


def test_patrimony_agency_change_filters(demo, data):
    assert uids(listed(demo, f"agency={data.c}")) == [data.t1]
    aggregations = listed(demo, f"agency={data.c}").json()["aggergations"]
    assert [bucket["value"] for bucket in aggregations["agencies"]] == sorted([data.a, data.c])


def test_corrections_change_filters(demo, data):
    assert uids(listed(demo, f"agency={data.b}&callpurpose=vitrerie&location=villeurbanne")) == [data.t4]
    assert uids(listed(demo, f"agency={data.a}&location=ecully")) == []
    assert uids(listed(demo, f"agency={data.a},{data.b}&status=OPENED")) == [data.t4, data.t3, data.t1]
    assert uids(listed(demo, f"agency={data.a},{data.b}&status=CLOSED")) == [data.t2]


# ---------------------------------------------------------------- items

@pytest.mark.parametrize("old, new", [
    ("ticket_query_view", "ticket_list_item"),
    ("ticket_export_view", "ticket_export_item"),
])
def test_items_equal_former_views(superuser_sql, schema, data, old, new):
    [[compared, different]] = superuser_sql(
        f"SET search_path TO {schema}, perfimmo_ext;"
        f" SELECT count(*), count(*) FILTER (WHERE {old}(t)::text IS DISTINCT FROM"
        f"  (SELECT item::text FROM {new}(t) AS item)) FROM tickets t", timeout=120)
    assert int(compared) >= 4
    assert different == "0"


def test_list_item_of_labelled_patrimony(demo, data):
    [item] = listed(demo, f"agency={data.c}").json()["result"]
    assert item["patrimony"] == {"uid": data.labelled, "name": f"Résidence Érables {data.token}",
                                 "ref": f"PF{data.token}"}
    assert [agency["uid"] for agency in item["agencies"]] == [data.a, data.c]
    assert item["assignee"]["assigneeType"] == "Anonymous"


def test_export_item_of_contact_assignee(demo, data):
    reply = demo.get(f"/api/v1/tickets/export?agency={data.b}&intervention=true")
    assert reply.status == 200, reply
    [item] = reply.json()["result"]
    assert item["uid"] == data.t3
    assert item["patrimony"] == {"uid": data.unlabelled, "name": f"PN{data.token}", "ref": f"PN{data.token}"}
    assert item["assignee"]["uid"] == data.plumber
    assert item["assignee"]["name"] == f"Jeanne Facette{data.token}"
    assert item["journalAdditionalInfos"] == {}


# ---------------------------------------------------------------- aggregations

def test_aggregations_with_combined_filters(demo, data):
    reply = listed(demo, f"agency={data.a},{data.b}&status=OPENED&location=lyon,bron&range=0-0")
    assert reply.header("Content-Range") == "0-0/2"
    assert reply.json()["aggergations"] == {
        "status": [{"value": "OPENED", "count": 2}],
        "agencies": sorted([{"value": data.a, "label": f"Agence Facette{data.token}", "count": 2},
                            {"value": data.b, "label": f"Agence Seconde{data.token}", "count": 1},
                            {"value": data.c, "label": f"Agence Rejointe{data.token}", "count": 1}],
                           key=lambda bucket: (-bucket["count"], bucket["value"])),
        "callPurposes": [{"value": "Plomberie / Fuite", "count": 1}, {"value": "electricite", "count": 1}],
        "locations": [{"value": "Bron", "count": 1}, {"value": "LYON", "count": 1}],
        "interventions": [{"value": "false", "count": 1}, {"value": "true", "count": 1}],
        "providers": [{"value": data.plumber, "label": f"Jeanne Facette{data.token}", "count": 1}],
    }


def test_location_spelling_lowest_position(demo, data):
    agency = data.agency(f"Agence Orthographe{data.token}")
    first = open_ticket(demo, agency_location(agency), opened="2022-06-01T08:00:00Z", city="SAINT-PRIEST")
    open_ticket(demo, agency_location(agency), opened="2022-06-02T08:00:00Z", city="Saint-Priest")
    locations = listed(demo, f"agency={agency}").json()["aggergations"]["locations"]
    assert locations == [{"value": "SAINT-PRIEST", "count": 2}]

    # A new event gives the first ticket the highest position of the two.
    assert demo.ticket(first, "AddMessage", message="Rappel",
                       messageAddedDate="2022-06-03T08:00:00Z").status == 200
    locations = listed(demo, f"agency={agency}").json()["aggergations"]["locations"]
    assert locations == [{"value": "Saint-Priest", "count": 2}]


@pytest.mark.parametrize("term, expected", [
    ("agence rejointe{token}", ["t1"]),
    ("residence erables {token}", ["t1"]),
    ("pn{token}", ["t3"]),
    ("jeanne facette{token}", ["t3"]),
    ("cp{token}", ["t2"]),
])
def test_fulltext_count_and_aggregations(demo, data, term, expected):
    query = "fulltext=" + urllib.parse.quote(term.format(token=data.token))
    reply = listed(demo, query)
    assert uids(reply) == [getattr(data, name) for name in expected]
    assert reply.header("Content-Range") == f"0-{len(expected) - 1}/{len(expected)}"
    aggregations = reply.json()["aggergations"]
    assert sum(bucket["count"] for bucket in aggregations["status"]) == len(expected)
    stats = demo.get("/api/v1/tickets/stats?" + query)
    assert stats.status == 200, stats
    assert stats.json()["newTickets"] == {"lastSevenDays": 0, "lastMonth": 0, "currentMonth": 0}


def test_stats_dates_apart_from_filters(demo, data):
    reply = demo.get(f"/api/v1/tickets/stats?agency={data.a},{data.b}&status=OPENED"
                     f"&from=2022-05-04&to=2022-05-05")
    assert reply.status == 200, reply
    # t3 and t4 of the three OPENED tickets, over 2 days.
    assert reply.json() == {"newTickets": {"lastSevenDays": 0, "lastMonth": 0, "currentMonth": 0},
                            "ticketCreationFrequency": {"byDay": 1}}


def test_stats_from_alone_ends_now(demo, data):
    agency = data.agency(f"Agence Maintenant{data.token}")
    opened = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    open_ticket(demo, agency_location(agency), opened=opened.strftime("%Y-%m-%dT%H:%M:%SZ"))
    day = opened.astimezone(PARIS).date()
    reply = demo.get(f"/api/v1/tickets/stats?agency={agency}&from={day}")
    assert reply.status == 200, reply
    # One ticket over the days from `from` to today: one day, or two after midnight.
    days = (datetime.datetime.now(PARIS).date() - day).days + 1
    assert reply.json()["ticketCreationFrequency"] == {"byDay": round(1 / days, 2)}
    assert reply.json()["newTickets"]["lastSevenDays"] == 1


# ---------------------------------------------------------------- rebuild

def test_rebuild_fills_facets_again(env, superuser_sql, schema, data, admin):
    admin("rebuild", "--tenant", env["PERFIMMO_TENANT"], timeout=300)

    assert facet_differences(superuser_sql, schema) == 0
    [[facets]] = superuser_sql(f"SELECT count(*) FROM {schema}.ticket_facets")
    assert int(facets) > 0
