"""Coverage-guided fuzz targets (atheris) for every parser of outside input.

Each target takes raw bytes and must end in a value or one of the errors id documents; any other
exception is a bug that atheris reports with the input that caused it. Run them with
`python fuzz/run.py` (all targets) or `python fuzz/targets.py TARGET [libFuzzer options]`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

import atheris

with atheris.instrument_imports():
    from id import AmbientCredentialError, IdentityError, IdentityToken, decode_oidc_token
    from id._http import HttpError, Request, Response
    from id._http.client import parse_retry_after as _parse_retry_after
    from id._redact import MIN_SECRET_LENGTH, summarize
    from id._verify import cache_seconds
    from id.providers import Skipped
    from id.providers._file import read_token_file
    from id.providers.gcp import token_from_iam_answer, token_from_identity_answer
    from id.providers.github import token_from_answer
    from id.signin.device import _seconds
    from id.signin.token_answer import provider_error


def _text(data: bytes) -> str:
    return atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))


def jwt(data: bytes) -> None:
    """decode_oidc_token and IdentityToken on any text."""
    text = _text(data)
    with contextlib.suppress(IdentityError):
        decode_oidc_token(text)
    try:
        token = IdentityToken(text)
    except IdentityError:
        return
    token.identity, token.audience, token.platform, token.expires_at  # noqa: B018
    token.in_validity_period()


def _response(data: bytes) -> Response:
    provider = atheris.FuzzedDataProvider(data)
    status = provider.PickValueInList([200, 200, 404, 429, 500])
    request = Request("GET", "https://fuzz.invalid/")
    return Response(request, status, "", {}, provider.ConsumeBytes(len(data)))


def responses(data: bytes) -> None:
    """The platforms' token answers."""
    for parse in (token_from_answer, token_from_identity_answer, token_from_iam_answer):
        with contextlib.suppress(AmbientCredentialError, HttpError, Skipped):
            parse(_response(data))


def headers(data: bytes) -> None:
    """Retry-After, Cache-Control and Expires values, and error summaries."""
    text = _text(data)
    parsed = _parse_retry_after(text)
    if parsed is not None and parsed < 0:
        raise AssertionError(f"negative Retry-After from {text!r}")
    if not 0 <= cache_seconds({"cache-control": text, "expires": text}) <= 86400:
        raise AssertionError(f"cache time out of range from {text!r}")
    if "\n" in summarize(data):
        raise AssertionError("a summary spans lines")


_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./+="  # noqa: S105


def redaction(data: bytes) -> None:
    """A credential quoted back in any text, raw, JSON-escaped or URL-encoded, never survives."""
    import json
    from urllib.parse import quote

    provider = atheris.FuzzedDataProvider(data)
    size = provider.ConsumeIntInRange(MIN_SECRET_LENGTH, 48)
    secret = "".join(
        _SECRET_ALPHABET[b % len(_SECRET_ALPHABET)] for b in provider.ConsumeBytes(size)
    )
    if len(secret) < MIN_SECRET_LENGTH:  # shorter ones are not redacted, by design
        return
    form = provider.PickValueInList([secret, json.dumps(secret)[1:-1], quote(secret, safe="")])
    before = provider.ConsumeUnicodeNoSurrogates(200)
    after = provider.ConsumeUnicodeNoSurrogates(3000)
    summary = summarize(before + form + after, secrets=[secret])
    if secret in summary or (form != secret and form in summary):
        raise AssertionError(f"{secret!r} survived redaction: {summary!r}")


def token_files(data: bytes) -> None:
    """Whatever a token file holds, reading it gives text or the documented error."""
    import os
    import tempfile

    with tempfile.NamedTemporaryFile(delete=False) as file:
        file.write(data)
    try:
        with contextlib.suppress(AmbientCredentialError):
            read_token_file(file.name, "Fuzz", "FUZZ_TOKEN_FILE")
    finally:
        os.unlink(file.name)


def signin(data: bytes) -> None:
    """An issuer's error answers and device-flow numbers: one printable line, sane seconds."""
    import math

    provider = atheris.FuzzedDataProvider(data)
    answer = {
        "error": provider.ConsumeUnicodeNoSurrogates(64),
        "error_description": provider.ConsumeUnicodeNoSurrogates(512),
    }
    line = provider_error(answer)
    if "\n" in line or "\x1b" in line:
        raise AssertionError(f"a provider error spans lines or escapes: {line!r}")
    interval = provider.PickValueInList(
        [provider.ConsumeRegularFloat(), provider.ConsumeFloat(), provider.ConsumeInt(8), None, "5"]
    )
    seconds = _seconds(interval, 5.0, at_least=0.1)
    if not (math.isfinite(seconds) and seconds >= 0.1):
        raise AssertionError(f"interval {seconds!r} from {interval!r}")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "jwt": jwt,
    "responses": responses,
    "headers": headers,
    "redaction": redaction,
    "token_files": token_files,
    "signin": signin,
}


def main() -> None:
    """`python fuzz/targets.py TARGET [libFuzzer options]`."""
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
