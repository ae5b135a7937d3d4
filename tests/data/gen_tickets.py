#!/usr/bin/python3
"""Write a deterministic ticket data set as JSON Lines of commands.

Each line is {"method", "path", "body"}: a call center, a client account, its
agencies, then TICKETS tickets, each opened and taken through a lifecycle of
about ten events (calls, messages, an assignee, an intervention, a closing).
The same --seed always gives the same file, uids included.

    tests/data/gen_tickets.py --tickets 100000 > var/bench/tickets.jsonl

Commands of one ticket appear in order; commands of different tickets are
independent, so a loader may send them on several connections at once as
long as it keeps each ticket's commands in order (key: the path).
"""

import argparse
import datetime
import json
import random
import sys
import uuid

CITIES = ["Lyon", "Villeurbanne", "Bron", "Vénissieux", "Caluire-et-Cuire", "Écully",
          "Saint-Priest", "Meyzieu", "Oullins", "Décines-Charpieu"]
PURPOSES = ["Plomberie / Fuite", "Électricité", "Chauffe-eau", "Serrurerie", "Ascenseur",
            "Chauffage", "Vitrerie", "Interphone", "Toiture", "Nuisibles"]
REQUESTS = ["Fuite d'eau sous l'évier", "Panne de courant dans la cuisine",
            "Chauffe-eau en panne, plus d'eau chaude", "Porte d'entrée bloquée",
            "Ascenseur à l'arrêt au 3e étage", "Radiateurs froids", "Vitre cassée au rez-de-chaussée",
            "Interphone muet", "Infiltration par la toiture", "Présence de cafards"]
NAMES = ["Claire Fontaine", "Marc Perrin", "Julie Martin", "Paul Durand", "Sophie Morel",
         "Hélène Garnier", "Émile Roux", "Léa Fabre", "Noël Girard", "Zoé Lambert"]
CLOSINGS = ["FixPermanently", "FixPartially", "CloseTicket", "CancelTicket", "PostponeFix"]


class Generator:
    def __init__(self, seed, tickets, agencies, start):
        self.rng = random.Random(seed)
        self.tickets = tickets
        self.agency_count = agencies
        self.start = start

    def uid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    @staticmethod
    def iso(moment):
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def command(self, method, path, command_type, **fields):
        body = {"processUid": self.uid(), "commandType": command_type}
        body.update(fields)
        return {"method": method, "path": path, "body": body}

    def companies(self):
        self.call_center = self.uid()
        self.company = self.uid()
        yield self.command("POST", "/api/vEvent/clientcompanies", "CreateCallCenter",
                           aggregateUid=self.call_center, createdDate="2020-01-01", name="Centre Bench")
        yield self.command("POST", "/api/vEvent/clientcompanies", "CreateClientAccount",
                           aggregateUid=self.company, callCenterReference=self.call_center,
                           createdDate="2020-01-01", name="Foncière Bench")
        self.agencies = []
        for index in range(self.agency_count):
            agency = self.uid()
            self.agencies.append(agency)
            yield self.command("POST", f"/api/vEvent/clientcompanies/{self.company}/agencies",
                               "CreateAgency", createdDate="2020-01-02",
                               agency={"agencyUid": agency, "name": f"Agence {index:03d} {self.rng.choice(CITIES)}"})

    def ticket(self, index):
        rng = self.rng
        uid = self.uid()
        path = f"/api/vEvent/tickets/{uid}"
        opened = self.start + datetime.timedelta(minutes=index * 5 + rng.randrange(5))
        clock = [opened]

        def later(minutes):
            clock[0] += datetime.timedelta(minutes=rng.randrange(1, minutes))
            return self.iso(clock[0])

        purpose = rng.randrange(len(PURPOSES))
        infos = {
            "caller": {"name": {"value": rng.choice(NAMES), "nameType": "PoorName"},
                       "medium": {"phone": f"04{rng.randrange(10**8):08d}", "contactMediumType": "Phone"},
                       "callerType": "HumanCaller"},
            "claimNumber": {"clientClaimNumber": f"SIN-{index:07d}"},
            "address": {"street": f"{rng.randrange(1, 200)} rue des Tilleuls", "zipCode": "69003",
                        "city": rng.choice(CITIES)},
            "request": REQUESTS[purpose],
            "callPurposeLabel": PURPOSES[purpose],
            "additionalData": {"Code immeuble": f"IMM-{rng.randrange(5000):04d}"},
        }
        yield self.command("POST", "/api/vEvent/tickets", "OpenTicket", aggregateUid=uid,
                           locationRef={"agencyUid": rng.choice(self.agencies),
                                        "locationReferenceType": "AgencyLocation"},
                           ticket=infos, openedDate=self.iso(opened))

        assignee = {"name": {"value": f"Prestataire {rng.randrange(300):03d}", "nameType": "PoorName"},
                    "phones": [f"06{rng.randrange(10**8):08d}"], "assigneeType": "AnonymousAssignee"}
        phone = {"phone": assignee["phones"][0], "contactMediumType": "Phone"}
        yield self.command("PATCH", path, "EmitCallTo", medium=phone, date=later(30),
                           recipient={"name": assignee["name"], "personaType": "UnClassifiedPersona"})
        yield self.command("PATCH", path, "AddMessage", message="Gardien prévenu", messageAddedDate=later(30))
        yield self.command("PATCH", path, "AddMessage", message=f"Code porte {rng.randrange(10000):04d}",
                           messageAddedDate=later(30))
        yield self.command("PATCH", path, "IdentifyAssignee", assignee=assignee, date=later(60),
                           instructions="Passer par l'entrée B")
        if rng.random() < 0.15:
            return
        yield self.command("PATCH", path, "AcceptIntervention", assignee=assignee, date=later(120))
        yield self.command("PATCH", path, "ScheduleIntervention", assignee=assignee, date=later(30),
                           startDate=self.iso(clock[0] + datetime.timedelta(hours=20)),
                           endDate=self.iso(clock[0] + datetime.timedelta(hours=22)))
        if rng.random() < 0.1:
            return
        yield self.command("PATCH", path, "StartIntervention", assignee=assignee, startedDate=later(1500))
        yield self.command("PATCH", path, "FinishIntervention", assignee=assignee, finishedDate=later(180))
        closing = rng.choice(CLOSINGS)
        if closing == "CancelTicket":
            yield self.command("PATCH", path, closing, date=later(60))
        else:
            yield self.command("PATCH", path, closing, stillOnSite="No", closingDate=later(60),
                               report="Intervention terminée")

    def commands(self):
        yield from self.companies()
        for index in range(self.tickets):
            yield from self.ticket(index)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100000)
    parser.add_argument("--agencies", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--start", default="2023-01-01", help="day of the first ticket (UTC)")
    args = parser.parse_args()

    start = datetime.datetime.fromisoformat(args.start).replace(tzinfo=datetime.timezone.utc)
    generator = Generator(args.seed, args.tickets, args.agencies, start)
    out = sys.stdout
    for command in generator.commands():
        out.write(json.dumps(command, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
