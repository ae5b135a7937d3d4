"""Command responses against docs/openapi.yaml: for each command family a
success and the error statuses, every response validated against the schema
documented for its path, method and status. A rejected command must leave
the journal as it was."""


import pytest

from auth_support import make_user
from openapi_estate import World, created_uid, open_ticket_fields
from openapi_support import CheckedClient, admin_api, new_uid, openapi  # noqa: F401 (fixtures)

COMPANIES = "/api/vEvent/clientcompanies"
PATRIMONIES = "/api/vEvent/patrimonies"
LOTS = "/api/vEvent/lots"
CONTACTS = "/api/vEvent/providercontacts"
USERS = "/api/vEvent/users"
TICKETS = "/api/vEvent/tickets"


# Last journal end seen, so that each look-up reads only the newer events.
_journal_position = [0]


def journal_end(client):
    """The position after the last stored event, which the superUser may read.
    The raw client reads the feed because validating thousands of events is slow."""
    position = _journal_position[0]
    for _ in range(1000):
        page = client.client.get(f"/api/v1/events?after={position}&limit=1000",
                                 headers=client.headers).json()
        if page["next"] == position:
            _journal_position[0] = position
            return position
        position = page["next"]
    raise AssertionError("the feed did not end")


def rejected(client, status, error_type, method, path, command_type, **fields):
    """Send a command that must fail with STATUS and ERROR_TYPE, and check that
    the journal did not move."""
    before = journal_end(client)
    response = client.command(method, path, command_type, **fields)
    assert response.status == status, response
    assert response.json()["errorType"] == error_type, response
    assert journal_end(client) == before, f"{command_type} was rejected but stored events"
    return response


@pytest.fixture(scope="module")
def world(admin_api):
    return World(admin_api)


# ---------------------------------------------------------------- companies and agencies

def test_company_create_events(admin_api, world):
    response = admin_api.command("POST", COMPANIES, "CreateClientAccountHolding",
                                 callCenterReference=world.call_center, createdDate="2021-01-02",
                                 name="Holding OpenAPI", billingType="StandardAccount")
    assert response.status == 201
    assert [e["eventType"] for e in response.json()["events"]] == [
        "ClientAccountHoldingCreated", "CompanyUpgradedToStandardAccount"]


def test_company_patch_events(admin_api, world):
    response = admin_api.command("PATCH", f"{COMPANIES}/{world.company}", "DowngradePremiumAccount",
                                 downgradedDate="2021-04-01")
    assert response.status == 200
    assert response.json()["events"][0]["eventType"] == "PremiumAccountDowngraded"


def test_company_errors(admin_api, world):
    rejected(admin_api, 400, "InvalidCommand", "POST", COMPANIES, "CreateCallCenter",
             createdDate="2021-01-01", name="x", siretNumber="12345678901234")
    rejected(admin_api, 404, "ImpossibleToPerfomCommandOnNonExistingCompany", "PATCH",
             f"{COMPANIES}/{new_uid()}", "CancelCompany", canceledDate="2021-01-01")
    rejected(admin_api, 409, "CompanyAlreadyIdentified", "PATCH", f"{COMPANIES}/{world.company}",
             "IdentifyCompany", siretNumber="51234567800019")


def test_agency_update_and_errors(admin_api, world):
    path = f"{COMPANIES}/{world.company}/agencies/{world.agency}"
    response = admin_api.command("PATCH", path, "UpdateAgency", updatedDate="2021-03-01",
                                 agency={"name": "Agence OpenAPI", "ref": "AOA", "phones": ["0472334455"]})
    assert response.status == 200
    assert response.json()["events"][0]["eventType"] == "AgencyUpdated"
    rejected(admin_api, 404, "ImpossibleToPerformCommandOnNonExistingAgency", "PATCH",
             f"{COMPANIES}/{world.company}/agencies/{new_uid()}", "DeleteAgency", deletedDate="2021-03-01")
    rejected(admin_api, 409, "ImpossibleToCreateAgencyInAnotherCompanyThatClientAccount", "POST",
             f"{COMPANIES}/{world.call_center}/agencies", "CreateAgency", createdDate="2021-03-01",
             agency={"name": "Nulle part"})


def test_duplicate_process_uid_returns_events(admin_api, world):
    body = {"processUid": new_uid(), "reactivatedDate": "2021-05-01", "commandType": "ReactiveCompany"}
    first = admin_api.patch(f"{COMPANIES}/{world.company}", body)
    assert first.status == 200
    before = journal_end(admin_api)
    again = admin_api.patch(f"{COMPANIES}/{world.company}", body)
    assert again.status == 409
    assert again.json()["errorType"] == "CommandAlreadySent"
    assert again.json()["events"] == first.json()["events"]
    assert journal_end(admin_api) == before


def test_forbidden_and_unauthenticated(openapi, api, env, admin_api, world):
    user = make_user(env, api, {"Authorization": env["PERFIMMO_API_KEY"]}, "ReferenceCallCenterUser",
                     world.call_center)
    as_user = CheckedClient(openapi, api, user.auth)
    rejected(as_user, 403, "Forbidden", "POST", COMPANIES, "CreateCallCenter",
             createdDate="2021-01-01", name="Interdit")
    anonymous = CheckedClient(openapi, api)
    response = anonymous.command("POST", COMPANIES, "CreateCallCenter", createdDate="2021-01-01", name="x")
    assert response.status == 401


def test_media_type_and_size(admin_api):
    response = admin_api.request("POST", COMPANIES, body="{}", headers={"Content-Type": "text/plain"})
    assert response.status == 415
    response = admin_api.request("POST", COMPANIES, body="x" * (1024 * 1024 + 1),
                                 headers={"Content-Type": "application/json"})
    assert response.status == 413


# ---------------------------------------------------------------- users

def test_user_commands(openapi, api, env, admin_api, world):
    login = f"oa.{new_uid()[:8]}@example.test"
    response = admin_api.command("POST", USERS, "ReferencePatrimonyManager", login=login,
                                 companyUid=world.company, managedPatrimonies=[world.patrimony],
                                 firstName="Sophie", lastName="Morel", job="Gestionnaire",
                                 phone="0472001122")
    user = created_uid(response)
    response = admin_api.command("PATCH", f"{USERS}/{user}", "UpdateUser", firstName="Sophie",
                                 lastName="Morel-Durand")
    assert response.status == 200
    rejected(admin_api, 409, "LoginAlreadyUsed", "POST", USERS, "ReferenceClientAccountManager",
             login=login.upper(), companyUid=world.company, firstName="A", lastName="B")
    rejected(admin_api, 404, "ImpossibleToPerformCommandOnNonExistingUser", "PATCH",
             f"{USERS}/{new_uid()}", "DisableUser")
    rejected(admin_api, 409, "ImpossibleToDissociateUserFromItsLastPatrimony", "PATCH",
             f"{USERS}/{user}", "DissociateUserFromPatrimony", patrimonyUid=world.patrimony)


# ---------------------------------------------------------------- patrimonies and lots

def test_patrimony_commands(admin_api, world):
    path = f"{PATRIMONIES}/{world.patrimony}"
    response = admin_api.command("PATCH", path, "ReferenceBuilding", label="Bâtiment " + new_uid()[:6])
    assert response.status == 200
    response = admin_api.command("PATCH", path, "AddComplementaryAddressToPatrimony",
                                 complementaryAddress={"number": new_uid()[:4], "street": "rue Garibaldi",
                                                       "zipCode": "69003", "city": "Lyon",
                                                       "checker": {"googlePlaceId": "ChIJ-oa"},
                                                       "digicode": "1234A"})
    assert response.status == 200
    rejected(admin_api, 404, "ImpossibleToPerformCommandOnNonExistingPatrimony", "PATCH",
             f"{PATRIMONIES}/{new_uid()}", "UpdatePatrimony", ref="X")
    rejected(admin_api, 409, "ImpossibleToDissociatePatrimonyFromAgencyRemainOnlyOneAgency", "PATCH",
             path, "DissociatePatrimonyFromAgency", agencyUid=world.agency)
    rejected(admin_api, 404, "ReferencedEntityNotFound", "POST", PATRIMONIES, "ReferencePatrimony",
             ref="X", agencyUids=[new_uid()])


def test_lot_commands(admin_api, world):
    response = admin_api.command("POST", LOTS, "ReferenceLot", ref="OA-" + new_uid()[:8], lotNumber="C3",
                                 patrimonyUid=world.patrimony, usage="ResidentialCellar",
                                 addresses=[{"street": "rue des Tilleuls", "zipCode": "69003", "city": "Lyon",
                                             "recipientSupplement": {"floor": "-1"}}])
    assert response.status == 201
    assert [e["eventType"] for e in response.json()["events"]] == ["LotReferenced", "LotNumberUpdated"]
    response = admin_api.command("PATCH", f"{LOTS}/{world.lot}", "UpdateLotUsage", usage="Office")
    assert response.status == 200
    rejected(admin_api, 400, "AddressNotConform", "PATCH", f"{LOTS}/{world.lot}", "AddAddressToLot",
             address={"street": "rue", "zipCode": "!", "city": "Lyon"})
    rejected(admin_api, 409, "LotReferenceAlreadyExist", "POST", LOTS, "ReferenceLot", ref=world.lot_ref,
             lotNumber="Z9", patrimonyUid=world.patrimony, usage="Office",
             addresses=[{"street": "rue", "zipCode": "69003", "city": "Lyon"}])
    rejected(admin_api, 404, "PatrimonyNotFound", "POST", LOTS, "ReferenceLot", ref="X", lotNumber="1",
             patrimonyUid=new_uid(), usage="Office",
             addresses=[{"street": "rue", "zipCode": "69003", "city": "Lyon"}])


# ---------------------------------------------------------------- provider contacts

def test_provider_contact_commands(admin_api, world):
    path = f"{CONTACTS}/{world.contact}"
    response = admin_api.command("POST", CONTACTS, "AddProviderContact", companyUid=world.company,
                                 providerCompanyUid=new_uid(), date="2021-02-10T15:02:51+01:00",
                                 name={"value": "Plomberie Express", "nameType": "PoorName"})
    assert response.status == 201
    assert [e["eventType"] for e in response.json()["events"]] == [
        "ProviderContactAdded", "ProviderContactAssociatedToCallCenter",
        "ProviderContactAssociatedToCompany", "ProviderContactAssociatedWithProviderCompany"]
    response = admin_api.command("PATCH", path, "AssignActivityToProviderContact",
                                 activityUid=new_uid(), includedIncidentTypes=[new_uid()])
    assert response.status == 200
    response = admin_api.command("PATCH", path, "AssociateProviderContactToAgency",
                                 agencyUid=world.agency, date="2021-02-11")
    assert response.status in (200, 409)
    rejected(admin_api, 404, "ImpossibleToRemoveNonExistingActivity", "PATCH", path,
             "RemoveActivityFromProviderContact", activityUid=new_uid())
    rejected(admin_api, 404, "ImpossibleToPerfomCommandOnNonExistingProviderContactCommand", "PATCH",
             f"{CONTACTS}/{new_uid()}", "DisableProviderContact", date="2021-02-11T00:00:00Z")


# ---------------------------------------------------------------- tickets

def test_ticket_open_and_duplicate_uid(admin_api, world):
    uid = new_uid()
    response = admin_api.command("POST", TICKETS, "OpenTicket", **open_ticket_fields(world, aggregateUid=uid))
    assert response.status == 201
    assert response.json()["events"][0]["aggregateUid"] == uid
    rejected(admin_api, 409, "ImpossibleToOpenExistingTicket", "POST", TICKETS, "OpenTicket",
             **open_ticket_fields(world, aggregateUid=uid))
    rejected(admin_api, 404, "ReferencedEntityNotFound", "POST", TICKETS, "OpenTicket",
             **open_ticket_fields(world, locationRef={"agencyUid": new_uid(),
                                                       "locationReferenceType": "AgencyLocation"}))


def test_ticket_increments(admin_api, world):
    path = f"{TICKETS}/{world.ticket}"
    assignee = {"providerUid": world.contact, "assigneeType": "ReferencedProviderContact"}
    rejected(admin_api, 409, "ImpossibleToScheduleMissionIfNoProviderIsAssigned", "PATCH", path,
             "ScheduleIntervention", assignee=assignee, date="2021-03-15T10:00:00+01:00",
             startDate="2021-03-16T08:00:00+01:00", endDate="2021-03-16T10:00:00+01:00")
    steps = [
        ("EmitCallTo", {"recipient": {"provider": {"providerUid": world.contact, "providerType": "ReferencedProvider"},
                                      "personaType": "ProviderPersona"},
                        "medium": {"phone": "0478112233", "contactMediumType": "Phone"},
                        "date": "2021-03-15T09:20:00+01:00"}, ["CallEmittedTo"]),
        ("IdentifyAssignee", {"assignee": assignee, "instructions": "Passer par la cave",
                              "date": "2021-03-15T09:21:00+01:00"},
         ["AssigneeIdentified", "InstructionsForAssigneeDefined"]),
        ("ScheduleIntervention", {"assignee": assignee, "date": "2021-03-15T10:00:00+01:00",
                                  "startDate": "2021-03-16T08:00:00+01:00",
                                  "endDate": "2021-03-16T10:00:00+01:00"}, ["InterventionScheduled"]),
        ("AcceptIntervention", {"assignee": assignee, "date": "2021-03-15T10:05:00+01:00",
                                "requestNotificationTo": {"assigneeEmail": "marc@example.test"}},
         ["InterventionAccepted", "NotificationForInterventionAcceptedRequested"]),
        ("StartIntervention", {"assignee": assignee, "startedDate": "2021-03-16T08:10:00+01:00"},
         ["InterventionStarted"]),
        ("FinishIntervention", {"assignee": assignee, "finishedDate": "2021-03-16T09:40:00+01:00"},
         ["InterventionFinished"]),
        ("AddMessage", {"message": "Joint changé", "messageAddedDate": "2021-03-16T09:45:00+01:00",
                        "operator": {"name": "Standard", "operatorType": "AnonymousOperator"}},
         ["MessageAdded"]),
        ("FixPermanently", {"stillOnSite": "No", "report": "Joint remplacé",
                            "provider": {"providerUid": world.contact, "providerType": "ReferencedProvider"},
                            "closingDate": "2021-03-16T15:40:00+01:00"}, ["PermanentlyFixed"]),
        ("CorrectTicketInformations", {"fieldsToCorrect": {"closingReport": "Joint et siphon remplacés"},
                                       "date": "2021-03-17T08:00:00+01:00"}, ["TicketInformationsCorrected"]),
    ]
    for command_type, fields, events in steps:
        response = admin_api.command("PATCH", path, command_type, **fields)
        assert response.status == 200, (command_type, response)
        assert [e["eventType"] for e in response.json()["events"]] == events
    rejected(admin_api, 409, "ImpossibleToCorrectTicketAlreadyLinkedWithAssignee", "PATCH", path,
             "CorrectCaller", caller={"callerType": "AutomatonCaller"})
    rejected(admin_api, 400, "BlankTextIsForbiddenToCorrectTicketInformations", "PATCH", path,
             "CorrectTicketInformations", fieldsToCorrect={"request": "  "}, date="2021-03-17T08:00:00Z")
    rejected(admin_api, 404, "ImpossibleToPerfomCommandOnNonExistingTicket", "PATCH",
             f"{TICKETS}/{new_uid()}", "ReopenTicket", date="2021-03-17T08:00:00Z")
