"""Provider-contact commands over HTTPS: POST/PATCH /api/vEvent/providercontacts."""

import pytest

from estate import COMPANIES, CONTACTS, Estate, error_type, new_uid

NAME = {"firstName": "Marc", "lastName": "Perrin", "nameType": "CivilName"}


@pytest.fixture
def estate(api, env):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture
def company(estate):
    center = estate.call_center()
    account = estate.client_account(center)
    return center, account, estate.agency(account)


def test_add_provider_contact(estate, company):
    center, account, _ = company
    provider_company = new_uid()
    reply = estate.post(CONTACTS, "AddProviderContact", {
        "companyUid": account, "providerCompanyUid": provider_company,
        "date": "2021-02-10T23:30:00Z", "name": NAME, "phones": ["04.78.11.22.33"]})
    assert reply.status == 201, reply
    added, to_center, to_company, to_provider = reply.json()["events"]
    assert added["eventType"] == "ProviderContactAdded"
    assert (added["phones"], added["fax"], added["emails"]) == (["04.78.11.22.33"], [], [])
    assert added["date"] == "2021-02-10T23:30:00.000Z"
    # 23:30 UTC is already the next day in Paris.
    assert to_center == dict(to_center, eventType="ProviderContactAssociatedToCallCenter",
                             callCenterUid=center, date="2021-02-11")
    assert to_company == dict(to_company, eventType="ProviderContactAssociatedToCompany",
                              companyUid=account, date="2021-02-11")
    assert to_provider["providerCompanyUid"] == provider_company


def test_add_provider_contact_checks(estate, company):
    center, account, _ = company
    before = len(estate.events())
    missing = estate.post(CONTACTS, "AddProviderContact",
                          {"companyUid": new_uid(), "date": "2021-02-10T10:00:00Z", "name": NAME})
    assert (missing.status, error_type(missing)) == (404, "ReferencedEntityNotFound")
    wrong = estate.post(CONTACTS, "AddProviderContact",
                        {"companyUid": center, "date": "2021-02-10T10:00:00Z", "name": NAME})
    assert (wrong.status, error_type(wrong)) == (409, "InconsistentReference")
    assert len(estate.events()) == before

    contact = estate.contact(account)
    again = estate.post(CONTACTS, "AddProviderContact", {
        "aggregateUid": contact, "companyUid": account, "date": "2021-02-10T10:00:00Z", "name": NAME})
    assert (again.status, error_type(again)) == (409, "ImpossibleToAddExistingProviderContact")
    bad_name = estate.post(CONTACTS, "AddProviderContact", {
        "companyUid": account, "date": "2021-02-10T10:00:00Z", "name": {"value": "x", "nameType": "Nick"}})
    assert (bad_name.status, error_type(bad_name)) == (400, "InvalidCommand")


def test_agency_links(estate, company):
    _, account, agency = company
    contact = estate.contact(account)
    path = f"{CONTACTS}/{contact}"
    body = {"agencyUid": agency, "date": "2021-02-10"}

    unknown = estate.patch(path, "AssociateProviderContactToAgency", dict(body, agencyUid=new_uid()))
    assert (unknown.status, error_type(unknown)) == (404, "ReferencedEntityNotFound")
    other_account = estate.client_account()
    foreign = estate.patch(path, "AssociateProviderContactToAgency",
                           dict(body, agencyUid=estate.agency(other_account)))
    assert foreign.status == 409
    assert error_type(foreign) == "ImpossibleToAssociateProviderContactWithAgencyIfNotAlreadyAssociatedWithCompany"
    not_linked = estate.patch(path, "DissociateProviderContactFromAgency", body)
    assert not_linked.status == 404
    assert error_type(not_linked) == "ImpossibleToDissociateFromAgencyThatIsNotAlreadyAssociated"

    assert estate.patch(path, "AssociateProviderContactToAgency", body).status == 200
    twice = estate.patch(path, "AssociateProviderContactToAgency", body)
    assert (twice.status, error_type(twice)) == (409, "ImpossibleToAssociateToAgencyThatIsAlreadyAssociated")
    assert estate.patch(path, "DissociateProviderContactFromAgency", body).status == 200

    deleted = estate.agency(account)
    estate.delete_agency(account, deleted)
    gone = estate.patch(path, "AssociateProviderContactToAgency", dict(body, agencyUid=deleted))
    assert (gone.status, error_type(gone)) == (409, "InconsistentReference")


def test_company_links(estate, company):
    center, account, _ = company
    contact = estate.contact(account)
    path = f"{CONTACTS}/{contact}"
    same_center = estate.client_account(center)
    reply = estate.patch(path, "AssociateProviderContactToCompany", {"companyUid": same_center, "date": "2021-03-01"})
    assert [e["eventType"] for e in reply.json()["events"]] == ["ProviderContactAssociatedToCompany"]
    new_center = estate.client_account()
    reply = estate.patch(path, "AssociateProviderContactToCompany", {"companyUid": new_center, "date": "2021-03-01"})
    assert [e["eventType"] for e in reply.json()["events"]] == [
        "ProviderContactAssociatedToCallCenter", "ProviderContactAssociatedToCompany"]
    twice = estate.patch(path, "AssociateProviderContactToCompany", {"companyUid": account, "date": "2021-03-01"})
    assert (twice.status, error_type(twice)) == (409, "ImpossibleToAssociateToCompanyThatIsAlreadyAssociated")
    center_reply = estate.patch(path, "AssociateProviderContactToCompany", {"companyUid": center, "date": "2021-03-01"})
    assert (center_reply.status, error_type(center_reply)) == (409, "InconsistentReference")
    unknown = estate.patch(path, "AssociateProviderContactToCompany", {"companyUid": new_uid(), "date": "2021-03-01"})
    assert (unknown.status, error_type(unknown)) == (404, "ReferencedEntityNotFound")


def test_contact_state_commands(estate, company):
    _, account, _ = company
    contact = estate.contact(account)
    path = f"{CONTACTS}/{contact}"
    date = {"date": "2021-03-01T10:00:00+01:00"}
    assert estate.patch(path, "DisableProviderContact", date).status == 200
    assert estate.patch(path, "DisableProviderContact", date).status == 200
    assert estate.get(f"/api/v1/providercontacts/{contact}").json()["active"] is False
    assert estate.patch(path, "EnableProviderContact", date).status == 200
    updated = estate.patch(path, "UpdateProviderContact", dict(date, name={"value": "Plomberie Rapide", "nameType": "PoorName"}))
    assert updated.status == 200
    assert updated.json()["events"][0]["phones"] == []
    assert estate.get(f"/api/v1/providercontacts/{contact}").json()["label"] == "Plomberie Rapide"

    provider_company = new_uid()
    body = {"providerCompanyUid": provider_company}
    assert estate.patch(path, "AssociateProviderContactWithProviderCompany", body).status == 200
    twice = estate.patch(path, "AssociateProviderContactWithProviderCompany", body)
    assert twice.status == 409
    assert error_type(twice) == "ImppossibleToAssociateWithProviderCompanyThatIsAlreadyAssociated"


def test_patrimony_links_and_activities(estate, company):
    _, account, agency = company
    contact = estate.contact(account)
    path = f"{CONTACTS}/{contact}"
    patrimony = estate.patrimony([agency])
    foreign = estate.patrimony([estate.agency(estate.client_account())])

    unknown = estate.patch(path, "AssociateProviderContactWithPatrimony", {"patrimonyUid": new_uid()})
    assert (unknown.status, error_type(unknown)) == (404, "ReferencedEntityNotFound")
    other = estate.patch(path, "AssociateProviderContactWithPatrimony", {"patrimonyUid": foreign})
    assert other.status == 409
    assert error_type(other) == "ImpossibleToAssociateProviderContactWithPatrimonyIfNotAlreadyAssociatedWithCompany"
    assert estate.patch(path, "AssociateProviderContactWithPatrimony", {"patrimonyUid": patrimony}).status == 200
    twice = estate.patch(path, "AssociateProviderContactWithPatrimony", {"patrimonyUid": patrimony})
    assert (twice.status, error_type(twice)) == (409, "ImpossibleToAssociateWithPatrimonyThatIsAlreadyAssociated")
    assert estate.patch(path, "DissociateProviderContactFromPatrimony", {"patrimonyUid": patrimony}).status == 200
    none = estate.patch(path, "DissociateProviderContactFromPatrimony", {"patrimonyUid": patrimony})
    assert (none.status, error_type(none)) == (404, "ImpossibleToDissociateFromPatrimonyThatIsNotAlreadyAssociated")

    activity = new_uid()
    assign = estate.patch(path, "AssignActivityToProviderContact", {"activityUid": activity, "includedIncidentTypes": []})
    assert assign.status == 200
    assert estate.patch(path, "RemoveActivityFromProviderContact", {"activityUid": activity}).status == 200
    missing = estate.patch(path, "RemoveActivityFromProviderContact", {"activityUid": activity})
    assert (missing.status, error_type(missing)) == (404, "ImpossibleToRemoveNonExistingActivity")
    no_types = estate.patch(path, "AssignActivityToProviderContact", {"activityUid": activity})
    assert (no_types.status, error_type(no_types)) == (400, "InvalidCommand")


def test_crush_update(estate, company):
    _, account, agency = company
    contact = estate.contact(account, name="Marc Perrin", phones=["0478"])
    path = f"{CONTACTS}/{contact}"
    first, second = estate.patrimony([agency]), estate.patrimony([agency])
    activity = new_uid()
    incident = new_uid()
    wanted = {"name": {"value": "Marc Perrin", "nameType": "PoorName"}, "phones": ["0478"],
              "patrimonies": [first], "activities": [{"activityUid": activity, "includedIncidentTypes": [incident]}]}
    reply = estate.patch(path, "CrushUpdateProviderContact", wanted)
    assert reply.status == 200
    assert [e["eventType"] for e in reply.json()["events"]] == [
        "ActivityAssignedToProviderContact", "ProviderContactAssociatedWithPatrimony"]

    same = estate.patch(path, "CrushUpdateProviderContact", wanted)
    assert same.status == 200
    assert same.json() == {"events": []}

    changed = dict(wanted, phones=[], patrimonies=[second], activities=[])
    reply = estate.patch(path, "CrushUpdateProviderContact", changed)
    assert [e["eventType"] for e in reply.json()["events"]] == [
        "ProviderContactUpdated", "ActivityRemovedFromProviderContact",
        "ProviderContactDissociatedFromPatrimony", "ProviderContactAssociatedWithPatrimony"]

    duplicate = dict(wanted, activities=[{"activityUid": activity, "includedIncidentTypes": []}] * 2)
    bad = estate.patch(path, "CrushUpdateProviderContact", duplicate)
    assert (bad.status, error_type(bad)) == (400, "InvalidCommand")
    foreign = estate.patrimony([estate.agency(estate.client_account())])
    before = len(estate.events())
    rejected = estate.patch(path, "CrushUpdateProviderContact", dict(wanted, patrimonies=[foreign]))
    assert rejected.status == 409
    assert len(estate.events()) == before


def test_increment_of_unknown_contact(estate):
    reply = estate.patch(f"{CONTACTS}/{new_uid()}", "DisableProviderContact", {"date": "2021-03-01T10:00:00Z"})
    assert reply.status == 404
    assert error_type(reply) == "ImpossibleToPerfomCommandOnNonExistingProviderContactCommand"
