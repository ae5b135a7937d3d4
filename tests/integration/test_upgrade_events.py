"""Upgrading a tenant whose journal contains events in an older shape.

The previous incident system stored the assignee events as ProviderAssigned
and MissionRefused, with a `provider` (a Provider) where the current events
have `assignee` (a TicketAssignee).  The test writes such a ticket stream
straight into the journal, as the owner role of that release would, then
runs `perfimmo-admin migrate --all-tenants` and `rebuild`: every reader and
every decision must then see AssigneeIdentified and InterventionRefused.
"""

import json
import uuid

import pytest

from companies_support import run_sql
from import_support import ensure_tenant
from notify_support import SUBSCRIPTIONS, Receiver, subscribe, wait_until
from ticket_support import (Api, World, agency_location, anonymous_assignee, contact_assignee,
                            journal_events, new_uid, open_ticket, wait_for_host)

# A tenant of each run's own: the sanitizer pass of `scripts/dev test` runs
# the suite a second time on the same database.
TENANT = "upgrade_" + uuid.uuid4().hex[:6]
HOST = TENANT.replace("_", "-") + ".perfimmo.test"
OPERATOR = {"userUid": "4c9e2a7b-6d1f-4b3a-9e8c-2f5d7a0b1c69", "operatorType": "ReferencedUser"}


def sql_text(value):
    """A JSON value as an SQL string literal."""
    return "'" + json.dumps(value, ensure_ascii=False).replace("'", "''") + "'"


def insert_as_owner(env, rows):
    """Append ROWS (aggregate uid, version, eventType, payload, schema version) to the
    ticket streams of the tenant as its owner role, bypassing the API and its projections."""
    values = ",\n".join(
        f"('ticket', '{uid}', {version}, '{event_type}', {sql_text(payload)}::jsonb,"
        f" '{payload['processUid']}', {schema_version})"
        for uid, version, event_type, payload, schema_version in rows)
    return run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SET search_path TO t_{TENANT};
        INSERT INTO events (aggregate_type, aggregate_uid, version, event_type, payload,
                            process_uid, schema_version)
        VALUES {values} RETURNING position;""")


def former_event(uid, event_type, provider, date, sent):
    return {"processUid": new_uid(), "aggregateUid": uid, "operator": OPERATOR,
            "provider": provider, "comment": "Plombier sous contrat", "date": date,
            "sentDate": sent, "eventType": event_type}


@pytest.fixture(scope="module")
def upgraded(env, admin, client_for):
    """A ticket written by the previous release, then the upgrade: migrate and rebuild."""
    api = Api(client_for(HOST), ensure_tenant(env, admin, TENANT, HOST))
    wait_for_host(api)
    world = World(api)
    agency = world.agency("Agence Historique")
    contact = world.contact("Marc", "Perrin", phones=["0478112233"])

    # TicketOpened has kept its shape: take one the API stores and replay it under another uid.
    template = open_ticket(api, agency_location(agency))
    start = api.journal_next()
    opened = next(item["event"] for item in api.get("/api/v1/events?after=0&limit=1000").json()["events"]
                  if item["event"]["aggregateUid"] == template)
    legacy = new_uid()
    opened.update(processUid=new_uid(), aggregateUid=legacy, sentDate="2018-06-15T08:05:12.000Z",
                  openedDate="2018-06-15T08:05:00.000Z")
    provider = {"providerUid": contact, "providerType": "ReferencedProvider"}
    assigned = former_event(legacy, "ProviderAssigned", provider,
                            "2018-06-15T08:20:00.000Z", "2018-06-15T08:21:40.915Z")
    refused = former_event(legacy, "MissionRefused", provider,
                           "2018-06-15T09:00:00.000Z", "2018-06-15T09:01:00.000Z")
    insert_as_owner(env, [(legacy, 1, "TicketOpened", opened, 1),
                          (legacy, 2, "ProviderAssigned", assigned, 1),
                          (legacy, 3, "MissionRefused", refused, 1)])
    not_projected = api.get(f"/api/v1/tickets/{legacy}").status

    migrated = admin("migrate", "--all-tenants", timeout=300)
    rebuilt = admin("rebuild", "--tenant", TENANT, timeout=300)
    return {"api": api, "ticket": legacy, "contact": contact, "start": start,
            "assigned": assigned, "refused": refused, "not_projected": not_projected,
            "migrated": migrated, "rebuilt": rebuilt, "agency": agency}


def test_former_stream_unread_before_rebuild(upgraded):
    assert upgraded["not_projected"] == 404


def test_upgrade_commands_succeed(upgraded):
    assert upgraded["migrated"].returncode == 0, upgraded["migrated"].stderr
    assert upgraded["rebuilt"].returncode == 0, upgraded["rebuilt"].stderr
    assert f"rebuilt the read model of tenant {TENANT}" in upgraded["rebuilt"].stdout


def test_detail_shows_upcast_assignee(upgraded):
    reply = upgraded["api"].get(f"/api/v1/tickets/{upgraded['ticket']}")
    assert reply.status == 200, reply
    detail = reply.json()
    assert detail["assignee"]["uid"] == upgraded["contact"]
    assert detail["assignee"]["assigneeType"] == "ProviderContact"
    assert detail["assignee"]["name"] == "Marc Perrin"
    assert detail["state"]["value"] == "InterventionRefused"


def test_journal_shows_current_names(upgraded):
    detail = upgraded["api"].get(f"/api/v1/tickets/{upgraded['ticket']}").json()
    events = journal_events(detail)
    assert [event["eventName"] for event in events] == \
        ["TicketOpened", "AssigneeIdentified", "InterventionRefused"]
    assert events[1]["data"] == {"assignee": "Marc Perrin"}
    assert events[1]["date"] == "2018-06-15T08:20:00.000Z"
    assert events[2]["data"] == {"assignee": "Marc Perrin"}


def test_feed_shows_current_shape(upgraded):
    api = upgraded["api"]
    items = [item for item in api.events_after(upgraded["start"])
             if item["event"]["aggregateUid"] == upgraded["ticket"]]
    assert [item["event"]["eventType"] for item in items] == \
        ["TicketOpened", "AssigneeIdentified", "InterventionRefused"]
    assigned = items[1]["event"]
    assert "provider" not in assigned
    assert assigned["assignee"] == contact_assignee(upgraded["contact"])
    assert assigned["processUid"] == upgraded["assigned"]["processUid"]
    assert assigned["comment"] == "Plombier sous contrat"


def test_feed_type_filter_finds_former_name(upgraded):
    api = upgraded["api"]
    reply = api.get(f"/api/v1/events?after={upgraded['start']}&types=AssigneeIdentified")
    assert reply.status == 200, reply
    uids = [item["event"]["processUid"] for item in reply.json()["events"]]
    assert uids == [upgraded["assigned"]["processUid"]]
    assert reply.json()["events"][0]["event"]["eventType"] == "AssigneeIdentified"


def test_webhook_type_filter_finds_former_name(upgraded):
    api = upgraded["api"]
    receiver = Receiver()
    sub = subscribe(api.client, api.headers(), receiver.url, eventTypes=["AssigneeIdentified"],
                    startAfter=upgraded["start"])
    try:
        end = api.journal_next()
        caught_up = wait_until(lambda: api.get(f"{SUBSCRIPTIONS}/{sub['uid']}").json()
                               ["deliveredPosition"] >= end)
        events = [item["event"] for request in receiver.accepted() for item in request.json["events"]]
    finally:
        api.client.request("DELETE", f"{SUBSCRIPTIONS}/{sub['uid']}", headers=api.headers())
        receiver.stop()

    assert caught_up, f"the subscription did not reach position {end}"
    assert [event["processUid"] for event in events] == [upgraded["assigned"]["processUid"]]
    assert events[0]["eventType"] == "AssigneeIdentified"
    assert events[0]["assignee"] == contact_assignee(upgraded["contact"])
    assert "provider" not in events[0]


def test_ticket_event_feed_shows_current_shape(upgraded):
    reply = upgraded["api"].get("/api/vEvent/tickets?from=2018-06-15T00:00:00Z"
                                "&to=2018-06-16T00:00:00Z")
    assert reply.status == 200, reply
    events = [event for event in reply.json()["events"]
              if event["aggregateUid"] == upgraded["ticket"]]
    assert [event["eventType"] for event in events] == \
        ["TicketOpened", "AssigneeIdentified", "InterventionRefused"]
    assert events[2]["assignee"] == contact_assignee(upgraded["contact"])


def test_other_assignee_rejected_on_upcast_state(upgraded):
    api, uid = upgraded["api"], upgraded["ticket"]
    before = api.journal_next()
    reply = api.ticket(uid, "AcceptIntervention", assignee=anonymous_assignee(),
                       date="2018-06-15T10:00:00Z")
    assert reply.status == 409, reply
    assert reply.json()["errorType"] == "AssigneeIsNotTheIdentifiedOne"
    assert api.events_after(before) == []


def test_caller_correction_rejected_on_upcast_state(upgraded):
    api, uid = upgraded["api"], upgraded["ticket"]
    before = api.journal_next()
    reply = api.ticket(uid, "CorrectCaller", caller={"callerType": "AutomatonCaller"})
    assert reply.status == 409, reply
    assert reply.json()["errorType"] == "ImpossibleToCorrectTicketAlreadyLinkedWithAssignee"
    assert api.events_after(before) == []


def test_identified_assignee_accepted_on_upcast_state(upgraded):
    api, uid = upgraded["api"], upgraded["ticket"]
    reply = api.ticket(uid, "AcceptIntervention", assignee=contact_assignee(upgraded["contact"]),
                       date="2018-06-15T10:00:00Z")
    assert reply.status == 200, reply
    assert reply.json()["events"][0]["eventType"] == "InterventionAccepted"
    detail = api.get(f"/api/v1/tickets/{uid}").json()
    assert detail["state"]["value"] == "InterventionAccepted"
    assert [event["eventName"] for event in journal_events(detail)][-1] == "InterventionAccepted"


def test_new_events_stored_at_version_one(env, upgraded):
    rows = run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SELECT DISTINCT schema_version FROM t_{TENANT}.events
         WHERE event_type <> ALL (ARRAY['ProviderAssigned', 'MissionRefused'])""")
    assert rows == [["1"]]


def test_second_migrate_applies_nothing(admin, upgraded):
    again = admin("migrate", "--all-tenants", timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""


@pytest.fixture
def future_event(env, upgraded):
    """A MessageAdded stored at version 2, as a newer release might write it; removed afterwards."""
    api = upgraded["api"]
    uid = open_ticket(api, agency_location(upgraded["agency"]))
    before = api.journal_next()
    event = {"processUid": new_uid(), "aggregateUid": uid, "operator": OPERATOR,
             "message": "Écrit par une version plus récente", "messageAddedDate": "2021-03-15T09:00:00Z",
             "sentDate": "2021-03-15T09:00:01.000Z", "eventType": "MessageAdded"}
    position = insert_as_owner(env, [(uid, 2, "MessageAdded", event, 2)])[0][0]
    yield {"ticket": uid, "before": before}
    run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"DELETE FROM t_{TENANT}.events WHERE position = {position}")


def assert_unavailable(reply):
    assert reply.status == 503, reply
    body = reply.json()
    assert body["errorType"] == "ServiceUnavailable"
    assert "MessageAdded" in body["message"]
    assert "version 2" in body["message"]


def test_future_version_rejected_by_feed(upgraded, future_event):
    api = upgraded["api"]
    english = Api(api.client, api.key, english=True)
    assert_unavailable(english.get(f"/api/v1/events?after={future_event['before']}"))


def test_future_version_rejected_by_command(upgraded, future_event):
    api = upgraded["api"]
    english = Api(api.client, api.key, english=True)
    assert_unavailable(english.ticket(future_event["ticket"], "AddMessage", message="Relance",
                                      messageAddedDate="2021-03-15T10:00:00Z"))
    french = api.ticket(future_event["ticket"], "AddMessage", message="Relance",
                        messageAddedDate="2021-03-15T10:00:00Z")
    assert french.status == 503, french
    assert "version plus récente" in french.json()["message"]


def test_future_version_rejected_by_detail(upgraded, future_event):
    api = upgraded["api"]
    english = Api(api.client, api.key, english=True)
    assert_unavailable(english.get(f"/api/v1/tickets/{future_event['ticket']}"))


def test_future_version_stops_rebuild(admin, upgraded, future_event):
    api = upgraded["api"]
    before = api.get(f"/api/v1/tickets/{upgraded['ticket']}").json()
    rebuilt = admin("rebuild", "--tenant", TENANT, check=False, timeout=300)
    assert rebuilt.returncode == 1
    assert "version 2" in rebuilt.stderr
    assert "read model is unchanged" in rebuilt.stderr
    assert api.get(f"/api/v1/tickets/{upgraded['ticket']}").json() == before
