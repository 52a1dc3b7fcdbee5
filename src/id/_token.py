"""`IdentityToken`: what an OIDC token says, read without verifying it."""

from __future__ import annotations

import math
import time

from ._errors import ExpiredIdentity, MalformedTokenError
from ._jwt import audiences, decode_oidc_token

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime, timedelta
    from typing import Any

#: Seconds of clock difference tolerated by `in_validity_period` and verification.
DEFAULT_LEEWAY = 60.0

#: The claim that names the workload or person, by issuer. Issuers not listed use `sub`; where
#: the listed claim is missing (a Google token minted without `includeEmail`), `sub` is used.
IDENTITY_CLAIMS: Mapping[str, str] = {
    "https://accounts.google.com": "email",
    "accounts.google.com": "email",
    "https://oauth2.sigstore.dev/auth": "email",
    "https://oauth2.sigstage.dev/auth": "email",
    "https://token.actions.githubusercontent.com": "sub",
    "https://gitlab.com": "sub",
    "https://agent.buildkite.com": "sub",
}


class Platform:
    """The CI platform or cloud a token was issued to, and the claims that say where it ran."""

    __slots__ = ("details", "name", "title")

    def __init__(self, name: str, title: str, details: Mapping[str, str]) -> None:
        self.name = name
        self.title = title
        self.details = dict(details)

    def __repr__(self) -> str:
        return f"Platform({self.name!r}, {self.details!r})"


def _platform(claims: Mapping[str, Any]) -> Platform | None:
    """Where the token was issued, from the registry's facts (each platform's marker claim,
    issuers and claims worth showing), in detection order."""
    from .providers import SPECS

    for spec in SPECS:
        if not spec.issued(claims):
            continue
        details = {key: str(claims[key]) for key in spec.shown if key in claims}
        google = claims.get("google")
        engine = google.get("compute_engine") if isinstance(google, dict) else None
        if isinstance(engine, dict):  # Compute Engine's `format=full` identity
            details.update(
                {k: str(engine[k]) for k in ("project_id", "zone", "instance_name") if k in engine}
            )
        return Platform(spec.name, spec.title, details)
    return None


# 9999-12-31T23:59:59Z: the last second a datetime can hold.
MAX_TIMESTAMP = 253402300799.0


def _number(claims: Mapping[str, Any], name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if value is None:
        raise MalformedTokenError(f"the token has no {name!r} claim")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MalformedTokenError(
            f"the token's {name!r} claim must be a number of seconds, not {type(value).__name__}"
        )
    try:
        seconds = float(value)
    except OverflowError:
        seconds = math.inf
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_TIMESTAMP:
        raise MalformedTokenError(f"the token's {name!r} claim is not a time between 1970 and 9999")
    return seconds


def _string(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if value is None:
        raise MalformedTokenError(f"the token has no {name!r} claim")
    if not isinstance(value, str) or not value:
        raise MalformedTokenError(f"the token's {name!r} claim must be a non-empty string")
    return value


def _utc(seconds: float) -> datetime:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(seconds, tz=timezone.utc)


class IdentityToken:
    """An OIDC identity token and what it claims.

    Parsing checks the token's form and the types of `iss`, `sub`, `aud`, `iat`, `exp` (and `nbf`
    when present), but **not its signature**: anyone can write a token that parses. Use `verify`
    before trusting what it says.
    """

    __slots__ = ("_claims", "_header", "raw")

    def __init__(self, raw: str) -> None:
        import json
        from types import MappingProxyType

        header_text, payload_text, _ = decode_oidc_token(
            raw.strip() if isinstance(raw, str) else raw
        )
        self.raw: str = raw.strip()
        claims = json.loads(payload_text)
        for name in ("iss", "sub"):
            _string(claims, name)
        if not audiences(claims):
            raise MalformedTokenError("the token's 'aud' claim is an empty list")
        _number(claims, "iat", required=True)
        _number(claims, "exp", required=True)
        _number(claims, "nbf", required=False)
        self._claims: Mapping[str, Any] = MappingProxyType(claims)
        self._header: Mapping[str, Any] = MappingProxyType(json.loads(header_text))

    def __repr__(self) -> str:
        # Never the raw token: reprs end up in logs.
        return f"IdentityToken(issuer={self.issuer!r}, subject={self.subject!r})"

    @property
    def claims(self) -> Mapping[str, Any]:
        """Every claim of the payload, read-only."""
        return self._claims

    @property
    def header(self) -> Mapping[str, Any]:
        """The JOSE header (`alg`, `kid`, ...), read-only."""
        return self._header

    @property
    def issuer(self) -> str:
        """The `iss` claim."""
        return str(self._claims["iss"])

    @property
    def subject(self) -> str:
        """The `sub` claim."""
        return str(self._claims["sub"])

    @property
    def audience(self) -> list[str]:
        """The `aud` claim, always as a list."""
        return audiences(dict(self._claims))

    @property
    def identity_claim(self) -> str:
        """The name of the claim `identity` comes from (see `IDENTITY_CLAIMS`)."""
        claim = IDENTITY_CLAIMS.get(self.issuer, "sub")
        return claim if isinstance(self._claims.get(claim), str) else "sub"

    @property
    def identity(self) -> str:
        """Whom the token names, for its issuer: the email for Google and Sigstore, else `sub`."""
        return str(self._claims[self.identity_claim])

    @property
    def federated_issuer(self) -> str:
        """The upstream identity provider of a federating issuer (Dex's
        `federated_claims.connector_id`, as Sigstore's issuer sets), else the issuer itself."""
        federated = self._claims.get("federated_claims")
        if isinstance(federated, dict) and isinstance(federated.get("connector_id"), str):
            return str(federated["connector_id"])
        return self.issuer

    @property
    def issued_at(self) -> datetime:
        """When the token was issued (`iat`), in UTC."""
        return _utc(float(self._claims["iat"]))

    @property
    def not_before(self) -> datetime | None:
        """When the token becomes valid (`nbf`), in UTC, if it says."""
        nbf = _number(self._claims, "nbf", required=False)
        return None if nbf is None else _utc(nbf)

    @property
    def expires_at(self) -> datetime:
        """When the token expires (`exp`), in UTC."""
        return _utc(float(self._claims["exp"]))

    def expires_in(self) -> timedelta:
        """Time left before expiry; negative once expired."""
        from datetime import timedelta

        return timedelta(seconds=float(self._claims["exp"]) - time.time())

    def in_validity_period(self, leeway: float = DEFAULT_LEEWAY) -> bool:
        """Whether now is between `nbf` (or `iat`) and `exp`, give or take `leeway` seconds."""
        now = time.time()
        nbf = _number(self._claims, "nbf", required=False)
        start = float(self._claims["iat"]) if nbf is None else nbf
        return start - leeway <= now < float(self._claims["exp"]) + leeway

    def check_validity_period(self, leeway: float = DEFAULT_LEEWAY) -> None:
        """Raise `ExpiredIdentity` unless `in_validity_period(leeway)`."""
        if self.in_validity_period(leeway):
            return
        now = time.time()
        expiry = float(self._claims["exp"])
        if now >= expiry + leeway:
            raise ExpiredIdentity(
                f"the token from {self.issuer} expired at {self.expires_at:%Y-%m-%d %H:%M:%S} UTC "
                f"({now - expiry:.0f} s ago)"
            )
        start = self.not_before or self.issued_at
        raise ExpiredIdentity(
            f"the token from {self.issuer} is not valid before {start:%Y-%m-%d %H:%M:%S} UTC "
            "(check this machine's clock)"
        )

    @property
    def platform(self) -> Platform | None:
        """The platform the token was issued to, when its claims show it."""
        return _platform(self._claims)

    def verify(
        self,
        *,
        audience: str | Sequence[str],
        issuer: str,
        leeway: float = DEFAULT_LEEWAY,
    ) -> dict[str, Any]:
        """Verify the signature against `issuer`'s published keys and check `iss`, `aud`, `exp`,
        `nbf` and `iat`; return the verified claims.

        The issuer's discovery document and JWKS are fetched over HTTPS (plain HTTP only for
        loopback) and cached per issuer as the server's cache headers allow; an unknown `kid`
        refreshes them once. Raises `ExpiredIdentity` for a token outside its validity period
        and `VerificationError` for anything else. Needs the `verify` extra (PyJWT).
        """
        from ._verify import keys_of

        return keys_of(issuer).verify(self.raw, audience=audience, leeway=leeway)
