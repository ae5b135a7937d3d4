"""Helpers of the patrimony, lot and provider-contact tests: send commands
as the demo superUser and build the companies, agencies, patrimonies, lots
and contacts the tests work on.  Every helper asserts the command's success
status, so a broken prerequisite fails where it happens."""

import uuid

PATRIMONIES = "/api/vEvent/patrimonies"
LOTS = "/api/vEvent/lots"
CONTACTS = "/api/vEvent/providercontacts"
COMPANIES = "/api/vEvent/clientcompanies"


def new_uid():
    return str(uuid.uuid4())


class Estate:
    """Commands and reads of one tenant, with the API key of its superUser."""

    def __init__(self, client, api_key):
        self.client = client
        self.headers = {"Authorization": api_key}

    def command(self, method, path, command_type, body=None, headers=None):
        payload = {"processUid": new_uid(), "commandType": command_type}
        payload.update(body or {})
        return self.client.request(method, path, payload, dict(self.headers, **(headers or {})))

    def post(self, path, command_type, body=None, headers=None):
        return self.command("POST", path, command_type, body, headers)

    def patch(self, path, command_type, body=None, headers=None):
        return self.command("PATCH", path, command_type, body, headers)

    def get(self, path, headers=None):
        return self.client.get(path, dict(self.headers, **(headers or {})))

    def events(self):
        """Every event of the tenant, from the feed (the journal)."""
        found, after = [], 0
        for _ in range(1000):
            reply = self.get(f"/api/v1/events?after={after}&limit=1000")
            assert reply.status == 200, reply
            page = reply.json()
            found.extend(page["events"])
            if page["next"] == after:
                return found
            after = page["next"]
        raise AssertionError("event feed does not end")

    def created(self, reply):
        assert reply.status == 201, reply
        return reply.json()["events"][0]["aggregateUid"]

    def call_center(self):
        return self.created(self.post(COMPANIES, "CreateCallCenter",
                                      {"createdDate": "2021-01-01", "name": "Centre " + new_uid()[:8]}))

    def client_account(self, call_center=None):
        call_center = call_center or self.call_center()
        return self.created(self.post(COMPANIES, "CreateClientAccount", {
            "callCenterReference": call_center, "createdDate": "2021-02-01",
            "name": "Foncière " + new_uid()[:8]}))

    def agency(self, company, name=None):
        reply = self.post(f"{COMPANIES}/{company}/agencies", "CreateAgency", {
            "createdDate": "2021-02-03", "agency": {"name": name or "Agence " + new_uid()[:8]}})
        assert reply.status == 201, reply
        return reply.json()["events"][0]["agency"]["agencyUid"]

    def delete_agency(self, company, agency):
        reply = self.patch(f"{COMPANIES}/{company}/agencies/{agency}", "DeleteAgency",
                           {"deletedDate": "2021-03-01"})
        assert reply.status == 200, reply

    def patrimony(self, agencies, ref=None, label=None):
        body = {"ref": ref or "REF-" + new_uid()[:8], "agencyUids": list(agencies)}
        if label is not None:
            body["label"] = label
        return self.created(self.post(PATRIMONIES, "ReferencePatrimony", body))

    def building(self, patrimony, label):
        reply = self.patch(f"{PATRIMONIES}/{patrimony}", "ReferenceBuilding", {"label": label})
        assert reply.status == 200, reply
        return reply.json()["events"][0]["buildingUid"]

    def lot(self, patrimony, ref=None, number=None, addresses=None, usage="Apartment"):
        return self.created(self.post(LOTS, "ReferenceLot", {
            "ref": ref or "LOT-" + new_uid()[:8], "lotNumber": number or new_uid()[:6],
            "patrimonyUid": patrimony, "usage": usage,
            "addresses": addresses or [address()]}))

    def contact(self, company, name="Marc Perrin", **fields):
        body = {"companyUid": company, "date": "2021-02-10T15:02:51+01:00",
                "name": {"value": name, "nameType": "PoorName"}}
        body.update(fields)
        return self.created(self.post(CONTACTS, "AddProviderContact", body))


def address(**fields):
    """A valid LotAddressInput, with FIELDS added or replaced."""
    value = {"number": "14", "street": "rue des Tilleuls", "zipCode": "69003", "city": "Lyon"}
    value.update(fields)
    return value


def error_type(reply):
    return reply.json()["errorType"]
