"""Commands racing each other (F-10, F-11): one stream decided on one state,
and one processUid sent twice at the same instant. Never a 500, never a
second copy."""

import json
import threading
import uuid

from fault_tools import COMPANIES, call_center_body, feed_next, journal_since

ROUNDS = 200


def release_together(calls):
    """Run the zero-argument CALLS in threads released by one barrier and
    return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index):
        barrier.wait(timeout=10)
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def post_raw(client, body):
    data = json.dumps(body).encode()
    return lambda: client.post(COMPANIES, data, headers={"Content-Type": "application/json"})


def test_twenty_creates_of_one_aggregate(su):
    aggregate = str(uuid.uuid4())
    start = feed_next(su)

    responses = release_together(
        [post_raw(su, call_center_body(f"course {i}", aggregate)) for i in range(20)])

    statuses = sorted(r.status for r in responses)
    assert statuses == [201] + [409] * 19, statuses
    errors = {r.json()["errorType"] for r in responses if r.status == 409}
    assert errors == {"ImpossibleToCreateExistingCompany"}
    stored = [e for e in journal_since(su, start) if e["event"]["aggregateUid"] == aggregate]
    assert len(stored) == 1


def test_twenty_updates_of_one_stream_all_applied_in_order(su):
    center = str(uuid.uuid4())
    assert su.post(COMPANIES, call_center_body("centre disputé", center)).status == 201
    start = feed_next(su)

    responses = release_together([
        post_update(su, center, f"nom {i}") for i in range(20)])

    assert sorted(r.status for r in responses) == [200] * 20, [r.status for r in responses]
    stored = [e for e in journal_since(su, start) if e["event"]["aggregateUid"] == center]
    assert len(stored) == 20
    # One event per command, none lost, in position order.
    assert len({e["event"]["processUid"] for e in stored}) == 20


def post_update(client, center, name):
    body = json.dumps({"processUid": str(uuid.uuid4()), "name": name,
                       "updatedDate": "2021-02-01", "commandType": "UpdateCallCenter"}).encode()
    return lambda: client.patch(f"{COMPANIES}/{center}", body,
                                headers={"Content-Type": "application/json"})


def test_same_process_uid_twice_at_once_stored_once(su):
    start = feed_next(su)
    uids = []
    for index in range(ROUNDS):
        body = call_center_body(f"doublon {index}")
        uids.append(body["processUid"])
        first, second = release_together([post_raw(su, body), post_raw(su, body)])

        assert sorted([first.status, second.status]) == [201, 409], (index, first, second)
        winner, loser = (first, second) if first.status == 201 else (second, first)
        assert loser.json()["errorType"] == "CommandAlreadySent"
        # Same aggregateUid, same sentDate: the stored answer, not a new decision.
        assert loser.json()["events"] == winner.json()["events"]

    stored = [e["event"]["processUid"] for e in journal_since(su, start)]
    assert sorted(stored) == sorted(uids)


def test_accepted_process_uid_reused_with_another_body_409(su):
    body = call_center_body("original")
    first = su.post(COMPANIES, body)
    assert first.status == 201
    start = feed_next(su)

    for changed in (dict(body, name="autre nom"),
                    dict(body, commandType="CreateClientAccount",
                         callCenterReference=first.json()["events"][0]["aggregateUid"])):
        response = su.post(COMPANIES, changed)
        assert response.status == 409, response
        assert response.json()["errorType"] == "CommandAlreadySent"
        assert response.json()["events"] == first.json()["events"]

    center = str(uuid.uuid4())
    assert su.post(COMPANIES, call_center_body("cible", center)).status == 201
    start = feed_next(su)
    patch = {"processUid": body["processUid"], "name": "x", "updatedDate": "2021-02-01",
             "commandType": "UpdateCallCenter"}
    response = su.patch(f"{COMPANIES}/{center}", patch)
    assert response.status == 409, response
    assert response.json()["errorType"] == "CommandAlreadySent"
    assert journal_since(su, start) == []


def test_same_process_uid_on_both_tenants_each_accepted(su, other_su):
    body = call_center_body("deux locataires")

    demo, other = release_together([post_raw(su, body), post_raw(other_su, body)])

    assert demo.status == 201, demo
    assert other.status == 201, other
