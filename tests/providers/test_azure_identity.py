"""Azure managed identity (opt-in): against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import AzureManagedIdentity, Faults
from tests.helpers import claims, job_environ

RESOURCE = "api://release-app"


def test_app_service_managed_identity() -> None:
    with AzureManagedIdentity(app_service=True) as job:
        token = detect_credential(
            RESOURCE, environ=job_environ(job.environ), provider="azure-identity"
        )
        (request,) = job.requests
    assert claims(token)["aud"] == RESOURCE
    assert request.headers["x-identity-header"] == job.identity_header
    assert request.query == {"resource": [RESOURCE], "api-version": ["2019-08-01"]}


def test_vm_managed_identity_through_imds() -> None:
    with AzureManagedIdentity(app_service=False) as job:
        token = detect_credential(
            RESOURCE, environ=job_environ(job.environ), provider="azure-identity"
        )
        (request,) = job.requests
    assert claims(token)["aud"] == RESOURCE
    assert request.headers["metadata"] == "true"
    assert request.param("api-version") == "2018-02-01"


def test_imds_that_does_not_answer_is_probed_briefly() -> None:
    import time

    with AzureManagedIdentity(app_service=False, faults=Faults(hang=True)) as job:
        started = time.monotonic()
        with pytest.raises(AmbientCredentialError, match="Azure managed identity"):
            detect_credential(RESOURCE, environ=job_environ(job.environ), provider="azure-identity")
        assert time.monotonic() - started < 5


def test_managed_identity_endpoint_errors() -> None:
    with AzureManagedIdentity(
        faults=Faults(status=400, body=b'{"error": "invalid_resource"}')
    ) as job:
        with pytest.raises(AmbientCredentialError, match="is a managed identity assigned"):
            detect_credential(RESOURCE, environ=job_environ(job.environ), provider="azure-identity")
