"""Turning text from outside (response bodies, a CLI's stderr) into a safe one-line summary."""

from __future__ import annotations

import re

SUMMARY_LENGTH = 300

# A JWT (header.payload.signature, base64url) or a long opaque string that may be a credential.
_SECRET_LOOKING = re.compile(
    r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*|[A-Za-z0-9_\-+/=.]{40,}"
)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def redact(text: str) -> str:
    """`text` with anything that looks like a token or long secret replaced by `[redacted]`."""
    return _SECRET_LOOKING.sub("[redacted]", text)


def summarize(data: bytes | str, limit: int = SUMMARY_LENGTH) -> str:
    """One printable line of at most `limit` characters, with secret-looking strings redacted."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = text[: limit * 8]
    line = " ".join(_UNPRINTABLE.sub(" ", redact(text)).split())
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return line
