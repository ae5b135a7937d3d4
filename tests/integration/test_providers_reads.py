"""Provider-contact reads over HTTPS: GET /api/v1/providercontacts, its
detail and /api/v1/providercontacts/suggest."""

import pytest

from estate import CONTACTS, Estate, error_type, new_uid


@pytest.fixture
def estate(api, env):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture
def company(estate):
    account = estate.client_account()
    return account, estate.agency(account)


def uids(reply):
    return [item["uid"] for item in reply.json()["result"]]


def test_list_and_filters(estate, company, env):
    account, agency = company
    second = estate.contact(account, name="Zoé Électricité", emails=["zoe@elec.example"])
    first = estate.contact(account, name="Émile Plomberie", phones=["04.72.00.11.22"],
                           providerCompanyUid=(provider := new_uid()))
    reply = estate.get(f"/api/v1/providercontacts?companyuid={account}")
    assert reply.status == 200
    assert reply.header("Content-Range") == "0-1/2"
    assert reply.header("Accept-Range") == "100"
    body = reply.json()
    assert uids(reply) == [first, second]
    base = "https://" + env["PERFIMMO_HOST"]
    assert body["_links"] == [{"rel": "self", "href": base + "/api/v1/providercontacts", "method": "GET"}]
    item = body["result"][0]
    assert item["label"] == "Émile Plomberie" and item["providerCompany"] == {"uid": provider}
    assert [link["rel"] for link in item["_links"]] == [
        "self", "stats", "AssociateProviderContactToAgency", "DissociateProviderContactFromAgency",
        "UpdateProviderContact", "DisableProviderContact"]

    by_text = f"/api/v1/providercontacts?companyuid={account}&fulltext="
    assert uids(estate.get(by_text + "EMILE")) == [first]
    assert uids(estate.get(by_text + "72.00")) == [first]
    assert uids(estate.get(by_text + "elec.example,zoe")) == [second]
    assert uids(estate.get(by_text + "zoe,plomberie")) == []
    assert uids(estate.get(f"/api/v1/providercontacts?providercompanyuid={provider}")) == [first]

    estate.patch(f"{CONTACTS}/{second}", "AssociateProviderContactToAgency", {"agencyUid": agency, "date": "2021-02-10"})
    assert uids(estate.get(f"/api/v1/providercontacts?agencyuids={agency}")) == [second]
    patrimony = estate.patrimony([agency])
    estate.patch(f"{CONTACTS}/{first}", "AssociateProviderContactWithPatrimony", {"patrimonyUid": patrimony})
    assert uids(estate.get(f"/api/v1/providercontacts?patrimonyuids={patrimony}")) == [first]

    partial = estate.get(f"/api/v1/providercontacts?companyuid={account}&range=1-1")
    assert partial.status == 206 and partial.header("Content-Range") == "1-1/2"
    beyond = estate.get(f"/api/v1/providercontacts?companyuid={account}&range=2-2")
    assert beyond.status == 416 and beyond.header("Content-Range") == "*/2"
    bad = estate.get("/api/v1/providercontacts?agencyuids=x")
    assert (bad.status, error_type(bad)) == (400, "BadRequest")
    assert bad.header("Accept-Range") == "100"


def test_detail(estate, company):
    account, agency = company
    contact = estate.contact(account, name="Marc Perrin")
    patrimony = estate.patrimony([agency], ref="P-9", label="Les Lilas")
    path = f"{CONTACTS}/{contact}"
    estate.patch(path, "AssociateProviderContactToAgency", {"agencyUid": agency, "date": "2021-02-10"})
    estate.patch(path, "AssociateProviderContactWithPatrimony", {"patrimonyUid": patrimony})
    estate.patch(path, "DisableProviderContact", {"date": "2021-03-01T00:00:00Z"})
    reply = estate.get(f"/api/v1/providercontacts/{contact}")
    assert reply.status == 200
    view = reply.json()
    assert view["company"]["uid"] == account and view["company"]["label"]
    assert view["patrimonies"] == [{"uid": patrimony, "ref": "P-9", "label": "Les Lilas"}]
    assert view["agencies"][0]["uid"] == agency
    assert view["active"] is False
    assert view["_links"][-1]["rel"] == "EnableProviderContact"
    assert estate.get(f"/api/v1/providercontacts/{new_uid()}").status == 404


def test_suggest(estate, company):
    account, agency = company
    incident = new_uid()
    patrimony = estate.patrimony([agency])
    activity = {"activityUid": new_uid(), "includedIncidentTypes": [incident]}

    def contact(name, direct, active=True):
        uid = estate.contact(account, name=name)
        path = f"{CONTACTS}/{uid}"
        estate.patch(path, "AssignActivityToProviderContact", activity)
        if direct:
            estate.patch(path, "AssociateProviderContactWithPatrimony", {"patrimonyUid": patrimony})
        else:
            estate.patch(path, "AssociateProviderContactToAgency", {"agencyUid": agency, "date": "2021-02-10"})
        if not active:
            estate.patch(path, "DisableProviderContact", {"date": "2021-03-01T00:00:00Z"})
        return uid

    by_agency = contact("Alpha", direct=False)
    direct = contact("Zulu", direct=True)
    contact("Bravo", direct=True, active=False)
    estate.contact(account, name="Charlie")

    query = f"/api/v1/providercontacts/suggest?patrimonyuid={patrimony}&incidenttypeuid={incident}"
    reply = estate.get(query)
    assert reply.status == 200
    assert reply.header("Content-Range") is None
    result = reply.json()["result"]
    assert [item["uid"] for item in result] == [direct, by_agency]
    assert [item["isDirectlyLinkedWithPatrimony"] for item in result] == [True, False]
    assert uids(estate.get(query + "&responsesize=1")) == [direct]
    assert uids(estate.get(f"/api/v1/providercontacts/suggest?patrimonyuid={patrimony}"
                           f"&incidenttypeuid={new_uid()}")) == []

    for bad in ("&responsesize=0", "&responsesize=101", "&responsesize=x"):
        reply = estate.get(query + bad)
        assert (reply.status, error_type(reply)) == (400, "BadRequest"), bad
    missing = estate.get(f"/api/v1/providercontacts/suggest?patrimonyuid={patrimony}")
    assert (missing.status, error_type(missing)) == (400, "BadRequest")
    unknown = estate.get(f"/api/v1/providercontacts/suggest?patrimonyuid={new_uid()}&incidenttypeuid={incident}")
    assert unknown.status == 404


def test_other_tenant_sees_no_contact(estate, company, other_api, env):
    account, _ = company
    contact = estate.contact(account)
    other = Estate(other_api, env["PERFIMMO_OTHER_API_KEY"])
    assert other.get(f"/api/v1/providercontacts/{contact}").status == 404
    assert contact not in uids(other.get("/api/v1/providercontacts"))


def test_rejected_contact_command_leaves_views(estate, company):
    account, _ = company
    contact = estate.contact(account)
    before = estate.get(f"/api/v1/providercontacts/{contact}").body
    events = len(estate.events())
    reply = estate.patch(f"{CONTACTS}/{contact}", "AssociateProviderContactToAgency",
                         {"agencyUid": new_uid(), "date": "2021-02-10"})
    assert reply.status == 404
    assert estate.get(f"/api/v1/providercontacts/{contact}").body == before
    assert len(estate.events()) == events
