"""Helpers of the import integration tests: running perfimmo-admin import,
reading its summary and reject file, and a tenant of its own for the demo set.
"""

import csv
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "tests" / "data"))
import gen_demo  # noqa: E402

SUMMARY_FR = re.compile(r"lignes acceptées : (\d+), déjà présentes : (\d+), rejetées : (\d+) ; (\d+) commandes")
SUMMARY_EN = re.compile(r"lines accepted: (\d+), already present: (\d+), rejected: (\d+); (\d+) commands")


class Outcome:
    """Exit status and summary of one run of perfimmo-admin import."""

    def __init__(self, completed):
        self.code = completed.returncode
        self.stderr = completed.stderr
        match = SUMMARY_FR.search(self.stderr) or SUMMARY_EN.search(self.stderr)
        assert match, f"no summary in: {self.stderr[-2000:]}"
        self.accepted, self.present, self.rejected, self.commands = map(int, match.groups())

    def __repr__(self):
        return f"<import {self.code}: {self.accepted}/{self.present}/{self.rejected} {self.stderr[-500:]!r}>"


def run_import(env, tenant, *files, company=None, login=None, rejects=None, lang=None,
               options=(), frozen_at=None, timeout=600):
    """Run perfimmo-admin import; FROZEN_AT ("YYYY-MM-DD hh:mm:ss" UTC) stops its
    clock there (faketime), so that two runs store the same sentDate values."""
    command = shlex.split(env["PERFIMMO_ADMIN"]) + ["import", "--tenant", tenant, *options]
    for option, value in (("--company", company), ("--as", login), ("--rejects", rejects),
                          ("--lang", lang)):
        if value is not None:
            command += [option, str(value)]
    command += [str(f) for f in files]
    environment = None
    if frozen_at is not None:
        command = ["faketime", "-f", frozen_at] + command
        environment = dict(os.environ, FAKETIME_DONT_FAKE_MONOTONIC="1")
        # libfaketime is preloaded before the AddressSanitizer runtime of the sanitizer pass.
        environment["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                             "verify_asan_link_order=0"]))
    return Outcome(subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  env=environment))


def read_rejects(path):
    """Rows of a reject file, header first, as lists of cells."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def sql_value(env, query):
    result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                             env["PERFIMMO_ADMIN_DATABASE"], "-c", query],
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip()


def event_count(env, tenant):
    return int(sql_value(env, f"SELECT count(*) FROM t_{tenant}.events"))


def ensure_tenant(env, admin, name, host):
    """Create tenant NAME (once) with a superUser, and return that superUser's new API key."""
    if name not in admin("tenant", "list").stdout.split():
        admin("tenant", "create", name, "--host", host, timeout=120)
        admin("superuser", "create", "--tenant", name, "--login", f"admin@{host}")
    return api_key(admin, name, f"admin@{host}")


def api_key(admin, tenant, login):
    return admin("key", "create", "--tenant", tenant, "--login", login,
                 "--label", "import tests").stdout.strip().splitlines()[-1]


def manifest(folder):
    """(file, company or None, login or None) of each line of the set's manifest."""
    rows = []
    for line in (Path(folder) / "manifest.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, company, login = line.split("\t")
        rows.append((Path(folder) / name, None if company == "-" else company,
                     None if login == "-" else login))
    return rows


def count_lines(path):
    """Data lines of a set file: JSON lines, or sheet rows after the header."""
    if path.suffix == ".jsonl":
        return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    encoding = "cp1252" if "prestataires" in path.name else "utf-8-sig"
    with open(path, encoding=encoding, newline="") as handle:
        return sum(1 for _ in csv.reader(handle, delimiter=";" if "patrimoines" in path.name else ",")) - 1
