"""Turning text from outside (response bodies, a CLI's stderr) into a safe one-line summary."""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

SUMMARY_LENGTH = 300

# A JWT (header.payload.signature, base64url) or a long opaque string that may be a credential.
_SECRET_LOOKING = re.compile(
    r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*|[A-Za-z0-9_\-+/=.]{40,}"
)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def secret_parts(value: str) -> list[str]:
    """A credential header's value and, for `Scheme credential`, the credential alone."""
    _scheme, _, credential = value.partition(" ")
    return [part for part in (value, credential) if len(part) >= 4]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with the `secrets` given, and anything that looks like a token or long secret,
    replaced by `[redacted]`."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return _SECRET_LOOKING.sub("[redacted]", text)


def summarize(data: bytes | str, limit: int = SUMMARY_LENGTH, secrets: Iterable[str] = ()) -> str:
    """One printable line of at most `limit` characters, with `secrets` and secret-looking
    strings redacted."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = text[: limit * 8]
    line = " ".join(_UNPRINTABLE.sub(" ", redact(text, secrets)).split())
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return line
