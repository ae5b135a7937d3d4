#!/usr/bin/python3
"""Print a digest of the responses to a fixed set of ticket reads, to compare two builds.

    tests/bench/ticket_read_digests.py --env var/dev.env > before.txt
    # restart perfimmo-api with the other build, then
    tests/bench/ticket_read_digests.py --env var/dev.env > after.txt
    diff before.txt after.txt

Each line is the status, the Content-Range, the SHA-256 of the body (first
16 hex digits), its length and the request.  The requests cover every
ticket filter alone and combined, `range` pages up to a 416, fulltext terms
with LIKE's special characters, the export and the stats, on the three
busiest agencies of the tenant.  Each request carries a parameter never
sent before, so the Redis view cache never serves it.
"""

import argparse
import hashlib
import sys
import time
import urllib.parse

sys.path.insert(0, __file__.rsplit("/tests/", 1)[0] + "/tests/integration")
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench_tickets import sample  # noqa: E402
from conftest import read_env_file  # noqa: E402
from perfimmo_client import _LoopbackHTTPSConnection, tls_context  # noqa: E402

CITIES = ["Lyon", "bron", "ecully", "Vénissieux"]
PURPOSES = ["Électricité", "chauffe-eau", "plomberie / fuite"]
TERMS = ["chauffe eau", "SIN-00123", "imm-04", "prestataire 042", "agence 001", "electricite,lyon",
         "zzz nothing", "100%", "a_b"]


def request_paths(agencies):
    quote = urllib.parse.quote
    paths = []
    for agency in agencies:
        paths += [f"/api/v1/tickets?agency={agency}",
                  f"/api/v1/tickets?agency={agency}&status=OPENED&range=0-99",
                  f"/api/v1/tickets?agency={agency}&status=CLOSED&range=100-199",
                  f"/api/v1/tickets?agency={agency},{agencies[0]}&intervention=false&range=5-54",
                  f"/api/v1/tickets/export?agency={agency}&range=0-999",
                  f"/api/v1/tickets/export?agency={agency}&range=1000-1999",
                  f"/api/v1/tickets/stats?agency={agency}",
                  f"/api/v1/tickets/stats?agency={agency}&from=2023-02-01&to=2023-03-15",
                  f"/api/v1/tickets/stats?agency={agency}&from=2023-03-01",
                  f"/api/v1/tickets?agency={agency}&from=2023-02-01&to=2023-03-15&location=lyon,Bron"]
    for city in CITIES:
        for purpose in PURPOSES:
            paths.append(f"/api/v1/tickets?location={quote(city)}&callpurpose={quote(purpose)}&range=0-99")
    for term in TERMS:
        paths += [f"/api/v1/tickets?fulltext={quote(term)}&range=0-99",
                  f"/api/v1/tickets?fulltext={quote(term)}&range=50-149",
                  f"/api/v1/tickets/stats?fulltext={quote(term)}",
                  f"/api/v1/tickets/export?fulltext={quote(term)}&range=0-499"]
    paths += ["/api/v1/tickets?range=0-99", "/api/v1/tickets?status=OPENED", "/api/v1/tickets/stats",
              "/api/v1/tickets/stats?from=2023-06-01&to=2023-06-30",
              "/api/v1/tickets?intervention=true&range=99000-99099",
              f"/api/v1/tickets?activeproviders={agencies[0]}", "/api/v1/tickets?range=100000-100099"]
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", required=True, help="the stack's env file (var/dev.env)")
    args = parser.parse_args()
    env = read_env_file(args.env)

    agencies = sample(env, "SELECT a FROM (SELECT unnest(agency_uids) a FROM tickets) x"
                           " GROUP BY a ORDER BY count(*) DESC, a LIMIT 3")
    address, _, port = env["PERFIMMO_CONNECT"].rpartition(":")
    connection = _LoopbackHTTPSConnection(env["PERFIMMO_HOST"], int(port), (address, int(port)),
                                          tls_context(env["PERFIMMO_CA_FILE"]), 120)
    run = time.time_ns()
    for serial, path in enumerate(request_paths(agencies)):
        connection.request("GET", path + ("&" if "?" in path else "?") + f"digest={run}-{serial}",
                           headers={"Authorization": env["PERFIMMO_API_KEY"]})
        reply = connection.getresponse()
        body = reply.read()
        print(reply.status, reply.getheader("Content-Range"), hashlib.sha256(body).hexdigest()[:16],
              len(body), path)


if __name__ == "__main__":
    main()
