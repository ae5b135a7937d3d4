"""Patrimony commands over HTTPS: POST/PATCH /api/vEvent/patrimonies."""

import pytest

from estate import PATRIMONIES, Estate, error_type, new_uid


@pytest.fixture
def estate(api, env):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture
def company(estate):
    """A client account with two agencies."""
    account = estate.client_account()
    return account, estate.agency(account), estate.agency(account)



def test_reference_patrimony_created(estate, company):
    _, agency, other = company
    uid = new_uid()
    reply = estate.post(PATRIMONIES, "ReferencePatrimony", {
        "aggregateUid": uid.upper(), "ref": "TIL-01", "label": "Les Tilleuls",
        "agencyUids": [agency, other, agency.upper()]})
    assert reply.status == 201, reply
    (event,) = reply.json()["events"]
    assert event["eventType"] == "PatrimonyReferenced"
    assert event["aggregateUid"] == uid
    assert event["agencies"] == [agency, other]
    assert event["ref"] == "TIL-01" and event["label"] == "Les Tilleuls"


def test_reference_patrimony_existing_uid(estate, company):
    _, agency, _ = company
    uid = estate.patrimony([agency])
    reply = estate.post(PATRIMONIES, "ReferencePatrimony",
                        {"aggregateUid": uid, "ref": "X", "agencyUids": [agency]})
    assert reply.status == 409
    assert error_type(reply) == "ImpossibleToCreateExistingPatrimony"


def test_reference_patrimony_unknown_agency(estate, company):
    before = len(estate.events())
    reply = estate.post(PATRIMONIES, "ReferencePatrimony", {"ref": "X", "agencyUids": [new_uid()]})
    assert reply.status == 404
    assert error_type(reply) == "ReferencedEntityNotFound"
    assert len(estate.events()) == before


def test_reference_patrimony_deleted_agency(estate, company):
    account, agency, _ = company
    estate.delete_agency(account, agency)
    before = len(estate.events())
    reply = estate.post(PATRIMONIES, "ReferencePatrimony", {"ref": "X", "agencyUids": [agency]})
    assert reply.status == 409
    assert error_type(reply) == "InconsistentReference"
    assert len(estate.events()) == before


def test_reference_patrimony_agencies_of_two_companies(estate, company):
    _, agency, _ = company
    foreign = estate.agency(estate.client_account())
    reply = estate.post(PATRIMONIES, "ReferencePatrimony", {"ref": "X", "agencyUids": [agency, foreign]})
    assert reply.status == 409
    assert error_type(reply) == "InconsistentReference"


def test_reference_patrimony_schema_errors(estate, company):
    _, agency, _ = company
    for body in ({"ref": "X", "agencyUids": []}, {"ref": " ", "agencyUids": [agency]},
                 {"agencyUids": [agency]}, {"ref": "X", "agencyUids": ["nope"]}):
        reply = estate.post(PATRIMONIES, "ReferencePatrimony", body)
        assert reply.status == 400, body
        assert error_type(reply) == "InvalidCommand"


def test_reference_patrimony_duplicate_process_uid(estate, company):
    _, agency, _ = company
    body = {"processUid": new_uid(), "commandType": "ReferencePatrimony", "ref": "X",
            "agencyUids": [agency]}
    first = estate.client.post(PATRIMONIES, body, estate.headers)
    again = estate.client.post(PATRIMONIES, body, estate.headers)
    assert first.status == 201
    assert again.status == 409
    assert error_type(again) == "CommandAlreadySent"
    assert again.json()["events"] == first.json()["events"]


def test_patrimony_commands_need_credentials(api, company):
    _, agency, _ = company
    reply = api.post(PATRIMONIES, {"processUid": new_uid(), "commandType": "ReferencePatrimony",
                                   "ref": "X", "agencyUids": [agency]})
    assert reply.status == 401


def test_patrimony_command_media_type_and_method(estate):
    reply = estate.client.post(PATRIMONIES, "{}", dict(estate.headers, **{"Content-Type": "text/plain"}))
    assert reply.status == 415
    assert estate.client.request("PATCH", PATRIMONIES, {}, estate.headers).status == 405


def test_reference_building(estate, company):
    _, agency, _ = company
    patrimony = estate.patrimony([agency])
    reply = estate.patch(f"{PATRIMONIES}/{patrimony}", "ReferenceBuilding", {"label": "Bâtiment A"})
    assert reply.status == 200
    (event,) = reply.json()["events"]
    assert event["eventType"] == "BuildingReferenced"
    assert event["label"] == "Bâtiment A" and len(event["buildingUid"]) == 36

    before = len(estate.events())
    again = estate.patch(f"{PATRIMONIES}/{patrimony}", "ReferenceBuilding", {"label": "  BATIMENT a "})
    assert again.status == 409
    assert error_type(again) == "ImpossibleToReferenceAlreadyExistingBuilding"
    assert len(estate.events()) == before


def test_complementary_addresses(estate, company):
    _, agency, _ = company
    patrimony = estate.patrimony([agency])
    path = f"{PATRIMONIES}/{patrimony}"
    address = {"number": "3", "street": "Rue Garibaldi", "zipCode": "69003", "city": "Lyon",
               "digicode": "1234", "checker": {"googlePlaceId": "g-1"}}
    added = estate.patch(path, "AddComplementaryAddressToPatrimony", {"complementaryAddress": address})
    assert added.status == 200
    stored = added.json()["events"][0]["complementaryAddress"]
    assert stored["digicode"] == "1234" and len(stored["uid"]) == 36

    same = dict(address, street="rue garibaldi", city="LYON")
    duplicate = estate.patch(path, "AddComplementaryAddressToPatrimony", {"complementaryAddress": same})
    assert duplicate.status == 409
    assert error_type(duplicate) == "ImpossibleToAddAlreadyExistingComplementaryAddressToPatrimony"

    bad = estate.patch(path, "AddComplementaryAddressToPatrimony",
                       {"complementaryAddress": dict(address, geoLocation={"lat": 91, "lng": 0})})
    assert bad.status == 400
    assert error_type(bad) == "InvalidCommand"

    missing = estate.patch(path, "RemoveComplementaryAddressFromPatrimony", {"addressUid": new_uid()})
    assert missing.status == 404
    assert error_type(missing) == "ImpossibleToRemoveNonExistingComplementaryAddressFromPatrimony"

    removed = estate.patch(path, "RemoveComplementaryAddressFromPatrimony", {"addressUid": stored["uid"]})
    assert removed.status == 200
    detail = estate.get(f"/api/v1/patrimonies/{patrimony}").json()
    assert detail["complementaryAddresses"] == []


def test_update_patrimony(estate, company):
    _, agency, _ = company
    patrimony = estate.patrimony([agency], label="Avant")
    reply = estate.patch(f"{PATRIMONIES}/{patrimony}", "UpdatePatrimony", {"ref": "NEW", "comment": "note"})
    assert reply.status == 200
    detail = estate.get(f"/api/v1/patrimonies/{patrimony}").json()
    assert detail["ref"] == "NEW" and detail["comment"] == "note"
    assert "label" not in detail


def test_associate_and_dissociate_agencies(estate, company):
    account, agency, other = company
    patrimony = estate.patrimony([agency])
    path = f"{PATRIMONIES}/{patrimony}"

    unknown = estate.patch(path, "AssociatePatrimonyInAgency", {"agencyUid": new_uid()})
    assert (unknown.status, error_type(unknown)) == (404, "ReferencedEntityNotFound")
    foreign = estate.agency(estate.client_account())
    wrong = estate.patch(path, "AssociatePatrimonyInAgency", {"agencyUid": foreign})
    assert (wrong.status, error_type(wrong)) == (409, "InconsistentReference")
    already = estate.patch(path, "AssociatePatrimonyInAgency", {"agencyUid": agency})
    assert already.status == 409
    assert error_type(already) == "ImpossibleToAssociatePatrimonyInAgencyForAlreadyAssociatedAgency"

    last = estate.patch(path, "DissociatePatrimonyFromAgency", {"agencyUid": agency})
    assert last.status == 409
    assert error_type(last) == "ImpossibleToDissociatePatrimonyFromAgencyRemainOnlyOneAgency"
    assert estate.patch(path, "AssociatePatrimonyInAgency", {"agencyUid": other}).status == 200
    none = estate.patch(path, "DissociatePatrimonyFromAgency", {"agencyUid": estate.agency(account)})
    assert none.status == 404
    assert error_type(none) == "ImpossibleToDissociatePatrimonyFromAgencyThatDoesntExist"
    assert estate.patch(path, "DissociatePatrimonyFromAgency", {"agencyUid": agency}).status == 200
    detail = estate.get(f"/api/v1/patrimonies/{patrimony}").json()
    assert [item["uid"] for item in detail["agencies"]] == [other]


def test_increment_of_unknown_patrimony(estate):
    reply = estate.patch(f"{PATRIMONIES}/{new_uid()}", "UpdatePatrimony", {"ref": "X"})
    assert reply.status == 404
    assert error_type(reply) == "ImpossibleToPerformCommandOnNonExistingPatrimony"


def test_increment_body_uid_differs(estate, company):
    _, agency, _ = company
    patrimony = estate.patrimony([agency])
    reply = estate.patch(f"{PATRIMONIES}/{patrimony}", "UpdatePatrimony",
                         {"ref": "X", "aggregateUid": new_uid()})
    assert (reply.status, error_type(reply)) == (400, "InvalidCommand")
    wrong_type = estate.patch(f"{PATRIMONIES}/{patrimony}", "ReferencePatrimony", {"ref": "X"})
    assert (wrong_type.status, error_type(wrong_type)) == (400, "InvalidCommand")


def test_other_tenant_cannot_reach_patrimony(estate, company, other_api, env):
    _, agency, _ = company
    patrimony = estate.patrimony([agency])
    other = Estate(other_api, env["PERFIMMO_OTHER_API_KEY"])
    reply = other.patch(f"{PATRIMONIES}/{patrimony}", "UpdatePatrimony", {"ref": "X"})
    assert reply.status == 404
    assert other.get(f"/api/v1/patrimonies/{patrimony}").status == 404
