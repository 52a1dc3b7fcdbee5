"""Property tests for every parser of outside input: whatever arrives, the outcome is a value of
the documented kind or an IdentityError (an AmbientCredentialError inside a provider)."""

from __future__ import annotations

import contextlib
import json

from hypothesis import example, given
from hypothesis import strategies as st

from id import AmbientCredentialError, IdentityError, IdentityToken
from id._http import HttpError, Request, Response
from id._http.client import parse_retry_after as _parse_retry_after
from id._redact import MIN_SECRET_LENGTH, SUMMARY_LENGTH, summarize
from id._verify import MAX_CACHE_SECONDS, cache_seconds
from id.providers import Skipped
from id.providers.circleci import CircleCI
from id.providers.gcp import token_from_iam_answer, token_from_identity_answer
from id.providers.github import token_from_answer

bodies = st.binary(max_size=512) | st.text(max_size=256).map(str.encode)
json_bodies = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
).map(lambda value: json.dumps(value).encode())
statuses = st.sampled_from([200, 200, 201, 204, 400, 401, 403, 404, 429, 500, 503])


def response(status: int, body: bytes) -> Response:
    return Response(Request("GET", "https://example.invalid/token"), status, "", {}, body)


@given(
    statuses,
    bodies
    | json_bodies
    | st.builds(lambda v: json.dumps({"value": v}).encode(), st.text(max_size=30)),
)
def test_github_answers(status: int, body: bytes) -> None:
    with contextlib.suppress(AmbientCredentialError, HttpError):
        assert token_from_answer(response(status, body))


@given(statuses, bodies)
def test_metadata_identity_answers(status: int, body: bytes) -> None:
    with contextlib.suppress(AmbientCredentialError, HttpError, Skipped):
        assert isinstance(token_from_identity_answer(response(status, body)), str)


@given(
    bodies
    | json_bodies
    | st.builds(lambda v: json.dumps({"token": v}).encode(), st.text(max_size=30))
)
def test_iam_answers(body: bytes) -> None:
    with contextlib.suppress(AmbientCredentialError, HttpError):
        assert token_from_iam_answer(response(200, body))


@given(st.text(max_size=200))
def test_circleci_default_tokens(value: str) -> None:
    environ = {"CIRCLE_OIDC_TOKEN_V2": value, "PATH": "/nonexistent"}
    with contextlib.suppress(AmbientCredentialError):
        assert CircleCI()._default_token("pypi", environ)


@given(st.text(max_size=100))
@example("\n\u278a'")  # found by atheris: "➊".isdigit() is true, float("➊") raises
@example("²")
def test_retry_after(value: str) -> None:
    parsed = _parse_retry_after(value)
    assert parsed is None or parsed >= 0


@given(st.dictionaries(st.sampled_from(["cache-control", "expires", "age"]), st.text(max_size=60)))
@example({"cache-control": "max-age=²"})
def test_cache_headers(headers: dict[str, str]) -> None:
    assert 0 <= cache_seconds(headers) <= MAX_CACHE_SECONDS


@given(bodies, st.lists(st.text(min_size=MIN_SECRET_LENGTH, max_size=20), max_size=3))
def test_summaries_are_one_bounded_line_without_the_secrets(
    body: bytes, secrets: list[str]
) -> None:
    line = summarize(body + " ".join(secrets).encode(), secrets=secrets)
    assert len(line) <= SUMMARY_LENGTH
    assert "\n" not in line
    assert "\r" not in line
    for secret in secrets:
        assert secret not in line or secret in "[redacted]" or secret in line.replace(secret, "")


@given(st.text(max_size=400))
def test_identity_token_from_any_text(text: str) -> None:
    with contextlib.suppress(IdentityError):
        IdentityToken(text)
