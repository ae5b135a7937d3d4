"""Load the benchmark's data through the API, as the demo superUser.

    load.py ENV_FILE OUT_DIR [PATRIMONIES] [CALL_CENTERS]

Creates one call center and one client account with two agencies. Then
PATRIMONIES patrimonies (default 100), each with three complementary
addresses so that a detail view weighs about 1 KB, and as many tickets on
the first agency. Then CALL_CENTERS more call centers (default 32) for a
write scenario. Writes
OUT_DIR/tickets.txt, OUT_DIR/patrimonies.txt and OUT_DIR/callcenters.txt
(one uid a line) and the request paths of the GET scenarios:
OUT_DIR/detail.paths (tickets), OUT_DIR/patrimony.paths,
OUT_DIR/events.paths and OUT_DIR/list.paths."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from estate import Estate, address  # noqa: E402
from perfimmo_client import Client  # noqa: E402
from ticket_support import Api, agency_location, open_ticket  # noqa: E402

STREETS = ["rue des Tilleuls", "avenue Jean Jaurès", "quai Claude Bernard"]


def read_env(path):
    settings = {}
    with open(path, encoding="utf-8") as env:
        for line in env:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, _, value = line.partition("=")
            settings[key] = value.strip('"')
    return settings


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as out:
        out.write("".join(line + "\n" for line in lines))


def load(estate, patrimony_count, call_center_count):
    account = estate.client_account()
    agencies = [estate.agency(account), estate.agency(account)]
    patrimonies = []
    for i in range(patrimony_count):
        uid = estate.patrimony(agencies, ref=f"BENCH-{i:04d}",
                               label=f"Résidence des Chênes, bâtiment {i}")
        for n, street in enumerate(STREETS):
            reply = estate.patch(f"/api/vEvent/patrimonies/{uid}",
                                 "AddComplementaryAddressToPatrimony",
                                 {"complementaryAddress": address(
                                     number=str(n + 1), street=street, digicode="4321",
                                     floor="2", staircase="B",
                                     checker={"googlePlaceId": f"bench-{i}-{n}"})})
            assert reply.status == 200, reply
        patrimonies.append(uid)
    call_centers = [estate.call_center() for _ in range(call_center_count)]
    api = Api(estate.client, estate.headers["Authorization"])
    tickets = [open_ticket(api, agency_location(agencies[0]), request=f"Fuite d'eau, logement {i}")
               for i in range(patrimony_count)]
    return tickets, patrimonies, call_centers


def main():
    env_file, out_dir = sys.argv[1], sys.argv[2]
    patrimony_count = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    call_center_count = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    env = read_env(env_file)
    client = Client(env["PERFIMMO_HOST"], env["PERFIMMO_CONNECT"], env["PERFIMMO_CA_FILE"])
    estate = Estate(client, env["PERFIMMO_API_KEY"])

    tickets, patrimonies, call_centers = load(estate, patrimony_count, call_center_count)
    detail = estate.get(f"/api/v1/tickets/{tickets[0]}")
    assert detail.status == 200, detail

    os.makedirs(out_dir, exist_ok=True)
    write_lines(os.path.join(out_dir, "tickets.txt"), tickets)
    write_lines(os.path.join(out_dir, "patrimonies.txt"), patrimonies)
    write_lines(os.path.join(out_dir, "callcenters.txt"), call_centers)
    write_lines(os.path.join(out_dir, "detail.paths"),
                [f"/api/v1/tickets/{uid}" for uid in tickets])
    write_lines(os.path.join(out_dir, "patrimony.paths"),
                [f"/api/v1/patrimonies/{uid}" for uid in patrimonies])
    write_lines(os.path.join(out_dir, "events.paths"), ["/api/v1/events?after=0&limit=20"])
    write_lines(os.path.join(out_dir, "list.paths"), ["/api/v1/patrimonies?range=0-19"])
    print(f"load: {len(tickets)} tickets, {len(patrimonies)} patrimonies, "
          f"{len(call_centers)} call centers; a ticket detail view is {len(detail.body)} bytes")


if __name__ == "__main__":
    main()
