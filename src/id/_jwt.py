"""Decoding JWTs without verifying them, and checking their audience.

Tokens from outside are hostile input: every failure is a `MalformedTokenError` that says what is
wrong without repeating the token.
"""

from __future__ import annotations

from ._errors import MalformedTokenError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Real ID tokens are a few kilobytes; Entra tokens with many group claims reach about 10 KB.
MAX_TOKEN_LENGTH = 64 * 1024

_SEGMENT = r"[A-Za-z0-9_-]*={0,2}"


def _b64url_decode(segment: str, part: str) -> bytes:
    import base64
    import binascii
    import re

    if not re.fullmatch(_SEGMENT, segment):
        raise MalformedTokenError(f"the JWT's {part} is not base64url")
    unpadded = segment.rstrip("=")
    if len(unpadded) % 4 == 1:
        raise MalformedTokenError(f"the JWT's {part} has an impossible base64url length")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except binascii.Error as exc:  # pragma: no cover - excluded by the checks above
        raise MalformedTokenError(f"the JWT's {part} is not base64url: {exc}") from None


def _json_object_text(segment: str, part: str) -> tuple[str, dict[str, Any]]:
    import json

    raw = _b64url_decode(segment, part)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedTokenError(f"the JWT's {part} is not UTF-8") from None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        # RecursionError: JSON nested deeper than the interpreter's stack.
        raise MalformedTokenError(f"the JWT's {part} is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedTokenError(
            f"the JWT's {part} is JSON but not an object (it is a {type(value).__name__})"
        )
    return text, value


def _segments(token: object) -> list[str]:
    if not isinstance(token, str):
        raise MalformedTokenError(f"a JWT is a string, not {type(token).__name__}")
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedTokenError(
            f"the token is {len(token)} characters long; more than {MAX_TOKEN_LENGTH} is refused"
        )
    segments = token.split(".")
    if len(segments) != 3:
        raise MalformedTokenError(
            f"a JWT has 3 dot-separated parts, this token has {len(segments)}"
        )
    return segments


def decode_oidc_token(token: str) -> tuple[str, str, str]:
    """Split a JWT into its decoded header, decoded payload and (still encoded) signature.

    The header and payload are returned as the JSON text they decode to. Nothing is verified: use
    this to look at a token, not to trust it. Raises `MalformedTokenError` (a `ValueError`) when
    the token is not three base64url parts whose first two are UTF-8 JSON objects.
    """
    header, payload, signature = _segments(token)
    header_text, _ = _json_object_text(header, "header")
    payload_text, _ = _json_object_text(payload, "payload")
    _b64url_decode(signature, "signature")
    return header_text, payload_text, signature


def unverified_header(token: str) -> dict[str, Any]:
    """The JOSE header of a JWT, checked for form only; the payload is not decoded."""
    header, _payload, _signature = _segments(token)
    return _json_object_text(header, "header")[1]


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT as a dict, checked for form only (see `decode_oidc_token`)."""
    header, payload, signature = _segments(token)
    _json_object_text(header, "header")
    _, claims = _json_object_text(payload, "payload")
    _b64url_decode(signature, "signature")
    return claims


def audiences(claims: dict[str, Any]) -> list[str]:
    """The `aud` claim as a list of strings: a JWT may carry one audience or a list of them."""
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    if isinstance(aud, list) and all(isinstance(item, str) for item in aud):
        return list(aud)
    if aud is None:
        raise MalformedTokenError("the token has no 'aud' claim")
    raise MalformedTokenError(f"the token's 'aud' claim is a {type(aud).__name__}, not a string")
