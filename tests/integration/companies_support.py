"""Helpers of the company and agency tests: commands, the journal, users and SQL.

Every test creates its own companies with fresh uids, so tests do not depend
on each other or on what the stack already holds.
"""

import hashlib
import json
import secrets
import shlex
import subprocess
import uuid

import pytest

COMPANIES = "/api/vEvent/clientcompanies"
READS = "/api/v1/clientcompanies"


def new_uid():
    return str(uuid.uuid4())


class Session:
    """An HTTPS client acting with one API key."""

    def __init__(self, client, key):
        self.client = client
        self.key = key

    def headers(self, extra=None):
        headers = {"Authorization": self.key}
        headers.update(extra or {})
        return headers

    def get(self, path, headers=None):
        return self.client.get(path, headers=self.headers(headers))

    def post(self, path, body, headers=None):
        return self.client.post(path, body=body, headers=self.headers(headers))

    def patch(self, path, body, headers=None):
        return self.client.patch(path, body=body, headers=self.headers(headers))

    # ------------------------------------------------------------ commands

    def create_call_center(self, name="Centre d'appels", **fields):
        body = {"processUid": new_uid(), "createdDate": "2021-01-04", "name": name,
                "commandType": "CreateCallCenter", **fields}
        return self.created(self.post(COMPANIES, body))

    def create_holding(self, call_center, name="Groupe Saône Habitat", **fields):
        body = {"processUid": new_uid(), "callCenterReference": call_center,
                "createdDate": "2021-01-05", "name": name,
                "commandType": "CreateClientAccountHolding", **fields}
        return self.created(self.post(COMPANIES, body))

    def create_account(self, call_center, name="Foncière Rhône", **fields):
        body = {"processUid": new_uid(), "callCenterReference": call_center,
                "createdDate": "2021-02-01", "name": name,
                "commandType": "CreateClientAccount", **fields}
        return self.created(self.post(COMPANIES, body))

    def create_agency(self, company, name="Agence Lyon Part-Dieu", **fields):
        body = {"processUid": new_uid(), "createdDate": "2021-02-03",
                "agency": {"name": name, **fields}, "commandType": "CreateAgency"}
        response = self.post(f"{COMPANIES}/{company}/agencies", body)
        assert response.status == 201, response
        return response.json()["events"][0]["agency"]["agencyUid"]

    def company_command(self, company, command_type, **fields):
        body = {"processUid": new_uid(), "commandType": command_type, **fields}
        return self.patch(f"{COMPANIES}/{company}", body)

    def agency_command(self, company, agency_uid, command_type, **fields):
        body = {"processUid": new_uid(), "commandType": command_type, **fields}
        return self.patch(f"{COMPANIES}/{company}/agencies/{agency_uid}", body)

    def reference_user(self, command_type, company, last_name="Martin", **fields):
        """Reference a user through the API; return his uid."""
        uid = new_uid()
        body = {"processUid": new_uid(), "aggregateUid": uid, "login": f"{uid[:8]}@users.example",
                "companyUid": company, "firstName": "Camille", "lastName": last_name,
                "commandType": command_type, **fields}
        response = self.post("/api/vEvent/users", body)
        assert response.status == 201, response
        return uid

    def user_command(self, user, command_type, **fields):
        body = {"processUid": new_uid(), "commandType": command_type, **fields}
        response = self.patch(f"/api/vEvent/users/{user}", body)
        assert response.status == 200, response

    @staticmethod
    def created(response):
        assert response.status == 201, response
        return response.json()["events"][0]["aggregateUid"]

    # ------------------------------------------------------------ journal

    def journal_end(self):
        """Return the feed position after the last stored event."""
        position = 0
        for _ in range(10000):
            page = self.get(f"/api/v1/events?after={position}&limit=1000").json()
            if not page["events"]:
                return position
            position = page["next"]
        raise AssertionError("the feed did not end within 10 000 pages")

    def events_after(self, position):
        """Return every feed item stored after `position`."""
        items = []
        for _ in range(10000):
            page = self.get(f"/api/v1/events?after={position}&limit=1000").json()
            if not page["events"]:
                return items
            items.extend(page["events"])
            position = page["next"]
        raise AssertionError("the feed did not end within 10 000 pages")


@pytest.fixture(scope="session")
def su(env, api):
    """The demo tenant's superUser."""
    return Session(api, env["PERFIMMO_API_KEY"])


def run_sql(database, sql):
    """Run SQL with psql on the libpq connection string `database`; return
    the rows of its last statement as lists of strings."""
    result = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", database],
        input=sql, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise AssertionError(f"psql failed: {result.stderr}")
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def add_user(env, user_type, company_uid, tenant=None):
    """Store a user of `user_type` in `company_uid` with an API key, straight
    into the tenant's credentials (the API cannot create users yet), and
    return (user uid, key)."""
    tenant = tenant or env["PERFIMMO_TENANT"]
    user_uid = new_uid()
    key = secrets.token_urlsafe(32)
    digest = hashlib.sha256(key.encode("ascii")).hexdigest()
    run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SET search_path TO t_{tenant};
        INSERT INTO credentials (user_uid, login, user_type, company_uid)
        VALUES ('{user_uid}', '{user_uid}@test.example', '{user_type}', '{company_uid}');
        INSERT INTO api_keys (key_hash, user_uid, label) VALUES ('{digest}', '{user_uid}', 'test');
    """)
    return user_uid, key


def create_key(env, user_uid):
    """Create an API key for the user whose login reference_user chose; return it."""
    login = f"{user_uid[:8]}@users.example"
    command = shlex.split(env["PERFIMMO_ADMIN"]) + [
        "key", "create", "--tenant", env["PERFIMMO_TENANT"], "--login", login]
    output = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    return output.stdout.splitlines()[-1].strip()


def compact(value):
    """JSON text of `value` with sorted keys, to compare views."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
