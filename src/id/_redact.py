"""Turning text from outside (response bodies, a CLI's output, claims) into a safe one-line
summary: the secrets registered for a request removed in every form they can take in text, any
JWT removed, control characters and terminal escape sequences removed, and only then cut short."""

from __future__ import annotations

import re

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

SUMMARY_LENGTH = 300
#: Secrets shorter than this are not redacted: replacing every "abc" would garble messages, and
#: no credential a platform issues is that short.
MIN_SECRET_LENGTH = 8
REDACTED = "[redacted]"

# A JWT (header.payload[.signature], base64url): tokens are redacted whether registered or not.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*")
# Terminal escape sequences (CSI ... final byte, OSC ... BEL/ST, and two-byte ESC sequences),
# then any other C0/C1 control character, and the bidirectional overrides that reorder text.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]"
)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def secret_forms(secrets: Iterable[str]) -> tuple[str, ...]:
    """Every form in which the `secrets` can appear in text, longest first: as given, the
    credential of a `Scheme credential` value, JSON-escaped (with `\\/` too), URL-encoded."""
    import json
    from urllib.parse import quote, quote_plus

    forms: set[str] = set()
    for secret in secrets:
        _scheme, _, credential = secret.partition(" ")
        for value in (secret, credential):
            if len(value) < MIN_SECRET_LENGTH:
                continue
            escaped = json.dumps(value)[1:-1]
            forms.update(
                (
                    value,
                    escaped,
                    escaped.replace("/", "\\/"),
                    quote(value, safe=""),
                    quote_plus(value),
                )
            )
    return tuple(sorted(forms, key=len, reverse=True))


def redact(text: str, secrets: Iterable[str] = (), *, prepared: bool = False) -> str:
    """`text` with the `secrets` (in every form, or as given when `prepared` by `secret_forms`)
    and any JWT replaced by `[redacted]`."""
    for form in secrets if prepared else secret_forms(secrets):
        text = text.replace(form, REDACTED)
    return _JWT.sub(REDACTED, text)


def printable(text: str) -> str:
    """`text` without terminal escape sequences or control characters (each run becomes a space),
    so that text from outside cannot move the cursor, recolour or forge lines of output."""
    return _UNPRINTABLE.sub(" ", _ESCAPES.sub("", text))


def escaped(text: str) -> str:
    """`text` with every control character, escape and bidirectional override written as an
    escape (`\\n`, `\\x1b`), for output that shows a value as it is, on one line."""

    def escape(match: re.Match[str]) -> str:
        return "".join(
            {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or f"\\u{ord(c):04x}"
            for c in match.group()
        )

    return _CONTROL.sub(escape, text)


def summarize(
    data: bytes | str,
    limit: int = SUMMARY_LENGTH,
    secrets: Iterable[str] = (),
    *,
    prepared: bool = False,
) -> str:
    """One printable line of at most `limit` characters, with `secrets` and JWTs redacted first
    (a secret cut by the limit would no longer match)."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    line = " ".join(printable(redact(text, secrets, prepared=prepared)).split())
    if len(line) > limit:
        cut = line[: limit - 1]
        # End at a word if one ends near the limit: a cause cut mid-word reads as a typo.
        words = cut.rsplit(" ", 1)[0]
        line = (words if len(words) > limit * 3 // 4 else cut) + "…"
    return line


#: An error's text, at most: outside text inside it is capped where it enters (`summarize`),
#: and this bounds whatever was not.
MAX_MESSAGE_LENGTH = 2000
#: How many secret forms the process remembers: a service that detects tokens for days must not
#: grow without bound; the oldest forms go first.
MAX_REGISTERED_FORMS = 4096
_REGISTERED: dict[str, None] = {}
# A workflow command (`::error::`, `::add-mask::`) is read by GitHub's and Forgejo's runners at
# the start of a line, after any indentation.
_WORKFLOW_COMMAND = re.compile(r"^(\s*):(?=:)", re.MULTILINE)


def register(secrets: Iterable[str]) -> None:
    """Remember `secrets` for the life of the process: every error's text (`clean`) and every
    log line is redacted of them, whoever raised or logged it."""
    register_forms(secret_forms(secrets))


def register_forms(forms: Iterable[str]) -> None:
    """`register`, for forms `secret_forms` already made."""
    for form in forms:
        _REGISTERED.pop(form, None)
        _REGISTERED[form] = None
    while len(_REGISTERED) > MAX_REGISTERED_FORMS:
        del _REGISTERED[next(iter(_REGISTERED))]


def registered() -> tuple[str, ...]:
    """The forms of every registered secret, longest first (as `redact` expects them)."""
    return tuple(sorted(list(_REGISTERED), key=len, reverse=True))


def clean(text: str, limit: int | None = MAX_MESSAGE_LENGTH) -> str:
    """Text fit for a terminal and a CI log: the registered secrets and any JWT redacted, each
    line without control characters or escape sequences, no line read as a workflow command,
    and at most `limit` characters. Line breaks written on purpose are kept."""
    text = redact(text, registered(), prepared=True)
    lines = [printable(line).rstrip() for line in text.splitlines()]
    text = _WORKFLOW_COMMAND.sub(r"\1: ", "\n".join(lines))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
