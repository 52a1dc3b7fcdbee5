"""Azure Pipelines, Codefresh and Bitrise against their emulated token endpoints."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import AzurePipelines, Bitrise, Codefresh, Faults
from tests.helpers import claims, job_environ

AZURE = "api://AzureADTokenExchange"


def test_azure_pipelines_token_with_the_real_request() -> None:
    with AzurePipelines() as job:
        token = detect_credential(AZURE, environ=job_environ(job.environ))
        (request,) = job.requests
    assert claims(token)["aud"] == AZURE
    assert claims(token)["sub"] == "sc://example-org/release/release-connection"
    assert request.method == "POST"
    assert request.query == {"api-version": ["7.1"], "serviceConnectionId": [job.connection_id]}
    assert request.headers["authorization"] == f"Bearer {job.access_token}"
    assert request.headers["x-tfs-fedauthredirect"] == "Suppress"


def test_azure_pipelines_audience_is_fixed() -> None:
    with AzurePipelines() as job:
        with pytest.raises(AmbientCredentialError, match="always for api://AzureADTokenExchange"):
            detect_credential("pypi", environ=job_environ(job.environ))
        assert job.requests == []


def test_azure_pipelines_unmapped_access_token() -> None:
    with AzurePipelines(access_token_mapped=False) as job:
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential(AZURE, environ=job_environ(job.environ))
    assert "SYSTEM_ACCESSTOKEN: $(System.AccessToken)" in str(info.value)


def test_azure_pipelines_without_a_service_connection() -> None:
    with AzurePipelines() as job:
        environ = job_environ(job.environ)
        del environ["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"]
        with pytest.raises(AmbientCredentialError, match="ID_AZURE_SERVICE_CONNECTION_ID"):
            detect_credential(AZURE, environ=environ)
        environ["ID_AZURE_SERVICE_CONNECTION_ID"] = "unknown-connection"
        with pytest.raises(
            AmbientCredentialError, match="HTTP 404.*service connection does not exist"
        ):
            detect_credential(AZURE, environ=environ)


def test_azure_pipelines_malformed_answer() -> None:
    with AzurePipelines(faults=Faults(body=b'{"token": "x"}')) as job:
        with pytest.raises(AmbientCredentialError, match='no string "oidcToken"'):
            detect_credential(AZURE, environ=job_environ(job.environ))


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


@pytest.mark.parametrize("emulator", [Codefresh, Bitrise])
def test_wrong_audience_and_endpoint_errors(emulator: type) -> None:
    with emulator(claims={"aud": "other"}) as job:
        with pytest.raises(AmbientCredentialError, match="returned a token for audience 'other'"):
            detect_credential("pypi", environ=job_environ(job.environ))
    with emulator(faults=Faults(status=500)) as job:
        with pytest.raises(AmbientCredentialError, match="answered HTTP 500"):
            detect_credential("pypi", environ=job_environ(job.environ))
