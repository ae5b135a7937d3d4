#!/usr/bin/python3
"""Write a deterministic, realistic demo data set for perfimmo-admin import.

    tests/data/gen_demo.py --size small --out var/demo

Sizes: small (loads in seconds: 12 agencies, 200 patrimonies, 3 000 lots,
80 provider contacts, 2 000 tickets), medium (20 000 tickets) and large
(100 000 tickets, about a million events).  The same size and --seed always
give the same files, uids included.

Files, in the order they must be imported (manifest.tsv lists them with the
--company and --as each needs):

  01_companies.jsonl     call center, holding, 3 client accounts, agencies
  02_patrimoines.csv     patrimonies of the first client account: the onboarding
                         sheet, UTF-8 with a byte order mark, `;` separators
  03_estate.jsonl        the other patrimonies, every lot, the other contacts
  04_prestataires.csv    provider contacts of the first client account: the
                         sheet as Excel exports it, Windows-1252, `,` separators,
                         quoted multi-value cells, a line break inside a cell
  05_users.jsonl         users of every kind
  06_tickets.jsonl       tickets and their lifecycles, sent as the call-center user

samples.tsv names a ticket, an agency and a patrimony of the set for the
first requests that `scripts/dev up` prints.

Each JSON line is {"method", "path", "body"}: the body the write API takes.
Rows of the sheets get their uids from perfimmo-admin import (name-based,
src/import/import_uid.c); import_uid() below computes the same ones so that
the tickets can name those patrimonies and contacts.
"""

import argparse
import datetime
import json
import os
import random
import sys
import uuid
import zoneinfo

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

# The namespace of src/import/import_uid.c.
IMPORT_NAMESPACE = uuid.UUID(bytes=bytes([0x6b, 0x2f, 0x1c, 0x8e, 0x4a, 0x53, 0x4d, 0x0b,
                                          0x9e, 0x71, 0x3a, 0xc5, 0x20, 0xd8, 0x46, 0xf9]))

SIZES = {
    # agencies, patrimonies, lots, contacts, tickets
    "small": (12, 200, 3000, 80, 2000),
    "medium": (24, 1000, 15000, 300, 20000),
    "large": (40, 4000, 40000, 800, 100000),
}

# Real cities and postcodes; the agencies are spread over them.
CITIES = [
    ("Lyon", "69003"), ("Villeurbanne", "69100"), ("Grenoble", "38000"),
    ("Saint-Étienne", "42000"), ("Annecy", "74000"), ("Chambéry", "73000"),
    ("Valence", "26000"), ("Mâcon", "71000"), ("Bourg-en-Bresse", "01000"),
    ("Clermont-Ferrand", "63000"), ("Dijon", "21000"), ("Vienne", "38200"),
]
STREET_TYPES = ["rue", "avenue", "boulevard", "impasse", "allée", "place", "chemin", "quai", "cours"]
STREET_NAMES = ["Victor Hugo", "de la République", "des Lilas", "Jean Jaurès", "du Général de Gaulle",
                "Pasteur", "des Tilleuls", "de la Gare", "Émile Zola", "Saint-Exupéry", "des Écoles",
                "du Château", "Voltaire", "de la Fontaine", "des Peupliers", "Gambetta",
                "Anatole France", "de Lattre de Tassigny", "des Acacias", "du Moulin"]
RESIDENCES = ["Résidence Les Érables", "Le Clos Fleuri", "Les Terrasses du Parc", "Le Belvédère",
              "Les Jardins de l'Hôtel de Ville", "Le Carré Saint-Louis", "Les Hauts de Saône",
              "La Côte Dorée", "Le Patio", "Les Marronniers", "Le Forum", "Le Domaine des Cèdres"]
FIRST_NAMES = ["Hélène", "François", "Benoît", "Clémence", "Jérôme", "Cécile", "Loïc", "Noémie",
               "Gaëlle", "Stéphane", "Anaïs", "Frédéric", "Élodie", "Raphaël", "Maëlys", "Joël",
               "Agnès", "Thérèse", "Aurélien", "Léa"]
LAST_NAMES = ["Lefèvre", "Girard", "Mercier", "Dupré", "Chevalier", "Bérard", "Rivière", "Bonnaire",
              "Fabre", "Garnier", "Lemaître", "Pécresse", "Moreau", "Faure", "Rousseau", "Roché"]
COMPANY_WORDS = ["Dépannage", "Services", "Artisans", "Techniques", "Maintenance"]

# Trades and the call purposes they handle: the table of src/import/trades.c.
TRADES = {
    "plombier": ["fuite d'eau", "dégât des eaux", "canalisation bouchée"],
    "chauffagiste": ["chauffage en panne", "pas d'eau chaude"],
    "électricien": ["panne électrique", "interphone en panne"],
    "serrurier": ["porte bloquée", "serrure cassée"],
    "vitrier": ["vitre cassée"],
    "ascensoriste": ["panne d'ascenseur"],
}
REQUESTS = {
    "fuite d'eau": "Fuite d'eau sous l'évier de la cuisine, le voisin du dessous signale une tache",
    "dégât des eaux": "Dégât des eaux au plafond de la salle de bains",
    "canalisation bouchée": "Évacuation de la douche bouchée, l'eau ne s'écoule plus",
    "chauffage en panne": "Chauffage en panne, radiateurs froids dans tout l'appartement",
    "pas d'eau chaude": "Plus d'eau chaude depuis ce matin, ballon en défaut",
    "panne électrique": "Panne électrique dans les parties communes, éclairage coupé",
    "interphone en panne": "Interphone muet, les visiteurs ne peuvent plus sonner",
    "porte bloquée": "Porte du hall bloquée, les résidents ne peuvent plus entrer",
    "serrure cassée": "Serrure de la porte d'entrée cassée",
    "vitre cassée": "Vitre cassée au rez-de-chaussée, risque de coupure",
    "panne d'ascenseur": "Panne d'ascenseur, cabine bloquée au 4e étage",
}
USAGES = ["Apartment"] * 12 + ["ResidentialParking"] * 4 + ["ResidentialCellar"] * 3 + \
    ["RetailShop", "Office", "BoilerRoom", "Elevator"]

# Lifecycle shares of the tickets, in per cent; they add up to 100.
LIFECYCLES = [("repaired", 42), ("still_open", 22), ("cancelled", 10), ("reopened", 8),
              ("formal_notice", 8), ("corrected", 10)]


def import_uid(*parts):
    """The uid perfimmo-admin import derives from PARTS (src/import/import_uid.c)."""
    return str(uuid.uuid5(IMPORT_NAMESPACE, "".join(part + "\0" for part in parts)))


def ascii_name(text):
    """TEXT lowercased without accents, for an e-mail domain."""
    return text.lower().translate(str.maketrans("éèêëàâäîïôöûüç", "eeeeaaaiioouuc"))


def luhn_complete(digits):
    """DIGITS followed by the Luhn check digit."""
    total = 0
    for index, char in enumerate(reversed(digits + "0")):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return digits + str((10 - total % 10) % 10)


class Generator:
    def __init__(self, size, seed):
        self.agency_count, self.patrimony_count, self.lot_count, self.contact_count, \
            self.ticket_count = SIZES[size]
        self.rng = random.Random(f"{seed}-{size}")
        self.clock = datetime.datetime(2025, 3, 3, 8, 0, tzinfo=PARIS)

    # ------------------------------------------------------------ helpers

    def uid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def command(self, method, path, command_type, **fields):
        body = {"processUid": self.uid(), "commandType": command_type}
        body.update(fields)
        return {"method": method, "path": path, "body": body}

    def person(self):
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def phone(self, prefix=None):
        prefix = prefix or self.rng.choice(["04", "06", "07"])
        return prefix + f"{self.rng.randrange(10 ** 8):08d}"

    def siret(self):
        while True:
            siret = luhn_complete(luhn_complete(f"{self.rng.randrange(1, 10 ** 8):08d}") +
                                  f"{self.rng.randrange(10 ** 4):04d}")
            if not siret.startswith("356000000"):
                return siret

    def street(self):
        return f"{self.rng.choice(STREET_TYPES)} {self.rng.choice(STREET_NAMES)}"

    @staticmethod
    def iso(moment):
        return moment.isoformat(timespec="seconds")

    @staticmethod
    def working(moment):
        """MOMENT moved forward into working hours (Monday-Friday 8:00-18:00, Paris)."""
        moment = moment.astimezone(PARIS)
        while True:
            if moment.weekday() >= 5:
                moment = (moment + datetime.timedelta(days=7 - moment.weekday())).replace(hour=8, minute=0)
            elif moment.hour < 8:
                moment = moment.replace(hour=8, minute=0)
            elif moment.hour >= 18:
                moment = (moment + datetime.timedelta(days=1)).replace(hour=8, minute=0)
            else:
                return moment

    # ------------------------------------------------------------ companies

    def companies(self):
        self.call_center = self.uid()
        self.holding = self.uid()
        yield self.command("POST", "/api/vEvent/clientcompanies", "CreateCallCenter",
                           aggregateUid=self.call_center, createdDate="2024-09-02",
                           name="Centre d'appels Rhône-Alpes Assistance", siretNumber=self.siret())
        yield self.command("POST", "/api/vEvent/clientcompanies", "CreateClientAccountHolding",
                           aggregateUid=self.holding, callCenterReference=self.call_center,
                           createdDate="2024-09-02", name="Groupe Habitat Dauphiné")
        names = ["Foncière Rhône Habitat", "Régie des Alpes", "Syndic Bourgogne Auvergne"]
        billing = ["PremiumAccount", "StandardAccount", "SponsoredAccount"]
        self.clients = []
        for index, name in enumerate(names):
            uid = self.uid()
            self.clients.append(uid)
            fields = dict(aggregateUid=uid, callCenterReference=self.call_center,
                          createdDate="2024-09-16", name=name, siretNumber=self.siret(),
                          billingType=billing[index])
            if index < 2:
                fields["holdingReference"] = self.holding
            yield self.command("POST", "/api/vEvent/clientcompanies", "CreateClientAccount", **fields)

        # Agencies: five, four and three for small; the same shares for larger sets.
        shares = [self.agency_count * 5 // 12, self.agency_count * 4 // 12]
        shares.append(self.agency_count - sum(shares))
        self.agencies = []          # (uid, company index, city, postcode, ref)
        for company, count in enumerate(shares):
            for _ in range(count):
                city, postcode = CITIES[len(self.agencies) % len(CITIES)]
                uid = self.uid()
                ref = f"AG{len(self.agencies) + 1:02d}"
                self.agencies.append((uid, company, city, postcode, ref))
                yield self.command(
                    "POST", f"/api/vEvent/clientcompanies/{self.clients[company]}/agencies", "CreateAgency",
                    createdDate="2024-09-20",
                    agency={"agencyUid": uid, "name": f"Agence {city} {ref}", "ref": ref,
                            "address": {"number": str(self.rng.randrange(1, 120)), "street": self.street(),
                                        "zipCode": postcode, "city": city},
                            "phones": [self.phone("04")],
                            "emails": [f"{ref.lower()}@agences.example"]})

    # ------------------------------------------------------------ patrimonies

    def patrimony_rows(self):
        """Every patrimony: (uid, company, agency uids, ref, label, number, street, postcode, city)."""
        self.patrimonies = []
        for index in range(self.patrimony_count):
            agency = self.agencies[index % len(self.agencies)]
            company = agency[1]
            agencies = [agency[0]]
            same_company = [a for a in self.agencies if a[1] == company and a[0] != agency[0]]
            if same_company and self.rng.random() < 0.1:
                agencies.append(self.rng.choice(same_company)[0])
            ref = f"PAT-{company + 1}-{index + 1:05d}"
            label = f"{self.rng.choice(RESIDENCES)} {index + 1}"
            number = str(self.rng.randrange(1, 180))
            if self.rng.random() < 0.08:
                number += " bis"
            # The sheet's rows get their uid from the import; the others get a random one.
            uid = import_uid("patrimony", self.clients[0], ref) if company == 0 else self.uid()
            self.patrimonies.append((uid, company, agencies, ref, label, number, self.street(),
                                     agency[3], agency[2]))

    def patrimony_sheet(self):
        """The onboarding sheet of the first client account: ref;agencies;label;address."""
        lines = ["ref;agencies;label;address"]
        for uid, company, agencies, ref, label, number, street, postcode, city in self.patrimonies:
            if company != 0:
                continue
            # Agencies by uid or by their ref, several in one quoted cell.
            named = [a if self.rng.random() < 0.5 else self.agency_ref(a) for a in agencies]
            cell = ",".join(named)
            if len(named) > 1:
                cell = f'"{cell}"'
            lines.append(f"{ref};{cell};{label};{number} {street} {postcode} {city}")
        return "\ufeff" + "\r\n".join(lines) + "\r\n"

    def agency_ref(self, uid):
        return next(a[4] for a in self.agencies if a[0] == uid)

    def estate(self):
        """Patrimonies of the other client accounts, then every lot."""
        for uid, company, agencies, ref, label, number, street, postcode, city in self.patrimonies:
            if company == 0:
                continue
            yield self.command("POST", "/api/vEvent/patrimonies", "ReferencePatrimony",
                               aggregateUid=uid, ref=ref, agencyUids=agencies, label=label)
            yield self.command("PATCH", f"/api/vEvent/patrimonies/{uid}",
                               "AddComplementaryAddressToPatrimony",
                               complementaryAddress={"number": number, "street": street,
                                                     "zipCode": postcode, "city": city})
        self.lots = []
        for index in range(self.lot_count):
            patrimony = self.patrimonies[index % len(self.patrimonies)]
            uid = self.uid()
            number = f"{'ABC'[index // len(self.patrimonies) % 3]}{index // len(self.patrimonies) + 1:02d}"
            self.lots.append((uid, patrimony[0]))
            yield self.command(
                "POST", "/api/vEvent/lots", "ReferenceLot", aggregateUid=uid,
                ref=f"{patrimony[3]}-{number}", lotNumber=number, patrimonyUid=patrimony[0],
                usage=self.rng.choice(USAGES),
                addresses=[{"number": patrimony[5], "street": patrimony[6], "zipCode": patrimony[7],
                            "city": patrimony[8],
                            "recipientSupplement": {"floor": str(self.rng.randrange(0, 8)),
                                                    "unit": number}}])

    # ------------------------------------------------------------ provider contacts

    def contact_rows(self):
        """Every contact: (uid, company, trade, name, siret, phones, mails, fax, patrimony refs)."""
        self.contacts = []
        trades = list(TRADES)
        for index in range(self.contact_count):
            company = index % 3
            trade = trades[index % len(trades)]
            first, last = self.person()
            name = f"{last} {self.rng.choice(COMPANY_WORDS)}"
            siret = self.siret()
            phones = [self.phone("06"), self.phone("04")][:1 + (index % 2)]
            mails = [f"contact{index + 1}@{ascii_name(trade)}-{ascii_name(last)}.example"]
            fax = [self.phone("04")] if index % 5 == 0 else []
            mine = [p for p in self.patrimonies if p[1] == company]
            refs = [p[3] for p in self.rng.sample(mine, min(3, len(mine)))]
            uid = import_uid("providerContact", self.clients[0], siret, name) if company == 0 else self.uid()
            self.contacts.append((uid, company, trade, name, siret, phones, mails, fax, refs))

    def contact_sheet(self):
        """The contacts of the first client account as a spreadsheet exports them."""
        lines = ["siret,name,phones,mails,fax,activities,patrimoines"]
        for index, (uid, company, trade, name, siret, phones, mails, fax, refs) in enumerate(self.contacts):
            if company != 0:
                continue
            spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
            # A line break inside one cell, as Alt+Enter in a spreadsheet gives.
            phone_cell = "\n".join(phones) if index % 7 == 0 else ",".join(phones)
            cells = [spaced, name, phone_cell, ",".join(mails), ",".join(fax), trade, ",".join(refs)]
            lines.append(",".join(f'"{c}"' if any(x in c for x in ',"\n') else c for c in cells))
        return ("\r\n".join(lines) + "\r\n").encode("cp1252")

    def other_contacts(self):
        for uid, company, trade, name, siret, phones, mails, fax, refs in self.contacts:
            if company == 0:
                continue
            path = f"/api/vEvent/providercontacts/{uid}"
            yield self.command("POST", "/api/vEvent/providercontacts", "AddProviderContact",
                               aggregateUid=uid, companyUid=self.clients[company],
                               providerCompanyUid=import_uid("providerCompany", siret),
                               date="2024-10-01T09:00:00+02:00",
                               name={"value": name, "nameType": "PoorName"},
                               phones=phones, emails=mails, fax=fax)
            yield self.command("PATCH", path, "AssignActivityToProviderContact",
                               activityUid=import_uid("activity", trade),
                               includedIncidentTypes=[import_uid("incidentType", p) for p in TRADES[trade]])
            for ref in refs:
                patrimony = next(p for p in self.patrimonies if p[3] == ref)
                yield self.command("PATCH", path, "AssociateProviderContactWithPatrimony",
                                   patrimonyUid=patrimony[0])

    # ------------------------------------------------------------ users

    def users(self):
        """One user of each kind per client account, and call-center users."""
        self.call_center_login = "standard@rhone-alpes-assistance.example"
        yield self.user("ReferenceCallCenterUser", self.call_center, self.call_center_login,
                        "Hélène", "Marchand", "Chargée d'accueil")
        yield self.user("ReferenceCallCenterUser", self.call_center, "nuit@rhone-alpes-assistance.example",
                        "François", "Benoît", "Permanence de nuit")
        for company, client in enumerate(self.clients):
            domain = f"client{company + 1}.example"
            yield self.user("ReferenceClientAccountManager", client, f"gestion@{domain}",
                            *self.person(), "Gestionnaire de compte")
            agencies = [a[0] for a in self.agencies if a[1] == company]
            yield self.user("ReferenceExecutive", client, f"direction@{domain}", *self.person(),
                            "Directeur d'agence", managedAgencies=agencies[:1])
            patrimonies = [p[0] for p in self.patrimonies if p[1] == company][:5]
            yield self.user("ReferencePatrimonyManager", client, f"patrimoine@{domain}", *self.person(),
                            "Gestionnaire de patrimoine", managedPatrimonies=patrimonies)

    def user(self, command_type, company, login, first, last, job, **extra):
        return self.command("POST", "/api/vEvent/users", command_type, aggregateUid=self.uid(),
                            login=login, companyUid=company, firstName=first, lastName=last,
                            job=job, phone=self.phone(), **extra)

    # ------------------------------------------------------------ tickets

    def lifecycle(self):
        roll = self.rng.randrange(100)
        for name, share in LIFECYCLES:
            if roll < share:
                return name
            roll -= share
        return LIFECYCLES[0][0]

    def tickets(self):
        # Tickets open one after the other over working hours from early March,
        # so the set crosses the change to summer time (last Sunday of March).
        span = datetime.timedelta(days=42 * max(1, self.ticket_count // 2000) ** 0.5)
        step = span / self.ticket_count
        opened = self.clock
        for index in range(self.ticket_count):
            opened = self.working(opened + step)
            yield from self.ticket(index, opened)

    def ticket(self, index, opened):
        rng = self.rng
        uid = self.uid()
        if index == 0:
            self.first_ticket = uid
        path = f"/api/vEvent/tickets/{uid}"
        patrimony = rng.choice(self.patrimonies)
        trade = rng.choice(list(TRADES))
        purpose = rng.choice(TRADES[trade])
        contacts = [c for c in self.contacts if c[1] == patrimony[1] and c[2] == trade] or \
            [c for c in self.contacts if c[1] == patrimony[1]]
        contact = rng.choice(contacts)
        clock = [opened]

        def later(low, high):
            clock[0] = self.working(clock[0] + datetime.timedelta(minutes=rng.randrange(low, high)))
            return self.iso(clock[0])

        first, last = self.person()
        infos = {
            "caller": {"name": {"firstName": first, "lastName": last, "nameType": "CivilName"},
                       "medium": {"phone": self.phone(), "contactMediumType": "Phone"},
                       "callerType": "HumanCaller"},
            "claimNumber": {"callCenterClaimNumber": f"RAA-2025-{index + 1:06d}"},
            "address": {"street": f"{patrimony[5]} {patrimony[6]}", "zipCode": patrimony[7],
                        "city": patrimony[8]},
            "request": REQUESTS[purpose],
            "callPurposeLabel": purpose,
            "callPurposeUid": import_uid("incidentType", purpose),
            "additionalData": {"Étage": str(rng.randrange(0, 8)), "Code porte": f"{rng.randrange(10000):04d}"},
        }
        yield self.command("POST", "/api/vEvent/tickets", "OpenTicket", aggregateUid=uid,
                           locationRef={"patrimonyUid": patrimony[0],
                                        "locationReferenceType": "PatrimonyLocation"},
                           ticket=infos, openedDate=self.iso(opened))

        kind = self.lifecycle()
        assignee = {"providerUid": contact[0], "assigneeType": "ReferencedProviderContact"}
        provider = {"providerUid": contact[0], "providerType": "ReferencedProvider"}
        phone = {"phone": contact[5][0], "contactMediumType": "Phone"}

        message = self.command("PATCH", path, "AddMessage", message="Gardien prévenu, accès par la loge",
                               messageAddedDate=later(5, 40))
        yield message
        if kind == "corrected":
            yield self.command("PATCH", path, "CorrectTicketEventInformations",
                               targetedEvent=message["body"]["processUid"],
                               text="Gardienne prévenue, accès par le local vélos", date=later(5, 30))
            yield self.command("PATCH", path, "CorrectCaller",
                               caller={"name": {"firstName": first, "lastName": f"{last}-Roussel",
                                                "nameType": "CivilName"},
                                       "callerType": "HumanCaller"})
        if kind == "cancelled":
            yield self.command("PATCH", path, "ReceiveCall", callPurpose="Annulation", caller=f"{first} {last}",
                               medium={"phone": infos["caller"]["medium"]["phone"], "contactMediumType": "Phone"},
                               comment="Le problème s'est résolu tout seul", date=later(30, 240))
            yield self.command("PATCH", path, "CancelTicket", comment="Demande annulée par le locataire",
                               date=later(5, 30))
            return

        yield self.command("PATCH", path, "EmitCallTo", medium=phone, date=later(10, 60),
                           recipient={"provider": provider, "personaType": "ProviderPersona"},
                           comment="Demande d'intervention transmise")
        yield self.command("PATCH", path, "IdentifyAssignee", assignee=assignee, date=later(5, 60),
                           instructions="Se présenter à la loge du gardien")
        if kind == "still_open" and rng.random() < 0.5:
            return
        yield self.command("PATCH", path, "RequestIntervention", assignee=assignee, medium=phone,
                           date=later(5, 30))
        yield self.command("PATCH", path, "AcceptIntervention", assignee=assignee, date=later(30, 240))
        if kind == "formal_notice":
            deadline = self.working(clock[0] + datetime.timedelta(days=2))
            yield self.command("PATCH", path, "DefineInterventionDeadline", assignee=assignee,
                               date=later(5, 30), deadline=self.iso(deadline))
            clock[0] = deadline
            notice = later(600, 1500)
            yield self.command("PATCH", path, "ReportFormalNoticeForProvider", ref=f"MED-{index + 1:06d}",
                               assignee=assignee, reportDate=notice,
                               deadline=self.iso(self.working(clock[0] + datetime.timedelta(days=3))))
        start = self.working(clock[0] + datetime.timedelta(hours=rng.randrange(18, 70)))
        yield self.command("PATCH", path, "ScheduleIntervention", assignee=assignee, date=later(10, 60),
                           startDate=self.iso(start), endDate=self.iso(start + datetime.timedelta(hours=2)))
        if kind == "still_open":
            return
        clock[0] = start
        yield self.command("PATCH", path, "StartIntervention", assignee=assignee, startedDate=later(1, 20))
        yield self.command("PATCH", path, "FinishIntervention", assignee=assignee, finishedDate=later(30, 150))
        yield self.command("PATCH", path, "FixPermanently", provider=provider, stillOnSite="No",
                           brakedownNature=purpose, report="Intervention terminée, essais concluants",
                           closingDate=later(10, 120))
        if kind == "reopened":
            yield self.command("PATCH", path, "ReopenTicket", purpose="Le problème est revenu",
                               date=later(600, 3000))
            yield self.command("PATCH", path, "EmitCallTo", medium=phone, date=later(10, 60),
                               recipient={"provider": provider, "personaType": "ProviderPersona"},
                               comment="Retour demandé sous garantie")
            if rng.random() < 0.6:
                yield self.command("PATCH", path, "FixPermanently", provider=provider, stillOnSite="No",
                                   report="Reprise sous garantie", closingDate=later(600, 2400))


def write_jsonl(path, commands):
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for command in commands:
            out.write(json.dumps(command, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


def write_set(size, seed, out):
    """Writes the files of one set into folder OUT; returns the generator (its uids) and counts."""
    os.makedirs(out, exist_ok=True)
    generator = Generator(size, seed)
    counts = {}
    counts["01_companies.jsonl"] = write_jsonl(os.path.join(out, "01_companies.jsonl"),
                                               generator.companies())
    generator.patrimony_rows()
    with open(os.path.join(out, "02_patrimoines.csv"), "w", encoding="utf-8", newline="") as handle:
        handle.write(generator.patrimony_sheet())
    generator.contact_rows()
    counts["03_estate.jsonl"] = write_jsonl(os.path.join(out, "03_estate.jsonl"),
                                            list(generator.estate()) + list(generator.other_contacts()))
    with open(os.path.join(out, "04_prestataires.csv"), "wb") as handle:
        handle.write(generator.contact_sheet())
    counts["05_users.jsonl"] = write_jsonl(os.path.join(out, "05_users.jsonl"), generator.users())
    counts["06_tickets.jsonl"] = write_jsonl(os.path.join(out, "06_tickets.jsonl"), generator.tickets())

    with open(os.path.join(out, "samples.tsv"), "w", encoding="utf-8") as handle:
        handle.write(f"ticket\t{generator.first_ticket}\n")
        handle.write(f"agency\t{generator.agencies[0][0]}\n")
        handle.write(f"patrimony\t{generator.patrimonies[0][0]}\n")
    company = generator.clients[0]
    with open(os.path.join(out, "manifest.tsv"), "w", encoding="utf-8") as handle:
        handle.write("# file\tcompany (for a sheet)\tacting login (- = the superUser)\n")
        handle.write("01_companies.jsonl\t-\t-\n")
        handle.write(f"02_patrimoines.csv\t{company}\t-\n")
        handle.write("03_estate.jsonl\t-\t-\n")
        handle.write(f"04_prestataires.csv\t{company}\t-\n")
        handle.write("05_users.jsonl\t-\t-\n")
        handle.write(f"06_tickets.jsonl\t-\t{generator.call_center_login}\n")
    return generator, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", required=True, help="folder to write the files into")
    args = parser.parse_args()

    _, counts = write_set(args.size, args.seed, args.out)
    print(f"gen_demo: {args.size} set in {args.out}: " +
          ", ".join(f"{name} {count} commands" for name, count in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
