"""perfimmo-admin import options and unreadable files: a bad option value is a
usage error (exit 2) that names the option and stores nothing, and a file that
cannot be read is refused (exit 1) rather than taken as empty."""

import json
import shlex
import subprocess

import pytest

from import_support import event_count, run_import
from ticket_support import Api, World, new_uid


@pytest.fixture(scope="module")
def world(env, su):
    return World(Api(su, env["PERFIMMO_API_KEY"]))


def run_admin_import(env, *arguments):
    command = shlex.split(env["PERFIMMO_ADMIN"]) + ["import", "--tenant", env["PERFIMMO_TENANT"],
                                                    *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def company_line(world, company):
    return json.dumps({"method": "POST", "path": "/api/vEvent/clientcompanies",
                       "body": {"commandType": "CreateClientAccount", "aggregateUid": company,
                                "callCenterReference": world.call_center,
                                "createdDate": "2025-01-06", "name": "Syndic de Chartreuse"}})


@pytest.mark.parametrize("option, value", [
    ("--batch", "0"),
    ("--batch", "-1"),
    ("--batch", "abc"),
    ("--batch", "10abc"),
    ("--batch", "10001"),
    ("--batch", "99999999999"),
    ("--lang", "de"),
])
def test_bad_option_value_names_option(env, world, tmp_path, option, value):
    path = tmp_path / "lignes.jsonl"
    path.write_text(company_line(world, new_uid()) + "\n")
    before = event_count(env, env["PERFIMMO_TENANT"])

    result = run_admin_import(env, option, value, str(path))

    assert result.returncode == 2, result
    assert f"import: {option} " in result.stderr, result.stderr
    assert f'"{value}"' in result.stderr, result.stderr
    assert event_count(env, env["PERFIMMO_TENANT"]) == before


def test_largest_batch_accepted(env, world, tmp_path):
    company = new_uid()
    path = tmp_path / "lignes.jsonl"
    path.write_text(company_line(world, company) + "\n")

    outcome = run_import(env, env["PERFIMMO_TENANT"], path, options=("--batch", "10000"))

    assert (outcome.code, outcome.accepted) == (0, 1), outcome
    assert world.api.get(f"/api/v1/clientcompanies/{company}").status == 200


def test_uppercase_company_uid_accepted(env, world, tmp_path):
    path = tmp_path / "patrimoines.csv"
    path.write_text("ref;agencies\nMAJ-1;LYON-MAJ\n")
    agency = new_uid()
    reply = world.api.command("POST", f"/api/vEvent/clientcompanies/{world.company}/agencies",
                              "CreateAgency", createdDate="2021-01-02",
                              agency={"agencyUid": agency, "name": "Agence Lyon", "ref": "LYON-MAJ"})
    assert reply.status == 201, reply

    outcome = run_import(env, env["PERFIMMO_TENANT"], path, company=world.company.upper())

    assert (outcome.code, outcome.accepted, outcome.rejected) == (0, 1, 0), outcome


@pytest.mark.parametrize("name", ["dossier.jsonl", "dossier.csv"])
def test_directory_refused_as_unreadable(env, world, tmp_path, name):
    (tmp_path / name).mkdir()

    outcome = run_import(env, env["PERFIMMO_TENANT"], tmp_path / name, company=world.company)

    assert outcome.code == 1, outcome
    assert f"{tmp_path / name} illisible : Is a directory" in outcome.stderr, outcome
    assert "fichiers refusés : 1" in outcome.stderr, outcome
