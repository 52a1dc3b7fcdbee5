"""OpenID Connect discovery, for verification and sign-in alike: an issuer's documents, fetched
over TLS on every hop (plain HTTP only on loopback) and checked to be what they claim."""

from __future__ import annotations

from ._errors import IdentityError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from ._http import Response

DISCOVERY_PATH = "/.well-known/openid-configuration"


def fetch_json(
    url: str, what: str, issuer: str, environ: Mapping[str, str], error: type[IdentityError]
) -> tuple[dict[str, Any], Response]:
    """The JSON object at `url` (the `what` of `issuer`) and the response it came in; `error`
    saying why when it cannot be had."""
    from ._http import Request, request_once

    request = Request("GET", url, headers={"Accept": "application/json"}, tls_required=True)
    try:
        response = request_once(request, environ)
    except IdentityError as exc:
        raise error(f"cannot fetch the {what} of {issuer}: {exc}") from None
    if response.status != 200:
        raise error(f"cannot fetch the {what} of {issuer}: {response.describe()}")
    try:
        return response.json_object(), response
    except IdentityError as exc:
        raise error(f"the {what} of {issuer} is unusable: {exc}") from None


def discover(issuer: str, environ: Mapping[str, str], error: type[IdentityError]) -> dict[str, Any]:
    """`issuer`'s discovery document, whose `issuer` must be `issuer` itself."""
    from ._http import insecure_url_reason

    reason = insecure_url_reason(issuer)
    if reason is not None:
        raise error(f"the issuer {reason}")
    url = issuer.rstrip("/") + DISCOVERY_PATH
    document, _ = fetch_json(url, "discovery document", issuer, environ, error)
    if document.get("issuer") != issuer:
        raise error(
            f"the discovery document at {url} names the issuer {document.get('issuer')!r}, "
            f"not {issuer!r}"
        )
    return document
