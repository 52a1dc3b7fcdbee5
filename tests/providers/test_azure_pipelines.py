"""Azure Pipelines: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import AzurePipelines, Faults
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
