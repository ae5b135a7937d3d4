"""perfimmo-admin import of files with bad lines: each bad line goes to the
reject file with its line, field and reason, the good ones are stored, the
summary counts both, and files that cannot be read are refused whole.
"""

import json
import os
import shlex
import signal
import subprocess
import time
import uuid

import pytest

from import_support import (SUMMARY_FR, TOP, ensure_tenant, event_count, gen_demo, read_rejects,
                            run_import)
from ticket_support import Api, World, new_uid


@pytest.fixture(scope="module")
def world(env, su):
    """A client account with agencies LYON-1, two agencies with ref DUP, a deleted
    one, and two patrimonies sharing the ref DUO."""
    api = Api(su, env["PERFIMMO_API_KEY"])
    world = World(api)
    world.lyon = agency(api, world.company, "Agence Lyon Part-Dieu", "LYON-1")
    agency(api, world.company, "Agence Bron", "DUP")
    agency(api, world.company, "Agence Bron bis", "DUP")
    world.deleted = agency(api, world.company, "Agence fermée", "FERMEE")
    world.delete_agency(world.deleted)
    world.patrimony("DUO", [world.lyon])
    world.patrimony("DUO", [world.lyon])
    return world


def agency(api, company, name, ref):
    uid = new_uid()
    reply = api.command("POST", f"/api/vEvent/clientcompanies/{company}/agencies", "CreateAgency",
                        createdDate="2021-01-02", agency={"agencyUid": uid, "name": name, "ref": ref})
    assert reply.status == 201, reply
    return uid


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def patrimonies_of(world):
    reply = world.api.get(f"/api/v1/patrimonies?companyuid={world.company}")
    assert reply.status == 200, reply
    return sorted(p["ref"] for p in reply.json()["result"])


PATRIMONY_SHEET = """ref;agencies;label;address
OK-1;LYON-1;Résidence du Parc;4 rue Garibaldi 69003 Lyon
BAD-AG;AG-INCONNUE;Nulle part;
BAD-DUP;DUP;Ambiguë;
BAD-ADDR;LYON-1;Sans code postal;rue de la Paix Lyon
BAD-DELETED;{deleted};Agence fermée;
"OK-2";"LYON-1";"Le ""Clos"" Fleuri; bâtiment B";"7 bis place Bellecour
69002 Lyon"
"""


def test_patrimony_sheet_with_bad_lines(env, world, tmp_path):
    sheet = write(tmp_path / "patrimoines.csv", PATRIMONY_SHEET.format(deleted=world.deleted))
    before = event_count(env, env["PERFIMMO_TENANT"])
    outcome = run_import(env, env["PERFIMMO_TENANT"], sheet, company=world.company,
                         rejects=tmp_path / "rejets.csv")
    assert outcome.code == 1, outcome
    assert (outcome.accepted, outcome.present, outcome.rejected) == (2, 0, 4), outcome

    header, *rows = read_rejects(tmp_path / "rejets.csv")
    assert header == ["fichier", "ligne", "champ", "errorType", "motif"]
    assert [(row[1], row[2], row[3]) for row in rows] == [
        ("3", "agencies", "ReferencedEntityNotFound"),
        ("4", "agencies", "InconsistentReference"),
        ("5", "address", "InvalidCommand"),
        ("6", "agencies", "InconsistentReference"),
    ]
    assert all(row[0] == str(sheet) for row in rows)
    assert "agence « AG-INCONNUE » inconnue" in rows[0][4]
    assert "plusieurs agences" in rows[1][4]
    assert "adresse illisible" in rows[2][4]

    # Two patrimonies and their addresses stored (four events), nothing of the bad lines.
    assert patrimonies_of(world) == ["DUO", "DUO", "OK-1", "OK-2"]
    assert event_count(env, env["PERFIMMO_TENANT"]) == before + 4
    ok2 = gen_demo.import_uid("patrimony", world.company, "OK-2")
    view = world.api.get(f"/api/v1/patrimonies/{ok2}").json()
    assert view["label"] == 'Le "Clos" Fleuri; bâtiment B'
    [address] = view["complementaryAddresses"]
    assert (address["number"], address["street"], address["zipCode"], address["city"]) == \
        ("7 bis", "place Bellecour", "69002", "Lyon")

    # Again, in English: the good lines are already present, the bad ones rejected again.
    outcome = run_import(env, env["PERFIMMO_TENANT"], sheet, company=world.company, lang="en",
                         rejects=tmp_path / "rejects.csv")
    assert (outcome.accepted, outcome.present, outcome.rejected) == (0, 2, 4), outcome
    header, *rows = read_rejects(tmp_path / "rejects.csv")
    assert header == ["file", "line", "field", "errorType", "reason"]
    assert "unknown agency \"AG-INCONNUE\"" in rows[0][4]


CONTACT_SHEET = """siret,name,phones,mails,fax,activities,patrimoines
732 829 320 00074,Dupré Dépannage,"0472001122
0611223344",contact@dupre.example,,"plombier, serrurier",OK-1
73282932000075,Faux Siret,,,,,
,Jardins Verts,,,,jardinier,
,Double Réf,,,,,DUO
,Réf Inconnue,,,,,NOPE
,Deux Fois,,,,,"OK-1,OK-1"
"""


def test_contact_sheet_with_bad_lines_in_windows_1252(env, world, tmp_path):
    write(tmp_path / "patrimoines.csv", PATRIMONY_SHEET.format(deleted=world.deleted))
    run_import(env, env["PERFIMMO_TENANT"], tmp_path / "patrimoines.csv", company=world.company)
    sheet = write(tmp_path / "prestataires.csv", CONTACT_SHEET.replace("\n", "\r\n"), "cp1252")
    outcome = run_import(env, env["PERFIMMO_TENANT"], sheet, company=world.company,
                         rejects=tmp_path / "rejets.csv")
    assert "lu en Windows-1252" in outcome.stderr
    assert (outcome.accepted, outcome.present, outcome.rejected) == (1, 0, 5), outcome
    header, *rows = read_rejects(tmp_path / "rejets.csv")
    assert [(row[1], row[2].split(" ")[0], row[3]) for row in rows] == [
        ("4", "siret", "InvalidCommand"),
        ("5", "activities", "InvalidCommand"),
        ("6", "patrimoines", "InconsistentReference"),
        ("7", "patrimoines", "ReferencedEntityNotFound"),
        ("8", "patrimoines", "ImpossibleToAssociateWithPatrimonyThatIsAlreadyAssociated"),
    ]

    uid = gen_demo.import_uid("providerContact", world.company, "73282932000074", "Dupré Dépannage")
    view = world.api.get(f"/api/v1/providercontacts/{uid}").json()
    assert view["label"] == "Dupré Dépannage"
    assert view["phones"] == ["0472001122", "0611223344"]
    assert [a["activityUid"] for a in view["activities"]] == \
        [gen_demo.import_uid("activity", "plombier"), gen_demo.import_uid("activity", "serrurier")]
    # The line whose last command was refused left nothing, its first command included.
    twice = gen_demo.import_uid("providerContact", world.company, "", "Deux Fois")
    assert world.api.get(f"/api/v1/providercontacts/{twice}").status == 404


def test_json_lines_with_bad_lines(env, world, tmp_path):
    company = new_uid()
    good = {"method": "POST", "path": "/api/vEvent/clientcompanies",
            "body": {"processUid": new_uid(), "commandType": "CreateClientAccount",
                     "aggregateUid": company, "callCenterReference": world.call_center,
                     "createdDate": "2025-01-06", "name": "Syndic des Écrins"}}
    unknown_agency = {"method": "POST", "path": "/api/vEvent/patrimonies",
                      "body": {"processUid": new_uid(), "commandType": "ReferencePatrimony",
                               "ref": "X", "agencyUids": [new_uid()]}}
    invalid = {"method": "POST", "path": "/api/vEvent/patrimonies",
               "body": {"processUid": new_uid(), "commandType": "ReferencePatrimony",
                        "ref": "", "agencyUids": [world.lyon]}}

    lines = [json.dumps(good), "{pas du JSON",
             json.dumps({"method": "POST", "path": "/api/v1/nulle-part", "body": {}}),
             json.dumps({"method": "GET", "path": "/api/v1/tickets", "body": {}}),
             json.dumps(unknown_agency), json.dumps(invalid), json.dumps(good), "",
             json.dumps({"path": "/api/vEvent/patrimonies"})]
    path = write(tmp_path / "commandes.jsonl", "\n".join(lines) + "\n")

    before = event_count(env, env["PERFIMMO_TENANT"])
    outcome = run_import(env, env["PERFIMMO_TENANT"], path, rejects=tmp_path / "rejets.csv")
    assert (outcome.accepted, outcome.present, outcome.rejected) == (1, 1, 6), outcome
    assert event_count(env, env["PERFIMMO_TENANT"]) == before + 1

    header, *rows = read_rejects(tmp_path / "rejets.csv")
    assert [(row[1], row[2], row[3]) for row in rows] == [
        ("2", "", "InvalidJson"),
        ("3", "", "NotFound"),
        ("4", "", "NotFound"),
        ("5", "", "ReferencedEntityNotFound"),
        ("6", "ref", "InvalidCommand"),
        ("9", "", "BadRequest"),
    ]
    assert world.api.get(f"/api/v1/clientcompanies/{company}").json()["name"] == "Syndic des Écrins"


def test_json_lines_byte_order_mark_dropped(env, world, tmp_path):
    """Some Windows editors start a UTF-8 file with a byte order mark."""
    company = new_uid()
    line = json.dumps({"method": "POST", "path": "/api/vEvent/clientcompanies",
                       "body": {"commandType": "CreateClientAccount", "aggregateUid": company,
                                "callCenterReference": world.call_center,
                                "createdDate": "2025-01-06", "name": "Syndic du Vercors"}})
    with_mark = write(tmp_path / "marque.jsonl", b"\xef\xbb\xbf" + line.encode() + b"\r\n")
    without_mark = write(tmp_path / "sans-marque.jsonl", line + "\n")

    before = event_count(env, env["PERFIMMO_TENANT"])
    first = run_import(env, env["PERFIMMO_TENANT"], with_mark)
    again = run_import(env, env["PERFIMMO_TENANT"], without_mark)

    assert (first.code, first.accepted, first.rejected) == (0, 1, 0), first
    assert (again.code, again.accepted, again.present) == (0, 0, 1), again
    assert event_count(env, env["PERFIMMO_TENANT"]) == before + 1
    assert world.api.get(f"/api/v1/clientcompanies/{company}").status == 200

def test_json_lines_null_process_uid_derived(env, world, tmp_path):
    """A null field is an absent one, so a null processUid gets a derived one too."""
    company = new_uid()
    line = json.dumps({"method": "POST", "path": "/api/vEvent/clientcompanies",
                       "body": {"processUid": None, "commandType": "CreateClientAccount",
                                "aggregateUid": company, "callCenterReference": world.call_center,
                                "createdDate": "2025-01-06", "name": "Syndic du Trièves"}})
    path = write(tmp_path / "nul.jsonl", line + "\n")

    first = run_import(env, env["PERFIMMO_TENANT"], path)
    again = run_import(env, env["PERFIMMO_TENANT"], path)

    assert (first.code, first.accepted, first.rejected) == (0, 1, 0), first
    assert (again.code, again.accepted, again.present) == (0, 0, 1), again
    assert world.api.get(f"/api/v1/clientcompanies/{company}").status == 200

def test_json_array_file_refused_whole(env, world, tmp_path):
    """A .json file holding one JSON array of commands is not JSON Lines."""
    body = {"commandType": "CreateClientAccount", "aggregateUid": new_uid(),
            "callCenterReference": world.call_center, "createdDate": "2025-01-06",
            "name": "Syndic du Diois"}
    path = write(tmp_path / "commandes.json", json.dumps(
        [{"method": "POST", "path": "/api/vEvent/clientcompanies", "body": body}], indent=2))

    before = event_count(env, env["PERFIMMO_TENANT"])
    outcome = run_import(env, env["PERFIMMO_TENANT"], path)

    assert (outcome.code, outcome.accepted, outcome.rejected) == (1, 0, 0), outcome
    assert "un tableau JSON" in outcome.stderr, outcome
    assert "fichiers refusés : 1" in outcome.stderr, outcome
    assert event_count(env, env["PERFIMMO_TENANT"]) == before

@pytest.mark.parametrize("name, content, words", [
    ("garbled.csv", "ref;agencies\nRÃ©sidence;LYON-1\n".encode("utf-8"), "Ã©"),
    ("undefined.csv", b"ref;agencies\nR\x81sidence;LYON-1\n", "CSV UTF-8"),
    ("utf16.csv", "ref;agencies\n".encode("utf-16"), "UTF-16"),
    ("header.csv", b"ref;agences;couleur\nA;LYON-1;bleu\n", "couleur"),
])
def test_unreadable_sheets_are_refused_whole(env, world, tmp_path, name, content, words):
    path = write(tmp_path / name, content)
    before = event_count(env, env["PERFIMMO_TENANT"])
    outcome = run_import(env, env["PERFIMMO_TENANT"], path, company=world.company)
    assert outcome.code == 1
    assert f"{path} refusé" in outcome.stderr, outcome
    assert words in outcome.stderr, outcome
    assert "fichiers refusés : 1" in outcome.stderr
    assert (outcome.accepted, outcome.present, outcome.rejected) == (0, 0, 0)
    assert event_count(env, env["PERFIMMO_TENANT"]) == before


def test_sheet_without_company_and_unknown_user_are_refused(env, world, tmp_path):
    path = write(tmp_path / "p.csv", "ref;agencies\nA;LYON-1\n")
    outcome = run_import(env, env["PERFIMMO_TENANT"], path)
    assert outcome.code == 1, outcome
    assert "demande --company" in outcome.stderr, outcome

    command = shlex.split(env["PERFIMMO_ADMIN"]) + ["import", "--tenant", env["PERFIMMO_TENANT"],
                                                    "--as", "personne@nulle-part.example", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "no user with login" in result.stderr


def test_interrupted_import_resumes_without_storing_twice(env, admin, tmp_path):
    # A tenant of its own: its 18 000 commands would lengthen the journal scans of the
    # demo tenant's webhook subscriptions, which perfimmo-notify runs meanwhile.
    tenant = "importstop_" + uuid.uuid4().hex[:6]
    ensure_tenant(env, admin, tenant, tenant.replace("_", "-") + ".perfimmo.test")
    path = tmp_path / "tickets.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        # A seed of its own, so a second pass of the suite on the same database gets new uids.
        seed = str(int.from_bytes(os.urandom(4), "big"))
        subprocess.run([str(TOP / "tests" / "data" / "gen_tickets.py"), "--tickets", "2000",
                        "--seed", seed, "--agencies", "3"], stdout=out, check=True, timeout=60)
    total = sum(1 for _ in open(path, encoding="utf-8"))
    before = event_count(env, tenant)
    command = shlex.split(env["PERFIMMO_ADMIN"]) + ["import", "--tenant", tenant,
                                                    "--batch", "100", str(path)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    # Interrupted once its first batches are committed, 180 batches before its end.
    for _ in range(600):
        if process.poll() is not None or event_count(env, tenant) > before:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "import interrompu" in stderr, stderr
    first = int(SUMMARY_FR.search(stderr).group(1))
    assert 0 < first < total, stderr

    outcome = run_import(env, tenant, path)
    assert outcome.code == 0, outcome
    assert (outcome.accepted, outcome.present, outcome.rejected) == (total - first, first, 0), outcome
