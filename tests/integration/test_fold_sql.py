"""Check perfimmo_ext.fold() in sql/meta/002_fold.sql against the shared fold cases.

The same cases (tests/data/fold_cases.tsv) drive tests/unit/test_fold.c, so
both implementations of text folding must agree.  The function is created
from the repository's SQL file inside a transaction that is rolled back, so
the database is left unchanged.  It runs on the stack's database as its
owner (PERFIMMO_ADMIN_DATABASE of the stack's env file), with psql.
"""

import os
import re
import subprocess

TOP = os.environ.get(
    "top_srcdir", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CASES = os.path.join(TOP, "tests", "data", "fold_cases.tsv")
FOLD_SQL = os.path.join(TOP, "sql", "meta", "002_fold.sql")

ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def unescape(column):
    """Decode the \\t, \\n, \\r, \\\\ and \\uXXXX escapes of a case file column."""
    def replace(match):
        escape = match.group(1)
        if escape.startswith("u"):
            return chr(int(escape[1:], 16))
        return ESCAPES[escape]
    return re.sub(r"\\(u[0-9A-Fa-f]{4}|[tnr\\])", replace, column)


def read_cases():
    cases = []
    with open(CASES, encoding="utf-8") as tsv:
        for line in tsv:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            given, expected = line.split("\t")
            cases.append((unescape(given), unescape(expected)))
    return cases


def fold_in_sql(database, inputs):
    """Return fold() of each input, passing text as hex so no byte is reinterpreted."""
    with open(FOLD_SQL, encoding="utf-8") as sql_file:
        create = sql_file.read()
    selects = "\n".join(
        "SELECT encode(convert_to(perfimmo_ext.fold("
        f"convert_from(decode('{text.encode('utf-8').hex()}', 'hex'), 'UTF8')), 'UTF8'), 'hex');"
        for text in inputs)
    script = f"BEGIN;\n{create}\n{selects}\nROLLBACK;\n"
    result = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", database],
        input=script.encode("utf-8"), capture_output=True, timeout=60,
        env=dict(os.environ, PGCLIENTENCODING="UTF8"), check=False)
    if result.returncode != 0:
        raise AssertionError("psql failed: " + result.stderr.decode("utf-8", "replace"))
    rows = result.stdout.decode("ascii").split("\n")
    return [bytes.fromhex(row).decode("utf-8") for row in rows[:len(inputs)]]


def test_fold_sql_matches_cases(env):
    cases = read_cases()

    folded = fold_in_sql(env["PERFIMMO_ADMIN_DATABASE"], [given for given, _ in cases])

    assert len(folded) == len(cases)
    for (given, expected), actual in zip(cases, folded):
        assert actual == expected, f"fold({given!r})"


def test_fold_sql_is_installed_version(env):
    """The perfimmo_ext.fold() that migrations installed is the repository's."""
    cases = read_cases()
    script = "\n".join(
        "SELECT encode(convert_to(perfimmo_ext.fold("
        f"convert_from(decode('{given.encode('utf-8').hex()}', 'hex'), 'UTF8')), 'UTF8'), 'hex');"
        for given, _ in cases)
    result = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", env["PERFIMMO_ADMIN_DATABASE"]],
        input=script.encode("utf-8"), capture_output=True, timeout=60, check=False)

    assert result.returncode == 0, result.stderr
    rows = result.stdout.decode("ascii").split("\n")[:len(cases)]
    assert [bytes.fromhex(row).decode("utf-8") for row in rows] == [expected for _, expected in cases]
