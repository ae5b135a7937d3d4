"""No password, API key, session token or webhook secret of the whole run reaches a log.

Named to run last: by then every test has recorded the secrets it used in
auth_support.SECRETS.
"""

from pathlib import Path

import pytest

from auth_support import SECRETS


@pytest.mark.parametrize("log_key", ["PERFIMMO_API_LOG", "PERFIMMO_NGINX_ACCESS_LOG",
                                     "PERFIMMO_NGINX_ERROR_LOG", "PERFIMMO_NOTIFY_LOG"])
def test_no_secret_in_logs(env, log_key):
    if not SECRETS:
        pytest.skip("run with the auth tests: they record the secrets to look for")
    secrets = set(SECRETS) | {env["PERFIMMO_API_KEY"], env["PERFIMMO_OTHER_API_KEY"]}
    secrets = {secret for secret in secrets if len(secret) >= 8}
    if log_key not in env:
        pytest.skip(f"{log_key} is not in this stack's settings")
    path = Path(env[log_key])
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    leaked = sorted(secret[:6] + "..." for secret in secrets if secret in text)

    assert leaked == [], f"{log_key} holds secrets starting with {leaked}"
