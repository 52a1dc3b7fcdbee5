"""CircleCI: the `circleci` CLI, and the default tokens when it is missing."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import CircleCI, Faults
from tests.helpers import claims, job_environ


def test_token_from_the_cli_with_root_issuer() -> None:
    with CircleCI() as job:
        token = detect_credential("pypi", environ=job_environ(job.environ))
        (request,) = job.requests
    assert claims(token)["aud"] == "pypi"
    assert request.json() == {"claims": {"aud": "pypi"}, "root_issuer": True}


def test_cli_error_carries_its_stderr() -> None:
    with CircleCI(faults=Faults(status=500, body=b"task agent unavailable")) as job:
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("pypi", environ=job_environ(job.environ))
    assert "`circleci run oidc get` failed (exit status 1)" in str(info.value)
    assert "task agent unavailable" in str(info.value)


def test_without_the_cli_the_default_token_for_the_org_is_used() -> None:
    with CircleCI(cli_installed=False) as job:
        token = detect_credential(job.organization_id, environ=job_environ(job.environ))
    assert token == job.environ["CIRCLE_OIDC_TOKEN_V2"]


def test_without_the_cli_another_audience_is_explained() -> None:
    with CircleCI(cli_installed=False) as job:
        environ = job_environ(job.environ)
        environ["PATH"] = "/nonexistent"
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("pypi", environ=environ)
    message = str(info.value)
    assert "the `circleci` CLI is not on PATH" in message
    assert f"CIRCLE_OIDC_TOKEN_V2 holds a token for '{job.organization_id}', not 'pypi'" in message
    assert "cimg/" in message


def test_without_the_cli_or_a_context() -> None:
    with CircleCI(cli_installed=False, context=False) as job:
        environ = job_environ(job.environ)
        environ["PATH"] = "/nonexistent"
        with pytest.raises(AmbientCredentialError, match="only when they use a context"):
            detect_credential("pypi", environ=environ)


def test_without_the_cli_a_broken_default_token_is_reported() -> None:
    with CircleCI(cli_installed=False, context=False) as job:
        environ = job_environ(
            {**job.environ, "CIRCLE_OIDC_TOKEN": "garbage", "PATH": "/nonexistent"}
        )
        with pytest.raises(AmbientCredentialError, match="CIRCLE_OIDC_TOKEN is not a usable JWT"):
            detect_credential("pypi", environ=environ)
