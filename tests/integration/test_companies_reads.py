"""Client-company reads over HTTPS: views, filters, range pagination, sort
orders and what each kind of user may see."""

import urllib.parse

import pytest

from companies_support import READS, Session, add_user, create_key, new_uid, run_sql, su  # noqa: F401

SIRET = "51234567800019"


@pytest.fixture
def world(su):
    """Two call centers; the first has a holding with one client account and
    one client account without holding; the second has its own account."""
    call_center = su.create_call_center(name="Centre Un")
    holding = su.create_holding(call_center, name="Groupe Saône")
    account = su.create_account(call_center, name="Foncière Rhône", holdingReference=holding,
                                siretNumber=SIRET)
    lone = su.create_account(call_center, name="Bailleur Seul")
    other_call_center = su.create_call_center(name="Centre Deux")
    other_account = su.create_account(other_call_center, name="Compte Deux")
    return {"call_center": call_center, "holding": holding, "account": account, "lone": lone,
            "other_call_center": other_call_center, "other_account": other_account}


def uids(response):
    assert response.status in (200, 206), response
    return [item["uid"] for item in response.json()["result"]]


def session_of(env, api, user_type, company):
    return Session(api, add_user(env, user_type, company)[1])


# ---------------------------------------------------------------- range


@pytest.fixture
def twelve(su):
    """A holding with twelve subsidiaries, and their uids in the list order."""
    call_center = su.create_call_center()
    holding = su.create_holding(call_center)
    names = ["Éclair", "alpha", "Beta", "être", "Zeta", "delta", "Gamma", "iota", "Kappa",
             "lambda", "Mu", "Alpha"]
    for name in names:
        su.create_account(call_center, name=name, holdingReference=holding)
    return holding


def test_range_whole_collection(su, twelve):
    for query in ("", "?range=0-49", "?range=0-11", "?range=0-99"):
        response = su.get(f"{READS}/{twelve}/subsidiaries{query}")
        assert response.status == 200, (query, response)
        assert response.header("content-range") == "0-11/12"
        assert response.header("accept-range") == "100"
        assert len(response.json()["result"]) == 12


def test_range_partial(su, twelve):
    response = su.get(f"{READS}/{twelve}/subsidiaries?range=0-4")
    assert response.status == 206, response
    assert response.header("content-range") == "0-4/12"
    assert len(response.json()["result"]) == 5

    response = su.get(f"{READS}/{twelve}/subsidiaries?range=10-19")
    assert response.status == 206, response
    assert response.header("content-range") == "10-11/12"
    assert len(response.json()["result"]) == 2


def test_range_pages_do_not_overlap(su, twelve):
    whole = uids(su.get(f"{READS}/{twelve}/subsidiaries"))
    pages = []
    for start in range(0, 12, 5):
        pages += uids(su.get(f"{READS}/{twelve}/subsidiaries?range={start}-{start + 4}"))
    assert pages == whole


def test_range_past_end_is_416(su, twelve):
    for query in ("range=12-20", "range=50-50"):
        response = su.get(f"{READS}/{twelve}/subsidiaries?{query}")
        assert response.status == 416, response
        assert response.json()["errorType"] == "RangeNotSatisfiable"
        assert response.header("content-range") == "*/12"
        assert response.header("accept-range") == "100"


def test_range_invalid_is_400(su, twelve):
    for query in ("range=5-4", "range=0-100", "range=a-b", "range=1-", "range=-1",
                  "range=1234567890-1234567890", "range=0-1-2", "range=+1-2"):
        response = su.get(f"{READS}/{twelve}/subsidiaries?{query}")
        assert response.status == 400, (query, response)
        assert response.json()["errorType"] == "InvalidRange", query
        assert response.header("accept-range") == "100"
        assert response.header("content-range") is None


def test_range_repeated_is_bad_request(su, twelve):
    response = su.get(f"{READS}/{twelve}/subsidiaries?range=0-1&range=2-3")
    assert response.status == 400, response
    assert response.json()["errorType"] == "BadRequest"
    assert response.header("accept-range") == "100"


def test_range_on_empty_collection(su):
    holding = su.create_holding(su.create_call_center())
    for query in ("", "?range=5-9", "?range=0-0"):
        response = su.get(f"{READS}/{holding}/subsidiaries{query}")
        assert response.status == 200, response
        assert response.header("content-range") == "*/0"
        assert response.json() == {"result": []}


def test_subsidiaries_sorted_by_folded_name(su, twelve):
    names = [item["name"] for item in su.get(f"{READS}/{twelve}/subsidiaries").json()["result"]]
    assert sorted(names[0:2]) == ["Alpha", "alpha"]
    assert names[2:] == ["Beta", "delta", "Éclair", "être", "Gamma", "iota", "Kappa", "lambda",
                         "Mu", "Zeta"]


# ---------------------------------------------------------------- R6 filters


def test_list_filters_by_type(env, api, world):
    user = session_of(env, api, "callCenterUser", world["call_center"])

    assert set(uids(user.get(READS))) == {world["call_center"], world["holding"],
                                          world["account"], world["lone"]}
    assert uids(user.get(f"{READS}?companytype=ClientAccountHolding")) == [world["holding"]]
    assert uids(user.get(f"{READS}?companytype=CallCenter")) == [world["call_center"]]
    assert uids(user.get(f"{READS}?companytype=ClientAccount")) == [world["lone"], world["account"]]


def test_list_filters_by_holding(su, world):
    assert uids(su.get(f"{READS}?holdinguid={world['holding']}")) == [world["account"]]
    assert uids(su.get(f"{READS}?holdinguid={world['holding'].upper()}")) == [world["account"]]
    assert uids(su.get(f"{READS}?holdinguid={new_uid()}")) == []


def test_list_bad_filters(su, world):
    for query in (f"holdinguid={world['holding']}&companytype=ClientAccount",
                  "companytype=clientaccount", "companytype=Agency", "holdinguid=nope",
                  "companytype=CallCenter&companytype=CallCenter", "fulltext=a,,b"):
        response = su.get(f"{READS}?{query}")
        assert response.status == 400, (query, response)
        assert response.json()["errorType"] == "BadRequest", query
        assert response.header("accept-range") == "100"


def test_fulltext_folds_accents_and_case(env, api, world):
    user = session_of(env, api, "callCenterUser", world["call_center"])

    for term in ("fonciere", "FONCIERE", "Foncière", "FONCIÈRE", "foncière rhône", "oncie", "RHONE"):
        found = uids(user.get(f"{READS}?fulltext={urllib.parse.quote(term)}"))
        assert found == [world["account"]], term


def test_fulltext_every_term_must_match(env, api, world):
    user = session_of(env, api, "callCenterUser", world["call_center"])

    assert uids(user.get(f"{READS}?fulltext=fonciere,rhone")) == [world["account"]]
    assert uids(user.get(f"{READS}?fulltext=fonciere&fulltext=rhone")) == [world["account"]]
    assert uids(user.get(f"{READS}?fulltext=fonciere,bailleur")) == []
    assert uids(user.get(f"{READS}?fulltext=%20%20fonciere%20")) == [world["account"]]


def test_fulltext_matches_siret(env, api, world):
    user = session_of(env, api, "callCenterUser", world["call_center"])

    assert uids(user.get(f"{READS}?fulltext=5678000")) == [world["account"]]
    assert uids(user.get(f"{READS}?fulltext={SIRET}")) == [world["account"]]


def test_fulltext_like_characters_are_literal(env, api, world):
    user = session_of(env, api, "callCenterUser", world["call_center"])

    assert uids(user.get(f"{READS}?fulltext=%25")) == []
    assert uids(user.get(f"{READS}?fulltext=_")) == []


def test_fulltext_served_by_trigram_indexes(env):
    plan = run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SET search_path TO t_{env['PERFIMMO_TENANT']}, perfimmo_ext;
        SET enable_seqscan TO off;
        EXPLAIN SELECT uid FROM companies c
         WHERE (c.name_folded LIKE '%fonciere%' OR c.siret LIKE '%fonciere%');
    """)
    text = "\n".join(row[0] for row in plan)
    assert "companies_name_trgm" in text, text
    assert "companies_siret_trgm" in text, text


def test_list_includes_canceled(env, api, su, world):
    response = su.company_command(world["lone"], "CancelCompany", canceledDate="2021-03-01")
    assert response.status == 200, response
    user = session_of(env, api, "callCenterUser", world["call_center"])

    items = user.get(f"{READS}?companytype=ClientAccount").json()["result"]
    assert {item["uid"]: item["isActive"] for item in items} == {
        world["lone"]: False, world["account"]: True}


# ---------------------------------------------------------------- R7 and visibility


def test_detail_views(su, world):
    assert su.get(f"{READS}/{world['account']}").json() == {
        "uid": world["account"], "name": "Foncière Rhône", "isActive": True,
        "holding": {"uid": world["holding"], "label": "Groupe Saône"},
        "siretNumber": SIRET, "billingType": "SponsoredAccount", "companyType": "ClientAccount"}
    assert su.get(f"{READS}/{world['holding']}").json() == {
        "uid": world["holding"], "name": "Groupe Saône", "isActive": True,
        "billingType": "SponsoredAccount", "companyType": "ClientAccountHolding"}


def test_detail_not_found(su):
    response = su.get(f"{READS}/{new_uid()}")
    assert response.status == 404, response
    assert response.json()["errorType"] == "NotFound"
    assert response.header("accept-range") is None
    response = su.get(f"{READS}/not-a-uid")
    assert response.status == 400, response
    assert response.json()["errorType"] == "BadRequest"


VISIBLE = {
    "superUser": None,
    "callCenterUser": ("call_center", ["call_center", "holding", "account", "lone"]),
    "clientAccountManager": ("account", ["holding", "account"]),
    "executive": ("account", ["account"]),
    "patrimonyManager": ("account", ["account"]),
}


@pytest.mark.parametrize("user_type", [t for t in VISIBLE if t != "superUser"])
def test_visibility_by_user_kind(env, api, world, user_type):
    own, visible = VISIBLE[user_type]
    user = session_of(env, api, user_type, world[own])
    everything = set(world)
    expected = {world[name] for name in visible}

    assert set(uids(user.get(READS))) == expected
    for name in everything:
        response = user.get(f"{READS}/{world[name]}")
        if name in visible:
            assert response.status == 200, (name, response)
        else:
            assert response.status == 404, (name, response)
            assert response.json()["errorType"] == "NotFound"
        for sub in ("agencies", "users", "subsidiaries"):
            response = user.get(f"{READS}/{world[name]}/{sub}")
            assert response.status == (200 if name in visible else 404), (name, sub, response)


def test_super_user_sees_everything(su, world):
    listed = set()
    for start in range(0, 100000, 100):
        response = su.get(f"{READS}?range={start}-{start + 99}")
        listed |= set(uids(response))
        # The last page ends at count - 1; with a count that is a multiple of
        # 100 it is still full, and the next range would be 416.
        shown, _, count = response.header("Content-Range").partition("/")
        if response.status == 200 or int(shown.rsplit("-", 1)[1]) + 1 >= int(count):
            break
    assert set(world.values()) <= listed


# ---------------------------------------------------------------- R8 agencies


def test_agencies_list(su, world):
    account = world["account"]
    first = su.create_agency(account, name="Zénith")
    second = su.create_agency(account, name="agence Est", ref="EST")
    third = su.create_agency(account, name="Étoile")
    su.agency_command(account, third, "DeleteAgency", deletedDate="2021-03-01")

    assert uids(su.get(f"{READS}/{account}/agencies")) == [second, third, first]
    assert uids(su.get(f"{READS}/{account}/agencies?active=true")) == [second, first]
    assert uids(su.get(f"{READS}/{account}/agencies?active=false")) == [third]
    response = su.get(f"{READS}/{account}/agencies?range=1-1")
    assert response.status == 206, response
    assert response.header("content-range") == "1-1/3"

    item = su.get(f"{READS}/{account}/agencies?range=0-0").json()["result"][0]
    assert item == {"uid": second, "label": "agence Est", "ref": "EST", "phones": [], "emails": [],
                    "company": {"uid": account, "name": "Foncière Rhône", "holding": world["holding"]},
                    "isActive": True}


def test_agencies_bad_active(su, world):
    for value in ("yes", "TRUE", "1"):
        response = su.get(f"{READS}/{world['account']}/agencies?active={value}")
        assert response.status == 400, response
        assert response.json()["errorType"] == "BadRequest"
        assert response.header("accept-range") == "100"


def test_agencies_query_checked_before_existence(su):
    response = su.get(f"{READS}/{new_uid()}/agencies?active=maybe")
    assert response.status == 400, response
    response = su.get(f"{READS}/{new_uid()}/agencies")
    assert response.status == 404, response
    assert response.header("accept-range") == "100"


def test_agencies_empty_for_other_kinds(su, world):
    for name in ("holding", "call_center"):
        response = su.get(f"{READS}/{world[name]}/agencies")
        assert response.status == 200, response
        assert response.json() == {"result": []}
        assert response.header("content-range") == "*/0"


def test_agencies_of_executive(env, api, su, world):
    account = world["account"]
    managed = su.create_agency(account, name="Gérée")
    su.create_agency(account, name="Autre")
    executive_uid = su.reference_user("ReferenceExecutive", account, managedAgencies=[managed])
    executive = Session(api, create_key(env, executive_uid))

    assert uids(executive.get(f"{READS}/{account}/agencies")) == [managed]
    assert len(uids(su.get(f"{READS}/{account}/agencies"))) == 2


# ---------------------------------------------------------------- R9 and R10


def test_users_of_company(su, world):
    account = world["account"]
    agency = su.create_agency(account, name="Agence Gérée")
    manager = su.reference_user("ReferenceClientAccountManager", account, last_name="Zola",
                                job="Gérant")
    executive = su.reference_user("ReferenceExecutive", account, last_name="Émile",
                                  managedAgencies=[agency], phone="0472001122")
    disabled = su.reference_user("ReferenceClientAccountManager", account, last_name="durand")
    su.user_command(disabled, "DisableUser")

    response = su.get(f"{READS}/{account}/users")
    assert response.status == 200, response
    assert response.header("accept-range") == "100"
    assert response.header("content-range") == "0-2/3"
    assert uids(response) == [disabled, executive, manager]
    views = {item["uid"]: item for item in response.json()["result"]}
    assert views[executive] == {
        "uid": executive, "login": f"{executive[:8]}@users.example",
        "company": {"uid": account, "label": "Foncière Rhône"},
        "managedAgencies": [{"uid": agency, "label": "Agence Gérée"}],
        "firstName": "Camille", "lastName": "Émile", "phone": "0472001122",
        "isActive": True, "userType": "executive"}
    assert views[manager]["job"] == "Gérant"
    assert "managedAgencies" not in views[manager]
    assert views[disabled]["isActive"] is False
    assert uids(su.get(f"{READS}/{account}/users?active=true")) == [executive, manager]
    assert uids(su.get(f"{READS}/{account}/users?active=false")) == [disabled]
    assert su.get(f"{READS}/{world['holding']}/users").json() == {"result": []}

    response = su.get(f"{READS}/{new_uid()}/users")
    assert response.status == 404, response
    response = su.get(f"{READS}/{world['account']}/users?active=no")
    assert response.status == 400, response


def test_subsidiaries(su, world):
    assert uids(su.get(f"{READS}/{world['holding']}/subsidiaries")) == [world["account"]]
    for name in ("account", "call_center"):
        response = su.get(f"{READS}/{world[name]}/subsidiaries")
        assert response.status == 200, response
        assert response.json() == {"result": []}


def test_subsidiaries_only_visible(env, api, su, world):
    sibling = su.create_account(world["call_center"], name="Cousin",
                                holdingReference=world["holding"])
    manager = session_of(env, api, "clientAccountManager", world["account"])
    call_center_user = session_of(env, api, "callCenterUser", world["call_center"])

    assert uids(manager.get(f"{READS}/{world['holding']}/subsidiaries")) == [world["account"]]
    assert set(uids(call_center_user.get(f"{READS}/{world['holding']}/subsidiaries"))) == {
        world["account"], sibling}
