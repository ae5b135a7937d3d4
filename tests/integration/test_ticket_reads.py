"""Ticket reads over HTTPS: the list with every filter alone
and combined, its sort, aggregations and `range` pagination; export; stats;
the ticket event feed; provider-contact statistics."""

import datetime
import urllib.parse

import pytest

from ticket_support import (
    Api, World, agency_location, anonymous_assignee, contact_assignee, new_uid, open_ticket,
    patrimony_location,
)


@pytest.fixture(scope="module")
def demo(env, api):
    return Api(api, env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def data(demo):
    """Five tickets in two fresh agencies; TOKEN makes their texts unique."""
    world = World(demo)
    world.token = new_uid()[:8]
    world.a = world.agency(f"Agence Tok{world.token}")
    world.b = world.agency("Agence Bron")
    world.patrimony_uid = world.patrimony(f"PAT{world.token}", [world.a, world.b], label="Les Cèdres")
    world.plumber = world.contact("Marc", "Perrin")
    token = world.token
    world.t1 = open_ticket(demo, agency_location(world.a), opened="2021-03-01T08:00:00Z",
                           request=f"Fuite {token}", purpose="Plomberie / Fuite", city="Lyon")
    world.t2 = open_ticket(demo, agency_location(world.a), opened="2021-03-02T08:00:00Z",
                           request=f"Panne {token}", purpose="Électricité", city="Villeurbanne",
                           additionalData={"Code immeuble": f"IMM{token}"})
    world.t3 = open_ticket(demo, agency_location(world.b), opened="2021-03-03T08:00:00Z",
                           request=f"Prise {token}", purpose="électricité", city="LYON")
    # 00:30 in Paris on April 1st, still March 31st in UTC.
    world.t4 = open_ticket(demo, patrimony_location(world.patrimony_uid), opened="2021-03-31T22:30:00Z",
                           request=f"Chauffe-eau en panne {token}", purpose="Chauffe-eau", city="Bron")
    world.t5 = open_ticket(demo, agency_location(world.b), opened="2021-03-05T08:00:00Z",
                           request=f"Robinet {token}", purpose="Plomberie / Fuite", city="Lyon")
    assert demo.ticket(world.t2, "CloseTicket", stillOnSite="No",
                       closingDate="2021-03-02T12:00:00Z").status == 200
    for command, fields in [
        ("IdentifyAssignee", {"assignee": contact_assignee(world.plumber), "date": "2021-03-03T09:00:00Z"}),
        ("ArriveOnSite", {"assignee": contact_assignee(world.plumber), "date": "2021-03-04T09:00:00Z"}),
    ]:
        assert demo.ticket(world.t3, command, **fields).status == 200
    assert demo.ticket(world.t5, "IdentifyAssignee", assignee=anonymous_assignee("Plombier Tok"),
                       date="2021-03-05T09:00:00Z").status == 200
    return world


def listed(demo, query):
    reply = demo.get("/api/v1/tickets?" + query)
    assert reply.status in (200, 206), reply
    return [item["uid"] for item in reply.json()["result"]]


def both(data):
    return f"agency={data.a},{data.b}"


# ---------------------------------------------------------------- filters

def test_list_sorted_by_created_desc(demo, data):
    assert listed(demo, both(data)) == [data.t4, data.t5, data.t3, data.t2, data.t1]


def test_filter_agency_includes_patrimony_tickets(demo, data):
    assert listed(demo, f"agency={data.a}") == [data.t4, data.t2, data.t1]
    assert listed(demo, f"agency={data.b}") == [data.t4, data.t5, data.t3]
    assert listed(demo, f"agency={data.a}&agency={data.b}") == listed(demo, both(data))


def test_filter_status(demo, data):
    assert listed(demo, both(data) + "&status=CLOSED") == [data.t2]
    assert len(listed(demo, both(data) + "&status=OPENED")) == 4


def test_filter_location_folds_case(demo, data):
    assert listed(demo, both(data) + "&location=lyon") == [data.t5, data.t3, data.t1]
    assert listed(demo, both(data) + "&location=bron,villeurbanne") == [data.t4, data.t2]


def test_filter_dates_use_the_tenant_time_zone(demo, data):
    assert listed(demo, both(data) + "&from=2021-04-01") == [data.t4]
    assert listed(demo, both(data) + "&to=2021-03-31") == [data.t5, data.t3, data.t2, data.t1]
    assert listed(demo, both(data) + "&from=2021-03-02&to=2021-03-03") == [data.t3, data.t2]


def test_filter_call_purpose_folds_accents(demo, data):
    assert listed(demo, both(data) + "&callpurpose=electricite") == [data.t3, data.t2]
    assert listed(demo, both(data) + "&callpurpose=" + urllib.parse.quote("Électricité")) == [data.t3, data.t2]


def test_filter_active_providers(demo, data):
    assert listed(demo, both(data) + f"&activeproviders={data.plumber}") == [data.t3]


def test_filter_intervention(demo, data):
    assert listed(demo, both(data) + "&intervention=true") == [data.t3]
    assert listed(demo, both(data) + "&intervention=false") == [data.t4, data.t5, data.t2, data.t1]


def test_filters_combine_with_and(demo, data):
    assert listed(demo, f"agency={data.b}&location=lyon&callpurpose=electricite&intervention=true"
                  f"&status=OPENED&from=2021-03-01&to=2021-03-31") == [data.t3]
    assert listed(demo, f"agency={data.a}&location=lyon&status=CLOSED") == []


@pytest.mark.parametrize("terms, expected", [
    ("chauffe eau,{token}", ["t4"]),
    ("CHAUFFE-EAU,{token}", ["t4"]),
    ("electricite {token}", []),
    ("panne {token}", ["t4", "t2"]),
    ("imm{token}", ["t2"]),
    ("tok{token}", ["t4", "t2", "t1"]),
    ("pat{token}", ["t4"]),
    ("les cedres,{token}", ["t4"]),
])
def test_fulltext(demo, data, terms, expected):
    query = urllib.parse.quote(terms.format(token=data.token), safe=",")
    assert listed(demo, "fulltext=" + query) == [getattr(data, name) for name in expected]


def test_fulltext_matches_assignee_and_caller_names(demo, data):
    assert listed(demo, f"fulltext=marc%20perrin,{data.token}") == [data.t3]
    assert listed(demo, f"fulltext=plombier%20tok,{data.token}") == [data.t5]


def test_fulltext_with_another_filter_is_400(demo, data):
    reply = demo.get(f"/api/v1/tickets?fulltext=x&status=OPENED")
    assert reply.status == 400
    assert reply.json()["errorType"] == "BadRequest"
    assert reply.header("Accept-Range") == "100"


@pytest.mark.parametrize("query", [
    "agency=nope", "status=open", "from=2021-02-30", "intervention=yes", "activeproviders=1",
    "from=2021-03-02&to=2021-03-01", "status=OPENED&status=CLOSED",
])
def test_bad_parameters_are_400(demo, query):
    reply = demo.get("/api/v1/tickets?" + query)
    assert reply.status == 400, reply
    assert reply.json()["errorType"] == "BadRequest", reply
    assert reply.header("Accept-Range") == "100"


def test_aggregations_cover_every_match(demo, data):
    reply = demo.get(f"/api/v1/tickets?{both(data)}&range=0-0")
    assert reply.status == 206
    aggregations = reply.json()["aggergations"]
    assert aggregations["status"] == [{"value": "OPENED", "count": 4}, {"value": "CLOSED", "count": 1}]
    agencies = {bucket["value"]: bucket for bucket in aggregations["agencies"]}
    assert agencies[data.a]["count"] == 3
    assert agencies[data.b]["count"] == 3
    assert agencies[data.a]["label"] == f"Agence Tok{data.token}"
    assert aggregations["locations"][0] == {"value": "Lyon", "count": 3}
    assert aggregations["interventions"] == [{"value": "false", "count": 4}, {"value": "true", "count": 1}]
    assert aggregations["providers"] == [{"value": data.plumber, "label": "Marc Perrin", "count": 1}]
    purposes = {bucket["value"]: bucket["count"] for bucket in aggregations["callPurposes"]}
    assert purposes["Plomberie / Fuite"] == 2


def test_aggregations_same_on_every_page(demo, data):
    first = demo.get(f"/api/v1/tickets?{both(data)}&range=0-0")
    last = demo.get(f"/api/v1/tickets?{both(data)}&range=4-4")
    assert (first.status, last.status) == (206, 206)
    assert last.json()["aggergations"] == first.json()["aggergations"]


def test_list_pages_are_the_export_reversed(demo, data):
    pages = [listed(demo, f"{both(data)}&range={start}-{start + 1}") for start in (0, 2, 4)]
    exported = demo.get(f"/api/v1/tickets/export?{both(data)}").json()["result"]
    assert [uid for page in pages for uid in page] == [item["uid"] for item in reversed(exported)]


def test_list_item_view(demo, data):
    reply = demo.get(f"/api/v1/tickets?agency={data.b}&activeproviders={data.plumber}")
    [item] = reply.json()["result"]
    assert item["agencies"] == [{"uid": data.b, "name": "Agence Bron"}]
    assert item["state"]["value"] == "ArrivedOnSite"
    assert item["caller"] == {"name": "Claire Fontaine",
                              "medium": [{"mediumType": "PHONE", "identifier": "0472001122"}]}
    assert item["assignee"]["assigneeType"] == "ProviderContact"
    assert item["openingTicketPurpose"] == {"callPurpose": "électricité"}
    assert "closed" not in item


# ---------------------------------------------------------------- pagination

def test_pagination_edges(demo, data):
    reply = demo.get(f"/api/v1/tickets?{both(data)}&range=0-1")
    assert (reply.status, reply.header("Content-Range"), reply.header("Accept-Range")) == (206, "0-1/5", "100")
    reply = demo.get(f"/api/v1/tickets?{both(data)}&range=3-99")
    assert (reply.status, reply.header("Content-Range")) == (206, "3-4/5")
    assert len(reply.json()["result"]) == 2
    reply = demo.get(f"/api/v1/tickets?{both(data)}&range=0-4")
    assert (reply.status, reply.header("Content-Range")) == (200, "0-4/5")
    reply = demo.get(f"/api/v1/tickets?{both(data)}&range=5-9")
    assert (reply.status, reply.header("Content-Range")) == (416, "*/5")
    assert reply.json()["errorType"] == "RangeNotSatisfiable"
    assert reply.header("Accept-Range") == "100"
    reply = demo.get(f"/api/v1/tickets?agency={new_uid()}&range=5-9")
    assert (reply.status, reply.header("Content-Range")) == (200, "*/0")
    assert reply.json()["result"] == []
    for bad in ("4-2", "0-100", "a-b", "-1-3"):
        reply = demo.get(f"/api/v1/tickets?{both(data)}&range={bad}")
        assert reply.status == 400, bad
        assert reply.json()["errorType"] == "InvalidRange", bad
        assert reply.header("Accept-Range") == "100"


# ---------------------------------------------------------------- export

def test_export(demo, data):
    assert demo.ticket(data.t1, "AddMessage", message="premier",
                       messageAddedDate="2021-03-01T09:00:00Z").status == 200
    reply = demo.get(f"/api/v1/tickets/export?{both(data)}")
    assert reply.status == 200
    assert reply.header("Accept-Range") == "20000"
    assert reply.header("Content-Range") == "0-4/5"
    result = reply.json()["result"]
    assert [item["uid"] for item in result] == [data.t1, data.t2, data.t3, data.t5, data.t4]
    first = result[0]
    assert first["freeCommentaries"] == [{"date": "2021-03-01T09:00:00.000Z", "message": "premier"}]
    assert first["callPurpose"] == "Plomberie / Fuite"
    assert first["journalAdditionalInfos"] == {}
    assert first["stats"] == {}
    assert result[1]["additionalDataz"] == {"Code immeuble": f"IMM{data.token}"}
    assert result[2]["stats"] == {"callCenterReactionTime": 3600000, "interventionResponseTime": 90000000}
    reply = demo.get(f"/api/v1/tickets/export?{both(data)}&range=0-20000")
    assert reply.status == 400
    assert reply.json()["errorType"] == "InvalidRange"


# ---------------------------------------------------------------- stats

def test_stats(demo, data):
    reply = demo.get(f"/api/v1/tickets/stats?agency={data.a}&from=2021-03-01&to=2021-03-10")
    assert reply.status == 200
    stats = reply.json()
    assert stats["ticketCreationFrequency"] == {"byDay": 0.2}
    assert stats["newTickets"] == {"lastSevenDays": 0, "lastMonth": 0, "currentMonth": 0}

    agency = data.agency("Agence Stats")
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    open_ticket(demo, agency_location(agency), opened=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    open_ticket(demo, agency_location(agency), opened="2021-03-01T08:00:00Z")
    stats = demo.get(f"/api/v1/tickets/stats?agency={agency}").json()
    assert stats["newTickets"]["lastSevenDays"] == 1
    assert stats["newTickets"]["currentMonth"] == 1
    day = datetime.timedelta(days=1)
    window = f"from={(now - day).date()}&to={(now + day).date()}"
    stats = demo.get(f"/api/v1/tickets/stats?agency={agency}&{window}").json()
    assert stats["ticketCreationFrequency"] == {"byDay": 0.33}
    empty = demo.get(f"/api/v1/tickets/stats?agency={new_uid()}").json()
    assert empty == {"newTickets": {"lastSevenDays": 0, "lastMonth": 0, "currentMonth": 0},
                     "ticketCreationFrequency": {"byDay": 0}}
    assert demo.get("/api/v1/tickets/stats?fulltext=a&status=OPENED").status == 400


# ---------------------------------------------------------------- feed

def test_ticket_event_feed(demo, data):
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=2)
    uid = open_ticket(demo, agency_location(data.a))
    demo.ticket(uid, "AddMessage", message="m", messageAddedDate="2021-03-01T09:00:00Z")
    end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
    window = "from={}&to={}".format(urllib.parse.quote(start.strftime("%Y-%m-%dT%H:%M:%S+00:00")),
                                    urllib.parse.quote(end.strftime("%Y-%m-%dT%H:%M:%S+00:00")))
    reply = demo.get("/api/vEvent/tickets?" + window)
    assert reply.status in (200, 206), reply
    assert reply.header("Accept-Range") == "100"
    events = [e for e in reply.json()["events"] if e["aggregateUid"] == uid]
    assert [e["eventType"] for e in events] == ["TicketOpened", "MessageAdded"]
    sent = [e["sentDate"] for e in reply.json()["events"]]
    assert sent == sorted(sent)
    reply = demo.get("/api/vEvent/tickets?" + window + "&range=0-0")
    assert reply.status == 206
    assert len(reply.json()["events"]) == 1
    for query in ("", "from=2021-03-01T00:00:00Z", "from=2021-03-02T00:00:00Z&to=2021-03-01T00:00:00Z"):
        reply = demo.get("/api/vEvent/tickets?" + query)
        assert reply.status == 400, query
        assert reply.json()["errorType"] == "BadRequest", query


# ---------------------------------------------------------------- provider contact stats

def test_provider_contact_stats(demo, data):
    contact = data.contact("Paul", "Durand")
    assignee = contact_assignee(contact)
    recipient = {"provider": {"providerUid": contact, "providerType": "ReferencedProvider"},
                 "personaType": "ProviderPersona"}
    phone = {"phone": "0600000000", "contactMediumType": "Phone"}
    uid = open_ticket(demo, agency_location(data.a), opened="2021-03-10T08:00:00Z")
    for command, fields in [
        ("EmitCallTo", {"recipient": recipient, "medium": phone, "date": "2021-03-10T08:10:00Z"}),
        ("EmitCallTo", {"recipient": recipient, "medium": phone, "date": "2021-03-10T08:20:00Z"}),
        ("IdentifyAssignee", {"assignee": assignee, "date": "2021-03-10T08:30:00Z"}),
        ("AcceptIntervention", {"assignee": assignee, "date": "2021-03-10T09:10:00Z"}),
        ("StartIntervention", {"assignee": assignee, "startedDate": "2021-03-10T10:10:00Z"}),
        ("FinishIntervention", {"assignee": assignee, "finishedDate": "2021-03-10T11:10:00Z"}),
    ]:
        assert demo.ticket(uid, command, **fields).status == 200, command
    reply = demo.get(f"/api/v1/providercontacts/{contact}/stats?from=2021-03-01&to=2021-03-31")
    assert reply.status == 200, reply
    assert reply.json() == {
        "interventionDelay": [{"day": "2021-03-10", "value": 3600000}],
        "missionAcceptedDelay": [{"day": "2021-03-10", "value": 3600000}],
        "repairDelay": [{"day": "2021-03-10", "value": 7200000}],
        "callBeforeMissionAccepted": [{"day": "2021-03-10", "value": 2}],
        "interventionNumber": [{"day": "2021-03-10", "value": 1}],
    }
    empty = demo.get(f"/api/v1/providercontacts/{contact}/stats?from=2021-04-01&to=2021-04-30").json()
    assert all(values == [] for values in empty.values())
    assert demo.get(f"/api/v1/providercontacts/{new_uid()}/stats").status == 404
    assert demo.get(f"/api/v1/providercontacts/{contact}/stats?from=2021-04-02&to=2021-04-01").status == 400


def test_unknown_ticket_detail_is_404(demo):
    reply = demo.get(f"/api/v1/tickets/{new_uid()}")
    assert reply.status == 404
    assert reply.json()["errorType"] == "NotFound"
    assert demo.get("/api/v1/tickets/not-a-uid").status == 400


def test_rebuild_gives_identical_ticket_reads(env, demo, data, admin):
    paths = [f"/api/v1/tickets/{uid}" for uid in (data.t1, data.t2, data.t3, data.t4, data.t5)]
    paths += [f"/api/v1/tickets?{both(data)}", f"/api/v1/tickets/export?{both(data)}",
              f"/api/v1/tickets?fulltext=les%20cedres,{data.token}"]
    before = {path: demo.get(path).json() for path in paths}

    admin("rebuild", "--tenant", env["PERFIMMO_TENANT"])

    for path in paths:
        assert demo.get(path).json() == before[path], path
