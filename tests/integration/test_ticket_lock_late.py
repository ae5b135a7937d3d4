"""Ticket commands read their facts before taking the tenant's command lock
and take it only for their append and commit. They must still never commit
a decision made on facts that another write changed meanwhile: a moved
stream, a changed scope, a processUid stored meanwhile, or a tenant put
under maintenance while they waited."""

import threading
import time

import pytest

from auth_support import make_user
from ticket_support import Api, World, agency_location, new_uid, open_ticket

# Long enough for the command to read its facts and reach the lock.
HOLD_SECONDS = 1.5


@pytest.fixture(scope="module")
def demo(env, api):
    return Api(api, env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def s(env, api, demo):
    """An executive of agency B and a ticket on B."""
    world = World(demo)
    s = type("Scenario", (), {})()
    s.b = world.agency("Agence B")
    s.ticket = open_ticket(demo, agency_location(s.b))
    su = {"Authorization": env["PERFIMMO_API_KEY"]}
    s.executive = make_user(env, api, su, "ReferenceExecutive", world.company,
                            managedAgencies=[s.b])
    s.ex = Api(api, s.executive.key)
    return s


def message(api, ticket, text, process_uid=None):
    body = {"processUid": process_uid or new_uid(), "commandType": "AddMessage",
            "messageAddedDate": "2021-03-15T10:00:00Z", "message": text}
    return api.patch(f"/api/vEvent/tickets/{ticket}", body)


def messages(demo, ticket):
    """The messages of the ticket's journal, in its detail."""
    days = demo.get(f"/api/v1/tickets/{ticket}").json()["journal"]
    return [event["data"]["message"] for day in days for event in day["events"]
            if event["eventName"] == "MessageAdded"]


def run_while_lock_held(superuser_sql, schema, holder_sql, command):
    """Hold SCHEMA's command lock in a transaction that also runs HOLDER_SQL,
    send COMMAND meanwhile, and return its response."""
    result = {}

    def hold():
        superuser_sql(f"BEGIN; SELECT FROM {schema}.command_lock FOR UPDATE; {holder_sql}"
                      f" SELECT pg_sleep({HOLD_SECONDS}); COMMIT")

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.3)
    result["response"] = command()
    holder.join(timeout=30)
    assert not holder.is_alive()
    return result["response"]


def test_scope_change_before_lock_is_seen(env, s, demo, superuser_sql):
    """The executive loses agency B while their message waits for the lock.
    The SQL stands for a scope change that another command committed between
    the message's reads and its lock."""
    schema = f"t_{env['PERFIMMO_TENANT']}"
    text = f"périmètre retiré {new_uid()[:8]}"
    [[position, rank]] = superuser_sql(
        f"SELECT position, rank FROM {schema}.user_agencies"
        f" WHERE user_uid = '{s.executive.uid}' AND agency_uid = '{s.b}'")
    holder_sql = (f"DELETE FROM {schema}.user_agencies"
                  f" WHERE user_uid = '{s.executive.uid}' AND agency_uid = '{s.b}';"
                  f" UPDATE {schema}.command_lock SET generation = generation + 1;")
    try:
        reply = run_while_lock_held(superuser_sql, schema, holder_sql,
                                    lambda: message(s.ex, s.ticket, text))

        assert reply.status == 404, reply
        assert reply.json()["errorType"] == "ImpossibleToPerfomCommandOnNonExistingTicket"
        assert text not in messages(demo, s.ticket)
    finally:
        # Gives the executive agency B back for the tests below.
        superuser_sql(f"INSERT INTO {schema}.user_agencies (user_uid, agency_uid, position, rank)"
                      f" VALUES ('{s.executive.uid}', '{s.b}', {position}, {rank})"
                      " ON CONFLICT DO NOTHING;"
                      f" UPDATE {schema}.command_lock SET generation = generation + 1")


def test_ticket_write_does_not_count_as_structure(env, s, demo, superuser_sql):
    """A ticket command's own lock leaves structure_generation alone, so
    ticket commands do not make each other decide again."""
    schema = f"t_{env['PERFIMMO_TENANT']}"
    query = f"SELECT structure_generation FROM {schema}.command_lock"
    before = superuser_sql(query)

    for i in range(3):
        assert message(demo, s.ticket, f"sans effet de structure {i}").status == 200

    assert superuser_sql(query) == before


def test_stream_moved_before_lock_decides_again(env, s, demo, superuser_sql):
    """A message waits for the lock while another one is stored on the same
    ticket. The SQL holder only takes the lock, so the second message is
    appended on the moved stream after deciding again."""
    schema = f"t_{env['PERFIMMO_TENANT']}"
    first, second = f"premier {new_uid()[:8]}", f"second {new_uid()[:8]}"
    results = {}

    def send_second():
        time.sleep(0.2)
        results["second"] = message(demo, s.ticket, second)

    sender = threading.Thread(target=send_second)
    sender.start()
    results["first"] = run_while_lock_held(superuser_sql, schema, "",
                                           lambda: message(demo, s.ticket, first))
    sender.join(timeout=30)

    assert results["first"].status == 200, results["first"]
    assert results["second"].status == 200, results["second"]
    stored = messages(demo, s.ticket)
    assert first in stored
    assert second in stored


def test_same_process_uid_waiting_for_lock_stored_once(env, s, demo, superuser_sql):
    schema = f"t_{env['PERFIMMO_TENANT']}"
    process_uid = new_uid()
    text = f"en double {process_uid[:8]}"
    results = {}

    def send_again():
        time.sleep(0.2)
        results["again"] = message(demo, s.ticket, text, process_uid)

    sender = threading.Thread(target=send_again)
    sender.start()
    results["first"] = run_while_lock_held(superuser_sql, schema, "",
                                           lambda: message(demo, s.ticket, text, process_uid))
    sender.join(timeout=30)

    statuses = sorted([results["first"].status, results["again"].status])
    assert statuses == [200, 409], results
    assert messages(demo, s.ticket).count(text) == 1


def test_ticket_command_waiting_for_lock_refused_under_maintenance(env, s, demo, admin,
                                                                   superuser_sql):
    """`maintenance on` waits for the lock behind the holder; the message that
    read its facts before is then refused once it holds the lock."""
    tenant = env["PERFIMMO_TENANT"]
    schema = f"t_{tenant}"
    text = f"pendant la maintenance {new_uid()[:8]}"
    results = {}

    def switch_on():
        time.sleep(0.6)
        results["admin"] = admin("maintenance", "on", "--tenant", tenant,
                                 "--retry-after", "30", check=False)

    switcher = threading.Thread(target=switch_on)
    switcher.start()
    try:
        reply = run_while_lock_held(superuser_sql, schema, "",
                                    lambda: message(demo, s.ticket, text))
        switcher.join(timeout=30)
    finally:
        admin("maintenance", "off", "--tenant", tenant)

    assert results["admin"].returncode == 0, results["admin"].stderr
    assert reply.status == 503, reply
    assert reply.json()["errorType"] == "ServiceUnavailable"
    assert reply.header("retry-after") == "30"
    assert text not in messages(demo, s.ticket)
