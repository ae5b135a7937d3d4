"""The journal behind company commands: append-only for the workers' role, and
the feed's filters."""

import subprocess

import pytest

from companies_support import su  # noqa: F401

FEED = "/api/v1/events"


def run_as_worker(env, statement):
    """Run `statement` as the API's database user acting as the tenant's role;
    return (exit code, stderr)."""
    tenant = env["PERFIMMO_TENANT"]
    script = f"SET ROLE perfimmo_t_{tenant};\nSET search_path TO t_{tenant};\n{statement}\n"
    result = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", env["PERFIMMO_DATABASE"]],
        input=script, capture_output=True, text=True, timeout=60, check=False)
    return result.returncode, result.stderr


@pytest.mark.parametrize("statement", [
    "UPDATE events SET event_type = event_type;",
    "DELETE FROM events;",
    "TRUNCATE events;",
    "UPDATE processed_commands SET events = events;",
    "DELETE FROM processed_commands;",
])
def test_worker_role_cannot_change_journal(env, su, statement):
    su.create_call_center()
    before = su.journal_end()

    code, stderr = run_as_worker(env, statement)

    assert code != 0
    assert "permission denied" in stderr, stderr
    assert su.journal_end() == before


def test_worker_role_reads_journal(env):
    code, stderr = run_as_worker(env, "SELECT count(*) FROM events;")
    assert code == 0, stderr


def test_feed_filters_by_type_and_kind(su):
    start = su.journal_end()
    call_center = su.create_call_center(siretNumber="51234567800019")
    su.create_account(call_center)

    items = su.get(f"{FEED}?after={start}&types=CompanyIdentified").json()["events"]
    assert [item["event"]["eventType"] for item in items] == ["CompanyIdentified"]
    assert items[0]["event"]["aggregateUid"] == call_center

    items = su.get(f"{FEED}?after={start}&types=CallCenterCreated,ClientAccountCreated").json()["events"]
    assert [item["event"]["eventType"] for item in items] == ["CallCenterCreated", "ClientAccountCreated"]

    items = su.get(f"{FEED}?after={start}&aggregates=company").json()["events"]
    assert len(items) == 3
    assert {item["aggregateType"] for item in items} == {"company"}
    assert su.get(f"{FEED}?after={start}&aggregates=ticket").json()["events"] == []


def test_feed_limit_and_next(su):
    start = su.journal_end()
    su.create_call_center(siretNumber="51234567800019")

    first = su.get(f"{FEED}?after={start}&limit=1").json()
    assert len(first["events"]) == 1
    assert first["next"] == first["events"][0]["position"]
    second = su.get(f"{FEED}?after={first['next']}&limit=1").json()
    assert len(second["events"]) == 1
    assert second["events"][0]["position"] > first["next"]
    assert second["events"][0]["event"]["eventType"] == "CompanyIdentified"
    end = su.get(f"{FEED}?after={second['next']}").json()
    assert end == {"events": [], "next": second["next"]}


@pytest.mark.parametrize("query", [
    "types=NoSuchEvent", "aggregates=companies", "limit=0", "limit=1001", "limit=abc",
    "after=-1", "after=abc", "after=1&after=2", "types=CompanyCanceled,,CompanyReactivated",
])
def test_feed_bad_values(su, query):
    response = su.get(f"{FEED}?{query}")

    assert response.status == 400, response
    assert response.json()["errorType"] == "BadRequest"
