"""Company and agency commands over HTTPS: successes, every error status, and
that a rejected command stores nothing and leaves its processUid free."""

import json

import pytest

from companies_support import COMPANIES, READS, Session, add_user, new_uid, su  # noqa: F401

SIRET = "51234567800019"


@pytest.fixture
def world(su):
    """A call center, a holding, a client account of that holding with one
    agency, and a second call center with its own client account."""
    call_center = su.create_call_center()
    holding = su.create_holding(call_center)
    account = su.create_account(call_center, holdingReference=holding)
    agency = su.create_agency(account)
    other_call_center = su.create_call_center(name="Autre centre")
    other_account = su.create_account(other_call_center, name="Autre compte")
    return {
        "call_center": call_center, "holding": holding, "account": account,
        "agency": agency, "other_call_center": other_call_center,
        "other_account": other_account,
    }


def event_types(response):
    return [event["eventType"] for event in response.json()["events"]]


def assert_rejected(session, send, status, error_type, checked=()):
    """Send the command with `send(process_uid)` and check that it is rejected
    with `status` and `error_type`, that the journal and the views of the
    `checked` companies are unchanged, and that its processUid stays free."""
    end = session.journal_end()
    views = [session.get(f"{READS}/{uid}").body for uid in checked]
    process_uid = new_uid()

    response = send(process_uid)

    assert response.status == status, response
    body = response.json()
    assert body["errorType"] == error_type, body
    assert body["message"]
    assert "events" not in body
    assert session.events_after(end) == []
    assert [session.get(f"{READS}/{uid}").body for uid in checked] == views

    retry = session.post(COMPANIES, {"processUid": process_uid, "createdDate": "2021-01-01",
                                     "name": "Libre", "commandType": "CreateCallCenter"})
    assert retry.status == 201, retry
    return body


# ---------------------------------------------------------------- creations


def test_create_call_center_events(su):
    uid = new_uid().upper()
    response = su.post(COMPANIES, {"processUid": new_uid(), "aggregateUid": uid,
                                   "createdDate": "2021-01-04", "name": "Centre",
                                   "siretNumber": SIRET, "commandType": "CreateCallCenter"})

    assert response.status == 201, response
    events = response.json()["events"]
    assert [e["eventType"] for e in events] == ["CallCenterCreated", "CompanyIdentified"]
    assert all(e["aggregateUid"] == uid.lower() for e in events)
    assert events[1]["siretNumber"] == SIRET
    view = su.get(f"{READS}/{uid.lower()}").json()
    assert view == {"uid": uid.lower(), "name": "Centre", "isActive": True,
                    "siretNumber": SIRET, "billingType": "StandardAccount",
                    "companyType": "CallCenter"}


def test_create_client_account_example(su):
    call_center = su.create_call_center()
    holding = su.create_holding(call_center, name="Groupe Saône Habitat")
    response = su.post(COMPANIES, {
        "processUid": new_uid(), "callCenterReference": call_center,
        "holdingReference": holding, "billingType": "PremiumAccount",
        "createdDate": "2021-02-01", "name": "Foncière Rhône", "siretNumber": SIRET,
        "commandType": "CreateClientAccount"})

    assert response.status == 201, response
    assert event_types(response) == [
        "ClientAccountCreated", "CompanyIdentified", "CompanyUpgradedToPremiumAccount"]
    created = response.json()["events"][0]
    assert created["callCenterReference"] == call_center
    assert created["holdingReference"] == holding
    assert created["createdDate"] == "2021-02-01"
    assert "billingType" not in created
    uid = created["aggregateUid"]
    assert su.get(f"{READS}/{uid}").json() == {
        "uid": uid, "name": "Foncière Rhône", "isActive": True,
        "holding": {"uid": holding, "label": "Groupe Saône Habitat"},
        "siretNumber": SIRET, "billingType": "PremiumAccount", "companyType": "ClientAccount"}


def test_create_holding_standard_billing(su):
    call_center = su.create_call_center()
    response = su.post(COMPANIES, {
        "processUid": new_uid(), "callCenterReference": call_center,
        "billingType": "StandardAccount", "createdDate": "2021-02-01", "name": "Groupe",
        "commandType": "CreateClientAccountHolding"})

    assert response.status == 201, response
    assert event_types(response) == ["ClientAccountHoldingCreated", "CompanyUpgradedToStandardAccount"]
    uid = response.json()["events"][0]["aggregateUid"]
    assert su.get(f"{READS}/{uid}").json()["billingType"] == "StandardAccount"


def test_create_account_sponsored_by_default(su, world):
    uid = su.create_account(world["call_center"])

    view = su.get(f"{READS}/{uid}").json()
    assert view["billingType"] == "SponsoredAccount"
    assert "holding" not in view
    assert "siretNumber" not in view


def test_create_account_unknown_call_center(su, world):
    assert_rejected(su, lambda p: su.post(COMPANIES, {
        "processUid": p, "callCenterReference": new_uid(), "createdDate": "2021-02-01",
        "name": "X", "commandType": "CreateClientAccount"}),
        404, "ImpossibleToPerfomCommandOnNonExistingCompany")


def test_create_account_reference_not_call_center(su, world):
    assert_rejected(su, lambda p: su.post(COMPANIES, {
        "processUid": p, "callCenterReference": world["holding"], "createdDate": "2021-02-01",
        "name": "X", "commandType": "CreateClientAccount"}),
        409, "InconsistentReference")


def test_create_account_unknown_holding(su, world):
    assert_rejected(su, lambda p: su.post(COMPANIES, {
        "processUid": p, "callCenterReference": world["call_center"],
        "holdingReference": new_uid(), "createdDate": "2021-02-01", "name": "X",
        "commandType": "CreateClientAccount"}),
        404, "ImpossibleToPerfomCommandOnNonExistingCompany")


def test_create_account_holding_not_holding(su, world):
    assert_rejected(su, lambda p: su.post(COMPANIES, {
        "processUid": p, "callCenterReference": world["call_center"],
        "holdingReference": world["account"], "createdDate": "2021-02-01", "name": "X",
        "commandType": "CreateClientAccount"}),
        409, "InconsistentReference")


def test_create_existing_company(su, world):
    assert_rejected(su, lambda p: su.post(COMPANIES, {
        "processUid": p, "aggregateUid": world["account"],
        "callCenterReference": world["call_center"], "createdDate": "2021-02-01",
        "name": "X", "commandType": "CreateClientAccount"}),
        409, "ImpossibleToCreateExistingCompany", checked=[world["account"]])
    assert_rejected(su, lambda p: su.post(COMPANIES, {
        "processUid": p, "aggregateUid": world["call_center"], "createdDate": "2021-02-01",
        "name": "X", "commandType": "CreateCallCenter"}),
        409, "ImpossibleToCreateExistingCompany", checked=[world["call_center"]])


# ---------------------------------------------------------------- roles and scopes


def test_call_center_user_scope(env, api, su, world):
    _, key = add_user(env, "callCenterUser", world["call_center"])
    user = Session(api, key)

    assert user.create_account(world["call_center"], name="Par le centre")
    assert_rejected(su, lambda p: user.post(COMPANIES, {
        "processUid": p, "callCenterReference": world["other_call_center"],
        "createdDate": "2021-02-01", "name": "X", "commandType": "CreateClientAccount"}),
        404, "ImpossibleToPerfomCommandOnNonExistingCompany")
    assert_rejected(su, lambda p: user.post(COMPANIES, {
        "processUid": p, "createdDate": "2021-02-01", "name": "X",
        "commandType": "CreateCallCenter"}),
        403, "Forbidden")
    assert_rejected(su, lambda p: user.patch(f"{COMPANIES}/{world['other_account']}", {
        "processUid": p, "canceledDate": "2021-03-01", "commandType": "CancelCompany"}),
        404, "ImpossibleToPerfomCommandOnNonExistingCompany", checked=[world["other_account"]])
    assert_rejected(su, lambda p: user.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "siretNumber": SIRET, "commandType": "IdentifyCompany"}),
        403, "Forbidden", checked=[world["account"]])
    assert_rejected(su, lambda p: user.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "name": "N", "updatedDate": "2021-03-01",
        "commandType": "UpdateCallCenter"}),
        403, "Forbidden", checked=[world["account"]])
    response = user.company_command(world["call_center"], "UpdateCallCenter",
                                    name="Centre renommé", updatedDate="2021-03-01")
    assert response.status == 200, response
    response = user.company_command(world["account"], "CancelCompany", canceledDate="2021-03-01")
    assert response.status == 200, response


def test_manager_scope(env, api, su, world):
    _, key = add_user(env, "clientAccountManager", world["account"])
    manager = Session(api, key)

    response = manager.company_command(world["account"], "UpdateClientAccount",
                                       name="Géré", updatedDate="2021-03-01",
                                       holdingReference=world["holding"])
    assert response.status == 200, response
    assert manager.create_agency(world["account"], name="Agence du gérant")
    assert_rejected(su, lambda p: manager.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "canceledDate": "2021-03-01", "commandType": "CancelCompany"}),
        403, "Forbidden", checked=[world["account"]])
    assert_rejected(su, lambda p: manager.patch(f"{COMPANIES}/{world['holding']}", {
        "processUid": p, "name": "N", "updatedDate": "2021-03-01",
        "commandType": "UpdateClientAccountHolding"}),
        403, "Forbidden", checked=[world["holding"]])
    assert_rejected(su, lambda p: manager.patch(f"{COMPANIES}/{world['call_center']}", {
        "processUid": p, "name": "N", "updatedDate": "2021-03-01",
        "commandType": "UpdateCallCenter"}),
        404, "ImpossibleToPerfomCommandOnNonExistingCompany", checked=[world["call_center"]])


def test_executive_may_not_write_companies(env, api, su, world):
    _, key = add_user(env, "executive", world["account"])
    executive = Session(api, key)

    assert_rejected(su, lambda p: executive.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "canceledDate": "2021-03-01", "commandType": "CancelCompany"}),
        403, "Forbidden", checked=[world["account"]])
    assert_rejected(su, lambda p: executive.post(f"{COMPANIES}/{world['account']}/agencies", {
        "processUid": p, "createdDate": "2021-03-01", "agency": {"name": "A"},
        "commandType": "CreateAgency"}),
        403, "Forbidden", checked=[world["account"]])
    # An agency the executive does not manage is missing to him, not forbidden.
    assert_rejected(su, lambda p: executive.patch(
        f"{COMPANIES}/{world['account']}/agencies/{world['agency']}", {
            "processUid": p, "deletedDate": "2021-03-01", "commandType": "DeleteAgency"}),
        404, "ImpossibleToPerformCommandOnNonExistingAgency", checked=[world["account"]])


# ---------------------------------------------------------------- increments


def test_identify_company(su, world):
    response = su.company_command(world["account"], "IdentifyCompany", siretNumber=SIRET)
    assert response.status == 200, response
    assert event_types(response) == ["CompanyIdentified"]
    assert su.get(f"{READS}/{world['account']}").json()["siretNumber"] == SIRET

    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "siretNumber": SIRET, "commandType": "IdentifyCompany"}),
        409, "CompanyAlreadyIdentified", checked=[world["account"]])


def test_unknown_company(su):
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{new_uid()}", {
        "processUid": p, "reactivatedDate": "2021-03-01", "commandType": "ReactiveCompany"}),
        404, "ImpossibleToPerfomCommandOnNonExistingCompany")


def test_cancel_and_reactivate(su, world):
    response = su.company_command(world["account"], "CancelCompany", canceledDate="2021-03-01")
    assert response.status == 200, response
    assert event_types(response) == ["CompanyCanceled"]
    assert su.get(f"{READS}/{world['account']}").json()["isActive"] is False

    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "canceledDate": "2021-03-02", "commandType": "CancelCompany"}),
        409, "ImpossibleToCancelCanceledCompany", checked=[world["account"]])
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{world['call_center']}", {
        "processUid": p, "canceledDate": "2021-03-02", "commandType": "CancelCompany"}),
        409, "ImpossibleToCancelCallCenter", checked=[world["call_center"]])

    for _ in range(2):
        response = su.company_command(world["account"], "ReactiveCompany",
                                      reactivatedDate="2021-03-03")
        assert response.status == 200, response
        assert event_types(response) == ["CompanyReactivated"]
    assert su.get(f"{READS}/{world['account']}").json()["isActive"] is True


def test_update_client_account(su, world):
    response = su.company_command(world["account"], "UpdateClientAccount",
                                  name="Foncière Saône", updatedDate="2021-03-01")
    assert response.status == 200, response
    assert event_types(response) == ["ClientAccountUpdated"]
    assert "holdingReference" not in response.json()["events"][0]
    view = su.get(f"{READS}/{world['account']}").json()
    assert view["name"] == "Foncière Saône"
    assert "holding" not in view

    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{world['holding']}", {
        "processUid": p, "name": "N", "updatedDate": "2021-03-01",
        "commandType": "UpdateClientAccount"}),
        409, "CommandNotApplicable", checked=[world["holding"]])
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "name": "N", "updatedDate": "2021-03-01",
        "holdingReference": new_uid(), "commandType": "UpdateClientAccount"}),
        404, "ImpossibleToPerfomCommandOnNonExistingCompany", checked=[world["account"]])
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "name": "N", "updatedDate": "2021-03-01",
        "holdingReference": world["call_center"], "commandType": "UpdateClientAccount"}),
        409, "InconsistentReference", checked=[world["account"]])


def test_update_holding_and_call_center(su, world):
    response = su.company_command(world["holding"], "UpdateClientAccountHolding",
                                  name="Groupe renommé", updatedDate="2021-03-01")
    assert response.status == 200, response
    assert event_types(response) == ["ClientAccountHoldingUpdated"]
    assert su.get(f"{READS}/{world['account']}").json()["holding"]["label"] == "Groupe renommé"

    response = su.company_command(world["call_center"], "UpdateCallCenter",
                                  name="Centre renommé", updatedDate="2021-03-01")
    assert response.status == 200, response
    assert event_types(response) == ["CallCenterUpdated"]

    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "name": "N", "updatedDate": "2021-03-01",
        "commandType": "UpdateClientAccountHolding"}),
        409, "CommandNotApplicable", checked=[world["account"]])
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": p, "name": "N", "updatedDate": "2021-03-01",
        "commandType": "UpdateCallCenter"}),
        409, "CommandNotApplicable", checked=[world["account"]])


def test_billing_transitions(su, world):
    account = world["account"]

    def billing():
        return su.get(f"{READS}/{account}").json()["billingType"]

    response = su.company_command(account, "UpgradeCompanyToPremiumAccount", upgradedDate="2021-03-01")
    assert event_types(response) == ["CompanyUpgradedToPremiumAccount"]
    assert billing() == "PremiumAccount"
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{account}", {
        "processUid": p, "upgradedDate": "2021-03-01",
        "commandType": "UpgradeCompanyToPremiumAccount"}),
        409, "CompanyIsAlreadyPremiumAccount", checked=[account])

    response = su.company_command(account, "DowngradePremiumAccount", downgradedDate="2021-03-02")
    assert event_types(response) == ["PremiumAccountDowngraded"]
    assert billing() == "SponsoredAccount"
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{account}", {
        "processUid": p, "downgradedDate": "2021-03-01", "commandType": "DowngradePremiumAccount"}),
        409, "CompanyIsAlreadySponsoredAccount", checked=[account])

    response = su.company_command(account, "UpgradeCompanyToStandardAccount", upgradedDate="2021-03-03")
    assert event_types(response) == ["CompanyUpgradedToStandardAccount"]
    assert billing() == "StandardAccount"
    response = su.company_command(account, "UpgradeCompanyToStandardAccount", upgradedDate="2021-03-03")
    assert response.status == 200, response
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{account}", {
        "processUid": p, "downgradedDate": "2021-03-01", "commandType": "DowngradePremiumAccount"}),
        409, "CompanyIsNotPremiumAccount", checked=[account])

    response = su.company_command(account, "UpgradeCompanyToPremiumAccount", upgradedDate="2021-03-04")
    assert event_types(response) == ["CompanyDowngradedToPremiumAccount"]
    assert response.json()["events"][0]["downgradedDate"] == "2021-03-04"
    assert billing() == "PremiumAccount"


def test_call_center_billing_errors(su, world):
    call_center = world["call_center"]

    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{call_center}", {
        "processUid": p, "upgradedDate": "2021-03-01",
        "commandType": "UpgradeCompanyToPremiumAccount"}),
        409, "CallCenterIsNotEligibleToPremiumAccount", checked=[call_center])
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{call_center}", {
        "processUid": p, "downgradedDate": "2021-03-01", "commandType": "DowngradePremiumAccount"}),
        409, "CallCenterIsNotDowngradable", checked=[call_center])
    response = su.company_command(call_center, "UpgradeCompanyToStandardAccount",
                                  upgradedDate="2021-03-01")
    assert response.status == 200, response
    assert su.get(f"{READS}/{call_center}").json()["billingType"] == "StandardAccount"


# ---------------------------------------------------------------- agencies


def test_create_agency_view(su, world):
    agency_uid = new_uid()
    response = su.post(f"{COMPANIES}/{world['account']}/agencies", {
        "processUid": new_uid(), "createdDate": "2021-02-03",
        "agency": {"agencyUid": agency_uid.upper(), "name": "Agence Lyon Part-Dieu", "ref": "LPD",
                   "address": {"number": "27", "street": "rue Garibaldi", "zipCode": "69003",
                               "city": "Lyon", "geoLocation": {"lat": 45.76, "lng": 4.85}},
                   "phones": ["0472334455"], "emails": ["partdieu@fonciere-rhone.example"]},
        "commandType": "CreateAgency"})

    assert response.status == 201, response
    event = response.json()["events"][0]
    assert event["eventType"] == "AgencyCreated"
    assert event["aggregateUid"] == world["account"]
    assert event["agency"]["agencyUid"] == agency_uid
    items = su.get(f"{READS}/{world['account']}/agencies").json()["result"]
    view = next(item for item in items if item["uid"] == agency_uid)
    assert view == {
        "uid": agency_uid, "label": "Agence Lyon Part-Dieu", "ref": "LPD",
        "company": {"uid": world["account"], "name": "Foncière Rhône", "holding": world["holding"]},
        "address": {"number": "27", "street": "rue Garibaldi", "zipCode": "69003", "city": "Lyon",
                    "geoLocation": {"lat": 45.76, "lng": 4.85}},
        "phones": ["0472334455"], "emails": ["partdieu@fonciere-rhone.example"], "isActive": True}


def test_create_agency_errors(su, world):
    assert_rejected(su, lambda p: su.post(f"{COMPANIES}/{new_uid()}/agencies", {
        "processUid": p, "createdDate": "2021-02-03", "agency": {"name": "A"},
        "commandType": "CreateAgency"}),
        404, "ImpossibleToPerfomCommandOnNonExistingCompany")
    assert_rejected(su, lambda p: su.post(f"{COMPANIES}/{world['holding']}/agencies", {
        "processUid": p, "createdDate": "2021-02-03", "agency": {"name": "A"},
        "commandType": "CreateAgency"}),
        409, "ImpossibleToCreateAgencyInAnotherCompanyThatClientAccount", checked=[world["holding"]])
    assert_rejected(su, lambda p: su.post(f"{COMPANIES}/{world['other_account']}/agencies", {
        "processUid": p, "createdDate": "2021-02-03",
        "agency": {"agencyUid": world["agency"], "name": "A"}, "commandType": "CreateAgency"}),
        409, "ImpossibleToCreateExistingAgency", checked=[world["other_account"]])


def test_update_and_delete_agency(su, world):
    account, agency = world["account"], world["agency"]

    response = su.agency_command(account, agency, "UpdateAgency", updatedDate="2021-03-01",
                                 agency={"agencyUid": agency, "name": "Agence renommée"})
    assert response.status == 200, response
    assert event_types(response) == ["AgencyUpdated"]
    assert response.json()["events"][0]["agency"]["agencyUid"] == agency
    items = su.get(f"{READS}/{account}/agencies").json()["result"]
    assert [item["label"] for item in items] == ["Agence renommée"]
    assert items[0]["ref"] == agency

    response = su.agency_command(account, agency, "DeleteAgency", deletedDate="2021-03-02",
                                 agencyUid=agency)
    assert response.status == 200, response
    assert event_types(response) == ["AgencyDeleted"]
    assert response.json()["events"][0]["agencyUid"] == agency
    items = su.get(f"{READS}/{account}/agencies?active=false").json()["result"]
    assert [item["isActive"] for item in items] == [False]

    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{account}/agencies/{agency}", {
        "processUid": p, "deletedDate": "2021-03-02", "commandType": "DeleteAgency"}),
        404, "ImpossibleToPerformCommandOnNonExistingAgency", checked=[account])


def test_agency_command_errors(su, world):
    account, agency = world["account"], world["agency"]

    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{new_uid()}/agencies/{agency}", {
        "processUid": p, "deletedDate": "2021-03-02", "commandType": "DeleteAgency"}),
        404, "ImpossibleToPerfomCommandOnNonExistingCompany")
    assert_rejected(su, lambda p: su.patch(f"{COMPANIES}/{account}/agencies/{new_uid()}", {
        "processUid": p, "updatedDate": "2021-03-02", "agency": {"name": "A"},
        "commandType": "UpdateAgency"}),
        404, "ImpossibleToPerformCommandOnNonExistingAgency", checked=[account])
    assert_rejected(su, lambda p: su.patch(
        f"{COMPANIES}/{world['other_account']}/agencies/{agency}", {
            "processUid": p, "deletedDate": "2021-03-02", "commandType": "DeleteAgency"}),
        404, "ImpossibleToPerformCommandOnNonExistingAgency", checked=[world["other_account"]])


# ---------------------------------------------------------------- duplicates


def test_duplicate_returns_original_events(su, world):
    body = {"processUid": new_uid(), "reactivatedDate": "2021-03-01",
            "commandType": "ReactiveCompany"}
    first = su.patch(f"{COMPANIES}/{world['account']}", body)
    assert first.status == 200, first
    end = su.journal_end()

    again = su.patch(f"{COMPANIES}/{world['account']}", body)
    elsewhere = su.patch(f"{COMPANIES}/{world['other_account']}", body)
    as_creation = su.post(COMPANIES, {**body, "createdDate": "2021-01-01", "name": "C",
                                      "commandType": "CreateCallCenter"})

    for response in (again, elsewhere, as_creation):
        assert response.status == 409, response
        assert response.json()["errorType"] == "CommandAlreadySent"
        assert response.json()["events"] == first.json()["events"]
    assert su.events_after(end) == []


def test_invalid_body_wins_over_duplicate(su, world):
    first = su.company_command(world["account"], "ReactiveCompany", reactivatedDate="2021-03-01")
    process_uid = first.json()["events"][0]["processUid"]

    response = su.patch(f"{COMPANIES}/{world['account']}", {
        "processUid": process_uid, "reactivatedDate": "2021-02-30",
        "commandType": "ReactiveCompany"})
    assert response.status == 400, response
    assert response.json()["errorType"] == "InvalidCommand"

    response = su.patch(f"{COMPANIES}/{world['account']}/agencies/{world['agency']}", {
        "processUid": process_uid, "deletedDate": "2021-03-01", "agencyUid": new_uid(),
        "commandType": "DeleteAgency"})
    assert response.status == 400, response
    assert response.json()["errorType"] == "InvalidCommand"
    assert "agencyUid" in response.json()["message"]


# ---------------------------------------------------------------- invalid input


def invalid_bodies(world):
    """(name, method, path, body, errorType) of bodies rejected before any state is read."""
    account, agency = world["account"], world["agency"]
    patch_company = f"{COMPANIES}/{account}"
    patch_agency = f"{COMPANIES}/{account}/agencies/{agency}"
    create = {"callCenterReference": world["call_center"], "createdDate": "2021-02-01",
              "name": "X", "commandType": "CreateClientAccount"}
    return [
        ("bad processUid", "POST", COMPANIES, {**create, "processUid": "not-a-uuid"}),
        ("braced processUid", "POST", COMPANIES,
         {**create, "processUid": "{" + new_uid() + "}"}),
        ("missing processUid", "POST", COMPANIES, create),
        ("bad reference uuid", "POST", COMPANIES, {**create, "callCenterReference": "123"}),
        ("uuid as number", "POST", COMPANIES, {**create, "callCenterReference": 12}),
        ("date 2021-02-30", "POST", COMPANIES, {**create, "createdDate": "2021-02-30"}),
        ("date with time", "POST", COMPANIES, {**create, "createdDate": "2021-02-01T00:00:00Z"}),
        ("bad siret checksum", "POST", COMPANIES, {**create, "siretNumber": "51234567800018"}),
        ("short siret", "POST", COMPANIES, {**create, "siretNumber": "5123456780001"}),
        ("blank name", "POST", COMPANIES, {**create, "name": " \t"}),
        ("empty name", "POST", COMPANIES, {**create, "name": ""}),
        ("name not a string", "POST", COMPANIES, {**create, "name": 12}),
        ("missing name", "POST", COMPANIES, {k: v for k, v in create.items() if k != "name"}),
        ("unknown billing", "POST", COMPANIES, {**create, "billingType": "FreeAccount"}),
        ("unknown commandType", "POST", COMPANIES, {**create, "commandType": "CreateCompany"}),
        ("missing commandType", "POST", COMPANIES,
         {k: v for k, v in create.items() if k != "commandType"}),
        ("patch command on post", "POST", COMPANIES,
         {"canceledDate": "2021-03-01", "commandType": "CancelCompany"}),
        ("agency command on company", "PATCH", patch_company,
         {"createdDate": "2021-03-01", "agency": {"name": "A"}, "commandType": "CreateAgency"}),
        ("create on patch", "PATCH", patch_company, create),
        ("aggregateUid not path", "PATCH", patch_company,
         {"aggregateUid": new_uid(), "reactivatedDate": "2021-03-01",
          "commandType": "ReactiveCompany"}),
        ("agencyUid not path", "PATCH", patch_agency,
         {"deletedDate": "2021-03-01", "agencyUid": new_uid(), "commandType": "DeleteAgency"}),
        ("agency.agencyUid not path", "PATCH", patch_agency,
         {"updatedDate": "2021-03-01", "agency": {"agencyUid": new_uid(), "name": "A"},
          "commandType": "UpdateAgency"}),
        ("blank agency phone", "PATCH", patch_agency,
         {"updatedDate": "2021-03-01", "agency": {"name": "A", "phones": [""]},
          "commandType": "UpdateAgency"}),
        ("agency address without city", "PATCH", patch_agency,
         {"updatedDate": "2021-03-01", "agency": {"name": "A", "address": {
             "number": "1", "street": "rue", "zipCode": "69003"}},
          "commandType": "UpdateAgency"}),
        ("latitude out of range", "PATCH", patch_agency,
         {"updatedDate": "2021-03-01", "agency": {"name": "A", "address": {
             "number": "1", "street": "rue", "zipCode": "69003", "city": "Lyon",
             "geoLocation": {"lat": 91, "lng": 0}}},
          "commandType": "UpdateAgency"}),
    ]


def test_invalid_command_bodies(su, world):
    for name, method, path, body in invalid_bodies(world):
        keeps_own_uid = name in ("bad processUid", "braced processUid", "missing processUid")

        def send(process_uid, method=method, path=path, body=body, keep=keeps_own_uid):
            sent = body if keep else {**body, "processUid": process_uid}
            return su.client.request(method, path, body=sent, headers=su.headers())

        message = assert_rejected(su, send, 400, "InvalidCommand",
                                  checked=[world["account"]])["message"]
        assert message, name


def test_messages_in_english(su, world):
    body = {"processUid": new_uid(), "reactivatedDate": "2021-02-30", "commandType": "ReactiveCompany"}

    french = su.patch(f"{COMPANIES}/{world['account']}", body).json()
    english = su.patch(f"{COMPANIES}/{world['account']}", body,
                       headers={"Accept-Language": "en"}).json()

    assert french["errorType"] == english["errorType"] == "InvalidCommand"
    assert french["message"].startswith("reactivatedDate")
    assert english["message"].startswith("reactivatedDate")
    assert french["message"] != english["message"]


STRICT_JSON_FAULTS = [
    ("extra brace", b'{"commandType":"ReactiveCompany","reactivatedDate":"2021-03-01","processUid":"%s"}}'),
    ("second object", b'{"commandType":"ReactiveCompany","reactivatedDate":"2021-03-01","processUid":"%s"}{}'),
    ("trailing comma", b'{"commandType":"ReactiveCompany","reactivatedDate":"2021-03-01","processUid":"%s",}'),
    ("single quotes", b"{'commandType':'ReactiveCompany','reactivatedDate':'2021-03-01','processUid':'%s'}"),
    ("comment", b'{"commandType":"ReactiveCompany","reactivatedDate":"2021-03-01","processUid":"%s"} // fin'),
    ("duplicate key", b'{"commandType":"ReactiveCompany","commandType":"CancelCompany","reactivatedDate":"2021-03-01","processUid":"%s"}'),
    ("bom", b'\xef\xbb\xbf{"commandType":"ReactiveCompany","reactivatedDate":"2021-03-01","processUid":"%s"}'),
    ("latin-1 byte", b'{"commandType":"ReactiveCompany","reactivatedDate":"2021-03-01","processUid":"%s","x":"Ren\xe9e"}'),
    ("nul escape", b'{"commandType":"ReactiveCompany","reactivatedDate":"2021-03-01","processUid":"%s","x":"a\\u0000b"}'),
    ("array body", b'[{"commandType":"ReactiveCompany","reactivatedDate":"2021-03-01","processUid":"%s"}]'),
    ("True literal", b'{"commandType":"ReactiveCompany","reactivatedDate":"2021-03-01","processUid":"%s","x":True}'),
]


@pytest.mark.parametrize("name,template", STRICT_JSON_FAULTS, ids=[n for n, _ in STRICT_JSON_FAULTS])
def test_strict_json_faults(su, name, template):
    account = su.create_account(su.create_call_center())

    def send(process_uid):
        body = template.replace(b"%s", process_uid.encode("ascii"))
        return su.client.request("PATCH", f"{COMPANIES}/{account}", body=body,
                                 headers=su.headers({"Content-Type": "application/json"}))

    assert_rejected(su, send, 400, "InvalidJson", checked=[account])


def test_missing_media_type(su, world):
    def send(process_uid):
        body = json.dumps({"processUid": process_uid, "reactivatedDate": "2021-03-01",
                           "commandType": "ReactiveCompany"})
        return su.client.request("PATCH", f"{COMPANIES}/{world['account']}", body=body,
                                 headers=su.headers({"Content-Type": "text/plain"}))

    assert_rejected(su, send, 415, "UnsupportedMediaType", checked=[world["account"]])


def test_bad_path_uid(su):
    response = su.patch(f"{COMPANIES}/not-a-uuid", {"processUid": new_uid(),
                                                    "commandType": "ReactiveCompany",
                                                    "reactivatedDate": "2021-03-01"})
    assert response.status == 400, response
    assert response.json()["errorType"] == "BadRequest"
