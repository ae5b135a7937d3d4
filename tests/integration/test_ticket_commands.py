"""Ticket commands over HTTPS: OpenTicket and every increment,
their events, every ticket error in the documented order, and
the status, state and journal after each step of whole lifecycles."""

import threading

import pytest

from ticket_support import (
    Api, World, agency_location, anonymous_assignee, contact_assignee, journal_events,
    new_uid, open_ticket, patrimony_location, ticket_infos,
)


@pytest.fixture(scope="module")
def demo(env, api):
    return Api(api, env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def world(demo):
    world = World(demo)
    world.lyon = world.agency("Agence Lyon Part-Dieu")
    world.villeurbanne = world.agency("Agence Villeurbanne")
    world.closed_agency = world.agency("Agence fermée")
    world.delete_agency(world.closed_agency)
    world.residence = world.patrimony("TIL-01", [world.lyon], label="Résidence Les Tilleuls")
    world.plumber = world.contact("Marc", "Perrin", phones=["0478112233"])
    world.electrician = world.contact("Julie", "Martin")
    return world


def detail(demo, uid):
    reply = demo.get(f"/api/v1/tickets/{uid}")
    assert reply.status == 200, reply
    return reply.json()


def assert_error(reply, status, error_type):
    assert reply.status == status, reply
    assert reply.json()["errorType"] == error_type, reply


def event_types(reply):
    return [event["eventType"] for event in reply.json()["events"]]


# ---------------------------------------------------------------- OpenTicket

def test_open_ticket_on_agency_stores_ticket_opened(demo, world):
    uid = new_uid()
    body = {"processUid": new_uid(), "aggregateUid": uid, "commandType": "OpenTicket",
            "locationRef": agency_location(world.lyon),
            "ticket": ticket_infos(additionalData={"Code": "TIL-01", "Vide": None}),
            "openedDate": "2021-03-15T09:05:00+01:00"}
    reply = demo.post("/api/vEvent/tickets", body)
    assert reply.status == 201, reply
    [event] = reply.json()["events"]
    assert event["eventType"] == "TicketOpened"
    assert event["aggregateUid"] == uid
    assert event["openedDate"] == "2021-03-15T08:05:00.000Z"
    assert event["operator"]["operatorType"] == "ReferencedUser"
    assert event["ticket"]["claimNumber"] == {}
    assert event["ticket"]["altCallPurpose"] == {}
    assert event["ticket"]["additionalData"] == {"Code": "TIL-01"}
    view = detail(demo, uid)
    assert view["status"] == "OPENED"
    assert view["state"] == {"value": "TicketOpened", "date": "2021-03-15T08:05:00.000Z"}
    assert view["linkedEntities"]["agencies"] == [{"uid": world.lyon, "name": "Agence Lyon Part-Dieu"}]
    assert view["linkedEntities"]["clientCompany"]["uid"] == world.company
    assert view["ref"] == uid
    assert view["additionalDataz"] == {"Code": "TIL-01"}


def test_open_ticket_on_patrimony_takes_its_agencies(demo, world):
    patrimony = world.patrimony("PAT-2", [world.lyon, world.villeurbanne])
    uid = open_ticket(demo, patrimony_location(patrimony),
                      claimNumber={"callCenterClaimNumber": "CC-1"})
    view = detail(demo, uid)
    assert [a["uid"] for a in view["linkedEntities"]["agencies"]] == [world.lyon, world.villeurbanne]
    assert view["linkedEntities"]["patrimony"] == {"uid": patrimony, "name": "PAT-2", "ref": "PAT-2"}
    assert view["ref"] == "CC-1"


def test_ticket_follows_the_patrimony_agencies(demo, world):
    patrimony = world.patrimony("PAT-3", [world.lyon])
    uid = open_ticket(demo, patrimony_location(patrimony))
    world.associate_patrimony(patrimony, world.villeurbanne)
    view = detail(demo, uid)
    assert [a["uid"] for a in view["linkedEntities"]["agencies"]] == [world.lyon, world.villeurbanne]


def test_open_ticket_on_unknown_agency_is_404(demo, world):
    reply = demo.command("POST", "/api/vEvent/tickets", "OpenTicket",
                         locationRef=agency_location(new_uid()), ticket=ticket_infos(),
                         openedDate="2021-03-15T09:05:00Z")
    assert_error(reply, 404, "ReferencedEntityNotFound")


def test_open_ticket_on_unknown_patrimony_is_404(demo, world):
    reply = demo.command("POST", "/api/vEvent/tickets", "OpenTicket",
                         locationRef=patrimony_location(new_uid()), ticket=ticket_infos(),
                         openedDate="2021-03-15T09:05:00Z")
    assert_error(reply, 404, "ReferencedEntityNotFound")


def test_open_ticket_on_deleted_agency_is_409(demo, world):
    reply = demo.command("POST", "/api/vEvent/tickets", "OpenTicket",
                         locationRef=agency_location(world.closed_agency), ticket=ticket_infos(),
                         openedDate="2021-03-15T09:05:00Z")
    assert_error(reply, 409, "InconsistentReference")


def test_open_ticket_twice_is_409(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    reply = demo.command("POST", "/api/vEvent/tickets", "OpenTicket", aggregateUid=uid,
                         locationRef=agency_location(world.lyon), ticket=ticket_infos(),
                         openedDate="2021-03-15T09:05:00Z")
    assert_error(reply, 409, "ImpossibleToOpenExistingTicket")


def test_location_is_checked_before_existing_uid(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    reply = demo.command("POST", "/api/vEvent/tickets", "OpenTicket", aggregateUid=uid,
                         locationRef=agency_location(new_uid()), ticket=ticket_infos(),
                         openedDate="2021-03-15T09:05:00Z")
    assert_error(reply, 404, "ReferencedEntityNotFound")


@pytest.mark.parametrize("change, path", [
    (lambda infos: infos.update(caller={"callerType": "ReferencedContactCaller"}), "ticket.caller"),
    (lambda infos: infos.update(request=" \t"), "ticket.request"),
    (lambda infos: infos.pop("callPurposeLabel"), "ticket.callPurposeLabel"),
    (lambda infos: infos["address"].pop("city"), "ticket.address.city"),
    (lambda infos: infos.update(caller={"name": {"nameType": "PoorName", "value": ""},
                                        "callerType": "HumanCaller"}), "ticket.caller.name.value"),
])
def test_open_ticket_schema_errors_are_400(demo, world, change, path):
    infos = ticket_infos()
    change(infos)
    reply = demo.command("POST", "/api/vEvent/tickets", "OpenTicket",
                         locationRef=agency_location(world.lyon), ticket=infos,
                         openedDate="2021-03-15T09:05:00Z")
    assert_error(reply, 400, "InvalidCommand")
    assert reply.json()["message"].startswith(path)


def test_automaton_caller_is_shown_by_name(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon), caller={"callerType": "AutomatonCaller"})
    assert detail(demo, uid)["caller"] == {"name": "AutomatonCaller", "medium": []}


# ---------------------------------------------------------------- increments

def test_increment_on_unknown_ticket_is_404(demo):
    reply = demo.ticket(new_uid(), "AddMessage", message="x",
                        messageAddedDate="2021-03-15T10:00:00Z")
    assert_error(reply, 404, "ImpossibleToPerfomCommandOnNonExistingTicket")


def test_command_type_of_another_endpoint_is_400(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    reply = demo.ticket(uid, "OpenTicket", locationRef=agency_location(world.lyon),
                        ticket=ticket_infos(), openedDate="2021-03-15T09:05:00Z")
    assert_error(reply, 400, "InvalidCommand")


def test_body_uid_must_equal_path_uid(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    reply = demo.ticket(uid, "AddMessage", aggregateUid=new_uid(), message="x",
                        messageAddedDate="2021-03-15T10:00:00Z")
    assert_error(reply, 400, "InvalidCommand")


def test_operator_given_is_kept(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    operator = {"name": "Standardiste", "operatorType": "AnonymousOperator"}
    reply = demo.ticket(uid, "AddMessage", operator=operator, message="x",
                        messageAddedDate="2021-03-15T10:00:00Z")
    assert reply.status == 200, reply
    assert reply.json()["events"][0]["operator"] == operator


def test_normal_repair_lifecycle(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    plumber = contact_assignee(world.plumber)
    steps = [
        ("EmitCallTo", {"recipient": {"provider": {"providerUid": world.plumber,
                                                   "providerType": "ReferencedProvider"},
                                      "personaType": "ProviderPersona"},
                        "medium": {"phone": "0478112233", "contactMediumType": "Phone"},
                        "date": "2021-03-15T09:20:00+01:00"}, ["CallEmittedTo"], "TicketOpened"),
        ("ReceiveCall", {"callPurpose": "Relance", "caller": "Mme Fontaine",
                         "medium": {"mail": "c@f.example", "contactMediumType": "Mail"},
                         "date": "2021-03-15T09:25:00+01:00"}, ["CallReceived"], "TicketOpened"),
        ("IdentifyAssignee", {"assignee": plumber, "comment": "sous contrat",
                              "instructions": "Passer par la cave", "date": "2021-03-15T09:30:00+01:00"},
         ["AssigneeIdentified", "InstructionsForAssigneeDefined"], "AssigneeIdentified"),
        ("RequestIntervention", {"assignee": plumber, "date": "2021-03-15T09:35:00+01:00",
                                 "medium": {"phone": "0478112233", "contactMediumType": "Phone"}},
         ["InterventionRequested"], "InterventionRequested"),
        ("AcceptIntervention", {"assignee": plumber, "date": "2021-03-15T10:00:00+01:00",
                                "requestNotificationTo": {"assigneeEmail": "m@p.example"}},
         ["InterventionAccepted", "NotificationForInterventionAcceptedRequested"], "InterventionAccepted"),
        ("ScheduleIntervention", {"assignee": plumber, "date": "2021-03-15T10:05:00+01:00",
                                  "startDate": "2021-03-16T08:00:00+01:00",
                                  "endDate": "2021-03-16T10:00:00+01:00"},
         ["InterventionScheduled"], "InterventionScheduled"),
        ("ArriveOnSite", {"assignee": plumber, "date": "2021-03-16T08:05:00+01:00"},
         ["ArrivedOnSite"], "ArrivedOnSite"),
        ("StartIntervention", {"assignee": plumber, "startedDate": "2021-03-16T08:10:00+01:00"},
         ["InterventionStarted"], "InterventionStarted"),
        ("FinishIntervention", {"assignee": plumber, "finishedDate": "2021-03-16T09:10:00+01:00"},
         ["InterventionFinished"], "InterventionFinished"),
        ("GoFromSite", {"assignee": plumber, "date": "2021-03-16T09:15:00+01:00"},
         ["GoneFromSite"], "GoneFromSite"),
        ("FixPermanently", {"provider": {"providerUid": world.plumber, "providerType": "ReferencedProvider"},
                            "brakedownNature": "Joint usé", "stillOnSite": "No",
                            "report": "Joint remplacé", "closingDate": "2021-03-16T15:40:00+01:00"},
         ["PermanentlyFixed"], "PermanentlyFixed"),
    ]
    for command, fields, events, state in steps:
        reply = demo.ticket(uid, command, **fields)
        assert reply.status == 200, (command, reply)
        assert event_types(reply) == events
        view = detail(demo, uid)
        assert view["state"]["value"] == state, command

    view = detail(demo, uid)
    assert view["status"] == "CLOSED"
    assert view["dates"]["closed"] == "2021-03-16T14:40:00.000Z"
    assert view["report"] == "Joint remplacé"
    assert view["assignee"] == {"uid": world.plumber, "name": "Marc Perrin", "phones": ["0478112233"],
                                "fax": [], "emails": [], "comment": "sous contrat",
                                "instructionsForAssignee": "Passer par la cave",
                                "assigneeType": "ProviderContact"}
    assert view["stats"] == {"callCenterReactionTime": 15 * 60000, "transmissionTime": 55 * 60000,
                             "interventionResponseTime": 23 * 60 * 60000,
                             "interventionDuration": 60 * 60000,
                             "repairTime": (24 * 60 + 5) * 60000}
    # Events dated by sentDate (instructions, notification) fall on the day they were stored.
    days = [day["day"] for day in view["journal"]]
    assert days[:2] == ["2021-03-15", "2021-03-16"]
    assert days == sorted(days)
    events = {event["eventName"]: event for event in journal_events(view)}
    assert events["CallEmittedTo"]["data"] == {"called": "Marc Perrin", "medium": "PHONE",
                                               "identifier": "0478112233"}
    assert events["CallReceived"]["data"] == {"caller": "Mme Fontaine", "medium": "MAIL",
                                              "identifier": "c@f.example"}
    assert events["AssigneeIdentified"]["data"] == {"assignee": "Marc Perrin"}
    assert events["PermanentlyFixed"]["data"] == {"brakedownNature": "Joint usé"}
    assert events["InterventionScheduled"]["date"] == "2021-03-15T09:05:00.000Z"
    assert [e["eventName"] for e in view["journal"][1]["events"]] == [
        "ArrivedOnSite", "InterventionStarted", "InterventionFinished", "GoneFromSite", "PermanentlyFixed"]


def test_cancellation_and_reopening(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    reply = demo.ticket(uid, "CancelTicket", comment="doublon", date="2021-03-15T12:00:00Z")
    assert event_types(reply) == ["TicketCancelled"]
    view = detail(demo, uid)
    assert (view["status"], view["state"]["value"]) == ("CLOSED", "TicketCancelled")
    assert view["dates"]["closed"] == "2021-03-15T12:00:00.000Z"

    reply = demo.ticket(uid, "ReopenTicket", purpose="rappel", date="2021-03-16T08:00:00Z")
    assert event_types(reply) == ["TicketReopened"]
    view = detail(demo, uid)
    assert (view["status"], view["state"]["value"]) == ("OPENED", "TicketReopened")
    assert "closed" not in view["dates"]

    # No guard: reopening an open ticket only moves the state (no status guard).
    reply = demo.ticket(uid, "ReopenTicket", date="2021-03-16T09:00:00Z")
    assert reply.status == 200
    assert detail(demo, uid)["state"]["date"] == "2021-03-16T09:00:00.000Z"


def test_late_facts_are_accepted_on_a_closed_ticket(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    demo.ticket(uid, "CloseTicket", stillOnSite="NA", closingDate="2021-03-15T12:00:00Z")
    reply = demo.ticket(uid, "AddMessage", message="appel tardif", messageAddedDate="2021-03-15T13:00:00Z")
    assert reply.status == 200
    reply = demo.ticket(uid, "IdentifyAssignee", assignee=anonymous_assignee(), date="2021-03-15T13:05:00Z")
    assert reply.status == 200
    view = detail(demo, uid)
    assert view["status"] == "CLOSED"
    assert view["state"]["value"] == "AssigneeIdentified"
    assert view["dates"]["closed"] == "2021-03-15T12:00:00.000Z"


def test_assignee_rules(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    plumber = contact_assignee(world.plumber)
    for command, fields, error in [
        ("ScheduleIntervention", {"date": "2021-03-15T10:00:00Z", "startDate": "2021-03-16T08:00:00Z",
                                  "endDate": "2021-03-16T09:00:00Z"},
         "ImpossibleToScheduleMissionIfNoProviderIsAssigned"),
        ("DefineInterventionDeadline", {"date": "2021-03-15T10:00:00Z", "deadline": "2021-03-17T10:00:00Z"},
         "ImpossibleToDefineInterventionDeadlineIfNoProviderIsAssigned"),
        ("ReportSendingServiceOrder", {"ref": "OS-1", "reportDate": "2021-03-15T10:00:00Z",
                                       "sendingDate": "2021-03-15T10:00:00Z"},
         "ImpossibleToReportSendingServiceOrderIfNoProviderIsAssigned"),
    ]:
        assert_error(demo.ticket(uid, command, assignee=plumber, **fields), 409, error)

    # Without an identified assignee, the other assignee commands are accepted (match only applies once one is identified).
    reply = demo.ticket(uid, "AcceptIntervention", assignee=anonymous_assignee(), date="2021-03-15T10:00:00Z")
    assert reply.status == 200

    assert_error(demo.ticket(uid, "IdentifyAssignee", assignee=contact_assignee(new_uid()),
                             date="2021-03-15T10:00:00Z"), 404, "ReferencedEntityNotFound")
    assert demo.ticket(uid, "IdentifyAssignee", assignee=plumber, date="2021-03-15T10:00:00Z").status == 200

    assert_error(demo.ticket(uid, "ArriveOnSite", assignee=contact_assignee(world.electrician),
                             date="2021-03-15T11:00:00Z"), 409, "AssigneeIsNotTheIdentifiedOne")
    assert_error(demo.ticket(uid, "ArriveOnSite", assignee=anonymous_assignee(),
                             date="2021-03-15T11:00:00Z"), 409, "AssigneeIsNotTheIdentifiedOne")
    assert_error(demo.ticket(uid, "ArriveOnSite", assignee=contact_assignee(new_uid()),
                             date="2021-03-15T11:00:00Z"), 404, "ReferencedEntityNotFound")
    reply = demo.ticket(uid, "ReportSendingServiceOrder", assignee=plumber, ref="OS-1",
                        reportDate="2021-03-15T10:00:00Z", sendingDate="2021-03-15T10:30:00Z")
    assert reply.status == 200
    assert detail(demo, uid)["serviceOrder"] == {"ref": "OS-1", "sendingDate": "2021-03-15T10:30:00.000Z"}

    # A new AssigneeIdentified replaces the identified one.
    electrician = contact_assignee(world.electrician)
    assert demo.ticket(uid, "IdentifyAssignee", assignee=electrician, date="2021-03-15T12:00:00Z").status == 200
    assert demo.ticket(uid, "ArriveOnSite", assignee=electrician, date="2021-03-15T13:00:00Z").status == 200
    assert detail(demo, uid)["assignee"]["name"] == "Julie Martin"


def test_schedule_end_before_start_is_400(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    reply = demo.ticket(uid, "ScheduleIntervention", assignee=anonymous_assignee(),
                        date="2021-03-15T10:00:00Z", startDate="2021-03-16T10:00:00Z",
                        endDate="2021-03-16T09:00:00Z")
    assert_error(reply, 400, "InvalidCommand")


def test_formal_notice_rules(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    assignee = anonymous_assignee()
    notice = {"assignee": assignee, "reportDate": "2021-03-18T10:00:00Z", "deadline": "2021-03-20T10:00:00Z"}
    assert_error(demo.ticket(uid, "ReportFormalNoticeForProvider", **notice), 409,
                 "ImpossibleToReportFormalNoticeIfNoInterventionDeadlineWasDefined")
    demo.ticket(uid, "IdentifyAssignee", assignee=assignee, date="2021-03-15T10:00:00Z")
    reply = demo.ticket(uid, "DefineInterventionDeadline", assignee=assignee,
                        date="2021-03-15T10:00:00Z", deadline="2021-03-17T10:00:00Z")
    assert reply.status == 200
    assert_error(demo.ticket(uid, "ReportFormalNoticeForProvider", assignee=assignee,
                             reportDate="2021-03-17T10:00:00Z", deadline="2021-03-20T10:00:00Z"),
                 409, "ImpossibleToReportFormalNoticeIfInterventionDeadlineIsNotExcedeed")
    assert_error(demo.ticket(uid, "ReportFormalNoticeForProvider", assignee=assignee,
                             reportDate="2021-03-18T10:00:00Z", deadline="2021-03-16T10:00:00Z"),
                 409, "ImpossibleToReportFormalNoticeIfNewDeadlineIsMinusThanPreviousInterventionDeadline")
    assert_error(demo.ticket(uid, "ReportFormalNoticeForProvider", assignee=contact_assignee(world.plumber),
                             reportDate="2021-03-18T10:00:00Z", deadline="2021-03-20T10:00:00Z"),
                 409, "AssigneeIsNotTheIdentifiedOne")
    reply = demo.ticket(uid, "ReportFormalNoticeForProvider", ref="MED-1", **notice)
    assert event_types(reply) == ["FormalNoticeForProviderReported"]
    # The new deadline is now the current one.
    assert_error(demo.ticket(uid, "ReportFormalNoticeForProvider", assignee=assignee,
                             reportDate="2021-03-19T10:00:00Z", deadline="2021-03-21T10:00:00Z"),
                 409, "ImpossibleToReportFormalNoticeIfInterventionDeadlineIsNotExcedeed")
    view = demo.get(f"/api/v1/tickets/export?agency={world.lyon}").json()["result"]
    [exported] = [item for item in view if item["uid"] == uid]
    assert exported["journalAdditionalInfos"] == {
        "interventionDeadline": "2021-03-20T10:00:00.000Z",
        "formalNotice": {"date": "2021-03-18T10:00:00.000Z", "deadline": "2021-03-20T10:00:00.000Z"}}


def test_corrections(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    message = demo.ticket(uid, "AddMessage", message="Gardien prévenu",
                          messageAddedDate="2021-03-15T10:00:00Z").json()["events"][0]["processUid"]

    reply = demo.ticket(uid, "CorrectTicketInformations", date="2021-03-15T11:00:00Z",
                        fieldsToCorrect={"request": "Fuite corrigée", "instructions": "Sonner"})
    assert reply.json()["events"][0]["fieldsCorrected"] == {"request": "Fuite corrigée", "instructions": "Sonner"}
    assert_error(demo.ticket(uid, "CorrectTicketInformations", date="2021-03-15T11:00:00Z",
                             fieldsToCorrect={}), 400, "InvalidCommand")
    assert_error(demo.ticket(uid, "CorrectTicketInformations", date="2021-03-15T11:00:00Z",
                             fieldsToCorrect={"request": " "}), 400,
                 "BlankTextIsForbiddenToCorrectTicketInformations")
    assert_error(demo.ticket(uid, "CorrectTicketInformations", date="2021-03-15T11:00:00Z",
                             fieldsToCorrect={"closingReport": "fini"}), 409,
                 "ImpossibleToUpdateClosingReportFieldIfTicketIsNotClosed")

    assert_error(demo.ticket(uid, "CorrectTicketEventInformations", targetedEvent=message, text="",
                             date="2021-03-15T11:00:00Z"), 400, "BlankTextIsForbiddenToCorrectTicketInformations")
    assert_error(demo.ticket(uid, "CorrectTicketEventInformations", targetedEvent=new_uid(), text="x",
                             date="2021-03-15T11:00:00Z"), 404, "EventTargetedNotFound")
    opened = detail(demo, uid)["journal"][0]["events"][0]["processUid"]
    assert_error(demo.ticket(uid, "CorrectTicketEventInformations", targetedEvent=opened, text="x",
                             date="2021-03-15T11:00:00Z"), 409, "EventTargetedIsNotElligibleToThisCommand")
    for text in ("Gardien absent", "Gardien prévenu hier"):
        assert demo.ticket(uid, "CorrectTicketEventInformations", targetedEvent=message, text=text,
                           date="2021-03-15T11:00:00Z").status == 200

    assert demo.ticket(uid, "CorrectOpeningTicketPurpose", otpLabel="Plomberie / Dégât des eaux").status == 200
    assert demo.ticket(uid, "CorrectCaller", caller={"callerType": "AutomatonCaller"}).status == 200
    new_address = {"street": "2 place Bellecour", "zipCode": "69002", "city": "Lyon"}
    assert_error(demo.ticket(uid, "CorrectLocationReference", address=new_address,
                             locationReference=agency_location(new_uid())), 404, "ReferencedEntityNotFound")
    assert demo.ticket(uid, "CorrectLocationReference", address=new_address,
                       locationReference=agency_location(world.villeurbanne)).status == 200

    view = detail(demo, uid)
    assert view["request"] == "Fuite corrigée"
    assert view["instructions"] == "Sonner"
    assert view["openingTicketPurpose"] == {"callPurpose": "Plomberie / Dégât des eaux"}
    assert view["caller"]["name"] == "AutomatonCaller"
    assert view["address"] == new_address
    assert view["linkedEntities"]["agencies"][0]["uid"] == world.villeurbanne
    assert [f["field"] for f in view["updatedFields"]] == [
        "request", "instructions", "openingTicketPurpose", "caller", "address", "locationReference"]
    messages = [e for e in journal_events(view) if e["eventName"] == "MessageAdded"]
    assert messages[0]["data"] == {"message": "Gardien prévenu hier"}

    demo.ticket(uid, "CloseTicket", stillOnSite="No", report="r1", closingDate="2021-03-16T10:00:00Z")
    assert demo.ticket(uid, "CorrectTicketInformations", date="2021-03-16T11:00:00Z",
                       fieldsToCorrect={"closingReport": "r2"}).status == 200
    assert detail(demo, uid)["report"] == "r2"

    # Once an assignee is identified, these corrections are refused.
    demo.ticket(uid, "IdentifyAssignee", assignee=anonymous_assignee(), date="2021-03-16T12:00:00Z")
    assert_error(demo.ticket(uid, "CorrectOpeningTicketPurpose", otpLabel="x"), 409,
                 "ImpossibleToCorrectTicketAlreadyLinkedWithAssignee")
    assert_error(demo.ticket(uid, "CorrectCaller", caller={"callerType": "AutomatonCaller"}), 409,
                 "ImpossibleToCorrectTicketAlreadyLinkedWithAssignee")
    assert_error(demo.ticket(uid, "CorrectLocationReference", address=new_address,
                             locationReference=agency_location(world.lyon)), 409,
                 "ImpossibleToCorrectTicketAlreadyLinkedWithAssignee")


def test_update_ticket_replaces_infos_and_created(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    reply = demo.ticket(uid, "UpdateTicket", locationRef=patrimony_location(world.residence),
                        ticket=ticket_infos(city="Villeurbanne", request="Nouvelle demande"),
                        openedDate="2021-03-14T09:00:00Z")
    assert event_types(reply) == ["TicketUpdated"]
    view = detail(demo, uid)
    assert view["dates"]["created"] == "2021-03-14T09:00:00.000Z"
    assert view["request"] == "Nouvelle demande"
    assert view["linkedEntities"]["patrimony"]["name"] == "Résidence Les Tilleuls"
    assert [f["field"] for f in view["updatedFields"]] == ["ticket"]
    assert_error(demo.ticket(uid, "UpdateTicket", locationRef=agency_location(world.closed_agency),
                             ticket=ticket_infos(), openedDate="2021-03-14T09:00:00Z"),
                 409, "InconsistentReference")


def test_other_increments_store_their_event(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    provider = {"name": {"value": "Dépanneur", "nameType": "PoorName"}, "providerType": "AnonymousProvider"}
    for command, fields, event in [
        ("ProviderAnswerCall", {"provider": provider, "date": "2021-03-15T10:00:00Z"}, "CallAnsweredByProvider"),
        ("ProviderNotAnswerCall", {"provider": provider, "date": "2021-03-15T10:00:00Z"},
         "CallNotAnsweredByProvider"),
        ("AddLogTrial", {"logTrial": {"trialLabel": "Essai 1"}, "logTrialAddedDate": "2021-03-15T10:00:00Z"},
         "LogTrialAdded"),
        ("RestrictAccessToTicket", {"accessControlList": [{"accessControlType": "PatrimonyUser",
                                                           "accessGrantTo": "TicketCaller"}]},
         "AccessRestrictedToTicket"),
        ("RefuseIntervention", {"assignee": anonymous_assignee(), "date": "2021-03-15T10:00:00Z"},
         "InterventionRefused"),
        ("FixPartially", {"stillOnSite": "Yes", "closingDate": "2021-03-15T11:00:00Z"}, "PartiallyFixed"),
        ("CloseTicketImpossibleRepair", {"stillOnSite": "No", "closingDate": "2021-03-15T11:00:00Z"},
         "TicketClosedImpossibleRepair"),
        ("PostponeFix", {"stillOnSite": "NotAsked", "closingDate": "2021-03-15T11:00:00Z"}, "PostponedFix"),
        ("ArchiveTicket", {"closingDate": "2021-03-15T11:00:00Z"}, "TicketArchived"),
        ("CloseBeyondCallCenterScope", {"closingDate": "2021-03-15T11:00:00Z"}, "ClosedBeyondCallCenterScope"),
        ("CloseAfterSeveralUnsuccessfulRecalls", {"closingDate": "2021-03-15T11:00:00Z"},
         "ClosedAfterSeveralUnsuccessfulRecalls"),
    ]:
        reply = demo.ticket(uid, command, **fields)
        assert reply.status == 200, (command, reply)
        assert event_types(reply) == [event]
    journal = journal_events(detail(demo, uid))
    assert journal[1]["data"] == {"provider": "Dépanneur"}
    assert journal[3]["data"] == {"trialLabel": "Essai 1"}


def test_referenced_provider_company_assignee_is_400(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    reply = demo.ticket(uid, "IdentifyAssignee", date="2021-03-15T10:00:00Z",
                        assignee={"providerUid": new_uid(), "assigneeType": "ReferencedProviderCompany"})
    assert_error(reply, 400, "InvalidCommand")


# ---------------------------------------------------------------- rejected commands

def test_rejected_command_changes_nothing(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    before = detail(demo, uid)
    listed = demo.get(f"/api/v1/tickets?agency={world.lyon}&range=0-99").body
    position = demo.journal_next()
    process_uid = new_uid()
    body = {"processUid": process_uid, "commandType": "CorrectTicketInformations",
            "date": "2021-03-15T11:00:00Z", "fieldsToCorrect": {"closingReport": "x"}}
    assert_error(demo.patch(f"/api/vEvent/tickets/{uid}", body), 409,
                 "ImpossibleToUpdateClosingReportFieldIfTicketIsNotClosed")
    assert demo.events_after(position) == []
    assert detail(demo, uid) == before
    assert demo.get(f"/api/v1/tickets?agency={world.lyon}&range=0-99").body == listed
    # The processUid stays free.
    body["fieldsToCorrect"] = {"request": "ok"}
    assert demo.patch(f"/api/vEvent/tickets/{uid}", body).status == 200


def test_duplicate_process_uid_is_409_with_events(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    body = {"processUid": new_uid(), "commandType": "AddMessage", "message": "m",
            "messageAddedDate": "2021-03-15T10:00:00Z"}
    first = demo.patch(f"/api/vEvent/tickets/{uid}", body)
    again = demo.patch(f"/api/vEvent/tickets/{uid}", body)
    assert_error(again, 409, "CommandAlreadySent")
    assert again.json()["events"] == first.json()["events"]


# ---------------------------------------------------------------- concurrency

def run_parallel(calls):
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def work(index, call):
        barrier.wait(timeout=30)
        results[index] = call()

    threads = [threading.Thread(target=work, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def versions_of(demo, uid, position):
    """Events of ticket UID stored after POSITION, in storage order."""
    return [e for e in demo.events_after(position) if e["event"]["aggregateUid"] == uid]


def test_parallel_messages_all_succeed(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    position = demo.journal_next()
    replies = run_parallel([
        lambda i=i: demo.ticket(uid, "AddMessage", message=f"message {i}",
                                messageAddedDate="2021-03-15T10:00:00Z")
        for i in range(20)])
    assert [reply.status for reply in replies] == [200] * 20
    stored = versions_of(demo, uid, position)
    assert len(stored) == 20
    messages = [e for e in journal_events(detail(demo, uid)) if e["eventName"] == "MessageAdded"]
    assert sorted(m["data"]["message"] for m in messages) == sorted(f"message {i}" for i in range(20))
    positions = [e["position"] for e in stored]
    assert positions == sorted(positions)


def test_identify_assignee_races_corrections(demo, world):
    uid = open_ticket(demo, agency_location(world.lyon))
    position = demo.journal_next()
    calls = [lambda: demo.ticket(uid, "IdentifyAssignee", assignee=anonymous_assignee(),
                                 date="2021-03-15T10:00:00Z")]
    calls += [lambda: demo.ticket(uid, "CorrectCaller", caller={"callerType": "AutomatonCaller"})] * 10
    replies = run_parallel(calls)
    assert replies[0].status == 200
    for reply in replies[1:]:
        assert reply.status in (200, 409), reply
        if reply.status == 409:
            assert reply.json()["errorType"] == "ImpossibleToCorrectTicketAlreadyLinkedWithAssignee"
    # Storage order: the journal of the detail view sorts by business date instead.
    names = [e["event"]["eventType"] for e in versions_of(demo, uid, position)]
    identified = names.index("AssigneeIdentified")
    assert "CallerCorrected" not in names[identified:]
    assert names.count("CallerCorrected") == sum(reply.status == 200 for reply in replies[1:])


def test_parallel_open_ticket_same_uid(demo, world):
    uid = new_uid()
    replies = run_parallel([
        lambda: demo.command("POST", "/api/vEvent/tickets", "OpenTicket", aggregateUid=uid,
                             locationRef=agency_location(world.lyon), ticket=ticket_infos(),
                             openedDate="2021-03-15T09:05:00Z")
        for _ in range(10)])
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [201] + [409] * 9
