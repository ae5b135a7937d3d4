"""The small estate that the OpenAPI tests read and change: a call center,
a client account with an agency, a patrimony, a lot, a provider contact and a
ticket, each made by a command whose response the description checks."""

import uuid

COMPANIES = "/api/vEvent/clientcompanies"
PATRIMONIES = "/api/vEvent/patrimonies"
LOTS = "/api/vEvent/lots"
CONTACTS = "/api/vEvent/providercontacts"
TICKETS = "/api/vEvent/tickets"


def new_uid():
    return str(uuid.uuid4())


def created_uid(response):
    assert response.status == 201, response
    return response.json()["events"][0]["aggregateUid"]


class World:
    """A call center, a client account with an agency, a patrimony, a lot, a
    provider contact and a ticket, made through checked commands."""

    def __init__(self, client):
        self.call_center = created_uid(client.command("POST", COMPANIES, "CreateCallCenter",
                                                      createdDate="2021-01-01", name="Centre OpenAPI"))
        self.company = created_uid(client.command(
            "POST", COMPANIES, "CreateClientAccount", callCenterReference=self.call_center,
            createdDate="2021-02-01", name="Foncière OpenAPI", billingType="PremiumAccount",
            siretNumber="51234567800019"))
        reply = client.command("POST", f"{COMPANIES}/{self.company}/agencies", "CreateAgency",
                               createdDate="2021-02-03",
                               agency={"name": "Agence OpenAPI", "ref": "AOA",
                                       "address": {"number": "27", "street": "rue Garibaldi",
                                                   "zipCode": "69003", "city": "Lyon"}})
        assert reply.status == 201, reply
        self.agency = reply.json()["events"][0]["agency"]["agencyUid"]
        self.patrimony = created_uid(client.command("POST", PATRIMONIES, "ReferencePatrimony",
                                                    ref="OA-01", label="Résidence OpenAPI",
                                                    agencyUids=[self.agency]))
        self.lot_ref = "OA-LOT-" + new_uid()[:8]
        self.lot = created_uid(client.command(
            "POST", LOTS, "ReferenceLot", ref=self.lot_ref, lotNumber="B12", patrimonyUid=self.patrimony,
            usage="Apartment", addresses=[{"number": "14", "street": "rue des Tilleuls",
                                           "zipCode": "69003", "city": "Lyon",
                                           "geoLocation": {"lat": 45.76, "lng": 4.85}}]))
        self.contact = created_uid(client.command(
            "POST", CONTACTS, "AddProviderContact", companyUid=self.company,
            date="2021-02-10T15:02:51+01:00", phones=["0478112233"],
            name={"firstName": "Marc", "lastName": "Perrin", "nameType": "CivilName"}))
        self.ticket = created_uid(client.command("POST", TICKETS, "OpenTicket", **open_ticket_fields(self)))


def open_ticket_fields(world, **extra):
    return {
        "locationRef": {"patrimonyUid": world.patrimony, "locationReferenceType": "PatrimonyLocation"},
        "ticket": {
            "caller": {"name": {"value": "Claire Fontaine", "nameType": "PoorName"},
                       "medium": {"phone": "0472001122", "contactMediumType": "Phone"},
                       "callerType": "HumanCaller"},
            "claimNumber": {"clientClaimNumber": "SIN-OA-0457"},
            "contactToCallback": {"name": "Gardien", "medium": {"mail": "gardien@example.test",
                                                                "contactMediumType": "Mail"}},
            "address": {"street": "14 rue des Tilleuls", "zipCode": "69003", "city": "Lyon"},
            "request": "Fuite d'eau sous l'évier",
            "callPurposeLabel": "Plomberie / Fuite",
            "additionalData": {"Code immeuble": "TIL-01", "Vide": None},
        },
        "openedDate": "2021-03-15T09:05:00+01:00",
        **extra,
    }
