"""perfimmo-admin rebuild: the read model rebuilt from the journal gives the
same answers as before, while the tenant keeps serving reads and commands."""

import threading

import pytest

from companies_support import READS, Session, add_user, new_uid, run_sql, su  # noqa: F401
from estate import Estate, address


def scripted_history(su):
    """Companies and agencies through every kind of company event; returns
    the call center and the uids of everything created."""
    call_center = su.create_call_center(name="Centre Rebâti", siretNumber="51234567800019")
    holding = su.create_holding(call_center, name="Groupe Rebâti", billingType="PremiumAccount")
    account = su.create_account(call_center, name="Foncière Rebâtie", holdingReference=holding,
                                billingType="StandardAccount")
    second = su.create_account(call_center, name="Second compte")
    agency = su.create_agency(account, name="Agence Une", ref="A1", phones=["0472001122"],
                              address={"number": "1", "street": "rue", "zipCode": "69003",
                                       "city": "Lyon", "geoLocation": {"lat": 45.5, "lng": 4.25}})
    gone = su.create_agency(account, name="Agence Partie")
    commands = [
        (second, "IdentifyCompany", {"siretNumber": "51234567800019"}),
        (second, "UpgradeCompanyToPremiumAccount", {"upgradedDate": "2021-03-01"}),
        (second, "DowngradePremiumAccount", {"downgradedDate": "2021-03-02"}),
        (account, "UpgradeCompanyToPremiumAccount", {"upgradedDate": "2021-03-03"}),
        (second, "CancelCompany", {"canceledDate": "2021-03-04"}),
        (second, "ReactiveCompany", {"reactivatedDate": "2021-03-05"}),
        (second, "CancelCompany", {"canceledDate": "2021-03-06"}),
        (second, "UpdateClientAccount", {"name": "Second renommé", "updatedDate": "2021-03-07",
                                         "holdingReference": holding}),
        (holding, "UpdateClientAccountHolding", {"name": "Groupe renommé", "updatedDate": "2021-03-08"}),
        (call_center, "UpdateCallCenter", {"name": "Centre renommé", "updatedDate": "2021-03-09"}),
    ]
    for uid, command_type, fields in commands:
        response = su.company_command(uid, command_type, **fields)
        assert response.status == 200, (command_type, response)
    executive = su.reference_user("ReferenceExecutive", account, last_name="Rebâti",
                                  managedAgencies=[agency, gone])
    manager = su.reference_user("ReferenceClientAccountManager", account, last_name="Gérant")
    su.user_command(manager, "DisableUser")
    su.user_command(executive, "UpdateUser", firstName="Paul", lastName="Rebâti", job="Chef")
    su.user_command(executive, "DissociateUserFromAgency", agencyUid=gone)
    for agency_uid, command_type, fields in [
            (agency, "UpdateAgency", {"updatedDate": "2021-03-10",
                                      "agency": {"name": "Agence Une bis", "emails": ["a@b.fr"]}}),
            (gone, "DeleteAgency", {"deletedDate": "2021-03-11"})]:
        response = su.agency_command(account, agency_uid, command_type, **fields)
        assert response.status == 200, (command_type, response)
    return call_center, [call_center, holding, account, second]


def scripted_estate(su, account, agency):
    """A patrimony with a building and a lot, and a provider contact, in ACCOUNT;
    returns the read paths that show them."""
    estate = Estate(su.client, su.key)
    patrimony = estate.patrimony([agency], ref="REB-1", label="Résidence Rebâtie")
    building = estate.building(patrimony, "Bâtiment A")
    lot = estate.lot(patrimony, ref="REB-LOT", number="B12",
                     addresses=[address(building=building), address(street="rue Garibaldi")])
    incident = new_uid()
    contact = estate.contact(account, name="Marc Perrin", phones=["04 72 00 11 22"])
    for command_type, fields in [
            ("AssociateProviderContactToAgency", {"date": "2021-02-11", "agencyUid": agency}),
            ("AssociateProviderContactWithPatrimony", {"patrimonyUid": patrimony}),
            ("AssignActivityToProviderContact", {"activityUid": new_uid(),
                                                 "includedIncidentTypes": [incident]})]:
        reply = estate.patch(f"/api/vEvent/providercontacts/{contact}", command_type, fields)
        assert reply.status == 200, (command_type, reply)
    return [f"/api/v1/patrimonies?agencyuids={agency}", f"/api/v1/patrimonies/{patrimony}",
            f"/api/v1/patrimonies/{patrimony}/patrimonymanagers",
            f"/api/v1/lots?patrimonyuid={patrimony}", f"/api/v1/lots/{lot}",
            f"/api/v1/providercontacts?companyuid={account}", f"/api/v1/providercontacts/{contact}",
            f"/api/v1/providercontacts/suggest?patrimonyuid={patrimony}&incidenttypeuid={incident}"]


def read_everything(session, companies, extra_paths=()):
    """Status, headers that matter and body of every read endpoint on COMPANIES."""
    paths = [READS, f"{READS}?range=0-1", f"{READS}?companytype=ClientAccount",
             f"{READS}?holdinguid={companies[1]}", f"{READS}?fulltext=rebati", *extra_paths]
    for uid in companies:
        paths += [f"{READS}/{uid}", f"{READS}/{uid}/agencies", f"{READS}/{uid}/agencies?active=false",
                  f"{READS}/{uid}/users", f"{READS}/{uid}/subsidiaries"]
    outputs = {}
    for path in paths:
        response = session.get(path)
        outputs[path] = (response.status, response.header("content-range"),
                         response.header("accept-range"), response.json())
    return outputs


def dump_tables(env, companies):
    uid_list = ", ".join(f"'{uid}'" for uid in companies)
    return run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SET search_path TO t_{env['PERFIMMO_TENANT']};
        SELECT 'company', to_jsonb(c)::text FROM companies c WHERE uid IN ({uid_list})
        UNION ALL
        SELECT 'agency', to_jsonb(a)::text FROM agencies a WHERE company_uid IN ({uid_list})
        UNION ALL
        SELECT 'user', to_jsonb(u)::text FROM users u WHERE company_uid IN ({uid_list})
        UNION ALL
        SELECT 'user agency', to_jsonb(ua)::text FROM user_agencies ua
          JOIN users u ON u.uid = ua.user_uid WHERE u.company_uid IN ({uid_list})
        UNION ALL
        SELECT 'credentials', to_jsonb(c)::text FROM credentials c WHERE company_uid IN ({uid_list})
        ORDER BY 2""")


def test_rebuild_gives_identical_reads(env, api, su, admin):
    call_center, companies = scripted_history(su)
    agency = su.get(f"{READS}/{companies[2]}/agencies?active=true").json()["result"][0]["uid"]
    estate_paths = scripted_estate(su, companies[2], agency)
    user = Session(api, add_user(env, "callCenterUser", call_center)[1])
    before = read_everything(user, companies, estate_paths)
    for path in estate_paths:
        assert before[path][0] == 200, (path, before[path])
    # The superUser's whole-tenant lists grow with the writes below: compare his per-company reads.
    before_super = {path: value for path, value in read_everything(su, companies, estate_paths).items()
                    if path != READS and not path.startswith(f"{READS}?")}
    tables = dump_tables(env, companies)

    # Meanwhile, another call center's user reads and writes without pause.
    busy_center = su.create_call_center(name="Centre occupé")
    stop = threading.Event()
    answers, created = [], []

    def keep_busy():
        for _ in range(100000):
            if stop.is_set():
                return
            response = su.post("/api/vEvent/clientcompanies", {
                "processUid": new_uid(), "callCenterReference": busy_center,
                "createdDate": "2021-04-01", "name": "Pendant", "commandType": "CreateClientAccount"})
            answers.append(response.status)
            if response.status == 201:
                created.append(response.json()["events"][0]["aggregateUid"])
            answers.append(su.get(f"{READS}/{busy_center}/agencies").status)
            answers.append(user.get(f"{READS}/{companies[2]}").status)
            answers.append(user.get(estate_paths[1]).status)

    worker = threading.Thread(target=keep_busy)
    worker.start()
    try:
        result = admin("rebuild", "--tenant", env["PERFIMMO_TENANT"], check=False)
    finally:
        stop.set()
        worker.join(timeout=60)

    assert result.returncode == 0, result.stderr
    assert "rebuilt the read model" in result.stdout
    assert answers and set(answers) <= {200, 201}, answers
    assert read_everything(user, companies, estate_paths) == before
    after_super = {path: value for path, value in read_everything(su, companies, estate_paths).items()
                   if path != READS and not path.startswith(f"{READS}?")}
    assert after_super == before_super
    assert dump_tables(env, companies) == tables
    for uid in created:
        assert su.get(f"{READS}/{uid}").status == 200, uid


def test_rebuild_repairs_damaged_rows(env, su, admin):
    call_center, companies = scripted_history(su)
    tables = dump_tables(env, companies)
    run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SET search_path TO t_{env['PERFIMMO_TENANT']};
        UPDATE companies SET name = 'abîmé', is_active = NOT is_active WHERE uid = '{companies[3]}';
        DELETE FROM agencies WHERE company_uid = '{companies[2]}' AND NOT is_active;""")
    assert dump_tables(env, companies) != tables

    admin("rebuild", "--tenant", env["PERFIMMO_TENANT"])

    assert dump_tables(env, companies) == tables
    assert su.get(f"{READS}/{companies[3]}").json()["name"] == "Second renommé"


def test_rebuild_keeps_grants(env, su, admin):
    admin("rebuild", "--tenant", env["PERFIMMO_TENANT"])
    tenant = env["PERFIMMO_TENANT"]

    rows = run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"""
        SELECT has_table_privilege('perfimmo_t_{tenant}', 't_{tenant}.' || t, p)
          FROM unnest(ARRAY['companies', 'agencies', 'users', 'user_agencies']) t,
               unnest(ARRAY['SELECT', 'INSERT', 'UPDATE']) p""")
    assert rows == [["t"]] * 12
    schemas = run_sql(env["PERFIMMO_ADMIN_DATABASE"],
                      f"SELECT count(*) FROM pg_namespace WHERE nspname = 't_{tenant}_rebuild'")
    assert schemas == [["0"]]
    assert su.create_call_center(name="Après reconstruction")


def test_rebuild_refuses_unregistered_table(env, admin):
    tenant = env["PERFIMMO_TENANT"]
    run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"CREATE TABLE t_{tenant}.stray_projection (uid uuid)")
    try:
        result = admin("rebuild", "--tenant", tenant, check=False)
    finally:
        run_sql(env["PERFIMMO_ADMIN_DATABASE"], f"DROP TABLE t_{tenant}.stray_projection")

    assert result.returncode == 1
    assert "stray_projection" in result.stderr
    assert "table_registry" in result.stderr


@pytest.mark.parametrize("args", [[], ["--tenant"], ["--tenant", "no_such_tenant"], ["--tenant", "Bad-Name"]])
def test_rebuild_bad_arguments(admin, args):
    result = admin("rebuild", *args, check=False)

    assert result.returncode != 0
    assert result.stderr.startswith("perfimmo-admin: ")
