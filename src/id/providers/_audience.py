"""The audience check for platforms whose audience is fixed in their configuration: a token for
another audience is an error that names the setting to change (or, for a workload's token that
exists for another consumer, a reason to skip)."""

from __future__ import annotations

from .._errors import AmbientCredentialError, MalformedTokenError


def held_audiences(token: str, title: str, source: str) -> list[str]:
    """The audiences `token` (read from `source`) is for; an error when it is not a usable JWT."""
    from .._jwt import audiences, unverified_claims

    try:
        return audiences(unverified_claims(token))
    except MalformedTokenError as exc:
        raise AmbientCredentialError(f"{title}: {source} is not a usable JWT: {exc}") from None


def other_audience(source: str, held: list[str], audience: str) -> str:
    """ "`source` holds a token for 'a', not 'b'"."""
    shown = ", ".join(map(repr, held)) or "no audience"
    return f"{source} holds a token for {shown}, not {audience!r}"


def require_audience(token: str, audience: str, title: str, source: str, fix: str) -> str:
    """`token` if its `aud` holds `audience`; else an error saying what it holds and the `fix`."""
    held = held_audiences(token, title, source)
    if audience in held:
        return token
    raise AmbientCredentialError(f"{title}: {other_audience(source, held, audience)}. {fix}")
