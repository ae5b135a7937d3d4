"""Helpers of the authentication, user and scope tests.

Every password, API key and session token these tests use is recorded in
SECRETS, so that test_zz_auth_secrets_in_logs.py can check that none of
them reached a log of the run.
"""

import shlex
import subprocess
import uuid

SECRETS = set()

PASSWORD = "Tr0ub4dor-&-3-horses"


def new_uid():
    return str(uuid.uuid4())


def key_auth(key):
    return {"Authorization": key}


def cookie_auth(token):
    return {"Cookie": f"PI_SESSION={token}"}


def session_cookie(response):
    """Return (token, attributes dict) of the PI_SESSION Set-Cookie, or (None, {})."""
    for value in response.header_values("set-cookie"):
        parts = [part.strip() for part in value.split(";")]
        name, _, token = parts[0].partition("=")
        if name != "PI_SESSION":
            continue
        attributes = {}
        for part in parts[1:]:
            key, _, val = part.partition("=")
            attributes[key.lower()] = val
        if token:
            SECRETS.add(token)
        return token, attributes
    return None, {}


def run_admin(env, *args, stdin=None):
    command = shlex.split(env["PERFIMMO_ADMIN"]) + list(args)
    return subprocess.run(command, input=stdin, capture_output=True, text=True,
                          timeout=60, check=True)


def set_password(env, login, password=PASSWORD, tenant=None):
    SECRETS.add(password)
    run_admin(env, "password", "set", "--tenant", tenant or env["PERFIMMO_TENANT"],
              "--login", login, stdin=password + "\n")


def create_key(env, login, tenant=None):
    """Create an API key; return (key id, key)."""
    output = run_admin(env, "key", "create", "--tenant", tenant or env["PERFIMMO_TENANT"],
                       "--login", login).stdout.splitlines()
    key = output[-1].strip()
    SECRETS.add(key)
    return output[0].split()[1], key


def login(client, user_login, password=PASSWORD):
    response = client.post("/api/v1/login", {"login": user_login, "password": password})
    session_cookie(response)
    return response


def login_token(client, user_login, password=PASSWORD):
    response = login(client, user_login, password)
    assert response.status == 200, response
    token, _ = session_cookie(response)
    return token


def command(client, auth, method, path, body):
    body = dict(body)
    body.setdefault("processUid", new_uid())
    return client.request(method, path, body=body, headers=auth)


def create_company(client, auth, command_type, **fields):
    uid = new_uid()
    body = {"aggregateUid": uid, "createdDate": "2021-01-04",
            "name": fields.pop("name", f"{command_type} {uid[:8]}"),
            "commandType": command_type, **fields}
    response = command(client, auth, "POST", "/api/vEvent/clientcompanies", body)
    assert response.status == 201, response
    return uid


def create_agency(client, auth, company):
    uid = new_uid()
    response = command(client, auth, "POST", f"/api/vEvent/clientcompanies/{company}/agencies", {
        "createdDate": "2021-01-05",
        "agency": {"agencyUid": uid, "name": f"Agence {uid[:8]}"},
        "commandType": "CreateAgency",
    })
    assert response.status == 201, response
    return uid


def reference_user(client, auth, command_type, company, user_login, uid=None, **extra):
    body = {"aggregateUid": uid or new_uid(), "login": user_login, "companyUid": company,
            "firstName": "Camille", "lastName": "Martin", "commandType": command_type, **extra}
    return command(client, auth, "POST", "/api/vEvent/users", body)


def patch_user(client, auth, user, command_type, **fields):
    return command(client, auth, "PATCH", f"/api/vEvent/users/{user}",
                   {"commandType": command_type, **fields})


def feed(client, auth, after=0, kinds=None):
    """Every event of the feed after `after` that the user may see."""
    events, position = [], after
    for _ in range(1000):
        query = f"/api/v1/events?after={position}&limit=1000"
        if kinds:
            query += "&aggregates=" + ",".join(kinds)
        response = client.get(query, headers=auth)
        assert response.status == 200, response
        page = response.json()
        events.extend(page["events"])
        if page["next"] == position:
            return events
        position = page["next"]
    raise AssertionError("the feed did not end")


def feed_end(client, auth):
    """The feed position after the last event the user may see now."""
    position = 0
    for _ in range(1000):
        response = client.get(f"/api/v1/events?after={position}&limit=1000", headers=auth)
        page = response.json()
        if page["next"] == position:
            return position
        position = page["next"]
    raise AssertionError("the feed did not end")


class User:
    """A user of the scenario: uid, login, API key and password."""

    def __init__(self, uid, user_login, key_id, key):
        self.uid = uid
        self.login = user_login
        self.key_id = key_id
        self.key = key

    @property
    def auth(self):
        return key_auth(self.key)


def make_user(env, client, su, command_type, company, **extra):
    uid = new_uid()
    user_login = f"{command_type[9:].lower()}.{uid[:8]}@example.test"
    response = reference_user(client, su, command_type, company, user_login, uid=uid, **extra)
    assert response.status == 201, response
    set_password(env, user_login)
    key_id, key = create_key(env, user_login)
    return User(uid, user_login, key_id, key)
