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
    from id._http import HttpError, Response, _parse_retry_after
    from id._redact import summarize
    from id._verify import cache_seconds
    from id.providers.gcp import token_from_iam_answer, token_from_identity_answer
    from id.providers.github import token_from_answer


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
    return Response("https://fuzz.invalid/", status, "", {}, provider.ConsumeBytes(len(data)))


def responses(data: bytes) -> None:
    """The platforms' token answers."""
    for parse in (token_from_answer, token_from_identity_answer, token_from_iam_answer):
        with contextlib.suppress(AmbientCredentialError, HttpError):
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


TARGETS: dict[str, Callable[[bytes], None]] = {
    "jwt": jwt,
    "responses": responses,
    "headers": headers,
}


def main() -> None:
    """`python fuzz/targets.py TARGET [libFuzzer options]`."""
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
