"""gcloud (opt-in): against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Gcloud
from tests.helpers import claims, job_environ


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
