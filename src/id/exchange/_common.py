"""What every exchange shares: the error, getting the identity, one HTTP client."""

from __future__ import annotations

from .._errors import IdentityError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


class ExchangeError(IdentityError):
    """The service refused the token or could not be reached: the message says what it answered
    and what to change. Never holds the token or the credential asked for."""


#: Audiences that name another service `id` exchanges with: a server announcing one of them
#: (a PyPI index's `/_/oidc/audience`) is asking for a token another service would accept.
OWNED_AUDIENCES = {
    "sts.amazonaws.com": "AWS STS",
    "api://AzureADTokenExchange": "Microsoft Entra ID",
    "vault": "Vault (id's default audience for it)",
}


def identity(
    audience: str, environ: Mapping[str, str], service: str, *, from_server: bool = False
) -> str:
    """The OIDC token for `audience` from the platform this runs on; `ExchangeError` saying so
    when there is none. `from_server`: the audience was announced by the service itself, so it
    gets less trust: no audience of another service, no token found by scanning those declared
    for other consumers."""
    from .._detect import detect

    owner = OWNED_AUDIENCES.get(audience.strip()) if from_server else None
    if owner is not None:
        raise ExchangeError(
            f"{service}: the server announced the audience {audience!r}, which is "
            f"{owner}'s: refusing to get it a token another service would accept (check the "
            "URL: it may not be the service you meant)"
        )
    token = detect(audience, environ=environ, audience_from_server=from_server)
    if token is None:
        raise ExchangeError(
            f"{service}: no supported platform is detected here, so there is no identity to "
            "exchange (python -m id --explain AUDIENCE says what id sees)"
        )
    return token


def received(value: str) -> str:
    """A credential the service handed back, registered for redaction before anything else is
    done with it."""
    from .._redact import register

    register([value])
    return value


def publisher_claims() -> tuple[str, ...]:
    """The claims a registry or trust policy matches tokens on, every platform's (the registry's
    `matched`), in detection order, each once."""
    from ..providers import SPECS

    return tuple(dict.fromkeys(name for spec in SPECS for name in spec.matched))


def who(token: str, fields: Sequence[str] | None = None) -> str:
    """`iss`, `sub` and those of `fields` (default: `publisher_claims()`) the token has, for an
    error message."""
    from .._errors import IdentityError
    from .._jwt import unverified_claims

    try:
        claims = unverified_claims(token)
    except IdentityError:
        return "(the token's claims cannot be read)"
    shown = [
        f"{name}={claims[name]!r}"
        for name in (publisher_claims() if fields is None else fields)
        if isinstance(claims.get(name), (str, list))
    ]
    shown.insert(0, f"iss={claims.get('iss')!r}, sub={claims.get('sub')!r}")
    return ", ".join(shown)
