#!/usr/bin/python3
"""Measure the PostgreSQL CPU time of appending ticket commands, then roll them back.

    tests/data/gen_tickets.py --tickets 2000 --seed 77 --start 2024-06-01 > appends.jsonl
    tests/bench/bench_ticket_appends.py --env var/dev.env [--prelude FILE] < appends.jsonl

Sends the ticket commands of a tests/data/gen_tickets.py file as their
events to journal_append through one psql, as `load_tickets.py --via sql`
does, all in one transaction that is rolled back at the end, so the tenant
keeps its data.  Prints the CPU time (user and system, from /proc) of the
psql session's backend per command, which other jobs on a shared machine
disturb less than the elapsed time.  The backend must run on this machine.
FILE, when given, is SQL run in the same transaction before the timing
starts, for example to try another index or trigger.  The file's companies
and agencies are not created: the tickets name agencies the tenant lacks,
which journal_append does not check.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, __file__.rsplit("/tests/", 1)[0] + "/tests/integration")
import load_tickets  # noqa: E402
from conftest import read_env_file  # noqa: E402

# Stands for the user who sent the commands.
OPERATOR = "00000000-0000-4000-8000-000000000001"


def append_statements(lines):
    """The journal_append statements of the ticket commands of LINES."""
    clock = datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc)
    versions = {}
    for line in lines:
        command = json.loads(line)
        uid = load_tickets.ticket_key(command)
        clock += datetime.timedelta(milliseconds=1)
        sent = clock.strftime("%Y-%m-%dT%H:%M:%S.") + f"{clock.microsecond // 1000:03d}Z"
        events = load_tickets.events_of(command, uid, OPERATOR, sent)
        version = versions.get(uid, 0)
        versions[uid] = version + len(events)
        yield "SELECT count(*) FROM journal_append('ticket', '%s', %d, %s::jsonb, '%s', NULL);" % (
            uid, version, load_tickets.sql_text(json.dumps(events, ensure_ascii=False, separators=(",", ":"))),
            command["body"]["processUid"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", required=True, help="the stack's env file (var/dev.env)")
    parser.add_argument("--prelude", help="SQL file run in the transaction before the timing starts")
    args = parser.parse_args()
    env = read_env_file(args.env)

    lines = [line for line in sys.stdin if "/tickets" in json.loads(line)["path"]]
    with tempfile.TemporaryDirectory() as folder:
        marks = os.path.join(folder, "cpu")
        # Each mark appends the backend's utime + stime, in clock ticks.
        mark = "\\! awk '{print $14 + $15}' /proc/$BACKEND_PID/stat >> " + marks
        script = [f"SET search_path TO t_{env['PERFIMMO_TENANT']}, perfimmo_ext;",
                  "SELECT pg_backend_pid() AS pid \\gset", "\\setenv BACKEND_PID :pid",
                  "\\o /dev/null", "BEGIN;"]
        if args.prelude:
            with open(args.prelude, encoding="utf-8") as prelude:
                script.append(prelude.read())
        script.append(mark)
        script.extend(append_statements(lines))
        script += [mark, "ROLLBACK;"]
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", env["PERFIMMO_ADMIN_DATABASE"]],
                       input="\n".join(script) + "\n", text=True, check=True, timeout=3600,
                       env=dict(os.environ, PGCLIENTENCODING="UTF8"))
        with open(marks) as ticks:
            start, end = (int(value) for value in ticks.read().split())

    seconds = (end - start) / os.sysconf("SC_CLK_TCK")
    print(f"appends: {len(lines)} ticket commands, backend CPU {seconds:.2f} s,"
          f" {seconds * 1000 / len(lines):.3f} ms per command")


if __name__ == "__main__":
    main()
