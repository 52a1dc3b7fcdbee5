"""A naive GitHub Actions token fetcher: what the fault suite must catch.

No time limit, no retries, no size cap, redirects followed with the credential, no audience or
form check. `pytest tests/security --implementation naive` runs the fault suite against it, and
every case must fail (tests/security/test_naive.py checks that).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping


def detect_credential(audience: str, *, environ: Mapping[str, str]) -> str | None:
    """Fetch a token the naive way."""
    if environ.get("GITHUB_ACTIONS") != "true":
        return None
    url = environ["ACTIONS_ID_TOKEN_REQUEST_URL"] + f"&audience={audience}"
    request = urllib.request.Request(
        url, headers={"Authorization": f"bearer {environ['ACTIONS_ID_TOKEN_REQUEST_TOKEN']}"}
    )
    with urllib.request.urlopen(request) as response:
        return str(json.loads(response.read())["value"])


def detect_identity(audience: str, *, environ: Mapping[str, str]) -> str | None:
    """The naive way again: no validity check either."""
    return detect_credential(audience, environ=environ)
