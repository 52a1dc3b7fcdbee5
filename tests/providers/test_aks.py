"""Azure workload identity (AKS): the projected token file, for `api://AzureADTokenExchange`;
skipped for another audience (the file exists for the Azure SDKs)."""

from __future__ import annotations

from id import detect_credential
from id.testing import AzureWorkloadIdentity
from tests.helpers import claims, job_environ


def test_the_pods_token_for_its_audience() -> None:
    with AzureWorkloadIdentity() as pod:
        token = detect_credential("api://AzureADTokenExchange", environ=job_environ(pod.environ))
    assert claims(token or "")["aud"] == "api://AzureADTokenExchange"


def test_another_audience_is_skipped() -> None:
    with AzureWorkloadIdentity() as pod:
        assert detect_credential("pypi", environ=job_environ(pod.environ)) is None
