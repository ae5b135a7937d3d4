"""The `range` pagination that every list endpoint shares: Accept-Range on
every response, 400 InvalidRange, and the 416 or empty 200 of a range that
starts past the last item, with its star Content-Range."""

import urllib.parse

import pytest

from estate import Estate, error_type

WINDOW = "from={}&to={}".format(urllib.parse.quote("2000-01-01T00:00:00+00:00"),
                                urllib.parse.quote("2100-01-01T00:00:00+00:00"))


@pytest.fixture(scope="module")
def lists(env, api):
    """The path of every list endpoint, with its Accept-Range and the number
    of items the module created there (None where other tests add items)."""
    estate = Estate(api, env["PERFIMMO_API_KEY"])
    call_center = estate.call_center()
    account = estate.client_account(call_center)
    agency = estate.agency(account)
    patrimony = estate.patrimony([agency])
    estate.lot(patrimony)
    estate.contact(account)
    return estate, [
        ("/api/v1/clientcompanies", "100", None),
        (f"/api/v1/clientcompanies/{account}/agencies", "100", 1),
        (f"/api/v1/clientcompanies/{account}/users", "100", 0),
        (f"/api/v1/clientcompanies/{call_center}/subsidiaries", "100", 0),
        ("/api/v1/patrimonies", "100", None),
        (f"/api/v1/patrimonies/{patrimony}/patrimonymanagers", "100", 0),
        (f"/api/v1/lots?patrimonyuid={patrimony}", "100", 1),
        ("/api/v1/providercontacts", "100", None),
        ("/api/v1/subscriptions", "100", None),
        ("/api/v1/tickets", "100", None),
        ("/api/v1/tickets/export", "20000", None),
        ("/api/vEvent/tickets?" + WINDOW, "100", None),
    ]


def with_range(path, value):
    return path + ("&" if "?" in path else "?") + "range=" + value


def test_invalid_range_keeps_accept_range(lists):
    estate, paths = lists
    for path, accept, _ in paths:
        reply = estate.get(with_range(path, "5-2"))
        assert (reply.status, error_type(reply)) == (400, "InvalidRange"), path
        assert reply.header("Accept-Range") == accept, path


def test_range_past_the_end(lists):
    estate, paths = lists
    for path, accept, created in paths:
        reply = estate.get(with_range(path, "90000-90001"))
        assert reply.header("Accept-Range") == accept, path
        if reply.status == 200:
            assert reply.header("Content-Range") == "*/0", path
            assert created in (None, 0), path
            continue
        assert (reply.status, error_type(reply)) == (416, "RangeNotSatisfiable"), path
        count = reply.header("Content-Range").removeprefix("*/")
        assert count.isdigit(), path
        assert int(count) > 0, path
        assert created is None or int(count) == created, path


def test_whole_collection_is_200(lists):
    estate, paths = lists
    for path, accept, created in paths:
        if created is None:
            continue
        reply = estate.get(path)
        assert reply.status == 200, path
        assert reply.header("Accept-Range") == accept, path
        expected = f"0-{created - 1}/{created}" if created else "*/0"
        assert reply.header("Content-Range") == expected, path
