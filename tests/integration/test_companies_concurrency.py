"""Concurrent company commands: one winner per conflicting decision, no lost
update, one stored command per processUid, and a feed reader that sees every
event exactly once while writers run."""

import threading
from concurrent.futures import ThreadPoolExecutor

from companies_support import COMPANIES, new_uid, run_sql, su  # noqa: F401

PARALLEL = 20


def in_parallel(send, count=PARALLEL):
    """Call send(i) for i in 0..count-1 from `count` threads released together."""
    barrier = threading.Barrier(count, timeout=30)

    def run(index):
        barrier.wait()
        return send(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count), timeout=120))


def stored_events(env, aggregate_uid):
    """(version, event type, processUid) of the stored events of one company."""
    return run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SELECT version, event_type, process_uid FROM t_{env['PERFIMMO_TENANT']}.events
         WHERE aggregate_type = 'company' AND aggregate_uid = '{aggregate_uid}'
         ORDER BY version""")


def test_parallel_cancel_one_winner(env, su):
    account = su.create_account(su.create_call_center())

    responses = in_parallel(lambda i: su.company_command(account, "CancelCompany",
                                                         canceledDate="2021-03-01"))

    statuses = sorted(response.status for response in responses)
    assert statuses == [200] + [409] * (PARALLEL - 1), responses
    for response in responses:
        if response.status == 409:
            assert response.json()["errorType"] == "ImpossibleToCancelCanceledCompany"
    types = [row[1] for row in stored_events(env, account)]
    assert types.count("CompanyCanceled") == 1


def test_parallel_updates_none_lost(env, su):
    account = su.create_account(su.create_call_center())
    process_uids = [new_uid() for _ in range(PARALLEL)]

    responses = in_parallel(lambda i: su.patch(f"{COMPANIES}/{account}", {
        "processUid": process_uids[i], "name": f"Nom {i}", "updatedDate": "2021-03-01",
        "commandType": "UpdateClientAccount"}))

    assert [response.status for response in responses] == [200] * PARALLEL, responses
    rows = stored_events(env, account)
    versions = [int(row[0]) for row in rows]
    assert versions == list(range(1, len(rows) + 1))
    updates = [row for row in rows if row[1] == "ClientAccountUpdated"]
    assert sorted(row[2] for row in updates) == sorted(process_uids)
    last = updates[-1][2]
    assert su.get(f"/api/v1/clientcompanies/{account}").json()["name"] == \
        f"Nom {process_uids.index(last)}"


def test_parallel_same_process_uid_stored_once(env, su):
    body = {"processUid": new_uid(), "createdDate": "2021-01-04", "name": "Centre unique",
            "commandType": "CreateCallCenter"}

    responses = in_parallel(lambda i: su.post(COMPANIES, body))

    created = [response for response in responses if response.status == 201]
    duplicates = [response for response in responses if response.status == 409]
    assert len(created) == 1, responses
    assert len(duplicates) == PARALLEL - 1, responses
    for response in duplicates:
        assert response.json()["errorType"] == "CommandAlreadySent"
        assert response.json()["events"] == created[0].json()["events"]
    count = run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SELECT count(*) FROM t_{env['PERFIMMO_TENANT']}.events
         WHERE process_uid = '{body['processUid']}'""")
    assert count == [["1"]]


def test_parallel_same_process_uid_on_increment(env, su):
    account = su.create_account(su.create_call_center())
    body = {"processUid": new_uid(), "reactivatedDate": "2021-03-01",
            "commandType": "ReactiveCompany"}

    responses = in_parallel(lambda i: su.patch(f"{COMPANIES}/{account}", body))

    assert sorted(response.status for response in responses) == [200] + [409] * (PARALLEL - 1)
    types = [row[1] for row in stored_events(env, account)]
    assert types.count("CompanyReactivated") == 1


def test_feed_reader_sees_every_event_once(env, su):
    start = su.journal_end()
    accounts = [su.create_account(su.create_call_center()) for _ in range(4)]
    writers_done = threading.Event()
    seen = []
    failures = []

    def write(index):
        account = accounts[index % len(accounts)]
        for round_number in range(10):
            response = su.company_command(account, "UpdateClientAccount",
                                          name=f"Écrit {index}-{round_number}",
                                          updatedDate="2021-03-01")
            if response.status != 200:
                failures.append(response)

    def read():
        position = start
        for _ in range(100000):
            finished = writers_done.is_set()
            page = su.get(f"/api/v1/events?after={position}&limit=7").json()
            for item in page["events"]:
                seen.append((item["position"], item["event"]["processUid"]))
            assert page["next"] >= position
            position = page["next"]
            if finished and not page["events"]:
                return
        raise AssertionError("the reader did not catch up")

    reader = threading.Thread(target=read)
    reader.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(8), timeout=300))
    writers_done.set()
    reader.join(timeout=120)

    assert not reader.is_alive()
    assert failures == []
    positions = [position for position, _ in seen]
    assert positions == sorted(set(positions)), "positions not strictly increasing"
    journal = run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SELECT position, process_uid FROM t_{env['PERFIMMO_TENANT']}.events
         WHERE position > {start} ORDER BY position""")
    assert [(int(p), u) for p, u in journal] == seen
    assert len(seen) >= 8 * 10
