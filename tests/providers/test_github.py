"""GitHub Actions against the emulated token endpoint."""

from __future__ import annotations

import time

import pytest

from id import AmbientCredentialError, GitHubOidcPermissionCredentialError, detect_credential
from id._http import MAX_ATTEMPTS
from id._values import with_query
from id.testing import Faults, GitHubActions
from tests.helpers import claims, job_environ


def test_token_for_the_audience_with_the_real_request() -> None:
    with GitHubActions(repository="pypa/sampleproject") as job:
        token = detect_credential("pypi", environ=job_environ(job.environ))
        (request,) = job.requests
    assert claims(token)["aud"] == "pypi"
    assert claims(token)["repository"] == "pypa/sampleproject"
    assert request.method == "GET"
    assert request.query == {"api-version": ["2.0"], "audience": ["pypi"]}
    assert request.headers["authorization"] == f"bearer {job.request_token}"


def test_public_call_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    with GitHubActions() as job:
        for name, value in job.environ.items():
            monkeypatch.setenv(name, value)
        token = detect_credential(audience="sigstore")
    assert isinstance(token, str)
    assert claims(token)["aud"] == "sigstore"


def test_existing_query_is_kept_and_audience_added() -> None:
    with GitHubActions() as job:
        environ = job_environ(job.environ)
        environ["ACTIONS_ID_TOKEN_REQUEST_URL"] += "&placeholder=true"
        detect_credential("a b&c", environ=environ)
        (request,) = job.requests
    assert request.query == {
        "api-version": ["2.0"],
        "placeholder": ["true"],
        "audience": ["a b&c"],
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/p?api-version=2.0", "https://h/p?api-version=2.0&audience=x"),
        ("https://h/p", "https://h/p?audience=x"),
        ("https://h/p?audience=old&k=v", "https://h/p?k=v&audience=x"),
    ],
)
def test_with_query_keeps_the_rest_of_the_query(url: str, expected: str) -> None:
    assert with_query(url, {"audience": "x"}) == expected


def test_missing_permission_names_the_fix() -> None:
    with GitHubActions(id_token_permission=False) as job:
        with pytest.raises(GitHubOidcPermissionCredentialError) as info:
            detect_credential("pypi", environ=job_environ(job.environ))
        assert job.requests == []
    message = str(info.value)
    assert message.startswith("GitHub Actions: ")
    assert "permissions: id-token: write" in message
    assert "forks" in message
    assert "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN not set" in message


def test_refused_request_token_is_not_a_permission_error_and_hides_the_secret() -> None:
    # The job has `id-token: write` (it got the variables): sigstore must not advise adding it.
    with GitHubActions() as job:
        environ = job_environ(job.environ)
        environ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "stale-request-token-value"
        with pytest.raises(AmbientCredentialError, match="HTTP 401") as info:
            detect_credential("pypi", environ=environ)
    assert not isinstance(info.value, GitHubOidcPermissionCredentialError)
    assert "stale-request-token-value" not in str(info.value)


def test_server_error_is_retried_then_reported() -> None:
    with GitHubActions(faults=Faults(status=500)) as job:
        with pytest.raises(AmbientCredentialError, match="token endpoint answered HTTP 500"):
            detect_credential("pypi", environ=job_environ(job.environ))
        assert len(job.requests) == MAX_ATTEMPTS


def test_transient_errors_are_retried_until_success() -> None:
    with GitHubActions(faults=Faults(status=503, times=2)) as job:
        token = detect_credential("pypi", environ=job_environ(job.environ))
        assert len(job.requests) == 3
    assert claims(token)["aud"] == "pypi"


def test_client_errors_are_not_retried() -> None:
    with GitHubActions(faults=Faults(status=404)) as job:
        with pytest.raises(AmbientCredentialError, match="HTTP 404"):
            detect_credential("pypi", environ=job_environ(job.environ))
        assert len(job.requests) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>oops</html>", "not JSON: <html>oops</html>"),
        (b'["a"]', "JSON that is not an object"),
        (b'{"count": 1}', 'no string "value"'),
        (b'{"value": 5}', 'no string "value"'),
        (b'{"value": "not-a-jwt"}', "not a usable JWT: a JWT has 3 dot-separated parts"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_malformed_answers(body: bytes, message: str) -> None:
    with GitHubActions(faults=Faults(body=body)) as job:
        with pytest.raises(AmbientCredentialError, match="GitHub Actions") as info:
            detect_credential("pypi", environ=job_environ(job.environ))
    assert message in str(info.value)


def test_token_for_another_audience_is_refused() -> None:
    with GitHubActions(claims={"aud": "someone-else"}) as job:
        with pytest.raises(
            AmbientCredentialError,
            match="GitHub Actions returned a token for audience 'someone-else', not 'pypi'",
        ):
            detect_credential("pypi", environ=job_environ(job.environ))


def test_list_audience_holding_ours_is_accepted() -> None:
    # PyPI's id wrongly refuses a list-valued aud.
    with GitHubActions(claims={"aud": ["other", "pypi"]}) as job:
        token = detect_credential("pypi", environ=job_environ(job.environ))
    assert claims(token)["aud"] == ["other", "pypi"]


def test_slow_endpoint_is_bounded_by_the_deadline() -> None:
    with GitHubActions(faults=Faults(delay=5)) as job:
        environ = job_environ({**job.environ, "ID_TIMEOUT": "1"})
        started = time.monotonic()
        with pytest.raises(AmbientCredentialError, match="timed out|deadline"):
            detect_credential("pypi", environ=environ)
        elapsed = time.monotonic() - started
    assert elapsed < 3, f"took {elapsed:.1f} s against a 1 s deadline"
