"""The audience check for platforms whose audience is fixed in their configuration: a token for
another audience is an error that names the setting to change."""

from __future__ import annotations

from .._errors import AmbientCredentialError, MalformedTokenError


def require_audience(token: str, audience: str, title: str, source: str, fix: str) -> str:
    """`token` if its `aud` holds `audience`; else an error saying what it holds and the `fix`."""
    from .._jwt import audiences, unverified_claims

    try:
        held = audiences(unverified_claims(token))
    except MalformedTokenError as exc:
        raise AmbientCredentialError(f"{title}: {source} is not a usable JWT: {exc}") from None
    if audience in held:
        return token
    shown = ", ".join(map(repr, held)) or "no audience"
    raise AmbientCredentialError(
        f"{title}: {source} holds a token for {shown}, not {audience!r}. {fix}"
    )
