#!/usr/bin/python3
"""Import a demo set with perfimmo-admin import, then time the main reads on it.

    tests/bench/bench_import.py --env var/dev.env --size large --requests 300

Not part of `scripts/dev test`. Generates the set with tests/data/gen_demo.py
into var/datasets/SIZE (once), creates the tenant `bench` (host
bench.perfimmo.test, reachable through the stack's nginx) with a superUser
and a key, imports the files of the set's manifest in order and prints the
time, lines and commands per second of each file. Then it sends REQUESTS
sequential GET requests of each main read kind on one kept-alive HTTPS
connection and prints p50 and p99 in milliseconds. Each request carries a
never-sent `bench` parameter so the Redis view cache never answers it.
Run it again on the same stack to time a second import (every line already
present) and the reads again.

For each file it also prints the CPU time of the import process and of its
PostgreSQL backend (utime + stime of /proc/PID/stat, the backend found by
its application_name in pg_stat_activity and read every 0.1 s until it
exits), per command, and the load average before and after. --admin runs
another build of perfimmo-admin, to compare two versions back to back.
"""

import argparse
import os
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

TOP = __file__.rsplit("/tests/", 1)[0]
sys.path.insert(0, TOP + "/tests/integration")
sys.path.insert(0, TOP + "/tests/data")
from conftest import read_env_file  # noqa: E402
from perfimmo_client import _LoopbackHTTPSConnection, tls_context  # noqa: E402
import gen_demo  # noqa: E402

TENANT = "bench"
HOST = "bench.perfimmo.test"
SUMMARY = re.compile(r"lignes acceptées : (\d+), déjà présentes : (\d+), rejetées : (\d+) ; (\d+) commandes")


def set_tenant(name):
    global TENANT, HOST
    TENANT, HOST = name, f"{name}.perfimmo.test"


def admin(env, *args, timeout=600):
    return subprocess.run(shlex.split(env["PERFIMMO_ADMIN"]) + list(args), capture_output=True,
                          text=True, timeout=timeout, check=True).stdout


def load_average():
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def cpu_seconds(pid):
    """utime + stime of process PID in seconds, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def import_backend_pid(env):
    """PID of the backend serving a running perfimmo-admin import, or None."""
    result = subprocess.run(["psql", "-X", "-A", "-t", env["PERFIMMO_ADMIN_DATABASE"], "-c",
                             "SELECT pid FROM pg_stat_activity"
                             " WHERE application_name = 'perfimmo-admin import'"],
                            capture_output=True, text=True, timeout=60)
    pids = result.stdout.split()
    return int(pids[0]) if len(pids) == 1 else None


def run_measured(env, command):
    """Runs COMMAND (an import); returns (result, seconds, its CPU s, its backend's CPU s or None)."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        backend, client_cpu, backend_cpu = None, 0.0, None
        # Bounded by the import's own time-out of 6 hours, in turns of 0.1 s.
        for _ in range(6 * 3600 * 10):
            client_cpu = cpu_seconds(process.pid) or client_cpu
            if backend is None:
                backend = import_backend_pid(env)
            if backend is not None:
                backend_cpu = cpu_seconds(backend) or backend_cpu
            if process.poll() is not None:
                break
            time.sleep(0.1)
        process.wait(timeout=60)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())
    return result, seconds, client_cpu, backend_cpu


def prepare_tenant(env):
    if TENANT not in admin(env, "tenant", "list").split():
        admin(env, "tenant", "create", TENANT, "--host", HOST)
        admin(env, "superuser", "create", "--tenant", TENANT, "--login", f"admin@{HOST}")
    return admin(env, "key", "create", "--tenant", TENANT, "--login", f"admin@{HOST}",
                 "--label", "bench").strip().splitlines()[-1]


def import_set(env, folder):
    total_commands, total_seconds = 0, 0.0
    print(f"load average before: {load_average()}", flush=True)
    for line in open(os.path.join(folder, "manifest.tsv"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        name, company, login = line.rstrip("\n").split("\t")
        command = shlex.split(env["PERFIMMO_ADMIN"]) + ["import", "--tenant", TENANT]
        if company != "-":
            command += ["--company", company]
        if login != "-":
            command += ["--as", login]
        command.append(os.path.join(folder, name))
        result, seconds, client_cpu, backend_cpu = run_measured(env, command)
        match = SUMMARY.search(result.stderr)
        if match is None:
            raise SystemExit(f"bench: import of {name} failed: {result.stderr[-1000:]}")
        accepted, present, rejected, commands = map(int, match.groups())
        total_commands += commands
        total_seconds += seconds
        per_command = 1000 / max(commands, 1)
        backend_text = "backend CPU ?" if backend_cpu is None else \
            f"backend CPU {backend_cpu:7.1f} s ({backend_cpu * per_command:.3f} ms/command)"
        print(f"import {name:22s} {seconds:8.1f} s  lines accepted {accepted:7d}  present {present:7d}"
              f"  rejected {rejected:3d}  {commands:7d} commands  {commands / seconds:6.0f} commands/s"
              f"  import CPU {client_cpu:6.1f} s  {backend_text}", flush=True)
    print(f"import total             {total_seconds:8.1f} s  {total_commands} commands  "
          f"{total_commands / total_seconds:.0f} commands/s", flush=True)
    print(f"load average after: {load_average()}", flush=True)


def sample(env, sql):
    result = subprocess.run(["psql", "-X", "-A", "-t", env["PERFIMMO_ADMIN_DATABASE"], "-c",
                             f"SET search_path TO t_{TENANT}; {sql}"],
                            capture_output=True, text=True, check=True, timeout=300)
    return [line for line in result.stdout.split("\n") if line and line != "SET"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def time_reads(env, key, requests):
    rng = random.Random(2025)
    agencies = sample(env, "SELECT uid FROM agencies ORDER BY uid")
    tickets = sample(env, "SELECT uid FROM tickets ORDER BY uid LIMIT 20000")
    cities = [city for city, _ in gen_demo.CITIES]
    purposes = [purpose for values in gen_demo.TRADES.values() for purpose in values]
    address, _, port = env["PERFIMMO_CONNECT"].rpartition(":")
    connection = _LoopbackHTTPSConnection(HOST, int(port), (address, int(port)),
                                          tls_context(env["PERFIMMO_CA_FILE"]), 120)
    headers = {"Authorization": key}
    quote = urllib.parse.quote

    kinds = {
        "list: agency + status, 100 items": lambda: (
            f"/api/v1/tickets?agency={rng.choice(agencies)}&status=OPENED&range=0-99"),
        "list: city + call purpose, 100 items": lambda: (
            f"/api/v1/tickets?location={quote(rng.choice(cities))}"
            f"&callpurpose={quote(rng.choice(purposes))}&range=0-99"),
        "list: fulltext, 100 items": lambda: (
            "/api/v1/tickets?fulltext=" + quote(rng.choice(
                ["chauffage", "RAA-2025-0123", "Lefèvre", "ascenseur bloquée"])) + "&range=0-99"),
        "detail": lambda: f"/api/v1/tickets/{rng.choice(tickets)}",
        "export: one agency, 1000 items": lambda: (
            f"/api/v1/tickets/export?agency={rng.choice(agencies)}&range=0-999"),
        "stats: one agency": lambda: f"/api/v1/tickets/stats?agency={rng.choice(agencies)}",
        "patrimonies: fulltext, 100 items": lambda: (
            f"/api/v1/patrimonies?fulltext={quote(rng.choice(['PAT-1', 'Érables', 'parc']))}&range=0-99"),
    }
    print(f"{len(tickets)} sampled tickets, {len(agencies)} agencies, {requests} requests each")

    run = time.time_ns()
    serial = 0
    for name, path_of in kinds.items():
        timings = []
        for _ in range(requests):
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
        print(f"{name:40s} p50 {statistics.median(timings):7.1f} ms   p99 {percentile(timings, 0.99):7.1f} ms",
              flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", required=True, help="the stack's env file (var/dev.env)")
    parser.add_argument("--size", choices=sorted(gen_demo.SIZES), default="large")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reads-only", action="store_true", help="skip the import")
    parser.add_argument("--tenant", default=TENANT,
                        help="tenant to import into, created when missing (default: bench);"
                        " a new name gives an import of new data only")
    parser.add_argument("--admin", help="perfimmo-admin command to import with, such as"
                        " 'BUILD/perfimmo-admin -c CONF' (default: PERFIMMO_ADMIN of the env file);"
                        " the tenant is created with it too, so with its sql_dir")
    args = parser.parse_args()
    env = read_env_file(args.env)
    if args.admin:
        env["PERFIMMO_ADMIN"] = args.admin
    set_tenant(args.tenant)

    folder = os.path.join(TOP, "var", "datasets", args.size)
    if not os.path.exists(os.path.join(folder, "manifest.tsv")):
        gen_demo.write_set(args.size, 2025, folder)
    key = prepare_tenant(env)
    if not args.reads_only:
        import_set(env, folder)
        subprocess.run(["psql", "-X", "-q", env["PERFIMMO_ADMIN_DATABASE"], "-c",
                        f"VACUUM ANALYZE t_{TENANT}.tickets", "-c", f"VACUUM ANALYZE t_{TENANT}.events"],
                       check=True, timeout=3600)
    if args.requests > 0:
        time_reads(env, key, args.requests)


if __name__ == "__main__":
    main()
