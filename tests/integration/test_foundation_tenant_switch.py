"""A worker keeps the database role of the last tenant it served and
switches only when a request needs another one (src/db/pg.c, sync_role).
Requests that alternate tenants, with requests outside any tenant in
between, must each still see their own tenant's data and nothing else."""

from estate import Estate

# The test stack runs two workers, so each of them switches tenants often.
ROUNDS = 12


def estate_with_patrimony(client, api_key):
    estate = Estate(client, api_key)
    agency = estate.agency(estate.client_account())
    return estate, estate.patrimony([agency])


def test_alternating_tenants_see_own_data(env, api, other_api):
    demo, demo_patrimony = estate_with_patrimony(api, env["PERFIMMO_API_KEY"])
    other, other_patrimony = estate_with_patrimony(other_api, env["PERFIMMO_OTHER_API_KEY"])
    pairs = ((demo, demo_patrimony, other_patrimony), (other, other_patrimony, demo_patrimony))

    for i in range(ROUNDS):
        for estate, own, foreign in pairs:
            # The API ignores the probe parameter, which makes each view a
            # cache miss, so every response is read from PostgreSQL.
            mine = estate.get(f"/api/v1/patrimonies/{own}?probe={i}")
            assert mine.status == 200, mine
            assert mine.json()["uid"] == own

            theirs = estate.get(f"/api/v1/patrimonies/{foreign}?probe={i}")
            assert theirs.status == 404, theirs

        # Health runs outside any tenant: the role is reset before its query.
        assert api.get("/api/health").status == 200
