"""Lot commands over HTTPS: POST/PATCH /api/vEvent/lots."""

import pytest

from estate import LOTS, Estate, address, error_type, new_uid


@pytest.fixture
def estate(api, env):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture
def patrimony(estate):
    account = estate.client_account()
    return estate.patrimony([estate.agency(account)])


def reference(estate, patrimony, **fields):
    body = {"ref": "LOT-" + new_uid()[:8], "lotNumber": new_uid()[:6], "patrimonyUid": patrimony,
            "usage": "Apartment", "addresses": [address()]}
    body.update(fields)
    return estate.post(LOTS, "ReferenceLot", body)


def test_reference_lot_emits_two_events(estate, patrimony):
    building = estate.building(patrimony, "A")
    reply = reference(estate, patrimony, ref="TIL-01-B12", lotNumber="B12",
                      addresses=[address(building=building, recipientSupplement={"floor": "3"})])
    assert reply.status == 201, reply
    referenced, numbered = reply.json()["events"]
    assert referenced["eventType"] == "LotReferenced"
    assert numbered["eventType"] == "LotNumberUpdated" and numbered["lotNumber"] == "B12"
    (stored,) = referenced["addresses"]
    assert stored["building"] == building and len(stored["uid"]) == 36
    assert stored["recipientSupplement"] == {"floor": "3"}


def test_reference_lot_address_not_conform(estate, patrimony):
    before = len(estate.events())
    for bad in (address(street="  "), address(zipCode="6"), address(zipCode="69_03"),
                address(geoLocation={"lat": 95, "lng": 0}), address(checker={}),
                address(checker={"googlePlaceId": "a", "dataGouvAddressId": "b"})):
        reply = reference(estate, patrimony, addresses=[address(), bad])
        assert reply.status == 400, bad
        assert error_type(reply) == "AddressNotConform"
        assert "addresses[1]" in reply.json()["message"]
    assert len(estate.events()) == before


def test_address_not_conform_before_duplicate_check(estate, patrimony):
    body = {"processUid": new_uid(), "commandType": "ReferenceLot", "ref": "A", "lotNumber": "1",
            "patrimonyUid": patrimony, "usage": "Office", "addresses": [address()]}
    assert estate.client.post(LOTS, body, estate.headers).status == 201
    body["addresses"] = [address(city="")]
    reply = estate.client.post(LOTS, body, estate.headers)
    assert (reply.status, error_type(reply)) == (400, "AddressNotConform")


def test_reference_lot_checks(estate, patrimony):
    missing = reference(estate, new_uid())
    assert (missing.status, error_type(missing)) == (404, "PatrimonyNotFound")

    existing = estate.lot(patrimony, ref="R-1", number="1")
    again = reference(estate, patrimony, aggregateUid=existing)
    assert (again.status, error_type(again)) == (409, "ImpossibleToCreateExistingLot")

    no_building = reference(estate, patrimony, addresses=[address(building=new_uid())])
    assert (no_building.status, error_type(no_building)) == (404, "BuildingDontExist")

    same_ref = reference(estate, patrimony, ref="R-1")
    assert (same_ref.status, error_type(same_ref)) == (409, "LotReferenceAlreadyExist")

    same_number = reference(estate, patrimony, lotNumber="1")
    assert (same_number.status, error_type(same_number)) == (409, "LotNumberAlreadyExist")

    bad_usage = reference(estate, patrimony, usage="Castle")
    assert (bad_usage.status, error_type(bad_usage)) == (400, "InvalidCommand")
    empty = reference(estate, patrimony, addresses=[])
    assert (empty.status, error_type(empty)) == (400, "InvalidCommand")


def test_lot_ref_unique_per_company(estate, patrimony):
    estate.lot(patrimony, ref="SHARED", number="1")
    account = estate.client_account()
    other_company = estate.patrimony([estate.agency(account)])
    assert reference(estate, other_company, ref="SHARED", lotNumber="1").status == 201


def test_lot_addresses(estate, patrimony):
    lot = estate.lot(patrimony)
    path = f"{LOTS}/{lot}"
    added = estate.patch(path, "AddAddressToLot", {"address": address(number="16")})
    assert added.status == 200
    new_address = added.json()["events"][0]["lotAddress"]["uid"]

    bad = estate.patch(path, "AddAddressToLot", {"address": address(zipCode="1")})
    assert (bad.status, error_type(bad)) == (400, "AddressNotConform")
    no_building = estate.patch(path, "AddAddressToLot", {"address": address(building=new_uid())})
    assert (no_building.status, error_type(no_building)) == (404, "BuildingDontExist")

    unknown = estate.patch(path, "RemoveAddressFromLot", {"addressUid": new_uid()})
    assert (unknown.status, error_type(unknown)) == (404, "ImpossibleToRemoveNonExistingAddressFromLot")
    first = estate.get(f"/api/v1/lots/{lot}").json()["addresses"][0]["uid"]
    assert estate.patch(path, "RemoveAddressFromLot", {"addressUid": first}).status == 200
    only = estate.patch(path, "RemoveAddressFromLot", {"addressUid": new_address})
    assert (only.status, error_type(only)) == (409, "ImpossibleToRemoveOnlyAddressFromLot")


def test_lot_updates_and_deletion(estate, patrimony):
    taken = estate.lot(patrimony, ref="TAKEN", number="7")
    lot = estate.lot(patrimony, ref="MINE", number="8")
    path = f"{LOTS}/{lot}"

    same_ref = estate.patch(path, "UpdateLotReference", {"ref": "TAKEN"})
    assert (same_ref.status, error_type(same_ref)) == (409, "LotReferenceAlreadyExist")
    assert estate.patch(path, "UpdateLotReference", {"ref": "MINE"}).status == 200
    same_number = estate.patch(path, "UpdateLotNumber", {"lotNumber": "7"})
    assert (same_number.status, error_type(same_number)) == (409, "LotNumberAlreadyExist")
    assert estate.patch(path, "UpdateLotNumber", {"lotNumber": "9"}).status == 200
    assert estate.patch(path, "UpdateLotUsage", {"usage": "Pool"}).status == 200
    view = estate.get(f"/api/v1/lots/{lot}").json()
    assert (view["ref"], view["lotNumber"], view["usage"]) == ("MINE", "9", "Pool")

    # Deleting frees the reference and the number.
    assert estate.patch(f"{LOTS}/{taken}", "DeleteLot").status == 200
    assert estate.patch(path, "UpdateLotReference", {"ref": "TAKEN"}).status == 200
    assert estate.patch(path, "UpdateLotNumber", {"lotNumber": "7"}).status == 200
    gone = estate.patch(f"{LOTS}/{taken}", "UpdateLotUsage", {"usage": "Office"})
    assert (gone.status, error_type(gone)) == (404, "ImpossibleToPerformCommandOnNonExistingLot")
    reuse = reference(estate, patrimony, aggregateUid=taken)
    assert (reuse.status, error_type(reuse)) == (409, "ImpossibleToCreateExistingLot")


def test_increment_of_unknown_lot(estate):
    reply = estate.patch(f"{LOTS}/{new_uid()}", "DeleteLot")
    assert (reply.status, error_type(reply)) == (404, "ImpossibleToPerformCommandOnNonExistingLot")
