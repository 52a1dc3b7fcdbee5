"""Opt-in providers: never detected on their own, answering only when asked for by name."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import AzureManagedIdentity, Faults, Gcloud
from tests.helpers import claims, job_environ, run_id

RESOURCE = "api://release-app"


@pytest.mark.parametrize("emulator", [AzureManagedIdentity, Gcloud])
@pytest.mark.usefixtures("off_cloud")
def test_never_detected_on_their_own(emulator: type) -> None:
    with emulator() as job:
        assert detect_credential(RESOURCE, environ=job_environ(job.environ)) is None
        assert job.requests == []


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


def test_gcloud_prints_a_token_for_the_audience() -> None:
    with Gcloud() as job:
        token = detect_credential("pypi", environ=job_environ(job.environ), provider="gcloud")
        (request,) = job.requests
    assert claims(token)["aud"] == "pypi"
    assert request.json() == {"audiences": "pypi", "impersonate": ""}


def test_gcloud_person_account_needs_impersonation() -> None:
    with Gcloud(service_account=False) as job:
        environ = job_environ(job.environ)
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("pypi", environ=environ, provider="gcloud")
        assert "Requires valid service account" in str(info.value)
        assert "ID_GCLOUD_IMPERSONATE_SERVICE_ACCOUNT" in str(info.value)
        environ["ID_GCLOUD_IMPERSONATE_SERVICE_ACCOUNT"] = "ci@p.iam.gserviceaccount.com"
        token = detect_credential("pypi", environ=environ, provider="gcloud")
    assert claims(token)["email"] == "ci@p.iam.gserviceaccount.com"


def test_gcloud_missing() -> None:
    environ = job_environ({"PATH": "/nonexistent"})
    with pytest.raises(
        AmbientCredentialError, match="gcloud was asked for, but is not detected here"
    ):
        detect_credential("pypi", environ=environ, provider="gcloud")


def test_list_providers_marks_opt_in() -> None:
    with Gcloud() as job:
        result = run_id("--list-providers", env=job_environ(job.environ))
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "opt-in, --provider gcloud: available (gcloud is at" in lines["gcloud"]
    assert "opt-in, --provider azure-identity" in lines["azure-identity"]


def test_an_opt_in_provider_that_is_absent_says_what_it_needs() -> None:
    from id import AmbientCredentialError, detect_credential

    with pytest.raises(AmbientCredentialError) as info:
        detect_credential("pypi", environ={"PATH": "/nonexistent"}, provider="spiffe")
    assert str(info.value) == (
        "SPIFFE Workload API was asked for, but is not detected here: it needs "
        "SPIFFE_ENDPOINT_SOCKET set and the spiffe extra (pip install 'id[spiffe]')"
    )


def test_summaries_end_at_a_word() -> None:
    from id._redact import summarize

    line = summarize("word " * 100, limit=50)
    assert line.endswith("word…")
    assert len(line) <= 50
