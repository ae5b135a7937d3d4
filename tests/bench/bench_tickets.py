#!/usr/bin/python3
"""Measure ticket read latencies on a loaded stack, from one client.

    tests/bench/bench_tickets.py --env var/dev.env --requests 300

Sends REQUESTS sequential requests of each kind on one kept-alive HTTPS
connection and prints p50 and p99 in milliseconds: a filtered list page
(one agency, status OPENED, first 100), a list page of a city and a call
purpose, list pages of one status, of one month and with no filter, a
fulltext list page (one of four terms drawn at random, then each
term on its own: about 10 000, 100, 2 000 and 340 matches on the set of
tests/data/gen_tickets.py), a ticket detail, the stats of one agency and an
export page of 1 000 items of one agency.
It also prints the CPU time per request of the API's workers and of their
PostgreSQL backends (from /proc, so the stack must run on this machine),
which other jobs on a shared machine disturb less than latencies.
GET responses go through the Redis view cache, so each request carries an
extra parameter with a value never sent before (`bench=RUN-N`, RUN being
the start time of the run), which the handlers ignore but the cache key
includes, so every request reaches PostgreSQL. Sample
agencies and tickets are drawn with a fixed seed from the tenant's tables.
"""

import argparse
import calendar
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, __file__.rsplit("/tests/", 1)[0] + "/tests/integration")
from conftest import read_env_file  # noqa: E402
from perfimmo_client import _LoopbackHTTPSConnection, tls_context  # noqa: E402


# Fulltext terms and their matches on the set of gen_tickets.py: a call
# purpose and request (about 10 000), 100 claim numbers, a building code
# prefix (about 2 000) and an anonymous assignee's name (about 340).
FULLTEXT_TERMS = ["chauffe eau", "SIN-00123", "imm-04", "prestataire 042"]


def fulltext_path(term):
    return "/api/v1/tickets?fulltext=" + urllib.parse.quote(term) + "&range=0-99"


def month_path(month):
    """A list page of the tickets created in MONTH (0 to 11) of 2023, the first year of the set."""
    last_day = calendar.monthrange(2023, month + 1)[1]
    return f"/api/v1/tickets?from=2023-{month + 1:02d}-01&to=2023-{month + 1:02d}-{last_day}&range=0-99"


def sample(env, sql):
    result = subprocess.run(["psql", "-X", "-A", "-t", env["PERFIMMO_ADMIN_DATABASE"], "-c",
                             f"SET search_path TO t_{env['PERFIMMO_TENANT']}; {sql}"],
                            capture_output=True, text=True, check=True, timeout=120)
    return [line for line in result.stdout.split("\n") if line and line != "SET"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def api_processes(env):
    """PIDs of the API's workers and of their PostgreSQL backends, whose CPU
    time the run reads from /proc: the stack must run on this machine."""
    with open(env["PERFIMMO_API_PID_FILE"]) as pid_file:
        master = pid_file.read().strip()
    with open(f"/proc/{master}/task/{master}/children") as children:
        workers = children.read().split()
    backends = sample(env, "SELECT pid FROM pg_stat_activity WHERE application_name = 'perfimmo-api'")
    if len(backends) != len(workers):
        print(f"bench: {len(workers)} API workers but {len(backends)} PostgreSQL backends:"
              " the CPU figures miss some", file=sys.stderr)
    return workers, backends


def cpu_ms(pids):
    """User and system CPU time of PIDS, summed, in milliseconds."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])    # utime and stime, fields 14 and 15
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", help="run only the kinds whose name contains this text")
    args = parser.parse_args()
    env = read_env_file(args.env)
    rng = random.Random(2021)

    agencies = sample(env, "SELECT a FROM (SELECT DISTINCT unnest(agency_uids) a FROM tickets) x ORDER BY a")
    tickets = sample(env, "SELECT uid FROM tickets ORDER BY uid LIMIT 20000")
    host = env["PERFIMMO_HOST"]
    address, _, port = env["PERFIMMO_CONNECT"].rpartition(":")
    connection = _LoopbackHTTPSConnection(host, int(port), (address, int(port)),
                                          tls_context(env["PERFIMMO_CA_FILE"]), 60)
    headers = {"Authorization": env["PERFIMMO_API_KEY"]}

    kinds = {
        "list: agency + status, 100 items": lambda: (
            f"/api/v1/tickets?agency={rng.choice(agencies)}&status=OPENED&range=0-99"),
        "list: city + call purpose, 100 items": lambda: (
            "/api/v1/tickets?location=" + urllib.parse.quote(rng.choice(["Lyon", "bron", "ecully"]))
            + "&callpurpose=" + urllib.parse.quote(rng.choice(["Électricité", "chauffe-eau"]))
            + "&range=0-99"),
        "list: status only, 100 items": lambda: (
            f"/api/v1/tickets?status={rng.choice(['OPENED', 'CLOSED'])}&range=0-99"),
        "list: one month (from, to), 100 items": lambda: month_path(rng.randrange(12)),
        "list: no filter, 100 items": lambda: "/api/v1/tickets?range=0-99",
        "list: fulltext, 100 items": lambda: fulltext_path(rng.choice(FULLTEXT_TERMS)),
        **{f"list: fulltext '{term}', 100 items": (lambda term=term: fulltext_path(term))
           for term in FULLTEXT_TERMS},
        "detail": lambda: f"/api/v1/tickets/{rng.choice(tickets)}",
        "stats: one agency": lambda: f"/api/v1/tickets/stats?agency={rng.choice(agencies)}",
        "export: one agency, 1000 items": lambda: (
            f"/api/v1/tickets/export?agency={rng.choice(agencies)}&range=0-999"),
    }
    if args.only is not None:
        kinds = {name: path_of for name, path_of in kinds.items() if args.only in name}
    # Workers connect to PostgreSQL at their first request.
    for _ in range(20):
        connection.request("GET", f"/api/v1/tickets/{tickets[0]}?bench=warm-up-{time.time_ns()}",
                           headers=headers)
        connection.getresponse().read()
    workers, backends = api_processes(env)
    print(f"{len(tickets)} sampled tickets, {len(agencies)} agencies, {args.requests} requests each;"
          f" CPU of {len(workers)} API workers and {len(backends)} PostgreSQL backends")
    run = time.time_ns()
    serial = 0
    for name, path_of in kinds.items():
        timings = []
        worker_cpu, backend_cpu = cpu_ms(workers), cpu_ms(backends)
        for _ in range(args.requests):
            serial += 1
            path = path_of()
            path += ("&" if "?" in path else "?") + f"bench={run}-{serial}"
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            reply = connection.getresponse()
            reply.read()
            timings.append((time.perf_counter() - started) * 1000)
            if reply.status not in (200, 206):
                raise SystemExit(f"bench: {path} gave {reply.status}")
        worker_cpu = (cpu_ms(workers) - worker_cpu) / args.requests
        backend_cpu = (cpu_ms(backends) - backend_cpu) / args.requests
        print(f"{name:45s} p50 {statistics.median(timings):7.1f} ms   p99 {percentile(timings, 0.99):7.1f} ms"
              f"   CPU/request: API {worker_cpu:5.1f} ms, PostgreSQL {backend_cpu:5.1f} ms")


if __name__ == "__main__":
    main()
