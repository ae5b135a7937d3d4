"""Lot reads over HTTPS: GET /api/v1/lots?patrimonyuid= and /api/v1/lots/{uid}."""

import pytest

from estate import LOTS, Estate, address, error_type, new_uid


@pytest.fixture
def estate(api, env):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture
def patrimony(estate):
    account = estate.client_account()
    return estate.patrimony([estate.agency(account)], ref="P-REF", label="Les Tilleuls")


def test_lots_of_patrimony(estate, patrimony, env):
    second = estate.lot(patrimony, ref="b-2")
    first = estate.lot(patrimony, ref="A-1")
    reply = estate.get(f"/api/v1/lots?patrimonyuid={patrimony}")
    assert reply.status == 200
    assert reply.header("Content-Range") == "0-1/2"
    assert reply.header("Accept-Range") == "100"
    body = reply.json()
    assert [item["uid"] for item in body["result"]] == [first, second]
    base = "https://" + env["PERFIMMO_HOST"]
    assert body["_links"] == [
        {"rel": "self", "href": base + "/api/v1/lots", "method": "GET"},
        {"rel": "ReferenceLot", "href": base + "/api/vEvent/lots", "method": "POST"}]
    item = body["result"][0]
    assert item["patrimony"] == {"uid": patrimony, "label": "Les Tilleuls", "ref": "P-REF"}
    assert item["_links"][0] == {"rel": "self", "href": f"{base}/api/v1/lots/{first}", "method": "GET"}
    assert [link["rel"] for link in item["_links"][1:]] == [
        "AddAddressToLot", "RemoveAddressFromLot", "UpdateLotReference", "UpdateLotNumber",
        "UpdateLotUsage", "DeleteLot"]

    partial = estate.get(f"/api/v1/lots?patrimonyuid={patrimony}&range=1-1")
    assert partial.status == 206 and partial.header("Content-Range") == "1-1/2"
    beyond = estate.get(f"/api/v1/lots?patrimonyuid={patrimony}&range=2-3")
    assert beyond.status == 416 and beyond.header("Content-Range") == "*/2"


def test_lots_building_filter_and_deleted(estate, patrimony):
    building = estate.building(patrimony, "B")
    inside = estate.lot(patrimony, addresses=[address(building=building)])
    estate.lot(patrimony)
    deleted = estate.lot(patrimony, addresses=[address(building=building)])
    assert estate.patch(f"{LOTS}/{deleted}", "DeleteLot").status == 200
    reply = estate.get(f"/api/v1/lots?patrimonyuid={patrimony}&buildinguids={building}")
    assert [item["uid"] for item in reply.json()["result"]] == [inside]
    assert estate.get(f"/api/v1/lots/{deleted}").status == 404


def test_lots_parameters(estate, patrimony):
    missing = estate.get("/api/v1/lots")
    assert (missing.status, error_type(missing)) == (400, "BadRequest")
    assert missing.header("Accept-Range") == "100"
    bad = estate.get("/api/v1/lots?patrimonyuid=x")
    assert (bad.status, error_type(bad)) == (400, "BadRequest")
    unknown = estate.get(f"/api/v1/lots?patrimonyuid={new_uid()}")
    assert (unknown.status, error_type(unknown)) == (404, "NotFound")
    assert unknown.header("Accept-Range") == "100"
    too_many = estate.get(f"/api/v1/lots?patrimonyuid={patrimony}&range=0-100")
    assert (too_many.status, error_type(too_many)) == (400, "InvalidRange")
    empty = estate.get(f"/api/v1/lots?patrimonyuid={patrimony}")
    assert empty.status == 200 and empty.header("Content-Range") == "*/0"


def test_lot_detail_address_status(estate, patrimony):
    building = estate.building(patrimony, "Bâtiment C")
    lot = estate.lot(patrimony, usage="Office", addresses=[
        address(geoLocation={"lat": 45.7, "lng": 4.8}, checker={"googlePlaceId": "g"}, building=building),
        address(checker={"dataGouvAddressId": "d"}),
        address()])
    reply = estate.get(f"/api/v1/lots/{lot}")
    assert reply.status == 200
    view = reply.json()
    assert [a["status"] for a in view["addresses"]] == [
        "AddressIsVerified", "AddressToCheck", "AddressIsNotVerified"]
    assert view["addresses"][0]["building"] == {"uid": building, "label": "Bâtiment C"}
    assert view["usage"] == "Office"
    assert estate.get(f"/api/v1/lots/{new_uid()}").status == 404


def test_lot_reads_of_other_tenant(estate, patrimony, other_api, env):
    lot = estate.lot(patrimony)
    other = Estate(other_api, env["PERFIMMO_OTHER_API_KEY"])
    assert other.get(f"/api/v1/lots/{lot}").status == 404
    assert other.get(f"/api/v1/lots?patrimonyuid={patrimony}").status == 404


def test_rejected_lot_command_leaves_views(estate, patrimony):
    lot = estate.lot(patrimony)
    before = estate.get(f"/api/v1/lots/{lot}").body
    events = len(estate.events())
    first = estate.get(f"/api/v1/lots/{lot}").json()["addresses"][0]["uid"]
    reply = estate.patch(f"{LOTS}/{lot}", "RemoveAddressFromLot", {"addressUid": first})
    assert reply.status == 409
    assert estate.get(f"/api/v1/lots/{lot}").body == before
    assert len(estate.events()) == events
