"""Check perfimmo_ext.fold() in sql/meta/002_fold.sql against the shared fold cases.

The same cases (tests/data/fold_cases.tsv) drive tests/unit/test_fold.c, so
both implementations of text folding must agree.  The function is created
from the repository's SQL file inside a transaction that is rolled back, so
the database is left unchanged.  Needs psql and PERFIMMO_ADMIN_DATABASE (a
libpq connection string); the test is skipped when that variable is unset.
"""

import os
import re
import subprocess
import unittest

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


class FoldSqlTest(unittest.TestCase):
    def test_fold_sql_matches_cases(self):
        database = os.environ.get("PERFIMMO_ADMIN_DATABASE")
        if not database:
            raise unittest.SkipTest("PERFIMMO_ADMIN_DATABASE is not set")

        cases = read_cases()
        folded = fold_in_sql(database, [given for given, _ in cases])

        self.assertEqual(len(folded), len(cases))
        for (given, expected), actual in zip(cases, folded):
            with self.subTest(input=given):
                self.assertEqual(actual, expected)


if __name__ == "__main__":
    unittest.main()
