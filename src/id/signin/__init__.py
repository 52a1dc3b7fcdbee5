"""Signing a person in: OpenID Connect discovery; the browser, paste-the-code and device flows."""

from __future__ import annotations

from .issuer import WELL_KNOWN_ISSUERS, Issuer

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .._token import IdentityToken

__all__ = ["WELL_KNOWN_ISSUERS", "Issuer", "interactive_credential"]


def interactive_credential(
    issuer: str | Issuer = "sigstore",
    *,
    client_id: str | None = None,
    client_secret: str = "",
    flow: str = "browser",
    **options: Any,
) -> IdentityToken:
    """Sign a person in with `issuer` (a URL, a name from `WELL_KNOWN_ISSUERS`, or an `Issuer`)
    and return their ID token. See `Issuer.identity_token` for the flows and options."""
    if not isinstance(issuer, Issuer):
        issuer = Issuer.named(issuer) if issuer in WELL_KNOWN_ISSUERS else Issuer(issuer)
    return issuer.identity_token(client_id, client_secret, flow, **options)
