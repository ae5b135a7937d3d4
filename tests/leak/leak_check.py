#!/usr/bin/python3
"""Leak check of a perfimmo-api worker under valgrind.

Runs against a stack started by `scripts/dev up` (settings from
PERFIMMO_ENV_FILE, var/dev.env by default): stops that stack's perfimmo-api,
starts one master with a single worker under valgrind on the same socket,
sends 10 000 mixed requests through nginx (reads, commands, duplicates and
every kind of rejected request), stops the pool with SIGTERM and reads
valgrind's summary of the worker. Exit code 0 when the worker lost no
memory ("definitely" and "indirectly" lost both 0) and valgrind found no
error. The normal perfimmo-api is started again at the end.

Too slow for every test run (a few minutes): run it by hand,
    /usr/bin/python3 tests/leak/leak_check.py [REQUESTS]
and record its last line in the change note.
"""

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "tests" / "integration"))

from conftest import read_env_file  # noqa: E402
from perfimmo_client import Client  # noqa: E402

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
THREADS = 4
COMPANIES = "/api/vEvent/clientcompanies"


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def stop_master(pid_file):
    try:
        pid = int(Path(pid_file).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    if Path(f"/proc/{pid}/comm").exists():
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: not Path(f"/proc/{pid}").exists(), 60)


def mixed_requests(env, client, anonymous, count, statuses, lock):
    """COUNT requests cycling through reads, commands and rejected input."""
    center = None
    last_body = None
    for index in range(count):
        kind = index % 12
        if kind == 0 or center is None:
            body = {"processUid": str(uuid.uuid4()), "createdDate": "2021-01-04",
                    "name": f"fuite {index} Hélène", "commandType": "CreateCallCenter"}
            response = client.post(COMPANIES, body)
            if response.status == 201:
                center = response.json()["events"][0]["aggregateUid"]
            last_body = body
        elif kind == 1:
            response = client.patch(f"{COMPANIES}/{center}", {
                "processUid": str(uuid.uuid4()), "name": f"renommé {index}",
                "updatedDate": "2021-02-01", "commandType": "UpdateCallCenter"})
        elif kind == 2:
            response = client.post(COMPANIES, last_body)            # 409 duplicate
        elif kind == 3:
            response = client.get("/api/v1/events?after=0&limit=50&aggregates=company")
        elif kind == 4:
            response = client.get("/api/v1/events?types=CallCenterCreated,Nope")  # 400
        elif kind == 5:
            response = client.post(COMPANIES, b'{"a":1,"a":2}',
                                   headers={"Content-Type": "application/json"})  # 400
        elif kind == 6:
            response = client.post(COMPANIES, json.dumps({"processUid": str(uuid.uuid4()),
                                   "commandType": "CreateCallCenter", "name": ""}))  # 415
        elif kind == 7:
            response = anonymous.get("/api/v1/events")                  # 401
        elif kind == 8:
            response = client.get("/api/v1/nothing")                    # 404
        elif kind == 9:
            response = client.get(COMPANIES)                            # 405
        elif kind == 10:
            response = client.post(f"{COMPANIES}/{center}/agencies", {
                "processUid": str(uuid.uuid4()), "createdDate": "2021-01-06",
                "agency": {"name": "x", "phones": ["1"] * 3}, "commandType": "CreateAgency"})
        else:
            response = client.get("/api/health")
        with lock:
            statuses[response.status] = statuses.get(response.status, 0) + 1


def worker_summaries(log_dir, master_pid):
    """Valgrind summaries of the processes other than the master."""
    summaries = {}
    for path in sorted(log_dir.glob("valgrind.*.log")):
        pid = int(path.name.split(".")[1])
        if pid == master_pid:
            continue
        text = path.read_text(errors="replace")
        definite = re.search(r"definitely lost: ([\d,]+) bytes", text)
        indirect = re.search(r"indirectly lost: ([\d,]+) bytes", text)
        errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        summaries[pid] = (
            int(definite.group(1).replace(",", "")) if definite else 0,
            int(indirect.group(1).replace(",", "")) if indirect else 0,
            int(errors.group(1)) if errors else -1,
            path,
        )
    return summaries


def main():
    env = read_env_file(os.environ.get("PERFIMMO_ENV_FILE", TOP / "var" / "dev.env"))
    config = Path(env["PERFIMMO_CONFIG"])
    log_dir = Path(env["PERFIMMO_API_LOG"]).parent / "leak"
    log_dir.mkdir(exist_ok=True)
    for old in log_dir.glob("valgrind.*.log"):
        old.unlink()

    leak_config = log_dir / "perfimmo.conf"
    text = re.sub(r"^workers = .*$", "workers = 1", config.read_text(), flags=re.M)
    leak_config.write_text(text)

    stop_master(env["PERFIMMO_API_PID_FILE"])
    api_log = open(env["PERFIMMO_API_LOG"], "ab")
    valgrind = subprocess.Popen(
        ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect",
         "--errors-for-leak-kinds=definite,indirect", "--child-silent-after-fork=no",
         f"--log-file={log_dir}/valgrind.%p.log", env["PERFIMMO_API"], "-c", str(leak_config)],
        stdout=api_log, stderr=api_log, start_new_session=True)

    client = Client(env["PERFIMMO_HOST"], env["PERFIMMO_CONNECT"], env["PERFIMMO_CA_FILE"],
                    timeout=60).with_key(env["PERFIMMO_API_KEY"])
    anonymous = Client(env["PERFIMMO_HOST"], env["PERFIMMO_CONNECT"], env["PERFIMMO_CA_FILE"],
                       timeout=60)
    status = 1
    try:
        if not wait_for(lambda: client.get("/api/health").status == 200, 60):
            print("leak check: perfimmo-api under valgrind did not answer")
            return 1
        statuses, lock = {}, threading.Lock()
        started = time.monotonic()
        threads = [threading.Thread(target=mixed_requests,
                                    args=(env, client, anonymous, REQUESTS // THREADS, statuses, lock))
                   for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"leak check: {sum(statuses.values())} requests in "
              f"{time.monotonic() - started:.0f} s, statuses {dict(sorted(statuses.items()))}")
    finally:
        os.kill(valgrind.pid, signal.SIGTERM)
        valgrind.wait(timeout=120)
        summaries = worker_summaries(log_dir, valgrind.pid)
        for pid, (definite, indirect, errors, path) in summaries.items():
            print(f"leak check: process {pid}: definitely lost {definite} B, "
                  f"indirectly lost {indirect} B, {errors} errors ({path})")
        if summaries and all(d == 0 and i == 0 and e == 0 for d, i, e, _ in summaries.values()):
            status = 0
        subprocess.Popen([env["PERFIMMO_API"], "-c", str(config)], stdout=api_log,
                         stderr=api_log, start_new_session=True)
    print("leak check: " + ("PASS, no leak in the worker" if status == 0 else "FAIL"))
    return status


if __name__ == "__main__":
    sys.exit(main())
