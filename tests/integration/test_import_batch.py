"""perfimmo-admin import appends the commands of a batch together (the
default) or one at a time (--one-by-one). Both store the same journal and
project the same read model, and a rebuild gives that read model back. A
command that PostgreSQL refuses inside a batch rejects its line alone. The
streams kept from one batch to the next follow the API's changes.

Both runs of a comparison stop their clock at the same instant (faketime), so
that their sentDate values agree. The uids a command draws at random (address
uids, the superUser's) differ between runs: rows are compared with each uid
replaced by the rank of its first appearance in the journal.
"""

import hashlib
import json
import os
import re
import shlex
import subprocess
import time
import uuid

import pytest

from companies_support import run_sql
from import_support import (TOP, api_key, count_lines, gen_demo, manifest, read_rejects,
                            run_import)
from ticket_support import Api, World, agency_location, new_uid, ticket_infos, wait_for_host

FROZEN_AT = "2025-06-02 10:00:00"
# Lines of the demo set's tickets file imported: the whole set takes minutes in one-by-one mode.
TICKET_LINES = 4000
UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MODES = {"one": ["--one-by-one"], "batch": []}


def create_tenant(admin, label):
    """A new tenant with a superUser; a suffix of its own, since the sanitizer pass runs the suite again."""
    name = f"importbatch_{label}_{uuid.uuid4().hex[:6]}"
    host = name.replace("_", "-") + ".perfimmo.test"
    admin("tenant", "create", name, "--host", host, timeout=120)
    admin("superuser", "create", "--tenant", name, "--login", f"admin@{host}")
    return name, host


class Canonical:
    """Replaces each uid by the rank of its first appearance, and the tenant's host by HOST."""

    def __init__(self, host):
        self.host = host
        self.ranks = {}

    def __call__(self, text):
        return UID.sub(self.rank, text.replace(self.host, "HOST"))

    def rank(self, match):
        return "uid-%d" % self.ranks.setdefault(match.group(0), len(self.ranks))


def rows(env, tenant, query):
    """The rows of QUERY in the tenant's schema, each as the JSON text of one value."""
    result = run_sql(env["PERFIMMO_ADMIN_DATABASE"],
                     f"SET search_path TO t_{tenant}, perfimmo_ext;\n{query};")
    return [json.loads(row[0]) for row in result]


def read_model_tables(env, tenant):
    return [row for row in rows(env, tenant, "SELECT to_json(table_name) FROM table_registry"
                                             " WHERE kind <> 'source' ORDER BY table_name")]


def journal_rows(env, tenant):
    return rows(env, tenant, "SELECT to_json(concat_ws('|', position, aggregate_type, aggregate_uid,"
                             " version, event_type, payload::text, process_uid, actor_uid,"
                             " schema_version)) FROM events ORDER BY position")


def stored_state(env, tenant, host):
    """Sorted canonical rows of the journal, the processed commands and each read-model table."""
    canonical = Canonical(host)
    state = {"events": [canonical(row) for row in journal_rows(env, tenant)]}
    state["processed_commands"] = sorted(canonical(row) for row in rows(
        env, tenant, "SELECT to_json(concat_ws('|', process_uid, user_uid, events::text))"
                     " FROM processed_commands"))
    for table in read_model_tables(env, tenant):
        state[table] = sorted(canonical(row) for row in rows(env, tenant, f"SELECT to_json(x::text) FROM {table} x"))
    return state


def digests(state):
    return {name: (len(values), hashlib.md5("\n".join(values).encode()).hexdigest())
            for name, values in state.items()}


def first_difference(one, other):
    for name in one:
        for left, right in zip(one[name], other[name]):
            if left != right:
                return name, left, right
    return None


@pytest.fixture(scope="module")
def demo_subset(tmp_path_factory):
    """The small demo set, its tickets file cut to TICKET_LINES lines."""
    folder = tmp_path_factory.mktemp("batch_set")
    gen_demo.write_set("small", 2025, folder)
    tickets = folder / "06_tickets.jsonl"
    lines = tickets.read_text(encoding="utf-8").splitlines(keepends=True)
    tickets.write_text("".join(lines[:TICKET_LINES]), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def imported(admin, env, demo_subset):
    """Mode -> (tenant, host, outcome of each file): the subset imported in each mode."""
    runs = {}
    for mode, options in MODES.items():
        tenant, host = create_tenant(admin, mode)
        outcomes = [(path, run_import(env, tenant, path, company=company, login=login,
                                      options=options, frozen_at=FROZEN_AT))
                    for path, company, login in manifest(demo_subset)]
        runs[mode] = (tenant, host, outcomes)
    return runs


def test_both_modes_accept_every_line(imported):
    for mode, (_, _, outcomes) in imported.items():
        for path, outcome in outcomes:
            assert outcome.code == 0, (mode, outcome)
            assert (outcome.accepted, outcome.present, outcome.rejected) == (count_lines(path), 0, 0), \
                (mode, path.name, outcome)


def test_both_modes_store_identical_data(env, imported):
    states = {mode: stored_state(env, tenant, host) for mode, (tenant, host, _) in imported.items()}
    assert len(states["batch"]["events"]) > TICKET_LINES
    assert states["batch"]["tickets"], "no ticket projected"
    assert digests(states["batch"]) == digests(states["one"]), \
        first_difference(states["batch"], states["one"])


def test_rebuild_gives_back_the_read_model_of_batches(env, admin, imported):
    tenant, _, _ = imported["batch"]

    def read_model():
        return {table: rows(env, tenant, f"SELECT to_json(x::text) FROM {table} x ORDER BY x::text")
                for table in read_model_tables(env, tenant)}

    before = read_model()
    admin("rebuild", "--tenant", tenant, timeout=600)
    after = read_model()
    assert before["tickets"]
    assert digests(after) == digests(before), first_difference(after, before)


def test_refused_append_rejects_its_line_alone(env, admin, tmp_path):
    path = tmp_path / "tickets.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        subprocess.run([str(TOP / "tests" / "data" / "gen_tickets.py"), "--tickets", "60",
                        "--seed", "2025", "--agencies", "2"], stdout=out, check=True, timeout=60)
    opened = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
              if '"OpenTicket"' in line]
    refused = opened[30]["body"]["aggregateUid"]

    runs = {}
    for mode, options in MODES.items():
        tenant, host = create_tenant(admin, mode)
        # The projection of the refused ticket fails, as a bug or a value PostgreSQL refuses would.
        run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
            SET search_path TO t_{tenant};
            CREATE FUNCTION refuse_ticket() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN RAISE EXCEPTION 'ticket refused by the test'; END $$;
            CREATE TRIGGER refuse_ticket BEFORE INSERT ON tickets FOR EACH ROW
                WHEN (NEW.uid = '{refused}') EXECUTE FUNCTION refuse_ticket();""")
        outcome = run_import(env, tenant, path, rejects=tmp_path / f"{mode}.csv", options=options,
                             frozen_at=FROZEN_AT)
        canonical = Canonical(host)
        journal = [canonical(row.split("|", 1)[1]) for row in journal_rows(env, tenant)]
        runs[mode] = (outcome, read_rejects(tmp_path / f"{mode}.csv")[1:], journal)

    (one, one_rejects, one_journal), (batch, batch_rejects, batch_journal) = runs["one"], runs["batch"]
    assert batch.code == one.code == 1, (one, batch)
    assert (batch.accepted, batch.present, batch.rejected) == (one.accepted, one.present, one.rejected)
    assert batch_rejects == one_rejects
    assert batch_rejects[0][3] == "InternalError", batch_rejects
    assert all(refused in path.read_text(encoding="utf-8").splitlines()[int(row[1]) - 1]
               for row in batch_rejects), batch_rejects
    assert "nouvel envoi commande par commande" in batch.stderr, batch
    assert "nouvel envoi" not in one.stderr, one
    # Positions differ: the failed batch drew its own before it was rolled back.
    assert batch_journal == one_journal
    assert len(batch_journal) > 500
    assert not any(f"ticket|{refused}" in row for row in journal_rows(env, tenant))


def test_kept_streams_see_changes_between_batches(env, admin, client_for, tmp_path):
    """The import keeps the streams it read from one batch to the next; a change
    made through the API between two batches reaches its later decisions."""
    tenant, host = create_tenant(admin, "kept")
    api = Api(client_for(host), api_key(admin, tenant, f"admin@{host}"))
    wait_for_host(api)
    world = World(api)
    agency = world.agency("Agence Croix-Rousse")
    fifo = tmp_path / "commandes.jsonl"
    os.mkfifo(fifo)

    def open_line(uid):
        return json.dumps({"method": "POST", "path": "/api/vEvent/tickets", "body": {
            "processUid": new_uid(), "commandType": "OpenTicket", "aggregateUid": uid,
            "locationRef": agency_location(agency), "openedDate": "2021-03-15T09:05:00+01:00",
            "ticket": ticket_infos()}}) + "\n"

    command = shlex.split(env["PERFIMMO_ADMIN"]) + ["import", "--tenant", tenant, "--batch", "1",
                                                    str(fifo)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    first, second = new_uid(), new_uid()
    with open(fifo, "w", encoding="utf-8") as feed:
        # The first batch reads the company stream that holds the agency, then the
        # import waits for its next line outside any batch.
        feed.write(open_line(first))
        feed.flush()
        for _ in range(600):
            if world.api.get(f"/api/v1/tickets/{first}").status == 200:
                break
            time.sleep(0.05)
        world.delete_agency(agency)
        feed.write(open_line(second))
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == 1, stderr
    assert "lignes acceptées : 1, déjà présentes : 0, rejetées : 1" in stderr, stderr
    assert f"l'agence {agency} est supprimée" in stderr, stderr
    assert world.api.get(f"/api/v1/tickets/{second}").status == 404
