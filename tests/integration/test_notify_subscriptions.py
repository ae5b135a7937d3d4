"""The subscription endpoints of notifications §2, their errors (§5) and the
destination checks made at creation and PATCH (§4).

The test stack allows 127.0.0.1 only (notify_allow_networks), with plain
http. No test here sends anything: refused URLs are refused before any
connection, and numeric hosts need no DNS.
"""

import subprocess

import pytest

from auth_support import SECRETS, create_company, key_auth, make_user
from notify_support import SUBSCRIPTIONS, feed_end, new_uid, subscribe

URL = "http://127.0.0.1:9/hook"


@pytest.fixture(scope="module")
def su(env):
    SECRETS.add(env["PERFIMMO_API_KEY"])
    return key_auth(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def users(env, api, su):
    """Two users of one client account, each with his own key."""
    company = create_company(api, su, "CreateClientAccount",
                             callCenterReference=create_company(api, su, "CreateCallCenter"))
    return (make_user(env, api, su, "ReferenceClientAccountManager", company),
            make_user(env, api, su, "ReferenceClientAccountManager", company))


def error_of(response):
    return response.status, response.json()["errorType"]


def listed_uids(api, auth):
    response = api.get(f"{SUBSCRIPTIONS}?range=0-99", headers=auth)
    assert response.status in (200, 206), response
    return [item["uid"] for item in response.json()["result"]]


def test_create_shows_the_secret_once(api, su):
    before = feed_end(api, su)
    view = subscribe(api, su, URL, description="Équipe réparations")

    assert view["secret"].startswith("whsec_")
    assert len(view["secret"]) >= 40
    assert view["url"] == URL
    assert view["eventTypes"] == []
    assert view["aggregates"] == []
    assert view["description"] == "Équipe réparations"
    assert view["state"] == "Active"
    assert view["isActive"] is True
    assert view["deliveredPosition"] == before
    assert view["consecutiveFailures"] == 0
    assert view["createdDate"].endswith("Z")
    assert len(view["createdDate"]) == 24
    assert "lastError" not in view
    assert "lastAttemptDate" not in view

    shown = api.get(f"{SUBSCRIPTIONS}/{view['uid']}", headers=su)
    assert shown.status == 200
    stored = shown.json()
    assert "secret" not in stored
    assert {k: v for k, v in view.items() if k != "secret"} == stored
    assert view["secret"].encode() not in api.get(SUBSCRIPTIONS, headers=su).body


def test_create_keeps_filters_and_start(api, su):
    view = subscribe(api, su, URL, eventTypes=["PatrimonyReferenced", "LotReferenced"],
                     aggregates=["patrimony", "lot"], startAfter=3)
    assert view["eventTypes"] == ["PatrimonyReferenced", "LotReferenced"]
    assert view["aggregates"] == ["patrimony", "lot"]
    assert view["deliveredPosition"] == 3


@pytest.mark.parametrize("body", [
    {},
    {"url": 12},
    {"url": ""},
    {"url": "ftp://127.0.0.1/hook"},
    {"url": "127.0.0.1/hook"},
    {"url": "https://user:password@127.0.0.1/hook"},
    {"url": "https://127.0.0.1/hook with space"},
    {"url": "https://127.0.0.1/" + "a" * 1990},
    {"url": URL, "eventTypes": ["NoSuchEvent"]},
    {"url": URL, "eventTypes": "PatrimonyReferenced"},
    {"url": URL, "aggregates": ["agency"]},
    {"url": URL, "description": "x" * 201},
    {"url": URL, "startAfter": -1},
    {"url": URL, "startAfter": "10"},
    # Shape before addresses: an unknown event type wins over a private host.
    {"url": "https://10.0.0.1/hook", "eventTypes": ["NoSuchEvent"]},
])
def test_invalid_input_is_400_and_stores_nothing(api, su, body):
    before = listed_uids(api, su)
    assert error_of(api.post(SUBSCRIPTIONS, body, headers=su)) == (400, "InvalidSubscription")
    assert listed_uids(api, su) == before


def test_url_and_description_at_their_limits(api, su):
    url = "http://127.0.0.1:9/" + "a" * (2000 - len("http://127.0.0.1:9/"))
    view = subscribe(api, su, url, description="é" * 200)
    assert view["url"] == url
    assert len(view["description"]) == 200


@pytest.mark.parametrize("url", [
    "https://10.0.0.1/hook",
    "https://172.16.0.1/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://[fd00::1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    # Loopback beyond the one address the test stack lists.
    "https://127.0.0.2/hook",
    "http://127.0.0.53:9/hook",
    # Host names that are addresses in disguise.
    "https://0x7f000002/hook",
    "https://10.1/hook",
    "https://2852039166/latest/meta-data/",
    # Plain http goes to the listed networks only.
    "http://8.8.8.8/hook",
])
def test_refused_destinations(api, su, url):
    before = listed_uids(api, su)
    assert error_of(api.post(SUBSCRIPTIONS, {"url": url}, headers=su)) == (400, "DestinationNotAllowed")
    assert listed_uids(api, su) == before


def test_refusal_messages_follow_the_language(api, su):
    body = {"url": "https://169.254.169.254/"}
    french = api.post(SUBSCRIPTIONS, body, headers=su).json()["message"]
    english = api.post(SUBSCRIPTIONS, body, headers={**su, "Accept-Language": "en"}).json()["message"]
    assert "refusée" in french
    assert "refused" in english
    assert "link-local address" in english


@pytest.mark.parametrize("url, reason", [
    ("https://169.254.169.254/", "adresse lien-local"),
    ("https://10.0.0.1/hook", "adresse privée"),
    ("https://[::1]/hook", "adresse de bouclage"),
    ("https://0.0.0.0/hook", "adresse non spécifiée"),
    ("http://8.8.8.8/hook", "http en clair hors des réseaux autorisés"),
])
def test_refusal_reason_in_french(api, su, url, reason):
    message = api.post(SUBSCRIPTIONS, {"url": url}, headers=su).json()["message"]

    assert message == f"url : destination refusée ({reason})"


def test_bad_json_and_media_type(api, su):
    json_type = {**su, "Content-Type": "application/json"}
    assert error_of(api.post(SUBSCRIPTIONS, '{"url": "x",}', headers=json_type)) == (400, "InvalidJson")
    assert error_of(api.post(SUBSCRIPTIONS, "[]", headers=json_type)) == (400, "InvalidJson")
    response = api.post(SUBSCRIPTIONS, '{"url": "http://127.0.0.1:9/"}',
                        headers={**su, "Content-Type": "text/plain"})
    assert error_of(response) == (415, "UnsupportedMediaType")


def test_unauthenticated_and_unknown_methods(api, su):
    assert api.get(SUBSCRIPTIONS).status == 401
    response = api.request("PUT", SUBSCRIPTIONS, {"url": URL}, headers=su)
    assert response.status == 405
    assert "POST" in response.header("Allow")
    assert api.get(f"{SUBSCRIPTIONS}/not-a-uid", headers=su).status == 400


def test_users_reach_only_their_own(api, su, users):
    alice, bob = users
    mine = subscribe(api, alice.auth, URL)
    theirs = subscribe(api, bob.auth, URL)

    assert mine["ownerUid"] == alice.uid
    assert listed_uids(api, alice.auth) == [mine["uid"]]
    assert api.get(f"{SUBSCRIPTIONS}/{theirs['uid']}", headers=alice.auth).status == 404
    assert error_of(api.patch(f"{SUBSCRIPTIONS}/{theirs['uid']}", {"description": "x"},
                              headers=alice.auth)) == (404, "NotFound")
    assert api.request("DELETE", f"{SUBSCRIPTIONS}/{theirs['uid']}", headers=alice.auth).status == 404
    assert api.post(f"{SUBSCRIPTIONS}/{theirs['uid']}/secret", {}, headers=alice.auth).status == 404
    assert api.get(f"{SUBSCRIPTIONS}/{theirs['uid']}/deliveries", headers=alice.auth).status == 404
    assert api.get(f"{SUBSCRIPTIONS}/{theirs['uid']}", headers=bob.auth).status == 200

    # The superUser reaches everyone's.
    assert api.get(f"{SUBSCRIPTIONS}/{mine['uid']}", headers=su).status == 200
    assert api.get(f"{SUBSCRIPTIONS}/{theirs['uid']}", headers=su).status == 200


def test_list_is_sorted_and_paginated(api, users):
    alice = users[0]
    for _ in range(3):
        subscribe(api, alice.auth, URL)
    response = api.get(SUBSCRIPTIONS, headers=alice.auth)
    assert response.status == 200
    assert response.header("Accept-Range") == "100"
    items = response.json()["result"]
    count = len(items)
    assert count >= 4
    assert response.header("Content-Range") == f"0-{count - 1}/{count}"
    keys = [(item["createdDate"], item["uid"]) for item in items]
    assert keys == sorted(keys)

    page = api.get(f"{SUBSCRIPTIONS}?range=1-2", headers=alice.auth)
    assert page.status == 206
    assert page.header("Content-Range") == f"1-2/{count}"
    assert [item["uid"] for item in page.json()["result"]] == [item["uid"] for item in items[1:3]]
    assert error_of(api.get(f"{SUBSCRIPTIONS}?range=0-100", headers=alice.auth)) == (400, "InvalidRange")
    assert error_of(api.get(f"{SUBSCRIPTIONS}?range={count}-{count + 5}", headers=alice.auth)) == \
        (416, "RangeNotSatisfiable")


def test_unknown_subscription_is_404(api, su):
    uid = new_uid()
    assert error_of(api.get(f"{SUBSCRIPTIONS}/{uid}", headers=su)) == (404, "NotFound")
    assert error_of(api.patch(f"{SUBSCRIPTIONS}/{uid}", {"description": "x"}, headers=su)) == \
        (404, "NotFound")
    assert error_of(api.request("DELETE", f"{SUBSCRIPTIONS}/{uid}", headers=su)) == (404, "NotFound")
    assert error_of(api.post(f"{SUBSCRIPTIONS}/{uid}/secret", {}, headers=su)) == (404, "NotFound")
    assert error_of(api.get(f"{SUBSCRIPTIONS}/{uid}/deliveries", headers=su)) == (404, "NotFound")


def test_patch_changes_only_what_is_sent(api, su):
    view = subscribe(api, su, URL, description="avant", eventTypes=["LotReferenced"])
    path = f"{SUBSCRIPTIONS}/{view['uid']}"

    response = api.patch(path, {"description": "après", "aggregates": ["lot"]}, headers=su)
    assert response.status == 200, response
    patched = response.json()
    assert patched["description"] == "après"
    assert patched["aggregates"] == ["lot"]
    assert patched["eventTypes"] == ["LotReferenced"]
    assert patched["url"] == URL

    assert api.patch(path, {}, headers=su).json() == patched
    assert api.patch(path, {"eventTypes": None}, headers=su).json() == patched
    changed = api.patch(path, {"url": "http://127.0.0.1:10/other", "eventTypes": []}, headers=su).json()
    assert changed["url"] == "http://127.0.0.1:10/other"
    assert changed["eventTypes"] == []
    assert "secret" not in changed


def test_patch_switches_state(api, su):
    view = subscribe(api, su, URL)
    path = f"{SUBSCRIPTIONS}/{view['uid']}"
    off = api.patch(path, {"isActive": False}, headers=su).json()
    assert off["state"] == "Disabled"
    assert off["isActive"] is False
    on = api.patch(path, {"isActive": True}, headers=su).json()
    assert on["state"] == "Active"
    assert on["isActive"] is True


@pytest.mark.parametrize("body, expected", [
    ({"url": "ftp://127.0.0.1/"}, (400, "InvalidSubscription")),
    ({"url": None, "isActive": "yes"}, (400, "InvalidSubscription")),
    ({"eventTypes": ["Nope"]}, (400, "InvalidSubscription")),
    ({"description": "d" * 201}, (400, "InvalidSubscription")),
    ({"url": "https://192.168.0.1/hook"}, (400, "DestinationNotAllowed")),
    ({"url": "https://[::1]:8443/hook", "description": "x"}, (400, "DestinationNotAllowed")),
])
def test_rejected_patch_changes_nothing(api, su, body, expected):
    view = subscribe(api, su, URL, description="stable")
    path = f"{SUBSCRIPTIONS}/{view['uid']}"
    before = api.get(path, headers=su).json()
    assert error_of(api.patch(path, body, headers=su)) == expected
    assert api.get(path, headers=su).json() == before


def test_patch_checks_the_body_before_the_subscription(api, su):
    response = api.patch(f"{SUBSCRIPTIONS}/{new_uid()}", {"eventTypes": ["Nope"]}, headers=su)
    assert error_of(response) == (400, "InvalidSubscription")


def test_delete(api, su):
    view = subscribe(api, su, URL)
    path = f"{SUBSCRIPTIONS}/{view['uid']}"
    response = api.request("DELETE", path, headers=su)
    assert response.status == 204
    assert response.body == b""
    assert api.get(path, headers=su).status == 404
    assert view["uid"] not in listed_uids(api, su)
    assert api.request("DELETE", path, headers=su).status == 404


def test_rotate_secret(api, su):
    view = subscribe(api, su, URL)
    path = f"{SUBSCRIPTIONS}/{view['uid']}/secret"
    response = api.post(path, {}, headers=su)
    assert response.status == 200, response
    secret = response.json()["secret"]
    SECRETS.add(secret)
    assert set(response.json()) == {"secret"}
    assert secret.startswith("whsec_")
    assert secret != view["secret"]
    assert error_of(api.post(path, "{", headers={**su, "Content-Type": "application/json"})) == \
        (400, "InvalidJson")
    assert api.post(path, {"ignored": True}, headers=su).status == 200


def test_deliveries_of_a_new_subscription(api, su):
    view = subscribe(api, su, URL)
    response = api.get(f"{SUBSCRIPTIONS}/{view['uid']}/deliveries", headers=su)
    assert response.status == 200
    assert response.json() == {"result": []}
    assert response.header("Content-Range") == "*/0"
    assert response.header("Accept-Range") == "100"
    assert error_of(api.get(f"{SUBSCRIPTIONS}/{view['uid']}/deliveries?range=5-1",
                            headers=su)) == (400, "InvalidRange")


def test_only_the_sender_role_reads_secrets(env, api, su):
    subscribe(api, su, URL)
    sql = f"SELECT count(secret) FROM t_{env['PERFIMMO_TENANT']}.subscription_secrets"

    def psql(conninfo, role=None):
        statement = (f"SET ROLE perfimmo_t_{env['PERFIMMO_TENANT']}; " if role else "") + sql
        return subprocess.run(["psql", "-X", "-q", "-t", "-A", conninfo, "-c", statement],
                              capture_output=True, text=True, timeout=30, cwd="/")

    as_api = psql(env["PERFIMMO_DATABASE"], role=True)
    assert as_api.returncode != 0
    assert "permission denied" in as_api.stderr
    assert psql(env["PERFIMMO_DATABASE"]).returncode != 0
    as_sender = psql(env["PERFIMMO_DATABASE"].replace("user=perfimmo_app", "user=perfimmo_notify"))
    assert as_sender.returncode == 0
    assert int(as_sender.stdout) >= 1
