"""perfimmo-admin migrate: its options, and two runs at once.

Two hosts of one installation may upgrade together; the advisory lock makes
the second run wait for the first, which then finds every file recorded.
"""

import shlex
import shutil
import subprocess
import time
import uuid

import pytest

from companies_support import run_sql

MIGRATION_LOCK = 7294001
WAIT_SECONDS = 30


def admin_command(env, config=None):
    command = shlex.split(env["PERFIMMO_ADMIN"])
    if config is not None:
        command[command.index("-c") + 1] = str(config)
    return command


def lock_waiters(env, granted):
    """perfimmo-admin sessions holding (GRANTED) or waiting for the migration lock."""
    rows = run_sql(env["PERFIMMO_SUPERUSER_DATABASE"], f"""
        SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.objid = {MIGRATION_LOCK} AND l.granted = {granted}
           AND a.application_name = 'perfimmo-admin'""")
    return int(rows[0][0])


def wait_until(condition, description):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {WAIT_SECONDS} s waiting for {description}")


def tenant_names(admin):
    return sorted(line.split()[0] for line in admin("tenant", "list").stdout.splitlines() if line)


@pytest.fixture
def slow_migrations(env, tmp_path):
    """A configuration whose sql_dir holds the real migrations and one more that
    only sleeps, so that a migrate run holds the lock long enough to race it."""
    sql_dir = tmp_path / "sql"
    config_text = open(env["PERFIMMO_CONFIG"], encoding="utf-8").read()
    real_dir = next(line.split("=", 1)[1].strip().strip('"') for line in config_text.splitlines()
                    if line.startswith("sql_dir"))
    shutil.copytree(real_dir, sql_dir)
    probe = f"999_probe_{uuid.uuid4().hex[:8]}.sql"
    (sql_dir / "tenant" / probe).write_text("SELECT pg_sleep(0.3);\n", encoding="utf-8")
    config = tmp_path / "perfimmo.conf"
    config.write_text("\n".join(f'sql_dir = "{sql_dir}"' if line.startswith("sql_dir") else line
                                for line in config_text.splitlines()) + "\n", encoding="utf-8")
    yield config, probe
    run_sql(env["PERFIMMO_ADMIN_DATABASE"],
            f"DELETE FROM perfimmo_meta.migrations WHERE version = '{probe}'")


def test_all_tenants_with_tenant_rejected(admin):
    result = admin("migrate", "--all-tenants", "--tenant", "demo", check=False)
    assert result.returncode == 2
    assert "--all-tenants and --tenant exclude each other" in result.stderr
    assert result.stdout == ""


def test_tenant_without_name_rejected(admin):
    result = admin("migrate", "--tenant", check=False)
    assert result.returncode == 2
    assert "--tenant needs a name" in result.stderr


def test_unknown_argument_rejected(admin):
    result = admin("migrate", "--all-tenant", check=False)
    assert result.returncode == 2
    assert "unknown argument --all-tenant" in result.stderr


def test_up_to_date_tenants_unchanged(admin):
    for args in (("--all-tenants",), ("--tenant", "demo"), ()):
        result = admin("migrate", *args)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout == "", args


@pytest.mark.parametrize("command", [
    ["migrate", "--all-tenants"],
    # A new tenant's migrations run under the same lock.
    ["tenant", "create", "lockwait{suffix}", "--host", "lockwait{suffix}.perfimmo.test"],
], ids=["migrate", "tenant-create"])
def test_second_run_waits_for_lock(env, admin, command):
    suffix = uuid.uuid4().hex[:8]
    command = [part.format(suffix=suffix) for part in command]
    holder = subprocess.Popen(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", env["PERFIMMO_ADMIN_DATABASE"] +
         " application_name=perfimmo-admin", "-c",
         f"SELECT pg_advisory_lock({MIGRATION_LOCK}); SELECT pg_sleep(2)"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd="/")
    try:
        wait_until(lambda: lock_waiters(env, True) == 1, "the test session to hold the lock")
        started = time.monotonic()
        migrate = subprocess.Popen(admin_command(env) + command,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until(lambda: lock_waiters(env, False) == 1, "migrate to wait for the lock")
        assert migrate.poll() is None
        out, err = migrate.communicate(timeout=WAIT_SECONDS)
        assert migrate.returncode == 0, err
        assert time.monotonic() - started >= 1.0
    finally:
        holder.wait(timeout=WAIT_SECONDS)
    assert holder.returncode == 0, holder.stderr.read()


def test_concurrent_runs_apply_once(env, admin, slow_migrations):
    config, probe = slow_migrations
    command = admin_command(env, config) + ["migrate", "--all-tenants"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: lock_waiters(env, True) == 1, "the first run to take the lock")
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [run.communicate(timeout=120) for run in (first, second)]

    assert [run.returncode for run in (first, second)] == [0, 0], outputs
    tenants = tenant_names(admin)
    assert sorted(outputs[0][0].splitlines()) == sorted(f"applied {probe} to {name}" for name in tenants)
    assert outputs[1][0] == ""
    rows = run_sql(env["PERFIMMO_ADMIN_DATABASE"],
                   f"SELECT count(*) FROM perfimmo_meta.migrations WHERE version = '{probe}'")
    assert rows == [[str(len(tenants))]]
