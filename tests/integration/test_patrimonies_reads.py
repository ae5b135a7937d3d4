"""Patrimony reads over HTTPS: GET /api/v1/patrimonies, its detail and its
patrimony managers, with filters, pagination and scopes."""

import os
import subprocess

import pytest

from estate import PATRIMONIES, Estate, address, error_type, new_uid


@pytest.fixture
def estate(api, env):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture
def company(estate):
    account = estate.client_account()
    return account, estate.agency(account), estate.agency(account)


def listing(estate, query):
    return estate.get("/api/v1/patrimonies?" + query)


def uids(reply):
    return [item["uid"] for item in reply.json()["result"]]


def test_list_sorted_by_folded_ref(estate, company):
    account, agency, _ = company
    second = estate.patrimony([agency], ref="b-2")
    first = estate.patrimony([agency], ref="À-1")
    third = estate.patrimony([agency], ref="C-3", label="Résidence")
    reply = listing(estate, f"companyuid={account}")
    assert reply.status == 200
    assert reply.header("Content-Range") == "0-2/3"
    assert reply.header("Accept-Range") == "100"
    assert uids(reply) == [first, second, third]
    item = reply.json()["result"][2]
    assert item["label"] == "Résidence" and item["agencies"] == [agency]
    assert item["complementaryAddresses"] == [] and item["addresses"] == []


def test_list_pages_and_ranges(estate, company):
    account, agency, _ = company
    made = sorted((f"R{i}", estate.patrimony([agency], ref=f"R{i}")) for i in range(3))
    partial = listing(estate, f"companyuid={account}&range=1-5")
    assert partial.status == 206
    assert partial.header("Content-Range") == "1-2/3"
    assert uids(partial) == [uid for _, uid in made[1:]]

    beyond = listing(estate, f"companyuid={account}&range=3-4")
    assert beyond.status == 416
    assert error_type(beyond) == "RangeNotSatisfiable"
    assert beyond.header("Content-Range") == "*/3"
    assert beyond.header("Accept-Range") == "100"

    for bad in ("0-100", "5-2", "a-b", "0-"):
        reply = listing(estate, f"range={bad}")
        assert reply.status == 400, bad
        assert error_type(reply) == "InvalidRange"
        assert reply.header("Accept-Range") == "100"

    empty = listing(estate, f"companyuid={new_uid()}&range=5-9")
    assert empty.status == 200
    assert empty.header("Content-Range") == "*/0"
    assert empty.json() == {"result": []}


def test_list_filters(estate, company):
    account, agency, other = company
    first = estate.patrimony([agency], ref="TIL-01", label="Résidence Les Tilleuls")
    second = estate.patrimony([other], ref="GAR-02")
    assert uids(listing(estate, f"companyuid={account}&fulltext=tilleuls,RESIDENCE")) == [first]
    assert uids(listing(estate, f"companyuid={account}&fulltext=gar&fulltext=02")) == [second]
    assert uids(listing(estate, f"companyuid={account}&fulltext=til,gar")) == []
    assert uids(listing(estate, f"agencyuids={other}")) == [second]
    assert uids(listing(estate, f"agencyuids={agency},{other}")) == [second, first]
    for bad in ("companyuid=nope", "agencyuids=x", "companyuid=" + new_uid() + "&companyuid=" + new_uid()):
        reply = listing(estate, bad)
        assert (reply.status, error_type(reply)) == (400, "BadRequest"), bad
        assert reply.header("Accept-Range") == "100"


def test_list_place_id_filter(estate, company):
    account, agency, _ = company
    by_lot = estate.patrimony([agency])
    estate.lot(by_lot, addresses=[address(checker={"dataGouvAddressId": "dg-" + account})])
    by_address = estate.patrimony([agency])
    reply = estate.patch(f"{PATRIMONIES}/{by_address}", "AddComplementaryAddressToPatrimony", {
        "complementaryAddress": {"street": "r", "zipCode": "69003", "city": "Lyon",
                                 "checker": {"googlePlaceId": "gp-" + account}}})
    assert reply.status == 200
    assert uids(listing(estate, f"placeid=dg-{account}")) == [by_lot]
    assert uids(listing(estate, f"placeid=gp-{account}")) == [by_address]


def test_list_geolocation_filter(estate, company):
    account, agency, _ = company
    near = estate.patrimony([agency])
    # About 150 m north of the search point (0.00135 degree of latitude).
    estate.lot(near, addresses=[address(geoLocation={"lat": 48.85835, "lng": 2.2945})])
    far = estate.patrimony([agency])
    reply = estate.patch(f"{PATRIMONIES}/{far}", "AddComplementaryAddressToPatrimony", {
        "complementaryAddress": {"street": "r", "zipCode": "69003", "city": "Lyon",
                                 "geoLocation": {"lat": 48.8673, "lng": 2.2945}}})
    assert reply.status == 200

    base = f"companyuid={account}&geolocation=48.857,2.2945"
    assert uids(listing(estate, base)) == []
    assert uids(listing(estate, base + ",140")) == []
    assert uids(listing(estate, base + ",160")) == [near]
    assert sorted(uids(listing(estate, base + ",1200"))) == sorted([near, far])
    for bad in ("91,2", "48.8,181", "48.8", "48.8,2,0", "48.8,2,100001", "48.8,2,1.5", "a,b", "48.8,,2"):
        reply = listing(estate, f"geolocation={bad}")
        assert (reply.status, error_type(reply)) == (400, "BadRequest"), bad


def test_geolocation_uses_gist_index(env):
    """The distance filter can run on the GiST index of address points."""
    database = env.get("PERFIMMO_ADMIN_DATABASE") or os.environ.get("PERFIMMO_ADMIN_DATABASE")
    if not database:
        pytest.skip("PERFIMMO_ADMIN_DATABASE is not set")
    script = ("SET search_path TO t_demo, perfimmo_ext; SET enable_seqscan = off;\n"
              "EXPLAIN SELECT uid FROM lot_addresses WHERE geo_point <@ "
              "perfimmo_ext.earth_box(perfimmo_ext.ll_to_earth(48.8, 2.3), 100);\n")
    result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", database],
                            input=script, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "lot_addresses_geo" in result.stdout


def test_detail(estate, company):
    _, agency, _ = company
    patrimony = estate.patrimony([agency], ref="D-1", label="Détail")
    building = estate.building(patrimony, "Bâtiment A")
    lot_address = address(building=building, geoLocation={"lat": 45.75, "lng": 4.85},
                          recipientSupplement={"floor": "3"})
    estate.lot(patrimony, addresses=[lot_address])
    reply = estate.get(f"/api/v1/patrimonies/{patrimony}")
    assert reply.status == 200
    detail = reply.json()
    assert detail["ref"] == "D-1" and detail["label"] == "Détail"
    assert detail["agencies"][0]["uid"] == agency and detail["agencies"][0]["label"]
    assert detail["buildings"] == [{"uid": building, "label": "Bâtiment A"}]
    (shown,) = detail["addresses"]
    assert shown["building"] == {"uid": building, "label": "Bâtiment A"}
    assert shown["geoLocation"] == {"lat": 45.75, "lng": 4.85}
    assert "recipientSupplement" not in shown


def test_detail_not_found(estate):
    assert estate.get(f"/api/v1/patrimonies/{new_uid()}").status == 404
    reply = estate.get("/api/v1/patrimonies/not-a-uid")
    assert (reply.status, error_type(reply)) == (400, "BadRequest")


def test_patrimony_managers(estate, company):
    _, agency, _ = company
    patrimony = estate.patrimony([agency])
    reply = estate.get(f"/api/v1/patrimonies/{patrimony}/patrimonymanagers")
    assert reply.status == 200
    assert reply.header("Accept-Range") == "100"
    assert reply.json() == {"result": []}
    missing = estate.get(f"/api/v1/patrimonies/{new_uid()}/patrimonymanagers")
    assert missing.status == 404
    assert missing.header("Accept-Range") == "100"
    bad = estate.get(f"/api/v1/patrimonies/{patrimony}/patrimonymanagers?active=yes")
    assert (bad.status, error_type(bad)) == (400, "BadRequest")


def test_reads_need_credentials(api):
    assert api.get("/api/v1/patrimonies").status == 401


def test_rejected_command_leaves_views(estate, company):
    account, agency, _ = company
    patrimony = estate.patrimony([agency], ref="KEEP")
    before = listing(estate, f"companyuid={account}").body
    events = len(estate.events())
    reply = estate.patch(f"{PATRIMONIES}/{patrimony}", "DissociatePatrimonyFromAgency", {"agencyUid": agency})
    assert reply.status == 409
    assert listing(estate, f"companyuid={account}").body == before
    assert len(estate.events()) == events
