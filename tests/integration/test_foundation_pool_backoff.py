"""The pool's respawn back-off: a worker slot whose workers keep dying soon
after their start is respawned after 2, then 4 seconds (doubling up to 30),
and the master sleeps in between instead of spinning.

The crash loop comes from outside, as the OOM killer or an operator would
cause it: each new worker of one slot is killed with SIGKILL as soon as it
appears. perfimmo-api has no start-up failure that a test can cause (a
worker connects to PostgreSQL and Redis lazily, on its first request), and
this needs no test-only code in the server.
"""

import os
import re
import signal
import time
from pathlib import Path

from fault_tools import master_pid, wait_for, worker_pids

# The master counts a worker that dies sooner than this after its start as
# crashing (HEALTHY_SECONDS in src/api/pool.c).
HEALTHY_SECONDS = 5
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BACKOFF_LINE = re.compile(r"worker crashed (\d+) times in a row: respawning in (\d+) s")


def cpu_seconds(pid):
    """User plus system CPU time of PID, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def age_seconds(pid):
    """Seconds since PID started, from /proc/PID/stat and /proc/uptime."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - int(fields[19]) / CLOCK_TICKS


def kill_and_time_respawn(master, victim, timeout=45):
    """Kills VICTIM and returns (new worker PID, seconds until it appeared)."""
    before = set(worker_pids(master))
    killed = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    assert wait_for(lambda: set(worker_pids(master)) - before - {victim}, timeout, step=0.02), \
        f"no worker replaced {victim} within {timeout} s"
    elapsed = time.monotonic() - killed
    (new,) = set(worker_pids(master)) - before
    return new, elapsed


def backoff_delays(api_log):
    """(crash count, delay) of each back-off line logged since API_LOG was opened."""
    found = []
    for line in api_log.new_lines():
        match = BACKOFF_LINE.search(line)
        if match:
            found.append((int(match.group(1)), int(match.group(2))))
    return found


def oldest_healthy_worker(master):
    """The oldest worker, once it has lived past HEALTHY_SECONDS."""
    oldest = max(worker_pids(master), key=age_seconds)
    assert wait_for(lambda: age_seconds(oldest) > HEALTHY_SECONDS + 1, HEALTHY_SECONDS + 5)
    return oldest


def test_crash_loop_backs_off(env, su, api_log):
    master = master_pid(env)
    size = len(worker_pids(master))
    assert size >= 2, "the test needs another worker to serve while one slot crash-loops"
    cpu_before = cpu_seconds(master)

    # A healthy worker dies: its slot's count starts again from zero.
    victim, first_gap = kill_and_time_respawn(master, oldest_healthy_worker(master))
    assert first_gap < 2.0, first_gap

    # Then each new worker of that slot dies at once: two early deaths in a row.
    gaps = []
    for _ in range(2):
        assert age_seconds(victim) < HEALTHY_SECONDS
        victim, gap = kill_and_time_respawn(master, victim)
        gaps.append(gap)
        # The other workers keep serving while the slot waits.
        assert su.get("/api/health").status == 200

    assert backoff_delays(api_log) == [(1, 2), (2, 4)]
    # The master checks the schedule once a second, so a respawn may come up
    # to one second early or a little late.
    assert 0.9 <= gaps[0] <= 5, gaps
    assert 2.9 <= gaps[1] <= 7, gaps
    assert gaps[1] > gaps[0], gaps

    # Waiting is sleeping: a spinning master would burn the whole wait.
    assert cpu_seconds(master) - cpu_before < 1.0, gaps
    assert wait_for(lambda: len(worker_pids(master)) == size, 10)


def test_healthy_worker_resets_backoff(env, su, api_log):
    """A worker that lived past HEALTHY_SECONDS is respawned at once when it dies,
    even in a slot that crashed before (the one of the test above)."""
    master = master_pid(env)
    size = len(worker_pids(master))
    youngest = min(worker_pids(master), key=age_seconds)
    assert wait_for(lambda: age_seconds(youngest) > HEALTHY_SECONDS + 1, HEALTHY_SECONDS + 5)

    _, gap = kill_and_time_respawn(master, youngest)

    assert gap < 2.0, gap
    assert backoff_delays(api_log) == []
    assert len(worker_pids(master)) == size
    assert su.get("/api/health").status == 200
