"""What every exchange shares: the error, getting the identity, one HTTP client."""

from __future__ import annotations

from .._errors import IdentityError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


class ExchangeError(IdentityError):
    """The service refused the token or could not be reached: the message says what it answered
    and what to change. Never holds the token or the credential asked for."""


def identity(audience: str, environ: Mapping[str, str], service: str) -> str:
    """The OIDC token for `audience` from the platform this runs on; `ExchangeError` saying so
    when there is none."""
    from .._detect import detect_credential

    token = detect_credential(audience, environ=environ)
    if token is None:
        raise ExchangeError(
            f"{service}: no supported platform is detected here, so there is no identity to "
            "exchange (python -m id --explain AUDIENCE says what id sees)"
        )
    return token


def who(token: str) -> str:
    """The claims a service matches a token on, per platform, for an error message."""
    from .._errors import IdentityError
    from .._jwt import unverified_claims

    try:
        claims = unverified_claims(token)
    except IdentityError:
        return "(the token's claims cannot be read)"
    fields = (
        "repository", "workflow_ref", "environment", "ref",  # GitHub, Forgejo
        "project_path", "ci_config_ref_uri",  # GitLab
        "email",  # Google
        "organization_slug", "pipeline_slug",  # Buildkite
    )  # fmt: skip
    shown = [f"{name}={claims[name]!r}" for name in fields if isinstance(claims.get(name), str)]
    shown.insert(0, f"iss={claims.get('iss')!r}, sub={claims.get('sub')!r}")
    return ", ".join(shown)
