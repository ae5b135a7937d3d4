"""Helpers of the ticket integration tests: commands over HTTPS, and the
companies, agencies, patrimonies and provider contacts a ticket refers to.

Every entity is created through the API's own commands.
"""

import time
import uuid


def new_uid():
    return str(uuid.uuid4())


def wait_for_host(api, seconds=15):
    """Wait until nginx serves the host of API, a tenant just created: `tenant
    create` reloads nginx, and its new workers take over a moment after the
    command returns."""
    deadline = time.monotonic() + seconds
    while api.get("/api/health").status == 421:
        assert time.monotonic() < deadline, f"nginx does not serve {api.client.host} after {seconds} s"
        time.sleep(0.2)


class Api:
    """Authenticated JSON calls on one tenant."""

    def __init__(self, client, key, english=False):
        self.client = client
        self.key = key
        self.english = english

    def headers(self):
        headers = {"Authorization": self.key}
        if self.english:
            headers["Accept-Language"] = "en"
        return headers

    def get(self, path):
        return self.client.get(path, headers=self.headers())

    def post(self, path, body):
        return self.client.post(path, body=body, headers=self.headers())

    def patch(self, path, body):
        return self.client.patch(path, body=body, headers=self.headers())

    def command(self, method, path, command_type, **fields):
        body = {"processUid": new_uid(), "commandType": command_type}
        body.update(fields)
        return self.request(method, path, body)

    def request(self, method, path, body):
        if method == "POST":
            return self.post(path, body)
        return self.patch(path, body)

    def ticket(self, uid, command_type, **fields):
        """PATCH one increment on ticket UID."""
        return self.command("PATCH", f"/api/vEvent/tickets/{uid}", command_type, **fields)

    def journal_next(self):
        """Position after the last stored event (GET /api/v1/events)."""
        after = 0
        for _ in range(10000):
            reply = self.get(f"/api/v1/events?after={after}&limit=1000").json()
            if not reply["events"]:
                return reply["next"]
            after = reply["next"]
        raise AssertionError("journal too long to scan")

    def events_after(self, position):
        return self.get(f"/api/v1/events?after={position}&limit=1000").json()["events"]


class World:
    """A call center, a client account with agencies, patrimonies and contacts."""

    def __init__(self, api):
        self.api = api
        self.call_center = new_uid()
        self.company = new_uid()
        reply = api.command("POST", "/api/vEvent/clientcompanies", "CreateCallCenter",
                            aggregateUid=self.call_center, createdDate="2021-01-01",
                            name="Centre Appels Test")
        assert reply.status == 201, reply
        reply = api.command("POST", "/api/vEvent/clientcompanies", "CreateClientAccount",
                            aggregateUid=self.company, callCenterReference=self.call_center,
                            createdDate="2021-01-01", name="Foncière Rhône")
        assert reply.status == 201, reply

    def agency(self, name):
        uid = new_uid()
        reply = self.api.command("POST", f"/api/vEvent/clientcompanies/{self.company}/agencies",
                                 "CreateAgency", createdDate="2021-01-02",
                                 agency={"agencyUid": uid, "name": name})
        assert reply.status == 201, reply
        return uid

    def delete_agency(self, uid):
        reply = self.api.command("PATCH", f"/api/vEvent/clientcompanies/{self.company}/agencies/{uid}",
                                 "DeleteAgency", deletedDate="2021-01-03")
        assert reply.status == 200, reply

    def patrimony(self, ref, agencies, label=None):
        uid = new_uid()
        fields = {"aggregateUid": uid, "ref": ref, "agencyUids": agencies}
        if label:
            fields["label"] = label
        reply = self.api.command("POST", "/api/vEvent/patrimonies", "ReferencePatrimony", **fields)
        assert reply.status == 201, reply
        return uid

    def associate_patrimony(self, patrimony, agency):
        reply = self.api.command("PATCH", f"/api/vEvent/patrimonies/{patrimony}",
                                 "AssociatePatrimonyInAgency", agencyUid=agency)
        assert reply.status == 200, reply

    def contact(self, first_name, last_name, phones=()):
        uid = new_uid()
        name = {"firstName": first_name, "lastName": last_name, "nameType": "CivilName"}
        reply = self.api.command("POST", "/api/vEvent/providercontacts", "AddProviderContact",
                                 aggregateUid=uid, date="2021-01-02T00:00:00Z", name=name,
                                 phones=list(phones), companyUid=self.company)
        assert reply.status == 201, reply
        return uid


def ticket_infos(city="Lyon", request="Fuite d'eau sous l'évier", purpose="Plomberie / Fuite",
                 caller_name="Claire Fontaine", **extra):
    infos = {
        "caller": {"name": {"value": caller_name, "nameType": "PoorName"},
                   "medium": {"phone": "0472001122", "contactMediumType": "Phone"},
                   "callerType": "HumanCaller"},
        "address": {"street": "14 rue des Tilleuls", "zipCode": "69003", "city": city},
        "request": request,
        "callPurposeLabel": purpose,
    }
    infos.update(extra)
    return infos


def agency_location(uid):
    return {"agencyUid": uid, "locationReferenceType": "AgencyLocation"}


def patrimony_location(uid):
    return {"patrimonyUid": uid, "locationReferenceType": "PatrimonyLocation"}


def open_ticket(api, location, opened="2021-03-15T09:05:00+01:00", uid=None, **infos):
    uid = uid or new_uid()
    reply = api.command("POST", "/api/vEvent/tickets", "OpenTicket", aggregateUid=uid,
                        locationRef=location, ticket=ticket_infos(**infos), openedDate=opened)
    assert reply.status == 201, reply
    return uid


def contact_assignee(uid):
    return {"providerUid": uid, "assigneeType": "ReferencedProviderContact"}


def anonymous_assignee(name="Plombier Express"):
    return {"name": {"value": name, "nameType": "PoorName"}, "phones": ["0600000000"],
            "assigneeType": "AnonymousAssignee"}


def journal_events(detail):
    """Flatten the DayEvent groups of a detail view."""
    return [event for day in detail["journal"] for event in day["events"]]
