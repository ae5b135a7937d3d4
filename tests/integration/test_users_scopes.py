"""Who sees what and who may send what (conventions §6, write-api §2).

One scenario: two call centers, a holding and client accounts under the
first, one under the second; a user of each kind, each logged in with a
password or acting with a key.
"""

import pytest

from auth_support import (
    SECRETS, cookie_auth, create_agency, create_company, feed, key_auth, login_token,
    make_user, new_uid, patch_user, reference_user,
)


@pytest.fixture(scope="module")
def su(env):
    SECRETS.add(env["PERFIMMO_API_KEY"])
    return key_auth(env["PERFIMMO_API_KEY"])


@pytest.fixture(scope="module")
def s(env, api, su):
    """The scenario: companies, agencies and users, by name."""
    w = {}
    w["cc1"] = create_company(api, su, "CreateCallCenter")
    w["cc2"] = create_company(api, su, "CreateCallCenter")
    w["h1"] = create_company(api, su, "CreateClientAccountHolding", callCenterReference=w["cc1"])
    w["a1"] = create_company(api, su, "CreateClientAccount", callCenterReference=w["cc1"],
                             holdingReference=w["h1"])
    w["a2"] = create_company(api, su, "CreateClientAccount", callCenterReference=w["cc1"])
    w["b1"] = create_company(api, su, "CreateClientAccount", callCenterReference=w["cc2"])
    w["ag1"], w["ag2"], w["ag3"] = (create_agency(api, su, w["a1"]) for _ in range(3))
    w["ag4"] = create_agency(api, su, w["a2"])
    w["ag5"] = create_agency(api, su, w["b1"])

    w["cc_user"] = make_user(env, api, su, "ReferenceCallCenterUser", w["cc1"])
    w["cc2_user"] = make_user(env, api, su, "ReferenceCallCenterUser", w["cc2"])
    w["cam"] = make_user(env, api, su, "ReferenceClientAccountManager", w["a1"])
    w["cam_b"] = make_user(env, api, su, "ReferenceClientAccountManager", w["b1"])
    w["ex"] = make_user(env, api, su, "ReferenceExecutive", w["a1"],
                        managedAgencies=[w["ag1"], w["ag2"]])
    w["ex2"] = make_user(env, api, su, "ReferenceExecutive", w["a1"], managedAgencies=[w["ag3"]])
    return w


COMPANIES = ("cc1", "cc2", "h1", "a1", "a2", "b1")
USERS = ("cc_user", "cc2_user", "cam", "cam_b", "ex", "ex2")

# conventions §6, for the scenario's companies and users.
VISIBLE = {
    "cc_user": {"cc1", "h1", "a1", "a2", "cc_user", "cam", "ex", "ex2"},
    "cc2_user": {"cc2", "b1", "cc2_user", "cam_b"},
    "cam": {"a1", "h1", "cam", "ex", "ex2"},
    "cam_b": {"b1", "cam_b"},
    "ex": {"a1", "cam", "ex", "ex2"},
    "ex2": {"a1", "cam", "ex", "ex2"},
}


def uid_of(s, name):
    return s[name].uid if name in USERS else s[name]


def visible_in_feed(api, auth, s):
    seen = {event["event"]["aggregateUid"] for event in feed(api, auth, kinds=["company", "user"])}
    return {name for name in COMPANIES + USERS if uid_of(s, name) in seen}


@pytest.mark.parametrize("name", sorted(VISIBLE))
def test_feed_shows_exactly_the_scope_with_a_key(api, s, name):
    assert visible_in_feed(api, s[name].auth, s) == VISIBLE[name]


@pytest.mark.parametrize("name", ["cc_user", "cam", "ex"])
def test_feed_shows_exactly_the_scope_with_a_session(api, s, name):
    token = login_token(api, s[name].login)
    assert visible_in_feed(api, cookie_auth(token), s) == VISIBLE[name]


def test_superuser_sees_everything(api, su, s):
    assert visible_in_feed(api, su, s) == set(COMPANIES + USERS)


def test_feed_skips_invisible_events_but_moves_on(api, s):
    """`next` moves past invisible events, so a reader never rescans them."""
    auth = s["cam_b"].auth
    response = api.get("/api/v1/events?after=0&limit=1000", headers=auth)
    page = response.json()
    assert page["next"] >= max([e["position"] for e in page["events"]] or [0])


def test_a_scope_moves_with_the_executive_agencies(api, su, s, env):
    ex = make_user(env, api, su, "ReferenceExecutive", s["a1"], managedAgencies=[s["ag1"]])
    assert "a1" in visible_in_feed(api, ex.auth, s)
    assert patch_user(api, su, ex.uid, "AssociateUserWithAgency", agencyUid=s["ag2"]).status == 200
    assert patch_user(api, su, ex.uid, "DissociateUserFromAgency", agencyUid=s["ag1"]).status == 200
    assert "a1" in visible_in_feed(api, ex.auth, s)


def status_and_type(response):
    return response.status, response.json().get("errorType")


def company_patch(api, auth, company, command_type, **fields):
    return api.patch(f"/api/vEvent/clientcompanies/{company}",
                     {"processUid": new_uid(), "commandType": command_type, **fields}, headers=auth)


def test_commands_outside_the_scope_are_404(api, s):
    cases = [
        ("cam", lambda a: patch_user(api, a, s["cc2_user"].uid, "DisableUser"),
         "ImpossibleToPerformCommandOnNonExistingUser"),
        ("cam", lambda a: patch_user(api, a, s["cc_user"].uid, "DisableUser"),
         "ImpossibleToPerformCommandOnNonExistingUser"),
        ("cam", lambda a: company_patch(api, a, s["b1"], "UpdateClientAccount", name="x",
                                        updatedDate="2021-03-01"),
         "ImpossibleToPerfomCommandOnNonExistingCompany"),
        ("cam", lambda a: reference_user(api, a, "ReferenceExecutive", s["b1"], f"{new_uid()[:8]}@x.test",
                                         managedAgencies=[s["ag5"]]), "ReferencedEntityNotFound"),
        ("cam", lambda a: reference_user(api, a, "ReferenceExecutive", s["a1"], f"{new_uid()[:8]}@x.test",
                                         managedAgencies=[s["ag4"]]), "ReferencedEntityNotFound"),
        ("cc_user", lambda a: patch_user(api, a, s["cam_b"].uid, "UpdateUser", firstName="", lastName="X"),
         "ImpossibleToPerformCommandOnNonExistingUser"),
        ("cc_user", lambda a: reference_user(api, a, "ReferenceCallCenterUser", s["cc2"],
                                             f"{new_uid()[:8]}@x.test"), "ReferencedEntityNotFound"),
        ("cc_user", lambda a: api.post(f"/api/vEvent/clientcompanies/{s['b1']}/agencies", {
            "processUid": new_uid(), "createdDate": "2021-01-05", "agency": {"name": "X"},
            "commandType": "CreateAgency"}, headers=a), "ImpossibleToPerfomCommandOnNonExistingCompany"),
        ("ex", lambda a: patch_user(api, a, s["cc_user"].uid, "UpdateUser", firstName="", lastName="X"),
         "ImpossibleToPerformCommandOnNonExistingUser"),
        ("ex", lambda a: company_patch(api, a, s["h1"], "CancelCompany", canceledDate="2021-03-01"),
         "ImpossibleToPerfomCommandOnNonExistingCompany"),
    ]
    for name, send, error in cases:
        assert status_and_type(send(s[name].auth)) == (404, error), (name, error)


def test_commands_the_role_may_not_send_are_403(api, s):
    fresh = lambda: f"{new_uid()[:8]}@x.test"  # noqa: E731
    cases = [
        ("cc_user", lambda a: api.post("/api/vEvent/clientcompanies", {
            "processUid": new_uid(), "createdDate": "2021-01-01", "name": "X",
            "commandType": "CreateCallCenter"}, headers=a)),
        ("cc_user", lambda a: company_patch(api, a, s["a1"], "IdentifyCompany", siretNumber="51234567800019")),
        ("cc_user", lambda a: company_patch(api, a, s["a1"], "UpdateCallCenter", name="X",
                                            updatedDate="2021-03-01")),
        ("cam", lambda a: company_patch(api, a, s["a1"], "CancelCompany", canceledDate="2021-03-01")),
        ("cam", lambda a: company_patch(api, a, s["h1"], "UpdateClientAccount", name="X",
                                        updatedDate="2021-03-01")),
        ("cam", lambda a: api.post(f"/api/vEvent/clientcompanies/{s['h1']}/agencies", {
            "processUid": new_uid(), "createdDate": "2021-01-05", "agency": {"name": "X"},
            "commandType": "CreateAgency"}, headers=a)),
        ("ex", lambda a: reference_user(api, a, "ReferenceExecutive", s["a1"], fresh(),
                                        managedAgencies=[s["ag1"]])),
        ("ex", lambda a: reference_user(api, a, "ReferenceClientAccountManager", s["a1"], fresh())),
        ("ex", lambda a: patch_user(api, a, s["cam"].uid, "DisableUser")),
        ("ex", lambda a: patch_user(api, a, s["ex2"].uid, "UpdateUser", firstName="", lastName="X")),
        ("ex", lambda a: patch_user(api, a, s["ex2"].uid, "UpdateLogin", login=fresh())),
        ("ex", lambda a: patch_user(api, a, s["ex"].uid, "DisableUser")),
        ("ex", lambda a: patch_user(api, a, s["ex"].uid, "AssociateUserWithAgency", agencyUid=s["ag3"])),
        ("ex", lambda a: company_patch(api, a, s["a1"], "UpdateClientAccount", name="X",
                                       updatedDate="2021-03-01")),
        ("ex", lambda a: api.post(f"/api/vEvent/clientcompanies/{s['a1']}/agencies", {
            "processUid": new_uid(), "createdDate": "2021-01-05", "agency": {"name": "X"},
            "commandType": "CreateAgency"}, headers=a)),
    ]
    for name, send in cases:
        response = send(s[name].auth)
        assert status_and_type(response) == (403, "Forbidden"), (name, response)


def test_commands_within_the_role(api, s):
    allowed = [
        ("cc_user", lambda a: reference_user(api, a, "ReferenceCallCenterUser", s["cc1"],
                                             f"{new_uid()[:8]}@x.test"), 201),
        ("cc_user", lambda a: reference_user(api, a, "ReferenceExecutive", s["a2"], f"{new_uid()[:8]}@x.test",
                                             managedAgencies=[s["ag4"]]), 201),
        ("cc_user", lambda a: company_patch(api, a, s["cc1"], "UpdateCallCenter", name="CC one",
                                            updatedDate="2021-03-01"), 200),
        ("cam", lambda a: reference_user(api, a, "ReferenceExecutive", s["a1"], f"{new_uid()[:8]}@x.test",
                                         managedAgencies=[s["ag1"]]), 201),
        ("cam", lambda a: patch_user(api, a, s["ex2"].uid, "UpdateUser", firstName="Lou", lastName="Ex"), 200),
        ("ex", lambda a: patch_user(api, a, s["ex"].uid, "UpdateUser", firstName="Me", lastName="Ex"), 200),
    ]
    for name, send, status in allowed:
        response = send(s[name].auth)
        assert response.status == status, (name, response)


def test_user_may_change_his_own_login(env, api, su, s):
    ex = make_user(env, api, su, "ReferenceExecutive", s["a1"], managedAgencies=[s["ag1"]])
    new_login = f"moved.{ex.login}"

    response = patch_user(api, ex.auth, ex.uid, "UpdateLogin", login=new_login)

    assert response.status == 200, response
    assert login_token(api, new_login)
