"""Every read endpoint names a rejected query parameter the same way:
« name » in French, "name" in English."""

import pytest

ENGLISH = {"Accept-Language": "en"}

# Path and query, then the parameter its message must name.
CASES = [
    ("/api/v1/tickets?status=SOMETIMES", "status"),
    ("/api/v1/tickets?from=2024-02-01&to=2024-01-01", "to"),
    ("/api/v1/events?limit=abc", "limit"),
    ("/api/v1/lots", "patrimonyuid"),
    ("/api/v1/patrimonies?geolocation=north", "geolocation"),
    ("/api/v1/clientcompanies?companytype=Landlord", "companytype"),
    ("/api/v1/events?types=NoSuchEvent", "types"),
]


@pytest.mark.parametrize("path, name", CASES)
def test_rejected_parameter_named_in_quotes(su, path, name):
    french = su.get(path)
    english = su.get(path, headers=ENGLISH)

    assert french.status == 400, french
    assert f"« {name} »" in french.json()["message"], french.json()
    assert english.status == 400, english
    assert f'"{name}"' in english.json()["message"], english.json()
