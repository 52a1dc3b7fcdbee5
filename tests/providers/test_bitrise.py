"""Bitrise: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Bitrise, Faults
from tests.helpers import claims, job_environ


def test_bitrise_token_with_the_real_request() -> None:
    with Bitrise() as job:
        token = detect_credential("pypi", environ=job_environ(job.environ))
        (request,) = job.requests
    assert claims(token)["aud"] == "pypi"
    assert request.json() == {"aud": "pypi", "sub": ""}
    assert request.headers["build_api_token"] == job.api_token


def test_bitrise_without_the_api_token() -> None:
    with Bitrise() as job:
        environ = job_environ(job.environ)
        del environ["BITRISE_BUILD_API_TOKEN"]
        with pytest.raises(AmbientCredentialError, match="BITRISE_BUILD_API_TOKEN is not set"):
            detect_credential("pypi", environ=environ)


def test_wrong_audience_and_endpoint_errors() -> None:
    with Bitrise(claims={"aud": "other"}) as job:
        with pytest.raises(AmbientCredentialError, match="returned a token for audience 'other'"):
            detect_credential("pypi", environ=job_environ(job.environ))
    with Bitrise(faults=Faults(status=500)) as job:
        with pytest.raises(AmbientCredentialError, match="answered HTTP 500"):
            detect_credential("pypi", environ=job_environ(job.environ))
