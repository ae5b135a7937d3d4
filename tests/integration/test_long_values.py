"""The longest valid strings (10 000 code points) in every indexed text
column: stored and listed, never a 500 from an oversized index entry."""

import pytest

from estate import Estate, address, error_type

LONG = "é" * 9990 + "0123456789"


@pytest.fixture
def estate(api, env):
    return Estate(api, env["PERFIMMO_API_KEY"])


def test_long_patrimony_ref_listed(estate):
    account = estate.client_account()
    agency = estate.agency(account)

    patrimony = estate.patrimony([agency], ref=LONG, label=LONG)

    listed = estate.get("/api/v1/patrimonies?range=0-99")
    assert listed.status in (200, 206), listed
    assert estate.get(f"/api/v1/patrimonies/{patrimony}").json()["ref"] == LONG


def test_long_lot_ref_and_number_listed(estate):
    account = estate.client_account()
    patrimony = estate.patrimony([estate.agency(account)])

    estate.lot(patrimony, ref=LONG, number=LONG)
    # A second lot with the same long ref in the same company is a conflict, not a 500.
    reply = estate.post("/api/vEvent/lots", "ReferenceLot", {
        "patrimonyUid": patrimony, "ref": LONG, "lotNumber": "2", "usage": "Apartment",
        "addresses": [address()]})
    assert reply.status == 409, reply
    assert error_type(reply) == "LotReferenceAlreadyExist"

    listed = estate.get(f"/api/v1/lots?patrimonyuid={patrimony}")
    assert listed.status == 200, listed
    assert LONG in listed.body.decode()


def test_long_contact_name_listed(estate):
    account = estate.client_account()

    estate.contact(account, name=LONG)

    listed = estate.get("/api/v1/providercontacts?range=0-99")
    assert listed.status in (200, 206), listed
