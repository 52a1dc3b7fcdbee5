"""Codefresh: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Codefresh, Faults
from tests.helpers import claims, job_environ


def test_codefresh_token_with_the_real_request() -> None:
    with Codefresh() as job:
        token = detect_credential("pypi", environ=job_environ(job.environ))
        (request,) = job.requests
    assert claims(token)["aud"] == "pypi"
    assert request.headers["authorization"] == job.request_token
    assert request.param("audience") == "pypi"


def test_codefresh_without_oidc() -> None:
    with pytest.raises(
        AmbientCredentialError, match="CF_OIDC_REQUEST_URL and CF_OIDC_REQUEST_TOKEN"
    ):
        detect_credential("pypi", environ=job_environ({"CF_BUILD_ID": "1"}))


def test_codefresh_refused_request_token_hides_it() -> None:
    with Codefresh() as job:
        environ = job_environ({**job.environ, "CF_OIDC_REQUEST_TOKEN": "stale-token-value"})
        with pytest.raises(AmbientCredentialError, match="HTTP 401") as info:
            detect_credential("pypi", environ=environ)
    assert "stale-token-value" not in str(info.value)


def test_wrong_audience_and_endpoint_errors() -> None:
    with Codefresh(claims={"aud": "other"}) as job:
        with pytest.raises(AmbientCredentialError, match="returned a token for audience 'other'"):
            detect_credential("pypi", environ=job_environ(job.environ))
    with Codefresh(faults=Faults(status=500)) as job:
        with pytest.raises(AmbientCredentialError, match="answered HTTP 500"):
            detect_credential("pypi", environ=job_environ(job.environ))
