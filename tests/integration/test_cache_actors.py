"""Cached GETs served from Redis alone: the tenant's generation mirror, the
actor cache, and how each change of credentials reaches them at once."""

import contextlib
import hashlib
import re
import shlex
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from auth_support import (
    SECRETS, cookie_auth, create_company, create_key, key_auth, login_token, make_user,
    patch_user, run_admin, set_password,
)
from fault_tools import COMPANIES, call_center_body, master_pid, wait_for, worker_pids
from ticket_support import Api, World, agency_location, new_uid, open_ticket

# generation_mirror_ttl_ms of the test stack: the default, which scripts/dev keeps.
MIRROR_TTL_SECONDS = 1.0


def redis(env, *args):
    command = shlex.split(env["PERFIMMO_REDIS_CLI"]) + list(args)
    return subprocess.run(command, check=True, capture_output=True, text=True,
                          timeout=10).stdout.strip()


def mirror_key(env):
    return f"pi:generation:{env['PERFIMMO_TENANT']}"


def mirror(env):
    """The demo tenant's generation mirror in Redis, or None when absent."""
    value = redis(env, "GET", mirror_key(env))
    return int(value) if value else None


def pg_generation(env, superuser_sql):
    return int(superuser_sql(f"SELECT generation FROM t_{env['PERFIMMO_TENANT']}.command_lock")[0][0])


def unique_path():
    """A cached path no other request reads: the feed ignores unknown parameters."""
    return f"/api/v1/events?after=0&limit=5&probe={uuid.uuid4()}"


def tail_path(api, su_auth):
    """A cached path no other request reads, holding the journal's last
    events and the next ones written."""
    after = 0
    for _ in range(10000):
        page = api.get(f"/api/v1/events?after={after}&limit=1000&probe={uuid.uuid4()}",
                       headers=su_auth).json()
        after = page["next"]
        if len(page["events"]) < 1000:
            break
    return f"/api/v1/events?after={max(after - 10, 0)}&limit=1000&probe={uuid.uuid4()}"


def write(api, su_auth, name="Centre actor cache"):
    response = api.post(COMPANIES, call_center_body(name), headers=su_auth)
    assert response.status == 201, response
    return response.json()["events"][0]["aggregateUid"]


def su_key_hash(env):
    return hashlib.sha256(env["PERFIMMO_API_KEY"].encode()).hexdigest()


@pytest.fixture(scope="module")
def su_auth(env):
    SECRETS.add(env["PERFIMMO_API_KEY"])
    return key_auth(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def call_center(api, su_auth):
    return create_company(api, su_auth, "CreateCallCenter")


@pytest.fixture
def agent(env, api, su_auth, call_center):
    """A fresh call-center user with a password and a key."""
    return make_user(env, api, su_auth, "ReferenceCallCenterUser", call_center)


@pytest.fixture
def restore_mirror(env):
    """Drops the demo tenant's mirror after a test that set it by hand."""
    yield
    redis(env, "DEL", mirror_key(env))


def assert_served_twice(api, path, headers):
    """The first GET fills the caches, the second is served from them."""
    first = api.get(path, headers=headers)
    second = api.get(path, headers=headers)
    assert first.status == 200, first
    assert second.status == 200, second
    assert first.body == second.body


def serve_on_every_worker(env, api, path, headers):
    """Sends GETs of PATH until each worker has served one (the API log
    names the worker of each request), so that every worker keeps what the
    request left in its memory (the tenant's session secrets)."""
    workers = set(worker_pids(master_pid(env)))
    log = Path(env["PERFIMMO_API_LOG"])
    # Only the lines of these requests count: earlier ones may carry other credentials.
    start = log.stat().st_size
    served = set()
    for _ in range(200):
        assert api.get(path, headers=headers).status == 200
        with log.open("rb") as handle:
            handle.seek(start)
            lines = handle.read().decode("utf-8", errors="replace").splitlines()
        for line in lines:
            match = re.search(r'pid=(\d+) .*msg="request" method=GET path="/api/v1/events" status=200', line)
            if match:
                served.add(int(match.group(1)))
        if workers <= served:
            return
    raise AssertionError(f"workers {sorted(workers - served)} served none of 200 requests")


@contextlib.contextmanager
def tables_locked(env, superuser_sql, tables, seconds):
    """A superuser session holding an ACCESS EXCLUSIVE lock on TABLES for
    SECONDS: any statement of the API that reads them waits until its
    statement_timeout. Yields the psql process, still running while the
    lock is held."""
    name = "perfimmo-test-actor-lock"
    sql = (f"BEGIN; LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE;"
           f" SELECT pg_sleep({seconds}); COMMIT;")
    process = subprocess.Popen(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
         env["PERFIMMO_SUPERUSER_DATABASE"] + f" application_name={name}", "-c", sql],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd="/")
    try:
        locked = wait_for(lambda: superuser_sql(
            "SELECT 1 FROM pg_stat_activity"
            f" WHERE application_name = '{name}' AND query LIKE '%pg_sleep%'"
            " AND state = 'active'"), 5)
        assert locked, "the test session never took its lock"
        yield process
    finally:
        process.wait(timeout=seconds + 30)


# ---------------------------------------------------------------- Redis alone


def test_cached_get_reads_no_postgresql(env, api, su_auth, agent, superuser_sql, restore_mirror):
    """With the credentials and generation tables locked, cached GETs by key
    and by cookie are still served: they never reached PostgreSQL."""
    path = unique_path()
    token = login_token(api, agent.login)
    # A mirror that outlives the lock, so that no reader needs PostgreSQL to refill it.
    redis(env, "SET", mirror_key(env), str(pg_generation(env, superuser_sql)), "PX", "60000")
    assert_served_twice(api, path, su_auth)
    serve_on_every_worker(env, api, path, cookie_auth(token))
    before = api.get(path, headers=su_auth).body

    schema = f"t_{env['PERFIMMO_TENANT']}"
    tables = [f"{schema}.{table}" for table in
              ("credentials", "api_keys", "session_secrets", "command_lock", "events")]
    with tables_locked(env, superuser_sql, tables, 6) as locker:
        by_key = api.get(path, headers=su_auth)
        by_cookie = api.get(path, headers=cookie_auth(token))
        still_locked = locker.poll() is None

    assert by_key.status == 200, by_key
    assert by_key.body == before
    assert by_cookie.status == 200, by_cookie
    assert still_locked, "the lock ended before the GETs returned"


def test_actor_key_holds_the_key_hash(env, api, su_auth):
    api.get(unique_path(), headers=su_auth)
    keys = redis(env, "--scan", "--pattern", f"pi:actor:{env['PERFIMMO_TENANT']}:*").split()

    assert any(key.endswith(f":key:{su_key_hash(env)}") for key in keys), keys
    assert not any(env["PERFIMMO_API_KEY"] in key for key in keys)


def test_mirror_expires_after_its_ttl(env, api, su_auth):
    api.get(unique_path(), headers=su_auth)
    ttl_ms = int(redis(env, "PTTL", mirror_key(env)))

    assert 0 < ttl_ms <= MIRROR_TTL_SECONDS * 1000, ttl_ms


# ---------------------------------------------------------------- credentials changed


def test_admin_key_revoke_refused_on_next_get(env, api, agent):
    key_id, key = create_key(env, agent.login)
    path = unique_path()
    assert_served_twice(api, path, key_auth(key))

    run_admin(env, "key", "revoke", "--tenant", env["PERFIMMO_TENANT"], "--id", key_id)

    assert api.get(path, headers=key_auth(key)).status == 401
    assert api.get(path, headers=agent.auth).status == 200


def test_disabled_user_refused_on_next_get(api, su_auth, agent):
    token = login_token(api, agent.login)
    path = unique_path()
    assert_served_twice(api, path, agent.auth)
    assert_served_twice(api, path, cookie_auth(token))

    assert patch_user(api, su_auth, agent.uid, "DisableUser").status == 200

    assert api.get(path, headers=agent.auth).status == 401
    assert api.get(path, headers=cookie_auth(token)).status == 401

    assert patch_user(api, su_auth, agent.uid, "EnableUser").status == 200
    assert api.get(path, headers=agent.auth).status == 200


def test_logout_refused_on_next_get(api, agent):
    token = login_token(api, agent.login)
    other = login_token(api, agent.login)
    path = unique_path()
    assert_served_twice(api, path, cookie_auth(token))
    assert_served_twice(api, path, cookie_auth(other))

    assert api.post("/api/v1/logout", headers=cookie_auth(token)).status == 204

    assert api.get(path, headers=cookie_auth(token)).status == 401
    assert api.get(path, headers=cookie_auth(other)).status == 401
    assert api.get(path, headers=agent.auth).status == 200


def test_secret_rotation_refuses_old_cookies_on_next_get(env, api, agent):
    token = login_token(api, agent.login)
    path = unique_path()
    assert_served_twice(api, path, cookie_auth(token))

    # The secret that signed the token is now the previous one: still valid.
    run_admin(env, "secret", "add", "--tenant", env["PERFIMMO_TENANT"])
    assert api.get(path, headers=cookie_auth(token)).status == 200

    run_admin(env, "secret", "add", "--tenant", env["PERFIMMO_TENANT"])
    assert api.get(path, headers=cookie_auth(token)).status == 401


@pytest.fixture
def second_superuser(env, superuser_sql):
    """The login of a superUser the test creates, deleted afterwards: the
    import tests act as the tenant's single superUser."""
    login = f"root.{uuid.uuid4().hex[:8]}@example.test"
    yield login
    superuser_sql(f"DELETE FROM t_{env['PERFIMMO_TENANT']}.credentials WHERE login = '{login}'")


@pytest.mark.parametrize("change", ["superuser", "password", "key", "secret"])
def test_admin_change_raises_pg_and_mirror(env, api, su_auth, agent, superuser_sql,
                                           second_superuser, change):
    api.get(unique_path(), headers=su_auth)
    before = pg_generation(env, superuser_sql)
    tenant = env["PERFIMMO_TENANT"]

    if change == "superuser":
        run_admin(env, "superuser", "create", "--tenant", tenant, "--login", second_superuser)
    elif change == "password":
        set_password(env, agent.login)
    elif change == "key":
        create_key(env, agent.login)
    else:
        run_admin(env, "secret", "add", "--tenant", tenant)

    after = pg_generation(env, superuser_sql)
    assert after > before
    assert mirror(env) == after


def test_sql_change_raises_generation(env, agent, superuser_sql):
    """Changes made by hand raise the generation too (a trigger), so that
    cached actors are not used past the mirror's TTL."""
    schema = f"t_{env['PERFIMMO_TENANT']}"
    for sql in (f"UPDATE {schema}.credentials SET disabled = disabled WHERE user_uid = '{agent.uid}'",
                f"UPDATE {schema}.api_keys SET label = label WHERE id = {agent.key_id}",
                f"UPDATE {schema}.session_secrets SET secret = secret WHERE false"):
        before = pg_generation(env, superuser_sql)
        superuser_sql(sql)
        assert pg_generation(env, superuser_sql) == before + 1, sql


def test_one_raise_per_transaction(env, superuser_sql):
    schema = f"t_{env['PERFIMMO_TENANT']}"
    before = pg_generation(env, superuser_sql)

    rows = superuser_sql(f"BEGIN; SELECT {schema}.generation_raise();"
                         f" UPDATE {schema}.api_keys SET label = label WHERE false;"
                         f" SELECT {schema}.generation_raise(); COMMIT;")

    assert pg_generation(env, superuser_sql) == before + 1
    assert rows == [[str(before + 1)], [str(before + 1)]]


# ---------------------------------------------------------------- lost raises, bounded by the TTL


def test_sql_revocation_bounded_by_ttl(env, api, agent, superuser_sql):
    """A key deleted by hand leaves the mirror behind; it is refused once the
    mirror has expired."""
    key_id, key = create_key(env, agent.login)
    path = unique_path()
    assert_served_twice(api, path, key_auth(key))

    superuser_sql(f"DELETE FROM t_{env['PERFIMMO_TENANT']}.api_keys WHERE id = {key_id}")

    assert wait_for(lambda: api.get(path, headers=key_auth(key)).status == 401,
                    MIRROR_TTL_SECONDS + 3, step=0.1)


def test_admin_without_redis_bounded_by_ttl(env, api, agent, tmp_path):
    key_id, key = create_key(env, agent.login)
    path = unique_path()
    assert_served_twice(api, path, key_auth(key))
    config = Path(env["PERFIMMO_CONFIG"]).read_text()
    # Port 1 on loopback: connections are refused at once.
    unreachable = tmp_path / "perfimmo.conf"
    unreachable.write_text(re.sub(r"^redis\s*=.*$", "redis = 127.0.0.1:1", config, flags=re.M))
    admin = shlex.split(env["PERFIMMO_ADMIN"])
    admin[admin.index("-c") + 1] = str(unreachable)

    result = subprocess.run(admin + ["key", "revoke", "--tenant", env["PERFIMMO_TENANT"],
                                     "--id", key_id],
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert "could not raise the generation" in result.stderr
    assert wait_for(lambda: api.get(path, headers=key_auth(key)).status == 401,
                    MIRROR_TTL_SECONDS + 3, step=0.1)


def test_stale_mirror_bounded_by_ttl(env, api, su_auth, superuser_sql):
    """A raise lost after a write: the mirror set back by hand, with the TTL
    the product gives it. The write shows once it expires."""
    path = tail_path(api, su_auth)
    api.get(path, headers=su_auth)
    stale = pg_generation(env, superuser_sql)

    uid = write(api, su_auth, "Après le miroir")
    redis(env, "SET", mirror_key(env), str(stale), "PX", str(int(MIRROR_TTL_SECONDS * 1000)))

    assert wait_for(lambda: uid in api.get(path, headers=su_auth).body.decode(),
                    MIRROR_TTL_SECONDS + 3, step=0.1)


def test_deleted_mirror_refilled_from_postgresql(env, api, su_auth, superuser_sql):
    path = tail_path(api, su_auth)
    api.get(path, headers=su_auth)
    uid = write(api, su_auth, "Miroir effacé")
    redis(env, "DEL", mirror_key(env))

    assert uid in api.get(path, headers=su_auth).body.decode()
    assert mirror(env) == pg_generation(env, superuser_sql)


# ---------------------------------------------------------------- the mirror never moves back


def test_mirror_ahead_is_never_lowered(env, api, su_auth, superuser_sql, restore_mirror):
    """Readers that fill from PostgreSQL and writers that commit both offer a
    lower generation than a mirror set ahead by hand: the set-if-greater step
    refuses both, and reads stay correct meanwhile."""
    path = tail_path(api, su_auth)
    ahead = pg_generation(env, superuser_sql) + 1000
    redis(env, "SET", mirror_key(env), str(ahead), "PX", "30000")

    assert api.get(path, headers=su_auth).status == 200
    assert mirror(env) == ahead, "a reader lowered the mirror"

    uid = write(api, su_auth, "Miroir en avance")
    assert mirror(env) == ahead, "a writer lowered the mirror"

    assert uid in api.get(path, headers=su_auth).body.decode()


def test_mirror_raised_by_each_write(env, api, su_auth, superuser_sql):
    for round_number in range(5):
        write(api, su_auth, f"Montée {round_number}")
        assert mirror(env) == pg_generation(env, superuser_sql), round_number


# ---------------------------------------------------------------- read-your-writes


@pytest.fixture(scope="module")
def ticket(env, api):
    """The superUser's Api and a ticket it opened."""
    demo = Api(api, env["PERFIMMO_API_KEY"])
    world = World(demo)
    return demo, open_ticket(demo, agency_location(world.agency("Agence du miroir")))


def test_ticket_message_in_next_detail(env, ticket, superuser_sql):
    """Ticket commands take the lock in their append's round trip: they
    raise the mirror all the same, and the cached detail shows the message."""
    demo, uid = ticket
    detail = f"/api/v1/tickets/{uid}"
    for round_number in range(3):
        assert demo.get(detail).status == 200
        assert demo.get(detail).status == 200
        text = f"message {round_number} {new_uid()[:8]}"

        reply = demo.command("PATCH", f"/api/vEvent/tickets/{uid}", "AddMessage",
                             messageAddedDate="2021-03-15T10:00:00Z", message=text)

        assert reply.status == 200, reply
        assert mirror(env) == pg_generation(env, superuser_sql), round_number
        assert text in demo.get(detail).body.decode(), round_number


def test_write_visible_on_every_worker(env, api, su_auth):
    """Each GET opens its own connection, so nginx spreads them over the
    workers: every one of them uses the generation the write left."""
    workers = int(env["PERFIMMO_API_WORKERS"]) or 4
    path = tail_path(api, su_auth)
    for round_number in range(5):
        for _ in range(workers):
            api.get(path, headers=su_auth)
        uid = write(api, su_auth, f"Partout {round_number}")
        for index in range(2 * workers):
            body = api.get(path, headers=su_auth).body.decode()
            assert uid in body, f"round {round_number}, read {index}: stale view"


# ---------------------------------------------------------------- Redis stopped and restarted


def redis_answers(env):
    command = shlex.split(env["PERFIMMO_REDIS_CLI"]) + ["PING"]
    return subprocess.run(command, capture_output=True, text=True,
                          timeout=10).stdout.strip() == "PONG"


@pytest.fixture
def stopped_redis(env):
    """Redis shut down for the test. Yields the function that starts it
    again, which the teardown also calls in case the test failed first."""
    subprocess.run(shlex.split(env["PERFIMMO_REDIS_CLI"]) + ["SHUTDOWN", "NOSAVE"],
                   capture_output=True, timeout=10)
    assert wait_for(lambda: not redis_answers(env), 5)

    def start():
        if redis_answers(env):
            return
        subprocess.run(shlex.split(env["PERFIMMO_REDIS_SERVER"]), check=True, timeout=10)
        assert wait_for(lambda: redis_answers(env), 10)

    yield start
    start()


def test_redis_restart_picks_up_writes(env, api, su_auth, superuser_sql, stopped_redis):
    path = tail_path(api, su_auth)
    during = write(api, su_auth, "Pendant l'arrêt de Redis")
    response = api.get(path, headers=su_auth)
    assert response.status == 200, response
    assert during in response.body.decode()

    stopped_redis()
    # Past the 1 s delay before a worker that failed during the stop retries.
    time.sleep(1.2)

    assert during in api.get(path, headers=su_auth).body.decode()
    after = write(api, su_auth, "Après le retour de Redis")
    assert_served_twice(api, path, su_auth)
    assert after in api.get(path, headers=su_auth).body.decode()
    assert mirror(env) == pg_generation(env, superuser_sql)


# ---------------------------------------------------------------- secrets


def test_no_secret_in_redis(env, api, agent):
    token = login_token(api, agent.login)
    api.get(unique_path(), headers=cookie_auth(token))
    api.get(unique_path(), headers=agent.auth)
    keys = redis(env, "--scan", "--pattern", "pi:*").split()
    secrets = [secret for secret in SECRETS | {agent.key, token} if len(secret) >= 8]

    for key in keys:
        value = redis(env, "GET", key) if redis(env, "TYPE", key) == "string" else ""
        for secret in secrets:
            assert secret not in key, key
            assert secret not in value, key
