"""GET /api/v1/events (notifications §1): every filter, its errors, and the
caller's scope judged at read time."""

import pytest

from auth_support import SECRETS, key_auth, make_user, patch_user
from estate import Estate

EVENTS = "/api/v1/events"


@pytest.fixture(scope="module")
def su(env):
    SECRETS.add(env["PERFIMMO_API_KEY"])
    return key_auth(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def estate(env, api):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def w(env, api, su, estate):
    """A client account with two agencies, a patrimony in each, and an
    executive managing the first agency only; another client account."""
    w = {"start": feed_next(api, su)}
    w["cc"] = estate.call_center()
    w["a1"] = estate.client_account(w["cc"])
    w["ag1"] = estate.agency(w["a1"])
    w["ag2"] = estate.agency(w["a1"])
    w["p1"] = estate.patrimony([w["ag1"]])
    w["p2"] = estate.patrimony([w["ag2"]])
    w["b1"] = estate.client_account(w["cc"])
    w["ag3"] = estate.agency(w["b1"])
    w["p3"] = estate.patrimony([w["ag3"]])
    w["ex"] = make_user(env, api, su, "ReferenceExecutive", w["a1"], managedAgencies=[w["ag1"]])
    w["end"] = feed_next(api, su)
    return w


def feed_next(api, auth):
    position = 0
    for _ in range(1000):
        page = api.get(f"{EVENTS}?after={position}&limit=1000", headers=auth).json()
        if page["next"] == position:
            return position
        position = page["next"]
    raise AssertionError("the feed did not end")


def read(api, auth, query):
    response = api.get(f"{EVENTS}?{query}", headers=auth)
    assert response.status == 200, response
    return response.json()


def all_events(api, auth, after, query=""):
    found, position = [], after
    for _ in range(1000):
        page = read(api, auth, f"after={position}&limit=1000{query}")
        found.extend(page["events"])
        if page["next"] == position:
            return found
        position = page["next"]
    raise AssertionError("the feed did not end")


def test_after_returns_later_events_in_position_order(api, su, w):
    events = all_events(api, su, w["start"])
    positions = [e["position"] for e in events]
    assert positions == sorted(set(positions))
    assert positions[0] > w["start"]
    for event in events:
        assert set(event) == {"position", "aggregateType", "event"}
        assert event["event"]["eventType"]


def test_limit_then_next_loses_nothing(api, su, w):
    whole = [e["position"] for e in all_events(api, su, w["start"])]
    pieces, position = [], w["start"]
    for _ in range(len(whole) + 1):
        page = read(api, su, f"after={position}&limit=2")
        assert len(page["events"]) <= 2
        pieces.extend(e["position"] for e in page["events"])
        if page["next"] == position:
            break
        position = page["next"]
    assert pieces == whole


def test_default_limit_is_100(api, su):
    page = read(api, su, "after=0")
    assert len(page["events"]) <= 100
    if len(page["events"]) == 100:
        assert page["next"] == page["events"][-1]["position"]


def test_next_equals_after_when_nothing_is_new(api, su):
    end = feed_next(api, su)
    assert read(api, su, f"after={end}") == {"events": [], "next": end}


def test_types_filter(api, su, w):
    events = all_events(api, su, w["start"], "&types=PatrimonyReferenced,AgencyCreated")
    assert {e["event"]["eventType"] for e in events} == {"PatrimonyReferenced", "AgencyCreated"}
    assert {e["event"]["aggregateUid"] for e in events if e["aggregateType"] == "patrimony"} == \
        {w["p1"], w["p2"], w["p3"]}


def test_repeated_types_are_one_list(api, su, w):
    one = all_events(api, su, w["start"], "&types=PatrimonyReferenced,AgencyCreated")
    two = all_events(api, su, w["start"], "&types=PatrimonyReferenced&types=AgencyCreated")
    assert one == two


def test_aggregates_filter(api, su, w):
    events = all_events(api, su, w["start"], "&aggregates=patrimony,user")
    assert {e["aggregateType"] for e in events} == {"patrimony", "user"}
    assert all(e["aggregateType"] in ("patrimony", "user") for e in events)


def test_types_and_aggregates_together(api, su, w):
    events = all_events(api, su, w["start"], "&types=AgencyCreated&aggregates=company")
    assert len(events) == 3
    assert all_events(api, su, w["start"], "&types=AgencyCreated&aggregates=patrimony") == []


@pytest.mark.parametrize("query", [
    "after=-1", "after=x", "after=9223372036854775808", "limit=0", "limit=1001", "limit=ten",
    "types=NoSuchEvent", "types=PatrimonyReferenced,patrimonyreferenced", "aggregates=agency",
    "aggregates=Ticket", "types=PatrimonyReferenced,,AgencyCreated", "after=1&after=2",
])
def test_bad_parameters_are_400(api, su, query):
    response = api.get(f"{EVENTS}?{query}", headers=su)
    assert response.status == 400, (query, response)
    assert response.json()["errorType"] == "BadRequest"


def test_empty_values_are_absent(api, su, w):
    assert read(api, su, f"after={w['start']}&limit=5&types=&aggregates=") == \
        read(api, su, f"after={w['start']}&limit=5")


def test_executive_sees_only_his_scope(api, w):
    events = all_events(api, w["ex"].auth, w["start"])
    patrimonies = {e["event"]["aggregateUid"] for e in events if e["aggregateType"] == "patrimony"}
    companies = {e["event"]["aggregateUid"] for e in events if e["aggregateType"] == "company"}
    assert patrimonies == {w["p1"]}
    assert companies == {w["a1"]}


def test_invisible_events_skipped_next_moves(api, su, w):
    # b1's events are the last of the set-up but the executive's reference.
    page = read(api, w["ex"].auth, f"after={w['start']}&limit=1000&aggregates=patrimony")
    assert [e["event"]["aggregateUid"] for e in page["events"]] == [w["p1"]]
    last_patrimony = max(e["position"] for e in all_events(api, su, w["start"], "&aggregates=patrimony"))
    assert page["next"] >= last_patrimony


def test_scope_is_judged_at_read_time(env, api, su, w):
    ex = make_user(env, api, su, "ReferenceExecutive", w["a1"], managedAgencies=[w["ag1"]])
    seen = lambda: {e["event"]["aggregateUid"]  # noqa: E731
                    for e in all_events(api, ex.auth, w["start"], "&aggregates=patrimony")}
    assert seen() == {w["p1"]}

    assert patch_user(api, su, ex.uid, "AssociateUserWithAgency", agencyUid=w["ag2"]).status == 200
    assert seen() == {w["p1"], w["p2"]}
    assert patch_user(api, su, ex.uid, "DissociateUserFromAgency", agencyUid=w["ag1"]).status == 200
    assert seen() == {w["p2"]}


def test_disabled_user_is_refused(env, api, su, w):
    ex = make_user(env, api, su, "ReferenceExecutive", w["a1"], managedAgencies=[w["ag1"]])
    assert patch_user(api, su, ex.uid, "DisableUser").status == 200
    response = api.get(f"{EVENTS}?after=0", headers=ex.auth)
    assert response.status == 401


def test_other_tenant_events_never_appear(env, other_api, api, su, w):
    other = key_auth(env["PERFIMMO_OTHER_API_KEY"])
    other_uids = {e["event"]["aggregateUid"] for e in all_events(other_api, other, 0)}
    assert not other_uids & {w["a1"], w["b1"], w["p1"], w["p2"], w["p3"]}
    # The key of one tenant is unknown on the other's host.
    assert other_api.get(f"{EVENTS}?after=0", headers=su).status == 401
