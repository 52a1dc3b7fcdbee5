"""The audience check for platforms whose audience is fixed in their configuration: a token for
another audience is an error that names the setting to change (or, for a workload's token that
exists for another consumer, a reason to skip)."""

from __future__ import annotations

from .._errors import AmbientCredentialError, MalformedTokenError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


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


def choose(
    candidates: Iterable[tuple[str, str]], audience: str, *, only_exact: bool = False
) -> tuple[str | None, list[str]]:
    """Among tokens `(where, token)` declared for consumers of the job's choosing, the first
    whose `aud` holds `audience` (with `only_exact`, whose `aud` is that audience alone), and
    what each of the others holds, for a message (`where holds a token for 'a', not 'b'`; never
    the token)."""
    seen: list[str] = []
    for where, token in candidates:
        try:
            from .._jwt import audiences, unverified_claims

            held = audiences(unverified_claims(token))
        except MalformedTokenError:
            seen.append(f"{where} is not a usable JWT")
            continue
        if audience in held and (held == [audience] or not only_exact):
            return token, seen
        seen.append(other_audience(where, held, audience))
    return None, seen
