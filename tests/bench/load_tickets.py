#!/usr/bin/python3
"""Send the commands of a JSON Lines file (tests/data/gen_tickets.py) to a
running stack over HTTPS, on several kept-alive connections at once.

    tests/bench/load_tickets.py --env var/dev.env --connections 8 < tickets.jsonl

Commands that create companies and agencies go first, one at a time. Ticket
commands are spread over the connections by ticket uid, so each ticket's
commands keep their order. Every answer must be 200 or 201, or 409
CommandAlreadySent (the file was partly loaded before), else the load stops.

With --via sql, only the companies, agencies and the first ticket go through
the API; the other ticket commands become their events here (the generator's
commands need no check and are already normalised) and are appended with the
SQL function journal_append, which stores and projects them exactly as the
API does, in transactions of --batch commands, through one psql.  The API
stores about 150-250 commands/s on a 2-core machine (every command of a
tenant holds its command lock), too slow for a million events.
"""

import argparse
import datetime
import http.client
import os
import subprocess
import json
import queue
import sys
import threading
import time
import zlib

sys.path.insert(0, __file__.rsplit("/tests/", 1)[0] + "/tests/integration")
from conftest import read_env_file  # noqa: E402
from perfimmo_client import _LoopbackHTTPSConnection, tls_context  # noqa: E402

QUEUE_DEPTH = 2000


class Connection:
    """One kept-alive HTTPS connection to the tenant's host."""

    def __init__(self, env):
        self.host = env["PERFIMMO_HOST"]
        address, _, port = env["PERFIMMO_CONNECT"].rpartition(":")
        self.address = (address, int(port))
        self.context = tls_context(env["PERFIMMO_CA_FILE"])
        self.key = env["PERFIMMO_API_KEY"]
        self.connection = None

    def open(self):
        self.connection = _LoopbackHTTPSConnection(self.host, self.address[1], self.address,
                                                   self.context, 60)

    def send(self, command):
        body = json.dumps(command["body"], ensure_ascii=False).encode("utf-8")
        headers = {"Authorization": self.key, "Content-Type": "application/json"}
        for attempt in range(3):
            if self.connection is None:
                self.open()
            try:
                self.connection.request(command["method"], command["path"], body=body, headers=headers)
                reply = self.connection.getresponse()
                data = reply.read()
                return reply.status, data
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def check(status, data, command):
    if status in (200, 201):
        return
    if status == 409 and b"CommandAlreadySent" in data:
        return
    raise SystemExit(f"load: {command['body']['commandType']} on {command['path']} gave {status}: "
                     f"{data[:300]!r}")


def ticket_key(command):
    if command["method"] == "POST":
        return command["body"]["aggregateUid"]
    return command["path"].rsplit("/", 1)[1]


def worker(env, commands, failures, counter):
    connection = Connection(env)
    while True:
        command = commands.get()
        if command is None:
            return
        try:
            status, data = connection.send(command)
            check(status, data, command)
            counter[0] += 1
        except BaseException as error:  # stop the whole load on the first failure
            failures.append(error)
            while commands.get() is not None:
                pass
            return


EVENT_OF = {
    "OpenTicket": "TicketOpened", "EmitCallTo": "CallEmittedTo", "AddMessage": "MessageAdded",
    "IdentifyAssignee": "AssigneeIdentified", "AcceptIntervention": "InterventionAccepted",
    "ScheduleIntervention": "InterventionScheduled", "StartIntervention": "InterventionStarted",
    "FinishIntervention": "InterventionFinished", "FixPermanently": "PermanentlyFixed",
    "FixPartially": "PartiallyFixed", "CloseTicket": "TicketClosed", "CancelTicket": "TicketCancelled",
    "PostponeFix": "PostponedFix",
}


def events_of(command, uid, operator, sent_date):
    """The events the API stores for one generated ticket command."""
    body = command["body"]
    base = {"processUid": body["processUid"], "aggregateUid": uid, "operator": operator}
    event = dict(base)
    for name, value in body.items():
        if name not in ("processUid", "commandType", "aggregateUid", "instructions"):
            event[name] = value
    if body["commandType"] == "OpenTicket":
        event["ticket"] = dict(event["ticket"])
        event["ticket"].setdefault("claimNumber", {})
        event["ticket"].setdefault("altCallPurpose", {})
        event["ticket"].setdefault("additionalData", {})
    event["sentDate"] = sent_date
    event["eventType"] = EVENT_OF[body["commandType"]]
    events = [event]
    if body["commandType"] == "IdentifyAssignee" and "instructions" in body:
        events.append(dict(base, assignee=body["assignee"], instructions=body["instructions"],
                           sentDate=sent_date, eventType="InstructionsForAssigneeDefined"))
    return events


def sql_text(value):
    return "'" + value.replace("'", "''") + "'"


def load_sql(env, lines, operator, versions, batch):
    """Appends the ticket commands of LINES with journal_append through one psql;
    VERSIONS holds the streams' current versions."""
    schema = "t_" + env["PERFIMMO_TENANT"]
    psql = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null",
                             env["PERFIMMO_ADMIN_DATABASE"]], stdin=subprocess.PIPE,
                            env=dict(os.environ, PGCLIENTENCODING="UTF8"))
    write = psql.stdin.write
    write(f"SET search_path TO {schema}, public;\nSET synchronous_commit TO off;\nBEGIN;\n".encode())
    clock = datetime.datetime.now(datetime.timezone.utc)
    count = 0
    for line in lines:
        command = json.loads(line)
        uid = ticket_key(command)
        clock += datetime.timedelta(milliseconds=1)
        sent = clock.strftime("%Y-%m-%dT%H:%M:%S.") + f"{clock.microsecond // 1000:03d}Z"
        events = events_of(command, uid, operator, sent)
        version = versions.get(uid, 0)
        versions[uid] = version + len(events)
        process_uid = command["body"]["processUid"]
        write(("SELECT count(*) FROM journal_append('ticket', '%s', %d, %s::jsonb, '%s', NULL);\n" % (
            uid, version, sql_text(json.dumps(events, ensure_ascii=False, separators=(",", ":"))),
            process_uid)).encode("utf-8"))
        count += 1
        if count % batch == 0:
            write(b"COMMIT;\nBEGIN;\n")
        if count % 100000 == 0:
            print(f"load: {count} commands sent to psql", file=sys.stderr, flush=True)
    write(b"COMMIT;\n")
    psql.stdin.close()
    if psql.wait() != 0:
        raise SystemExit("load: psql failed")
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", required=True, help="the stack's env file (var/dev.env)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--via", choices=("api", "sql"), default="api")
    parser.add_argument("--batch", type=int, default=1000, help="commands per transaction (sql)")
    args = parser.parse_args()
    env = read_env_file(args.env)

    setup = Connection(env)
    queues = [queue.Queue(QUEUE_DEPTH) for _ in range(args.connections)]
    failures = []
    counter = [0]
    threads = []
    started = time.monotonic()
    sent = 0
    for line in sys.stdin:
        command = json.loads(line)
        if "/tickets" not in command["path"]:
            check(*setup.send(command), command)
            sent += 1
            continue
        if args.via == "sql":
            status, data = setup.send(command)
            check(status, data, command)
            operator = json.loads(data)["events"][0]["operator"]
            versions = {ticket_key(command): 1}
            sent += 1 + load_sql(env, sys.stdin, operator, versions, args.batch)
            break
        if not threads:
            threads = [threading.Thread(target=worker, args=(env, q, failures, counter)) for q in queues]
            for thread in threads:
                thread.start()
        if failures:
            break
        queues[zlib.crc32(ticket_key(command).encode()) % len(queues)].put(command)
        sent += 1
        if sent % 100000 == 0:
            elapsed = time.monotonic() - started
            print(f"load: {sent} commands read, {counter[0]} answered, {counter[0] / elapsed:.0f}/s",
                  file=sys.stderr, flush=True)
    for q in queues:
        q.put(None)
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"load: stopped: {failures[0]}")
    elapsed = time.monotonic() - started
    print(f"load: {sent} commands in {elapsed:.1f} s ({sent / elapsed:.0f} commands/s, "
          f"{args.connections} connections)", file=sys.stderr)


if __name__ == "__main__":
    main()
