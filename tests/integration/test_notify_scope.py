"""A subscription receives only what its owner may see at delivery time
(notifications §2, conventions §6): an executive's webhook never carries
events of another agency's patrimonies or of another company."""

import pytest

from auth_support import SECRETS, key_auth, make_user, patch_user
from estate import Estate
from notify_support import SUBSCRIPTIONS, Receiver, feed_end, feed_positions, subscribe, wait_until


@pytest.fixture(scope="module")
def su(env):
    SECRETS.add(env["PERFIMMO_API_KEY"])
    return key_auth(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def estate(env, api):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture
def world(env, api, su, estate):
    """Client account a1 with agencies ag1 and ag2, client account b1 with
    ag3, and an executive of a1 managing ag1 only, with his own receiver."""
    w = {"cc": estate.call_center()}
    w["a1"] = estate.client_account(w["cc"])
    w["ag1"], w["ag2"] = estate.agency(w["a1"]), estate.agency(w["a1"])
    w["b1"] = estate.client_account(w["cc"])
    w["ag3"] = estate.agency(w["b1"])
    w["ex"] = make_user(env, api, su, "ReferenceExecutive", w["a1"], managedAgencies=[w["ag1"]])
    w["receiver"] = Receiver()
    w["sub"] = subscribe(api, w["ex"].auth, w["receiver"].url)
    yield w
    api.request("DELETE", f"{SUBSCRIPTIONS}/{w['sub']['uid']}", headers=w["ex"].auth)
    w["receiver"].stop()


def delivered(w):
    return {(item["aggregateType"], item["event"]["aggregateUid"], item["event"]["eventType"])
            for request in w["receiver"].accepted() for item in request.json["events"]}


def test_executive_receives_only_his_agencies(api, su, estate, world):
    w = world
    p1 = estate.patrimony([w["ag1"]])
    p2 = estate.patrimony([w["ag2"]])
    p3 = estate.patrimony([w["ag3"]])
    estate.agency(w["b1"])
    estate.agency(w["a1"])
    # Last, an event he sees: once it is in, everything before it has been judged.
    marker = estate.patrimony([w["ag1"]])

    assert wait_until(lambda: ("patrimony", marker, "PatrimonyReferenced") in delivered(w))
    got = delivered(w)
    patrimonies = {uid for kind, uid, _ in got if kind == "patrimony"}
    companies = {uid for kind, uid, _ in got if kind == "company"}
    assert patrimonies == {p1, marker}
    assert p2 not in patrimonies
    assert p3 not in patrimonies
    assert companies <= {w["a1"]}
    assert ("company", w["a1"], "AgencyCreated") in got

    # What he received is exactly his feed over the same positions, in order.
    last = max(p for r in w["receiver"].accepted() for p in r.positions)
    assert w["receiver"].delivered_positions() == \
        feed_positions(api, w["ex"].auth, w["sub"]["deliveredPosition"], last)


def test_scope_is_judged_when_delivering(api, su, estate, world):
    w = world
    # Deliveries wait while his subscription is switched off...
    assert api.patch(f"{SUBSCRIPTIONS}/{w['sub']['uid']}", {"isActive": False},
                     headers=w["ex"].auth).status == 200
    p2 = estate.patrimony([w["ag2"]])
    # ...and by the time they resume he manages ag2 too.
    assert patch_user(api, su, w["ex"].uid, "AssociateUserWithAgency", agencyUid=w["ag2"]).status == 200
    assert api.patch(f"{SUBSCRIPTIONS}/{w['sub']['uid']}", {"isActive": True},
                     headers=w["ex"].auth).status == 200

    assert wait_until(lambda: ("patrimony", p2, "PatrimonyReferenced") in delivered(w))
    assert w["receiver"].delivered_positions() == sorted(set(w["receiver"].delivered_positions()))
    assert feed_end(api, su) >= max(w["receiver"].delivered_positions())
