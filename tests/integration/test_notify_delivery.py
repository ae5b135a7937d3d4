"""Webhook deliveries by perfimmo-notify (notifications §3-§4): signed
batches in position order, retries until success with nothing lost or
reordered, the 24 h cut-off, and the destination check at each attempt.

Receivers listen on 127.0.0.1, which the test stack allows over plain http.
The test stack retries after about 0.3, 0.6 and 1.2 s and gives an attempt
2 s, so these tests take seconds.
"""

import pytest

from auth_support import SECRETS, key_auth
from estate import Estate
from notify_support import (
    SUBSCRIPTIONS, Receiver, Sql, feed_end, feed_positions, free_port, subscribe,
    verify_signature, wait_until,
)


@pytest.fixture(scope="module")
def su(env):
    SECRETS.add(env["PERFIMMO_API_KEY"])
    return key_auth(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def estate(env, api):
    return Estate(api, env["PERFIMMO_API_KEY"])


@pytest.fixture
def receivers():
    """Receivers of one test, stopped at its end."""
    started = []

    def start(answer=None, port=0):
        receiver = Receiver(answer, port)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def subscriptions(api, su):
    """Subscriptions of one test, deleted at its end so later tests' events
    do not go to receivers that are gone."""
    made = []

    def make(url, auth=None, **fields):
        view = subscribe(api, auth or su, url, **fields)
        made.append((view["uid"], auth or su))
        return view

    yield make
    for uid, auth in made:
        api.request("DELETE", f"{SUBSCRIPTIONS}/{uid}", headers=auth)


def view_of(api, su, uid):
    return api.get(f"{SUBSCRIPTIONS}/{uid}", headers=su).json()


def attempts_of(api, su, uid):
    response = api.get(f"{SUBSCRIPTIONS}/{uid}/deliveries", headers=su)
    assert response.status in (200, 206), response
    return response.json()["result"]


def delivered_all(receiver, expected):
    return receiver.delivered_positions()[:len(expected)] == expected and \
        len(receiver.delivered_positions()) >= len(expected)


def make_events(estate, count):
    """COUNT events: a call center, a client account of it, then its agencies."""
    company = estate.call_center()
    if count > 1:
        company = estate.client_account(company)
    for _ in range(count - 2):
        reply = estate.post(f"/api/vEvent/clientcompanies/{company}/agencies", "CreateAgency",
                            {"createdDate": "2021-02-03", "agency": {"name": "Agence"}})
        assert reply.status == 201, reply
    return company


def assert_in_order_without_loss(receiver, expected):
    """Accepted batches hold exactly EXPECTED, in order, each batch once."""
    accepted = receiver.accepted()
    uids = [r.json["deliveryUid"] for r in accepted]
    assert len(uids) == len(set(uids)), "a batch was accepted twice"
    assert receiver.delivered_positions() == expected


def test_signed_batches_arrive_in_order(api, su, estate, receivers, subscriptions, env):
    receiver = receivers()
    sub = subscriptions(receiver.url)
    start = sub["deliveredPosition"]
    make_events(estate, 6)
    end = feed_end(api, su)
    expected = feed_positions(api, su, start, end)
    assert len(expected) == 6

    assert wait_until(lambda: delivered_all(receiver, expected)), receiver.delivered_positions()
    assert_in_order_without_loss(receiver, expected)

    feed = {e["position"]: e for e in
            api.get(f"/api/v1/events?after={start}&limit=1000", headers=su).json()["events"]}
    for request in receiver.accepted():
        headers = {k.lower(): v for k, v in request.headers.items()}
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert headers["user-agent"].startswith("perfimmo/")
        assert headers["x-perfimmo-delivery"] == request.json["deliveryUid"]
        assert request.json["subscriptionUid"] == sub["uid"]
        assert verify_signature(sub["secret"], headers["x-perfimmo-signature"], request.body)
        assert not verify_signature(sub["secret"] + "x", headers["x-perfimmo-signature"], request.body)
        assert len(request.json["events"]) <= 100
        for item in request.json["events"]:
            assert item == feed[item["position"]]

    view = view_of(api, su, sub["uid"])
    assert view["deliveredPosition"] == end
    assert view["consecutiveFailures"] == 0
    assert "lastError" not in view
    assert "lastSuccessDate" in view
    assert "lastAttemptDate" in view

    attempts = attempts_of(api, su, sub["uid"])
    assert len(attempts) == len(receiver.accepted())
    assert all(a["outcome"] == "Delivered" and a["httpStatus"] == 200 for a in attempts)
    assert [a["attemptDate"] for a in attempts] == sorted((a["attemptDate"] for a in attempts), reverse=True)
    assert sum(a["eventCount"] for a in attempts) == 6
    assert min(a["firstPosition"] for a in attempts) == expected[0]
    assert max(a["lastPosition"] for a in attempts) == expected[-1]


def test_batches_hold_at_most_100_events(api, su, estate, receivers, subscriptions):
    start = feed_end(api, su)
    make_events(estate, 130)
    expected = feed_positions(api, su, start, feed_end(api, su))
    receiver = receivers()
    subscriptions(receiver.url, startAfter=start)

    assert wait_until(lambda: delivered_all(receiver, expected), timeout=30)
    assert_in_order_without_loss(receiver, expected)
    sizes = [len(r.json["events"]) for r in receiver.accepted()]
    assert sizes[0] == 100
    assert max(sizes) == 100
    assert sum(sizes) == 130


def test_filters_choose_the_events(api, su, estate, receivers, subscriptions):
    by_type, by_kind = receivers(), receivers()
    start = subscriptions(by_type.url, eventTypes=["AgencyCreated"])["deliveredPosition"]
    subscriptions(by_kind.url, aggregates=["patrimony"])
    company = estate.client_account()
    agency = estate.agency(company)
    estate.patrimony([agency])
    end = feed_end(api, su)

    agencies = feed_positions(api, su, start, end, types=["AgencyCreated"])
    patrimonies = feed_positions(api, su, start, end, aggregates=["patrimony"])
    assert len(agencies) == 1
    assert len(patrimonies) == 1
    assert wait_until(lambda: delivered_all(by_type, agencies) and delivered_all(by_kind, patrimonies))
    assert by_type.delivered_positions() == agencies
    assert by_kind.delivered_positions() == patrimonies


def test_start_after_replays_from_that_position(api, su, estate, receivers, subscriptions):
    start = feed_end(api, su)
    make_events(estate, 3)
    expected = feed_positions(api, su, start, feed_end(api, su))
    receiver = receivers()
    subscriptions(receiver.url, startAfter=start)
    assert wait_until(lambda: delivered_all(receiver, expected))
    assert_in_order_without_loss(receiver, expected)


def test_status_500_is_retried_until_success(api, su, estate, receivers, subscriptions):
    receiver = receivers(lambda n: 500 if n < 2 else 200)
    sub = subscriptions(receiver.url)
    make_events(estate, 3)
    expected = feed_positions(api, su, sub["deliveredPosition"], feed_end(api, su))

    assert wait_until(lambda: delivered_all(receiver, expected))
    assert_in_order_without_loss(receiver, expected)
    first, second, third = receiver.requests[:3]
    # One batch, retried: same deliveryUid, each attempt signed anew.
    assert first.json["deliveryUid"] == second.json["deliveryUid"] == third.json["deliveryUid"]
    assert first.positions == second.positions == third.positions
    for request in (first, second, third):
        signature = {k.lower(): v for k, v in request.headers.items()}["x-perfimmo-signature"]
        assert verify_signature(sub["secret"], signature, request.body)

    attempts = attempts_of(api, su, sub["uid"])[::-1]
    assert [a["outcome"] for a in attempts[:3]] == ["Failed", "Failed", "Delivered"]
    assert attempts[0]["httpStatus"] == 500
    assert attempts[0]["error"] == "HTTP status 500"
    assert len({a["deliveryUid"] for a in attempts[:3]}) == 1
    assert view_of(api, su, sub["uid"])["consecutiveFailures"] == 0


def test_failures_are_shown_on_the_subscription(api, su, estate, receivers, subscriptions):
    receiver = receivers(lambda n: 503)
    sub = subscriptions(receiver.url)
    make_events(estate, 1)
    view = wait_until(lambda: (lambda v: v if v["consecutiveFailures"] >= 2 else None)(
        view_of(api, su, sub["uid"])))
    assert view
    assert view["lastError"] == "HTTP status 503"
    assert view["state"] == "Active"
    assert "lastSuccessDate" not in view
    assert view["deliveredPosition"] == sub["deliveredPosition"]


def test_time_out_is_retried(api, su, estate, receivers, subscriptions):
    # The late answer comes after the sender gave up: whatever it says, the attempt failed.
    receiver = receivers(lambda n: ("sleep", 3.0, 504) if n == 0 else 200)
    sub = subscriptions(receiver.url)
    make_events(estate, 2)
    expected = feed_positions(api, su, sub["deliveredPosition"], feed_end(api, su))

    assert wait_until(lambda: delivered_all(receiver, expected))
    assert_in_order_without_loss(receiver, expected)
    attempts = attempts_of(api, su, sub["uid"])[::-1]
    assert attempts[0]["outcome"] == "Failed"
    assert attempts[0]["error"].startswith("time-out")
    assert "httpStatus" not in attempts[0]
    assert 1900 <= attempts[0]["durationMs"] <= 2900
    assert attempts[1]["deliveryUid"] == attempts[0]["deliveryUid"]


def test_receiver_down_then_up(api, su, estate, receivers, subscriptions):
    port = free_port()
    sub = subscriptions(f"http://127.0.0.1:{port}/hook")
    make_events(estate, 2)
    assert wait_until(lambda: len(attempts_of(api, su, sub["uid"])) >= 2)
    failed = attempts_of(api, su, sub["uid"])
    assert all(a["outcome"] == "Failed" and "httpStatus" not in a for a in failed)
    make_events(estate, 2)

    receiver = receivers(port=port)
    expected = feed_positions(api, su, sub["deliveredPosition"], feed_end(api, su))
    assert len(expected) == 4
    assert wait_until(lambda: delivered_all(receiver, expected), timeout=30)
    assert_in_order_without_loss(receiver, expected)
    assert receiver.accepted()[0].json["deliveryUid"] == failed[-1]["deliveryUid"]


def test_after_24_hours_of_failures_disabled_then_resumed(env, api, su, estate, receivers, subscriptions):
    healthy = []
    receiver = receivers(lambda n: 200 if healthy else 500)
    sub = subscriptions(receiver.url)
    make_events(estate, 2)
    assert wait_until(lambda: view_of(api, su, sub["uid"])["consecutiveFailures"] >= 1)

    # A run of failures that began 25 hours ago: the next failure ends it.
    Sql(env).run(env["PERFIMMO_TENANT"],
                 "UPDATE subscriptions SET failing_since = now() - interval '25 hours'"
                 " WHERE uid = :'p0'", sub["uid"])
    assert wait_until(lambda: view_of(api, su, sub["uid"])["state"] == "Disabled")
    view = view_of(api, su, sub["uid"])
    assert view["isActive"] is False
    assert view["deliveredPosition"] == sub["deliveredPosition"]

    make_events(estate, 2)
    sent = len(receiver.requests)
    healthy.append(True)
    assert not wait_until(lambda: len(receiver.requests) > sent, timeout=2.5)

    assert api.patch(f"{SUBSCRIPTIONS}/{sub['uid']}", {"isActive": True}, headers=su).status == 200
    expected = feed_positions(api, su, sub["deliveredPosition"], feed_end(api, su))
    assert len(expected) == 4
    assert wait_until(lambda: delivered_all(receiver, expected))
    assert_in_order_without_loss(receiver, expected)
    # It resumed with the batch that had failed.
    assert receiver.accepted()[0].json["deliveryUid"] == receiver.requests[0].json["deliveryUid"]
    assert view_of(api, su, sub["uid"])["consecutiveFailures"] == 0


def test_rotated_secret_signs_the_next_attempt(api, su, estate, receivers, subscriptions):
    receiver = receivers()
    sub = subscriptions(receiver.url)
    response = api.post(f"{SUBSCRIPTIONS}/{sub['uid']}/secret", {}, headers=su)
    secret = response.json()["secret"]
    SECRETS.add(secret)
    make_events(estate, 1)
    assert wait_until(lambda: receiver.accepted())
    request = receiver.accepted()[0]
    signature = {k.lower(): v for k, v in request.headers.items()}["x-perfimmo-signature"]
    assert verify_signature(secret, signature, request.body)
    assert not verify_signature(sub["secret"], signature, request.body)


def test_destination_checked_again_at_each_attempt(env, api, su, estate, receivers, subscriptions):
    """A URL that no longer passes (as after a DNS change) is refused before
    any connection: the attempt fails and nothing is sent."""
    receiver = receivers()
    sub = subscriptions(receiver.url)
    Sql(env).run(env["PERFIMMO_TENANT"], "UPDATE subscriptions SET url = 'https://169.254.169.254/hook'"
                 " WHERE uid = :'p0'", sub["uid"])
    make_events(estate, 1)
    assert wait_until(lambda: attempts_of(api, su, sub["uid"]))
    attempt = attempts_of(api, su, sub["uid"])[0]
    assert attempt["outcome"] == "Failed"
    assert attempt["error"] == "url: destination refused (link-local address)"
    assert "httpStatus" not in attempt
    assert receiver.requests == []


def test_deleted_subscription_receives_nothing_more(api, su, estate, receivers, subscriptions):
    receiver = receivers()
    sub = subscriptions(receiver.url)
    make_events(estate, 1)
    assert wait_until(lambda: receiver.accepted())
    assert api.request("DELETE", f"{SUBSCRIPTIONS}/{sub['uid']}", headers=su).status == 204
    count = len(receiver.requests)
    make_events(estate, 1)
    assert not wait_until(lambda: len(receiver.requests) > count, timeout=2)
