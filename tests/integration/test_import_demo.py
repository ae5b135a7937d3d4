"""perfimmo-admin import of the small demo set (tests/data/gen_demo.py) into a
tenant of its own, a second run of it, then the main job on the imported data
over HTTPS: a call-center user works a ticket from opening to the permanent
fix and finds it in every read, and an executive reads his agency only.
"""

import datetime
import time
import urllib.parse
import uuid

import pytest

from import_support import (api_key, count_lines, ensure_tenant, event_count, gen_demo,
                            manifest, run_import)
from ticket_support import Api, contact_assignee, new_uid, patrimony_location, ticket_infos

# A tenant of each run's own: the sanitizer pass of `scripts/dev test` runs
# the suite a second time on the same database.
TENANT = "importdemo_" + uuid.uuid4().hex[:6]
HOST = TENANT.replace("_", "-") + ".perfimmo.test"


@pytest.fixture(scope="module")
def demo_set(env, admin, client_for, tmp_path_factory):
    """The tenant, the generated set and the outcome of importing each of its files."""
    key = ensure_tenant(env, admin, TENANT, HOST)
    folder = tmp_path_factory.mktemp("demo_set")
    generator, _ = gen_demo.write_set("small", 2025, folder)
    outcomes = [(path, run_import(env, TENANT, path, company=company, login=login,
                                  rejects=folder / f"{path.stem}.rejects.csv"))
                for path, company, login in manifest(folder)]
    return {"su": Api(client_for(HOST), key), "folder": folder, "gen": generator,
            "outcomes": outcomes}


def test_every_line_of_the_set_is_accepted(demo_set):
    for path, outcome in demo_set["outcomes"]:
        assert outcome.code == 0, outcome
        assert (outcome.accepted, outcome.present, outcome.rejected) == \
            (count_lines(path), 0, 0), (path.name, outcome)
        assert (demo_set["folder"] / f"{path.stem}.rejects.csv").read_text(encoding="utf-8") == \
            "fichier;ligne;champ;errorType;motif\n"
    sheets = dict((path.name, outcome) for path, outcome in demo_set["outcomes"])
    assert "lu en Windows-1252, converti en UTF-8" in sheets["04_prestataires.csv"].stderr
    assert "Windows-1252" not in sheets["02_patrimoines.csv"].stderr


def test_sheet_rows_read_back_as_written(demo_set):
    su, gen = demo_set["su"], demo_set["gen"]
    uid, company, agencies, ref, label, number, street, postcode, city = \
        next(p for p in gen.patrimonies if p[1] == 0 and " bis" in p[5])
    reply = su.get(f"/api/v1/patrimonies/{uid}")
    assert reply.status == 200, reply
    patrimony = reply.json()
    assert (patrimony["ref"], patrimony["label"]) == (ref, label)
    assert sorted(a["uid"] for a in patrimony["agencies"]) == sorted(agencies)
    [address] = patrimony["complementaryAddresses"]
    assert (address["number"], address["street"], address["zipCode"], address["city"]) == \
        (number, street, postcode, city)

    # The Windows-1252 sheet: accents arrive intact, the SIRET names the provider company.
    contact = next(c for c in gen.contacts if c[1] == 0 and any(x in c[3] for x in "éèâ"))
    reply = su.get(f"/api/v1/providercontacts/{contact[0]}")
    assert reply.status == 200, reply
    view = reply.json()
    assert view["label"] == contact[3]
    assert view["phones"] == contact[5]
    assert view["emails"] == contact[6]
    assert view["providerCompany"] == {"uid": gen_demo.import_uid("providerCompany", contact[4])}
    assert [a["activityUid"] for a in view["activities"]] == [gen_demo.import_uid("activity", contact[2])]


def test_second_run_stores_nothing_twice(env, demo_set):
    before = event_count(env, TENANT)
    for path, company, login in manifest(demo_set["folder"]):
        outcome = run_import(env, TENANT, path, company=company, login=login)
        assert outcome.code == 0, outcome
        assert (outcome.accepted, outcome.present, outcome.rejected) == (0, count_lines(path), 0), \
            (path.name, outcome)
    assert event_count(env, TENANT) == before


# ---------------------------------------------------------------- the main job

@pytest.fixture(scope="module")
def operator(env, admin, demo_set):
    """A call-center user created through the API, with an API key of his own."""
    su, gen = demo_set["su"], demo_set["gen"]
    login = f"operateur.{new_uid()[:8]}@rhone-alpes-assistance.example"
    reply = su.command("POST", "/api/vEvent/users", "ReferenceCallCenterUser", aggregateUid=new_uid(),
                       login=login, companyUid=gen.call_center, firstName="Benoît",
                       lastName="Lefèvre", job="Chargé d'accueil")
    assert reply.status == 201, reply
    return Api(su.client, api_key(admin, TENANT, login))


def test_call_center_main_job(operator, demo_set):
    gen = demo_set["gen"]
    patrimony = next(p for p in gen.patrimonies if p[1] == 0)
    contact = next(c for c in gen.contacts if c[1] == 0 and c[2] == "plombier")
    agency = patrimony[2][0]
    # The feed reads by sentDate: start one second after the import's last event.
    time.sleep(1.1)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

    def at(minutes):
        return (now + datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

    uid = new_uid()
    reply = operator.command("POST", "/api/vEvent/tickets", "OpenTicket", aggregateUid=uid,
                             locationRef=patrimony_location(patrimony[0]), openedDate=at(-60),
                             ticket=ticket_infos(city=patrimony[8], purpose="fuite d'eau",
                                                 caller_name="Hélène Dupré",
                                                 request="Fuite d'eau dans la cuisine"))
    assert reply.status == 201, reply
    assignee = contact_assignee(contact[0])
    phone = {"phone": contact[5][0], "contactMediumType": "Phone"}
    provider = {"providerUid": contact[0], "providerType": "ReferencedProvider"}
    steps = [
        ("ReceiveCall", {"callPurpose": "Relance", "caller": "Hélène Dupré", "medium": phone,
                         "date": at(-55)}),
        ("EmitCallTo", {"recipient": {"provider": provider, "personaType": "ProviderPersona"},
                        "medium": phone, "date": at(-50)}),
        ("IdentifyAssignee", {"assignee": assignee, "date": at(-45), "instructions": "Clé chez le gardien"}),
        ("RequestIntervention", {"assignee": assignee, "medium": phone, "date": at(-40)}),
        ("AcceptIntervention", {"assignee": assignee, "date": at(-35)}),
        ("ScheduleIntervention", {"assignee": assignee, "date": at(-30), "startDate": at(-20),
                                  "endDate": at(-5)}),
        ("StartIntervention", {"assignee": assignee, "startedDate": at(-20)}),
        ("FinishIntervention", {"assignee": assignee, "finishedDate": at(-10)}),
        ("FixPermanently", {"provider": provider, "stillOnSite": "No", "report": "Joint changé",
                            "closingDate": at(-5)}),
    ]
    for command, fields in steps:
        reply = operator.ticket(uid, command, **fields)
        assert reply.status == 200, (command, reply)

    # List: the newest ticket of the agency.
    reply = operator.get(f"/api/v1/tickets?agency={agency}&range=0-0")
    assert reply.status == 206, reply
    [item] = reply.json()["result"]
    assert (item["uid"], item["status"]) == (uid, "CLOSED")
    assert item["assignee"]["uid"] == contact[0]
    assert item["patrimony"]["uid"] == patrimony[0]

    detail = operator.get(f"/api/v1/tickets/{uid}").json()
    assert detail["status"] == "CLOSED"
    assert detail["caller"]["name"] == "Hélène Dupré"
    kinds = [event["eventName"] for day in detail["journal"] for event in day["events"]]
    for kind in ("TicketOpened", "CallReceived", "CallEmittedTo", "AssigneeIdentified",
                 "InterventionRequested", "InterventionAccepted", "InterventionScheduled",
                 "InterventionStarted", "InterventionFinished", "PermanentlyFixed"):
        assert kind in kinds, (kind, kinds)

    reply = operator.get(f"/api/v1/tickets/export?agency={agency}")
    assert reply.status == 200, reply
    [exported] = [item for item in reply.json()["result"] if item["uid"] == uid]
    assert exported["callPurpose"] == "fuite d'eau"
    assert exported["status"] == "CLOSED"

    stats = operator.get(f"/api/v1/tickets/stats?agency={agency}").json()
    assert stats["newTickets"]["lastSevenDays"] >= 1

    window = "from={}&to={}".format(urllib.parse.quote(at(0).replace("Z", "+00:00")),
                                    urllib.parse.quote(at(120).replace("Z", "+00:00")))
    reply = operator.get("/api/vEvent/tickets?" + window)
    assert reply.status in (200, 206), reply
    fed = [e["eventType"] for e in reply.json()["events"] if e["aggregateUid"] == uid]
    assert fed[0] == "TicketOpened", fed
    assert fed[-1] == "PermanentlyFixed", fed
    assert len(fed) == 1 + len(steps) + 1     # IdentifyAssignee adds the instructions event


def test_executive_sees_only_the_tickets_of_his_agency(env, admin, demo_set):
    su, gen = demo_set["su"], demo_set["gen"]
    executive = Api(su.client, api_key(admin, TENANT, "direction@client1.example"))
    mine = gen.agencies[0][0]

    reply = executive.get("/api/v1/tickets?range=0-99")
    assert reply.status in (200, 206), reply
    items = reply.json()["result"]
    assert items
    for item in items:
        assert mine in [a["uid"] for a in item["agencies"]], item["uid"]
    seen = int(reply.header("Content-Range").rsplit("/", 1)[1])
    everything = int(su.get("/api/v1/tickets?range=0-0").header("Content-Range").rsplit("/", 1)[1])
    assert 0 < seen < everything

    elsewhere = next(p for p in gen.patrimonies if mine not in p[2])
    reply = su.get(f"/api/v1/tickets?location={urllib.parse.quote(elsewhere[8])}&range=0-99")
    other = next(i["uid"] for i in reply.json()["result"]
                 if mine not in [a["uid"] for a in i["agencies"]])
    assert executive.get(f"/api/v1/tickets/{other}").status == 404
